"""Jensen–Shannon divergence (06-information-theory/js_divergence): the checker."""

from __future__ import annotations

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import _NOT_ALLOWED, LN2, A, _out, _scalar_or_array, _t, _with_zeros, _xlogy


# -- Jensen–Shannon divergence -------------------------------------------------------------------------
def _js_reference(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    # JS(p, q) = H(m) − (H(p) + H(q)) / 2 with m = (p + q) / 2: another formula than the KLs.
    torch = _torch()
    pt, qt = _t(p), _t(q)
    h = torch.special.entr
    return _out(h((pt + qt) / 2).sum(-1) - (h(pt).sum(-1) + h(qt).sum(-1)) / 2)


def _js_cases() -> list[Case]:
    rng = _rng(605)
    return [
        Case("a 90/10 coin and a fair coin", (np.array([0.9, 0.1]), np.array([0.5, 0.5]))),
        Case(
            "a fair coin and a 90/10 coin: JS is symmetric",
            (np.array([0.5, 0.5]), np.array([0.9, 0.1])),
        ),
        Case(
            "disjoint supports [1, 0] and [0, 1]: ln 2",
            (np.array([1.0, 0.0]), np.array([0.0, 1.0])),
        ),
        Case(
            "[0.5, 0.5, 0] and [0, 0.5, 0.5]",
            (np.array([0.5, 0.5, 0.0]), np.array([0.0, 0.5, 0.5])),
        ),
        Case(
            "a batch (4, 6) with zeros in both",
            (
                _with_zeros(rng.dirichlet(np.ones(6), size=4), rng),
                _with_zeros(rng.dirichlet(np.ones(6), size=4), rng),
            ),
        ),
        Case(
            "a (2, 3, 5) batch",
            (rng.dirichlet(np.ones(5), size=(2, 3)), rng.dirichlet(np.ones(5), size=(2, 3))),
        ),
        Case("p = q gives 0", (np.array([0.2, 0.3, 0.5]), np.array([0.2, 0.3, 0.5]))),
    ]


def _js_with(
    p: np.ndarray,
    q: np.ndarray,
    *,
    naive: bool = False,
    factor: float = 0.5,
    unit: float = 1.0,
    mixture: float = 0.5,
    from_mixture: bool = False,
    root: bool = False,
) -> np.ndarray | float:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = mixture * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        if naive:
            kl_pm, kl_qm = (p * np.log(p / m)).sum(-1), (q * np.log(q / m)).sum(-1)
        elif from_mixture:
            kl_pm, kl_qm = _xlogy(m, p).sum(-1), _xlogy(m, q).sum(-1)
        else:
            kl_pm, kl_qm = _xlogy(p, m).sum(-1), _xlogy(q, m).sum(-1)
    js = factor * (kl_pm + kl_qm) / unit
    return _scalar_or_array(np.sqrt(js) if root else js)


def _js_symmetrised_kl(p: np.ndarray, q: np.ndarray) -> np.ndarray | float:
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    return _scalar_or_array(0.5 * (_xlogy(p, q).sum(-1) + _xlogy(q, p).sum(-1)))


JS_DIVERGENCE = Checker(
    f"{A}/js_divergence",
    title="Jensen–Shannon divergence",
    reference=_js_reference,
    cases=_js_cases,
    forbidden=_NOT_ALLOWED,
    misconceptions=[
        Misconception(
            "js-log-zero",
            "A zero in p or q gives 0 · log 0 = nan. By convention 0 · log 0 = 0: add up only "
            "the terms where the probability is > 0.",
            lambda p, q: _js_with(p, q, naive=True),
        ),
        Misconception(
            "js-symmetrised-kl",
            "You averaged KL(p ‖ q) and KL(q ‖ p). Jensen–Shannon compares each distribution "
            "with the mixture m = (p + q) / 2: ½ KL(p ‖ m) + ½ KL(q ‖ m), which stays finite "
            "(≤ ln 2) even when the supports differ.",
            _js_symmetrised_kl,
        ),
        Misconception(
            "js-kl-from-mixture",
            "You computed KL(m ‖ p) and KL(m ‖ q): the mixture goes *second*, "
            "½ KL(p ‖ m) + ½ KL(q ‖ m). The other order is infinite as soon as p or q has a "
            "zero where the mixture does not.",
            lambda p, q: _js_with(p, q, from_mixture=True),
        ),
        Misconception(
            "js-mixture-not-halved",
            "Your mixture is p + q; the mixture is their *average*, m = (p + q) / 2, a "
            "distribution (with m = p + q each KL is off by ln 2 and JS comes out negative).",
            lambda p, q: _js_with(p, q, mixture=1.0),
        ),
        Misconception(
            "js-not-halved",
            "You added KL(p ‖ m) + KL(q ‖ m); JS is their *average*, ½ KL(p ‖ m) + ½ KL(q ‖ m), "
            "which is at most ln 2.",
            lambda p, q: _js_with(p, q, factor=1.0),
        ),
        Misconception(
            "js-distance",
            "You returned the Jensen–Shannon *distance* √JS (what scipy's "
            "spatial.distance.jensenshannon returns); the exercise asks for the divergence "
            "JS itself, without the square root.",
            lambda p, q: _js_with(p, q, root=True),
        ),
        Misconception(
            "js-log2",
            "You used log base 2 (bits, where JS ≤ 1); this exercise uses the natural log "
            "(nats, where JS ≤ ln 2).",
            lambda p, q: _js_with(p, q, unit=LN2),
        ),
    ],
)


CHECKER = JS_DIVERGENCE
