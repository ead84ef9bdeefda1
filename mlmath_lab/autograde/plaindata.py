"""Values as plain data, across the boundary between the grader and a student's process.

The grader sends a check's inputs to the sandboxed child, and the child sends back what the
student's function returned, as JSON-compatible data: numbers, strings, lists, and one-key
dicts tagged ``"$..."`` for arrays (dtype, shape and the raw bytes), numpy scalars, tensors,
tuples, dicts, complex numbers, bytes and random generators. Never pickle, never a live object:
decoding in the grader imports nothing and builds only arrays, numbers and containers; what it
cannot rebuild (a student's own class) comes back as a :class:`Foreign` value that compares
unequal to anything and shows its type and ``repr``.

Callables go one way only, grader to child: an instructor's function among a case's inputs
(03's ``numerical_gradient`` differentiates one) is sent as a number, and the child calls it
back through the grader, which runs it (see ``verdicts.py`` and ``child/calls.py``).
"""

from __future__ import annotations

import base64
import math
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_DEPTH = 64  # nesting: a cyclic or absurdly deep structure is refused, not followed
MAX_ITEMS = 2_000_000  # containers' elements in one value, arrays counting once each
REPR_CHARS = 300  # of a value that cannot cross, its repr is shown this long


class PlainDataError(ValueError):
    """A value that cannot be encoded, or data that is not a valid encoding."""


class Foreign:
    """A value the other side could not send as data (a student's own class), shown as such."""

    type_module: str = ""
    type_name: str = "object"

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return self is other

    __hash__ = object.__hash__


_FOREIGN_TYPES: dict[tuple[str, str], type[Foreign]] = {}


def _foreign_type(module: str, name: str) -> type[Foreign]:
    """A stand-in class named as the student's, so a message says "got MyResult"."""
    key = (module, name)
    if key not in _FOREIGN_TYPES:
        short = name.rsplit(".", 1)[-1] or "object"
        if not short.isidentifier():
            short = "object"
        _FOREIGN_TYPES[key] = type(short, (Foreign,), {"type_module": module, "type_name": name})
    return _FOREIGN_TYPES[key]


def qualified_name(cls: type) -> tuple[str, str]:
    return str(getattr(cls, "__module__", "") or ""), str(
        getattr(cls, "__qualname__", cls.__name__)
    )


def loaded_class(module: str, qualname: str) -> type | None:
    """The class ``module.qualname`` if that module is already imported here; never imports."""
    found: Any = sys.modules.get(module)
    if found is None:
        return None
    for part in qualname.split("."):
        found = getattr(found, part, None)
        if found is None:
            return None
    return found if isinstance(found, type) else None


# -- encoding -----------------------------------------------------------------------------


