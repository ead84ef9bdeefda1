""" "Not allowed here": find what an exercise forbids in a student's solution.

The rule reads the solution's bytecode, not its text: it sees ``np.dot`` however the module was
imported (``import numpy as np``, ``from numpy import dot``), a method call like ``u.dot(v)``,
the ``@`` operator, and what the functions of the student's own notebook that the solution
calls use in turn. It names the call and the line, in the student's cell where IPython keeps
the cell's text. (Code that builds a name from strings at run time is not seen: the rule
keeps honest solutions honest; grading does not depend on it alone.)
"""

from __future__ import annotations

import builtins
import dis
import functools
import linecache
import sys
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .student_code import is_notebook_cell


@dataclass(frozen=True)
class Forbidden:
    """Something an exercise does not allow, as the student would write it (``np.dot``).

    ``objects`` are dotted paths of the functions (``numpy.dot``), ``methods`` the array
    methods that do the same (``dot``), ``operators`` the binary operators (``@``) and
    ``modules`` whole packages (``torch``). ``loops`` forbids Python loops (``for``,
    ``while``, comprehensions) in the solution's own function: the functions of the notebook
    it calls (a shape helper) may loop.
    """

    name: str
    objects: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    loops: bool = False
    why: str = ""


@dataclass(frozen=True)
class ForbiddenUse:
    rule: Forbidden
    what: str  # what the student wrote, as far as the bytecode tells ("np.dot", "@")
    where: str  # "line 4 of your cell: total = np.dot(u, v)"

    @property
    def message(self) -> str:
        why = f" {self.rule.why}" if self.rule.why else ""
        return f"{self.rule.name} is not allowed here: you used {self.what} ({self.where}).{why}"


TORCH = Forbidden(
    "torch",
    modules=("torch",),
    why="Solve the exercise in NumPy: torch is what the check compares you with.",
)
COURSE_MODULES = Forbidden(
    "the course's own modules",
    modules=("mlmath_lab",),
    why="The check library holds the references; a solution may not call into it.",
)
DEFAULT_FORBIDDEN = (TORCH, COURSE_MODULES)

NP_DOT = Forbidden(
    "np.dot",
    objects=("numpy.dot", "numpy.vdot", "numpy.inner", "numpy.matmul", "numpy.einsum"),
    methods=("dot",),
    operators=("@", "@="),
    why="Write the loop: the point is to see the sum of products.",
)
MATMUL = Forbidden(
    "@ / np.matmul",
    objects=(
        "numpy.matmul",
        "numpy.dot",
        "numpy.vdot",
        "numpy.inner",
        "numpy.einsum",
        "numpy.tensordot",
    ),
    methods=("dot",),
    operators=("@", "@="),
    why="Write the three loops: the point is to see which index is summed.",
)
QR = Forbidden("np.linalg.qr", objects=("numpy.linalg.qr",), why="Build Q and R yourself.")
LOOPS = Forbidden(
    "A Python loop",
    loops=True,
    why="Vectorise it: let broadcasting and NumPy's reductions do the looping.",
)
INV = Forbidden(
    "np.linalg.inv",
    objects=("numpy.linalg.inv", "numpy.linalg.pinv"),
    why="An explicit inverse is slower and less accurate than solving the system.",
)


class RemoteFunction:
    """A student's function that lives in another process (``mlmath-lab autograde`` runs it in
    a sandboxed child, while the grader decides): its bytecode is read where it lives."""

    def forbidden_uses(self, rules: Sequence[Forbidden]) -> list[ForbiddenUse]:
        raise NotImplementedError

    def call_cases(self, cases: Sequence[Any]) -> list[tuple[Any, tuple[Any, Any]]]:
        """Per case (a ``checker.Case``): what the call returned (or a ``Raised``), and its
        arguments as the function left them (``(args, kwargs)``)."""
        raise NotImplementedError


