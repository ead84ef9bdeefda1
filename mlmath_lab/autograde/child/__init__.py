"""The kernel emulation inside a sandboxed child: what a kernel would record (``capture``),
Jupyter widgets as nbclient records them (``widgets``), and the child's side of a graded cell
decided in the grader (``calls``)."""
