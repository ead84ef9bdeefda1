"""Student solutions for assignment 03 — matrix calculus, as people write them.

The variants come from public code and questions, rewritten here: CS231n-style gradient checkers
(in place with ``np.nditer``, restoring ``x[ix]``) and their ``rel_error``; "Deep Learning from
Scratch" repositories (a fixed ``h = 1e-4``, ``for idx in range(x.size)``); deeplearning.ai's
norm-ratio gradient check; Stack Exchange questions on ∇(xᵀAx) and on the softmax Jacobian
(``np.dot(s, s.T)`` on a 1-D array, logits where the softmax belongs); small "neural network
from scratch" repositories (``mse_prime``, ``tanh_prime`` applied to the activation);
PyTorch issues on what ``mse_loss`` averages over; Newton–Raphson code for logistic regression
(the log-likelihood's Hessian, no 1/N).
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "03-matrix-calculus"

NG = f"{A}/numerical_gradient"
RE = f"{A}/relative_error"
QF = f"{A}/quadratic_form_grad"
SJ = f"{A}/softmax_jacobian"
TM = f"{A}/backprop_tanh_mse"
RC = f"{A}/backprop_relu_ce"
LH = f"{A}/logistic_hessian"
JV = f"{A}/tanh_layer_jvp_vjp"

# -- numerical_gradient ------------------------------------------------------------------------
NUMERICAL_GRADIENT = [
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        x[ix] = oldval  # restore
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
""",
        CORRECT,
        "CS231n-style nditer loop, in place on a float copy, restoring x[ix]",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    grad = np.empty(x.size)
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = h
        step = step.reshape(x.shape)
        grad[k] = (f(x + step) - f(x - step)) / (2 * h)
    return grad.reshape(x.shape)
""",
        CORRECT,
        "basis vectors e_k built flat and reshaped",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    flat = np.array(x, dtype=float).ravel()
    grad = np.zeros_like(flat)
    for i in range(flat.size):
        up = flat.copy()
        down = flat.copy()
        up[i] = up[i] + h
        down[i] = down[i] - h
        grad[i] = (f(up.reshape(np.shape(x))) - f(down.reshape(np.shape(x)))) / (2 * h)
    return grad.reshape(np.shape(x))
""",
        CORRECT,
        "loop over a flattened copy",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        x_step = x.copy()
        x_step[idx] += h
        grad[idx] = (f(x_step) - fx) / h
    return grad
""",
        "forward-difference",
        "one-sided difference, as in mxnet's old checker (issue #3693)",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / h
    return grad
""",
        "divided-by-h",
        "centred difference divided by h instead of 2h",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    h = 1e-4  # 0.0001
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
""",
        "fixed-step-1e-4",
        "'Deep Learning from Scratch' numerical_gradient, h = 1e-4 overriding the argument",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-4):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
    return grad
""",
        None,
        "'Deep Learning from Scratch' copied verbatim: fixed h, range(x.size), no float copy",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    eps = 1e-5
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        e = np.zeros_like(x)
        e[idx] = eps
        grad[idx] = (f(x + e) - f(x - e)) / (2 * eps)
    return grad
""",
        "ignores-h",
        "own constant eps = 1e-5 instead of the argument h",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    h = 1e-8
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += h
        xm[idx] -= h
        grad[idx] = (f(xp) - f(xm)) / (2 * h)
    return grad
""",
        None,
        "step too small (1e-8, the forward difference's optimum) hardcoded",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        oldval = x[ix]
        x[ix] = oldval + h
        fxph = f(x)
        x[ix] = oldval - h
        fxmh = f(x)
        grad[ix] = (fxph - fxmh) / (2 * h)
        it.iternext()
    return grad
""",
        "not-restored",
        "CS231n-style loop without the `x[ix] = oldval` restore",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        x_plus = x.copy()
        x_minus = x.copy()
        x_plus[idx] += h
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
""",
        "integer-input",
        "copies of an integer x: the step is truncated away",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    grad = np.zeros_like(x)
    x = x.astype(float)
    for idx in np.ndindex(x.shape):
        x_plus = x.copy()
        x_minus = x.copy()
        x_plus[idx] += h
        x_minus[idx] -= h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
