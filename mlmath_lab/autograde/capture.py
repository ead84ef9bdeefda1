"""Turn what a cell prints, displays and raises into nbformat outputs, as ipykernel would.

Runs inside the forked child. ipykernel sends these as IOPub messages that nbclient turns into
outputs; here the shell's hooks append the outputs directly, in the order they happen, so the
order of prints, displays and errors is exact (a kernel's is only as exact as its flushes).
"""

from __future__ import annotations

import io
import sys
import uuid
from typing import Any

from ipykernel.jsonutil import encode_images, json_clean
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type

from .widgets import WIDGETS

Output = dict[str, Any]

TRUNCATION_NOTICE = "\n... output truncated by mlmath-lab autograde (limit {limit} bytes)\n"


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

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        text = self._take(text)
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
        """A display_data or execute_result; dropped with a notice when over the budget."""
        output["data"] = json_clean(encode_images(output["data"]))
        output["metadata"] = json_clean(output.get("metadata") or {})
        size = sum(len(str(v)) for v in output["data"].values())
        if self.truncated or self.used + size > self.limit:
            if not self.truncated:  # the notice, once; nothing after it
                self.truncated = True
                self._append_stream("stderr", TRUNCATION_NOTICE.format(limit=self.limit))
            return
        self.used += size
        capture = WIDGETS.capture_for(self.msg_id)
        if capture is not None:  # an Output widget takes it (nbclient keeps no display id)
            capture.output(output)
            return
        if display_id is not None:
            self.display_ids.setdefault(display_id, []).append(len(self.outputs))
        self._append(output)

    def update(self, display_id: str, data: dict[str, Any], metadata: dict[str, Any]) -> None:
        """update_display_data: nbclient rewrites the earlier outputs with that display id."""
        for index in self.display_ids.get(display_id, []):
            if index < len(self.outputs):
                self.outputs[index]["data"] = json_clean(encode_images(data))
                self.outputs[index]["metadata"] = json_clean(metadata or {})

    def error(
        self, ename: str, evalue: str, traceback: list[str], *, from_kernel: bool = True
    ) -> None:
        """Always recorded, whatever the budget: nbgrader scores a cell 0 by its error output.
        An error the kernel reports goes where its other outputs go (into a capturing Output
        widget); one the client adds (``from_kernel=False``) goes into the cell."""
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
        CAPTURE.stream(self.name_, text)
        return len(text)


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
        display_id = (transient or {}).get("display_id")
        if update and display_id is not None:
            CAPTURE.update(display_id, data, metadata or {})
            return
        CAPTURE.rich(
            {"output_type": "display_data", "data": data, "metadata": metadata or {}},
            display_id,
        )

    def clear_output(self, wait: bool = False) -> None:
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
