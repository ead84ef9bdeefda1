"""QR by modified Gram–Schmidt (02-decompositions/qr_modified): the checker."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.rules import QR, Forbidden
from ._common import (
    QR_BY_OTHER_MEANS,
    SCIPY,
    A,
    _gram_schmidt_misconceptions,
    _gram_schmidt_wrong,
    _lauchli,
    _qr_common_cases,
    _qr_compare,
    _qr_reference,
)

OWN_QR_CLASSICAL = Forbidden(
    "Calling your qr_classical",
    objects=("__main__.qr_classical",),
    why="Write the modified loop itself: the two algorithms differ inside the loop.",
)
_WIDE_2_4 = np.array([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=float)


def _qr_modified_cases() -> list[Case]:
    return [
        *_qr_common_cases(_rng(25)),
        Case("Läuchli's (4, 3) matrix [1 1 1; ε I] with ε = 1e-6 (κ ≈ 2e6)", (_lauchli(1e-6),)),
        Case(
            "Läuchli's (6, 5) matrix with ε = 1e-8: 1 + ε² rounds to 1 (κ ≈ 2e8)",
            (_lauchli(1e-8, 5),),
        ),
        Case("a wide (2, 4) matrix: must raise ValueError", (_WIDE_2_4.copy(),)),
    ]


QR_MODIFIED = Checker(
    f"{A}/qr_modified",
    title="QR by modified Gram–Schmidt",
    reference=_qr_reference,
    cases=_qr_modified_cases,
    comparator=_qr_compare,
    forbidden=[QR, QR_BY_OTHER_MEANS, SCIPY, OWN_QR_CLASSICAL],
    misconceptions=[
        Misconception(
            "classical-gram-schmidt",
            "This is classical Gram–Schmidt: every coefficient is computed from the *original* "
            "column (q_i · a_j), and on an ill-conditioned matrix Q stops being orthogonal. "
            "Modified Gram–Schmidt projects the *updated* vector: r_ij = q_i · v, then "
            "v ← v − r_ij q_i, one i at a time.",
            lambda a: _gram_schmidt_wrong(a, modified=False, mistake="classical"),
        ),
        *_gram_schmidt_misconceptions(modified=True),
    ],
)


CHECKER = QR_MODIFIED
