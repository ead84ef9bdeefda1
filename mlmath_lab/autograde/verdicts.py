"""Graded test cells decided in the grader, not in the student's process.

A graded test cell of the course says which checks run, on which inputs:
``check("01-linear-algebra/dot_loop", dot_loop, cases=[Case(...), ...])``. The grader reads it
from the gradebook's source cells (nbgrader's own copy, which the student cannot edit) and runs
it *here*, once per run, with ``check`` recording its calls instead of checking: that gives each
cell's plan — which exercise, which of the notebook's names is the student's answer, which
cases. The student's function stays in the sandboxed child; the checker runs here and calls it
through a :class:`RemoteAnswer`, which sends each case's inputs to the child and gets plain data
back (``child/calls.py``). References, expected values, comparisons, hints and the verdict never
exist in the child, so nothing the submission does to its own interpreter (patched modules,
IPython hooks, tracing, threads, its end of the connection) can turn a failure into a pass.

The grader then writes the cell's outputs itself — the check's result, and ``CheckFailed`` as
an error output when it failed, as the check library shows them in a kernel — so nbgrader
scores what the grader decided. A cell that cannot be planned (it does more than call checks)
runs in the child as before, and the run's summary says so.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import threading
import time
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from mlmath_lab.checks import Case, CheckResult, as_cases
from mlmath_lab.checks.checker import Checker, Misconception
from mlmath_lab.checks.registry import get_checker
from mlmath_lab.checks.rules import Forbidden, ForbiddenUse, RemoteFunction

from .plaindata import Encoder, PlainDataError, decode, decode_exception, encode, encode_exception

# nbgrader's Execute.error_on_timeout, as the child records it for a cell that timed out.
TIMEOUT_ENAME = "CellTimeoutError"
TIMEOUT_TRACEBACK = "\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"
CHECKS_MODULE = "mlmath_lab.checks"


class NotPlannable(Exception):
    """A graded cell whose checks the grader cannot run itself; the message says why."""


class StudentProcessError(BaseException):
    """The child answered a request with something other than the protocol's reply. Not an
    ``Exception``: the checker would take it for an error of the student's function."""


class ScanFailed(Exception):
    """The child could not scan the student's function for forbidden calls."""


class ChildLost(BaseException):
    """The executor lost the child (it died, flooded, or stopped answering); the message
    says why, in an instructor's words. Not an ``Exception``, for the same reason."""


class CellTimedOut(BaseException):
    """The student's code ran past the cell's timeout (not an ``Exception``: the checker's
    own error handling must not turn it into a failed case and go on)."""


class Channel(Protocol):
    """The executor's connection to one child: one request, its reply (raising the
    executor's own errors when the child dies, floods or stops answering)."""

    def send(self, message: dict[str, Any]) -> None: ...

    def receive(self, deadline: float) -> Any: ...


# -- planning -------------------------------------------------------------------------------


@dataclass
class PlannedCheck:
    """One ``check(...)`` of a test cell, as the grader will run it."""

    exercise: str
    answer: str  # the notebook's name that holds the student's answer
    cases: list[Case]
    raise_on_failure: bool
    checker: Checker
    _expected: list[Any] | None = None
    _mistakes: dict[str, list[Any]] = field(default_factory=dict)
    _payloads: tuple[list[Any], list[Callable[..., Any]]] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def expected(self) -> list[Any]:
        """The reference's outputs on the cases, computed once for the whole class."""
        with self._lock:
            if self._expected is None:
                self._expected = self.checker.reference_outputs(self.cases)
            return self._expected

    def payloads(self) -> tuple[list[Any], list[Callable[..., Any]]]:
        """The cases' inputs as plain data, encoded once for the whole class, and the
        instructor's functions among them (the child calls them back by number)."""
        with self._lock:
            if self._payloads is None:
                callables: list[Callable[..., Any]] = []
                encoder = Encoder(callables)
                encoded = [encoder.encode((case.args, case.kwargs)) for case in self.cases]
                self._payloads = (encoded, callables)
            return self._payloads

    def mistake_outputs(self, mistake: Misconception) -> list[Any]:
        """A known mistake's outputs on the cases, computed once for the whole class."""
        with self._lock:
            if mistake.name not in self._mistakes:
                self._mistakes[mistake.name] = [
                    _call_quietly(mistake.wrong, case) for case in self.cases
                ]
            return self._mistakes[mistake.name]


@dataclass
class TestCellPlan:
    checks: list[PlannedCheck]