""",
        "integer-gradient-array",
        "np.zeros_like(x) taken before converting an integer x",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        x_plus = x
        x_plus[idx] = x_plus[idx] + h
        x_minus = x
        x_minus[idx] = x_minus[idx] - h
        grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
""",
        "aliased-not-copied",
        "`x_plus = x` taken for a copy",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        x_plus, x_minus = x.copy(), x.copy()
        x_plus[i] += h
        x_minus[i] -= h
        grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
    return grad
""",
        "first-axis-only",
        "range(len(x)): whole rows perturbed at once",
    ),
    Entry(
        NG,
        "numerical_gradient",
        """
def numerical_gradient(f, x, h=1e-5):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in range(x.size):
        tmp = x[idx]
        x[idx] = tmp + h
        fxh1 = f(x)
        x[idx] = tmp - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp
    return grad
""",
        "flat-index",
        "'from scratch' 1-D loop over range(x.size) used on matrices",
    ),
]

# -- relative_error ----------------------------------------------------------------------------
RELATIVE_ERROR = [
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    worst = 0.0
    for ai, bi in zip(np.ravel(a), np.ravel(b)):
        scale = max(abs(ai), abs(bi), tiny)
        worst = max(worst, abs(ai - bi) / scale)
    return float(worst)
""",
        CORRECT,
        "a loop over the entries with Python's max",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    denom = np.clip(np.maximum(np.abs(a), np.abs(b)), tiny, None)
    return np.max(np.abs(a - b) / denom).item()
""",
        CORRECT,
        "np.clip for the floor, .item() for the float",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
""",
        "sum-of-magnitudes",
        "CS231n's rel_error, copied",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    numerator = np.linalg.norm(np.asarray(a) - np.asarray(b))
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    difference = numerator / denominator
    return float(difference)
""",
        "norm-ratio",
        "deeplearning.ai gradient_check: ‖grad − gradapprox‖ / (‖grad‖ + ‖gradapprox‖)",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs((a - b) / b)))
""",
        "divided-by-b-only",
        "max |(x − y) / y|, relative to the second argument",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.abs(a)))
""",
        "divided-by-a-only",
        "relative to the analytic gradient (first argument)",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    e = np.abs(a - b) / np.abs(a)
    return float(np.mean(e))
""",
        None,
        "mean relative error against the first argument (two mistakes at once)",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))))
""",
        "no-tiny-floor",
        "the tiny floor left out",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    rel = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)
    return float(rel.mean())
""",
        "mean-not-max",
        "average instead of worst entry",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    rel = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)
    return float(rel.sum())
""",
        "sum-not-max",
        "sum of the entrywise errors",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)
""",
        "not-reduced",
        "the array of entrywise errors returned",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    return float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float))))
""",
        "absolute-error",
        "max |a − b|",
    ),
    Entry(
        RE,
        "relative_error",
        """
def relative_error(a, b, tiny=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    rel = np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), tiny)
    return np.asarray(rel.max())
""",
        None,
        "a 0-d array instead of a float",
    ),
]

# -- quadratic_form_grad -----------------------------------------------------------------------
QUADRATIC_FORM_GRAD = [
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    A = np.asarray(A, dtype=float)
    x = np.asarray(x, dtype=float)
    return ((A + A.T) @ x.T).T
""",
        CORRECT,
        "(A + Aᵀ) @ x.T, transposed back",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return np.einsum("ij,...j->...i", A + A.T, x)
""",
        CORRECT,
        "einsum over the last axis",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return x @ A + x @ A.T
""",
        CORRECT,
        "xᵀA + xᵀAᵀ, row-vector layout",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return 2 * x @ A.T
