"""Student solutions for assignment 12 — build your own autograd engine, as people write them.

The checked functions are the notebook's given entry points (``grads_of_program``,
``mlp_forward_backward``, ``run_optimizer``) and ``train_digits``; they call the student's
``Tensor`` and the classes built up across the cells, so every entry here is a whole engine: the
notebook's given parts and a correct baseline (the module-level strings below), with the one part
the student wrote differently put in its place (``engine(backward=...)``,
``engine(unbroadcast=...)``, ``_train(...)``).

The variants come from public code and questions, rewritten here in our own words: Karpathy's
micrograd and its lecture ("build_topo" by recursion with a visited set, ``self.grad = 1`` as the
seed, the ``=`` instead of ``+=`` bug the video shows, relu's mask from ``out.data > 0``, tanh's
derivative from the output, ``__rsub__``/``__rtruediv__`` built from ``__neg__`` and ``** -1``,
``zero_grad`` as ``p.grad = 0``) and its many re-implementations with NumPy arrays (iterative
DFS with an explicit stack, Kahn's algorithm over consumer counts, a breadth-first queue from the
output, "visit a node and recurse into its parents" without an order); HIPS autograd's and
DeZero's ``unbroadcast`` / ``sum_to`` (a while loop over leading axes, then the size-1 axes with
keepdims; one ``np.sum`` over computed axes and a reshape; the scalar special case), other
engines' variants that sum only axis 0 (CS231n's ``db = dout.sum(axis=0)``) or only the size-1
axes, or drop the kept axes; matmul's ``dA = dC @ Bᵀ`` derivations and the forgotten transposes;
``sum`` backward with ``np.expand_dims`` or a reshape, ``np.broadcast_to`` straight back, the mean
that forgets ``1/n``; CS231n's softmax loss (probabilities then log, ``np.eye(C)[y]`` one-hots,
``d[:, y] -= 1``), log-sum-exp write-ups; torch's ``SGD`` documentation (the buffer starts as the
first gradient), CS231n's velocity form ``v = μv − ηg``, the dampened "EMA" momentum, Kingma &
Ba's Adam (Algorithm 1 and its "more efficient" step size with ε̂), in-place NumPy pitfalls
(rebinding a buffer's name, a ``zero_grad`` that rebinds a loop variable, ``t`` counted per
parameter); training loops from tutorials (``range(N // batch_size)``, accuracy on the training
set, a new optimizer per epoch, no ``zero_grad``).
"""

from __future__ import annotations

import textwrap

from . import CORRECT, Entry

A = "12-autograd-engine"

TB = f"{A}/tensor_backward"
BG = f"{A}/broadcast_gradients"
TO = f"{A}/tensor_ops"
AR = f"{A}/activations_reductions"
CE = f"{A}/softmax_cross_entropy"
RG = f"{A}/random_graphs"
ML = f"{A}/mlp_module"
OP = f"{A}/optimizers"
TD = f"{A}/train_digits"

GRADS = "grads_of_program"

# -- the notebook's given parts ---------------------------------------------------------------------
_REDUCE_TO = """
def reduce_to(grad, shape):
    if np.shape(grad) == tuple(shape):
        return grad
    return unbroadcast(grad, shape)
"""

_TENSOR_HEAD = """
class Tensor:
    def __init__(self, data, _prev=(), op=""):
        self.data = np.array(data, dtype=np.float64)
        self.grad = np.zeros_like(self.data)
        self._prev = tuple(_prev)
        self._backward = lambda: None
        self.op = op

    @property
    def shape(self):
        return self.data.shape

    @staticmethod
    def wrap(x):
        return x if isinstance(x, Tensor) else Tensor(x)
"""

_ENTRY_POINT = """
OPS = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "matmul": lambda a, b: a @ b,
    "pow": lambda a, p: a**p,
    "exp": lambda a: a.exp(),
    "log": lambda a: a.log(),
    "relu": lambda a: a.relu(),
    "tanh": lambda a: a.tanh(),
    "sum": lambda a, axis=None, keepdims=False: a.sum(axis, keepdims),
    "mean": lambda a, axis=None, keepdims=False: a.mean(axis, keepdims),
    "cross_entropy": lambda z, labels: z.cross_entropy(labels),
}


def grads_of_program(program, inputs):
    env = {name: Tensor(value) for name, value in inputs.items()}
    for name, op, *args in program:
        env[name] = OPS[op](*[env[a] if isinstance(a, str) else a for a in args])
    out = env[program[-1][0]]
    out.backward()
    return out.data.copy(), {name: env[name].grad.copy() for name in inputs}


def mlp_forward_backward(params, X, y):
    model = MLP([Linear(p["W"], p["b"]) for p in params])
    loss = model(Tensor(X)).cross_entropy(y)
    loss.backward()
    grads = [{"W": layer.W.grad.copy(), "b": layer.b.grad.copy()} for layer in model.layers]
    return float(loss.data), grads


def run_optimizer(name, params, grads_sequence, hyper):
    tensors = {k: Tensor(v) for k, v in params.items()}
    opt = (SGD if name == "sgd" else Adam)(list(tensors.values()), **hyper)
    history = []
    for grads in grads_sequence:
        opt.zero_grad()
        for k, t in tensors.items():
            t.grad += grads[k]
        opt.step()
        history.append({k: t.data.copy() for k, t in tensors.items()})
    return history
"""

# -- a correct engine, one string per solution cell -------------------------------------------------
# Exercise 1: methods of Tensor (written unindented here, put into the class by ``_tensor``)
_ADD = """
def __add__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data + other.data, (self, other), "add")

    def _backward():
        self.grad += reduce_to(out.grad, self.data.shape)
        other.grad += reduce_to(out.grad, other.data.shape)

    out._backward = _backward
    return out
"""

_MUL = """
def __mul__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data * other.data, (self, other), "mul")

    def _backward():
        self.grad += reduce_to(out.grad * other.data, self.data.shape)
        other.grad += reduce_to(out.grad * self.data, other.data.shape)

    out._backward = _backward
    return out
"""

_BACKWARD = """
def backward(self):
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for parent in v._prev:
                build(parent)
            topo.append(v)

    build(self)
    self.grad = np.ones_like(self.data)
    for v in reversed(topo):
        v._backward()
"""

# Exercise 2
_UNBROADCAST = """
def unbroadcast(grad, shape):
    grad = np.asarray(grad)
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad
"""

# Exercise 3: each function is followed by its attach line, so a redefinition overrides it
_MATMUL = """
def matmul(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data @ other.data, (self, other), "matmul")

    def _backward():
        self.grad += out.grad @ other.data.T
        other.grad += self.data.T @ out.grad

    out._backward = _backward
    return out

Tensor.__matmul__ = matmul
"""

