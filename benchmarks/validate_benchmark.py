"""``mlmath-lab validate`` with a fresh kernel per notebook against the pre-warmed executor.

The whole course is validated twice in the same run, once with each executor
(``--Validator.executor=kernel``, the way it was, and ``prewarmed``, the default); the script
prints both wall times and the ratio. It then breaks a copy of the course in ways only running
the notebooks finds (a solution that raises, a test cell that the stub passes, a demo cell
that raises) and checks that both executors report exactly the same problems.

    .venv/bin/python benchmarks/validate_benchmark.py [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COURSE = REPO / "assignments"
NOTEBOOK = Path("source/01-linear-algebra/linear_algebra.ipynb")


def env() -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "JUPYTER_PREFER_ENV_PATH": "1",
    }


def validate(course: Path, executor: str, *args: str) -> tuple[float, int, list[str]]:
    argv = [
        sys.executable,
        "-m",
        "mlmath_lab.app",
        "validate",
        f"--course-dir={course}",
        f"--Validator.executor={executor}",
        *args,
    ]
    started = time.monotonic()
    done = subprocess.run(argv, env=env(), capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    problems = sorted(
        line.replace(str(course), "<course>")
        for line in done.stderr.splitlines()
        if line.startswith("PROBLEM ")
    )
    return elapsed, done.returncode, problems


def copy_course(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(COURSE / "nbgrader_config.py", root)
    shutil.copy(COURSE / "course.yaml", root)
    shutil.copytree(COURSE / "source", root / "source")
    return root


def break_course(course: Path) -> None:
    """Three faults that only running the notebooks shows."""
    path = course / NOTEBOOK
    nb = json.loads(path.read_text())

    def cell(grade_id: str) -> dict:
        return next(
            c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == grade_id
        )

    solution = cell("dot_loop_solution")
    solution["source"] = "".join(solution["source"]).replace(
        "total = 0.0", "total = 0.0\n    raise RuntimeError('a broken solution')"
    )
    test = cell("matmul_loop")
    test["source"] = "# checks nothing\nassert True\n"
    demo = next(
        c for c in nb["cells"] if c["cell_type"] == "code" and "interact" in "".join(c["source"])
    )
    demo["source"] = "".join(demo["source"]) + "\nraise ValueError('a broken demo')\n"
    path.write_text(json.dumps(nb, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"kernel": [], "prewarmed": []}
    with tempfile.TemporaryDirectory(prefix="mlmath-lab-validate-bench-") as scratch:
        course = copy_course(Path(scratch) / "course")
        for round_ in range(args.rounds):
            for executor in ("kernel", "prewarmed") if round_ % 2 == 0 else ("prewarmed", "kernel"):
                elapsed, code, problems = validate(course, executor)
                if code != 0:
                    sys.exit(f"validate ({executor}) failed on the course:\n" + "\n".join(problems))
                times[executor].append(elapsed)
                print(f"round {round_ + 1}: {executor:9s} {elapsed:6.1f} s", flush=True)
        broken = copy_course(Path(scratch) / "broken")
        break_course(broken)
        found = {e: validate(broken, e, "01-linear-algebra")[2] for e in ("kernel", "prewarmed")}
    kernel, prewarmed = statistics.median(times["kernel"]), statistics.median(times["prewarmed"])
    print(f"whole course, median of {args.rounds}:")
    print(f"  a kernel per notebook (anchor)  {kernel:6.1f} s")
    print(f"  pre-warmed executor             {prewarmed:6.1f} s")
    print(f"  speed-up                        {kernel / prewarmed:6.1f}x  (target >= 5x)")
    same = found["kernel"] == found["prewarmed"]
    print(
        f"broken copy: {len(found['kernel'])} problem(s) with kernels, "
        f"{len(found['prewarmed'])} pre-warmed; identical: {same}"
    )
    for line in found["prewarmed"]:
        print(f"  {line}")
    if not same:
        for line in sorted(set(found["kernel"]) ^ set(found["prewarmed"])):
            print(f"  differs: {line}")
        sys.exit(1)


if __name__ == "__main__":
    main()
