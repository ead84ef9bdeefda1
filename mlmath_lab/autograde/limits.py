"""What one submission may use while it is graded: shared by the executor and the sandbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the autograde command fills them from ``c.Autograder.*``."""

    cell_timeout: float = 30.0  # seconds one cell may run (nbgrader's Execute.timeout)
    notebook_timeout: float = 600.0  # seconds the whole notebook may take, a hard stop
    memory_mb: int = 2048  # address space the student's code may add to the pre-warmed child
    max_processes: int = 8  # processes the student's code may start
    max_file_mb: int = 100  # largest file the student's code may write
    max_output_bytes: int = 1_000_000  # output kept per cell; the rest is cut with a notice
    network: bool = False  # False: no network, where the platform allows it (root on Linux)
    hidden_paths: tuple[Path, ...] = field(default=())  # made unreadable to the student's code