""",
        "two-A-x",
        "2Ax, right for symmetric A only",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return 2 * np.dot(x, A)
""",
        "two-AT-x",
        "2Aᵀx, a distractor of the xᵀAx quiz",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return np.dot(x, A.T)
""",
        "only-A-x",
        "the derivative of the right-hand x only",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return A @ x + A.T @ x
""",
        "batch-as-columns",
        "(A + Aᵀ)x written for one column vector, applied to a batch",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return (A + A.T) @ x.T
""",
        "batch-result-transposed",
        "the (n, N) result of (A + Aᵀ) @ x.T returned as it is",
    ),
    Entry(
        QF,
        "quadratic_form_grad",
        """
def quadratic_form_grad(A, x):
    return x @ (A + A.T).T / 2
""",
        None,
        "the ½ of the ½xᵀAx convention carried over",
    ),
]

# -- softmax_jacobian --------------------------------------------------------------------------
SOFTMAX_JACOBIAN = [
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    rows = np.atleast_2d(z)
    out = np.zeros(rows.shape + (rows.shape[1],))
    for n, row in enumerate(rows):
        e = np.exp(row - row.max())
        s = e / e.sum()
        for i in range(len(s)):
            for j in range(len(s)):
                out[n, i, j] = s[i] * ((1.0 if i == j else 0.0) - s[j])
    return out[0] if z.ndim == 1 else out
""",
        CORRECT,
        "double loop s_i(δ_ij − s_j), row by row",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    s = np.exp(z - z.max(axis=-1, keepdims=True))
    s = s / s.sum(axis=-1, keepdims=True)
    eye = np.eye(z.shape[-1])
    return np.einsum("...i,ij->...ij", s, eye) - np.einsum("...i,...j->...ij", s, s)
""",
        CORRECT,
        "einsum for diag(s) and s sᵀ",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    def one(v):
        e = np.exp(v - np.max(v))
        s = e / np.sum(e)
        SM = s.reshape((-1, 1))
        return np.diagflat(s) - np.dot(SM, SM.T)

    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        return one(z)
    return np.stack([one(row) for row in z])
""",
        CORRECT,
        "the reshape-to-column answer of the Stack Overflow question, stacked",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    def one(v):
        e = np.exp(v - np.max(v))
        s = e / np.sum(e)
        return np.diagflat(s) - np.dot(s, s.T)

    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        return one(z)
    return np.stack([one(row) for row in z])
""",
        "inner-not-outer",
        "np.dot(s, s.T) on a 1-D s is a number",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    s = e / e.sum(axis=-1, keepdims=True)
    K = z.shape[-1]
    J = np.zeros(z.shape + (K,))
    for i in range(K):
        J[..., i, i] = s[..., i] * (1 - s[..., i])
    return J
""",
        "diagonal-only",
        "only ∂s_i/∂z_i filled in",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    s = e / e.sum(axis=-1, keepdims=True)
    return -s[..., :, None] * s[..., None, :]
""",
        "missing-diagonal",
        "−s sᵀ without diag(s)",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    s = e / e.sum(axis=-1, keepdims=True)
    K = z.shape[-1]
    J = np.empty(z.shape + (K,))
    for i in range(K):
        for j in range(K):
            if i == j:
                J[..., i, j] = s[..., i] * (1 - z[..., i])
            else:
                J[..., i, j] = -s[..., i] * z[..., j]
    return J
""",
        "logits-instead-of-softmax",
        "Stack Overflow question: self.input[j] where self.value[j] belongs",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z)
    s = e / e.sum(axis=-1, keepdims=True)
    K = z.shape[-1]
    return s[..., :, None] * np.eye(K) - s[..., :, None] * s[..., None, :]
""",
        "softmax-overflow",
        "softmax without subtracting the max",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    s = e / np.sum(e, axis=-1, keepdims=True)
    return np.diag(s) - np.outer(s, s)
""",
        "diag-outer-on-a-batch",
        "the one-vector formula used on a batch",
    ),
    Entry(
        SJ,
        "softmax_jacobian",
        """
def softmax_jacobian(z):
    def one(v):
        e = np.exp(v - np.max(v))
        s = e / np.sum(e)
        return np.diag(s) - np.outer(s, s)

    z = np.asarray(z, dtype=float)
    if z.ndim == 1:
        return one(z)
    return np.stack([one(row) for row in z], axis=-1)
""",
        None,
        "batch stacked on the last axis: (K, K, N)",
    ),
]

