"""Student solutions for assignment 07 — neural networks from scratch, as people write them.

The variants come from public code and questions, rewritten here: CS231n-style layers
(``affine_forward``/``affine_backward`` with weights stored ``(d_in, d_out)``, ``rel_error`` with
``|x| + |y|`` in the denominator, ``eval_numerical_gradient`` with ``np.nditer``); "Deep Learning
from Scratch" repositories (``Affine``, ``Relu`` layers whose backward zeroes ``dout`` in place);
"neural network from scratch" repositories (``relu_derivative`` with ``x >= 0``,
``sigmoid_derivative(x) = x * (1 - x)`` called on the pre-activation, ``1 - x**2`` for tanh,
the column layout ``W @ X + b``); softmax losses that subtract the batch's maximum, index labels as
``[:, y]`` or clip probabilities with an epsilon; initializer modules (He with ``shape[0]``,
``np.random.normal(0, 2 / fan_in)``, Caffe's ``sqrt(3 / fan_in)`` "xavier", ``sqrt(6 / fan_in)``
He-uniform bounds); Stack Overflow's sigmoid-overflow questions; PyTorch forum threads on a
forgotten ``zero_grad()`` and on logging the loss after the update.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "07-neural-networks"

LF = f"{A}/linear_forward"
LB = f"{A}/linear_backward"
AC = f"{A}/activations"
CE = f"{A}/softmax_cross_entropy"
MLP = f"{A}/mlp_loss_and_grads"
GC = f"{A}/gradient_check"
IS = f"{A}/init_scale"
IW = f"{A}/init_weights"
TX = f"{A}/train_xor"
OF = f"{A}/overfit_tiny_batch"


# -- linear_forward -------------------------------------------------------------------------------
LINEAR_FORWARD = [
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    return np.einsum("ni,oi->no", X, W) + b
""",
        CORRECT,
        "einsum over the shared input index",
    ),
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    N, d_out = len(X), len(W)
    Y = np.zeros((N, d_out))
    for n in range(N):
        for j in range(d_out):
            Y[n, j] = sum(X[n, i] * W[j, i] for i in range(W.shape[1])) + b[j]
    return Y
""",
        CORRECT,
        "two loops and a sum, one output at a time",
    ),
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    # examples as columns inside, transposed back at the end
    return (W @ np.asarray(X, dtype=float).T + b[:, None]).T
""",
        CORRECT,
        "column layout, transposed back",
    ),
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    out = np.dot(X, W) + b
    return out
""",
        "weight-not-transposed",
        "CS231n / 'Deep Learning from Scratch' Affine.forward with (d_in, d_out) weights",
    ),
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    return W @ X.T + b.reshape(-1, 1)
""",
        "examples-as-columns",
        "column-vector layout of textbooks (W x + b), batch as columns",
    ),
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    return X.dot(W.T)
""",
        "bias-forgotten",
        "bias left out",
    ),
    Entry(
        LF,
        "linear_forward",
        """
def linear_forward(X, W, b):
    return X @ W.T + b[:, None]
""",
        None,
        "bias broadcast as a column (runs only when N = d_out)",
    ),
]

# -- linear_backward ------------------------------------------------------------------------------
LINEAR_BACKWARD = [
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    dX = np.einsum("no,oi->ni", dY, W)
    dW = np.einsum("no,ni->oi", dY, X)
    return dX, dW, dY.sum(axis=0)
""",
        CORRECT,
        "einsum, each gradient from its index form",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    X, W, dY = np.asarray(X, float), np.asarray(W, float), np.asarray(dY, float)
    dW = np.zeros_like(W)
    db = np.zeros(W.shape[0])
    dX = np.zeros_like(X)
    for n in range(X.shape[0]):
        dW += np.outer(dY[n], X[n])
        db += dY[n]
        dX[n] = W.T @ dY[n]
    return dX, dW, db
""",
        CORRECT,
        "per-example outer products summed over the batch",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    dX = np.dot(dY, W)
    dW = np.dot(X.T, dY)
    db = np.sum(dY, axis=0)
    return dX, dW, db
""",
        "dW-transposed",
        "dW = x.T @ dout kept from CS231n's affine_backward",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    dx = dY.dot(W.T)
    dw = X.T.dot(dY)
    db = np.sum(dY, axis=0)
    return dx, dw, db
""",
        "in-out-layout",
        "CS231n's affine_backward copied whole, for (d_in, d_out) weights",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    return dY @ W.T, dY.T @ X, dY.sum(axis=0)
""",
        "dX-with-W-transposed",
        "input gradient of the (d_in, d_out) layout only",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    return dY @ W, dY.T @ X, dY
""",
        "db-not-summed",
        "the bias gradient left per example",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    return dY @ W, dY.T @ X, np.mean(dY, axis=0)
""",
        "db-averaged",
        "db averaged over the batch",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    return dY @ W, dY.T @ X, np.sum(dY)
