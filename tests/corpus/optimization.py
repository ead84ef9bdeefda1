"""Student solutions for 04 — Optimization, as people write them.

The wrong ones are the mistakes found in public from-scratch code, course solutions and issue
threads (rewritten here, never copied): the averaged velocity of deeplearning.ai's course and
ML-From-Scratch, velocities started at ones, Nesterov for plain momentum; RMSprop with eps
inside the root (TensorFlow, Keras, Lasagne) or its average started at ones (TensorFlow 1);
Adam without bias correction, with a correction lacking the power t, counted from 0 or from 2,
written back into m and v, or folded into the step size (the paper's ε̂); AdamW as Adam with
an L2 penalty, with the decay after the step (Hugging Face's old AdamW) or without lr; warmups
from build-nanogpt ((t + 1) / W), nanoGPT ((t + 1) / (W + 1)) and np.linspace; cosines over
the whole run (the UvA tutorials) or ending on the last step; clipping per tensor, by value,
or always; trajectories that hold one array updated in place.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "04-optimization"


def _entry(exercise: str, expect: str | None, note: str, code: str) -> Entry:
    return Entry(f"{A}/{exercise}", exercise, code, expect, note)


def _gd(expect: str | None, note: str, code: str) -> Entry:
    return _entry("gd_quadratic", expect, note, code)


def _sgd(expect: str | None, note: str, code: str) -> Entry:
    return _entry("sgd_minibatch", expect, note, code)


def _mom(expect: str | None, note: str, code: str) -> Entry:
    return _entry("sgd_momentum", expect, note, code)


def _rms(expect: str | None, note: str, code: str) -> Entry:
    return _entry("rmsprop", expect, note, code)


def _adam(expect: str | None, note: str, code: str) -> Entry:
    return _entry("adam", expect, note, code)


def _adamw(expect: str | None, note: str, code: str) -> Entry:
    return _entry("adamw", expect, note, code)


def _sched(expect: str | None, note: str, code: str) -> Entry:
    return _entry("warmup_cosine", expect, note, code)


def _clip(expect: str | None, note: str, code: str) -> Entry:
    return _entry("clip_grad_norm", expect, note, code)


ENTRIES: list[Entry] = [
    # -- gradient descent on (x - 3)^2 ---------------------------------------------------------
    _gd(
        CORRECT,
        "a Python list, one append per step",
        """
