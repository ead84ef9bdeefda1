"""Training on the digits (12-autograd-engine/train_digits): the checker.

The student's ``train_digits(params, X_train, y_train, X_test, y_test, lr, epochs,
batch_size)`` trains the MLP of ``params`` with their engine: Adam, the fused cross-entropy,
minibatches taken in order (``X_train[i:i + batch_size]``, the last one smaller), zero_grad
before every backward pass; it returns ``(losses, test_accuracy)`` with ``losses[t]`` the loss
of minibatch t before its update. The reference is the same run in torch (float64, the same
initial parameters and data order, ``torch.optim.Adam``). The data are scikit-learn's digits
(shipped with it, nothing downloaded), scaled to [0, 1] and split with a fixed seed; the first
case's run reaches a test accuracy of at least 0.9."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare, summarize
from ...checks.references import one_torch_thread
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A, _t
from .mlp_module import init_mlp

REQUIRED_ACCURACY = 0.9


@functools.lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    return data.data / 16.0, data.target.astype(np.int64)


def digits_split(seed: int, n_test: int = 500) -> tuple[np.ndarray, ...]:
    """(X_train, y_train, X_test, y_test): the digits scaled to [0, 1], split at random."""
    X, y = _digits()
    order = np.random.default_rng(seed).permutation(len(X))
    test, train = order[:n_test], order[n_test:]
    return X[train], y[train], X[test], y[test]


def _train(
    params: Sequence[Mapping[str, Any]],
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    lr: float,
    epochs: int,
    batch_size: int,
    mistake: str = "",
) -> tuple[list[float], float]:
    torch = _torch()
    F = torch.nn.functional
    with one_torch_thread():
        tp = [{k: _t(v).requires_grad_() for k, v in layer.items()} for layer in params]
        flat = [p for layer in tp for p in (layer["W"], layer["b"])]
        opt = torch.optim.Adam(flat, lr=lr)

        def logits(X: Any) -> Any:
            h = X
            for i, layer in enumerate(tp):
                h = F.linear(h, layer["W"].T, layer["b"])
                if i < len(tp) - 1:
                    h = torch.relu(h)
            return h

        X, y = _t(X_train), torch.from_numpy(np.asarray(y_train, dtype=np.int64))
        n = len(X)
        stop = n - n % batch_size if mistake == "last-batch-dropped" else n
        losses: list[float] = []
        for _ in range(int(epochs)):
            for i in range(0, stop, int(batch_size)):
                if mistake != "zero-grad-forgotten":
                    opt.zero_grad()
                loss = F.cross_entropy(logits(X[i : i + batch_size]), y[i : i + batch_size])
                loss.backward()
                opt.step()
                losses.append(loss.item())
        Xe, ye = (X_train, y_train) if mistake == "accuracy-on-training-set" else (X_test, y_test)
        with torch.no_grad():
            predicted = logits(_t(Xe)).argmax(dim=1).numpy()
    return losses, float(np.mean(predicted == np.asarray(ye)))


def _reference(*args: Any) -> tuple[list[float], float]:
    return _train(*args)


def _compare(got: Any, expected: Any) -> Mismatch | None:
    if not isinstance(got, tuple | list) or len(got) != 2:
        return Mismatch(
            "type",
            f"expected a tuple (losses, test_accuracy), yours is {summarize(got)}",
            summarize(got),
            "tuple (losses, test_accuracy)",
        )
    try:
        losses = np.asarray(got[0], dtype=float)
        accuracy = float(got[1])
    except (TypeError, ValueError):
        return Mismatch(
            "type",
            f"expected a list of floats and a float, yours is {summarize(got)}",
            summarize(got),
            "tuple (losses, test_accuracy)",
        )
    want = np.asarray(expected[0], dtype=float)
    if losses.shape != want.shape:
        return Mismatch(
            "length",
            f"losses must hold one loss per minibatch step ({len(want)}), yours has shape "
            f"{losses.shape}",
            summarize(got[0]),
            summarize(expected[0]),
        )
    found = compare(losses, want, rtol=1e-6, atol=1e-9)
    if found:
        return found.at("losses")
    if expected[1] >= REQUIRED_ACCURACY > accuracy:
        return Mismatch(
            "value",
            f"test accuracy: yours {accuracy:.4f} is below the required {REQUIRED_ACCURACY} "
            f"(this run reaches {expected[1]:.4f})",
            repr(accuracy),
            repr(expected[1]),
        )
    found = compare(accuracy, float(expected[1]), rtol=0.0, atol=1e-12)
    return found.at("test_accuracy") if found else None


def _cases() -> list[Case]:
    rng = _rng(128)
    split = digits_split(12)
    return [
        Case(
            "the notes' run: 64 → 32 → 10, Adam lr 0.01, batch 128, 6 epochs "
            f"(test accuracy ≥ {REQUIRED_ACCURACY})",
            (init_mlp(rng, [64, 32, 10]), *split, 0.01, 6, 128),
        ),
        Case(
            "softmax regression 64 → 10, lr 0.05, batch 500, 2 epochs",
            (init_mlp(rng, [64, 10]), *split, 0.05, 2, 500),
        ),
        Case(
            "64 → 20 → 10, lr 0.02, batch 1000, 2 epochs (minibatches of 1000 and 297)",
            (init_mlp(rng, [64, 20, 10]), *split, 0.02, 2, 1000),
        ),
        Case(
            "full batch, 64 → 16 → 10, lr 0.02, 8 steps",
            (init_mlp(rng, [64, 16, 10]), *split, 0.02, 8, len(split[0])),
        ),
    ]


def _mistake(name: str, hint: str) -> Misconception:
    def wrong(
        params: Any, X: Any, y: Any, Xt: Any, yt: Any, lr: float, epochs: int, batch: int
    ) -> tuple[list[float], float]:
        return _train(params, X, y, Xt, yt, lr, epochs, batch, mistake=name)

    return Misconception(name, hint, wrong)


TRAIN_DIGITS = Checker(
    f"{A}/train_digits",
    title="Training on the digits",
    reference=_reference,
    cases=_cases,
    comparator=_compare,
    misconceptions=[
        _mistake(
            "zero-grad-forgotten",
            "Your loss curve is the one of a run whose gradients pile up from step to step: "
            "call optimizer.zero_grad() before every backward(), since backward() adds to .grad.",
        ),
        _mistake(
            "last-batch-dropped",
            "You skip the last, smaller minibatch of each epoch (range(N // batch_size)). Take "
            "every X_train[i:i + batch_size] for i in range(0, N, batch_size).",
        ),
        _mistake(
            "accuracy-on-training-set",
            "Your accuracy is measured on the training set. Report it on X_test, y_test: the "
            "fraction of test digits whose largest logit is the right class.",
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = TRAIN_DIGITS
