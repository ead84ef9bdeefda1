"""The child's side of a graded test cell: call the student's code on the grader's inputs.

The grader decides a graded cell's verdict itself (``verdicts.py``). It asks the sandboxed child
only what needs the student's process, one request at a time, and gets plain data back
(``plaindata.py``):

- ``{"count"}``: the cell's execution count (the cell runs, as far as ``In[n]`` goes);
- ``{"resolve": name}``: whether the notebook defines ``name``, whether it is callable, its
  positional parameters' names (or its value, when it is not callable);
- ``{"scan": {name, rules}}``: the forbidden-calls rule, which reads the function's bytecode;
- ``{"call": {name, payload, timeout}}``: call it on the inputs in ``payload``; answer what it
  returned or raised, its inputs after the call (to see what it changed in place) and what it
  printed. An instructor's function among the inputs is a stand-in that asks the grader to
  run it (``{"callback"}``), with the alarm held off during that exchange so a timeout never
  cuts a message in half.

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

from .plaindata import PlainDataError, decode, decode_exception, encode, encode_exception
from .zygote import CellTimeout, recv_frame, send_frame

# A student's function may be called back this often per call (a loss function, by a
# numerical gradient); past it the call raises, instead of tying up the grader.
MAX_CALLBACKS = 100_000


def handle(shell: Any, conn: socket.socket, message: dict[str, Any], max_output: int) -> Any:
    """The reply to one of the grader's requests about a graded cell."""
    if "count" in message:
        count = shell.execution_count
        shell.execution_count += 1
        return {"execution_count": count}
    if "resolve" in message:
        return _resolve(shell, str(message["resolve"]))
    if "scan" in message:
        return _scan(shell, message["scan"])
    if "call" in message:
        return _call(shell, conn, message["call"], max_output)
    return {"error": f"unknown request {sorted(message)!r}"}


def _lookup(shell: Any, name: str) -> tuple[bool, Any]:
    namespace = shell.user_ns
    if name in namespace:
        return True, namespace[name]
    import builtins

    if hasattr(builtins, name):
        return True, getattr(builtins, name)
    return False, None


def _resolve(shell: Any, name: str) -> dict[str, Any]:
    found, value = _lookup(shell, name)
    if not found:
        return {"found": False}
    if not callable(value):
        return {"found": True, "callable": False, "value": _encoded(value)}
    return {"found": True, "callable": True, "params": _parameter_names(value)}


def _parameter_names(fn: Any) -> list[str]:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        str(p.name) for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]


def _scan(shell: Any, request: dict[str, Any]) -> dict[str, Any]:
    from mlmath_lab.checks.rules import Forbidden, find_forbidden

    found, fn = _lookup(shell, str(request["name"]))
    if not found or not callable(fn):
        return {"uses": []}
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
        for rule in request["rules"]
    ]
    try:
        uses = find_forbidden(fn, rules)
    except Exception as error:  # the scan reads their code: code objects can be odd
        return {"uses": [], "error": f"{type(error).__name__}: {error}"}
    return {"uses": [[rules.index(use.rule), use.what, use.where] for use in uses]}


def _call(shell: Any, conn: socket.socket, request: dict[str, Any], max_output: int) -> Any:
    from mlmath_lab.checks.student_code import describe_student_error

    from .capture import CAPTURE

    found, fn = _lookup(shell, str(request["name"]))
    if not found or not callable(fn):
        return {"error": f"{request['name']} is not a function here"}
    calls = 0

    def callback(number: int) -> Callable[..., Any]:
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
                reply = recv_frame(conn)
            if reply is None:
                import os

                os._exit(0)  # the grader is gone
            if "raised" in reply:
                raise decode_exception(reply["raised"])
            return decode(reply["value"])

        return instructor_function

    try:
        args, kwargs = decode(request["payload"], callback)
    except (PlainDataError, TypeError, ValueError) as error:
        return {"error": f"the inputs could not be rebuilt: {error}"}
    CAPTURE.start(max_output)
    reply: dict[str, Any] = {}
    try:
        with _alarm(float(request["timeout"])):
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    returned = fn(*args, **kwargs)
                reply["returned"] = _encoded(returned)
            except CellTimeout:
                raise
            except BaseException as error:  # SystemExit too: data for the verdict, not an exit
                reply["raised"] = encode_exception(error, describe_student_error(error))
            reply["after"] = _encoded((tuple(args), kwargs))
    except CellTimeout:
        reply = {"timeout": True}
    reply["outputs"] = CAPTURE.outputs
    return reply


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
