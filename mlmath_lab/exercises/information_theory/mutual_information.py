"""Mutual information from a joint table (06-information-theory/mutual_information): the checker."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ._common import _NOT_ALLOWED, LN2, A, _t, _xlogx


# -- mutual information from a joint table -------------------------------------------------------------
def _mi_reference(joint: np.ndarray) -> float:
    # I(X; Y) = KL(P(x, y) ‖ P(x) P(y)): another formula than the entropies.
    pxy = _t(joint)
    pxy = pxy / pxy.sum()
    independent = pxy.sum(1, keepdim=True) * pxy.sum(0, keepdim=True)
    support = pxy > 0
    return float((pxy[support] * (pxy[support].log() - independent[support].log())).sum())


def _mi_cases() -> list[Case]:
    rng = _rng(606)
    noisy = rng.dirichlet(np.ones(15)).reshape(3, 5)
    noisy[0, 1] = noisy[2, 3] = noisy[1, 0] = 0.0
    noisy /= noisy.sum()
    uneven = np.array([[0.30, 0.05, 0.05], [0.02, 0.18, 0.10], [0.01, 0.04, 0.25]])
    return [
        Case(
            "independent X and Y, a (2, 3) table: 0",
            (np.outer([0.3, 0.7], [0.2, 0.5, 0.3]),),
        ),
        Case("Y = X, uniform over 3 values: ln 3", (np.eye(3) / 3,)),
        Case(
            "a binary symmetric channel with 10% noise",
            (np.array([[0.45, 0.05], [0.05, 0.45]]),),
        ),
        Case(
            "a (4, 2) table of integer counts",
            (np.array([[10, 0], [3, 7], [5, 5], [1, 9]]),),
        ),
        Case("a (3, 5) table with zeros", (noisy,)),
        Case("a (3, 3) table whose rows and columns have different totals", (uneven,)),
        Case("the same (3, 3) table transposed: I is symmetric", (uneven.T.copy(),)),
        Case("a single row (1, 4): X is constant, 0", (np.array([[0.1, 0.2, 0.3, 0.4]]),)),
    ]


def _mi_with(
    joint: np.ndarray,
    *,
    naive: bool = False,
    normalise: bool = True,
    sign: float = 1.0,
    unit: float = 1.0,
) -> float:
    pxy = np.asarray(joint, dtype=float)
    if normalise:
        pxy = pxy / pxy.sum()

    def h(p: np.ndarray) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(-(p * np.log(p)).sum() if naive else -_xlogx(p).sum())

    mi = h(pxy.sum(axis=1)) + h(pxy.sum(axis=0)) - h(pxy)
    return sign * mi / unit


def _mi_kl_form(joint: np.ndarray, *, product: str, masked: bool = False) -> float:
    """Σ P(x, y) log(P(x, y) / (P(x) P(y))) with the product of the marginals written wrongly.

    For a non-square table the wrong product has the wrong shape, and what the student's code
    raises depends on how it is written: ``pxy[nz] / px_py[nz]`` raises IndexError (``masked``),
    ``pxy / px_py`` a ValueError.
    """
    pxy = np.asarray(joint, dtype=float)
    pxy = pxy / pxy.sum()
    if product == "no-outer":  # px * py: broadcast along the last axis, not an outer product
        independent = pxy.sum(axis=1) * pxy.sum(axis=0)
    else:  # "swapped": P(x) from the columns' sums, P(y) from the rows'
        independent = pxy.sum(axis=0)[:, None] * pxy.sum(axis=1)[None, :]
    if masked:
        nz = pxy > 0
        return float(np.sum(pxy[nz] * np.log(pxy[nz] / independent[nz])))
    with np.errstate(divide="ignore", invalid="ignore"):  # broadcast as the student's code
        ratio = np.where(pxy > 0, pxy / independent, 1.0)  # does (ValueError when it cannot)
        return float(np.where(pxy > 0, pxy * np.log(ratio), 0.0).sum())


_MI_SWAPPED_HINT = (
    "You swapped the marginals: P(x) sums each row (axis=1) and P(y) each column (axis=0), "
    "and the table of P(x) P(y) has P(x) down its rows: px[:, None] * py[None, :]."
)


MUTUAL_INFORMATION = Checker(
    f"{A}/mutual_information",
    title="Mutual information from a joint table",
    reference=_mi_reference,
    cases=_mi_cases,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "mi-log-zero",
            "A zero cell of the table gives 0 · log 0 = nan. By convention 0 · log 0 = 0: add "
            "up only the terms where the probability is > 0.",
            lambda joint: _mi_with(joint, naive=True),
        ),
        Misconception(
            "mi-not-normalised",
            "The table holds counts: divide it by its total first, so that it is a "
            "probability table summing to 1.",
            lambda joint: _mi_with(joint, normalise=False),
        ),
        Misconception(
            "mi-sign",
            "You have the signs reversed: I(X; Y) = H(X) + H(Y) − H(X, Y), which is ≥ 0.",
            lambda joint: _mi_with(joint, sign=-1.0),
        ),
        Misconception(
            "mi-log2",
            "You used log base 2 (bits); this exercise uses the natural log (nats).",
            lambda joint: _mi_with(joint, unit=LN2),
        ),
        Misconception(
            "mi-marginals-not-outer",
            "You multiplied the marginals as px * py, which broadcasts them along the last "
            "axis (and fails for a non-square table). P(x) P(y) is a table, their outer "
            "product: px[:, None] * py[None, :] (np.outer).",
            lambda joint: _mi_kl_form(joint, product="no-outer"),
        ),
        Misconception(
            "mi-marginals-swapped",
            _MI_SWAPPED_HINT,
            lambda joint: _mi_kl_form(joint, product="swapped", masked=True),
        ),
        Misconception(
            "mi-marginals-swapped-unmasked",
            _MI_SWAPPED_HINT,
            lambda joint: _mi_kl_form(joint, product="swapped"),
        ),
    ],
)


CHECKER = MUTUAL_INFORMATION