# -- backprop_tanh_mse -------------------------------------------------------------------------
TANH_MSE = [
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def tanh_prime(x):
    return 1 - np.tanh(x) ** 2


def mse(y_true, y_pred):
    return np.mean(np.power(y_true - y_pred, 2))


def mse_prime(y_true, y_pred):
    return 2 * (y_pred - y_true) / y_true.size


def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    Z1 = np.dot(X, W1) + b1
    A1 = np.tanh(Z1)
    Y_hat = np.dot(A1, W2) + b2
    dY = mse_prime(Y, Y_hat)
    dZ1 = np.dot(dY, W2.T) * tanh_prime(Z1)
    return {
        "loss": float(mse(Y, Y_hat)),
        "dW1": np.dot(X.T, dZ1),
        "db1": np.sum(dZ1, axis=0),
        "dW2": np.dot(A1.T, dY),
        "db2": np.sum(dY, axis=0),
    }
""",
        CORRECT,
        "mse_prime / tanh_prime helpers of the 'network from scratch' repositories",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    N, K = Y.shape
    H = np.tanh(X @ W1 + b1)
    P = H @ W2 + b2
    R = P - Y
    loss = (R ** 2).sum() / (N * K)
    G = (2.0 / (N * K)) * R
    dW2 = np.einsum("nh,nk->hk", H, G)
    dH = np.einsum("nk,hk->nh", G, W2)
    dZ = dH / np.cosh(X @ W1 + b1) ** 2
    return {"loss": float(loss), "dW1": X.T @ dZ, "db1": dZ.sum(0), "dW2": dW2,
            "db2": G.sum(0)}
""",
        CORRECT,
        "sech² for tanh', einsum for the products",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    grad_y_pred = 2.0 * (Y_hat - Y)
    grad_h = grad_y_pred @ W2.T * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": X.T @ grad_h, "db1": grad_h.sum(axis=0),
            "dW2": A1.T @ grad_y_pred, "db2": grad_y_pred.sum(axis=0)}
""",
        "mse-not-averaged",
        "the gradient of the sum of squares (pytorch-examples warm-up) with a mean loss",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    Y_hat = A1 @ W2 + b2
    loss = np.square(Y_hat - Y).sum()
    grad_y_pred = 2.0 * (Y_hat - Y)
    grad_h = grad_y_pred @ W2.T * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": X.T @ grad_h, "db1": grad_h.sum(axis=0),
            "dW2": A1.T @ grad_y_pred, "db2": grad_y_pred.sum(axis=0)}
""",
        None,
        "pytorch-examples warm-up: sum of squares for the loss and its gradient",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    N = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = 2 * (Y_hat - Y) / N
    dZ1 = (dY @ W2.T) * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dY, "db2": dY.sum(axis=0)}
""",
        "mse-divided-by-N-only",
        "averaged over the batch size only (pytorch issue #3924)",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = (Y_hat - Y) / Y.size
    dZ1 = (dY @ W2.T) * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dY, "db2": dY.sum(axis=0)}
""",
        "mse-missing-factor-2",
        "the ½(ŷ − y)² convention's gradient",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def tanh_dev(x):
    return 1 - np.tanh(x) ** 2


def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    hidden_output = np.tanh(X @ W1 + b1)
    final_output = hidden_output @ W2 + b2
    loss = np.mean((final_output - Y) ** 2)
    output_gradient = 2 * (final_output - Y) / final_output.size
    hidden_gradient = (output_gradient @ W2.T) * tanh_dev(hidden_output)
    return {"loss": float(loss), "dW1": X.T @ hidden_gradient,
            "db1": hidden_gradient.sum(axis=0), "dW2": hidden_output.T @ output_gradient,
            "db2": output_gradient.sum(axis=0)}
