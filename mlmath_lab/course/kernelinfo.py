"""What a Python kernel (ipykernel) on this interpreter reports about its language.

JupyterLab writes the kernel's ``language_info`` into a notebook's metadata as soon as the
kernel is up; a notebook that holds something else (the source notebooks have no
``version``) is then modified by merely being opened, and leaving it asks whether to save.
The autograde executor records the same, as nbclient does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LANGUAGE_INFO: dict[str, Any] = {
    "name": "python",
    "version": ".".join(map(str, sys.version_info[:3])),
    "mimetype": "text/x-python",
    "codemirror_mode": {"name": "ipython", "version": sys.version_info[0]},
    "pygments_lexer": f"ipython{sys.version_info[0]}",
    "nbconvert_exporter": "python",
    "file_extension": ".py",
}


def for_this_kernel(folder: Path) -> list[Path]:
    """Give every notebook in ``folder`` this interpreter's ``language_info`` (as the kernel
    will report it); returns the notebooks changed."""
    import nbformat  # seconds of jsonschema: not for the executor, which imports this module

    changed: list[Path] = []
    for path in sorted(folder.rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        if nb.metadata.get("language_info") == LANGUAGE_INFO:
            continue
        nb.metadata["language_info"] = json.loads(json.dumps(LANGUAGE_INFO))
        nbformat.write(nb, path)
        changed.append(path)
    return changed
