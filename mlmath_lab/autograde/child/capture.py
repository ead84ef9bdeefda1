"""Turn what a cell prints, displays and raises into nbformat outputs, as ipykernel would.

Runs inside the forked child. ipykernel sends these as IOPub messages that nbclient turns into
outputs; here the shell's hooks append the outputs directly, in the order they happen, so the
order of prints, displays and errors is exact (a kernel's is only as exact as its flushes).

What the cell writes to file descriptors 1 and 2 (C extensions, subprocesses, ``os.write``)
becomes stream output too, as ipykernel's ``OutStream(watchfd=True)`` records it
(:func:`capture_fd_output`). Text is cleaned of lone surrogates at the source, so that every
output can be written as UTF-8, and everything the cell emits (stream text, display data with
its metadata, every display update) counts against the cell's byte budget.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import select
import signal
import sys
import threading
import uuid
from collections import deque
from typing import Any

from ipykernel.jsonutil import encode_images, json_clean
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type

from .widgets import WIDGETS

Output = dict[str, Any]

TRUNCATION_NOTICE = "\n... output truncated by mlmath-lab autograde (limit {limit} bytes)\n"

_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without lone surrogates: each becomes U+FFFD (a high and low surrogate next
    to each other become the character they encode). A str may hold them (``"\\ud800"``,
    ``os.fsdecode`` of bad bytes), UTF-8 cannot: the notebook could not be written."""
    if text.isascii() or _SURROGATE.search(text) is None:  # isascii: O(1) in CPython
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def clean_json(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings) with every string and key cleaned."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {
            (clean_text(k) if isinstance(k, str) else k): clean_json(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    return value


def _json_size(value: Any, room: int) -> int:
    """The size of ``value`` as compact UTF-8 JSON, or ``room + 1`` as soon as it is known to
    be larger than ``room``: its characters are counted first, so that an output far over the
    budget is never serialised."""
    if _chars(value, room) > room:
        return room + 1
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return len(text.encode("utf-8", "surrogatepass"))


def _chars(value: Any, room: int) -> int:
    """A lower bound of ``value``'s JSON size (its strings' characters), counted only up to
    just past ``room``."""
    if isinstance(value, str):
        return len(value)
    total = 0
    if isinstance(value, dict):
        for key, item in value.items():
            total += len(str(key)) + _chars(item, room - total)
            if total > room:
                break
    elif isinstance(value, list | tuple):
        for item in value:
            total += _chars(item, room - total)
            if total > room:
                break
    return total


class CellOutputs:
    """The outputs of the running cell, with a byte budget so a print loop cannot fill memory."""

    def __init__(self) -> None:
        self.limit = 1_000_000
        self.outputs: list[Output] = []
        self.used = 0
        self.truncated = False
        self.clear_on_next = False
        self.display_ids: dict[str, list[int]] = {}
        self.msg_id = ""

    def start(self, limit: int) -> None:
        # The request this cell's outputs answer, as a kernel's messages name their parent:
        # an Output widget that captures names it.
        self.msg_id = uuid.uuid4().hex
        self.limit = limit
        self.outputs = []
        self.used = 0
        self.truncated = False
        self.clear_on_next = False
        self.display_ids = {}

    def _take(self, text: str) -> str:
        """The part of ``text`` that fits the budget; past it, one notice and nothing more."""
        if self.truncated:
            return ""
        room = self.limit - self.used
        # Slice by characters first (a character is at least one byte), so that a 100 MB
        # string is never encoded whole.
        head = text[: max(room, 0)]
        size = len(head.encode("utf-8", "surrogatepass"))
        if head == text and size <= room:
            self.used += size
            return text
        while size > room:  # multi-byte characters: cut further
            head = head[: max(len(head) - (size - room), 0)]
            size = len(head.encode("utf-8", "surrogatepass"))
        self.used = self.limit
        self.truncated = True
        return head + TRUNCATION_NOTICE.format(limit=self.limit)

    def _append(self, output: Output) -> None:
        if self.clear_on_next:  # clear_output(wait=True): clear when the next output comes
            self.outputs = []
            self.display_ids = {}
            self.clear_on_next = False
        self.outputs.append(output)

    def _admit(self, size: int) -> bool:
        """Take ``size`` bytes of the budget for a rich output or a display update; past the
        budget, one notice and nothing more."""
        if self.truncated or self.used + size > self.limit:
            if not self.truncated:  # the notice, once; nothing after it
                self.truncated = True
                # on stdout: nbgrader scores a graded cell with stderr output 0, and the
                # notice is ours, not the student's
                self._append_stream("stdout", TRUNCATION_NOTICE.format(limit=self.limit))
            return False
        self.used += size
        return True

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        text = self._take(clean_text(text))
        if not text:
            return
        capture = WIDGETS.capture_for(self.msg_id)
        if capture is not None:
            capture.output({"output_type": "stream", "name": name, "text": text})
        else:
            self._append_stream(name, text)

    def _append_stream(self, name: str, text: str) -> None:
        last = self.outputs[-1] if self.outputs else None
        if last is not None and last["output_type"] == "stream" and last["name"] == name:
            # ipykernel batches writes between flushes into one message; merging consecutive
            # writes gives the outputs a kernel gives for a cell that is not interleaved.
            last["text"] += text
        else:
            self._append({"output_type": "stream", "name": name, "text": text})

    def rich(self, output: Output, display_id: str | None = None) -> None:
        """A display_data or execute_result; dropped with a notice when over the budget (its
        data and its metadata, as JSON, count)."""
        if self.truncated:
            return
        output["data"] = clean_json(json_clean(encode_images(output["data"])))
        output["metadata"] = clean_json(json_clean(output.get("metadata") or {}))
        room = self.limit - self.used
        size = _json_size(output["data"], room)
        size += _json_size(output["metadata"], room - size)
        if not self._admit(size):
            return
        capture = WIDGETS.capture_for(self.msg_id)
        if capture is not None:  # an Output widget takes it (nbclient keeps no display id)
            capture.output(output)
            return
        if display_id is not None:
            self.display_ids.setdefault(display_id, []).append(len(self.outputs))
        self._append(output)

    def update(self, display_id: str, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        """update_display_data: nbclient rewrites the earlier outputs with that display id.
        Each update counts against the budget (its data and metadata, as JSON), as a new
        output would: a loop of updates is cut with the notice like a loop of prints."""
        indices = [i for i in self.display_ids.get(display_id, []) if i < len(self.outputs)]
        if not indices or self.truncated:
            return
        data = clean_json(json_clean(encode_images(data)))
        metadata = clean_json(json_clean(metadata or {}))
        room = self.limit - self.used
        size = _json_size(data, room)
        size += _json_size(metadata, room - size)
        if not self._admit(size):
            return
        for index in indices:
            self.outputs[index]["data"] = data
            self.outputs[index]["metadata"] = metadata

    def error(
        self, ename: str, evalue: str, traceback: list[str], *, from_kernel: bool = True
    ) -> None:
        """Always recorded, whatever the budget: nbgrader scores a cell 0 by its error output.
        An error the kernel reports goes where its other outputs go (into a capturing Output
        widget); one the client adds (``from_kernel=False``) goes into the cell."""
        ename, evalue = clean_text(ename), clean_text(evalue)
        traceback = [clean_text(line) for line in traceback]
        cap = max(self.limit // 10, 10_000)
        if len(evalue) > cap:
            evalue = evalue[:cap] + TRUNCATION_NOTICE.format(limit=cap)
        lines, total = [], 0
        for line in traceback:
            if total + len(line) > cap:
                lines.append(line[: max(cap - total, 0)] + TRUNCATION_NOTICE.format(limit=cap))
                break
            lines.append(line)
            total += len(line)
        output = {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": lines}
        capture = WIDGETS.capture_for(self.msg_id) if from_kernel else None
        if capture is not None:
            capture.output(output)
        else:
            self._append(output)

    def clear(self, wait: bool) -> None:
        capture = WIDGETS.capture_for(self.msg_id)
        if capture is not None:
            capture.clear(wait)
            return
        if wait:
            self.clear_on_next = True
        else:
            self.outputs = []
            self.display_ids = {}


CAPTURE = CellOutputs()


class CapturedStream(io.TextIOBase):
    """``sys.stdout`` / ``sys.stderr`` of the child: each write becomes stream output."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name_ = name

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        FD_CAPTURE.take()  # what fds 1 and 2 got before this write comes first
        CAPTURE.stream(self.name_, text)
        return len(text)

    def flush(self) -> None:
        # As OutStream.flush: whatever was written so far, fd-level output included, is in
        # the outputs afterwards (the shell flushes before it records an error).
        FD_CAPTURE.drain()


class CapturingDisplayPublisher(DisplayPublisher):
    """``display(...)`` → display_data (ipykernel's ZMQDisplayPublisher, without ZMQ)."""

    def publish(  # type: ignore[override]
        self,
        data: dict[str, Any],
        metadata: dict[str, Any] | None = None,
        source: Any = None,
        *,
        transient: dict[str, Any] | None = None,
        update: bool = False,
        **kwargs: Any,
    ) -> None:
        FD_CAPTURE.drain()  # as ZMQDisplayPublisher flushes the streams first
        display_id = (transient or {}).get("display_id")
        if update and display_id is not None:
            CAPTURE.update(display_id, data, metadata or {})
            return
        CAPTURE.rich(
            {"output_type": "display_data", "data": data, "metadata": metadata or {}},
            display_id,
        )

    def clear_output(self, wait: bool = False) -> None:
        FD_CAPTURE.drain()
        CAPTURE.clear(wait)


class CapturingDisplayHook(DisplayHook):
    """The value of a cell's last expression → execute_result (ZMQShellDisplayHook)."""

    def start_displayhook(self) -> None:
        self._result: Output = {"output_type": "execute_result", "data": {}, "metadata": {}}

    def write_output_prompt(self) -> None:
        self._result["execution_count"] = self.prompt_count

    def write_format_data(
        self, format_dict: dict[str, Any], md_dict: dict[str, Any] | None = None
    ) -> None:
        self._result["data"] = format_dict
        self._result["metadata"] = md_dict or {}

    def finish_displayhook(self) -> None:
        FD_CAPTURE.drain()  # as ZMQShellDisplayHook flushes stdout and stderr first
        if self._result.get("data"):
            CAPTURE.rich(self._result)
        self._result = {}


def _running_request() -> dict[str, Any]:
    """The request being run, as ipykernel names it: ipywidgets' Output widget asks for it
    (and for a kernel) to capture the outputs of the cell that runs it."""
    return {"header": {"msg_id": CAPTURE.msg_id, "msg_type": "execute_request"}}


class _KernelStandIn:
    """``get_ipython().kernel``: what ipywidgets asks of ipykernel's kernel object."""

    def get_parent(self) -> dict[str, Any]:
        return _running_request()


class CapturingShell(InteractiveShell):
    """An InteractiveShell whose outputs are captured, as ipykernel's ZMQInteractiveShell."""

    kernel = _KernelStandIn()

    displayhook_class = Type(CapturingDisplayHook)
    display_pub_class = Type(CapturingDisplayPublisher)

    def _showtraceback(self, etype: type, evalue: BaseException, stb: list[str]) -> None:
        # As ZMQInteractiveShell: the structured traceback becomes an error output, which is
        # what nbgrader looks for to score a cell 0.
        sys.stdout.flush()
        sys.stderr.flush()
        CAPTURE.error(str(etype.__name__), str(evalue), list(stb))

    def should_run_async(
        self,
        raw_cell: str,
        *,
        transformed_cell: str | None = None,
        preprocessing_exc_tuple: Any = None,
    ) -> bool:
        # IPython compiles the whole cell once more to see whether it is a coroutine (top-level
        # await, async for, async with). None of them can be written without "await" or
        # "async", so a cell with neither runs as IPython would run it, one compile sooner.
        if transformed_cell is not None and not _may_be_async(transformed_cell):
            return False
        return bool(
            super().should_run_async(
                raw_cell,
                transformed_cell=transformed_cell,
                preprocessing_exc_tuple=preprocessing_exc_tuple,
            )
        )

    def get_parent(self) -> dict[str, Any]:
        return _running_request()

    def set_parent(self, parent: dict[str, Any]) -> None:
        pass

    def enable_gui(self, gui: Any = None) -> None:
        # %matplotlib inline asks for no GUI; anything else cannot open a window here.
        if gui not in (None, "inline"):
            raise RuntimeError(f"GUI event loops ({gui}) are not available while autograding")


def _may_be_async(cell: str) -> bool:
    return "await" in cell or "async" in cell


# -- file descriptors 1 and 2 ----------------------------------------------------------------

PIPE_CHUNK = 65536
# Reads of one descriptor per drain: a subprocess that never stops writing cannot hold the
# cell in a drain (16 x 64 KiB, past any cell's budget).
DRAIN_READS = 16


class FdCapture:
    """Fds 1 and 2 of the child, recorded as ipykernel records them.

    A kernel (``IPKernelApp.capture_fd_output``, on by default) points fds 1 and 2 at pipes
    and a thread per pipe writes what arrives into ``sys.stdout``/``sys.stderr``: output of C
    code, subprocesses and ``os.write`` becomes the cell's stdout/stderr stream. It matters
    for the score: nbgrader's ``determine_grade`` gives a graded cell 0 for a stderr stream.

    Here the pipes are read by one thread (started after the sandbox, see
    :func:`capture_fd_output`), which only queues the bytes (at most the cell's budget; the
    rest is read and dropped, so a writer never blocks); the main thread turns the queue into
    stream output before each write to ``sys.stdout``/``sys.stderr`` and, reading what is
    still in the pipes too, at each flush, display and at the end of each cell. Without the
    thread (it could not start) the drains alone read the pipes.
    """

    def __init__(self) -> None:
        # The process that runs the cells; a copy the student's code forks reads nothing.
        self.pid = 0
        self.fds: dict[int, str] = {}  # read end -> stream name
        self.decoders: dict[str, codecs.IncrementalDecoder] = {}
        self.chunks: deque[tuple[str, bytes]] = deque()
        self.queued = 0  # bytes in chunks
        self.lock = threading.Lock()  # one reader of the pipes at a time: order is kept
        self.reader: threading.Thread | None = None
        self.first_cell = True

    def install(self) -> None:
        """fd 0 reads /dev/null; fds 1 and 2 write into pipes (the zygote's report pipe and
        log are no longer reachable through them)."""
        devnull = os.open(os.devnull, os.O_RDWR)
        try:
            os.dup2(devnull, 0)
            for fd, name in ((1, "stdout"), (2, "stderr")):
                try:
                    read_end, write_end = os.pipe()  # close-on-exec; fds 1 and 2 are inherited
                except OSError:
                    os.dup2(devnull, fd)  # no pipe: discarded, as before
                    continue
                os.dup2(write_end, fd)
                os.close(write_end)
                os.set_blocking(read_end, False)
                self.fds[read_end] = name
                self.decoders[name] = codecs.getincrementaldecoder("utf-8")(errors="replace")
        finally:
            os.close(devnull)
        self.pid = os.getpid()
        # A fork's copy of a lock the reader held would stay locked in the copy for good.
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self.lock = threading.Lock()

    def adopt(self) -> None:
        """This process runs the cells (the child itself, or the process it continues in,
        such as the first process of a PID namespace the sandbox forks into)."""
        self.pid = os.getpid()

    def start_reader(self) -> None:
        """Start the reading thread, once: it must start inside the sandbox (a thread that
        existed before would stay outside the child's namespaces, and so would whatever
        the student's code patched into it, ``FdCapture._read_once`` say)."""
        if not self.fds or (self.reader is not None and self.reader.is_alive()):
            return
        self.adopt()  # called by the sandbox or before a cell: in the process that runs them
        thread = threading.Thread(target=self._read, name="mlmath-fd-output", daemon=True)
        # Started with every signal blocked, which it keeps: the cell's SIGALRM must
        # interrupt the main thread, not this one.
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
        try:
            thread.start()
        except RuntimeError:  # no thread (the process limit): the drains read the pipes
            return
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        self.reader = thread

    def _read(self) -> None:
        poller = select.poll()
        for fd in self.fds:
            poller.register(fd, select.POLLIN)
        left = set(self.fds)
        while left:
            for fd, _event in poller.poll():
                with self.lock:
                    got = self._read_once(fd)
                if got < 0:  # no writer left (the student's code closed fd 1 or 2)
                    poller.unregister(fd)
                    left.discard(fd)

    def _read_once(self, fd: int) -> int:
        """One read of ``fd`` into the queue, under the lock: the bytes read, 0 when there
        were none, -1 at end of file."""
        try:
            data = os.read(fd, PIPE_CHUNK)
        except BlockingIOError:
            return 0
        except OSError:
            return -1
        if not data:
            return -1
        if self.queued <= max(CAPTURE.limit, PIPE_CHUNK):  # past it the cell is cut anyway
            self.chunks.append((self.fds[fd], data))
            self.queued += len(data)
        return len(data)

    def take(self) -> None:
        """What the thread queued → the running cell's stream outputs (main thread)."""
        if not self.chunks or os.getpid() != self.pid:
            return
        with self.lock:
            chunks = list(self.chunks)
            self.chunks.clear()
            self.queued = 0
        for name, data in chunks:
            text = self.decoders[name].decode(data)
            if text:
                CAPTURE.stream(name, text)

    def _read_all(self) -> None:
        """What the pipes hold now, into the queue (the caller holds the lock)."""
        for fd in self.fds:
            for _ in range(DRAIN_READS):
                if self._read_once(fd) <= 0:
                    break

    def drain(self) -> None:
        """Everything written to fds 1 and 2 so far → the running cell's outputs."""
        if not self.fds or os.getpid() != self.pid:
            return
        with self.lock:
            self._read_all()
        self.take()

    def discard(self) -> None:
        """Drop what was written so far: before the first cell (the set-up in the child) it
        is no cell's output, as a kernel's start-up output goes to its terminal."""
        if not self.fds or os.getpid() != self.pid:
            return
        with self.lock:
            self._read_all()
            self.chunks.clear()
            self.queued = 0
        for decoder in self.decoders.values():
            decoder.reset()


FD_CAPTURE = FdCapture()


def capture_fd_output(shell: InteractiveShell) -> None:
    """In the freshly forked child, before anything else: fd 0 reads /dev/null, fds 1 and 2
    become the running cell's stdout and stderr streams (:class:`FdCapture`), drained when
    each cell ends. The reading thread starts inside the sandbox, before its process limit
    (``sandbox.BEFORE_PROCESS_LIMIT``), or else before the first cell."""
    from ..sandbox import BEFORE_PROCESS_LIMIT

    FD_CAPTURE.install()
    BEFORE_PROCESS_LIMIT.append(FD_CAPTURE.start_reader)
    shell.events.register("pre_run_cell", _before_cell)
    shell.events.register("post_run_cell", _after_cell)


def _before_cell(info: Any) -> None:
    FD_CAPTURE.adopt()
    if FD_CAPTURE.first_cell:
        FD_CAPTURE.first_cell = False
        FD_CAPTURE.discard()
    FD_CAPTURE.start_reader()


def _after_cell(result: Any) -> None:
    FD_CAPTURE.drain()


WIDGET_STATE_NOTICE = (
    "\n... widget state not recorded by mlmath-lab autograde: {size} bytes (limit {limit} bytes)\n"
)


def bounded_widget_state(state: Any, limit: int) -> Any:
    """The notebook's widget state, counted against the output limit as a cell's outputs
    are: past it, the state is not recorded (``{}``) and the running cell says so, while
    its outputs, and the rest of the notebook, are graded as usual."""
    size = len(json.dumps(state, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    if size <= limit:
        return state
    CAPTURE._append_stream("stdout", WIDGET_STATE_NOTICE.format(size=size, limit=limit))
    return {}