""",
        "tanh-derivative-of-activation",
        "tanh_dev(hidden_output): tanh' evaluated at the activation",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def tanh_prime(a):
    return 1 - a ** 2


def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    Z1 = X @ W1 + b1
    A1 = np.tanh(Z1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = 2 * (Y_hat - Y) / Y.size
    dZ1 = (dY @ W2.T) * tanh_prime(Z1)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dY, "db2": dY.sum(axis=0)}
""",
        "tanh-derivative-of-preactivation",
        "a tanh' written for the output, called with Z1",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = 2 * (Y_hat - Y) / Y.size
    dA1 = dY @ W2.T
    return {"loss": float(loss), "dW1": X.T @ dA1, "db1": dA1.sum(axis=0),
            "dW2": A1.T @ dY, "db2": dY.sum(axis=0)}
""",
        "missing-tanh-derivative",
        "dZ1 = dA1, the activation skipped",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = 2 * (Y_hat - Y) / Y.size
    dZ1 = (dY @ W2.T) * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": np.mean(dZ1, axis=0),
            "dW2": A1.T @ dY, "db2": np.mean(dY, axis=0)}
""",
        "bias-gradient-averaged",
        "np.mean for the bias gradients",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = 2 * (Y_hat - Y) / Y.size
    dZ1 = (dY @ W2.T) * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": np.sum(dZ1, axis=0, keepdims=True),
            "dW2": A1.T @ dY, "db2": np.sum(dY, axis=0, keepdims=True)}
""",
        "bias-gradient-keepdims",
        "deeplearning.ai's keepdims=True carried over to the row layout",
    ),
    Entry(
        TM,
        "backprop_tanh_mse",
        """
def backprop_tanh_mse(X, Y, W1, b1, W2, b2):
    A1 = np.tanh(X @ W1 + b1)
    Y_hat = A1 @ W2 + b2
    loss = np.mean((Y_hat - Y) ** 2)
    dY = 2 * (Y_hat - Y) / Y.size
    dZ1 = (dY @ W2.T) * (1 - A1 ** 2)
    return {"loss": float(loss), "dW1": dZ1.T @ X, "db1": dZ1.sum(axis=0),
            "dW2": dY.T @ A1, "db2": dY.sum(axis=0)}
""",
        None,
        "weight gradients in PyTorch's (out, in) layout",
    ),
]

# -- backprop_relu_ce --------------------------------------------------------------------------
RELU_CE = [
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    num_examples = X.shape[0]
    hidden_layer = np.maximum(0, np.dot(X, W1) + b1)
    scores = np.dot(hidden_layer, W2) + b2
    scores = scores - np.max(scores, axis=1, keepdims=True)
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    correct_logprobs = -(scores[range(num_examples), y]
                         - np.log(np.sum(exp_scores, axis=1)))
    loss = np.sum(correct_logprobs) / num_examples
    dscores = probs.copy()
    dscores[range(num_examples), y] -= 1
    dscores /= num_examples
    dhidden = np.dot(dscores, W2.T)
    dhidden[hidden_layer <= 0] = 0
    return {"loss": float(loss), "dW1": np.dot(X.T, dhidden),
            "db1": np.sum(dhidden, axis=0), "dW2": np.dot(hidden_layer.T, dscores),
            "db2": np.sum(dscores, axis=0)}
""",
        CORRECT,
        "CS231n neural-network case study, with the max shift",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    C = W2.shape[1]
    Z1 = X @ W1 + b1
    A1 = Z1 * (Z1 > 0)
    Z2 = A1 @ W2 + b2
    m = Z2.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(Z2 - m).sum(axis=1, keepdims=True))
    P = np.exp(Z2 - lse)
    Y = np.eye(C)[y]
    loss = -np.sum(Y * (Z2 - lse)) / N
    dZ2 = (P - Y) / N
    dZ1 = (dZ2 @ W2.T) * (A1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        CORRECT,
        "one-hot matrix and log-sum-exp",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dZ2 = np.exp(log_probs)
    dZ2[np.arange(N), y] -= 1
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        "ce-not-averaged",
        "dscores /= N forgotten",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    e = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
    P = e / e.sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(P[np.arange(N), y]))
    dZ2 = P.copy()
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        "log-of-softmax-underflow",
        "stable softmax, but the loss as log of its probabilities",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    hidden = np.maximum(0, X @ W1 + b1)
    scores = hidden @ W2 + b2
    exp_scores = np.exp(scores)
    probs = exp_scores / np.sum(exp_scores, axis=1, keepdims=True)
    loss = np.mean(-np.log(probs[range(N), y]))
    dscores = probs.copy()
    dscores[range(N), y] -= 1
    dscores /= N
    dhidden = dscores @ W2.T
    dhidden[hidden <= 0] = 0
    return {"loss": float(loss), "dW1": X.T @ dhidden, "db1": dhidden.sum(axis=0),
            "dW2": hidden.T @ dscores, "db2": dscores.sum(axis=0)}
