"""The pre-warmed executor: kernel-equal outputs, and hostile notebooks that cannot hurt it."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from nbclient import NotebookClient

from mlmath_lab.autograde.executor import PrewarmedExecutor
from mlmath_lab.autograde.limits import Limits
from mlmath_lab.checks import CHECK_MIME_TYPE

CELL_TIMEOUT = 3.0
LIMITS = Limits(cell_timeout=CELL_TIMEOUT, notebook_timeout=120, max_output_bytes=100_000)

# Only if sandbox.py is missing: a stand-in that confines nothing, so the executor is testable.
STUB_SANDBOX = "def enter_sandbox(limits, workdir):\n    return None\n"


def _sandbox_entry(monkeypatch: pytest.MonkeyPatch, tmp: Path) -> str:
    try:
        import mlmath_lab.autograde.sandbox  # noqa: F401
    except ImportError:
        (tmp / "stub_sandbox.py").write_text(STUB_SANDBOX)
        monkeypatch.setenv("PYTHONPATH", f"{tmp}{os.pathsep}{os.environ.get('PYTHONPATH', '')}")
        return "stub_sandbox:enter_sandbox"
    return "mlmath_lab.autograde.sandbox:enter_sandbox"


def make_executor(limits: Limits = LIMITS) -> Iterator[PrewarmedExecutor]:
    with pytest.MonkeyPatch.context() as mp:
        tmp = Path(tempfile.mkdtemp())
        executor = PrewarmedExecutor(limits, sandbox=_sandbox_entry(mp, tmp))
        executor.start()
    try:
        yield executor
    finally:
        executor.close()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def executor() -> Iterator[PrewarmedExecutor]:
    yield from make_executor()


@pytest.fixture
def workdir() -> Iterator[Path]:
    # Not tmp_path: as root the sandbox runs the code as `nobody`, who cannot enter
    # /tmp/pytest-of-root (0700); a fresh mkdtemp in /tmp is reachable.
    path = Path(tempfile.mkdtemp(prefix="mlmath-test-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def notebook(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def run(executor: PrewarmedExecutor, workdir: Path, *sources: str) -> tuple[Any, list[Any]]:
    result = executor.run(notebook(*sources), workdir)
    return result, [cell.outputs for cell in result.notebook.cells]


def text(outputs: list[Any]) -> str:
    return "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")


# -- equal to a kernel ------------------------------------------------------------------------

PARITY_CELLS = (
    "import sys\nprint('hello')\nprint('to stderr', file=sys.stderr)",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))\nprint('after')",
    "x = 6 * 7\nx",
    "def f():\n    raise ValueError('bad value')\nf()",
    "def softmax(z, axis=-1):\n    raise NotImplementedError()\n"
    "from mlmath_lab.checks import check\ncheck('01-linear-algebra/softmax', softmax)",
    "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()",
    "get_ipython().__class__.__name__ != ''",
    "import os\nos.environ.get('NBGRADER_EXECUTION', 'unset')",
    "1 +",
    "import asyncio\nawait asyncio.sleep(0)\n'awaited at the top level'",
)

ANSI = re.compile(r"\x1b\[[0-9;]*m")
DURATION = re.compile(r"\(\d+ ms\)")


def normalized(outputs: list[Any]) -> list[dict[str, Any]]:
    """Outputs without what differs between any two runs: metadata, timings, colours, ids."""
    result = []
    for output in outputs:
        out = {k: v for k, v in output.items() if k != "metadata"}
        if "data" in out:
            data = dict(out["data"])
            if CHECK_MIME_TYPE in data:
                data[CHECK_MIME_TYPE] = {
                    k: v for k, v in data[CHECK_MIME_TYPE].items() if k != "duration_ms"
                }
            for mime in ("text/plain", "text/html"):
                if mime in data:
                    data[mime] = DURATION.sub("(N ms)", data[mime])
            if "image/png" in data:  # same figure; the encoder may differ in bytes
                data["image/png"] = "<png>"
            out["data"] = data
        if "traceback" in out:
            out["traceback"] = [ANSI.sub("", line) for line in out["traceback"]]
        result.append(out)
    return result


def run_in_both(
    executor: PrewarmedExecutor, workdir: Path, cells: tuple[str, ...]
) -> tuple[Any, nbformat.NotebookNode]:
    """The cells run by the executor, and by nbclient in a real kernel (as nbgrader runs)."""
    ours = executor.run(notebook(*cells), workdir)
    assert ours.problem is None
    theirs = notebook(*cells)
    NotebookClient(
        theirs,
        kernel_name="python3",
        allow_errors=True,
        timeout=120,
        resources={"metadata": {"path": str(workdir)}},
    ).execute()
    return ours, theirs


@pytest.mark.slow
def test_outputs_equal_those_of_a_real_kernel(executor: PrewarmedExecutor, workdir: Path) -> None:
    ours, theirs = run_in_both(executor, workdir, PARITY_CELLS)
    for index, (mine, kernel) in enumerate(zip(ours.notebook.cells, theirs.cells, strict=True)):
        assert mine.execution_count == kernel.execution_count, index
        if index == 7:  # the kernel is not run by nbgrader here: only the executor sets it
            assert mine.outputs[0]["data"]["text/plain"] == "'autograde'"
            continue
        assert normalized(mine.outputs) == normalized(kernel.outputs), PARITY_CELLS[index]
    check_display, check_error = ours.notebook.cells[4].outputs
    assert set(check_display["data"]) == {CHECK_MIME_TYPE, "text/html", "text/plain"}
    assert check_error["ename"] == "CheckFailed"
    figure = ours.notebook.cells[5].outputs[0]
    assert figure["output_type"] == "display_data" and "image/png" in figure["data"]


WIDGET_CELLS = (
    "import ipywidgets as widgets\nimport matplotlib.pyplot as plt\n\n"
    "def show(n=2):\n    print('n is', n)\n    plt.plot(range(n))\n    plt.show()\n\n"
    "widgets.interact(show, n=widgets.IntSlider(value=3, min=1, max=5));",
    "out = widgets.Output()\nwith out:\n    print('captured')\n    raise ValueError('in the widget')\n"
    "print('not captured')\nout",
    "with out:\n    print('later')\nwidgets.IntSlider(value=7)",
    "print('plain')",
)
MODEL_REF = re.compile(r"IPY_MODEL_[0-9a-f]+")


def _widget_views(outputs: list[Any]) -> list[Any]:
    """Outputs with the widget views' model ids (random) left out."""
    view = "application/vnd.jupyter.widget-view+json"
    result = []
    for output in outputs:
        if view in output.get("data", {}):
            data = dict(output["data"])
            data[view] = {k: v for k, v in data[view].items() if k != "model_id"}
            output = {**output, "data": data}
        result.append(output)
    return result


