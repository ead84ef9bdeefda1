"""Hostile submissions against ``mlmath-lab autograde``'s verdicts, by class of attack.

Every attacker solves assignment 01 except ``softmax`` (2 of 15 points), where its solution
is wrong and comes with an attack on the grading. The verdicts are decided in the grader, so
each must score 0 there (at most 13 in all, or fail with a reason): no attack earns a point, the
correct classmate graded in the same batch keeps 15, the batch goes on, and no process or
working copy of the run is left behind.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from .conftest import mlmath_lab
from .test_autograde import (
    ASSIGNMENT,
    NOTEBOOK,
    _code_cell_index,
    _with,
    batch,
    gradebook_scores,
    released,  # noqa: F401  (the module-scoped course fixture)
    submit,
)

WRONG_SOFTMAX = "def softmax(z, axis=-1):\n    return np.zeros_like(np.asarray(z, dtype=float))\n"

ATTACKS: dict[str, dict[str, str]] = {
    "interpreter hooks and transformers": {
        "transformer": (
            "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n"
        ),
        "silenced": (
            "ip = get_ipython()\n"
            "ip._showtraceback = lambda *a, **k: None\n"
            "ip.showtraceback = lambda *a, **k: None\n"
        ),
        "ast_hook": (
            "import ast\n"
            "class Erase(ast.NodeTransformer):\n"
            "    def visit_Call(self, node):\n"
            "        return ast.Constant(None)\n"
            "get_ipython().ast_transformers.append(Erase())\n"
        ),
    },
    "output capture tampering": {
        "post_hook": (
            "from mlmath_lab.autograde.child.capture import CAPTURE\n"
            "def wipe(*a):\n"
            "    CAPTURE.outputs[:] = [o for o in CAPTURE.outputs if o['output_type'] != 'error']\n"
            "get_ipython().events.register('post_run_cell', wipe)\n"
        ),
        "open_output": "import ipywidgets as w\n_out = w.Output()\n_out.__enter__()\n",
    },
    "patched modules and threads": {
        "patched": (
            "import mlmath_lab.checks as mc\nimport mlmath_lab.checks.checker as ck\n"
            "from mlmath_lab.checks.result import CheckResult\n"
            "mc.check = lambda *a, **k: None\n"
            "ck.Checker.run = lambda self, *a, **k: CheckResult(self.exercise, self.title, 'passed')\n"
            "np.allclose = lambda *a, **k: True\n"
        ),
        "thread": (
            "import threading, time\nimport mlmath_lab.checks as mc\n"
            "def again():\n"
            "    while True:\n"
            "        mc.check = lambda *a, **k: None\n"
            "        time.sleep(0.001)\n"
            "threading.Thread(target=again, daemon=True).start()\n"
        ),
    },
    "tracing and frame inspection": {
        "frames": (
            "import sys\n"
            "def softmax(z, axis=-1):\n"
            "    frame = sys._getframe(1)\n"
            "    while frame is not None:\n"
            "        for name in ('expected', 'wanted', 'reference'):\n"
            "            value = frame.f_locals.get(name)\n"
            "            if isinstance(value, np.ndarray):\n"
            "                return value\n"
            "        frame = frame.f_back\n"
            "    return np.zeros_like(np.asarray(z, dtype=float))\n"
        ),
        "tracer": (
            "import sys\n_seen = []\n"
            "def tracer(frame, event, arg):\n"
            "    if event == 'return' and isinstance(arg, np.ndarray):\n"
            "        _seen.append(arg)\n"
            "    return tracer\n"
            "sys.settrace(tracer)\n"
            "def softmax(z, axis=-1):\n"
            "    return _seen[-1] if _seen else np.zeros_like(np.asarray(z, dtype=float))\n"
        ),
    },
    "the course's own references": {
        "reference_call": (
            "def softmax(z, axis=-1):\n"
            "    from mlmath_lab.checks import get_checker\n"
            "    return get_checker('01-linear-algebra/softmax').reference(z, axis=axis)\n"
        ),
        "reference_module": (
            "def softmax(z, axis=-1):\n"
            "    import importlib\n"
            "    module = importlib.import_module('mlmath_lab.exercises.linear_algebra.softmax')\n"
            "    return module.CHECKER.reference(z, axis=axis)\n"
        ),
        "reference_source": (
            "def softmax(z, axis=-1):\n"
            "    import mlmath_lab.exercises as ex, os\n"
            "    folder = os.path.join(os.path.dirname(ex.__file__), 'linear_algebra')\n"
            "    space = {'__name__': 'mlmath_lab.exercises.linear_algebra.stolen',\n"
            "             '__package__': 'mlmath_lab.exercises.linear_algebra'}\n"
            "    exec(open(os.path.join(folder, 'softmax.py')).read(), space)\n"
            "    return space['CHECKER'].reference(z, axis=axis)\n"
        ),
        "reference_in_memory": (
            "import gc\n"
            "def softmax(z, axis=-1):\n"
            "    for thing in gc.get_objects():\n"
            "        if getattr(thing, 'exercise', None) == '01-linear-algebra/softmax':\n"
            "            return thing.reference(z, axis=axis)\n"
            "        if getattr(thing, '__name__', '') == '_softmax_reference':\n"
            "            return thing(z, axis=axis)\n"
            "    raise RuntimeError('no reference in this process')\n"
        ),
    },
    "forged messages on the grader's channel": {
        "forged": (
            "import os, json, struct, stat\n"
            "def _forge(message):\n"
            "    data = json.dumps(message).encode()\n"
            "    for fd in range(3, 64):\n"
            "        try:\n"
            "            if stat.S_ISSOCK(os.fstat(fd).st_mode):\n"
            "                os.write(fd, struct.pack('!I', len(data)) + data)\n"
            "        except OSError:\n"
            "            pass\n"
            "def softmax(z, axis=-1):\n"
            "    _forge({'outputs': [], 'execution_count': 1})\n"
            "    _forge({'returned': {'$obj': ['x', 'y', 'z']}, 'after': {'$t': [{'$t': []}, {'$d': []}]}, 'outputs': []})\n"
            "    return np.zeros_like(np.asarray(z, dtype=float))\n"
        ),
    },
    "reading, planting and signalling classmates": {
        "snoop": (
            "import glob, os, signal\n"
            "for folder in glob.glob('/tmp/mlmath-lab-autograde-*'):\n"
            "    try:\n"
            "        print(os.listdir(folder))\n"
            "        open(os.path.join(folder, 'numpy.py'), 'w').write('raise SystemExit')\n"
            "    except OSError as error:\n"
            "        print('refused', type(error).__name__)\n"
            "for entry in os.listdir('/proc'):\n"
            "    if entry.isdigit() and int(entry) != os.getpid():\n"
            "        try:\n"
            "            os.kill(int(entry), signal.SIGSTOP)\n"
            "        except OSError:\n"
            "            pass\n"
        ),
    },
    "surviving processes": {
        "daemon": (
            "import os, time\n"
            "if os.fork() == 0:\n"
            "    os.setsid()\n"
            "    if os.fork() == 0:\n"
            "        time.sleep(3600)\n"
            "    os._exit(0)\n"
        ),
    },
    "leftovers": {
        "litter": (
            "for folder in ('/tmp', '/var/tmp', '/dev/shm'):\n"
            "    try:\n"
            "        open(folder + '/mlmath-adversarial-litter', 'w').write('x')\n"
            "    except OSError:\n"
            "        pass\n"
        ),
    },
    "output and metadata floods": {
        "metadata": (
            "from IPython.display import display\n"
            "h = display({'text/plain': 'x'}, raw=True, metadata={'m': 'y' * 5_000_000},"
            " display_id=True)\n"
            "for _ in range(2000):\n"
            "    h.update({'text/plain': 'z' * 1000}, raw=True)\n"
        ),
    },
    "encodings": {
        "surrogate": "print('lone \\ud800 surrogate')\nimport sys\nsys.stdout.write('\\udcff')\n",
    },
}

LITTER = "mlmath-adversarial-litter"


FIRST_SANDBOX_UID = 1_500_000_000  # c.Autograder.first_sandbox_uid's default


def _processes_of_users(uids: range) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _zygote_pids() -> set[int]:
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"mlmath_lab.autograde.zygote" in cmdline:
                pids.add(int(entry.name))
    return pids


def _working_copies() -> set[str]:
    import tempfile

    return {p.name for p in Path(tempfile.gettempdir()).glob("mlmath-lab-autograde-*")}


@pytest.mark.slow
def test_no_attack_on_the_verdicts_earns_a_point(released: Path, tmp_path: Path) -> None:  # noqa: F811
    import shutil

    course = tmp_path / "course"
    shutil.copytree(released, course)
    correct = batch(course)["correct"]
    attackers = {
        student: _with(
            correct, {"softmax_solution": "import numpy as np\n" + attack + WRONG_SOFTMAX}
        )
        for attacks in ATTACKS.values()
        for student, attack in attacks.items()
    }
    # these attacks define their own softmax after the wrong one: theirs wins
    for student, attack in {
        **ATTACKS["tracing and frame inspection"],
        **ATTACKS["the course's own references"],
    }.items():
        attackers[student] = _with(
            correct, {"softmax_solution": "import numpy as np\n" + WRONG_SOFTMAX + attack}
        )
    submit(course, {"correct": correct, **attackers})
    # symbolic links and special files in a submission folder: not followed, not copied
    folder = course / "submitted" / "links" / ASSIGNMENT
    submit(
        course,
        {"links": _with(correct, {"softmax_solution": "import numpy as np\n" + WRONG_SOFTMAX})},
    )
    (folder / "gradebook.db").symlink_to(course / "gradebook.db")
    (folder / "source").symlink_to(course / "source")
    os.mkfifo(folder / "pipe")
    zygotes_before, copies_before = _zygote_pids(), _working_copies()

    done = mlmath_lab("autograde", ASSIGNMENT, f"--course-dir={course}", timeout=900)
    out = done.stdout + done.stderr[-3000:]
    scores = gradebook_scores(course)

    assert scores["correct"]["TOTAL"] == 15, out
    for attack_class, attacks in ATTACKS.items():
        for student in attacks:
            if student in scores:
                assert scores[student]["linear_algebra/softmax"] == 0, (attack_class, student, out)
                # at most 13: an attack that also breaks its own later cells loses those too
                assert scores[student]["TOTAL"] <= 13, (attack_class, student, scores[student])
                graded = nbformat.read(
                    course / "autograded" / student / ASSIGNMENT / NOTEBOOK, as_version=4
                )
                test = graded.cells[_code_cell_index(graded, "softmax")]
                errors = [o.ename for o in test.outputs if o.output_type == "error"]
                assert errors == ["CheckFailed"], (student, errors)
            else:  # it broke its own process: failed, with a reason, never scored
                assert f"FAILED {student}: linear_algebra.ipynb:" in out, (student, out)
    assert "links" in scores, out
    assert scores["links"]["TOTAL"] == 13
    assert "NOTE links: not copied for grading:" in out and "gradebook.db (symbolic link)" in out
    # nbgrader's copy into autograded/ does not follow them either
    graded_files = {p.name for p in (course / "autograded" / "links" / ASSIGNMENT).iterdir()}
    assert graded_files == {NOTEBOOK, "timestamp.txt"}
    assert f"{len(scores)} graded" in out
    for litter in (Path("/tmp") / LITTER, Path("/var/tmp") / LITTER, Path("/dev/shm") / LITTER):
        assert not litter.exists(), litter
    # no process of any submission (they run as the sandbox's users) is still running
    assert _processes_of_users(range(FIRST_SANDBOX_UID, FIRST_SANDBOX_UID + 64)) == []
    # nothing of the run is left: no zygote or child, no working copy
    assert _zygote_pids() - zygotes_before == set()
    assert _working_copies() - copies_before == set()
    assert not any(p for p in (course / ".mlmath-lab-autograde-staging",) if p.exists())
    assert os.path.isdir(course / "autograded" / "correct")