_POW = """
def power(self, p):
    out = Tensor(self.data**p, (self,), f"pow {p:g}")

    def _backward():
        self.grad += out.grad * p * self.data ** (p - 1)

    out._backward = _backward
    return out

Tensor.__pow__ = power
"""

_EXP = """
def exp(self):
    out = Tensor(np.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += out.grad * out.data

    out._backward = _backward
    return out

Tensor.exp = exp
"""

_LOG = """
def log(self):
    out = Tensor(np.log(self.data), (self,), "log")

    def _backward():
        self.grad += out.grad / self.data

    out._backward = _backward
    return out

Tensor.log = log
"""

# Exercise 4
_RELU = """
def relu(self):
    out = Tensor(np.maximum(self.data, 0.0), (self,), "relu")

    def _backward():
        self.grad += out.grad * (self.data > 0)

    out._backward = _backward
    return out

Tensor.relu = relu
"""

_TANH = """
def tanh(self):
    out = Tensor(np.tanh(self.data), (self,), "tanh")

    def _backward():
        self.grad += out.grad * (1.0 - out.data**2)

    out._backward = _backward
    return out

Tensor.tanh = tanh
"""

_SUM = """
def tensor_sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

    def _backward():
        g = out.grad
        if axis is not None and not keepdims:
            g = np.expand_dims(g, axis)
        self.grad += np.broadcast_to(g, self.data.shape)

    out._backward = _backward
    return out

Tensor.sum = tensor_sum
"""

_MEAN = """
def mean(self, axis=None, keepdims=False):
    n = self.data.size if axis is None else self.data.shape[axis]
    return self.sum(axis, keepdims) * (1.0 / n)

Tensor.mean = mean
"""

# Exercise 5
_CROSS_ENTROPY = """
def cross_entropy(self, labels):
    y = np.asarray(labels, dtype=int)
    rows = np.arange(len(y))
    shifted = self.data - self.data.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    out = Tensor(-log_p[rows, y].mean(), (self,), "cross_entropy")

    def _backward():
        d = np.exp(log_p)
        d[rows, y] -= 1.0
        self.grad += out.grad * d / len(y)

    out._backward = _backward
    return out

Tensor.cross_entropy = cross_entropy
"""

# Exercise 6
_DERIVED = """
def neg(self):
    return self * -1.0

def sub(self, other):
    return self + (-other)

def rsub(self, other):
    return (-self) + other

def radd(self, other):
    return self + other

def rmul(self, other):
    return self * other

def truediv(self, other):
    return self * Tensor.wrap(other) ** -1.0

def rtruediv(self, other):
    return self**-1.0 * other

Tensor.__neg__ = neg
Tensor.__sub__ = sub
Tensor.__rsub__ = rsub
Tensor.__radd__ = radd
Tensor.__rmul__ = rmul
Tensor.__truediv__ = truediv
Tensor.__rtruediv__ = rtruediv
"""

# Exercise 7
_LINEAR_CALL = """
def __call__(self, x):
    return x @ self.W + self.b
"""

_MLP_CALL = """
def __call__(self, x):
    for i, layer in enumerate(self.layers):
        x = layer(x)
        if i < len(self.layers) - 1:
            x = x.relu()
    return x
"""

# Exercise 8
_ZERO_GRAD = """
def zero_grad(self):
    for p in self.params:
        p.grad = np.zeros_like(p.data)
"""

_SGD_STEP = """
def step(self):
    for p, v in zip(self.params, self.velocity):
        g = p.grad + self.weight_decay * p.data
        v[...] = self.momentum * v + g
        p.data -= self.lr * v
"""

_ADAM_STEP = """
def step(self):
    b1, b2 = self.betas
    self.t += 1
    for p, m, v in zip(self.params, self.m, self.v):
        m[...] = b1 * m + (1 - b1) * p.grad
        v[...] = b2 * v + (1 - b2) * p.grad**2
        m_hat = m / (1 - b1**self.t)
        v_hat = v / (1 - b2**self.t)
        p.data -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
"""

# Exercise 9
_TRAIN = """
def train_digits(params, X_train, y_train, X_test, y_test, lr, epochs, batch_size):
    model = MLP([Linear(p["W"], p["b"]) for p in params])
    opt = Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        for i in range(0, len(X_train), batch_size):
            opt.zero_grad()
            loss = model(Tensor(X_train[i : i + batch_size])).cross_entropy(
                y_train[i : i + batch_size]
            )
            loss.backward()
            opt.step()
            losses.append(float(loss.data))
    predicted = model(Tensor(X_test)).data.argmax(axis=1)
    return losses, float(np.mean(predicted == np.asarray(y_test)))
"""


def _in_class(*methods: str) -> str:
    return "\n".join(textwrap.indent(textwrap.dedent(m).strip("\n"), "    ") for m in methods)


def _classes(linear_call: str, mlp_call: str, zero_grad: str, sgd_step: str, adam_step: str) -> str:
    return f"""
class Linear:
    def __init__(self, W, b):
        self.W, self.b = Tensor(W), Tensor(b)

{_in_class(linear_call)}

    def parameters(self):
        return [self.W, self.b]


class MLP:
    def __init__(self, layers):
        self.layers = list(layers)

{_in_class(mlp_call)}

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


class Optimizer:
    def __init__(self, params):
        self.params = list(params)

{_in_class(zero_grad)}


class SGD(Optimizer):
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params)
        self.lr, self.momentum, self.weight_decay = lr, momentum, weight_decay
        self.velocity = [np.zeros_like(p.data) for p in self.params]

{_in_class(sgd_step)}


class Adam(Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params)
        self.lr, self.betas, self.eps = lr, tuple(betas), eps
        self.m = [np.zeros_like(p.data) for p in self.params]
        self.v = [np.zeros_like(p.data) for p in self.params]
        self.t = 0

{_in_class(adam_step)}
"""


def engine(
    *,
    add: str = _ADD,
    mul: str = _MUL,
    backward: str = _BACKWARD,
    unbroadcast: str = _UNBROADCAST,
    matmul: str = _MATMUL,
    power: str = _POW,
    exp: str = _EXP,
    log: str = _LOG,
    relu: str = _RELU,
    tanh: str = _TANH,
    tensor_sum: str = _SUM,
    mean: str = _MEAN,
    cross_entropy: str = _CROSS_ENTROPY,
    derived: str = _DERIVED,
    linear_call: str = _LINEAR_CALL,
    mlp_call: str = _MLP_CALL,
    zero_grad: str = _ZERO_GRAD,
    sgd_step: str = _SGD_STEP,
    adam_step: str = _ADAM_STEP,
    train: str = _TRAIN,
) -> str:
    """The whole notebook's code: the given parts and the baseline, with some parts replaced."""
    return "\n".join(
        [
            _REDUCE_TO,
            _TENSOR_HEAD,
            _in_class(add, mul, backward),
            unbroadcast,
            matmul,
            power,
            exp,
            log,
            relu,
            tanh,
            tensor_sum,
            mean,
            cross_entropy,
            derived,
            _classes(linear_call, mlp_call, zero_grad, sgd_step, adam_step),
            train,
            _ENTRY_POINT,
        ]
    )


