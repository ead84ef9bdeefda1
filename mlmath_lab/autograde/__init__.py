"""``mlmath-lab autograde``: nbgrader's autograding with a pre-warmed, isolated, parallel
executor in place of a fresh kernel per notebook.

- ``limits.Limits``: what one submission may use.
- ``executor.PrewarmedExecutor``: a "zygote" process that imported numpy, torch and the check
  library once and forks an isolated child per submission; the child runs the notebook cell
  by cell and returns nbformat outputs, as a kernel would produce them.
- ``sandbox.enter_sandbox``: called in the child before any student code runs (limits,
  privileges, network, hidden paths).
- ``grader``: nbgrader's own Autograde pipeline (gradebook, OverwriteCells, SaveAutoGrades,
  LimitOutput, late penalties) with its ``Execute`` step fed by the executor.
"""