def find_forbidden(fn: Any, rules: Sequence[Forbidden]) -> list[ForbiddenUse]:
    """Every use of something in ``rules`` by ``fn`` and the notebook functions it calls."""
    if not rules:
        return []
    if isinstance(fn, RemoteFunction):
        return fn.forbidden_uses(rules)
    targets = _resolve_targets(rules)
    found: list[ForbiddenUse] = list(_passed_as_is(fn, rules, targets))
    seen: set[tuple[str, str]] = set()
    for code, namespace, own in _code_to_scan(fn):
        uses = list(_scan(code, namespace, rules, targets))
        if own:
            uses += _loops(code, rules)
        for use in uses:
            key = (use.rule.name, use.where)
            if key not in seen:
                seen.add(key)
                found.append(use)
    return found


def _passed_as_is(
    fn: Any, rules: Sequence[Forbidden], targets: dict[int, tuple[Forbidden, str]]
) -> Iterator[ForbiddenUse]:
    """A forbidden function given as the solution itself (``dot_loop = np.dot``, or a
    ``functools.partial`` of it): there is no code of the student's to scan."""
    obj = fn.func if isinstance(fn, functools.partial) else fn
    where = "the function checked is itself that call"
    hit = targets.get(id(obj))
    if hit is not None:
        yield ForbiddenUse(hit[0], hit[1], where)
        return
    module = _module_name(obj) if not isinstance(obj, types.FunctionType) else None
    if module:
        for rule in rules:
            if any(module == m or module.startswith(f"{m}.") for m in rule.modules):
                yield ForbiddenUse(rule, f"{module}.{getattr(obj, '__name__', '')}", where)


def _resolve_targets(rules: Sequence[Forbidden]) -> dict[int, tuple[Forbidden, str]]:
    """The forbidden objects that exist in this process, by identity."""
    targets: dict[int, tuple[Forbidden, str]] = {}
    for rule in rules:
        for path in rule.objects:
            module_name, _, attr = path.rpartition(".")
            module = sys.modules.get(module_name)
            obj = getattr(module, attr, None) if module is not None else None
            if obj is not None:
                targets.setdefault(id(obj), (rule, path))
    return targets


def _code_to_scan(fn: Any) -> Iterator[tuple[types.CodeType, dict[str, Any], bool]]:
    """The code of ``fn`` (a function, a class's methods, a callable object's ``__call__``)
    and of every function of the same notebook or module that it names, transitively; the
    flag says whether the code is the solution's own (not a function it calls)."""
    home = getattr(fn, "__module__", None)
    pending = [(func, True) for func in _functions_of(fn)]
    visited: set[int] = set()
    while pending:
        func, own = pending.pop()
        if id(func.__code__) in visited:
            continue
        visited.add(id(func.__code__))
        namespace = func.__globals__
        for code in _nested(func.__code__):
            yield code, namespace, own
            for name in code.co_names:
                value = namespace.get(name)
                if value is None:
                    continue
                for callee in _functions_of(value):
                    if callee.__module__ == home:
                        pending.append((callee, False))


def _functions_of(value: Any) -> list[types.FunctionType]:
    if isinstance(value, functools.partial):
        value = value.func
    if isinstance(value, types.MethodType):
        value = value.__func__
    if isinstance(value, types.FunctionType):
        return [value]
    cls = value if isinstance(value, type) else None
    if cls is None and callable(value) and not isinstance(value, types.BuiltinFunctionType):
        cls = type(value)
    if cls is None or cls.__module__ in ("builtins",) or _is_library(cls.__module__):
        return []
    functions = []
    for klass in cls.__mro__:
        if klass.__module__ != cls.__module__:
            continue
        for attr in vars(klass).values():
            if isinstance(attr, staticmethod | classmethod):
                attr = attr.__func__
            if isinstance(attr, property):
                attr = attr.fget
            if isinstance(attr, types.FunctionType):
                functions.append(attr)
    return functions


def _is_library(module: str | None) -> bool:
    if not module:
        return False
    top = module.split(".")[0]
    return top in sys.stdlib_module_names or top in ("numpy", "torch", "mlmath_lab")