""",
        "db-summed-over-everything",
        "np.sum without an axis",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    return dY @ W, dY.T @ X, dY.sum(axis=1)
""",
        "db-wrong-axis",
        "summed over the outputs instead of the examples",
    ),
    Entry(
        LB,
        "linear_backward",
        """
def linear_backward(X, W, dY):
    return dY @ W, dY.T @ X, np.sum(dY, axis=0, keepdims=True)
""",
        None,
        "keepdims=True habit: db of shape (1, d_out)",
    ),
]

# -- activation -----------------------------------------------------------------------------------
ACTIVATIONS = [
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        a = np.maximum(z, 0)
        return a, dout * (z > 0)
    if kind == "sigmoid":
        a = 1 / (1 + np.exp(-z))   # float64: exp overflows to inf, 1 / inf = 0 is right
        return a, dout * a * (1 - a)
    if kind == "tanh":
        a = np.tanh(z)
        return a, dout * (1 - a ** 2)
    raise ValueError(kind)
""",
        CORRECT,
        "textbook sigmoid 1 / (1 + exp(-z)): right in float64, only a RuntimeWarning",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    z = np.asarray(z, dtype=float)
    functions = {
        "relu": (lambda z: np.maximum(z, 0), lambda z, a: np.heaviside(z, 0.0)),
        "sigmoid": (lambda z: 0.5 * (1 + np.tanh(z / 2)), lambda z, a: a * (1 - a)),
        "tanh": (np.tanh, lambda z, a: 1 - a * a),
    }
    if kind not in functions:
        raise ValueError(f"unknown activation {kind}")
    f, df = functions[kind]
    a = f(z)
    return a, dout * df(z, a)
""",
        CORRECT,
        "dispatch table; sigmoid through tanh, ReLU step through np.heaviside",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(z, 0), dout * np.where(z >= 0, 1, 0)
    if kind == "sigmoid":
        s = np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))
        return s, dout * s * (1 - s)
    if kind == "tanh":
        t = np.tanh(z)
        return t, dout * (1 - t ** 2)
    raise ValueError(kind)
""",
        "relu-at-zero",
        "relu_derivative with x >= 0 ('from scratch' repositories)",
    ),
    Entry(
        AC,
        "activation",
        """
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_derivative(x):
    return x * (1 - x)

def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(0, z), dout * (z > 0)
    if kind == "sigmoid":
        return sigmoid(z), dout * sigmoid_derivative(z)
    if kind == "tanh":
        return np.tanh(z), dout * (1 - np.tanh(z) ** 2)
    raise ValueError(kind)
""",
        "sigmoid-input",
        "sigmoid_derivative(x) = x(1 - x) written for the output, called on z",
    ),
    Entry(
        AC,
        "activation",
        """
def sigmoid(x):
    return 1 / (1 + np.exp(-x))

def sigmoid_prime(x):
    return sigmoid(x) * (1 - sigmoid(x))

def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(0, z), dout * (z > 0)
    if kind == "sigmoid":
        a = sigmoid(z)
        return a, dout * sigmoid_prime(a)
    if kind == "tanh":
        a = np.tanh(z)
        return a, dout * (1 - a ** 2)
    raise ValueError(kind)
""",
        "sigmoid-applied-twice",
        "sigmoid_prime(x) written for z, called on the output a",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(0, z), dout * (z > 0)
    if kind == "sigmoid":
        a = np.exp(z) / (1 + np.exp(z))
        return a, dout * a * (1 - a)
    if kind == "tanh":
        a = np.tanh(z)
        return a, dout * (1 - a ** 2)
    raise ValueError(kind)
""",
        "sigmoid-exp-ratio",
        "exp(z) / (1 + exp(z)): nan for z > 709 (Stack Overflow overflow questions)",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    z = np.asarray(z, dtype=float)
    if kind == "relu":
        return np.maximum(0, z), dout * (z > 0)
    if kind == "sigmoid":
        e = np.exp(-np.abs(z))
        s = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return s, dout * s                 # "the sigmoid is its own derivative"
    if kind == "tanh":
        t = np.tanh(z)
        return t, dout * (1 - t * t)
    raise ValueError(kind)
""",
        "sigmoid-s",
        "σ' taken as σ (confused with exp being its own derivative)",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(0, z), dout * (z > 0)
    if kind == "sigmoid":
        a = 1 / (1 + np.exp(-z))
        return a, dout * a * (1 - a)
    if kind == "tanh":
        return np.tanh(z), dout * (1 - z ** 2)
    raise ValueError(kind)
""",
        "tanh-input",
        "dtanh(x) = 1 - x**2 applied to the input",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(0, z), (z > 0).astype(float)
    if kind == "sigmoid":
        a = 1 / (1 + np.exp(-z))
        return a, a * (1 - a)
    if kind == "tanh":
        a = np.tanh(z)
        return a, 1 - a ** 2
    raise ValueError(kind)