def gd_quadratic(x0, lr, n_steps):
    x = float(x0)
    xs = [x]
    for _ in range(n_steps):
        x = x - lr * 2 * (x - 3)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _gd(
        CORRECT,
        "the closed form 3 + (1 - 2 lr)^t (x0 - 3)",
        """
def gd_quadratic(x0, lr, n_steps):
    t = np.arange(n_steps + 1)
    return 3.0 + (1.0 - 2.0 * lr) ** t * (x0 - 3.0)
""",
    ),
    _gd(
        CORRECT,
        "a while loop over a preallocated array, gradient as a helper",
        """
def gd_quadratic(x0, lr, n_steps):
    def grad(x):
        return 2.0 * x - 6.0
    xs = np.zeros(n_steps + 1)
    xs[0] = x0
    t = 0
    while t < n_steps:
        xs[t + 1] = xs[t] - lr * grad(xs[t])
        t += 1
    return xs
""",
    ),
    _gd(
        "gradient-ascent",
        "adds the gradient",
        """
def gd_quadratic(x0, lr, n_steps):
    xs = [x0]
    x = x0
    for _ in range(n_steps):
        x = x + lr * 2 * (x - 3)
        xs.append(x)
    return np.array(xs, dtype=float)
""",
    ),
    _gd(
        "derivative-without-2",
        "f'(x) written as x - 3",
        """
def gd_quadratic(x0, lr, n_steps):
    xs = np.empty(n_steps + 1)
    xs[0] = x0
    for i in range(n_steps):
        xs[i + 1] = xs[i] - lr * (xs[i] - 3)
    return xs
""",
    ),
    _gd(
        "trajectory-without-x0",
        "appends only the new iterates",
        """
def gd_quadratic(x0, lr, n_steps):
    x = x0
    history = []
    for _ in range(n_steps):
        x -= lr * 2 * (x - 3)
        history.append(x)
    return np.array(history, dtype=float)
""",
    ),
    _gd(
        "trajectory-one-short",
        "appends before updating",
        """
def gd_quadratic(x0, lr, n_steps):
    x = x0
    history = []
    for _ in range(n_steps):
        history.append(x)
        x = x - lr * 2 * (x - 3)
    return np.array(history, dtype=float)
""",
    ),
    _gd(
        "returned-final-x-only",
        "returns the minimiser found, like a textbook gradient_descent",
        """
def gd_quadratic(x0, lr, n_steps):
    x = x0
    for _ in range(n_steps):
        x = x - lr * 2 * (x - 3)
    return x
""",
    ),
    _gd(
        None,
        "f'(x) miscomputed as 2x - 3",
        """
def gd_quadratic(x0, lr, n_steps):
    xs = [x0]
    for _ in range(n_steps):
        xs.append(xs[-1] - lr * (2 * xs[-1] - 3))
    return np.array(xs, dtype=float)
""",
    ),
    # -- mini-batch SGD for linear regression ---------------------------------------------------
    _sgd(
        CORRECT,
        "a loop over the examples of each batch",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for batch in batches:
        grad = np.zeros_like(w)
        for i in batch:
            grad += 2 * (X[i] @ w - y[i]) * X[i]
        w = w - lr * grad / len(batch)
        out.append(w.copy())
    return np.array(out)
""",
    ),
    _sgd(
        CORRECT,
        "the mean of per-example gradients with np.mean",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.asarray(w0, dtype=float)
    ws = [w]
    for b in batches:
        Xb, yb = X[b], y[b]
        residual = Xb.dot(w) - yb
        grad = np.mean(2 * residual[:, None] * Xb, axis=0)
        w = w - lr * grad
        ws.append(w)
    return np.stack(ws)
""",
    ),
    _sgd(
        CORRECT,
        "preallocated trajectory, einsum",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    traj = np.zeros((len(batches) + 1, len(w0)))
    traj[0] = w0
    for t, idx in enumerate(batches):
        Xb = X[idx]
        g = 2.0 / len(idx) * np.einsum("ij,i->j", Xb, Xb @ traj[t] - y[idx])
        traj[t + 1] = traj[t] - lr * g
    return traj
""",
    ),
    _sgd(
        "full-batch",
        "the gradient of the whole data set at every step",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for batch in batches:
        grad = 2 / len(X) * X.T @ (X @ w - y)
        w = w - lr * grad
        out.append(w.copy())
    return np.array(out)
""",
    ),
    _sgd(
        "summed-not-averaged",
        "the gradient of the sum of squares",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for batch in batches:
        Xb, yb = X[batch], y[batch]
        w = w - lr * 2 * Xb.T @ (Xb @ w - yb)
        out.append(w.copy())
    return np.array(out)
""",
    ),
    _sgd(
        "averaged-over-all-examples",
        "divides by N = len(X)",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    n = X.shape[0]
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for batch in batches:
        Xb, yb = X[batch], y[batch]
        w = w - lr * (2 / n) * Xb.T @ (Xb @ w - yb)
        out.append(w.copy())
    return np.array(out)
""",
    ),
    _sgd(
        "mse-gradient-without-2",
        "gradient of the MSE without its factor 2",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for batch in batches:
        Xb, yb = X[batch], y[batch]
        w = w - lr * Xb.T @ (Xb @ w - yb) / len(batch)
        out.append(w.copy())
    return np.array(out)
""",
    ),
    _sgd(
        "residual-sign",
        "residual y - Xw with the descent sign",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    for batch in batches:
        Xb, yb = X[batch], y[batch]
        err = yb - Xb @ w
        w = w - lr * 2 * Xb.T @ err / len(batch)
        out.append(w.copy())
    return np.array(out)
""",
    ),
    _sgd(
        "trajectory-aliased",
        "w -= ... on the array already in the list",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w]
    for batch in batches:
        Xb, yb = X[batch], y[batch]
        w -= lr * 2 * Xb.T @ (Xb @ w - yb) / len(batch)
        out.append(w)
    return np.array(out)