def _nested(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _nested(const)


def _scan(
    code: types.CodeType,
    namespace: dict[str, Any],
    rules: Sequence[Forbidden],
    targets: dict[int, tuple[Forbidden, str]],
) -> Iterator[ForbiddenUse]:
    chain: list[str] = []
    obj: Any = None
    for ins in dis.get_instructions(code):
        line = ins.positions.lineno if ins.positions else None
        if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"):
            chain = [str(ins.argval)]
            obj = namespace.get(ins.argval, getattr(builtins, str(ins.argval), None))
        elif ins.opname == "IMPORT_NAME":
            chain = [str(ins.argval)]
            obj = sys.modules.get(str(ins.argval))
            if obj is None:  # a module not imported yet is still named by its name
                yield from _module_use(str(ins.argval), str(ins.argval), rules, code, line)
                continue
        elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD", "IMPORT_FROM"):
            attr = str(ins.argval)
            if obj is None and chain == []:
                for rule in rules:
                    if attr in rule.methods:
                        yield ForbiddenUse(rule, f".{attr}(...)", _where(code, line))
                continue
            chain = [*chain, attr]
            obj = getattr(obj, attr, None) if obj is not None else None
            if obj is None:
                for rule in rules:
                    if attr in rule.methods:
                        yield ForbiddenUse(rule, ".".join(chain), _where(code, line))
        elif ins.opname in ("BINARY_OP", "BINARY_MATRIX_MULTIPLY", "INPLACE_MATRIX_MULTIPLY"):
            symbol = ins.argrepr or ("@" if "MATRIX" in ins.opname else "")
            for rule in rules:
                if symbol in rule.operators:
                    yield ForbiddenUse(rule, f"the {symbol} operator", _where(code, line))
            chain, obj = [], None
            continue
        else:
            chain, obj = [], None
            continue
        if obj is None:
            continue
        hit = targets.get(id(obj))
        if hit is not None:
            yield ForbiddenUse(hit[0], ".".join(chain), _where(code, line))
            continue
        module = _module_name(obj)
        if module:
            yield from _module_use(module, ".".join(chain), rules, code, line)


_LOOP_OPCODES = ("FOR_ITER", "JUMP_BACKWARD", "JUMP_BACKWARD_NO_INTERRUPT")


def _loops(code: types.CodeType, rules: Sequence[Forbidden]) -> list[ForbiddenUse]:
    """The first loop of ``code`` (a ``for``, a ``while`` or a comprehension), if a rule
    forbids loops."""
    banning = [rule for rule in rules if rule.loops]
    if not banning:
        return []
    for ins in dis.get_instructions(code):
        if ins.opname in _LOOP_OPCODES or ins.opname.startswith("POP_JUMP_BACKWARD"):
            line = ins.positions.lineno if ins.positions else None
            what = "a comprehension" if code.co_name.startswith("<") else "a loop"
            return [ForbiddenUse(rule, what, _where(code, line)) for rule in banning]
    return []


def _module_name(obj: Any) -> str | None:
    if isinstance(obj, types.ModuleType):
        return obj.__name__
    module = getattr(obj, "__module__", None)
    return module if isinstance(module, str) else None


def _module_use(
    module: str, written: str, rules: Sequence[Forbidden], code: types.CodeType, line: int | None
) -> Iterator[ForbiddenUse]:
    for rule in rules:
        if any(module == m or module.startswith(f"{m}.") for m in rule.modules):
            yield ForbiddenUse(rule, written, _where(code, line))


def _where(code: types.CodeType, line: int | None) -> str:
    if line is None:
        return f"in {code.co_name}"
    place = "your cell" if is_notebook_cell(code.co_filename) else Path(code.co_filename).name
    text = linecache.getline(code.co_filename, line).strip()
    return (
        f"line {line} of {place}: {text}" if text else f"line {line} of {place}, in {code.co_name}"
    )
