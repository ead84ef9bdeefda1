"""Did the student's function change its inputs in place?

An exercise's function must leave its arguments as it found them (``z -= z.max()`` on the
caller's logits is a bug that the caller pays for later). Only data is compared: arrays,
tensors, numbers and the lists, tuples and dicts that hold them. A random generator is
*meant* to change when it is used, and other objects are left alone.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np

from .compare import as_array, is_tensor


def changed_inputs(
    fn: Any,
    before: tuple[tuple[Any, ...], dict[str, Any]],
    after: tuple[tuple[Any, ...], dict[str, Any]],
) -> str | None:
    """A message naming the arguments ``fn`` modified in place, or None."""
    names = _parameter_names(fn, len(before[0]))
    changed = [
        names[i]
        for i, (old, new) in enumerate(zip(before[0], after[0], strict=True))
        if _differs(old, new)
    ]
    changed += [k for k, old in before[1].items() if _differs(old, after[1].get(k))]
    if not changed:
        return None
    listed = ", ".join(f"`{name}`" for name in changed)
    first = changed[0]
    index = names.index(first) if first in names else None
    value = before[0][index] if index is not None else before[1].get(first)
    if isinstance(value, Mapping):  # a shallow .copy() would still share the arrays
        fix = f"`{first} = {{k: np.array(v) for k, v in {first}.items()}}`"
    elif isinstance(value, list | tuple):
        fix = f"`{first} = [np.array(v) for v in {first}]`"
    else:
        fix = f"`{first} = {first}.copy()`, or `x = x - m` instead of `x -= m`"
    return f"your function changed its input {listed} in place; work on a copy (for example {fix})"


def _parameter_names(fn: Any, count: int) -> list[str]:
    try:
        params = [
            p.name
            for p in inspect.signature(fn).parameters.values()
            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"argument {i + 1}" for i in range(count)]


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, np.ndarray) or is_tensor(old):
        if type(new) is not type(old):
            return True
        a, b = as_array(old), as_array(new)
        if a.shape != b.shape or a.dtype != b.dtype:
            return True
        if a.dtype.kind in "fc":
            return not np.array_equal(a, b, equal_nan=True)
        return not np.array_equal(a, b)
    if isinstance(old, Mapping):
        return not isinstance(new, Mapping) or any(_differs(v, new.get(k)) for k, v in old.items())
    if isinstance(old, list | tuple):
        return (
            not isinstance(new, list | tuple)
            or len(old) != len(new)
            or any(_differs(a, b) for a, b in zip(old, new, strict=True))
        )
    if isinstance(old, numbers.Number):
        return False  # numbers are immutable: a student can only rebind them
    return False