""",
    ),
    _sgd(
        None,
        "contiguous slices instead of the given indices",
        """
def sgd_minibatch(X, y, w0, lr, batches):
    w = np.array(w0, dtype=float)
    out = [w.copy()]
    start = 0
    for batch in batches:
        stop = start + len(batch)
        Xb, yb = X[start:stop], y[start:stop]
        w = w - lr * 2 * Xb.T @ (Xb @ w - yb) / len(batch)
        out.append(w.copy())
        start = stop % len(X)
    return np.array(out)
""",
    ),
    # -- SGD with momentum ------------------------------------------------------------------------
    _mom(
        CORRECT,
        "PyTorch's form with in-place updates on a copy",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.array(x0, dtype=float)
    buf = np.zeros_like(x)
    traj = [x.copy()]
    for g in grads:
        buf *= momentum
        buf += g
        x -= lr * buf
        traj.append(x.copy())
    return np.array(traj)
""",
    ),
    _mom(
        CORRECT,
        "the classic form v = mu v - lr g, x = x + v (CS231n)",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v - lr * g
        x = x + v
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        CORRECT,
        "lr inside the buffer, v = mu v + lr g, x = x - v",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for t in range(len(grads)):
        v = momentum * v + lr * grads[t]
        x = x - v
        xs.append(x)
    return np.stack(xs)
""",
    ),
    _mom(
        CORRECT,
        "torch's buffer set to g at the first step",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    buf = None
    xs = [x]
    for g in grads:
        buf = np.array(g, dtype=float) if buf is None else momentum * buf + g
        x = x - lr * buf
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "ema-velocity",
        "the averaged velocity of deeplearning.ai's course",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v + (1 - momentum) * g
        x = x - lr * v
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "stale-velocity",
        "steps with the previous velocity",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        x = x - lr * v
        v = momentum * v + g
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "lr-applied-twice",
        "lr in the buffer and again in the step",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v + lr * g
        x = x - lr * v
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "nesterov-momentum",
        "Nesterov's look-ahead step",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v + g
        x = x - lr * (g + momentum * v)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "velocity-not-started-at-zero",
        "np.ones_like for the velocity",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.ones_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v + g
        x = x - lr * v
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "momentum-ascent",
        "the classic velocity with the update sign of torch's form",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v - lr * g
        x = x - v
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        "trajectory-aliased",
        "x -= lr * v on the appended array",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.array(x0, dtype=float)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        v = momentum * v + g
        x -= lr * v
        xs.append(x)
    return np.array(xs)
""",
    ),
    _mom(
        None,
        "only the previous gradient as momentum",
        """
def sgd_momentum(x0, grads, lr, momentum):
    x = np.asarray(x0, dtype=float)
    prev = np.zeros_like(x)
    xs = [x]
    for g in grads:
        x = x - lr * (g + momentum * prev)
        prev = g
        xs.append(x)
    return np.array(xs)
""",
    ),
    # -- RMSprop ------------------------------------------------------------------------------------
    _rms(
        CORRECT,
        "CS231n-style cache",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.array(x0, dtype=float)
    cache = np.zeros_like(x)
    out = [x.copy()]
    for dx in grads:
        cache = alpha * cache + (1 - alpha) * dx * dx
        x += -lr * dx / (np.sqrt(cache) + eps)
        out.append(x.copy())
    return np.array(out)
""",
    ),
    _rms(
        CORRECT,
        "square average with np.square, trajectory preallocated",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    grads = np.asarray(grads, dtype=float)
    traj = np.empty((len(grads) + 1,) + np.shape(x0))
    traj[0] = x0
    sq = np.zeros(np.shape(x0))
    for t, g in enumerate(grads):
        sq = alpha * sq + (1 - alpha) * np.square(g)
        traj[t + 1] = traj[t] - lr * g / (np.sqrt(sq) + eps)
    return traj
""",
    ),
    _rms(
        "rmsprop-alpha-swapped",
        "alpha on the new squared gradient",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.asarray(x0, dtype=float)
    s = np.zeros_like(x)
    out = [x]
    for g in grads:
        s = (1 - alpha) * s + alpha * g ** 2
        x = x - lr * g / (np.sqrt(s) + eps)
        out.append(x)
    return np.array(out)
""",
    ),
    _rms(
        "rmsprop-no-sqrt",
        "divides by the mean square",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.asarray(x0, dtype=float)
    s = np.zeros_like(x)
    out = [x]
    for g in grads:
        s = alpha * s + (1 - alpha) * g ** 2
        x = x - lr * g / (s + eps)
        out.append(x)
    return np.array(out)
""",
    ),
    _rms(
        "rmsprop-eps-inside-sqrt",
        "eps inside the root, as TensorFlow, Keras and ML-From-Scratch do",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.asarray(x0, dtype=float)
    Eg = np.zeros_like(x)
    out = [x]
    for g in grads:
        Eg = alpha * Eg + (1 - alpha) * np.power(g, 2)
        x = x - lr * g / np.sqrt(Eg + eps)
        out.append(x)
    return np.array(out)
""",
    ),
    _rms(
        "rmsprop-average-started-at-one",
        "TensorFlow 1's initial mean square of ones",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.asarray(x0, dtype=float)
    ms = np.ones_like(x)
    out = [x]
    for g in grads:
        ms = alpha * ms + (1 - alpha) * g ** 2
        x = x - lr * g / (np.sqrt(ms) + eps)
        out.append(x)
    return np.array(out)
""",
    ),
    _rms(
        "trajectory-aliased",
        "in-place update of the appended array",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.array(x0, dtype=float)
    s = np.zeros_like(x)
    out = [x]
    for g in grads:
        s = alpha * s + (1 - alpha) * g ** 2
        x -= lr * g / (np.sqrt(s) + eps)
        out.append(x)
    return np.array(out)
""",
    ),
    _rms(
        None,
        "eps added to the step by operator precedence",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.asarray(x0, dtype=float)
    s = np.zeros_like(x)
    out = [x]
    for g in grads:
        s = alpha * s + (1 - alpha) * g ** 2
        x = x - lr * g / np.sqrt(s) + eps
        out.append(x)
    return np.array(out)
""",
    ),
    _rms(
        None,
        "Adagrad's running sum instead of an average",
        """
def rmsprop(x0, grads, lr, alpha=0.99, eps=1e-8):
    x = np.asarray(x0, dtype=float)
    G = np.zeros_like(x)
    out = [x]
    for g in grads:
        G = G + g ** 2
        x = x - lr * g / (np.sqrt(G) + eps)
        out.append(x)
    return np.array(out)
""",
    ),
    # -- Adam --------------------------------------------------------------------------------------
    _adam(
        CORRECT,
        "a step counter incremented before use",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t = 0
    traj = [x.copy()]
    for g in grads:
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        x = x - lr * mhat / (np.sqrt(vhat) + eps)
        traj.append(x.copy())
    return np.array(traj)
""",
    ),
    _adam(
        CORRECT,
        "torch's fused form: step size lr / (1 - b1^t), denominator sqrt(v) / sqrt(1 - b2^t) + eps",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    beta1, beta2 = betas
    x = np.asarray(x0, dtype=float)
    m, v = np.zeros_like(x), np.zeros_like(x)
    xs = [x]
    for step, g in enumerate(grads, 1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g ** 2
        step_size = lr / (1 - beta1 ** step)
        denom = np.sqrt(v) / np.sqrt(1 - beta2 ** step) + eps
        x = x - step_size * m / denom
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-no-bias-correction",
        "m and v used as they are",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * m / (np.sqrt(v) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-correction-without-power",
        "divides by (1 - b1) and (1 - b2), as ML-From-Scratch did",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * np.power(g, 2)
        m_hat = m / (1 - b1)
        v_hat = v / (1 - b2)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-step-counted-from-0",
        "enumerate(grads) without start=1",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        x = x - lr * m_hat / (np.sqrt(v_hat) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-step-counted-from-2",
        "t starts at 1 and is incremented before use (the CS231n config confusion)",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    t = 1
    xs = [x]
    for g in grads:
        t += 1
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-corrected-moments-kept",
        "m and v corrected in place",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m /= 1 - b1 ** t
        v /= 1 - b2 ** t
        x = x - lr * m / (np.sqrt(v) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-eps-inside-sqrt",
        "sqrt(v_hat + eps)",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        x = x - lr * m_hat / np.sqrt(v_hat + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "adam-eps-on-uncorrected-v",
        "the Adam paper's efficient form (TensorFlow's epsilon hat)",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        lr_t = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        x = x - lr_t * m / (np.sqrt(v) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        "trajectory-aliased",
        "x -= ... on the appended array",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adam(
        None,
        "v averages g instead of g squared",
        """
def adam(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * np.abs(g)
        x = x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    # -- AdamW --------------------------------------------------------------------------------------
    _adamw(
        CORRECT,
        "decay first, then the Adam step",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    traj = [x.copy()]
    for t, g in enumerate(grads, start=1):
        x = x - lr * weight_decay * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        traj.append(x.copy())
    return np.array(traj)
""",
    ),
    _adamw(
        CORRECT,
        "one update from the old x: x - lr (step + wd x), as the AdamW paper writes it",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    beta1, beta2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t in range(1, len(grads) + 1):
        g = grads[t - 1]
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        x = x - lr * (m_hat / (np.sqrt(v_hat) + eps) + weight_decay * x)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        "adamw-coupled-l2",
        "weight decay added to the gradient",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        "adamw-decay-without-lr",
        "x * (1 - weight_decay)",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        x = x * (1 - weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        "adamw-decay-after-step",
        "decay at the end, as Hugging Face's old AdamW and minBERT solutions do",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        step_size = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        x = x - step_size * m / (np.sqrt(v) + eps * np.sqrt(1 - b2 ** t))
        x = x - lr * weight_decay * x
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        "adamw-no-bias-correction",
        "decoupled decay, but m and v uncorrected",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for g in grads:
        x = x * (1 - lr * weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * m / (np.sqrt(v) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        "adamw-eps-inside-sqrt",
        "sqrt(v_hat + eps)",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        x = x * (1 - lr * weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * (m / (1 - b1 ** t)) / np.sqrt(v / (1 - b2 ** t) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        "trajectory-aliased",
        "x *= ... and x -= ... on the appended array",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.array(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        x *= 1 - lr * weight_decay
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    _adamw(
        None,
        "both an L2 term in the gradient and the decoupled decay",
        """
def adamw(x0, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
    b1, b2 = betas
    x = np.asarray(x0, dtype=float)
    m = np.zeros_like(x)
    v = np.zeros_like(x)
    xs = [x]
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * x
        x = x * (1 - lr * weight_decay)
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g ** 2
        x = x - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        xs.append(x)
    return np.array(xs)
""",
    ),
    # -- warmup + cosine --------------------------------------------------------------------------
    _sched(
        CORRECT,
        "a loop with math.cos",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    lrs = []
    for step in range(total_steps):
        if step < warmup_steps:
            lrs.append(base_lr * step / warmup_steps)
        else:
            ratio = (step - warmup_steps) / (total_steps - warmup_steps)
            coeff = 0.5 * (1.0 + math.cos(math.pi * ratio))
            lrs.append(min_lr + coeff * (base_lr - min_lr))
    return np.array(lrs)
""",
    ),
    _sched(
        CORRECT,
        "vectorised with np.where and max(1, W) against 0 / 0",
        """
def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    t = np.arange(total_steps)
    warm = base_lr * t / max(1, warmup_steps)
    progress = (t - warmup_steps) / (total_steps - warmup_steps)
    cos = min_lr + (base_lr - min_lr) * (1 + np.cos(np.pi * progress)) / 2
    return np.where(t < warmup_steps, warm, cos)
""",
    ),
    _sched(
        CORRECT,
        "a multiplier of base_lr, as LambdaLR takes it",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    def factor(step):
        if step < warmup_steps:
            return step / warmup_steps
        p = (step - warmup_steps) / max(1, total_steps - warmup_steps)
        floor = min_lr / base_lr
        return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p))
    return np.array([base_lr * factor(s) for s in range(total_steps)])
""",
    ),
    _sched(
        "warmup-off-by-one",
        "(it + 1) / warmup_steps, as in build-nanogpt",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = []
    for it in range(total_steps):
        if it < warmup_steps:
            out.append(base_lr * (it + 1) / warmup_steps)
            continue
        decay_ratio = (it - warmup_steps) / (total_steps - warmup_steps)
        coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
        out.append(min_lr + coeff * (base_lr - min_lr))
    return np.array(out)
""",
    ),
    _sched(
        "warmup-over-warmup-plus-one",
        "(it + 1) / (warmup_iters + 1), as in nanoGPT's train.py",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = []
    for it in range(total_steps):
        if it < warmup_steps:
            out.append(base_lr * (it + 1) / (warmup_steps + 1))
        else:
            decay_ratio = (it - warmup_steps) / (total_steps - warmup_steps)
            coeff = 0.5 * (1.0 + math.cos(math.pi * decay_ratio))
            out.append(min_lr + coeff * (base_lr - min_lr))
    return np.array(out)
""",
    ),
    _sched(
        "warmup-reaches-peak-early",
        "np.linspace for the warmup",
        """
def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    warm = np.linspace(0, base_lr, warmup_steps)
    t = np.arange(total_steps - warmup_steps)
    cos = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * t / (total_steps - warmup_steps)))
    return np.concatenate([warm, cos])