ENGINE = engine()

# -- tensor_backward --------------------------------------------------------------------------------
TENSOR_BACKWARD = [
    Entry(TB, GRADS, ENGINE, CORRECT, "the notebook's recursive build_topo with a visited set"),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
def backward(self):
    topo, seen, stack = [], set(), [(self, False)]
    while stack:                        # iterative DFS: a node is emitted after its parents
        v, expanded = stack.pop()
        if expanded:
            topo.append(v)
            continue
        if v in seen:
            continue
        seen.add(v)
        stack.append((v, True))
        for parent in v._prev:
            if parent not in seen:
                stack.append((parent, False))
    self.grad = np.ones_like(self.data)
    for v in topo[::-1]:
        v._backward()
"""
        ),
        CORRECT,
        "iterative DFS with an explicit stack (no recursion limit)",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
def backward(self):
    # Kahn's algorithm on the reversed graph: a node is ready once all its consumers ran
    pending, stack, seen = {}, [self], {self}
    while stack:
        v = stack.pop()
        for parent in v._prev:
            pending[parent] = pending.get(parent, 0) + 1
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    self.grad = np.ones_like(self.data)
    ready = [self]
    while ready:
        v = ready.pop()
        v._backward()
        for parent in v._prev:
            pending[parent] -= 1
            if pending[parent] == 0:
                ready.append(parent)
"""
        ),
        CORRECT,
        "Kahn's algorithm: consumer counts, a node runs once every consumer has",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            add="""
def __add__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data + other.data, (self, other), "add")

    def _backward():
        self.grad = self.grad + reduce_to(out.grad, self.shape)
        other.grad = other.grad + reduce_to(out.grad, other.shape)

    out._backward = _backward
    return out
""",
            backward="""
def backward(self):
    order = []

    def visit(v):
        if v not in order:              # a list: `in` compares identities here
            for parent in v._prev:
                visit(parent)
            order.append(v)

    visit(self)
    self.grad = np.ones(self.shape)
    for v in reversed(order):
        v._backward()
""",
        ),
        CORRECT,
        "grad = grad + … (a new array) and a visited list instead of a set",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            add="""
def __add__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data + other.data, (self, other), "add")

    def _backward():
        self.grad = reduce_to(out.grad, self.data.shape)
        other.grad = reduce_to(out.grad, other.data.shape)

    out._backward = _backward
    return out
""",
            mul="""
def __mul__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data * other.data, (self, other), "mul")

    def _backward():
        self.grad = reduce_to(out.grad * other.data, self.data.shape)
        other.grad = reduce_to(out.grad * self.data, other.data.shape)

    out._backward = _backward
    return out
""",
        ),
        "gradient-assigned-not-accumulated",
        "micrograd lecture's first version: self.grad = … (the a + a bug)",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
def backward(self):
    self.grad = np.ones_like(self.data)

    def propagate(v):
        v._backward()
        for parent in v._prev:
            propagate(parent)

    propagate(self)
"""
        ),
        "no-topological-order",
        "recursive 'call _backward, then recurse into the parents', no order",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            mul="""
def __mul__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data * other.data, (self, other), "mul")

    def _backward():
        self.grad += reduce_to(out.grad * self.data, self.data.shape)
        other.grad += reduce_to(out.grad * other.data, other.data.shape)

    out._backward = _backward
    return out
"""
        ),
        "mul-gradients-swapped",
        "mul's rule with each operand's own value",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
from collections import deque

def backward(self):
    self.grad = np.ones_like(self.data)
    queue, seen = deque([self]), {self}
    while queue:                        # breadth first from the output
        v = queue.popleft()
        v._backward()
        for parent in v._prev:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
"""
        ),
        None,
        "breadth-first queue from the output: a node may run before all its consumers",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
def backward(self):
    topo = []

    def build(v):
        for parent in v._prev:
            build(parent)
        topo.append(v)                  # no visited set: shared nodes appear twice

    build(self)
    self.grad = np.ones_like(self.data)
    for v in reversed(topo):
        v._backward()
"""
        ),
        None,
        "topological sort without a visited set: shared nodes run twice",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
def backward(self):
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for parent in v._prev:
                build(parent)
            topo.append(v)

    build(self)
    self.grad = np.ones_like(self.data)
    for v in topo:                      # forgot to reverse
        v._backward()
"""
        ),
        "topological-order-not-reversed",
        "the topological order walked forwards (leaves first)",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            backward="""
def backward(self):
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for parent in v._prev:
                build(parent)
            topo.append(v)

    build(self)
    self.grad = 1.0                     # micrograd's scalar seed
    for v in reversed(topo):
        v._backward()
"""
        ),
        CORRECT,
        "micrograd's scalar seed self.grad = 1.0: it broadcasts through add and mul",
    ),
    Entry(
        TB,
        GRADS,
        engine(
            add="""
def __add__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data + other.data, (self, other), "add")

    def _backward():
        self.grad = out.grad
        other.grad = out.grad

    out._backward = _backward
    return out
""",
            mul="""
def __mul__(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data * other.data, (self, other), "mul")

    def _backward():
        self.grad = other.data * out.grad
        other.grad = self.data * out.grad

    out._backward = _backward
    return out
""",
        ),
        "gradient-assigned-not-accumulated",
        "micrograd's scalar rules typed with = and without reduce_to",
    ),
]

# -- broadcast_gradients ----------------------------------------------------------------------------
BROADCAST_GRADIENTS = [
    Entry(BG, GRADS, ENGINE, CORRECT, "HIPS-autograd-style while loop, then size-1 axes"),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    lead = grad.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1)
    return np.sum(grad, axis=axes, keepdims=True).reshape(shape)
"""
        ),
        CORRECT,
        "one np.sum over the computed axes with keepdims, then reshape (sum_to_shape)",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    if len(shape) == 0:
        return np.sum(grad)             # a scalar took part everywhere
    for _ in range(grad.ndim - len(shape)):
        grad = grad.sum(axis=0)
    for i, n in enumerate(shape):
        if n == 1:
            grad = grad.sum(axis=i, keepdims=True)
    return grad
"""
        ),
        CORRECT,
        "scalar special case, then a loop over the added and size-1 axes",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    padded = (1,) * (grad.ndim - len(shape)) + tuple(shape)
    axes = tuple(i for i, (g, s) in enumerate(zip(grad.shape, padded)) if s == 1 and g != 1)
    return grad.sum(axis=axes, keepdims=True).reshape(shape)