""",
        "no-dout",
        "returns the local derivative f'(z) without the chain rule",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        mask = z <= 0
        dout[mask] = 0          # 'Deep Learning from Scratch' Relu.backward
        return np.maximum(z, 0), dout
    if kind == "sigmoid":
        a = 1 / (1 + np.exp(-z))
        return a, dout * a * (1 - a)
    if kind == "tanh":
        a = np.tanh(z)
        return a, dout * (1 - a ** 2)
    raise ValueError(kind)
""",
        None,
        "Relu.backward zeroing the caller's dout in place",
    ),
    Entry(
        AC,
        "activation",
        """
def activation(kind, z, dout):
    if kind == "relu":
        return np.maximum(0, z), dout * (z > 0)
    elif kind == "sigmoid":
        a = 1 / (1 + np.exp(-z))
        return a, dout * a * (1 - a)
    elif kind == "tanh":
        a = np.tanh(z)
        return a, dout * (1 - a ** 2)
""",
        None,
        "no ValueError for an unknown kind (returns None)",
    ),
]

# -- softmax_cross_entropy ------------------------------------------------------------------------
SOFTMAX_CROSS_ENTROPY = [
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    logits = np.asarray(logits, dtype=float)
    N, C = logits.shape
    loss = 0.0
    grad = np.zeros_like(logits)
    for n in range(N):
        row = logits[n] - logits[n].max()
        log_p = row - np.log(np.sum(np.exp(row)))
        loss -= log_p[y[n]]
        grad[n] = np.exp(log_p)
        grad[n, y[n]] -= 1
    return loss / N, grad / N
""",
        CORRECT,
        "one example at a time (CS231n softmax_loss_naive)",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N, C = logits.shape
    lse = np.logaddexp.reduce(logits, axis=1, keepdims=True)
    log_p = logits - lse
    one_hot = np.eye(C)[y]
    loss = -np.sum(one_hot * log_p) / N
    return float(loss), (np.exp(log_p) - one_hot) / N
""",
        CORRECT,
        "np.logaddexp.reduce and a one-hot matrix",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_p[np.arange(N), y])
    dx = np.exp(log_p)
    dx[np.arange(N), y] -= 1
    return loss, dx
""",
        "gradient-not-divided-by-N",
        "mean loss, but the gradient left without / N",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    num_train = logits.shape[0]
    scores = logits - np.max(logits, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.sum(np.log(probs[np.arange(num_train), y])) / num_train
    dscores = probs
    dscores[np.arange(num_train), y] -= 1
    return loss, dscores / num_train
""",
        "log-of-softmax",
        "CS231n-style: -log of the softmax probabilities, inf when one underflows",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    shifted = logits - np.max(logits, axis=1, keepdims=True)
    probs = np.exp(shifted) / np.sum(np.exp(shifted), axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    return loss, dx
""",
        None,
        "two mistakes: log of the probabilities and no / N in the gradient",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    e = np.exp(logits)
    probs = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(N), y]).mean()
    grad = probs.copy()
    grad[np.arange(N), y] -= 1
    return float(loss), grad / N
""",
        "softmax-overflow",
        "no max shift (softmax of raw exp)",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    scores = logits - np.max(logits)   # numerical stability
    log_p = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    grad = np.exp(log_p)
    grad[np.arange(N), y] -= 1
    return float(-log_p[np.arange(N), y].mean()), grad / N
""",
        "global-max",
        "scores -= np.max(scores): the batch's max, from single-example code",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    x = logits - np.max(logits, axis=1, keepdims=True)
    log_p = x - np.log(np.sum(np.exp(x), axis=1, keepdims=True))
    loss = -np.mean(log_p[range(N), y])
    dx = np.exp(log_p)
    dx[:, y] -= 1
    return float(loss), dx / N
""",
        "labels-as-columns",
        "dx[:, y] -= 1 (fancy index on columns, seen in public softmax_loss code)",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    x = logits - logits.max(axis=1, keepdims=True)
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    grad = np.exp(log_p)
    grad[np.arange(N), y] -= 1
    return float(-log_p[np.arange(N), y].sum()), grad
""",
        "sum-not-mean",
        "reduction='sum' convention throughout",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N, C = logits.shape
    x = logits - logits.max(axis=1, keepdims=True)
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    Y = np.zeros((N, C))
    Y[np.arange(N), y] = 1
    return float(-np.mean(log_p[np.arange(N), y])), (Y - np.exp(log_p)) / N
""",
        "gradient-sign",
        "targets minus probabilities (the gradient of the log-likelihood)",
    ),
    Entry(
        CE,
        "softmax_cross_entropy",
        """
def softmax_cross_entropy(logits, y):
    N = logits.shape[0]
    x = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)
    probs = np.clip(probs, 1e-12, 1.0)   # avoid log(0)
    loss = -np.mean(np.log(probs[np.arange(N), y]))
    grad = probs.copy()
    grad[np.arange(N), y] -= 1
    return float(loss), grad / N
""",
        None,
        "probabilities clipped at 1e-12 before the log (caps each example's loss at 27.6)",
    ),
]