""",
    ),
    _sched(
        "cosine-progress-over-total",
        "cosine over the whole run, t / total_steps",
        """
def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    rates = np.zeros(total_steps)
    for t in range(total_steps):
        if t < warmup_steps:
            rates[t] = base_lr * t / warmup_steps
        else:
            rates[t] = min_lr + 0.5 * (base_lr - min_lr) * (1 + np.cos(np.pi * t / total_steps))
    return rates
""",
    ),
    _sched(
        "cosine-ends-at-last-step",
        "np.linspace(0, 1, n) for the cosine's progress",
        """
def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    warm = base_lr * np.arange(warmup_steps) / max(warmup_steps, 1)
    progress = np.linspace(0.0, 1.0, total_steps - warmup_steps)
    cos = min_lr + (base_lr - min_lr) * 0.5 * (1 + np.cos(np.pi * progress))
    return np.concatenate([warm, cos])
""",
    ),
    _sched(
        "cosine-not-shifted",
        "cos without (1 + cos) / 2",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = np.empty(total_steps)
    for t in range(total_steps):
        if t < warmup_steps:
            out[t] = base_lr * t / warmup_steps
        else:
            p = (t - warmup_steps) / (total_steps - warmup_steps)
            out[t] = min_lr + (base_lr - min_lr) * math.cos(math.pi * p)
    return out
""",
    ),
    _sched(
        "cosine-ignores-min-lr",
        "Hugging Face's formula, which decays to 0",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = np.empty(total_steps)
    for t in range(total_steps):
        if t < warmup_steps:
            out[t] = base_lr * t / max(1, warmup_steps)
        else:
            p = (t - warmup_steps) / max(1, total_steps - warmup_steps)
            out[t] = base_lr * 0.5 * (1.0 + math.cos(math.pi * p))
    return out
""",
    ),
    _sched(
        None,
        "warmup from min_lr instead of 0",
        """
import math

def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = np.empty(total_steps)
    for t in range(total_steps):
        if t < warmup_steps:
            out[t] = min_lr + (base_lr - min_lr) * t / warmup_steps
        else:
            p = (t - warmup_steps) / (total_steps - warmup_steps)
            out[t] = min_lr + (base_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * p))
    return out