"""
        ),
        CORRECT,
        "shape left-padded with ones, summed where it is 1 and grad is not",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    return grad
"""
        ),
        "gradient-not-reduced",
        "unbroadcast left as the identity",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    return grad
"""
        ),
        "size-one-axes-not-reduced",
        "only the leading axes summed",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    return grad.sum(axis=ones)          # keepdims forgotten
"""
        ),
        "size-one-axes-dropped",
        "size-1 axes summed without keepdims",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    return grad.sum(axis=0)             # the bias gradient: sum over the batch
"""
        ),
        None,
        "CS231n's db = dout.sum(axis=0) used for every broadcast",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    axes = tuple(i for i, n in enumerate(shape) if n == 1)
    return grad.sum(axis=axes, keepdims=True)   # leading axes forgotten
"""
        ),
        None,
        "only the size-1 axes summed, the added leading axes forgotten",
    ),
    Entry(
        BG,
        GRADS,
        engine(
            unbroadcast="""
def unbroadcast(grad, shape):
    for _ in range(grad.ndim - len(shape)):   # the added axes only
        grad = np.sum(grad, axis=0)
    return grad
"""
        ),
        "size-one-axes-not-reduced",
        "a for loop over the number of added axes, size-1 axes forgotten",
    ),
]

# -- tensor_ops -------------------------------------------------------------------------------------
_SCALAR_SEED = """
def backward(self):
    topo, seen = [], set()

    def build(v):
        if v not in seen:
            seen.add(v)
            for parent in v._prev:
                build(parent)
            topo.append(v)

    build(self)
    self.grad = 1.0
    for v in reversed(topo):
        v._backward()
"""

TENSOR_OPS = [
    Entry(
        TO, GRADS, ENGINE, CORRECT, "the notes' rules: dA = dC Bᵀ, dB = Aᵀ dC, exp from its output"
    ),
    Entry(
        TO,
        GRADS,
        engine(
            matmul="""
def matmul(self, other):
    other = Tensor.wrap(other)
    out = Tensor(np.matmul(self.data, other.data), (self, other), "matmul")

    def _backward():
        self.grad += np.matmul(out.grad, np.swapaxes(other.data, -1, -2))
        other.grad += np.matmul(np.swapaxes(self.data, -1, -2), out.grad)

    out._backward = _backward
    return out

Tensor.__matmul__ = matmul
""",
            exp="""
def exp(self):
    out = Tensor(np.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += np.exp(self.data) * out.grad     # recomputed, the same as out.data

    out._backward = _backward
    return out

Tensor.exp = exp
""",
        ),
        CORRECT,
        "np.matmul with swapaxes; exp's derivative recomputed from the input",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            power="""
def power(self, p):
    assert isinstance(p, (int, float)), "only numbers as exponents"
    out = Tensor(self.data**p, (self,), f"pow {p:g}")

    def _backward():
        self.grad += (p * self.data ** (p - 1)) * out.grad

    out._backward = _backward
    return out

Tensor.__pow__ = power
""",
            log="""
def log(self):
    out = Tensor(np.log(self.data), (self,), "log")

    def _backward():
        self.grad += out.grad * (1.0 / self.data)

    out._backward = _backward
    return out

Tensor.log = log
""",
        ),
        CORRECT,
        "micrograd's pow with an assert on the exponent; log as times 1/x",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            matmul="""
def matmul(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data @ other.data, (self, other), "matmul")

    def _backward():
        self.grad += out.grad @ other.data
        other.grad += self.data @ out.grad

    out._backward = _backward
    return out

Tensor.__matmul__ = matmul
"""
        ),
        "matmul-gradient-not-transposed",
        "the scalar rule d(ab) = b·dc carried over to matrices, no transposes",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            power="""
def power(self, p):
    out = Tensor(self.data**p, (self,), f"pow {p:g}")

    def _backward():
        self.grad += out.grad * p * out.data           # p·x^p: the exponent not lowered

    out._backward = _backward
    return out

Tensor.__pow__ = power
"""
        ),
        "pow-exponent-not-lowered",
        "pow's gradient p·out.data (reuses the output like exp does)",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            exp="""
def exp(self):
    out = Tensor(np.exp(self.data), (self,), "exp")

    def _backward():
        self.grad += out.grad * self.data

    out._backward = _backward
    return out

Tensor.exp = exp
"""
        ),
        "exp-gradient-uses-input",
        "the nn-zero-to-hero issue's suggested exp rule: times self.data",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            log="""
def log(self):
    out = Tensor(np.log(self.data), (self,), "log")

    def _backward():
        self.grad += out.grad / self.data**2

    out._backward = _backward
    return out

Tensor.log = log
"""
        ),
        "log-gradient-squared",
        "log's derivative written as 1/x² (the derivative of −1/x)",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            matmul="""
def matmul(self, other):
    other = Tensor.wrap(other)
    out = Tensor(self.data @ other.data, (self, other), "matmul")

    def _backward():
        self.grad += other.data.T @ out.grad
        other.grad += out.grad @ self.data.T

    out._backward = _backward
    return out

Tensor.__matmul__ = matmul
"""
        ),
        None,
        "matmul with the transposes on the wrong side (Bᵀ dC, dC Aᵀ)",
    ),
    Entry(
        TO,
        GRADS,
        engine(backward=_SCALAR_SEED),
        None,
        "the scalar seed 1.0 reaching a matmul at the output (1.0 @ Bᵀ raises)",
    ),
    Entry(
        TO,
        GRADS,
        engine(
            power="""
def power(self, p):
    out = Tensor(self.data**p, (self,), f"pow {p:g}")

    def _backward():
        self.grad += p * self.data**p * out.grad

    out._backward = _backward
    return out

Tensor.__pow__ = power
"""
        ),
        "pow-exponent-not-lowered",
        "p · x**p · out.grad (the power rule half remembered)",
    ),
]

# -- activations_reductions -------------------------------------------------------------------------
AR_SUM_NO_EXPAND = """
def tensor_sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

    def _backward():
        self.grad += np.broadcast_to(out.grad, self.data.shape)

    out._backward = _backward
    return out

Tensor.sum = tensor_sum
"""

