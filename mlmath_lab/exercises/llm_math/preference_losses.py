"""The Bradley–Terry and DPO losses (11-llm-math/preference_losses): the checker.

``preference_losses(reward_chosen, reward_rejected, policy_chosen, policy_rejected,
ref_chosen, ref_rejected, beta)`` returns ``(bt_loss, dpo_loss)``, both means over the batch:
the reward model's −log σ(r_chosen − r_rejected) and DPO's −log σ(β[(log π(y_w) − log
π_ref(y_w)) − (log π(y_l) − log π_ref(y_l))]) from sequence log-probabilities. The reference is
torch's ``F.logsigmoid`` (stable for margins of ±1000).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _t


def _losses(
    rc: Any, rr: Any, pc: Any, pr: Any, qc: Any, qr: Any, beta: float, *, mistake: str = ""
) -> tuple[float, float]:
    torch = _torch()
    rc, rr, pc, pr, qc, qr = (_t(a) for a in (rc, rr, pc, pr, qc, qr))
    if mistake == "chosen-rejected-swapped":
        rc, rr, pc, pr, qc, qr = rr, rc, pr, pc, qr, qc
    if mistake == "naive-log-sigmoid":

        def logsig(v: Any) -> Any:
            return torch.log(1.0 / (1.0 + torch.exp(-v)))
    else:
        logsig = torch.nn.functional.logsigmoid
    # DPO's margin: the policy's log-ratio to the reference, chosen minus rejected
    margin = pc - pr if mistake == "reference-not-subtracted" else (pc - qc) - (pr - qr)
    bt = -logsig(rc - rr)
    dpo = -logsig(beta * margin)
    if mistake == "sum-not-mean":
        return float(bt.sum()), float(dpo.sum())
    return float(bt.mean()), float(dpo.mean())


def _reference(
    rc: Any, rr: Any, pc: Any, pr: Any, qc: Any, qr: Any, beta: float
) -> tuple[float, float]:
    return _losses(rc, rr, pc, pr, qc, qr, beta)


def _with(mistake: str) -> Any:
    def wrong(
        rc: Any, rr: Any, pc: Any, pr: Any, qc: Any, qr: Any, beta: float
    ) -> tuple[float, float]:
        return _losses(rc, rr, pc, pr, qc, qr, beta, mistake=mistake)

    return wrong


def preference_batch(rng: np.random.Generator, n: int, beta: float) -> tuple[Any, ...]:
    """Rewards, and sequence log-probs (sums over tokens: tens of nats, negative)."""
    rewards = rng.normal(size=(2, n))
    logps = -rng.uniform(5.0, 60.0, size=(4, n))
    return (*rewards, *logps, beta)


def _cases() -> list[Case]:
    rng = _rng(1107)
    notes = (
        [1.5, 0.2],
        [0.5, 0.7],
        [-12.0, -30.0],
        [-15.0, -28.0],
        [-13.0, -29.0],
        [-14.0, -29.5],
        0.1,
    )
    big = (
        [1000.0, -1000.0, 3.0],
        [0.0, 0.0, 2.0],
        [-10.0, -2010.0, -20.0],
        [-2010.0, -10.0, -21.0],
        [-10.0, -10.0, -20.5],
        [-10.0, -10.0, -20.5],
        1.0,
    )
    return [
        Case("the notes' example: a batch of 2, β = 0.1", notes),
        Case("a batch of 8, β = 0.1", preference_batch(rng, 8, 0.1)),
        Case("a batch of 5, β = 0.5", preference_batch(rng, 5, 0.5)),
        Case("margins of ±1000 (β = 1)", big),
        Case("one pair, β = 2", preference_batch(rng, 1, 2.0)),
    ]


PREFERENCE_LOSSES = Checker(
    f"{A}/preference_losses",
    title="The Bradley–Terry and DPO losses",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "chosen-rejected-swapped",
            "You swapped chosen and rejected: your losses reward preferring the rejected "
            "answer. The margin is chosen minus rejected — r_w − r_l, and for DPO "
            "(log π(y_w) − log π_ref(y_w)) − (log π(y_l) − log π_ref(y_l)) — inside "
            "−log σ(·).",
            _with("chosen-rejected-swapped"),
        ),
        Misconception(
            "naive-log-sigmoid",
            "Your log σ(x) overflows for a large negative margin: log(1/(1 + exp(−x))) "
            "computes exp(1000) = inf and returns −inf. Use the stable form "
            "log σ(x) = min(x, 0) − log1p(exp(−|x|)).",
            _with("naive-log-sigmoid"),
        ),
        Misconception(
            "reference-not-subtracted",
            "Your DPO margin uses the policy's log-probabilities only. DPO's implicit reward is "
            "β(log π − log π_ref): subtract the reference model's log-probabilities of the "
            "same answers.",
            _with("reference-not-subtracted"),
        ),
        Misconception(
            "sum-not-mean",
            "You summed the losses over the batch. Both losses are the mean over the pairs.",
            _with("sum-not-mean"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = PREFERENCE_LOSSES
