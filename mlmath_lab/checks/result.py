"""The outcome of one check, and how it displays.

A :class:`CheckResult` is a MIME bundle: ``application/vnd.mlmath-lab.check+json`` for the
JupyterLab extension (its renderer and the Check button read it), ``text/html`` for any other
front end (Notebook 7, VS Code, nbgrader feedback) and ``text/plain`` for terminals and logs.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..formats import RESULT_FORMAT_VERSION  # formats/check-result.schema.json

CHECK_MIME_TYPE = "application/vnd.mlmath-lab.check+json"
MAX_SHOWN_FAILURES = 3

Status = Literal["passed", "failed", "not_implemented", "error"]
CaseStatus = Literal["passed", "failed", "error", "not_run"]


@dataclass
class CaseOutcome:
    """One case of a check: its name, whether it passed, and if not, what differed."""

    name: str
    status: CaseStatus
    message: str = ""
    got: str = ""
    expected: str = ""
    error: str = ""  # what the student's code raised on this case, with their own lines

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def failed(self) -> bool:
        return self.status in ("failed", "error")


@dataclass
class CheckResult:
    """What a check found: the exercise id, per-case outcomes, a hint, and how long it took."""

    exercise: str
    title: str
    status: Status
    cases: list[CaseOutcome] = field(default_factory=list)
    hint: str | None = None
    misconception: str | None = None
    error: str | None = None
    duration_ms: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def first_failure(self) -> CaseOutcome | None:
        return next((c for c in self.cases if c.failed), None)

    @property
    def shown_failures(self) -> list[CaseOutcome]:
        """The failing cases worth showing, each with its own values and error (none for a
        stub: "not implemented yet" says it all). At most ``MAX_SHOWN_FAILURES``."""
        if self.status == "not_implemented":
            return []
        return [c for c in self.cases if c.failed][:MAX_SHOWN_FAILURES]

    @property
    def hidden_failures(self) -> int:
        """Failing cases beyond those shown."""
        return max(0, sum(c.failed for c in self.cases) - MAX_SHOWN_FAILURES)

    @property
    def summary(self) -> str:
        ran = [c for c in self.cases if c.status != "not_run"]
        passed = sum(c.passed for c in ran)
        if not self.cases and self.error:  # not run at all: a forbidden call, not a function
            return self.error.splitlines()[0]
        if self.status == "passed":
            return f"passed all {len(self.cases)} cases"
        if self.status == "not_implemented":
            return "not implemented yet"
        failed = len(ran) - passed
        if self.status == "error":
            raised = sum(1 for c in ran if c.status == "error")
            return f"your code raised an error on {raised} of {len(self.cases)} cases" + (
                f", passed {passed}" if passed else ""
            )
        return f"failed {failed} of {len(self.cases)} cases"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["version"] = RESULT_FORMAT_VERSION
        data["passed"] = self.passed
        data["summary"] = self.summary
        data["duration_ms"] = round(self.duration_ms, 3)
        return data

    # -- display ---------------------------------------------------------------------------
    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            CHECK_MIME_TYPE: self.to_json(),
            "text/html": self.to_html(),
            "text/plain": self.to_text(),
        }

    def to_text(self) -> str:
        mark = "✔" if self.passed else "✘"
        lines = [
            f"{mark} {self.title} [{self.exercise}]: {self.summary} ({self.duration_ms:.0f} ms)"
        ]
        if self.status == "not_implemented":
            lines.append(
                "  Replace `raise NotImplementedError()` with your solution, then check again."
            )
        for failure in self.shown_failures:
            lines.append(f"  case: {failure.name}")
            if failure.error:
                lines.extend(f"    {line}" for line in failure.error.splitlines())
            else:
                lines.extend(f"    {line}" for line in failure.message.splitlines())
            if failure.got or failure.expected:
                lines.append(f"    yours:    {failure.got}")
                lines.append(f"    expected: {failure.expected}")
        if self.hidden_failures:
            lines.append(f"  ... and {self.hidden_failures} more failing case(s)")
        if self.error:
            lines.extend(f"  {line}" for line in self.error.splitlines())
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)

    def to_html(self) -> str:
        esc = html.escape
        colour = (
            "var(--jp-success-color1, #2e7d32)"
            if self.passed
            else "var(--jp-error-color1, #c62828)"
        )
        mark = "✔" if self.passed else "✘"
        parts = [
            f'<div class="mlmath-lab-check" style="border-left: 4px solid {colour}; '
            'padding: 4px 8px; font-family: var(--jp-ui-font-family, sans-serif);">',
            f'<div><strong style="color: {colour}">{mark} {esc(self.title)}</strong> '
            f"<code>{esc(self.exercise)}</code>: {esc(self.summary)} "
            f'<span style="opacity: 0.7">({self.duration_ms:.0f} ms)</span></div>',
        ]
        if self.status == "not_implemented":
            parts.append(
                "<div>Replace <code>raise NotImplementedError()</code> with your "
                "solution, then check again.</div>"
            )
        for failure in self.shown_failures:
            parts.append(f"<div>case: <em>{esc(failure.name)}</em></div>")
            parts.append(
                f'<pre style="margin: 2px 0">{esc(failure.error or failure.message)}</pre>'
            )
            if failure.got or failure.expected:
                parts.append(
                    '<table><tr><th style="text-align:left">yours</th>'
                    f"<td><code>{esc(failure.got)}</code></td></tr>"
                    '<tr><th style="text-align:left">expected</th>'
                    f"<td><code>{esc(failure.expected)}</code></td></tr></table>"
                )
        if self.hidden_failures:
            parts.append(f"<div>... and {self.hidden_failures} more failing case(s)</div>")
        if self.error:
            parts.append(f'<pre style="margin: 2px 0">{esc(self.error)}</pre>')
        if self.hint:
            parts.append(f"<div><strong>Hint:</strong> {esc(self.hint)}</div>")
        parts.append("</div>")
        return "".join(parts)