ACTIVATIONS_REDUCTIONS = [
    Entry(AR, GRADS, ENGINE, CORRECT, "mask from the input, tanh from the output, expand_dims"),
    Entry(
        AR,
        GRADS,
        engine(
            relu="""
def relu(self):
    out = Tensor(np.where(self.data > 0, self.data, 0.0), (self,), "relu")

    def _backward():
        self.grad += (out.data > 0) * out.grad          # micrograd: the output's sign

    out._backward = _backward
    return out

Tensor.relu = relu
""",
            tanh="""
def tanh(self):
    out = Tensor(np.tanh(self.data), (self,), "tanh")

    def _backward():
        self.grad += out.grad / np.cosh(self.data) ** 2  # sech²

    out._backward = _backward
    return out

Tensor.tanh = tanh
""",
        ),
        CORRECT,
        "micrograd's relu mask from out.data; tanh' as sech²(x)",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            tensor_sum="""
def tensor_sum(self, axis=None, keepdims=False):
    out = Tensor(np.sum(self.data, axis=axis, keepdims=keepdims), (self,), "sum")

    def _backward():
        shape = list(self.data.shape)
        if axis is None:
            shape = [1] * len(shape)
        else:
            shape[axis] = 1
        self.grad += np.ones_like(self.data) * out.grad.reshape(shape)

    out._backward = _backward
    return out

Tensor.sum = tensor_sum
""",
            mean="""
def mean(self, axis=None, keepdims=False):
    n = self.data.size if axis is None else self.data.shape[axis]
    out = Tensor(np.mean(self.data, axis=axis, keepdims=keepdims), (self,), "mean")

    def _backward():
        g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
        self.grad += np.broadcast_to(g, self.data.shape) / n

    out._backward = _backward
    return out

Tensor.mean = mean
""",
        ),
        CORRECT,
        "DeZero-style reshape to the kept shape; mean as its own node with /n",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            relu="""
def relu(self):
    out = Tensor(np.maximum(self.data, 0.0), (self,), "relu")

    def _backward():
        self.grad += out.grad * (self.data >= 0)

    out._backward = _backward
    return out

Tensor.relu = relu
"""
        ),
        "relu-gradient-one-at-zero",
        "relu's mask x >= 0",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            tanh="""
def tanh(self):
    out = Tensor(np.tanh(self.data), (self,), "tanh")

    def _backward():
        self.grad += out.grad * (1 - self.data**2)

    out._backward = _backward
    return out

Tensor.tanh = tanh
"""
        ),
        "tanh-derivative-on-input",
        "1 − x² with x the input",
    ),
    Entry(
        AR,
        GRADS,
        engine(tensor_sum=AR_SUM_NO_EXPAND),
        "sum-axis-not-restored",
        "np.broadcast_to(out.grad, x.shape) straight back",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            tensor_sum="""
def tensor_sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

    def _backward():
        self.grad += out.grad * np.ones_like(self.data)

    out._backward = _backward
    return out

Tensor.sum = tensor_sum
"""
        ),
        "sum-axis-not-restored",
        "out.grad * ones_like(x): NumPy broadcasting does the rest (wrongly)",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            mean="""
def mean(self, axis=None, keepdims=False):
    out = Tensor(self.data.mean(axis=axis, keepdims=keepdims), (self,), "mean")

    def _backward():
        g = out.grad if keepdims or axis is None else np.expand_dims(out.grad, axis)
        self.grad += np.broadcast_to(g, self.data.shape)   # 1/n forgotten

    out._backward = _backward
    return out

Tensor.mean = mean
"""
        ),
        "mean-gradient-not-divided",
        "mean as its own node with the sum's backward",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            mean="""
def mean(self, axis=None, keepdims=False):
    return self.sum(axis, keepdims) * (1.0 / self.data.size)

Tensor.mean = mean
"""
        ),
        None,
        "mean divided by x.size even over one axis",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            tensor_sum="""
def tensor_sum(self, axis=None, keepdims=False):
    out = Tensor(self.data.sum(axis=axis, keepdims=keepdims), (self,), "sum")

    def _backward():
        g = out.grad if axis is None else np.expand_dims(out.grad, axis)   # keepdims ignored
        self.grad += np.broadcast_to(g, self.data.shape)

    out._backward = _backward
    return out

Tensor.sum = tensor_sum
"""
        ),
        None,
        "the axis put back even when keepdims kept it",
    ),
    Entry(
        AR,
        GRADS,
        engine(
            relu="""
def relu(self):
    out = Tensor(np.maximum(0.0, self.data), (self,), "relu")

    def _backward():
        self.grad += np.where(self.data >= 0, out.grad, 0.0)

    out._backward = _backward
    return out

Tensor.relu = relu
"""
        ),
        "relu-gradient-one-at-zero",
        "np.where(x >= 0, out.grad, 0)",
    ),
]


# -- softmax_cross_entropy --------------------------------------------------------------------------
def _ce(forward: str, backward: str) -> str:
    """cross_entropy with its forward lines (defining z, y, N, loss and what the backward
    step uses) and its backward step's body."""
    return f"""
def cross_entropy(self, labels):
    z = self.data
    y = np.asarray(labels, dtype=int)
    N = len(y)
{textwrap.indent(textwrap.dedent(forward).strip(chr(10)), "    ")}
    out = Tensor(loss, (self,), "cross_entropy")

    def _backward():
{textwrap.indent(textwrap.dedent(backward).strip(chr(10)), "        ")}

    out._backward = _backward
    return out

Tensor.cross_entropy = cross_entropy
"""


_STABLE_P = """
e = np.exp(z - z.max(axis=1, keepdims=True))
p = e / e.sum(axis=1, keepdims=True)
log_p = (z - z.max(axis=1, keepdims=True)) - np.log(e.sum(axis=1, keepdims=True))
loss = -log_p[np.arange(N), y].mean()
"""

