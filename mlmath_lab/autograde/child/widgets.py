"""Jupyter widgets in the forked child, recorded as nbclient records them for nbgrader.

A kernel sends a widget's state to the frontend in comm messages. nbclient, which runs
nbgrader's kernels, keeps that state and writes it into the notebook's metadata
(``metadata.widgets``), and it plays the frontend's part for Output widgets: while an Output
widget captures (its ``msg_id`` is the running request's), the cell's outputs go into the
widget's state instead of the cell. ``interact`` draws its figure that way, so with nbgrader
the autograded cell holds the widget's view and the figure is in the widget state.

Here there is no kernel and no frontend: :class:`RecordingComm` takes the comm messages that
ipywidgets sends, :data:`WIDGETS` keeps the state and the Output widgets' captures as nbclient
does, and :mod:`.capture` asks it where each output goes.
"""

from __future__ import annotations

import base64
from typing import Any

from comm.base_comm import BaseComm

Output = dict[str, Any]

WIDGET_TARGET = "jupyter.widget"
OUTPUT_MODEL = ("@jupyter-widgets/output", "OutputModel")
STATE_MIME_TYPE = "application/vnd.jupyter.widget-state+json"


class _OutputCapture:
    """nbclient's stand-in for a frontend's Output widget (``nbclient.output_widget``)."""

    def __init__(self, widgets: WidgetState, comm_id: str, state: dict[str, Any]) -> None:
        self.widgets = widgets
        self.comm_id = comm_id
        self.outputs: list[Output] = list(state.get("outputs") or [])
        self.msg_id = ""
        self.clear_on_next = False

    def set_state(self, state: dict[str, Any]) -> None:
        if "msg_id" not in state:
            return
        msg_id = state.get("msg_id") or ""
        if msg_id:
            self.widgets.hooks.setdefault(msg_id, []).append(self)
        elif self.widgets.hooks.get(self.msg_id):
            self.widgets.hooks[self.msg_id].pop()
        self.msg_id = msg_id

    def output(self, output: Output) -> None:
        if self.clear_on_next:
            self.outputs = []
            self.clear_on_next = False
        last = self.outputs[-1] if self.outputs else None
        if (
            last is not None
            and last["output_type"] == "stream"
            and output["output_type"] == "stream"
            and last["name"] == output["name"]
        ):
            last["text"] += output["text"]
        else:
            self.outputs.append(output)
        self._store()

    def clear(self, wait: bool) -> None:
        if wait:
            self.clear_on_next = True
        else:
            self.outputs = []
            self._store()

    def _store(self) -> None:
        self.widgets.state.setdefault(self.comm_id, {})["outputs"] = self.outputs
        self.widgets.changed = True


class WidgetState:
    """The widgets of one notebook's run: their state, buffers and capturing Output widgets."""

    def __init__(self) -> None:
        self.state: dict[str, dict[str, Any]] = {}
        self.buffers: dict[str, dict[tuple[str, ...], dict[str, str]]] = {}
        self.captures: dict[str, _OutputCapture] = {}
        self.hooks: dict[str, list[_OutputCapture]] = {}  # request msg_id -> capturing stack
        self.changed = False

    def message(
        self,
        msg_type: str,
        comm_id: str,
        data: dict[str, Any],
        buffers: list[bytes] | None,
        target_name: str | None,
    ) -> None:
        """A comm message the kernel would send on IOPub (``comm_open``, ``comm_msg``)."""
        from ipykernel.jsonutil import json_clean

        if "state" in data:  # not custom messages
            self.state.setdefault(comm_id, {}).update(json_clean(data["state"]))
            self.changed = True
            paths = data.get("buffer_paths") or []
            for path, buffer in zip(paths, buffers or [], strict=False):
                self.buffers.setdefault(comm_id, {})[tuple(path)] = {
                    "data": base64.b64encode(bytes(buffer)).decode("ascii"),
                    "encoding": "base64",
                    "path": path,
                }
        if msg_type == "comm_open" and target_name == WIDGET_TARGET:
            state = data.get("state") or {}
            if (state.get("_model_module"), state.get("_model_name")) == OUTPUT_MODEL:
                self.captures[comm_id] = _OutputCapture(self, comm_id, state)
        elif msg_type == "comm_msg" and comm_id in self.captures and "state" in data:
            self.captures[comm_id].set_state(data["state"])

    def capture_for(self, msg_id: str) -> _OutputCapture | None:
        """The Output widget that takes the outputs of request ``msg_id``, if one captures."""
        stack = self.hooks.get(msg_id)
        return stack[-1] if stack else None

    def metadata(self) -> dict[str, Any] | None:
        """``metadata.widgets`` as nbclient writes it; None when no widget was created."""
        if not self.state:
            return None
        state: dict[str, Any] = {}
        for model_id, model in self.state.items():
            if "_model_name" not in model:
                continue
            entry = {
                "model_name": model.get("_model_name"),
                "model_module": model.get("_model_module"),
                "model_module_version": model.get("_model_module_version"),
                "state": model,
            }
            if self.buffers.get(model_id):
                entry["buffers"] = list(self.buffers[model_id].values())
            state[model_id] = entry
        return {STATE_MIME_TYPE: {"state": state, "version_major": 2, "version_minor": 0}}


WIDGETS = WidgetState()


class RecordingComm(BaseComm):  # type: ignore[misc]
    """A comm whose messages are recorded into :data:`WIDGETS` instead of sent to a frontend."""

    def publish_msg(
        self,
        msg_type: str,
        data: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        buffers: list[bytes] | None = None,
        **keys: Any,
    ) -> None:
        WIDGETS.message(msg_type, self.comm_id, data or {}, buffers, keys.get("target_name"))


def install() -> None:
    """Widgets created from now on talk to :data:`WIDGETS` (``comm.create_comm`` is the hook
    the ``comm`` package provides for kernels)."""
    import comm

    def create_comm(*args: Any, **kwargs: Any) -> BaseComm:
        return RecordingComm(*args, **kwargs)

    comm.create_comm = create_comm