""",
        "softmax-overflow",
        "CS231n case study as written: exp of the raw scores",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    log_probs = Z2 - np.log(np.sum(np.exp(Z2), axis=1, keepdims=True))
    loss = -np.mean(log_probs[np.arange(N), y])
    dZ2 = np.exp(log_probs)
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        "log-softmax-unshifted",
        "log-softmax without subtracting the max",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -np.mean(log_P[np.arange(N), y])
    dZ2 = np.exp(log_P) / N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        "ce-missing-one-hot",
        "softmax(Z2) / N without the − onehot(y)",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_P = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    P = np.exp(log_P)
    loss = -np.mean(log_P[np.arange(N), y])
    onehot = np.zeros_like(P)
    onehot[np.arange(N), y] = 1
    dZ2 = (onehot - P) / N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        "ce-gradient-sign-flipped",
        "(y − p), the log-likelihood's gradient",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dZ2 = np.exp(log_probs)
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dZ1 = dZ2 @ W2.T
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        "missing-relu-derivative",
        "ReLU mask forgotten",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dZ2 = np.exp(log_probs)
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0),
            "dW2": dZ2.T @ A1, "db2": dZ2.sum(axis=0)}
""",
        "weight-gradient-transposed",
        "dW2 = dZ2.T @ A1",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dZ2 = np.exp(log_probs)
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"loss": float(loss), "dW1": X.T @ dZ1, "db1": dZ1.sum(axis=0, keepdims=True),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0, keepdims=True)}
""",
        "bias-gradient-keepdims",
        "bias gradients of shape (1, H)",
    ),
    Entry(
        RC,
        "backprop_relu_ce",
        """
def backprop_relu_ce(X, y, W1, b1, W2, b2):
    N = len(y)
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dZ2 = np.exp(log_probs)
    dZ2[np.arange(N), y] -= 1
    dZ2 /= N
    dA1 = dZ2 @ W2.T
    dA1[dA1 <= 0] = 0
    return {"loss": float(loss), "dW1": X.T @ dA1, "db1": dA1.sum(axis=0),
            "dW2": A1.T @ dZ2, "db2": dZ2.sum(axis=0)}
""",
        None,
        "ReLU mask taken from the upstream gradient instead of Z1",
    ),
]

# -- logistic_hessian --------------------------------------------------------------------------
LOGISTIC_HESSIAN = [
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    X = np.asarray(X, dtype=float)
    N, d = X.shape
    H = np.zeros((d, d))
    for n in range(N):
        p = 1 / (1 + np.exp(-X[n] @ w))
        H += p * (1 - p) * np.outer(X[n], X[n])
    return H / N
""",
        CORRECT,
        "a sum of outer products, example by example",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    S = np.diag(p * (1 - p))
    return X.T @ S @ X / X.shape[0]
