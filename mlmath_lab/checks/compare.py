"""Compare a student's output with the expected one: type and shape first, then dtype, then values.

Why not ``np.allclose``: it broadcasts, so a (3,) answer "equals" a (3, 1) reference, and it says
nothing about *where* or *by how much* two arrays differ. Every function here returns ``None``
when the outputs agree and a :class:`Mismatch` whose message reads "yours ... vs expected ..."
otherwise.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

MismatchKind = Literal["type", "length", "shape", "dtype", "nonfinite", "value", "error"]

# (rtol, atol) by the *less* precise of the two dtypes being compared.
_FLOAT_TOLERANCES: dict[int, tuple[float, float]] = {
    2: (1e-3, 1e-3),  # float16 / bfloat16
    4: (1e-5, 1e-6),  # float32
    8: (1e-7, 1e-9),  # float64
}


class Mismatch:
    """Why two outputs disagree, in words a student can act on.

    ``got`` and ``expected`` summarise the two values; either may be given as a function that
    makes the summary when it is first read: most mismatches are never shown (a proof compares
    every known mistake with every other), and formatting arrays costs more than comparing.
    """

    __slots__ = ("_expected", "_got", "kind", "message")

    def __init__(
        self,
        kind: MismatchKind,
        message: str,
        got: str | Callable[[], str] = "",
        expected: str | Callable[[], str] = "",
    ) -> None:
        self.kind = kind
        self.message = message
        self._got = got
        self._expected = expected

    @property
    def got(self) -> str:
        if callable(self._got):
            self._got = self._got()
        return self._got

    @property
    def expected(self) -> str:
        if callable(self._expected):
            self._expected = self._expected()
        return self._expected

    def at(self, where: str) -> Mismatch:
        """The same mismatch, located inside a larger output (``output[1]``, ``'loss'``)."""
        return Mismatch(self.kind, f"{where}: {self.message}", self._got, self._expected)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mismatch):
            return NotImplemented
        return (self.kind, self.message, self.got, self.expected) == (
            other.kind,
            other.message,
            other.got,
            other.expected,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Mismatch({self.kind!r}, {self.message!r}, {self.got!r}, {self.expected!r})"


def is_tensor(value: Any) -> bool:
    """True for a torch tensor, without importing torch when it is not loaded yet."""
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def as_array(value: Any) -> np.ndarray:
    """A numpy view of an array-like (numpy array, torch tensor, number, nested list)."""
    if is_tensor(value):
        value = value.detach().cpu()
        if str(value.dtype) == "torch.bfloat16":
            value = value.float()
        return np.asarray(value.numpy())
    return np.asarray(value)


def tolerances(*dtypes: np.dtype) -> tuple[float, float]:
    """Relative and absolute tolerance fitting the least precise floating dtype given."""
    # dtype kinds, not np.issubdtype (the same answer, a proof asks it ~10^5 times)
    sizes = [dt.itemsize for dt in dtypes if dt.kind == "f"]
    sizes += [dt.itemsize // 2 for dt in dtypes if dt.kind == "c"]
    if not sizes:
        return (0.0, 0.0)
    return _FLOAT_TOLERANCES.get(min(sizes), _FLOAT_TOLERANCES[8])


def summarize(value: Any, max_items: int = 6) -> str:
    """A short description of a value: its type, shape and dtype, and a few of its numbers."""
    if value is None:
        return "None"
    if isinstance(value, np.number | np.bool_):
        return f"{_number(value)} ({value.dtype})"
    if isinstance(value, bool | numbers.Number | str):
        return repr(value)
    if isinstance(value, tuple) and all(isinstance(v, numbers.Integral) for v in value):
        return repr(tuple(int(v) for v in value))
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {summarize(v, 3)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple) and not _is_numeric_sequence(value):
        inner = ", ".join(summarize(v, 3) for v in value[:4])
        more = ", ..." if len(value) > 4 else ""
        return f"{type(value).__name__} of {len(value)}: ({inner}{more})"
    try:
        arr = as_array(value)
    except Exception:
        return f"{type(value).__name__} object"
    if arr.dtype == object:
        return f"{type(value).__name__} object"
    kind = "tensor" if is_tensor(value) else "array"
    if arr.ndim == 0:
        return f"{_number(arr)} ({arr.dtype})"
    flat = arr.ravel()
    shown = np.array2string(flat[:max_items], precision=4, separator=", ", threshold=max_items)
    if flat.size > max_items:
        shown = shown[:-1] + ", ...]"
    return f"{kind} shape {tuple(arr.shape)} {arr.dtype}: {shown}"


def _is_numeric_sequence(value: Sequence[Any]) -> bool:
    return all(isinstance(v, numbers.Number) for v in value) or all(
        isinstance(v, list | tuple) and _is_numeric_sequence(v) for v in value
    )


def _is_array_like(value: Any) -> bool:
    return isinstance(value, np.ndarray | np.generic) or is_tensor(value)


def _is_scalar(value: Any) -> bool:
    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        return True
    return _is_array_like(value) and as_array(value).ndim == 0


def compare(
    got: Any,
    expected: Any,
    *,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
) -> Mismatch | None:
    """Compare ``got`` with ``expected``; ``None`` when they agree.

    Structure is compared recursively (tuples, lists, dicts), then for each leaf: the kind of
    value, the shape (no broadcasting), the dtype family (an integer array where floats are
    expected is a mistake in itself), non-finite values, and finally the values with tolerances
    chosen from the dtypes unless ``rtol``/``atol`` are given. Non-finite values must match
    exactly (position, nan for nan, the sign of inf). ``check_dtype=False`` compares an integer
    result with float values by value (used to recognise a mistake, never to grade).
    """
    if isinstance(expected, Mapping):
        return _compare_mapping(got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if isinstance(expected, tuple | list) and not _is_numeric_sequence(expected):
        return _compare_sequence(got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)
    if isinstance(expected, tuple) and all(isinstance(v, numbers.Integral) for v in expected):
        return _compare_shape_tuple(got, expected)
    if isinstance(expected, bool | str) or expected is None:
        if isinstance(expected, bool) and isinstance(got, bool | np.bool_):
            got = bool(got)  # numpy's True is the same answer as Python's
        if got == expected and type(got) is type(expected):
            return None
        return Mismatch(
            "value",
            f"yours {summarize(got)} vs expected {summarize(expected)}",
            summarize(got),
            summarize(expected),
        )
    return _compare_arrays(got, expected, rtol=rtol, atol=atol, check_dtype=check_dtype)


def _compare_mapping(got: Any, expected: Mapping[Any, Any], **tol: Any) -> Mismatch | None:
    if not isinstance(got, Mapping):
        return Mismatch(
            "type",
            f"expected a dict with keys {sorted(map(str, expected))}, yours is {summarize(got)}",
            summarize(got),
            summarize(expected),
        )
    missing = [k for k in expected if k not in got]
    if missing:
        return Mismatch(
            "length", f"your dict lacks the key(s) {missing}", summarize(got), summarize(expected)
        )
    for key, value in expected.items():
        found = compare(got[key], value, **tol)
        if found:
            return found.at(f"[{key!r}]")
    return None


def _compare_sequence(got: Any, expected: Sequence[Any], **tol: Any) -> Mismatch | None:
    if not isinstance(got, tuple | list):
        return Mismatch(
            "type",
            f"expected a {type(expected).__name__} of {len(expected)} "
            f"values, yours is {summarize(got)}",
            summarize(got),
            summarize(expected),
        )
    if len(got) != len(expected):
        return Mismatch(
            "length",
            f"expected {len(expected)} values, yours has {len(got)}",
            summarize(got),
            summarize(expected),
        )
    for index, (mine, theirs) in enumerate(zip(got, expected, strict=True)):
        found = compare(mine, theirs, **tol)
        if found:
            return found.at(f"output[{index}]")
    return None


def _compare_shape_tuple(got: Any, expected: tuple[int, ...]) -> Mismatch | None:
    if isinstance(got, list):
        got = tuple(got)
    if not isinstance(got, tuple) or not all(isinstance(v, numbers.Integral) for v in got):
        return Mismatch(
            "type",
            f"expected a tuple of ints like {expected!r}, yours is {summarize(got)}",
            summarize(got),
            repr(expected),
        )
    if tuple(int(v) for v in got) != expected:
        return Mismatch(
            "value",
            f"yours {tuple(int(v) for v in got)!r} vs expected {expected!r}",
            repr(got),
            repr(expected),
        )
    return None


class _Summaries:
    """``summarize`` of the two values, made only when a mismatch is read (``Mismatch`` takes
    the bound methods and calls them on demand)."""

    def __init__(self, got: Any, expected: Any) -> None:
        self._values = {"got": got, "expected": expected}
        self._made: dict[str, str] = {}

    def _summary(self, which: str) -> str:
        if which not in self._made:
            self._made[which] = summarize(self._values[which])
        return self._made[which]

    def got(self) -> str:
        return self._summary("got")

    def expected(self) -> str:
        return self._summary("expected")


def _compare_arrays(
    got: Any, expected: Any, *, rtol: float | None, atol: float | None, check_dtype: bool
) -> Mismatch | None:
    exp = as_array(expected)
    summaries = _Summaries(got, expected)  # only a mismatch needs them
    if got is None:
        return Mismatch(
            "type",
            f"yours is None (did the function forget to `return`?), expected {summaries.expected()}",
            "None",
            summaries.expected,
        )
    if exp.ndim == 0 and not _is_scalar(got):
        if _is_array_like(got) or isinstance(got, list | tuple):
            shape = tuple(as_array(got).shape)
            return Mismatch(
                "shape",
                f"expected a single number, yours has shape {shape}",
                summaries.got,
                summaries.expected,
            )
        return Mismatch(
            "type",
            f"expected a number, yours is {summaries.got()}",
            summaries.got,
            summaries.expected,
        )
    try:
        mine = as_array(got)
    except Exception:
        return Mismatch(
            "type",
            f"expected {summaries.expected()}, yours is {summaries.got()}",
            summaries.got,
            summaries.expected,
        )
    if mine.dtype.kind not in "biufc":  # numbers or booleans
        return Mismatch(
            "type",
            f"expected numbers, yours is {summaries.got()}",
            summaries.got,
            summaries.expected,
        )
    if mine.shape != exp.shape:
        return Mismatch(
            "shape",
            f"shape: yours {tuple(mine.shape)} vs expected {tuple(exp.shape)}",
            summaries.got,
            summaries.expected,
        )
    dtype_problem = _dtype_mismatch(mine.dtype, exp.dtype) if check_dtype else None
    if dtype_problem:
        return Mismatch("dtype", dtype_problem, summaries.got, summaries.expected)
    if exp.dtype.kind not in "fc" and mine.dtype.kind not in "fc":
        bad = mine != exp
        if np.any(bad):
            return _value_mismatch(mine, exp, bad, summaries.got, summaries.expected, "exact")
        return None
    default_rtol, default_atol = tolerances(mine.dtype, exp.dtype)
    rtol = default_rtol if rtol is None else rtol
    atol = default_atol if atol is None else atol
    mine64 = mine.astype(np.complex128 if mine.dtype.kind == "c" else np.float64)
    exp64 = exp.astype(np.complex128 if exp.dtype.kind == "c" else np.float64)
    nonfinite = _nonfinite_mismatch(mine64, exp64)
    if nonfinite is not None:
        return Mismatch("nonfinite", nonfinite, summaries.got, summaries.expected)
    # Only finite positions remain: an infinite expected value would make the tolerance
    # atol + rtol·|inf| itself infinite, so that any answer "matched" it.
    finite = np.isfinite(exp64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(np.where(finite, mine64, 0) - np.where(finite, exp64, 0))
        bad = finite & ~(err <= atol + rtol * np.abs(np.where(finite, exp64, 0)))
    if np.any(bad):
        return _value_mismatch(
            mine64, exp64, bad, summaries.got, summaries.expected, f"rtol={rtol:g}, atol={atol:g}"
        )
    return None


def _nonfinite_mismatch(mine: np.ndarray, exp: np.ndarray) -> str | None:
    """Non-finite values must match exactly: the same positions, nan for nan, inf of the same
    sign."""
    got_finite, exp_finite = np.isfinite(mine), np.isfinite(exp)
    if got_finite.all() and exp_finite.all():
        return None  # the common case, without the masks below
    with np.errstate(invalid="ignore"):
        same = (np.isnan(mine) & np.isnan(exp)) | (~got_finite & ~exp_finite & (mine == exp))
    blown = ~got_finite & exp_finite
    if np.any(blown):
        first = np.argwhere(blown)[0]
        return (
            f"yours has {int(blown.sum())} inf/nan value(s) where the expected values are "
            f"finite (first at index {_index(first)}: yours {_number(mine[tuple(first)])})"
        )
    missing = ~exp_finite & ~same
    if np.any(missing):
        first = np.argwhere(missing)[0]
        return (
            f"expected {int(missing.sum())} non-finite value(s) that yours does not have "
            f"(first at index {_index(first)}: yours {_number(mine[tuple(first)])} vs expected "
            f"{_number(exp[tuple(first)])})"
        )
    return None


def _number(value: Any) -> str:
    """A number as a student reads it: ``0.5``, ``-inf``, ``nan``, never ``np.float64(0.5)``."""
    item = value.item() if hasattr(value, "item") else value
    if isinstance(item, float):
        return repr(item) if math.isfinite(item) else str(item)
    return str(item)


def distinct_pair(mine: Any, expected: Any) -> tuple[str, str]:
    """The two numbers with just enough significant digits to tell them apart (at least 6),
    so a student never reads "yours 0.643914 vs expected 0.643914"."""
    a, b = (
        mine.item() if hasattr(mine, "item") else mine,
        (expected.item() if hasattr(expected, "item") else expected),
    )
    if not all(isinstance(v, float | int | complex) for v in (a, b)):
        return _number(a), _number(b)
    if isinstance(a, complex) or isinstance(b, complex):
        return repr(a), repr(b)
    for digits in range(6, 18):
        left, right = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if left != right:
            return left, right
    return repr(a), repr(b)


def _dtype_mismatch(mine: np.dtype, exp: np.dtype) -> str | None:
    def family(dt: np.dtype) -> str:
        if dt.kind == "b":
            return "bool"
        if dt.kind in "iu":
            return "integer"
        if dt.kind == "c":
            return "complex"
        return "floating"

    if family(mine) == family(exp):
        return None
    return (
        f"dtype: yours {mine} vs expected {exp} ({family(mine)} where {family(exp)} values "
        "are expected)"
    )


def _index(index: np.ndarray) -> tuple[int, ...] | int:
    as_tuple = tuple(int(i) for i in index)
    return as_tuple if len(as_tuple) != 1 else as_tuple[0]


def _value_mismatch(
    mine: np.ndarray,
    exp: np.ndarray,
    bad: np.ndarray,
    got_summary: Callable[[], str],
    exp_summary: Callable[[], str],
    tolerance: str,
) -> Mismatch:
    if mine.ndim == 0:
        left, right = distinct_pair(mine, exp)
        return Mismatch(
            "value", f"yours {left} vs expected {right} ({tolerance})", got_summary, exp_summary
        )
    with np.errstate(invalid="ignore"):
        err = np.where(bad, np.abs(mine.astype(complex) - exp.astype(complex)), -1.0).real
    worst = np.unravel_index(int(np.nanargmax(np.where(np.isnan(err), math.inf, err))), err.shape)
    where = _index(np.asarray(worst))
    left, right = distinct_pair(mine[worst], exp[worst])
    return Mismatch(
        "value",
        f"values differ at {int(bad.sum())} of {bad.size} positions; worst at index {where}: "
        f"yours {left} vs expected {right} ({tolerance})",
        got_summary,
        exp_summary,
    )