""",
    ),
    _sched(
        None,
        "the UvA tutorials' scheduler: the warmup multiplies a cosine over the whole run",
        """
def warmup_cosine(base_lr, warmup_steps, total_steps, min_lr=0.0):
    out = np.empty(total_steps)
    for t in range(total_steps):
        factor = 0.5 * (1 + np.cos(np.pi * t / total_steps))
        if t <= warmup_steps:
            factor *= t / max(warmup_steps, 1)
        out[t] = min_lr + (base_lr - min_lr) * factor
    return out
""",
    ),
    # -- clipping by global norm ---------------------------------------------------------------------
    _clip(
        CORRECT,
        "the norm of all the numbers concatenated",
        """
def clip_grad_norm(grads, max_norm):
    flat = np.concatenate([np.ravel(g) for g in grads])
    total = float(np.linalg.norm(flat))
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        return [g * coef for g in grads], total
    return [np.array(g, dtype=float) for g in grads], total
""",
    ),
    _clip(
        CORRECT,
        "a loop of squared norms, no 1e-6 (tolerated)",
        """
def clip_grad_norm(grads, max_norm):
    sq = 0.0
    for g in grads:
        sq += np.sum(np.asarray(g) ** 2)
    total = np.sqrt(sq)
    clipped = []
    for g in grads:
        if total > max_norm:
            clipped.append(g * (max_norm / total))
        else:
            clipped.append(g.copy())
    return clipped, float(total)