# -- mlp_loss_and_grads ---------------------------------------------------------------------------
_MLP_HEAD = """
def _ce(logits, y):
    n = len(y)
    x = logits - logits.max(axis=1, keepdims=True)
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1
    return float(-log_p[np.arange(n), y].mean()), d / n
"""

MLP_LOSS_AND_GRADS = [
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    cache = {"A0": np.asarray(X, dtype=float)}
    for l in range(1, L + 1):
        Z = cache[f"A{l-1}"] @ params[f"W{l}"].T + params[f"b{l}"]
        cache[f"Z{l}"] = Z
        cache[f"A{l}"] = np.maximum(Z, 0) if l < L else Z
    loss, dA = _ce(cache[f"A{L}"], y)
    grads = {}
    for l in reversed(range(1, L + 1)):
        dZ = dA if l == L else dA * (cache[f"A{l}"] > 0)   # A > 0 exactly where Z > 0
        grads[f"W{l}"] = dZ.T @ cache[f"A{l-1}"]
        grads[f"b{l}"] = dZ.sum(axis=0)
        dA = dZ @ params[f"W{l}"]
    return loss, grads
""",
        CORRECT,
        "cache dict, ReLU mask from the activation A > 0",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    Ws = [np.asarray(params[f"W{l}"], float) for l in range(1, L + 1)]
    bs = [np.asarray(params[f"b{l}"], float) for l in range(1, L + 1)]
    acts, pres = [np.asarray(X, float)], []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        z = np.einsum("ni,oi->no", acts[-1], W) + b
        pres.append(z)
        acts.append(z if i == L - 1 else z * (z > 0))
    loss, d = _ce(acts[-1], y)
    grads = {}
    for i in range(L - 1, -1, -1):
        grads[f"W{i+1}"] = np.einsum("no,ni->oi", d, acts[i])
        grads[f"b{i+1}"] = d.sum(0)
        if i > 0:
            d = (d @ Ws[i]) * (pres[i - 1] > 0)
    return loss, grads
""",
        CORRECT,
        "lists of weights, einsum, mask applied right after the linear backward",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    inputs, a = [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        a = np.maximum(z, 0) if l < L else z
    loss, d = _ce(a, y)
    grads = {}
    for l in range(L, 0, -1):
        grads[f"W{l}"] = d.T @ inputs[l - 1]
        grads[f"b{l}"] = d.sum(axis=0)
        d = d @ params[f"W{l}"]          # the ReLU derivative is missing here
    return loss, grads
""",
        "relu-mask-forgotten",
        "backward pass without the ReLU derivative",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    inputs, pres, a = [], [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        pres.append(z)
        a = np.maximum(z, 0)            # an activation after every layer
    loss, d = _ce(a, y)
    grads = {}
    for l in range(L, 0, -1):
        d = d * (pres[l - 1] > 0)
        grads[f"W{l}"] = d.T @ inputs[l - 1]
        grads[f"b{l}"] = d.sum(axis=0)
        d = d @ params[f"W{l}"]
    return loss, grads
""",
        "relu-on-logits",
        "ReLU after the output layer too",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    n = len(y)
    inputs, pres, a = [], [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        pres.append(z)
        a = np.maximum(z, 0) if l < L else z
    x = a - a.max(axis=1, keepdims=True)
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1              # p - y, without the 1/N of the mean
    grads = {}
    for l in range(L, 0, -1):
        if l < L:
            d = d * (pres[l - 1] > 0)
        grads[f"W{l}"] = d.T @ inputs[l - 1]
        grads[f"b{l}"] = d.sum(axis=0)
        d = d @ params[f"W{l}"]
    return float(loss), grads
""",
        "not-averaged",
        "dlogits = p - y, the mean's 1/N forgotten",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    inputs, pres, a = [], [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        pres.append(z)
        a = np.maximum(z, 0) if l < L else z
    loss, d = _ce(a, y)
    grads = {}
    for l in range(L, 0, -1):
        if l < L:
            d = d * (pres[l - 1] > 0)
        grads[f"W{l}"] = inputs[l - 1].T @ d      # CS231n's dW = x.T @ dout
        grads[f"b{l}"] = d.sum(axis=0)
        d = d @ params[f"W{l}"]
    return loss, grads
""",
        "dW-transposed",
        "weight gradients in the (d_in, d_out) layout",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    inputs, pres, a = [], [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        pres.append(z)
        a = np.maximum(z, 0) if l < L else z
    loss, d = _ce(a, y)
    grads = {}
    for l in range(L, 0, -1):
        if l < L:
            d = d * (pres[l - 1] > 0)
        grads[f"W{l}"] = d.T @ inputs[l - 1]
        grads[f"b{l}"] = d                     # one row per example
        d = d @ params[f"W{l}"]
    return loss, grads
""",
        "db-not-summed",
        "bias gradients left per example",
    ),
    Entry(
        MLP,
        "mlp_loss_and_grads",
        _MLP_HEAD
        + """
def mlp_loss_and_grads(params, X, y):
    L = len(params) // 2
    inputs, pres, a = [], [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        pres.append(z)
        a = np.maximum(z, 0) if l < L else z
    loss, d = _ce(a, y)
    grads = {}
    for l in range(L, 0, -1):
        if l < L:
            d = d * (pres[l] > 0)                # the mask of the layer above (off by one)
        grads[f"W{l}"] = d.T @ inputs[l - 1]
        grads[f"b{l}"] = d.sum(axis=0)
        d = d @ params[f"W{l}"]
    return loss, grads
""",
        None,
        "ReLU mask taken from the wrong layer (off by one)",
    ),
]

# -- gradient_check -------------------------------------------------------------------------------
GRADIENT_CHECK = [
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: v.astype(float).copy() for k, v in params.items()}
    errors = {}
    for name, x in params.items():
        num = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
        while not it.finished:
            ix = it.multi_index
            oldval = x[ix]
            x[ix] = oldval + eps
            fxph = loss_fn(params)
            x[ix] = oldval - eps
            fxmh = loss_fn(params)
            x[ix] = oldval
            num[ix] = (fxph - fxmh) / (2 * eps)
            it.iternext()
        g = grads[name]
        errors[name] = float(np.max(np.abs(g - num) / np.maximum(1e-12, np.maximum(np.abs(g), np.abs(num)))))
    return errors
""",
        CORRECT,
        "CS231n eval_numerical_gradient loop (nditer) on copies",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    errors = {}
    for name in params:
        p = np.asarray(params[name], dtype=float)
        flat_num = []
        for i in range(p.size):
            shift = np.zeros(p.size)
            shift[i] = eps
            plus = dict(params, **{name: p + shift.reshape(p.shape)})
            minus = dict(params, **{name: p - shift.reshape(p.shape)})
            flat_num.append((loss_fn(plus) - loss_fn(minus)) / (2 * eps))
        num = np.array(flat_num).reshape(p.shape)
        g = np.asarray(grads[name], dtype=float)
        denom = np.maximum(np.maximum(abs(g), abs(num)), 1e-12)
        errors[name] = float((abs(g - num) / denom).max())
    return errors
""",
        CORRECT,
        "new perturbed dicts for every entry, nothing restored because nothing is changed",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    f0 = loss_fn(params)
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            num[ix] = (loss_fn(params) - f0) / eps
            p[ix] = old
        g = grads[name]
        errors[name] = float(np.max(np.abs(g - num) / np.maximum(np.maximum(np.abs(g), np.abs(num)), 1e-12)))
    return errors
""",
        "one-sided",
        "forward difference against f(θ) computed once",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            p[ix] = old
            num[ix] = (plus - minus) / (2 * eps)
        g = np.asarray(grads[name])
        errors[name] = float(np.linalg.norm(g - num) / (np.linalg.norm(g) + np.linalg.norm(num)))
    return errors
""",
        "norm-relative-error",
        "norm ratio ||g - n|| / (||g|| + ||n||) (deeplearning.ai-style gradient check)",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def rel_error(x, y):
    return np.max(np.abs(x - y) / (np.maximum(1e-8, np.abs(x) + np.abs(y))))

def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            p[ix] = old
            num[ix] = (plus - minus) / (2 * eps)
        errors[name] = float(rel_error(grads[name], num))
    return errors
""",
        "sum-denominator",
        "CS231n's rel_error, |x| + |y| in the denominator",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            p[ix] = old
            num[ix] = (plus - minus) / eps
        g = grads[name]
        errors[name] = float(np.max(np.abs(g - num) / np.maximum(np.maximum(np.abs(g), np.abs(num)), 1e-12)))
    return errors
""",
        "eps-not-2eps",
        "central difference divided by eps",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            num[ix] = (plus - minus) / (2 * eps)
        g = grads[name]
        errors[name] = float(np.max(np.abs(g - num) / np.maximum(np.maximum(np.abs(g), np.abs(num)), 1e-12)))
    return errors
""",
        "not-restored",
        "entry left at old - eps",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            p[ix] = old
            num[ix] = (plus - minus) / (2 * eps)
        g = grads[name]
        errors[name] = float(np.mean(np.abs(g - num) / np.maximum(np.maximum(np.abs(g), np.abs(num)), 1e-12)))
    return errors
""",
        "mean-not-max",
        "average of the entrywise errors",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            p[ix] = old
            num[ix] = (plus - minus) / (2 * eps)
        errors[name] = float(np.max(np.abs(grads[name] - num)))
    return errors
""",
        "absolute-error",
        "max |g - n|, the absolute error (np.allclose habit)",
    ),
    Entry(
        GC,
        "gradient_check",
        """
def gradient_check(loss_fn, params, grads, eps=1e-5):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    errors = {}
    for name, p in params.items():
        num = np.zeros_like(p)
        for ix in np.ndindex(p.shape):
            old = p[ix]
            p[ix] = old + eps
            plus = loss_fn(params)
            p[ix] = old - eps
            minus = loss_fn(params)
            p[ix] = old
            num[ix] = (plus - minus) / (2 * eps)
        g = grads[name]
        errors[name] = np.abs(g - num) / np.maximum(np.maximum(np.abs(g), np.abs(num)), 1e-12)
    return errors
""",
        None,
        "the entrywise errors returned as arrays (no max)",
    ),
]

# -- init_scale -----------------------------------------------------------------------------------
INIT_SCALE = [
    Entry(
        IS,
        "init_scale",
        """
import math

def init_scale(kind, shape):
    receptive = math.prod(shape[2:])
    fan_in, fan_out = shape[1] * receptive, shape[0] * receptive
    if kind == "xavier_uniform":
        std = math.sqrt(2.0 / (fan_in + fan_out))
        return math.sqrt(3.0) * std
    elif kind == "he_normal":
        gain = math.sqrt(2.0)
        return gain / math.sqrt(fan_in)
    else:
        raise ValueError(kind)
""",
        CORRECT,
        "torch.nn.init's route: std, then the gain and √3",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    fan_in = shape[1]
    fan_out = shape[0]
    for k in shape[2:]:
        fan_in *= k
        fan_out *= k
    formulas = {"xavier_uniform": lambda: np.sqrt(6 / (fan_in + fan_out)),
                "he_normal": lambda: np.sqrt(2 / fan_in)}
    if kind not in formulas:
        raise ValueError("unknown kind")
    return float(formulas[kind]())
""",
        CORRECT,
        "fans multiplied by each kernel size in a loop",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(2.0 / (fan_in + fan_out)))
    if kind == "he_normal":
        return float(np.sqrt(2.0 / fan_in))
    raise ValueError(kind)
""",
        "xavier-std",
        "Glorot's std used as the uniform bound",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    n_inputs, n_outputs = shape[0] * rf, shape[1] * rf   # (n_inputs, n_outputs) layout
    if kind == "xavier_uniform":
        return float(np.sqrt(6.0 / (n_inputs + n_outputs)))
    if kind == "he_normal":
        return float(np.sqrt(2.0 / n_inputs))
    raise ValueError(kind)
""",
        "he-fan-out",
        "HeNormal initializer modules with std = sqrt(2 / shape[0]) ((in, out) layout)",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(6 / (fan_in + fan_out)))
    if kind == "he_normal":
        variance = 2 / fan_in
        return float(variance)
    raise ValueError(kind)
""",
        "he-variance",
        "the variance 2 / fan_in returned as the std",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(6 / (fan_in + fan_out)))
    if kind == "he_normal":
        return float(np.sqrt(6 / fan_in))
    raise ValueError(kind)
""",
        "he-uniform-bound",
        "HeUniform's limit sqrt(6 / fan_in) for he_normal",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(3.0 / fan_in))     # Caffe's XavierFiller (FAN_IN)
    if kind == "he_normal":
        return float(np.sqrt(2.0 / fan_in))
    raise ValueError(kind)
""",
        "xavier-fan-in-only",
        "Caffe / Mocha 'xavier' filler, sqrt(3 / fan_in)",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(6.0 / (fan_in + fan_out)))
    if kind == "he_normal":
        return float(1.0 / np.sqrt(fan_in))
    raise ValueError(kind)
""",
        "he-no-gain",
        "1 / sqrt(fan_in) (LeCun) for He",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    fan_out, fan_in = shape[0], shape[1]
    if kind == "xavier_uniform":
        return float(np.sqrt(6.0 / (fan_in + fan_out)))
    if kind == "he_normal":
        return float(np.sqrt(2.0 / fan_in))
    raise ValueError(kind)
""",
        "no-receptive-field",
        "matrix fans used for conv kernels too",
    ),
    Entry(
        IS,
        "init_scale",
        """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(6.0 / (fan_in + fan_out)))
    return float(np.sqrt(2.0 / fan_in))     # anything else: He
""",
        None,
        "no ValueError for an unknown kind",
    ),
]

# -- init_weights ---------------------------------------------------------------------------------
_SCALE = """
def init_scale(kind, shape):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        return float(np.sqrt(6.0 / (fan_in + fan_out)))
    if kind == "he_normal":
        return float(np.sqrt(2.0 / fan_in))
    raise ValueError(kind)
"""

INIT_WEIGHTS = [
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    s = init_scale(kind, shape)
    if kind == "xavier_uniform":
        return s * (2.0 * rng.random(shape) - 1.0)     # U(0, 1) stretched to U(-s, s)
    return s * rng.standard_normal(shape)
""",
        CORRECT,
        "rng.random stretched, rng.standard_normal scaled",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    if kind == "xavier_uniform":
        a = init_scale(kind, shape)
        return rng.uniform(low=-a, high=a, size=shape)
    elif kind == "he_normal":
        return rng.normal(loc=0.0, scale=init_scale(kind, shape), size=shape)
    raise ValueError(kind)
""",
        CORRECT,
        "keyword arguments, explicit ValueError",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    a = init_scale(kind, shape)
    if kind == "xavier_uniform":
        return rng.uniform(0, a, size=shape)
    return rng.normal(0, a, size=shape)
""",
        "uniform-from-zero",
        "U(0, a): the default low=0 kept",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    return rng.normal(0, init_scale(kind, shape), size=shape)
""",
        "normal-for-uniform",
        "a normal for both kinds",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    s = init_scale(kind, shape)
    return rng.uniform(-s, s, size=shape)
""",
        "uniform-for-normal",
        "a uniform for both kinds",
    ),
    Entry(
        IW,
        "init_weights",
        """
def init_weights(kind, shape, rng):
    rf = int(np.prod(shape[2:]))
    fan_in, fan_out = shape[1] * rf, shape[0] * rf
    if kind == "xavier_uniform":
        limit = np.sqrt(2 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)
    return rng.normal(0, np.sqrt(2 / fan_in), size=shape)
""",
        "xavier-bound-from-std",
        "glorot limit written as sqrt(2 / (fan_in + fan_out))",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    if kind == "xavier_uniform":
        a = init_scale(kind, shape)
        return rng.uniform(-a, a, size=shape)
    fan_in = shape[1] * int(np.prod(shape[2:]))
    return rng.normal(0, 2 / fan_in, size=shape)      # the variance passed as scale
""",
        "variance-as-scale",
        "np.random.normal(mean, variance): the variance as numpy's scale",
    ),
    Entry(
        IW,
        "init_weights",
        """
def init_weights(kind, shape, rng):
    if kind == "xavier_uniform":
        return rng.uniform(-1, 1, size=shape)
    return rng.standard_normal(shape)
""",
        "scale-forgotten",
        "randn without the scale",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    s = init_scale(kind, shape)
    if kind == "xavier_uniform":
        return np.random.uniform(-s, s, size=shape)
    return np.random.normal(0, s, size=shape)
""",
        None,
        "NumPy's global np.random functions, rng ignored (not allowed)",
    ),
    Entry(
        IW,
        "init_weights",
        _SCALE
        + """
def init_weights(kind, shape, rng):
    s = init_scale(kind, shape)
    if kind == "xavier_uniform":
        return rng.uniform(-s, s, size=shape[::-1]).T
    return rng.normal(0, s, size=shape[::-1]).T
""",
        None,
        "drawn in the transposed shape: right distribution, not rng's draw",
    ),
]

# -- train_gd -------------------------------------------------------------------------------------
_MLP = """
def mlp_loss_and_grads(params, X, y, relu_derivative=True):
    L = len(params) // 2
    n = len(y)
    inputs, pres, a = [], [], np.asarray(X, float)
    for l in range(1, L + 1):
        inputs.append(a)
        z = a @ params[f"W{l}"].T + params[f"b{l}"]
        pres.append(z)
        a = np.maximum(z, 0) if l < L else z
    x = a - a.max(axis=1, keepdims=True)
    log_p = x - np.log(np.exp(x).sum(axis=1, keepdims=True))
    d = np.exp(log_p)
    d[np.arange(n), y] -= 1
    d /= n
    grads = {}
    for l in range(L, 0, -1):
        if l < L and relu_derivative:
            d = d * (pres[l - 1] > 0)
        grads[f"W{l}"] = d.T @ inputs[l - 1]
        grads[f"b{l}"] = d.sum(axis=0)
        d = d @ params[f"W{l}"]
    return float(-log_p[np.arange(n), y].mean()), grads
"""

TRAIN_XOR = [
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    params = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        params = {k: params[k] - lr * grads[k] for k in params}
    return params, losses
""",
        CORRECT,
        "a new dict every step",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
import copy

def train_gd(params, X, y, lr, steps):
    params = copy.deepcopy(params)
    losses = np.zeros(steps)
    for t in range(steps):
        losses[t], grads = mlp_loss_and_grads(params, X, y)
        for name, g in grads.items():
            params[name] -= lr * g
    return params, losses
""",
        CORRECT,
        "deepcopy, losses in a preallocated array",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    params = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        for k in params:
            params[k] += lr * grads[k]
    return params, losses
""",
        "ascent",
        "θ += lr · grad",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    params = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(steps):
        _, grads = mlp_loss_and_grads(params, X, y)
        for k in params:
            params[k] -= lr * grads[k]
        losses.append(mlp_loss_and_grads(params, X, y)[0])   # log the new loss
    return params, losses
""",
        "loss-after-update",
        "loss logged after the update",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    params = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        for k in params:
            params[k] -= lr * grads[k]
    losses.append(mlp_loss_and_grads(params, X, y)[0])       # and the final loss
    return params, losses
""",
        "final-loss-appended",
        "the final loss appended after the loop",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    params = {k: v.copy() for k, v in params.items()}
    grad_acc = {k: np.zeros_like(v) for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        for k in params:
            grad_acc[k] += grads[k]        # like .grad without zero_grad()
            params[k] -= lr * grad_acc[k]
    return params, losses
""",
        None,
        "gradients accumulated across steps (torch habit: zero_grad() forgotten); the run "
        "diverges, so no known mistake can reproduce it to round-off",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    params = {k: v.copy() for k, v in params.items()}
    losses = []
    for _ in range(steps):
        loss, grads = mlp_loss_and_grads(params, X, y, relu_derivative=False)
        losses.append(loss)
        for k in params:
            params[k] -= lr * grads[k]
    return params, losses
""",
        "wrong-gradient",
        "trained with a backward pass that skips the ReLU derivative",
    ),
    Entry(
        TX,
        "train_gd",
        _MLP
        + """
def train_gd(params, X, y, lr, steps):
    losses = []
    for _ in range(steps):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        for k in params:
            params[k] -= lr * grads[k]      # the caller's arrays, in place
    return params, losses
""",
        None,
        "updates the caller's arrays in place",
    ),
]

# -- overfit_tiny_batch ---------------------------------------------------------------------------
OVERFIT_TINY_BATCH = [
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    step = 0
    while True:
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        if loss < threshold:
            return losses
        if step == max_steps:
            raise RuntimeError(f"could not overfit: loss {loss:.3g} after {max_steps} updates")
        params = {k: params[k] - lr * grads[k] for k in params}
        step += 1
""",
        CORRECT,
        "while loop with a step counter",
    ),
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for step in range(max_steps + 1):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        for k in params:
            params[k] -= lr * grads[k]
    if min(losses) < threshold:
        return losses
    raise RuntimeError("did not overfit")
""",
        "no-early-stop",
        "trains the whole budget, then tests the threshold",
    ),
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for step in range(max_steps + 1):
        loss, grads = mlp_loss_and_grads(params, X, y)
        if loss < threshold:
            return losses
        losses.append(loss)
        for k in params:
            params[k] -= lr * grads[k]
    raise RuntimeError("did not overfit")
""",
        "last-loss-missing",
        "threshold tested before the loss is appended",
    ),
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses, step = [], 0
    loss, grads = mlp_loss_and_grads(params, X, y)
    while loss >= threshold:
        losses.append(loss)
        if step == max_steps:
            raise RuntimeError("the network cannot overfit this batch")
        for k in params:
            params[k] -= lr * grads[k]
        step += 1
        loss, grads = mlp_loss_and_grads(params, X, y)
    return losses
""",
        "last-loss-missing",
        "while loss >= threshold: the loss that ends the loop is never appended",
    ),
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for step in range(max_steps):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        if loss < threshold:
            return losses
        for k in params:
            params[k] -= lr * grads[k]
    raise RuntimeError("did not overfit")