def _widget_states(nb: nbformat.NotebookNode) -> list[Any]:
    """The widget state, without what differs between runs: model ids and image bytes."""
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    models = []
    for model in state["state"].values():
        fields = dict(model["state"])
        if "outputs" in fields:
            fields["outputs"] = normalized(fields["outputs"])
        text = MODEL_REF.sub("IPY_MODEL", json.dumps(fields, sort_keys=True))
        models.append((model["model_name"], model["model_module_version"], text))
    return [*sorted(models), (state["version_major"], state["version_minor"])]


@pytest.mark.slow
def test_widgets_are_recorded_as_nbclient_records_them(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    ours, theirs = run_in_both(executor, workdir, WIDGET_CELLS)
    for index, (mine, kernel) in enumerate(zip(ours.notebook.cells, theirs.cells, strict=True)):
        assert _widget_views(normalized(mine.outputs)) == _widget_views(
            normalized(kernel.outputs)
        ), WIDGET_CELLS[index]
    assert _widget_states(ours.notebook) == _widget_states(theirs)
    # interact's figure and print are in its Output widget, not in the cell
    first = ours.notebook.cells[0].outputs
    assert [set(o["data"]) for o in first] == [
        {"application/vnd.jupyter.widget-view+json", "text/plain"}
    ]
    captured = [
        m["state"]["outputs"]
        for m in ours.notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"][
            "state"
        ].values()
        if m["model_name"] == "OutputModel"
    ]
    assert any(
        [o["output_type"] for o in outputs] == ["stream", "display_data"] for outputs in captured
    )
    assert any(
        [o["output_type"] for o in outputs] == ["stream", "error", "stream"] for outputs in captured
    )