""",
    ),
    _clip(
        CORRECT,
        "norm of the per-array norms",
        """
def clip_grad_norm(grads, max_norm):
    norms = np.array([np.linalg.norm(g) for g in grads])
    total_norm = np.linalg.norm(norms)
    scale = min(1.0, max_norm / (total_norm + 1e-6))
    return [scale * g for g in grads], float(total_norm)
""",
    ),
    _clip(
        "clip-each-array",
        "each array by its own norm (clip_by_norm per tensor)",
        """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    clipped = []
    for g in grads:
        n = np.linalg.norm(g)
        clipped.append(g * min(1.0, max_norm / (n + 1e-6)))
    return clipped, total
""",
    ),
    _clip(
        "sum-of-norms",
        "adds the arrays' norms",
        """
def clip_grad_norm(grads, max_norm):
    total = float(sum(np.linalg.norm(g) for g in grads))
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], total
""",
    ),
    _clip(
        "norm-without-sqrt",
        "the sum of squares taken for the norm",
        """
def clip_grad_norm(grads, max_norm):
    total = sum(float(np.sum(g * g)) for g in grads)
    scale = min(1.0, max_norm / (total + 1e-6))
    return [g * scale for g in grads], total
""",
    ),
    _clip(
        "always-rescale",
        "rescales to max_norm even when the norm is below it",
        """
def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / total for g in grads], float(total)
""",
    ),
    _clip(
        "clip-by-value",
        "np.clip on every number",
        """
def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [np.clip(g, -max_norm, max_norm) for g in grads], float(total)
""",
    ),
    _clip(
        "norm-after-clipping",
        "returns the norm of the clipped arrays",
        """
def clip_grad_norm(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    if total > max_norm:
        grads = [g * max_norm / total for g in grads]
        total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return list(grads), float(total)
""",
    ),
    _clip(
        "clip-not-applied",
        "assigns to the loop variable",
        """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    if total > max_norm:
        for g in grads:
            g = g * (max_norm / total)
    return grads, total
""",
    ),
    _clip(
        None,
        "the scale inverted, total_norm / max_norm",
        """
def clip_grad_norm(grads, max_norm):
    total = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    if total > max_norm:
        return [g * total / max_norm for g in grads], total
    return [g.copy() for g in grads], total
""",
    ),
]