""",
        CORRECT,
        "the N × N diagonal matrix, as in the textbooks",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-X.dot(w)))
    Xs = X * np.sqrt(p * (1 - p))[:, None]
    return Xs.T.dot(Xs) / len(X)
""",
        CORRECT,
        "rows scaled by sqrt(p(1 − p)), then Xsᵀ Xs",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    yhat = np.exp(X @ w) / (1 + np.exp(X @ w))
    return np.matmul(np.matmul(X.T, np.diag(yhat * (1 - yhat))), X)
""",
        "hessian-not-averaged",
        "Newton's method for a summed log-likelihood, no 1/N",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    W = p * (1 - p)
    return -(X.T @ (W[:, None] * X)) / len(X)
""",
        "hessian-sign",
        "−XᵀWX, the Hessian of the log-likelihood",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (X * (p * (1 - p))) / len(X)
""",
        "weights-scale-columns",
        "X * weights without [:, None]",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    return X.T @ (p[:, None] * X) / len(X)
""",
        "hessian-weights-p",
        "σ(z) where σ'(z) belongs",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    S = p * (1 - p)
    return (S[:, None] * X) @ X.T / len(X)
""",
        "hessian-wrong-orientation",
        "X S Xᵀ: the N × N Gram matrix",
    ),
    Entry(
        LH,
        "logistic_hessian",
        """
def logistic_hessian(X, w):
    p = 1 / (1 + np.exp(-(X @ w)))
    return np.mean(p * (1 - p)) * (X.T @ X) / len(X)
""",
        None,
        "one averaged weight for every example",
    ),
]

# -- tanh_layer_jvp_vjp ------------------------------------------------------------------------
JVP_VJP = [
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    d = 1 - np.tanh(np.dot(W, x) + b) ** 2
    return d * np.dot(W, v), np.dot(d * u, W)
""",
        CORRECT,
        "the VJP as the row vector (d ∘ u)ᵀ W",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    m, n = W.shape
    z = W @ x + b
    d = 1 / np.cosh(z) ** 2
    jvp = np.zeros(m)
    vjp = np.zeros(n)
    for i in range(m):
        for j in range(n):
            jvp[i] += d[i] * W[i, j] * v[j]
            vjp[j] += u[i] * d[i] * W[i, j]
    return jvp, vjp
""",
        CORRECT,
        "loops over J_ij = d_i W_ij without storing J",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    return W @ v, W.T @ u
""",
        "missing-tanh-derivative",
        "the linear layer's products only",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    z = W @ x + b
    d = 1 - z ** 2
    return d * (W @ v), W.T @ (d * u)
""",
        "tanh-derivative-of-preactivation",
        "1 − z² for tanh'(z)",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    d = 1 - np.tanh(W @ x + b) ** 2
    vjp = W.T @ (d * u)
    jvp = d * (W @ v)
    return vjp, jvp
""",
        "jvp-vjp-swapped",
        "the pair returned in the wrong order",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    d = 1 - np.tanh(W @ x + b) ** 2
    return d * (W @ v), W @ (d * u)
""",
        "vjp-without-transpose",
        "J u instead of Jᵀ u",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    d = 1 - np.tanh(W @ x + b) ** 2
    return d * (W @ v), (W.T @ u) * d
""",
        "vjp-derivative-outside",
        "tanh' applied after pulling back through W",
    ),
    Entry(
        JV,
        "tanh_layer_jvp_vjp",
        """
def tanh_layer_jvp_vjp(W, b, x, v, u):
    d = 1 - np.tanh(x) ** 2
    return (W @ v) * d, W.T @ u * d
""",
        None,
        "tanh' evaluated at the input x instead of at Wx + b",
    ),
]

ENTRIES: list[Entry] = [
    *NUMERICAL_GRADIENT,
    *RELATIVE_ERROR,
    *QUADRATIC_FORM_GRAD,
    *SOFTMAX_JACOBIAN,
    *TANH_MSE,
    *RELU_CE,
    *LOGISTIC_HESSIAN,
    *JVP_VJP,
]
