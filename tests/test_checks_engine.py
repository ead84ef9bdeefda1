"""The check engine on checkers made for the purpose: how a mistake is named, how every case
runs, what a result shows, the forbidden-calls rule and unchanged inputs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from mlmath_lab.checks import Case, Checker, Misconception
from mlmath_lab.checks.proof import prove
from mlmath_lab.checks.rules import MATMUL, NP_DOT, find_forbidden


def _log_ratio(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sum(p * np.log(p / q)))


def _kl_checker() -> Checker:
    return Checker(
        "x-test/kl",
        title="KL",
        reference=_log_ratio,
        cases=[
            Case("coin", (np.array([0.9, 0.1]), np.array([0.5, 0.5]))),
            Case("three", (np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.4, 0.2]))),
        ],
        misconceptions=[
            Misconception("swapped", "You computed KL(q ‖ p).", lambda p, q: _log_ratio(q, p)),
            Misconception(
                "log2", "You used log base 2.", lambda p, q: _log_ratio(p, q) / np.log(2)
            ),
        ],
    )


def test_a_mistake_that_outputs_inf_does_not_name_a_finite_answer() -> None:
    checker = Checker(
        "x-test/smooth",
        title="t",
        reference=lambda x: float(np.log(x + 1.0)),
        cases=[Case("zero", (0.0,)), Case("one", (1.0,))],
        misconceptions=[Misconception("log-zero", "log(0)", lambda x: float(np.log(x)))],
    )
    result = checker.run(lambda x: 5.0)  # wrong, and nothing like log(x)
    assert not result.passed and result.misconception is None


def test_hints_use_the_exercises_own_tolerance() -> None:
    loose = Checker(
        "x-test/loose",
        title="t",
        reference=lambda x: x * 2.0,
        cases=[Case("a", (1.0,)), Case("b", (3.0,))],
        comparator=lambda got, exp: None if abs(got - exp) <= 1e-3 else _fail(got, exp),
        misconceptions=[Misconception("triple", "×3, not ×2", lambda x: x * 3.0)],
    )
    result = loose.run(lambda x: x * 3.0 + 5e-4)  # within the exercise's tolerance of ×3
    assert result.misconception == "triple"


def _fail(got: Any, expected: Any) -> Any:
    from mlmath_lab.checks.compare import Mismatch

    return Mismatch("value", f"yours {got} vs expected {expected}")


def test_an_integer_result_equal_to_a_float_mistake_gets_its_hint() -> None:
    checker = Checker(
        "x-test/count",
        title="t",
        reference=lambda n: n * (n + 1) / 2,
        cases=[Case("3", (3,)), Case("4", (4,))],
        misconceptions=[Misconception("square", "n², not the triangle", lambda n: float(n * n))],
    )
    result = checker.run(lambda n: n * n)  # an int where floats are expected, and wrong
    assert result.misconception == "square"


def test_a_mistake_that_raises_is_recognised_whatever_the_exception_text() -> None:
    def reference(x: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
        return x @ w.T + b

    checker = Checker(
        "x-test/linear",
        title="t",
        reference=reference,
        cases=[Case("(2, 3) by (4, 3)", (np.ones((2, 3)), np.ones((4, 3)), np.zeros(4)))],
        misconceptions=[
            Misconception("no-transpose", "W is (d_out, d_in): use W.T", lambda x, w, b: x @ w + b)
        ],
    )
    with_dot = checker.run(lambda x, w, b: x.dot(w) + b)  # numpy's text differs from @'s
    assert with_dot.status == "error"
    assert with_dot.misconception == "no-transpose"


def test_every_case_runs_after_one_raised_and_later_cases_name_the_mistake() -> None:
    def student(x: float) -> float:
        if x < 0:
            raise ValueError("negative")
        return x * 3.0

    checker = Checker(
        "x-test/later",
        title="t",
        reference=lambda x: abs(x) * 2.0,
        cases=[Case("negative", (-1.0,)), Case("two", (2.0,)), Case("five", (5.0,))],
        misconceptions=[
            Misconception(
                "triple", "×3", lambda x: (_ for _ in ()).throw(ValueError("x")) if x < 0 else x * 3
            )
        ],
    )
    result = checker.run(student)
    assert [c.status for c in result.cases] == ["error", "failed", "failed"]
    assert result.misconception == "triple"


def test_a_mistake_that_explains_only_some_cases_is_not_named() -> None:
    """A broadcasting mistake written with the wrong rule (max of the two sizes) agrees with
    many wrong answers on one case; it is named only when it explains every case."""
    checker = Checker(
        "x-test/shape",
        title="t",
        reference=lambda a, b: tuple(np.broadcast_shapes(a, b)),
        cases=[Case("(3, 1) (1, 4)", ((3, 1), (1, 4))), Case("(5, 4) (4,)", ((5, 4), (4,)))],
        misconceptions=[
            Misconception(
                "elementwise-max",
                "max",
                lambda a, b: tuple(max(x, y) for x, y in zip(a, b, strict=False)),
            )
        ],
    )
    # wrong on the second case in another way: the max rule explains the first case only
    result = checker.run(lambda a, b: (3, 4) if a == (3, 1) else (4, 5))
    assert not result.passed and result.misconception is None


def test_each_failing_case_shows_its_own_values_and_error() -> None:
    def student(p: np.ndarray, q: np.ndarray) -> float:
        if len(p) == 3:
            raise IndexError("boom")
        return 0.5

    result = _kl_checker().run(student)
    text = result.to_text()
    assert "failed" in result.cases[0].status and result.cases[1].status == "error"
    assert "your code raised an error on 1 of 2 cases" in result.summary
    first, second = text.index("case: coin"), text.index("case: three")
    assert "yours:    0.5" in text[first:second]
    assert "IndexError: boom" in text[second:]
    assert "yours:    0.5" not in text[second:]


def test_the_summary_counts_and_shows_every_failed_case() -> None:
    result = _kl_checker().run(lambda p, q: 0.0)
    assert result.summary == "failed 2 of 2 cases"
    assert result.to_text().count("case: ") == 2


def test_the_check_is_proven_and_the_proof_catches_a_mistake_the_cases_cannot_tell() -> None:
    assert prove(_kl_checker()).proven
    twins = Checker(
        "x-test/twins",
        title="t",
        reference=lambda x: x + 1.0,
        cases=[Case("a", (1.0,))],
        misconceptions=[
            Misconception("double", "×2", lambda x: x * 2.0),
            Misconception("square", "x²", lambda x: x * x),
        ],
    )
    # 2·1 == 1·1? No: 2 vs 1; but "double" and "plus one" agree at x = 1
    problems = prove(twins).problems
    assert any("passes every case" in p for p in problems)


def test_forbidden_calls_are_named_with_their_line() -> None:
    namespace: dict[str, Any] = {"np": np, "__name__": "__main__"}
    source = (
        "def helper(a, b):\n"
        "    return np.dot(a, b)\n"
        "def dot_loop(u, v):\n"
        "    total = 0.0\n"
        "    for i in range(len(u)):\n"
        "        total += u[i] * v[i]\n"
        "    return helper(u, v)\n"
        "def matmul_loop(a, b):\n"
        "    return a @ b\n"
        "def method(u, v):\n"
        "    return u.dot(v)\n"
        "def clean(u, v):\n"
        "    return sum(x * y for x, y in zip(u, v))\n"
    )
    exec(compile(source, "cell.py", "exec"), namespace)
    used = find_forbidden(namespace["dot_loop"], [NP_DOT])
    assert len(used) == 1 and "np.dot" in used[0].message and "line 2" in used[0].message
    assert "@ operator" in find_forbidden(namespace["matmul_loop"], [MATMUL])[0].message
    assert ".dot" in find_forbidden(namespace["method"], [NP_DOT])[0].message
    assert find_forbidden(namespace["clean"], [NP_DOT, MATMUL]) == []


def test_torch_and_the_course_modules_are_forbidden_in_every_solution() -> None:
    import torch

    namespace: dict[str, Any] = {"np": np, "torch": torch, "__name__": "__main__"}
    exec(
        compile("def kl(p, q):\n    return float(torch.sum(torch.tensor(p)))\n", "c.py", "exec"),
        namespace,
    )
    result = _kl_checker().run(namespace["kl"])
    assert not result.passed and "torch is not allowed here" in (result.error or "")
    assert "torch is not allowed here" in result.summary

    import mlmath_lab.exercises.linear_algebra.kl_divergence as kl_module

    namespace["mc"] = kl_module  # a student reaching for a reference
    exec(
        compile("def kl(p, q):\n    return mc._kl_reference(p, q)\n", "d.py", "exec"),
        namespace,
    )
    assert "course's own modules" in (_kl_checker().run(namespace["kl"]).error or "")


def test_a_function_that_changes_its_input_in_place_fails_naming_the_argument() -> None:
    def scale(p: np.ndarray, q: np.ndarray) -> float:
        p -= 1.0  # shifted and back, in place: the right value, and p changed in its last bits
        p += 1.0
        return _log_ratio(p, q)

    result = _kl_checker().run(scale)
    assert not result.passed
    assert "changed its input `p` in place" in result.to_text()


def test_a_random_generator_argument_may_change() -> None:
    checker = Checker(
        "x-test/draw",
        title="t",
        reference=lambda rng: float(rng.random()),
        cases=[Case("seed 1", (np.random.default_rng(1),))],
    )
    assert checker.run(lambda rng: float(rng.random())).passed


@pytest.mark.parametrize("bad", [[1, 2], "x"])
def test_more_cases_must_be_cases_or_argument_tuples(bad: Any) -> None:
    from mlmath_lab.checks import as_cases

    with pytest.raises(TypeError, match=r"cases\[0\]"):
        as_cases([bad])


def test_a_dict_of_arrays_changed_in_place_is_told_to_copy_the_arrays() -> None:
    checker = Checker(
        "x-test/step",
        title="t",
        reference=lambda params: {k: v * 2.0 for k, v in params.items()},
        cases=[Case("two", ({"W": np.ones(2), "b": np.zeros(1)},))],
    )

    def step(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        params["W"] *= 2.0
        return {"W": params["W"], "b": params["b"] * 2.0}

    text = checker.run(step).to_text()
    assert "changed its input `params` in place" in text
    assert "{k: np.array(v) for k, v in params.items()}" in text


def test_a_mistake_is_named_only_where_it_goes_wrong_itself() -> None:
    """A mistake that differs from the reference only on a must-raise case (no length check)
    must not name a student whose only fault is an integer result."""

    def reference(u: np.ndarray, v: np.ndarray) -> float:
        if len(u) != len(v):
            raise ValueError("lengths differ")
        return float(np.sum(np.asarray(u) * np.asarray(v)))

    checker = Checker(
        "x-test/dot",
        title="t",
        reference=reference,
        cases=[
            Case("ints", (np.array([1, 2]), np.array([3, 4]))),
            Case("3 and 4 must raise", (np.ones(3), np.ones(4))),
        ],
        misconceptions=[
            Misconception(
                "no-length-check",
                "raise ValueError for different lengths",
                lambda u, v: float(sum(a * b for a, b in zip(u, v, strict=False))),
            )
        ],
    )

    def integer_total(u: np.ndarray, v: np.ndarray) -> int:
        if len(u) != len(v):
            raise ValueError("lengths differ")
        return int(sum(a * b for a, b in zip(u, v, strict=True)))

    result = checker.run(integer_total)
    assert not result.passed and result.misconception is None
    no_check = checker.run(lambda u, v: float(sum(a * b for a, b in zip(u, v, strict=False))))
    assert no_check.misconception == "no-length-check"


def test_loops_are_forbidden_in_the_solution_but_not_in_the_helpers_it_calls() -> None:
    from mlmath_lab.checks.rules import LOOPS

    namespace: dict[str, Any] = {"np": np, "__name__": "__main__"}
    source = (
        "def out_shape(a, b):\n"
        "    return tuple(max(x, y) for x, y in zip(a, b))\n"
        "def vectorised(a, b):\n"
        "    return np.zeros(out_shape(a.shape, b.shape))\n"
        "def looped(a, b):\n"
        "    total = 0.0\n"
        "    for x in a:\n"
        "        total += x\n"
        "    return total\n"
        "def comprehension(a, b):\n"
        "    return np.array([x * 2 for x in a])\n"
        "def waiting(a, b):\n"
        "    while a.sum() > 10:\n"
        "        a = a / 2\n"
        "    return a\n"
    )
    exec(compile(source, "cell.py", "exec"), namespace)
    assert find_forbidden(namespace["vectorised"], [LOOPS]) == []
    [loop] = find_forbidden(namespace["looped"], [LOOPS])
    assert "A Python loop is not allowed here" in loop.message and "line 7" in loop.message
    assert "a comprehension" in find_forbidden(namespace["comprehension"], [LOOPS])[0].message
    assert find_forbidden(namespace["waiting"], [LOOPS])


def test_a_forbidden_function_given_as_the_solution_itself_is_named() -> None:
    import functools

    import torch

    from mlmath_lab.checks import run_check

    for given in (np.dot, functools.partial(np.dot)):
        result = run_check("01-linear-algebra/dot_loop", given)
        assert not result.passed and "np.dot is not allowed here" in (result.error or "")
    softmax = run_check("01-linear-algebra/softmax", torch.softmax)
    assert "torch is not allowed here" in (softmax.error or "")