def test_a_notebook_without_widgets_gets_no_widget_state(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    result = executor.run(notebook("x = 1", "print(x)"), workdir)
    assert result.problem is None
    assert "widgets" not in result.notebook.metadata


# -- hostile and broken notebooks -----------------------------------------------------------

TIMEOUT_OUTPUT = {
    "output_type": "error",
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["\x1b[0;31mCellTimeoutError\x1b[0m: No reply from kernel before timeout"],
}


@pytest.mark.slow
@pytest.mark.parametrize(
    "looping",
    [
        "while True:\n    pass",
        "import time\ntime.sleep(100)",
        # Swallowing the first interrupt does not help: it comes again.
        "try:\n    while True:\n        pass\nexcept BaseException:\n    pass\nwhile True:\n    pass",
    ],
)
def test_a_cell_that_runs_forever_times_out_and_the_next_cell_runs(
    executor: PrewarmedExecutor, workdir: Path, looping: str
) -> None:
    started = time.monotonic()
    result, outputs = run(executor, workdir, "print('before')", looping, "print('after')")
    assert result.problem is None
    assert outputs[1] == [TIMEOUT_OUTPUT]
    assert text(outputs[2]) == "after\n"
    assert time.monotonic() - started < CELL_TIMEOUT + 3


def test_sys_exit_is_an_error_output_and_the_next_cell_runs(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    result, outputs = run(executor, workdir, "import sys\nsys.exit(3)", "print('after')")
    assert result.problem is None
    error = next(o for o in outputs[0] if o["output_type"] == "error")
    assert (error["ename"], error["evalue"]) == ("SystemExit", "3")
    assert "An exception has occurred" in error["traceback"][0]
    assert text(outputs[1]) == "after\n"


def test_os_exit_ends_the_run_with_a_problem_and_later_cells_stay_empty(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    result, outputs = run(executor, workdir, "print(1)", "import os\nos._exit(0)", "print(2)")
    assert result.problem is not None
    assert "ended the process" in result.problem and "cell 2" in result.problem
    assert text(outputs[0]) == "1\n"
    assert outputs[1] == [] and outputs[2] == []
    assert result.notebook.cells[2].execution_count is None


def test_a_segfault_is_reported_as_a_crash(executor: PrewarmedExecutor, workdir: Path) -> None:
    result, _ = run(executor, workdir, "import ctypes\nctypes.string_at(0)", "print(2)")
    assert result.problem is not None and "crashed" in result.problem
    assert "SIGSEGV" in result.problem


def test_huge_output_is_truncated_with_a_notice(executor: PrewarmedExecutor, workdir: Path) -> None:
    result, outputs = run(executor, workdir, "print('x' * 10**8)", "print('next')")
    assert result.problem is None
    printed = text(outputs[0])
    assert printed.startswith("xxxx")
    assert "output truncated by mlmath-lab autograde (limit 100000 bytes)" in printed
    assert len(printed) < LIMITS.max_output_bytes + 200
    assert text(outputs[1]) == "next\n"


NOTICE = "output truncated by mlmath-lab autograde (limit 100000 bytes)"


def test_display_metadata_and_updates_count_against_the_output_limit(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    cells = (
        # small data, 5 MB of metadata
        "from IPython.display import display\n"
        "display({'text/plain': 'small'}, raw=True, metadata={'big': 'm' * 5_000_000})",
        # one display updated 10,000 times with 1 KB each (10 MB in all)
        "from IPython.display import display\n"
        "handle = display('start', display_id=True)\n"
        "for i in range(10_000):\n"
        "    handle.update({'text/plain': f'{i:5d}' + 'u' * 1000}, raw=True)",
        # a small display, then one 5 MB update
        "handle = display('small', display_id=True)\n"
        "handle.update({'text/plain': 'z' * 5_000_000}, raw=True)",
        "print('next')",
    )
    result, outputs = run(executor, workdir, *cells)
    assert result.problem is None, result.problem
    for index in range(3):
        recorded = len(json.dumps(outputs[index]))
        assert recorded < LIMITS.max_output_bytes + 1000, (cells[index], recorded)
        assert NOTICE in text(outputs[index]), cells[index]
    # the display keeps the last update within the budget, about 100 of the 10,000
    (display,) = [o for o in outputs[1] if o["output_type"] == "display_data"]
    assert 50 < int(display["data"]["text/plain"][:5]) < 100
    assert text(outputs[3]) == "next\n"


def test_widget_state_counts_against_the_output_limit_and_the_rest_is_graded(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    cells = (
        "import ipywidgets as w\nsmall = w.IntSlider(value=3)\nprint('small')",
        # 3 MB of widget state, in thirty widgets: past the limit, it is not recorded
        "big = [w.Textarea(value='x' * 100_000) for _ in range(30)]\nprint('big')",
        "print('next')",
    )
    result, outputs = run(executor, workdir, *cells)
    assert result.problem is None, result.problem
    assert text(outputs[0]) == "small\n"
    assert text(outputs[1]).startswith("big\n")
    assert "widget state not recorded by mlmath-lab autograde" in text(outputs[1])
    assert "(limit 100000 bytes)" in text(outputs[1])
    assert text(outputs[2]) == "next\n"
    assert "widgets" not in result.notebook.metadata


def test_a_lone_surrogate_becomes_a_replacement_character(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    cells = (
        "print('a\\ud800b')",
        # a high and a low surrogate side by side are one character
        "import sys\nprint('pair \\ud83d\\ude00 and \\udcff', file=sys.stderr)",
        "from IPython.display import HTML, display\n"
        "display(HTML('<b>\\udfff</b>'), metadata={'k\\ud800': 'v\\udc80'})",
        "raise ValueError('bad \\ud800')",
    )
    result, outputs = run(executor, workdir, *cells)
    assert result.problem is None, result.problem
    assert text(outputs[0]) == "a\ufffdb\n"
    assert outputs[1][0]["name"] == "stderr"
    assert text(outputs[1]) == "pair \U0001f600 and \ufffd\n"
    (display,) = outputs[2]
    assert display["data"]["text/html"] == "<b>\ufffd</b>"
    assert display["metadata"] == {"k\ufffd": "v\ufffd"}
    (error,) = outputs[3]
    assert error["evalue"] == "bad \ufffd"
    # a widget's state (the notebook's metadata) too
    nb = notebook("import ipywidgets as w\nw.Label(value='label \\ud800')")
    with_widget = executor.run(nb, workdir)
    assert with_widget.problem is None, with_widget.problem
    state = json.dumps(with_widget.notebook.metadata["widgets"], ensure_ascii=False)
    assert "label \ufffd" in state
    assert any("\ufffd" in line for line in error["traceback"])
    # the grader can write the notebook: no surrogate is left anywhere
    path = workdir / "graded.ipynb"
    nbformat.write(result.notebook, path)
    assert "\ufffd" in path.read_text(encoding="utf-8")


# -- file descriptors 1 and 2 ---------------------------------------------------------------

FD_CELLS = (
    # time for ipykernel's pipe-reading thread to get the bytes before the cell ends
    "import os, time\n_ = os.write(2, b'to fd 2\\n')\ntime.sleep(0.3)",
    "import os, time\n_ = os.write(1, b'to fd 1\\n')\ntime.sleep(0.3)",
    "import subprocess, time\n_ = subprocess.run(['echo', 'from a subprocess'])\ntime.sleep(0.3)",
)


@pytest.mark.slow
def test_fd_output_is_recorded_as_nbgrader_records_it(
    executor: PrewarmedExecutor, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a cell writes to fds 1 and 2 is the cell's stdout/stderr stream, as under
    nbgrader's Execute (ipykernel's capture_fd_output), and a graded cell that writes to fd 2
    scores 0 in both (determine_grade: a stderr stream is an error)."""
    from nbgrader.preprocessors import Execute
    from nbgrader.utils import determine_grade

    ours = executor.run(notebook(*FD_CELLS), workdir)
    assert ours.problem is None, ours.problem
    # ipykernel does not watch fds 1 and 2 under pytest (it looks for this variable)
    monkeypatch.delenv("PYTEST_CURRENT_TEST", raising=False)
    theirs, _ = Execute(timeout=60).preprocess(
        notebook(*FD_CELLS), {"metadata": {"path": str(workdir)}}
    )
    mine = [normalized(cell.outputs) for cell in ours.notebook.cells]
    kernel = [normalized(cell.outputs) for cell in theirs.cells]
    assert kernel[0] == [{"output_type": "stream", "name": "stderr", "text": "to fd 2\n"}]
    assert mine == kernel
    for nb in (ours.notebook, theirs):
        cell = nb.cells[0]
        cell.metadata["nbgrader"] = {
            "grade": True,
            "solution": False,
            "locked": True,
            "grade_id": "fd2",
            "points": 1,
        }
        assert determine_grade(cell) == (0, 1.0)


def test_fd_output_over_the_budget_does_not_block_the_writer(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    """5 MB in one os.write to fd 1 (a pipe holds 64 KiB): the writer is not blocked until
    the cell times out; the output is cut with the notice like a print."""
    started = time.monotonic()
    result, outputs = run(
        executor, workdir, "import os\n_ = os.write(1, b'w' * 5_000_000)", "print('next')"
    )
    assert result.problem is None, result.problem
    printed = text(outputs[0])
    assert printed.startswith("wwww") and NOTICE in printed
    assert len(printed) < LIMITS.max_output_bytes + 200
    assert text(outputs[1]) == "next\n"
    assert time.monotonic() - started < CELL_TIMEOUT


def test_a_forged_oversized_frame_kills_the_child(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    # Student code that finds the child's socket and announces a 1 GB message.
    forge = (
        "import gc, socket, struct\n"
        "sock = next(o for o in gc.get_objects() if isinstance(o, socket.socket) and o.fileno() >= 0)\n"
        "sock.sendall(struct.pack('!I', 10**9))\n"
        "import time\ntime.sleep(100)"
    )
    result, outputs = run(executor, workdir, forge, "print('never')")
    assert result.problem is not None and result.problem.startswith("output too large")
    assert outputs[1] == []


@pytest.mark.slow
def test_a_cell_that_ignores_the_interrupt_is_killed(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    stubborn = "import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\ntime.sleep(100)"
    result, outputs = run(executor, workdir, stubborn, "print('never')")
    assert result.problem is not None
    assert "did not stop when interrupted" in result.problem and "cell 1" in result.problem
    assert outputs == [[], []]
    assert result.duration_s < CELL_TIMEOUT + 8


@pytest.mark.slow
def test_a_cell_that_always_swallows_the_interrupt_is_killed(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    swallow = "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"
    result, _ = run(executor, workdir, swallow, "print('never')")
    assert result.problem is not None and "did not stop when interrupted" in result.problem


@pytest.mark.slow
def test_the_notebook_timeout_stops_the_run() -> None:
    limits = Limits(cell_timeout=3, notebook_timeout=4)
    for ex in make_executor(limits):
        path = Path(tempfile.mkdtemp())
        try:
            sleep = "import time\ntime.sleep(1.5)"
            result, outputs = run(ex, path, sleep, sleep, sleep, sleep)
        finally:
            shutil.rmtree(path, ignore_errors=True)
        assert result.problem is not None
        assert result.problem.startswith("the notebook ran longer than 4 s and was stopped")
        assert outputs[0] != [] or result.notebook.cells[0].execution_count == 1
        assert outputs[3] == []


def test_runs_are_isolated(executor: PrewarmedExecutor, workdir: Path) -> None:
    patch = "import numpy as np\nnp.sum = lambda *a, **k: 42\nprint(np.sum([1, 2]))"
    _, first = run(executor, workdir, patch)
    _, second = run(executor, workdir, "import numpy as np\nprint(np.sum([1, 2]))")
    assert text(first[0]) == "42\n" and text(second[0]) == "3\n"


def test_the_child_collects_its_own_cycles_but_never_walks_the_zygotes_objects(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    # The zygote's objects are frozen: a child's full collection would otherwise walk (and
    # copy on write) the whole inherited heap, about 90 ms of each submission.
    cell = (
        "import gc, weakref\n"
        "class Node:\n    pass\n"
        "node = Node()\nnode.me = node\nalive = weakref.ref(node)\ndel node\n"
        "print(gc.get_freeze_count() > 10_000, gc.collect() > 0, alive() is None)"
    )
    _, outputs = run(executor, workdir, cell)
    assert text(outputs[0]) == "True True True\n"


def test_a_submission_that_cannot_be_isolated_runs_nothing(
    executor: PrewarmedExecutor, tmp_path: Path
) -> None:
    if os.geteuid() != 0 or "stub" in executor.sandbox:
        pytest.skip("only the real sandbox, as root, refuses an unreachable workdir")
    # pytest's tmp_path lies under /tmp/pytest-of-root (0700): `nobody` cannot reach it.
    result, outputs = run(executor, tmp_path, "print('ran')")
    assert result.problem is not None and "could not isolate" in result.problem
    assert outputs == [[]]


@pytest.mark.slow
def test_eight_notebooks_from_four_threads(executor: PrewarmedExecutor) -> None:
    results: dict[int, Any] = {}

    def worker(ids: list[int]) -> None:
        for i in ids:
            path = Path(tempfile.mkdtemp())
            try:
                results[i] = executor.run(
                    notebook(f"n = {i}", "import numpy as np\nprint(int(np.sum([n, n])))"), path
                )
            finally:
                shutil.rmtree(path, ignore_errors=True)

    threads = [threading.Thread(target=worker, args=([t, t + 4],)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(results) == list(range(8))
    for i, result in results.items():
        assert result.problem is None, result.problem
        assert text(result.notebook.cells[1].outputs) == f"{2 * i}\n"


@pytest.mark.slow
def test_close_leaves_no_process_behind() -> None:
    pids: list[int] = []
    path = Path(tempfile.mkdtemp())
    finished = threading.Event()
    for ex in make_executor(Limits(cell_timeout=60, notebook_timeout=120)):
        assert ex._proc is not None
        pids.append(ex._proc.pid)
        _, outputs = run(ex, path, "import os\nprint(os.getpid())")
        child_pid = int(text(outputs[0]))
        if child_pid != 1:  # as root, its own PID namespace shows it as 1: counted below
            pids.append(child_pid)

        def long_run(ex: PrewarmedExecutor = ex) -> None:
            # A child still running, with a process of its own, when the executor closes.
            nb = notebook(
                "import subprocess, time\n"
                "p = subprocess.Popen(['sleep', '300'])\n"
                "print(os.getpid(), p.pid, flush=True)\ntime.sleep(300)"
            )
            nb.cells.insert(0, nbformat.v4.new_code_cell("import os"))
            ex.run(nb, path)
            finished.set()

        thread = threading.Thread(target=long_run)
        thread.start()
        deadline = time.monotonic() + 30
        zygote = psutil.Process(pids[0])
        # until the child's own process (the sleep) runs
        while time.monotonic() < deadline and not any(
            p.name() == "sleep" for p in zygote.children(recursive=True)
        ):
            time.sleep(0.1)
        pids.extend(p.pid for p in zygote.children(recursive=True))
        assert len(pids) >= 3  # the zygote, the child and the child's own process
    assert finished.wait(10), "run() did not return after close()"
    shutil.rmtree(path, ignore_errors=True)
    time.sleep(0.5)
    for pid in pids:
        if psutil.pid_exists(pid):
            assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, pid


def test_a_lazy_start_runs_the_first_notebook_once_warm(workdir: Path) -> None:
    """``lazy``: ``with`` returns at once; the first run waits for the zygote, then runs."""
    with PrewarmedExecutor(LIMITS, lazy=True) as ex:
        assert ex._proc is not None
        _, outputs = run(ex, workdir, "print(6 * 7)")
        assert text(outputs[0]) == "42\n"
    with pytest.raises(RuntimeError, match="was closed"):
        run(ex, workdir, "print(1)")


def test_a_zygote_that_cannot_start_says_why(workdir: Path) -> None:
    """A preload that fails to import: ``wait_ready`` and ``run`` raise with the zygote's log,
    whether started eagerly or lazily, and nothing is left running."""
    with pytest.raises(RuntimeError, match="no_such_module_for_the_zygote"):
        PrewarmedExecutor(LIMITS, preload=("no_such_module_for_the_zygote",)).start()
    ex = PrewarmedExecutor(LIMITS, preload=("no_such_module_for_the_zygote",), lazy=True)
    with ex:
        with pytest.raises(RuntimeError, match=r"could not start.*no_such_module_for_the_zygote"):
            ex.wait_ready()
        with pytest.raises(RuntimeError, match="could not start"):
            run(ex, workdir, "print(1)")
        proc = ex._proc
    assert proc is not None and proc.poll() is not None


# -- speed ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_speed_of_small_notebooks(executor: PrewarmedExecutor, workdir: Path) -> None:
    sources = (
        "import numpy as np\nimport torch",
        "def dot_loop(u, v):\n    if len(u) != len(v):\n        raise ValueError('lengths differ')\n"
        "    return float(sum(a * b for a, b in zip(u, v)))",
        "from mlmath_lab.checks import check\ncheck('01-linear-algebra/dot_loop', dot_loop)",
    )
    template = notebook(*sources)
    times = []
    for _ in range(20):
        result = executor.run(copy.deepcopy(template), workdir)
        assert result.problem is None
        errors = [o for o in result.notebook.cells[2].outputs if o["output_type"] == "error"]
        assert not errors, errors
        times.append(result.duration_s)
    print(
        f"\n20 runs: mean {sum(times) / len(times):.3f} s, "
        f"min {min(times):.3f} s, max {max(times):.3f} s per notebook"
    )


@pytest.mark.parametrize(
    "cell",
    [
        "x = 1",
        "await asyncio.sleep(0)",
        "async def f():\n    pass",  # defines a coroutine function: not itself a coroutine
        "async with lock:\n    pass",
        "async for item in stream():\n    pass",
        "[x async for x in stream()]",
        "print('await')",  # the word in a string: IPython decides
        "1 +",
    ],
)
def test_a_cell_the_shell_runs_without_a_coroutine_is_not_one_for_ipython(cell: str) -> None:
    from IPython.core.interactiveshell import _should_be_async

    from mlmath_lab.autograde.child.capture import _may_be_async

    if not _may_be_async(cell):  # the shell's shortcut: IPython must agree
        assert not _should_be_async(cell)
    assert _may_be_async(cell) or cell in ("x = 1", "1 +")


@pytest.mark.slow
def test_a_patched_builtin_is_put_back_as_the_sandbox_left_it(
    executor: PrewarmedExecutor, workdir: Path
) -> None:
    nb = notebook(
        "x = 1",
        "import builtins\nbuiltins.input = lambda prompt='': 'typed by the submission'",
        "input('answer? ')",
    )
    nb.cells[2].metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1}
    clean = executor.run(notebook("x = 1"), workdir)
    assert clean.problem is None and clean.restored == []  # the sandbox's own input is not news
    result = executor.run(nb, workdir)
    assert result.problem is None
    assert "builtins.input" in result.restored
    # the graded cell ran with the sandbox's input, as a kernel without stdin answers
    (error,) = result.notebook.cells[2].outputs
    assert error["ename"] == "StdinNotImplementedError"


# -- the zygote started early, before the run -------------------------------------------------


@pytest.mark.slow
def test_the_run_adopts_the_zygote_started_early(workdir: Path) -> None:
    from mlmath_lab.autograde import executor as module

    module.launch_early_zygote()
    early = module._early
    assert early is not None
    with PrewarmedExecutor(LIMITS, lazy=True) as adopted:
        assert adopted._proc is early.proc  # not a second zygote
        assert module._early is None
        result = adopted.run(notebook("print(6 * 7)"), workdir)
        assert result.problem is None
        assert result.notebook.cells[0].outputs[0]["text"] == "42\n"
    assert early.proc.poll() is not None and not early.dir.exists()


def test_an_executor_that_preloads_otherwise_starts_its_own(workdir: Path) -> None:
    from mlmath_lab.autograde import executor as module

    module.launch_early_zygote()
    early = module._early
    assert early is not None
    with PrewarmedExecutor(LIMITS, preload=("json",), lazy=True) as own:
        assert own._proc is not early.proc
        assert early.proc.poll() is not None and not early.dir.exists()  # stopped, not leaked
        assert own.run(notebook("1 + 1"), workdir).problem is None


def test_an_early_zygote_no_run_adopts_is_stopped_at_exit() -> None:
    code = (
        "from mlmath_lab.autograde import executor as e\n"
        "e.launch_early_zygote()\n"
        "print(e._early.proc.pid, e._early.dir)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    pid, folder = done.stdout.split()
    assert not Path(folder).exists()
    assert not psutil.pid_exists(int(pid)) or psutil.Process(int(pid)).status() == "zombie"
