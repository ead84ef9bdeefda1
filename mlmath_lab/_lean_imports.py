"""Imported first by the ``mlmath-lab`` command, before anything imports ``jsonschema``.

nbformat imports jsonschema, which checks the ``iri`` string format with ``rfc3987-syntax``
when that package is installed (jupyter_events brings it). Building its ~40 lark grammars
takes over a second at every start of the command. No notebook or nbgrader schema uses that
format, and without the module jsonschema simply leaves ``iri`` unchecked.
"""

from __future__ import annotations

import sys

if "jsonschema" not in sys.modules:  # too late otherwise: it has already paid the cost
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
