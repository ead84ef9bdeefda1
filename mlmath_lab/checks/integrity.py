"""Undo a submission's monkeypatching of the check library, numpy, torch and builtins.

A student's cells run in the same interpreter as the checks, so a submission can write
``mlmath_lab.checks.check = lambda *a: None`` or ``np.allclose = lambda *a, **k: True`` and
make every check pass. When grading, the autograder takes a :class:`Snapshot` of the modules
that checks rely on *before* any student code runs, and restores it:

- before each graded test cell (by the autograde executor), and
- inside the checks, after every call into student code (a student function that patches
  the library while it is being checked is undone before its result is compared).

What was put back is reported, so the instructor sees who tried. Outside autograding (a
student's own kernel) no snapshot is installed and nothing here runs.

Limits, stated plainly: this defends the names that checks look up (module attributes, the
classes of the check library, ``sys.modules`` entries). Code that edits the grader's own
memory (the snapshot itself through ``gc``, ``ctypes``) is not stopped in-process; it is
still reported at the next graded cell if it changed a protected name, and the hidden tests
are never on disk for it to read.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

PROTECTED_MODULES = (
    "builtins",
    "math",
    "numpy",
    "numpy.linalg",
    "numpy.testing",
    "numpy.random",
    "torch",
    "torch.linalg",
    "torch.testing",
    "torch.nn.functional",
    "torch.autograd",
    "torch.func",
)
# the check library and the course's checkers (not the grader's own state)
PROTECTED_PREFIXES = ("mlmath_lab.checks", "mlmath_lab.exercises")
_MISSING = object()

# Names in builtins that IPython swaps in and out around every cell: not tampering.
_VOLATILE_BUILTINS = frozenset({"exit", "quit", "get_ipython", "display", "_", "__", "___"})


class Snapshot:
    """The protected modules' attributes and the check library's class dicts, as they were."""

    def __init__(self) -> None:
        self.modules: dict[str, tuple[ModuleType, dict[str, Any]]] = {}
        self.classes: list[tuple[type, str, dict[str, Any]]] = []
        self.objects: list[tuple[Any, str, dict[str, Any]]] = []
        names = [
            *PROTECTED_MODULES,
            *(n for n in list(sys.modules) if n.startswith(PROTECTED_PREFIXES)),
        ]
        for name in names:
            saved = self.retake(name)
            if saved is not None and name.startswith(PROTECTED_PREFIXES):
                for key, value in saved.items():
                    if isinstance(value, type) and value.__module__ == name:
                        self.classes.append((value, f"{name}.{value.__qualname__}", _dict(value)))
                    elif _is_library_object(value):
                        # e.g. a course module's Checker: its reference, cases, comparator
                        self.objects.append((value, f"{name}.{key}", dict(vars(value))))
        torch = sys.modules.get("torch")
        if torch is not None and isinstance(getattr(torch, "Tensor", None), type):
            self.classes.append((torch.Tensor, "torch.Tensor", _dict(torch.Tensor)))

    def retake(self, name: str) -> dict[str, Any] | None:
        """Take module ``name``'s attributes as they are now (the ones to put back)."""
        module = sys.modules.get(name)
        if not isinstance(module, ModuleType):
            return None
        saved = dict(vars(module))
        if name == "builtins":
            saved = {k: v for k, v in saved.items() if k not in _VOLATILE_BUILTINS}
        self.modules[name] = (module, saved)
        return saved

    def restore(self) -> list[str]:
        """Put back every protected name that differs; the dotted names that were changed."""
        changed: list[str] = []
        for name, (module, saved) in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
                changed.append(f"sys.modules[{name!r}]")
            current = vars(module)
            for key, value in saved.items():
                if current.get(key, _MISSING) is not value:
                    current[key] = value
                    changed.append(f"{name}.{key}")
        for cls, label, saved in self.classes:
            attributes = vars(cls)  # a read-only view: classes are set through type.__setattr__
            for key, value in saved.items():
                if attributes.get(key, _MISSING) is not value:
                    type.__setattr__(cls, key, value)
                    changed.append(f"{label}.{key}")
        for obj, label, saved in self.objects:
            state = vars(obj)
            for key, value in saved.items():
                if state.get(key, _MISSING) is not value:
                    state[key] = value
                    changed.append(f"{label}.{key}")
        return changed


def _is_library_object(value: Any) -> bool:
    return (
        not isinstance(value, (type, ModuleType))
        and type(value).__module__.startswith(PROTECTED_PREFIXES)
        and hasattr(value, "__dict__")
    )


def _dict(cls: type) -> dict[str, Any]:
    return {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}


_installed: list[Snapshot] = []
_restored: list[str] = []


def install(snapshot: Snapshot) -> None:
    """Guard this process (the autograder's child, before any student code)."""
    _installed[:] = [snapshot]
    _restored.clear()


def restore() -> None:
    """Undo tampering now, if a snapshot is installed; remember what was undone."""
    if _installed:
        _restored.extend(_installed[0].restore())


def take_restored() -> list[str]:
    """What was put back since the last call (each name once, in order)."""
    names = list(dict.fromkeys(_restored))
    _restored.clear()
    return names
