"""Plain data across the grader/child boundary: exact round trips, nothing live, nothing unsafe."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlmath_lab.autograde.plaindata import (
    Foreign,
    PlainDataError,
    decode,
    decode_exception,
    encode,
    encode_exception,
)
from mlmath_lab.checks import all_exercise_ids, get_checker
from mlmath_lab.checks.compare import compare


def _wire(value: object, callables: list | None = None) -> object:
    """Through JSON, as a frame carries it."""
    return json.loads(json.dumps(encode(value, callables)))


def _same(a: object, b: object) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        if a.dtype != b.dtype or a.shape != b.shape:  # type: ignore[union-attr]
            return False
        if a.dtype.kind in "fc":
            return bool(np.array_equal(a, b, equal_nan=True))
        return all(_same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist(), strict=True))  # type: ignore[union-attr]
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[index]
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))  # type: ignore[arg-type]
    if isinstance(a, np.random.Generator):
        return a.bit_generator.state == b.bit_generator.state  # type: ignore[union-attr]
    if isinstance(a, float) and np.isnan(a):
        return bool(np.isnan(b))  # type: ignore[arg-type]
    return bool(a == b) or compare(a, b) is None


VALUES = [
    None,
    True,
    3,
    -(2**80),
    1.5,
    float("inf"),
    float("-inf"),
    float("nan"),
    "ü ✔",
    b"\x00\xff",
    2 + 3j,
    (1, (2.0, [3])),
    [],
    {"a": 1, 2: "b", (1, 2): [np.float32(1.5)]},
    np.float64(0.1),
    np.int8(-3),
    np.bool_(True),
    np.arange(12, dtype=np.int32).reshape(3, 4)[:, ::2],  # not contiguous
    np.array([[np.nan, np.inf], [-0.0, 1e-300]]),
    np.zeros((0, 3)),
    np.array(["ab", "c"]),
    np.array([1 + 2j], dtype=np.complex64),
    np.array([{"x": 1}, None], dtype=object),
    np.random.default_rng(7),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda v: type(v).__name__)
def test_values_round_trip_exactly(value: object) -> None:
    assert _same(decode(_wire(value)), value)


def test_every_exercise_case_and_reference_output_round_trips() -> None:
    for exercise in all_exercise_ids():
        checker = get_checker(exercise)
        cases = checker.cases()
        for case, output in zip(cases, checker.reference_outputs(cases), strict=True):
            functions: list = []
            back = decode(_wire((case.args, case.kwargs), functions), functions.__getitem__)
            assert _same(back, (case.args, case.kwargs)), (exercise, case.name)
            # what a student returns must cross (a Raised is an exception, sent as one; a
            # reference that is not student-shaped never crosses)
            if checker.student_shaped_reference and not hasattr(output, "error"):
                assert _same(decode(_wire(output)), output), (exercise, case.name)


def test_a_tensor_comes_back_a_tensor() -> None:
    torch = pytest.importorskip("torch")
    value = torch.arange(6, dtype=torch.float64).reshape(2, 3)
    back = decode(_wire(value))
    assert isinstance(back, torch.Tensor) and back.dtype == torch.float64
    assert torch.equal(back, value)


def test_objects_the_grader_cannot_rebuild_come_back_foreign() -> None:
    class Mine:
        def __repr__(self) -> str:
            return "Mine(42)"

    back = decode(_wire(Mine()))
    assert isinstance(back, Foreign) and type(back).__name__ == "Mine" and repr(back) == "Mine(42)"
    assert back != back.__class__("Mine(42)")  # equal to nothing but itself

    class Hostile:
        def __repr__(self) -> str:
            raise RuntimeError("no")

    assert "repr raised" in repr(decode(_wire(Hostile())))


def test_functions_cross_only_as_numbers_the_grader_gave() -> None:
    def f(x: float) -> float:
        return x + 1

    functions: list = []
    data = _wire((f, 2.0), functions)
    assert functions == [f] and data == {"$t": [{"$fn": 0}, 2.0]}
    with pytest.raises(PlainDataError):  # the grader never takes a function from the child
        decode(data)


@pytest.mark.parametrize(
    "data",
    [
        {"$nd": ["|O", [1], "AAAAAAAAAAA="]},  # object pointers
        {"$nd": ["<f8", [2], "AAAAAAAAAAA="]},  # 8 bytes for 2 floats
        {"$nd": ["<f8", [-1], ""]},
        {"$nd": ["not a dtype", [1], ""]},
        {"$zzz": 1},
        {"$mod": "os"},
        {"$rng": ["Nope", {}]},
        {"$d": [[[1], 2]]},  # an unhashable key
        {"$b": "***"},
        {},  # not an encoding
    ],
)
def test_malformed_or_unsafe_data_is_refused(data: object) -> None:
    with pytest.raises(PlainDataError):
        decode(data)


def test_cyclic_or_huge_values_are_refused() -> None:
    cyclic: list = []
    cyclic.append(cyclic)
    with pytest.raises(PlainDataError):
        encode(cyclic)
    deep: list = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(PlainDataError):
        decode(json.loads(json.dumps(deep)))


def test_exceptions_keep_their_class_where_it_is_known() -> None:
    class MyShapeError(ValueError):
        pass

    linalg = decode_exception(encode_exception(np.linalg.LinAlgError("singular"), "described"))
    assert type(linalg) is np.linalg.LinAlgError and str(linalg) == "singular"
    mine = decode_exception(json.loads(json.dumps(encode_exception(MyShapeError("bad"), ""))))
    assert isinstance(mine, ValueError) and type(mine).__name__ == "MyShapeError"
    exiting = decode_exception(encode_exception(SystemExit(3), ""))
    assert isinstance(exiting, Exception) and type(exiting).__name__ == "SystemExit"
    from mlmath_lab.checks.student_code import describe_student_error

    assert describe_student_error(linalg) == "described"