SOFTMAX_CROSS_ENTROPY = [
    Entry(CE, GRADS, ENGINE, CORRECT, "log-softmax with the max subtracted, d[rows, y] -= 1"),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                """
m = z.max(axis=1)
lse = m + np.log(np.exp(z - m[:, None]).sum(axis=1))   # logsumexp per row
loss = np.mean(lse - z[np.arange(N), y])
""",
                """
p = np.exp(z - lse[:, None])
onehot = np.eye(z.shape[1])[y]
self.grad += (p - onehot) / N * out.grad
""",
            )
        ),
        CORRECT,
        "loss = logsumexp − z_y; np.eye(C)[y] one-hot",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                _STABLE_P,
                """
onehot = np.zeros_like(z)
onehot[np.arange(N), y] = 1
self.grad += out.grad * (p - onehot) / N
""",
            )
        ),
        CORRECT,
        "CS231n-style stable softmax probabilities, the log from log-softmax",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                _STABLE_P,
                """
d = p.copy()
d[np.arange(N), y] -= 1
self.grad += out.grad * d
""",
            )
        ),
        "ce-gradient-not-divided-by-n",
        "softmax − onehot without /N (the sum's gradient)",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                _STABLE_P,
                """
d = p.copy()
d[np.arange(N), y] -= 1
self.grad += d / N                                     # right only as the last node
""",
            )
        ),
        "ce-upstream-ignored",
        "the fused gradient without out.grad",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                """
e = np.exp(z)
p = e / e.sum(axis=1, keepdims=True)
loss = -np.log(p[np.arange(N), y]).mean()
""",
                """
d = p.copy()
d[np.arange(N), y] -= 1
self.grad += out.grad * d / N
""",
            )
        ),
        "ce-max-not-subtracted",
        "the textbook softmax np.exp(z) / sum, no max subtracted",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                """
log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
loss = -log_p[np.arange(N), y].mean()
""",
                """
d = np.exp(log_p)
d[np.arange(N), y] -= 1
self.grad += out.grad * d / N
""",
            )
        ),
        "ce-max-not-subtracted-log-softmax",
        "log-softmax as z − log Σ exp z, without the max",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                """
e = np.exp(z - z.max(axis=1, keepdims=True))
p = e / e.sum(axis=1, keepdims=True)
loss = -np.log(p[np.arange(N), y]).mean()             # log of a probability that underflowed
""",
                """
d = p.copy()
d[np.arange(N), y] -= 1
self.grad += out.grad * d / N
""",
            )
        ),
        None,
        "max subtracted, but the log taken of the probability (exp(−1005) underflows to 0)",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                _STABLE_P,
                """
d = p.copy()
d[:, y] -= 1                                           # whole columns, not one entry per row
self.grad += out.grad * d / N
""",
            )
        ),
        None,
        "d[:, y] -= 1: fancy indexing of whole columns",
    ),
    Entry(
        CE,
        GRADS,
        engine(
            cross_entropy=_ce(
                _STABLE_P,
                """
self.grad += (p - np.eye(z.shape[1])[y]) / N          # the gradient of the loss alone
""",
            )
        ),
        "ce-upstream-ignored",
        "(p − np.eye(C)[y]) / N, copied from a standalone softmax-loss function",
    ),
]


# -- random_graphs ----------------------------------------------------------------------------------
def _derived(**methods: str) -> str:
    """The derived operations, the baseline's with some replaced (name → the def's code)."""
    base = {
        "neg": "def neg(self):\n    return self * -1.0",
        "sub": "def sub(self, other):\n    return self + (-other)",
        "rsub": "def rsub(self, other):\n    return (-self) + other",
        "radd": "def radd(self, other):\n    return self + other",
        "rmul": "def rmul(self, other):\n    return self * other",
        "truediv": "def truediv(self, other):\n    return self * Tensor.wrap(other) ** -1.0",
        "rtruediv": "def rtruediv(self, other):\n    return self**-1.0 * other",
    }
    base.update({k: textwrap.dedent(v).strip("\n") for k, v in methods.items()})
    attach = "\n".join(
        f"Tensor.__{k}__ = {k}"
        for k in ("neg", "sub", "rsub", "radd", "rmul", "truediv", "rtruediv")
    )
    return "\n\n".join(base.values()) + "\n\n" + attach + "\n"


RANDOM_GRAPHS = [
    Entry(RG, GRADS, ENGINE, CORRECT, "micrograd's derived ops: other + (−self), self**−1 · other"),
    Entry(
        RG,
        GRADS,
        engine(
            derived=_derived(
                neg="def neg(self):\n    return self * -1",
                sub="def sub(self, other):\n    return self + Tensor.wrap(other) * -1.0",
                rsub="def rsub(self, other):\n    return -(self - other)",
                truediv="def truediv(self, other):\n    return self * other**-1",
                rtruediv="def rtruediv(self, other):\n    return Tensor.wrap(other) / self",
            )
        ),
        CORRECT,
        "rsub as −(self − other), rtruediv through wrap(other) / self",
    ),
    Entry(
        RG,
        GRADS,
        engine(
            derived=_derived(
                rsub="def rsub(self, other):\n    return Tensor.wrap(other) - self",
                radd="def radd(self, other):\n    return Tensor.__add__(self, other)",
                rtruediv="def rtruediv(self, other):\n    return Tensor.wrap(other) * self**-1",
            )
        ),
        CORRECT,
        "reflected ops as wrap(other) on the left",
    ),
    Entry(
        RG,
        GRADS,
        engine(derived=_derived(rsub="def rsub(self, other):\n    return self - other")),
        "rsub-operands-swapped",
        "__rsub__ = self − other (copied from __sub__)",
    ),
    Entry(
        RG,
        GRADS,
        engine(derived=_derived(rtruediv="def rtruediv(self, other):\n    return self / other")),
        "rtruediv-operands-swapped",
        "__rtruediv__ = self / other (copied from __truediv__)",
    ),
    Entry(
        RG,
        GRADS,
        engine(
            derived=_derived(
                truediv="def truediv(self, other):\n    return self * (1.0 / other)",
                rtruediv="def rtruediv(self, other):\n    return Tensor.wrap(other) / self",
            )
        ),
        None,
        "truediv through 1.0 / other and rtruediv through / : endless recursion",
    ),
    Entry(
        RG,
        GRADS,
        engine(derived=_derived(neg="def neg(self):\n    return Tensor(-self.data)")),
        None,
        "neg as a new leaf Tensor(-self.data): cut off from the graph",
    ),
    Entry(
        RG,
        GRADS,
        engine(
            derived=_derived(
                rtruediv="def rtruediv(self, other):\n    return other * self**-1.0",
                rsub="def rsub(self, other):\n    return other + (-self)",
            )
        ),
        CORRECT,
        "the number on the left: other + (−self), other · self**−1 (needs __radd__, __rmul__)",
    ),
]

# -- mlp_module -------------------------------------------------------------------------------------
MLP_FB = "mlp_forward_backward"