class _Answer:
    """A name of the notebook (the student's function), as the grader's plan refers to it."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise NotPlannable(f"the cell calls {self.name} itself (not only through check)")

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        raise NotPlannable(f"the cell uses {self.name}.{attribute} (not only through check)")


def plan_test_cell(source: str) -> TestCellPlan:
    """Run a graded cell's code here with ``check`` recording its calls; raise
    ``NotPlannable`` when the cell does anything the plan could not repeat faithfully."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise NotPlannable(f"it is not valid Python ({error.msg}, line {error.lineno})") from None
    recorded: list[PlannedCheck] = []

    def recording_check(
        exercise: str,
        answer: Any,
        *,
        cases: Sequence[Case | tuple[Any, ...]] | None = None,
        raise_on_failure: bool = True,
    ) -> None:
        if not isinstance(answer, _Answer):
            raise NotPlannable("its check is given something other than a name of the notebook")
        checker = get_checker(exercise)
        planned = as_cases(cases) if cases is not None else checker.cases()
        for case in planned:
            try:  # every input must be able to reach the child as plain data
                Encoder([]).encode((case.args, case.kwargs))
            except PlainDataError as error:
                raise NotPlannable(f"the inputs of {case.name!r} cannot be sent: {error}") from None
        recorded.append(PlannedCheck(exercise, answer.name, planned, raise_on_failure, checker))

    checks_module = types.SimpleNamespace()
    real_import = builtins.__import__

    def guarded_import(
        name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0
    ) -> Any:
        module = real_import(name, globals, locals, fromlist, level)
        if name == CHECKS_MODULE and fromlist:
            # ``from mlmath_lab.checks import check, Case``: the recording check
            vars(checks_module).update(
                {n: getattr(module, n) for n in dir(module) if not n.startswith("__")}
            )
            checks_module.check = recording_check
            return checks_module
        if name.split(".")[0] == "mlmath_lab" and name != CHECKS_MODULE:
            raise NotPlannable(f"it imports {name}")
        return module

    namespace: dict[str, Any] = {
        "__builtins__": {**vars(builtins), "__import__": guarded_import},
        "__name__": "__main__",
    }
    for name in _free_names(tree):
        namespace[name] = np if name == "np" else _Answer(name)
    try:
        exec(compile(tree, "<graded cell>", "exec"), namespace)  # the instructor's own cell
    except NotPlannable:
        raise
    except Exception as error:
        raise NotPlannable(
            f"running its code in the grader raised {type(error).__name__}: {error}"
        ) from None
    if not recorded:
        raise NotPlannable("it runs no check")
    return TestCellPlan(recorded)