class Encoder:
    """Encodes one value; ``callables`` (grader side) numbers the functions it meets."""

    def __init__(self, callables: list[Callable[..., Any]] | None = None) -> None:
        self.callables = callables
        self.items = 0

    def encode(self, value: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise PlainDataError(f"nested more than {MAX_DEPTH} levels deep (or cyclic)")
        self.items += 1
        if self.items > MAX_ITEMS:
            raise PlainDataError(f"more than {MAX_ITEMS} values")
        kind = type(value)
        if value is None or kind is bool or kind is int or kind is str:
            return value
        if kind is float:
            return value if math.isfinite(value) else {"$f": repr(value)}
        if kind is tuple:
            return {"$t": [self.encode(v, depth + 1) for v in value]}
        if kind is list:
            return [self.encode(v, depth + 1) for v in value]
        if kind is dict:
            return {
                "$d": [
                    [self.encode(k, depth + 1), self.encode(v, depth + 1)] for k, v in value.items()
                ]
            }
        if isinstance(value, np.ndarray):
            return self._array(value, depth)
        if isinstance(value, np.generic):
            if value.dtype.hasobject:
                return self._foreign(value)
            return {"$np": [value.dtype.str, _b64(value.tobytes())]}
        if kind is complex:
            return {"$c": [self.encode(value.real), self.encode(value.imag)]}
        if kind is bytes:
            return {"$b": _b64(value)}
        if isinstance(value, np.random.Generator):
            bits = value.bit_generator
            return {"$rng": [type(bits).__name__, self.encode(bits.state, depth + 1)]}
        if _is_tensor(value):
            return self._tensor(value)
        if callable(value) and self.callables is not None and not isinstance(value, type):
            self.callables.append(value)
            return {"$fn": len(self.callables) - 1}
        if kind.__name__ == "module" and getattr(value, "__name__", "") in _MODULES:
            return {"$mod": value.__name__}
        return self._foreign(value)

    def _array(self, value: np.ndarray, depth: int) -> Any:
        cls = qualified_name(type(value)) if type(value) is not np.ndarray else None
        base = np.asarray(value)
        if base.dtype.hasobject:
            items = [self.encode(v, depth + 1) for v in base.ravel().tolist()]
            encoded: dict[str, Any] = {"$ndo": [list(base.shape), items]}
        else:
            data = np.ascontiguousarray(base).tobytes()
            encoded = {"$nd": [base.dtype.str, list(base.shape), _b64(data)]}
        if cls is not None:
            encoded["cls"] = list(cls)
        return encoded

    def _tensor(self, value: Any) -> Any:
        try:
            array = value.detach().cpu()
            dtype = str(array.dtype).removeprefix("torch.")
            if dtype == "bfloat16":
                array = array.float()
            data = np.ascontiguousarray(array.numpy())
        except Exception:  # a tensor subclass or device that will not give its numbers
            return self._foreign(value)
        return {
            "$tensor": [dtype, data.dtype.str, list(data.shape), _b64(data.tobytes())],
            "grad": bool(getattr(value, "requires_grad", False)),
        }

    @staticmethod
    def _foreign(value: Any) -> Any:
        try:
            text = repr(value)
        except Exception as error:  # a hostile or broken __repr__
            text = f"<{type(value).__name__} whose repr raised {type(error).__name__}>"
        if not isinstance(text, str):
            text = f"<{type(value).__name__}>"
        return {"$obj": [*qualified_name(type(value)), text[:REPR_CHARS]]}


_MODULES = frozenset({"numpy", "math", "cmath"})


def encode(value: Any, callables: list[Callable[..., Any]] | None = None) -> Any:
    return Encoder(callables).encode(value)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


# -- decoding -----------------------------------------------------------------------------


class Decoder:
    """Decodes one value; ``callable_for`` (child side) turns ``{"$fn": n}`` into a function."""

    def __init__(self, callable_for: Callable[[int], Callable[..., Any]] | None = None) -> None:
        self.callable_for = callable_for

    def decode(self, data: Any, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise PlainDataError(f"nested more than {MAX_DEPTH} levels deep")
        if data is None or isinstance(data, bool | int | str):
            return data
        if isinstance(data, float):
            return data
        if isinstance(data, list):
            return [self.decode(v, depth + 1) for v in data]
        if not isinstance(data, dict) or not data:
            raise PlainDataError(f"not an encoded value: {type(data).__name__}")
        tag = next(iter(data))
        body = data[tag]
        handler = _TAGS.get(tag)
        if handler is None:
            raise PlainDataError(f"unknown tag {tag!r}")
        return handler(self, body, data, depth)

    def _tuple(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        return tuple(self.decode(v, depth + 1) for v in _list(body))

    def _dict(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        out = {}
        for pair in _list(body):
            key, value = _list(pair, 2)
            decoded_key = self.decode(key, depth + 1)
            try:
                out[decoded_key] = self.decode(value, depth + 1)
            except TypeError as error:  # an unhashable key
                raise PlainDataError(f"dict key: {error}") from None
        return out

    def _float(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        if body not in ("nan", "inf", "-inf"):
            raise PlainDataError(f"not a non-finite float: {body!r}")
        return float(body)

    def _ndarray(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        dtype_str, shape, payload = _list(body, 3)
        array = _array_from(dtype_str, shape, payload)
        return _with_class(array, data.get("cls"))

    def _object_array(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        shape, items = _list(body, 2)
        shape = _shape(shape)
        values = [self.decode(v, depth + 1) for v in _list(items)]
        if len(values) != math.prod(shape):
            raise PlainDataError("object array: wrong number of items")
        array = np.empty(len(values), dtype=object)
        array[:] = values if values else []
        return _with_class(array.reshape(shape), data.get("cls"))

    def _numpy_scalar(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        dtype_str, payload = _list(body, 2)
        return _array_from(dtype_str, [], payload)[()]

    def _complex(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        real, imag = (self.decode(v, depth + 1) for v in _list(body, 2))
        if not all(isinstance(v, float | int) for v in (real, imag)):
            raise PlainDataError("complex: parts must be numbers")
        return complex(real, imag)

    def _bytes(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        return _unb64(body)

    def _generator(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        name, state = _list(body, 2)
        bit_generator = getattr(np.random, str(name), None)
        if not (
            isinstance(bit_generator, type) and issubclass(bit_generator, np.random.BitGenerator)
        ):
            raise PlainDataError(f"unknown bit generator {name!r}")
        bits = bit_generator()
        try:
            bits.state = self.decode(state, depth + 1)
        except (TypeError, ValueError, KeyError) as error:
            raise PlainDataError(f"random generator state: {error}") from None
        return np.random.Generator(bits)

    def _tensor(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        torch_dtype, dtype_str, shape, payload = _list(body, 4)
        array = _array_from(dtype_str, shape, payload)
        torch = sys.modules.get("torch")
        if torch is None:  # never imported here for a student's value
            return array
        tensor = torch.from_numpy(array.copy())
        wanted = getattr(torch, str(torch_dtype), None)
        if isinstance(wanted, torch.dtype) and wanted != tensor.dtype:
            tensor = tensor.to(wanted)
        if data.get("grad") is True and tensor.is_floating_point():
            tensor.requires_grad_(True)
        return tensor

    def _function(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        if self.callable_for is None or not isinstance(body, int) or isinstance(body, bool):
            raise PlainDataError("a function cannot be sent this way")
        return self.callable_for(body)

    def _module(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        if body not in _MODULES:
            raise PlainDataError(f"module {body!r} cannot be sent")
        return sys.modules.get(str(body)) or __import__(str(body))

    def _foreign(self, body: Any, data: dict[str, Any], depth: int) -> Any:
        module, name, text = (str(v) for v in _list(body, 3))
        return _foreign_type(module, name)(text[:REPR_CHARS])


_TAGS: dict[str, Callable[[Decoder, Any, dict[str, Any], int], Any]] = {
    "$t": Decoder._tuple,
    "$d": Decoder._dict,
    "$f": Decoder._float,
    "$nd": Decoder._ndarray,
    "$ndo": Decoder._object_array,
    "$np": Decoder._numpy_scalar,
    "$c": Decoder._complex,
    "$b": Decoder._bytes,
    "$rng": Decoder._generator,
    "$tensor": Decoder._tensor,
    "$fn": Decoder._function,
    "$mod": Decoder._module,
    "$obj": Decoder._foreign,
}


def decode(data: Any, callable_for: Callable[[int], Callable[..., Any]] | None = None) -> Any:
    return Decoder(callable_for).decode(data)


def _list(value: Any, length: int | None = None) -> list[Any]:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise PlainDataError("malformed encoding")
    return value


def _shape(value: Any) -> tuple[int, ...]:
    shape = tuple(_list(value))
    if len(shape) > 32 or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in shape
    ):
        raise PlainDataError(f"not a shape: {value!r}")
    return shape


def _unb64(payload: Any) -> bytes:
    if not isinstance(payload, str):
        raise PlainDataError("malformed bytes")
    try:
        return base64.b64decode(payload.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        raise PlainDataError("malformed bytes") from None


def _array_from(dtype_str: Any, shape: Any, payload: Any) -> np.ndarray:
    try:
        dtype = np.dtype(str(dtype_str))
    except TypeError:
        raise PlainDataError(f"unknown dtype {dtype_str!r}") from None
    if dtype.hasobject:  # raw bytes as object pointers: never
        raise PlainDataError("object arrays are sent element by element")
    dims = _shape(shape)
    data = _unb64(payload)
    if len(data) != math.prod(dims) * dtype.itemsize:
        raise PlainDataError("array: the bytes do not match the shape and dtype")
    return np.frombuffer(data, dtype=dtype).reshape(dims).copy()


def _with_class(array: np.ndarray, cls: Any) -> np.ndarray:
    """The student's array subclass if it is one this process knows (np.matrix), else a
    stand-in subclass with its name: a check that insists on a plain ndarray still sees it."""
    if cls is None:
        return array
    module, name = (str(v) for v in _list(cls, 2))
    found = loaded_class(module, name)
    if found is None or not issubclass(found, np.ndarray):
        key = ("ndarray", module, name)
        found = _ARRAY_TYPES.get(key)
        if found is None:
            short = name.rsplit(".", 1)[-1]
            found = type(short if short.isidentifier() else "ndarray_subclass", (np.ndarray,), {})
            _ARRAY_TYPES[key] = found
    try:
        return array.view(found)
    except Exception:  # a subclass whose __array_finalize__ needs more than a view gives
        return array


_ARRAY_TYPES: dict[tuple[str, str, str], type] = {}


# -- exceptions -----------------------------------------------------------------------------


def encode_exception(error: BaseException, described: str) -> dict[str, Any]:
    """What a call raised: its classes (most derived first), message and the student-facing
    description (their own frames, written in the child, which has the traceback)."""
    mro = [
        list(qualified_name(cls)) for cls in type(error).__mro__ if issubclass(cls, BaseException)
    ]
    try:
        message = str(error)
    except Exception:
        message = f"<{type(error).__name__} whose str() raised>"
    return {"mro": mro[:32], "message": message[:4000], "described": described[:8000]}


def decode_exception(data: Any) -> Exception:
    """An exception of the student's class when this process knows it (ValueError,
    numpy's LinAlgError); else of a stand-in class named as theirs, derived from the nearest
    class that it knows, so ``except ValueError`` and ``isinstance`` answer as for theirs.
    Always an ``Exception``: a ``SystemExit`` raised by the student's function is a stand-in
    named SystemExit, which ends nothing here."""
    if not isinstance(data, dict):
        raise PlainDataError("malformed exception")
    mro = _list(data.get("mro"))
    message = str(data.get("message", ""))
    names = [tuple(str(v) for v in _list(entry, 2)) for entry in mro] or [("builtins", "Exception")]
    known: type[Exception] = Exception
    exact = False
    for index, (module, qualname) in enumerate(names):
        found = loaded_class(module, qualname)
        if found is not None and issubclass(found, Exception):
            known, exact = found, index == 0
            break
    cls = known if exact else _exception_type(names[0], known)
    try:
        error = cls(message)
    except Exception:  # a constructor that wants other arguments (UnicodeDecodeError)
        error = cls.__new__(cls)
        error.args = (message,)
    error.__dict__["mlmath_described"] = str(data.get("described", ""))
    return error


_EXCEPTION_TYPES: dict[tuple[tuple[str, ...], type], type[Exception]] = {}


def _exception_type(name: tuple[str, ...], base: type[Exception]) -> type[Exception]:
    key = (name, base)
    if key not in _EXCEPTION_TYPES:
        short = name[1].rsplit(".", 1)[-1]
        _EXCEPTION_TYPES[key] = type(short if short.isidentifier() else "Error", (base,), {})
    return _EXCEPTION_TYPES[key]