MLP_MODULE = [
    Entry(ML, MLP_FB, ENGINE, CORRECT, "x @ W + b; relu after every layer but the last"),
    Entry(
        ML,
        MLP_FB,
        engine(
            linear_call="""
def __call__(self, x):
    return self.b + x @ self.W
""",
            mlp_call="""
def __call__(self, x):
    for layer in self.layers[:-1]:
        x = layer(x).relu()
    return self.layers[-1](x)
""",
        ),
        CORRECT,
        "b + x @ W; the hidden layers in a loop, the last one outside",
    ),
    Entry(
        ML,
        MLP_FB,
        engine(
            mlp_call="""
def __call__(self, x):
    n = len(self.layers)
    for i in range(n):
        x = self.layers[i](x)
        x = x.relu() if i != n - 1 else x
    return x
"""
        ),
        CORRECT,
        "index loop with a conditional expression",
    ),
    Entry(
        ML,
        MLP_FB,
        engine(
            mlp_call="""
def __call__(self, x):
    for layer in self.layers:
        x = layer(x).relu()
    return x
"""
        ),
        "relu-on-logits",
        "relu after every layer, the last included",
    ),
    Entry(
        ML,
        MLP_FB,
        engine(
            mlp_call="""
def __call__(self, x):
    for layer in self.layers:
        x = layer(x)
    return x
"""
        ),
        "no-hidden-activation",
        "layers chained without any activation",
    ),
    Entry(
        ML,
        MLP_FB,
        engine(
            linear_call="""
def __call__(self, x):
    return x @ self.W + self.b.data              # the bias added as a plain array
"""
        ),
        None,
        "the bias as an array: a constant leaf, its gradient never reaches b",
    ),
    Entry(
        ML,
        MLP_FB,
        engine(
            linear_call="""
def __call__(self, x):
    return (x @ self.W + self.b).relu()         # micrograd's Layer: nonlin on by default
"""
        ),
        "relu-on-logits",
        "the activation inside Linear, so the last layer has it too",
    ),
]

# -- optimizers -------------------------------------------------------------------------------------
RUN = "run_optimizer"

OPTIMIZERS = [
    Entry(OP, RUN, ENGINE, CORRECT, "torch's SGD and Adam, buffers updated in place"),
    Entry(
        OP,
        RUN,
        engine(
            zero_grad="""
def zero_grad(self):
    for p in self.params:
        p.grad = 0                                  # micrograd's zero_grad
""",
            sgd_step="""
def step(self):
    first = not getattr(self, "has_buffers", False)
    for i, p in enumerate(self.params):
        d_p = p.grad
        if self.weight_decay != 0:
            d_p = d_p + self.weight_decay * p.data
        if self.momentum != 0:
            if first:
                self.velocity[i] = np.array(d_p, dtype=float)   # torch: buf = clone(d_p)
            else:
                self.velocity[i] = self.momentum * self.velocity[i] + d_p
            d_p = self.velocity[i]
        p.data = p.data - self.lr * d_p
    self.has_buffers = True
""",
        ),
        CORRECT,
        "torch's SGD pseudocode (buffer = first gradient); micrograd's p.grad = 0",
    ),
    Entry(
        OP,
        RUN,
        engine(
            sgd_step="""
def step(self):
    for p, v in zip(self.params, self.velocity):
        g = p.grad + self.weight_decay * p.data
        v *= self.momentum
        v -= self.lr * g                            # CS231n: v = mu v - lr g; x += v
        p.data += v
"""
        ),
        CORRECT,
        "CS231n's velocity form v = μv − ηg, p += v (the same for a fixed lr)",
    ),
    Entry(
        OP,
        RUN,
        engine(
            zero_grad="""
def zero_grad(self):
    for p in self.params:
        p.grad *= 0.0
""",
            adam_step="""
def step(self):
    beta1, beta2 = self.betas
    self.t += 1
    for i, p in enumerate(self.params):
        g = p.grad
        self.m[i] = beta1 * self.m[i] + (1.0 - beta1) * g
        self.v[i] = beta2 * self.v[i] + (1.0 - beta2) * (g * g)
        m_hat = self.m[i] / (1.0 - beta1**self.t)    # Kingma & Ba, Algorithm 1
        v_hat = self.v[i] / (1.0 - beta2**self.t)
        p.data = p.data - self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
""",
        ),
        CORRECT,
        "Adam as the paper's Algorithm 1, buffers rebound in the list; grad *= 0",
    ),
    Entry(
        OP,
        RUN,
        engine(
            zero_grad="""
def zero_grad(self):
    pass                                            # "backward overwrites it anyway"
"""
        ),
        "zero-grad-forgotten",
        "zero_grad left empty",
    ),
    Entry(
        OP,
        RUN,
        engine(
            zero_grad="""
def zero_grad(self):
    for g in [p.grad for p in self.params]:
        g = np.zeros_like(g)                        # rebinds the loop variable only
"""
        ),
        "zero-grad-forgotten",
        "zero_grad rebinding a loop variable: nothing is reset",
    ),
    Entry(
        OP,
        RUN,
        engine(
            sgd_step="""
def step(self):
    for p, v in zip(self.params, self.velocity):
        g = p.grad + self.weight_decay * p.data
        v[...] = self.momentum * v + (1 - self.momentum) * g
        p.data -= self.lr * v
"""
        ),
        "sgd-momentum-dampened",
        "momentum as an exponential moving average of the gradients",
    ),
    Entry(
        OP,
        RUN,
        engine(
            adam_step="""
def step(self):
    b1, b2 = self.betas
    for p, m, v in zip(self.params, self.m, self.v):
        m[...] = b1 * m + (1 - b1) * p.grad
        v[...] = b2 * v + (1 - b2) * p.grad**2
        p.data -= self.lr * m / (np.sqrt(v) + self.eps)
"""
        ),
        "adam-no-bias-correction",
        "Adam without m̂, v̂",
    ),
    Entry(
        OP,
        RUN,
        engine(
            adam_step="""
def step(self):
    b1, b2 = self.betas
    self.t += 1
    for p, m, v in zip(self.params, self.m, self.v):
        m[...] = b1 * m + (1 - b1) * p.grad
        v[...] = b2 * v + (1 - b2) * p.grad**2
        m_hat, v_hat = m / (1 - b1**self.t), v / (1 - b2**self.t)
        p.data -= self.lr * m_hat / np.sqrt(v_hat + self.eps)
"""
        ),
        "adam-eps-inside-sqrt",
        "ε inside the square root",
    ),
    Entry(
        OP,
        RUN,
        engine(
            sgd_step="""
def step(self):
    for p, v in zip(self.params, self.velocity):
        g = p.grad + self.weight_decay * p.data
        v = self.momentum * v + g                   # a new array: the buffer never changes
        p.data -= self.lr * v
"""
        ),
        "sgd-velocity-not-kept",
        "v = μv + g rebinding the name: the velocity buffer stays zero",
    ),
    Entry(
        OP,
        RUN,
        engine(
            adam_step="""
def step(self):
    b1, b2 = self.betas
    self.t += 1
    for p, m, v in zip(self.params, self.m, self.v):
        m[...] = b1 * m + (1 - b1) * p.grad
        v[...] = b2 * v + (1 - b2) * p.grad**2
        step_size = self.lr * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        p.data -= step_size * m / (np.sqrt(v) + self.eps)   # the paper's "efficient" order
"""
        ),
        None,
        "Kingma & Ba's reordered step size: ε added to √v, not to √v̂",
    ),
    Entry(
        OP,
        RUN,
        engine(
            adam_step="""
def step(self):
    b1, b2 = self.betas
    for p, m, v in zip(self.params, self.m, self.v):
        self.t += 1                                 # counted per parameter
        m[...] = b1 * m + (1 - b1) * p.grad
        v[...] = b2 * v + (1 - b2) * p.grad**2
        m_hat, v_hat = m / (1 - b1**self.t), v / (1 - b2**self.t)
        p.data -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
"""
        ),
        None,
        "Adam's step counter incremented inside the loop over parameters",
    ),
    Entry(
        OP,
        RUN,
        engine(
            sgd_step="""
def step(self):
    for p in self.params:
        p.data -= self.lr * (p.grad + self.weight_decay * p.data)   # momentum left for later
"""
        ),
        "sgd-velocity-not-kept",
        "SGD with weight decay but the momentum never implemented",
    ),
]