""",
        "one-update-short",
        "range(max_steps): the loss after the last update is never computed",
    ),
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    params = {k: np.array(v, dtype=float) for k, v in params.items()}
    losses = []
    for step in range(max_steps + 1):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        if loss < threshold:
            break
        if step < max_steps:
            for k in params:
                params[k] -= lr * grads[k]
    return losses
""",
        "no-raise",
        "returns the losses whether or not the threshold was reached",
    ),
    Entry(
        OF,
        "overfit_tiny_batch",
        _MLP
        + """
def overfit_tiny_batch(params, X, y, lr, threshold, max_steps):
    losses = []
    for step in range(max_steps + 1):
        loss, grads = mlp_loss_and_grads(params, X, y)
        losses.append(loss)
        if loss < threshold:
            return losses
        if step < max_steps:
            for k in params:
                params[k] -= lr * grads[k]        # the caller's arrays, in place
    raise RuntimeError("did not overfit")
""",
        None,
        "updates the caller's parameters in place",
    ),
]

ENTRIES: list[Entry] = [
    *LINEAR_FORWARD,
    *LINEAR_BACKWARD,
    *ACTIVATIONS,
    *SOFTMAX_CROSS_ENTROPY,
    *MLP_LOSS_AND_GRADS,
    *GRADIENT_CHECK,
    *INIT_SCALE,
    *INIT_WEIGHTS,
    *TRAIN_XOR,
    *OVERFIT_TINY_BATCH,
]
