"""QR by classical Gram–Schmidt (02-decompositions/qr_classical): the checker."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker
from ...checks.references import rng as _rng
from ...checks.rules import QR
from ._common import (
    QR_BY_OTHER_MEANS,
    SCIPY,
    A,
    _gram_schmidt_misconceptions,
    _qr_common_cases,
    _qr_compare,
    _qr_reference,
)

# Wide matrices whose first columns are unit vectors: without the ValueError, Gram–Schmidt
# meets an exactly zero v (0/0 = nan) the same way in every implementation.
_WIDE_3_5 = np.array([[1, 0, 0, 1, 0], [0, 1, 0, 0, 1], [0, 0, 1, 1, 1]], dtype=float)


def _qr_classical_cases() -> list[Case]:
    return [
        *_qr_common_cases(_rng(24)),
        Case("a wide (3, 5) matrix: must raise ValueError", (_WIDE_3_5.copy(),)),
    ]


QR_CLASSICAL = Checker(
    f"{A}/qr_classical",
    title="QR by classical Gram–Schmidt",
    reference=_qr_reference,
    cases=_qr_classical_cases,
    comparator=_qr_compare,
    forbidden=[QR, QR_BY_OTHER_MEANS, SCIPY],
    misconceptions=_gram_schmidt_misconceptions(modified=False),
)


CHECKER = QR_CLASSICAL