def _free_names(tree: ast.AST) -> list[str]:
    """Names the cell reads but never binds: the notebook's names (numpy, the answers)."""
    bound: set[str] = set()
    loaded: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                loaded.append(node.id)
            else:
                bound.add(node.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return [
        name for name in dict.fromkeys(loaded) if name not in bound and not hasattr(builtins, name)
    ]


class VerdictPlans:
    """The plans of one assignment's graded cells, by source text (nbgrader restores every
    graded cell's source from the gradebook before it runs, so the text names the cell)."""

    def __init__(self) -> None:
        self.plans: dict[str, TestCellPlan] = {}
        self.unplanned: dict[str, str] = {}  # grade_id → why it runs in the child

    @classmethod
    def from_sources(cls, cells: dict[str, str]) -> VerdictPlans:
        """``cells``: graded test cells' grade ids and sources, as the gradebook has them."""
        plans = cls()
        for grade_id, source in cells.items():
            try:
                plans.plans[source] = plan_test_cell(source)
            except NotPlannable as why:
                plans.unplanned[grade_id] = str(why)
        return plans

    def plan_for(self, source: str) -> TestCellPlan | None:
        return self.plans.get(source)

    def warm(self) -> None:
        """Compute, once for the class, what every student's checks need: the cases as plain
        data and the references' outputs. Run in the background while the zygote warms up
        (the grader has little else to do then); a check that needs a value first waits for
        it (each ``PlannedCheck`` has a lock). Known mistakes' outputs stay lazy: only a
        failing student needs them, and some retrain a network."""
        from mlmath_lab.checks import references

        try:
            # one thread for torch in the grader: the children use the other cores
            references.torch().set_num_threads(1)
            for plan in self.plans.values():
                for planned in plan.checks:
                    planned.payloads()
                    planned.expected()
        except Exception:  # computed again where it is needed, and its error reported there
            return


# -- deciding ------------------------------------------------------------------------------


@dataclass
class CellVerdict:
    outputs: list[dict[str, Any]]
    execution_count: int | None


def decide_cell(
    channel: Channel, plan: TestCellPlan, soft_deadline: float, hard_deadline: float
) -> CellVerdict:
    """Run a graded cell's checks here on the student's functions in the child; the outputs
    are the ones the check library shows in a kernel."""
    count: int | None = None
    outputs: list[dict[str, Any]] = []
    try:
        for planned in plan.checks:
            remote = RemoteAnswer(channel, planned, soft_deadline, hard_deadline, outputs)
            answer = remote.answer(count_the_cell=count is None)
            if count is None:
                count = remote.execution_count
            if answer is _MISSING:
                outputs.append(_name_error(planned.answer))
                break
            try:
                result = planned.checker.run(
                    answer,
                    cases=planned.cases,
                    expected=planned.expected(),
                    mistake_outputs=planned.mistake_outputs,
                )
            except ScanFailed as failed:
                outputs.append(_error_output("ScanFailed", str(failed), [f"ScanFailed: {failed}"]))
                break
            outputs.append(check_display(result))
            if planned.raise_on_failure and not result.passed:
                outputs.append(check_failed(result))
                break
    except CellTimedOut:
        outputs.append(_error_output(TIMEOUT_ENAME, "", [TIMEOUT_TRACEBACK]))
    if count is None:  # out of time before its first check: it still ran, as In[n]
        count = _request(channel, {"count": True}, hard_deadline).get("execution_count")
    if not isinstance(count, int):
        raise StudentProcessError("no execution count")
    return CellVerdict(outputs, count)


_MISSING = object()


def _request(channel: Channel, message: dict[str, Any], deadline: float) -> dict[str, Any]:
    channel.send(message)
    reply = channel.receive(deadline)
    if not isinstance(reply, dict) or "error" in reply:
        why = reply.get("error") if isinstance(reply, dict) else type(reply).__name__
        raise StudentProcessError(f"the notebook's process did not answer as expected ({why})")
    return reply


class RemoteAnswer(RemoteFunction):
    """The student's function for one planned check, called in the child on the check's
    cases, sent as plain data; one exchange per check.

    The child finds the name, scans the function for forbidden calls and, if there are none,
    calls it on every case (on its own copies) under the cell's timeout; it answers with what
    each call returned or raised and its arguments after the call, plus what it printed. The
    checker then reads the scan (``forbidden_uses``) and the calls (``call_cases``) from that
    answer, as it would call a function here.
    """

    def __init__(
        self,
        channel: Channel,
        planned: PlannedCheck,
        soft_deadline: float,
        hard_deadline: float,
        outputs: list[dict[str, Any]],
    ) -> None:
        self.channel = channel
        self.planned = planned
        self.name = self.__name__ = self.__qualname__ = planned.answer
        self.soft_deadline = soft_deadline
        self.hard_deadline = hard_deadline
        self.outputs = outputs
        self.reply: dict[str, Any] = {}
        self.execution_count: int | None = None

    def answer(self, count_the_cell: bool = False) -> Any:
        """This, when the notebook defines a function of that name; the value it holds when
        it is not a function; ``_MISSING`` when the name is not defined.

        ``count_the_cell``: the same exchange takes the cell's execution count
        (``execution_count``), for its first check."""
        remaining = self.soft_deadline - time.monotonic()
        if remaining <= 0:
            raise CellTimedOut
        payloads, callables = self.planned.payloads()
        request: dict[str, Any] = {
            "check": {
                "name": self.name,
                "rules": [_rule_data(rule) for rule in self.planned.checker.forbidden],
                "cases": payloads,
                "timeout": remaining,
            }
        }
        if count_the_cell:
            request["count"] = True
        self.channel.send(request)
        reply = self.channel.receive(self.hard_deadline)
        while isinstance(reply, dict) and "callback" in reply:
            self.channel.send(_run_callback(callables, reply["callback"]))
            reply = self.channel.receive(self.hard_deadline)
        if not isinstance(reply, dict) or "error" in reply:
            why = reply.get("error") if isinstance(reply, dict) else type(reply).__name__
            raise StudentProcessError(f"the notebook's process did not answer as expected ({why})")
        self.reply = reply
        count = reply.get("execution_count")
        self.execution_count = count if isinstance(count, int) else None
        printed = reply.get("outputs")
        if isinstance(printed, list):
            self.outputs.extend(o for o in printed if isinstance(o, dict))
        if not reply.get("found"):
            return _MISSING
        if not reply.get("callable"):
            return _decoded(reply.get("value"))
        params = reply.get("params")
        params = params if isinstance(params, list) else []
        try:
            self.__signature__ = inspect.Signature(
                [inspect.Parameter(str(p), inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in params]
            )
        except (TypeError, ValueError):  # names that a signature cannot hold
            self.__signature__ = inspect.Signature()
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # The checker calls a remote function only through call_cases.
        raise RuntimeError(f"{self.name} runs in the student's process; it is not called here")

    def forbidden_uses(self, rules: Sequence[Forbidden]) -> list[ForbiddenUse]:
        if "scan_error" in self.reply:
            # in a kernel the check itself raises: the cell fails, and so it does here
            raise ScanFailed(
                f"the forbidden-calls rule could not read {self.name}: {self.reply['scan_error']}"
            )
        uses = []
        for entry in self.reply.get("uses", []):
            try:
                index, what, where = entry
                uses.append(ForbiddenUse(rules[int(index)], str(what), str(where)))
            except (TypeError, ValueError, IndexError):
                raise StudentProcessError("an unreadable scan") from None
        return uses

    def call_cases(self, cases: Sequence[Any]) -> list[tuple[Any, tuple[Any, Any]]]:
        if self.reply.get("timeout"):
            raise CellTimedOut
        planned = self.planned.cases
        if len(cases) != len(planned) or any(
            a is not b for a, b in zip(cases, planned, strict=True)
        ):
            raise RuntimeError("a remote answer is called on its planned cases only")
        results = self.reply.get("results")
        if not isinstance(results, list) or len(results) != len(cases):
            raise StudentProcessError("a reply without a result for every case")
        out = []
        from mlmath_lab.checks.student_code import Raised

        for result in results:
            if not isinstance(result, dict):
                raise StudentProcessError("an unreadable result")
            after = _decoded(result.get("after"))
            if not (isinstance(after, tuple) and len(after) == 2):
                raise StudentProcessError("an unreadable result")
            if "raised" in result:
                try:
                    got: Any = Raised(decode_exception(result["raised"]))
                except PlainDataError as error:
                    raise StudentProcessError(f"an unreadable reply: {error}") from None
            else:
                got = _decoded(result.get("returned"))
            out.append((got, after))
        return out


def _decoded(data: Any) -> Any:
    try:
        return decode(data)
    except PlainDataError as error:
        raise StudentProcessError(f"an unreadable reply: {error}") from None


def _rule_data(rule: Forbidden) -> dict[str, Any]:
    return {
        "name": rule.name,
        "objects": list(rule.objects),
        "methods": list(rule.methods),
        "operators": list(rule.operators),
        "modules": list(rule.modules),
        "loops": rule.loops,
        "why": rule.why,
    }


def _run_callback(callables: list[Callable[..., Any]], request: Any) -> dict[str, Any]:
    """An instructor's function among the inputs, called by the student's code: run here."""
    try:
        fn = callables[int(request["id"])]
        args, kwargs = decode(request["payload"])
    except (PlainDataError, KeyError, IndexError, TypeError, ValueError) as error:
        return {"raised": encode_exception(TypeError(f"bad call: {error}"), "")}
    try:
        with np.errstate(all="ignore"):
            value = fn(*args, **kwargs)
        return {"value": encode(value)}
    except Exception as error:
        return {"raised": encode_exception(error, f"{type(error).__name__}: {error}")}


def _call_quietly(fn: Callable[..., Any], case: Case) -> Any:
    import copy

    from mlmath_lab.checks.student_code import call_quietly

    return call_quietly(fn, *copy.deepcopy((case.args, case.kwargs)))


# -- the outputs, as a kernel shows them ------------------------------------------------------


def check_display(result: CheckResult) -> dict[str, Any]:
    return {"output_type": "display_data", "data": result._repr_mimebundle_(), "metadata": {}}


def check_failed(result: CheckResult) -> dict[str, Any]:
    """``CheckFailed`` as IPython shows it (its ``_render_traceback_``: one line)."""
    message = f"{result.title}: {result.summary}"
    return _error_output("CheckFailed", message, [f"CheckFailed: {message}"])


def _name_error(name: str) -> dict[str, Any]:
    message = f"name '{name}' is not defined"
    rule = "\x1b[0;31m" + "-" * 75 + "\x1b[0m"
    return _error_output("NameError", message, [rule, f"\x1b[0;31mNameError\x1b[0m: {message}"])


def _error_output(ename: str, evalue: str, traceback: list[str]) -> dict[str, Any]:
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback}
