"""What several of 12-autograd-engine's checkers share.

A *program* is plain data: a list of instructions ``(name, op, *args)``, where each argument
is the name of an input or of an earlier instruction (a string) or a constant (a number, an
axis, a ``keepdims`` flag, a list of class labels). The last instruction is the output; its
gradient is seeded with ones, as ``out.backward(torch.ones_like(out))`` does. The checked
function returns ``(output, {input name: gradient})``.

``program_reference`` runs a program with torch autograd (float64). ``run_manual`` runs it with
a small reverse-mode interpreter whose local gradients come from torch autograd op by op, so
that a known mistake can change one thing: assignment instead of accumulation, the order in
which nodes are visited, the reduction over broadcast axes, or one operation's local rule.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...checks.references import float64_tensor, one_torch_thread
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from . import ASSIGNMENT

A = ASSIGNMENT

# -- what the exercises' "Not allowed here" lines name (torch is always forbidden) ----------------
AUTOGRAD_LIBRARIES = Forbidden(
    "an autograd library",
    modules=("jax", "autograd", "tensorflow", "mygrad", "micrograd"),
    why="The engine is yours: NumPy computes the values, your Tensor the gradients.",
)
NOT_ALLOWED = [AUTOGRAD_LIBRARIES]

Program = Sequence[Sequence[Any]]
Grads = dict[str, np.ndarray]
Outcome = tuple[np.ndarray, Grads]


def _t(x: Any) -> Any:
    """A float64 torch tensor holding a copy of ``x``."""
    return float64_tensor(x)


def _np(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), dtype=np.float64)


def _axis(axis: Any, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, list | tuple):
        return tuple(int(a) for a in axis)
    return (int(axis),)


def torch_forward(op: str, args: Sequence[Any]) -> Any:
    """One instruction in torch; tensors among ``args`` are operands, the rest constants."""
    torch = _torch()
    if op == "add":
        return args[0] + args[1]
    if op == "sub":
        return args[0] - args[1]
    if op == "mul":
        return args[0] * args[1]
    if op == "div":
        return args[0] / args[1]
    if op == "neg":
        return -args[0]
    if op == "matmul":
        return args[0] @ args[1]
    if op == "pow":
        return args[0] ** float(args[1])
    if op == "exp":
        return torch.exp(args[0])
    if op == "log":
        return torch.log(args[0])
    if op == "relu":
        return torch.relu(args[0])
    if op == "tanh":
        return torch.tanh(args[0])
    if op in ("sum", "mean"):
        x = args[0]
        axis = args[1] if len(args) > 1 else None
        keepdims = bool(args[2]) if len(args) > 2 else False
        dims = _axis(axis, x.ndim)
        if x.ndim == 0:
            return x.clone()
        reduce = torch.sum if op == "sum" else torch.mean
        return reduce(x, dim=dims, keepdim=keepdims)
    if op == "cross_entropy":
        targets = torch.tensor(np.asarray(args[1], dtype=np.int64))
        return torch.nn.functional.cross_entropy(args[0], targets)
    raise ValueError(f"unknown op {op!r}")


def program_reference(program: Program, inputs: Mapping[str, Any]) -> Outcome:
    """The program's output and every input's gradient, by torch autograd (float64)."""
    torch = _torch()
    with one_torch_thread():
        leaves = {name: _t(v).requires_grad_() for name, v in inputs.items()}
        env: dict[str, Any] = dict(leaves)
        for name, op, *args in program:
            env[name] = torch_forward(op, [env[a] if isinstance(a, str) else a for a in args])
        out = env[program[-1][0]]
        grads = torch.autograd.grad(
            out, list(leaves.values()), torch.ones_like(out), allow_unused=True
        )
    return _np(out), {
        name: _np(g) if g is not None else np.zeros(np.shape(inputs[name]))
        for name, g in zip(leaves, grads, strict=True)
    }


def rewrite(program: Program, change: Callable[[Sequence[Any]], Sequence[Any]]) -> list[tuple]:
    """The program with each instruction passed through ``change``."""
    return [tuple(change(step)) for step in program]


# -- the reverse-mode interpreter behind the graph-level mistakes ----------------------------------
class _Node:
    __slots__ = ("args", "grad", "op", "parents", "value")

    def __init__(self, value: np.ndarray, op: str | None = None, args: Sequence[Any] = ()) -> None:
        self.value = value
        self.grad = np.zeros_like(value)
        self.op = op
        self.args = list(args)
        self.parents = [a for a in args if isinstance(a, _Node)]


# A local rule: (node, upstream gradient) -> one contribution per parent, in order.
LocalRule = Callable[[_Node, np.ndarray], list[np.ndarray]]
ForwardRule = Callable[[Sequence[Any]], np.ndarray]

BROADCASTING = ("add", "sub", "mul", "div")


def _torch_local(node: _Node, g: np.ndarray, reduce_mode: str) -> list[np.ndarray]:
    """torch's vector-Jacobian product of one instruction; with ``reduce_mode`` other than
    "sum", the operands are broadcast first and the gradient is reduced the given wrong way."""
    torch = _torch()
    shape = node.value.shape
    leaves, built = [], []
    for a in node.args:
        if isinstance(a, _Node):
            v = a.value
            if reduce_mode != "sum" and node.op in BROADCASTING:
                v = np.broadcast_to(v, shape)
            leaf = _t(v).requires_grad_()
            leaves.append(leaf)
            built.append(leaf)
        else:
            built.append(a)
    out = torch_forward(str(node.op), built)
    grads = torch.autograd.grad(out, leaves, _t(g), allow_unused=True)
    found = [
        _np(gr) if gr is not None else np.zeros(tuple(leaf.shape))
        for gr, leaf in zip(grads, leaves, strict=True)
    ]
    if reduce_mode == "sum" or node.op not in BROADCASTING:
        return found
    return [
        _reduce_wrongly(c, p.value.shape, reduce_mode)
        for c, p in zip(found, node.parents, strict=True)
    ]


def _reduce_wrongly(g: np.ndarray, shape: tuple[int, ...], mode: str) -> np.ndarray:
    if mode == "none":
        return g
    extra = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(extra))) if extra > 0 else g
    if mode == "leading-only":
        return g
    # size-1-axes-dropped: summed, but without keepdims
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    return g.sum(axis=ones) if ones else g


def run_manual(
    program: Program,
    inputs: Mapping[str, Any],
    *,
    assign: bool = False,
    order: str = "topo",
    reduce_mode: str = "sum",
    local: Mapping[str, LocalRule] | None = None,
    forward: Mapping[str, ForwardRule] | None = None,
) -> Outcome:
    """The program, differentiated by reverse mode with one thing done a known way.

    ``assign`` overwrites a node's gradient instead of adding to it; ``order="dfs-repeat"``
    walks the graph depth first from the output, running a node's backward step every time
    it is reached (no topological order); ``order="topo-forward"`` runs the topological order
    as built, leaves first (not reversed); ``reduce_mode`` is how a broadcast operand's
    gradient is brought back to its shape; ``local`` replaces some operations' local rules
    and ``forward`` some operations' values (torch's otherwise).
    """
    local = local or {}
    forward = forward or {}
    with one_torch_thread(), np.errstate(all="ignore"):
        leaves = {name: _Node(np.array(v, dtype=np.float64)) for name, v in inputs.items()}
        env: dict[str, Any] = dict(leaves)
        for name, op, *args in program:
            operands = [env[a] if isinstance(a, str) else a for a in args]
            if op in BROADCASTING:  # a number becomes a constant leaf, as Tensor.wrap does
                operands = [
                    a if isinstance(a, _Node) else _Node(np.array(a, dtype=np.float64))
                    for a in operands
                ]
            if op in forward:
                value = forward[op](operands)
            else:
                built = [_t(a.value) if isinstance(a, _Node) else a for a in operands]
                value = _np(torch_forward(op, built))
            env[name] = _Node(np.asarray(value, dtype=np.float64), op, operands)
        out: _Node = env[program[-1][0]]

        def step(node: _Node) -> None:
            if node.op is None:
                return
            rule = local.get(node.op)
            parts = rule(node, node.grad) if rule else _torch_local(node, node.grad, reduce_mode)
            for parent, part in zip(node.parents, parts, strict=True):
                if assign:
                    parent.grad = np.array(part, dtype=np.float64)
                else:
                    parent.grad += part  # numpy's in-place add: a wrong shape raises

        out.grad = np.ones_like(out.value)
        if order in ("topo", "topo-forward"):
            topo: list[_Node] = []
            seen: set[int] = set()

            def build(v: _Node) -> None:
                if id(v) in seen:
                    return
                seen.add(id(v))
                for p in v.parents:
                    build(p)
                topo.append(v)

            build(out)
            for node in topo if order == "topo-forward" else reversed(topo):
                step(node)
        else:

            def visit(v: _Node) -> None:
                step(v)
                for p in v.parents:
                    visit(p)

            visit(out)
    return out.value.copy(), {name: leaf.grad.copy() for name, leaf in leaves.items()}


def manual_mistake(**options: Any) -> Callable[[Program, Mapping[str, Any]], Outcome]:
    """A known mistake as a student's ``grads_of_program``."""

    def wrong(program: Program, inputs: Mapping[str, Any]) -> Outcome:
        return run_manual(program, inputs, **options)

    return wrong


def operand_values(node: _Node) -> list[np.ndarray]:
    return [p.value for p in node.parents]


def constants(node: _Node) -> list[Any]:
    return [a for a in node.args if not isinstance(a, _Node)]


# -- inputs ----------------------------------------------------------------------------------------
def normal(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.normal(size=shape)


def positive(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.uniform(0.5, 2.0, size=shape)
