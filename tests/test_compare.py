"""The comparison under every check: shape and dtype before values, never broadcasting."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from mlmath_lab.checks.compare import compare, summarize, tolerances


def test_equal_arrays_agree() -> None:
    assert compare(np.array([1.0, 2.0]), np.array([1.0, 2.0])) is None


def test_a_column_is_not_a_vector_even_though_allclose_says_so() -> None:
    got, expected = np.ones((3, 1)), np.ones(3)
    assert np.allclose(got, expected)  # the trap this module exists to avoid
    mismatch = compare(got, expected)
    assert mismatch is not None and mismatch.kind == "shape"
    assert "yours (3, 1) vs expected (3,)" in mismatch.message


def test_integer_result_where_floats_are_expected_is_a_dtype_mismatch() -> None:
    mismatch = compare(np.array([1, 2]), np.array([1.0, 2.0]))
    assert mismatch is not None and mismatch.kind == "dtype"
    assert "int64" in mismatch.message and "float64" in mismatch.message


def test_value_mismatch_names_the_worst_position_and_both_values() -> None:
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 0.5
    got[0, 0] = 1e-3
    mismatch = compare(got, expected)
    assert mismatch is not None and mismatch.kind == "value"
    assert "2 of 6 positions" in mismatch.message
    assert "index (1, 2)" in mismatch.message and "yours 0.5" in mismatch.message


def test_tolerance_follows_the_less_precise_dtype() -> None:
    expected = np.array([1.0, 2.0, 3.0])
    close_in_float32 = (expected + 1e-6).astype(np.float32)
    assert compare(close_in_float32, expected) is None
    assert compare(expected + 1e-6, expected) is not None  # float64 vs float64: too far
    assert tolerances(np.dtype(np.float16)) == (1e-3, 1e-3)


def test_inf_or_nan_where_finite_values_are_expected_is_reported_as_such() -> None:
    mismatch = compare(np.array([np.nan, 0.5]), np.array([0.5, 0.5]))
    assert mismatch is not None and mismatch.kind == "nonfinite"
    assert "index 0" in mismatch.message


def test_torch_tensors_compare_like_arrays() -> None:
    assert compare(torch.tensor([1.0, 2.0], dtype=torch.float64), np.array([1.0, 2.0])) is None


def test_scalar_expected_rejects_a_one_element_array() -> None:
    mismatch = compare(np.array([1.5]), 1.5)
    assert mismatch is not None and mismatch.kind == "shape"


def test_none_says_the_function_forgot_to_return() -> None:
    mismatch = compare(None, np.ones(2))
    assert mismatch is not None and "return" in mismatch.message


def test_tuple_outputs_are_compared_element_by_element_with_their_position() -> None:
    expected = (np.eye(2), 8, 0.25)
    assert compare((np.eye(2), 8, 0.25), expected) is None
    mismatch = compare((np.eye(2), 7, 0.25), expected)
    assert mismatch is not None and mismatch.message.startswith("output[1]")
    assert compare((np.eye(2), 8.0, 0.25), expected).kind == "dtype"  # type: ignore[union-attr]


def test_shape_tuples_compare_exactly() -> None:
    assert compare((2, 3), (2, 3)) is None
    assert compare([2, 3], (2, 3)) is None
    assert compare((3, 2), (2, 3)) is not None
    assert compare("(2, 3)", (2, 3)) is not None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (np.arange(10.0), "shape (10,) float64"),
        (torch.ones(2, 2), "tensor shape (2, 2)"),
        (3, "3"),
        ((1, 2), "(1, 2)"),
    ],
)
def test_summaries_show_shape_dtype_and_a_few_values(value: object, fragment: str) -> None:
    assert fragment in summarize(value)


def test_arrays_are_summarized_only_for_a_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    # the module (the package's attribute of that name is the function)
    module = importlib.import_module("mlmath_lab.checks.compare")
    calls: list[object] = []
    real = module.summarize

    def counting(value: object, max_items: int = 6) -> str:
        calls.append(value)
        return real(value, max_items)

    monkeypatch.setattr(module, "summarize", counting)
    assert compare(np.arange(4.0), np.arange(4.0)) is None
    assert calls == []  # a pass formats nothing
    mismatch = compare(np.arange(4.0) + 1, np.arange(4.0))
    assert mismatch is not None and "values differ" in mismatch.message
    assert calls == []  # a mismatch nobody shows (a proof comparing mistakes) formats nothing
    assert mismatch.got.startswith("array shape (4,) float64")
    assert mismatch.expected.startswith("array shape (4,) float64")
    assert mismatch.at("output[0]").got == mismatch.got
    assert len(calls) == 2  # each side once, however many times it is read


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        (1.0, np.inf),  # a finite answer is not "close" to inf (atol + rtol·inf is inf)
        (-np.inf, np.inf),  # nor is the other infinity
        (np.array([0.0, 2.0]), np.array([-np.inf, 2.0])),
        (np.array([np.nan, 2.0]), np.array([np.inf, 2.0])),
        (np.array([1.0, np.inf]), np.array([1.0, 2.0])),
    ],
)
def test_non_finite_values_must_match_exactly(got: object, expected: object) -> None:
    mismatch = compare(got, expected)
    assert mismatch is not None and mismatch.kind == "nonfinite", mismatch


def test_matching_non_finite_values_agree() -> None:
    assert (
        compare(np.array([np.inf, -np.inf, np.nan, 1.0]), np.array([np.inf, -np.inf, np.nan, 1.0]))
        is None
    )
    assert compare(-np.inf, -np.inf) is None


def test_a_mismatch_shows_enough_digits_to_see_the_difference() -> None:
    mismatch = compare(0.64391378, 0.64391392)
    assert mismatch is not None
    assert "yours 0.6439138 vs expected 0.6439139" in mismatch.message
    arrays = compare(np.array([1.0, 0.64391378]), np.array([1.0, 0.64391392]))
    assert arrays is not None and "yours 0.6439138 vs expected 0.6439139" in arrays.message


def test_numpy_scalars_read_as_numbers() -> None:
    assert summarize(np.float64(0.5)) == "0.5 (float64)"
    mismatch = compare(np.float64(0.25), 0.5)
    assert mismatch is not None and "np.float64" not in mismatch.message + mismatch.got


def test_numpy_bool_is_the_same_answer_as_python_bool() -> None:
    assert compare(np.bool_(True), True) is None
    assert compare(np.bool_(False), True) is not None


def test_integer_values_compare_with_floats_by_value_when_dtype_is_not_checked() -> None:
    assert compare(np.array([1, 2]), np.array([1.0, 2.0]), check_dtype=False) is None
    assert compare(np.array([1, 3]), np.array([1.0, 2.0]), check_dtype=False) is not None