# -- train_digits -----------------------------------------------------------------------------------
TRAIN = "train_digits"


def _train(body: str) -> str:
    return engine(
        train="def train_digits(params, X_train, y_train, X_test, y_test, lr, epochs, batch_size):\n"
        + textwrap.indent(textwrap.dedent(body).strip("\n"), "    ")
        + "\n"
    )


TRAIN_DIGITS = [
    Entry(TD, TRAIN, ENGINE, CORRECT, "the notebook's loop"),
    Entry(
        TD,
        TRAIN,
        _train(
            """
layers = [Linear(p["W"], p["b"]) for p in params]
model = MLP(layers)
opt = Adam([t for layer in layers for t in (layer.W, layer.b)], lr)
N = X_train.shape[0]
losses = []
for epoch in range(epochs):
    start = 0
    while start < N:
        stop = min(start + batch_size, N)
        logits = model(Tensor(X_train[start:stop]))
        loss = logits.cross_entropy(y_train[start:stop])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.data.item())
        start = stop
scores = model(Tensor(X_test)).data
accuracy = (np.argmax(scores, axis=1) == y_test).mean()
return losses, float(accuracy)
"""
        ),
        CORRECT,
        "a while loop over batch starts; zero_grad after the forward pass",
    ),
    Entry(
        TD,
        TRAIN,
        _train(
            """
model = MLP([Linear(p["W"], p["b"]) for p in params])
opt = Adam(model.parameters(), lr=lr)
batches = [(X_train[i:i + batch_size], y_train[i:i + batch_size])
           for i in range(0, len(X_train), batch_size)]
losses = []
for _ in range(epochs):
    for xb, yb in batches:
        opt.zero_grad()
        loss = model(Tensor(xb)).cross_entropy(yb)
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
correct = sum(int(np.argmax(row) == label)
              for row, label in zip(model(Tensor(X_test)).data, y_test))
return losses, correct / len(y_test)
"""
        ),
        CORRECT,
        "minibatches listed once; accuracy counted in a loop",
    ),
    Entry(
        TD,
        TRAIN,
        _train(
            """
model = MLP([Linear(p["W"], p["b"]) for p in params])
opt = Adam(model.parameters(), lr=lr)
losses = []
for _ in range(epochs):
    for i in range(0, len(X_train), batch_size):
        loss = model(Tensor(X_train[i:i + batch_size])).cross_entropy(y_train[i:i + batch_size])
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
pred = model(Tensor(X_test)).data.argmax(axis=1)
return losses, float((pred == y_test).mean())
"""
        ),
        "zero-grad-forgotten",
        "no zero_grad in the loop",
    ),
    Entry(
        TD,
        TRAIN,
        _train(
            """
model = MLP([Linear(p["W"], p["b"]) for p in params])
opt = Adam(model.parameters(), lr=lr)
losses = []
for _ in range(epochs):
    for b in range(len(X_train) // batch_size):
        xb = X_train[b * batch_size:(b + 1) * batch_size]
        yb = y_train[b * batch_size:(b + 1) * batch_size]
        opt.zero_grad()
        loss = model(Tensor(xb)).cross_entropy(yb)
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
pred = model(Tensor(X_test)).data.argmax(axis=1)
return losses, float((pred == y_test).mean())
"""
        ),
        "last-batch-dropped",
        "range(N // batch_size): the smaller last minibatch skipped",
    ),
    Entry(
        TD,
        TRAIN,
        _train(
            """
model = MLP([Linear(p["W"], p["b"]) for p in params])
opt = Adam(model.parameters(), lr=lr)
losses = []
for _ in range(epochs):
    for i in range(0, len(X_train), batch_size):
        opt.zero_grad()
        loss = model(Tensor(X_train[i:i + batch_size])).cross_entropy(y_train[i:i + batch_size])
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
pred = model(Tensor(X_train)).data.argmax(axis=1)
return losses, float((pred == y_train).mean())
"""
        ),
        "accuracy-on-training-set",
        "accuracy measured on the training data",
    ),
    Entry(
        TD,
        TRAIN,
        _train(
            """
model = MLP([Linear(p["W"], p["b"]) for p in params])
losses = []
for _ in range(epochs):
    opt = Adam(model.parameters(), lr=lr)           # a fresh optimizer every epoch
    for i in range(0, len(X_train), batch_size):
        opt.zero_grad()
        loss = model(Tensor(X_train[i:i + batch_size])).cross_entropy(y_train[i:i + batch_size])
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
pred = model(Tensor(X_test)).data.argmax(axis=1)
return losses, float((pred == y_test).mean())
"""
        ),
        None,
        "Adam made anew each epoch: its moments and step count reset",
    ),
    Entry(
        TD,
        TRAIN,
        _train(
            """
model = MLP([Linear(p["W"], p["b"]) for p in params])
opt = Adam(model.parameters(), lr=lr)
losses = []
for _ in range(epochs):
    for i in range(0, len(X_train) - batch_size + 1, batch_size):   # full batches only
        opt.zero_grad()
        loss = model(Tensor(X_train[i:i + batch_size])).cross_entropy(y_train[i:i + batch_size])
        loss.backward()
        opt.step()
        losses.append(float(loss.data))
pred = model(Tensor(X_test)).data.argmax(axis=1)
return losses, float((pred == y_test).mean())
"""
        ),
        "last-batch-dropped",
        "range(0, N − batch_size + 1, batch_size): full minibatches only",
    ),
]

ENTRIES: list[Entry] = [
    *TENSOR_BACKWARD,
    *BROADCAST_GRADIENTS,
    *TENSOR_OPS,
    *ACTIVATIONS_REDUCTIONS,
    *SOFTMAX_CROSS_ENTROPY,
    *RANDOM_GRAPHS,
    *MLP_MODULE,
    *OPTIMIZERS,
    *TRAIN_DIGITS,
]
