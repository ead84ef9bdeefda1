"""What a run tells the instructor: the summary lines and the progress bar."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import TextIO

from .submissions import Submission


@dataclass
class Summary:
    assignment: str
    graded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # graded, with something to know
    # graded cells whose checks the grader could not run itself: grade_id → why
    graded_in_child: dict[str, str] = field(default_factory=dict)
    # what the sandbox could not apply on this machine (said, never silently dropped)
    missing_protections: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)  # every graded submission
    max_score: float = 0.0
    wall_s: float = 0.0
    interrupted: bool = False

    def lines(self) -> list[str]:
        out = [
            f"autograde {self.assignment}: {len(self.graded)} graded, "
            f"{len(self.skipped)} skipped (already graded), {len(self.failed)} failed "
            f"in {self.wall_s:.1f} s" + (" (interrupted)" if self.interrupted else "")
        ]
        for student, reason in sorted(self.failed.items()):
            out.append(f"  FAILED {student}: {reason}")
        for student, note in sorted(self.notes.items()):
            out.append(f"  NOTE {student}: {note}")
        if self.missing_protections:
            out.append(
                "  NOTE isolation: on this machine the submissions ran without: "
                + "; ".join(self.missing_protections)
                + " (c.Autograder.require_sandbox = True refuses such a run)"
            )
        for grade_id, why in sorted(self.graded_in_child.items()):
            out.append(
                f"  NOTE cell {grade_id}: its verdict is decided in the student's process, as "
                f"nbgrader decides it, not by the grader, because {why}"
            )
        if self.scores:
            values = sorted(self.scores.values())
            out.append(
                f"  total scores ({len(values)} submissions, out of {self.max_score:g}): "
                f"min {values[0]:g}, median {statistics.median(values):g}, max {values[-1]:g}"
            )
        return out


class Progress:
    """A progress bar with an ETA on a terminal; one plain line per student otherwise."""

    def __init__(self, total: int, stream: TextIO | None = None):
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()

    def _bar(self) -> str:
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        elapsed = time.monotonic() - self.started
        eta = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        eta_text = f"{eta:5.0f} s" if self.done else "    ? s"
        return f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} ETA {eta_text}"

    def message(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\x1b[K" + text + "\n" + self._bar())
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def advance(self, text: str, *, important: bool = False) -> None:
        self.done += 1
        if self.tty:
            if important:
                self.message(text)
            self.stream.write(self._bar())
        else:
            self.stream.write(f"[{self.done}/{self.total}] {text}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _tampering_note(sub: Submission) -> str | None:
    """Names the submission patched in the check library, numpy or torch, where cells were
    graded in its own process (the grader's verdicts do not depend on them)."""
    names = [
        name
        for execution in sub.executions.values()
        if execution.result is not None
        for name in getattr(execution.result, "restored", [])
    ]
    if not names:
        return None
    shown = ", ".join(list(dict.fromkeys(names))[:6]) + (", ..." if len(set(names)) > 6 else "")
    # Only cells graded in its own process ran the checks there; what was verified is that
    # the originals were put back before each of them started (a thread may patch again).
    return (
        f"its code patched {shown}; the originals were put back before each cell graded in "
        "its own process started"
    )


def _skipped_note(sub: Submission) -> str | None:
    """The submission's files that were not copied into its working copy, and why."""
    if not sub.skipped_files:
        return None
    shown = ", ".join(f"{path} ({reason})" for path, reason in sub.skipped_files[:5])
    more = len(sub.skipped_files) - 5
    return f"not copied for grading: {shown}" + (f" and {more} more" if more > 0 else "")
