"""The child's side of a graded test cell: call the student's code on the grader's inputs.

The grader decides a graded cell's verdict itself (``verdicts.py``). It asks the sandboxed child
only what needs the student's process, and gets plain data back (``plaindata.py``):

- ``{"count"}``: the cell's execution count (the cell runs, as far as ``In[n]`` goes), asked
  with the cell's first check;
- ``{"check": {name, rules, cases, timeout}}``, once per check: whether the notebook defines
  ``name`` (its value, when it is not a function); the forbidden-calls rule, which reads the
  function's bytecode; and, when it uses nothing forbidden, one call per case on the case's
  inputs, under the cell's timeout. Per case: what it returned or raised, and its inputs after
  the call (to see what it changed in place); and what the calls printed. An instructor's
  function among the inputs is a stand-in that asks the grader to run it (``{"callback"}``),
  with the alarm held off during that exchange so a timeout never cuts a message in half.

Nothing here compares, and no reference, expected value or verdict is ever in this process.
"""

from __future__ import annotations

import contextlib
import inspect
import signal
import socket
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..plaindata import PlainDataError, decode, decode_exception, encode, encode_exception
from ..zygote import CellTimeout, recv_frame, send_frame

# A student's function may be called back this often per call (a loss function, by a
# numerical gradient); past it the call raises, instead of tying up the grader.
MAX_CALLBACKS = 100_000


def handle(shell: Any, conn: socket.socket, message: dict[str, Any], max_output: int) -> Any:
    """The reply to one of the grader's requests about a graded cell."""
    count = None
    if "count" in message:  # alone, or with the cell's first check
        count = shell.execution_count
        shell.execution_count += 1
    if "check" in message:
        reply = _check(shell, conn, message["check"], max_output)
    elif count is not None:
        reply = {}
    else:
        return {"error": f"unknown request {sorted(message)!r}"}
    if count is not None:
        reply["execution_count"] = count
    return reply


def _lookup(shell: Any, name: str) -> tuple[bool, Any]:
    namespace = shell.user_ns
    if name in namespace:
        return True, namespace[name]
    import builtins

    if hasattr(builtins, name):
        return True, getattr(builtins, name)
    return False, None


def _parameter_names(fn: Any) -> list[str]:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        str(p.name) for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _forbidden_uses(fn: Any, rules_data: list[dict[str, Any]]) -> Any:
    from mlmath_lab.checks.rules import Forbidden, find_forbidden

    rules = [
        Forbidden(
            name=str(rule["name"]),
            objects=tuple(rule["objects"]),
            methods=tuple(rule["methods"]),
            operators=tuple(rule["operators"]),
            modules=tuple(rule["modules"]),
            loops=bool(rule["loops"]),
            why=str(rule["why"]),
        )
        for rule in rules_data
    ]
    try:
        uses = find_forbidden(fn, rules)
    except Exception as error:  # code the scan cannot read: the check fails, as in a kernel
        return {"scan_error": f"{type(error).__name__}: {error}"}
    return [[rules.index(use.rule), use.what, use.where] for use in uses]


def _check(shell: Any, conn: socket.socket, request: dict[str, Any], max_output: int) -> Any:
    from .capture import CAPTURE

    found, fn = _lookup(shell, str(request["name"]))
    if not found:
        return {"found": False}
    if not callable(fn):
        return {"found": True, "callable": False, "value": _encoded(fn)}
    reply: dict[str, Any] = {"found": True, "callable": True, "params": _parameter_names(fn)}
    uses = _forbidden_uses(fn, request["rules"])
    if isinstance(uses, dict):
        reply.update(uses)
        return reply  # not called: the check fails on the scan
    reply["uses"] = uses
    if reply["uses"]:
        return reply  # the checker stops there: the function is not called, as in a kernel
    functions: dict[int, Callable[..., Any]] = {}
    calls = 0

    def callback(number: int) -> Callable[..., Any]:
        if number in functions:
            return functions[number]

        def instructor_function(*args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            if calls > MAX_CALLBACKS:
                raise RuntimeError(f"called more than {MAX_CALLBACKS} times in one check")
            try:
                payload = encode((args, kwargs))
            except PlainDataError as error:
                raise TypeError(f"these arguments cannot be passed: {error}") from None
            with _alarm_held():
                send_frame(conn, {"callback": {"id": number, "payload": payload}})
                answer = recv_frame(conn)
            if answer is None:
                import os

                os._exit(0)  # the grader is gone
            if "raised" in answer:
                raise decode_exception(answer["raised"])
            return decode(answer["value"])

        functions[number] = instructor_function
        return instructor_function

    CAPTURE.start(max_output)
    results: list[dict[str, Any]] = []
    try:
        with _alarm(float(request["timeout"])):
            for payload in request["cases"]:
                results.append(_call_once(fn, payload, callback))
    except CellTimeout:
        reply["timeout"] = True
    reply["results"] = results
    from .capture import FD_CAPTURE

    FD_CAPTURE.drain()  # what the calls wrote to fds 1 and 2 belongs to this cell
    reply["outputs"] = CAPTURE.outputs
    return reply


def _call_once(fn: Any, payload: Any, callback: Callable[[int], Callable[..., Any]]) -> Any:
    """One case: the inputs rebuilt here (the student's own copies), then the call."""
    from mlmath_lab.checks.student_code import describe_student_error

    args, kwargs = decode(payload, callback)
    result: dict[str, Any] = {}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            returned = fn(*args, **kwargs)
        result["returned"] = _encoded(returned)
    except CellTimeout:
        raise
    except BaseException as error:  # SystemExit too: data for the verdict, not an exit
        result["raised"] = encode_exception(error, describe_student_error(error))
    result["after"] = _encoded((tuple(args), kwargs))
    return result


def _encoded(value: Any) -> Any:
    try:
        return encode(value)
    except PlainDataError as error:
        return encode(_Unsendable(type(value), str(error)))
    except Exception as error:  # a hostile object (a property that raises, a broken __len__)
        return encode(_Unsendable(type(value), f"{type(error).__name__}: {error}"))


class _Unsendable:
    def __init__(self, cls: type, why: str) -> None:
        self.text = f"<{getattr(cls, '__name__', 'object')} that cannot be graded: {why}>"

    def __repr__(self) -> str:
        return self.text


@contextlib.contextmanager
def _alarm(timeout: float) -> Iterator[None]:
    """CellTimeout in the student's code after ``timeout`` s, again every 0.5 s after that
    (code that swallows one gets the next), as a cell's timeout is enforced."""
    if timeout <= 0:
        raise CellTimeout

    def on_alarm(signum: int, frame: Any) -> None:
        raise CellTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextlib.contextmanager
def _alarm_held() -> Iterator[None]:
    """SIGALRM waits while a message to or from the grader is in flight."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
