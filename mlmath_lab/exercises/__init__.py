"""The course's checkers: one package per assignment, one module per exercise.

``mlmath_lab.checks.registry`` finds them: the package of ``03-matrix-calculus`` is
``matrix_calculus``, its ``__init__`` names the assignment and its exercises in order, and the
module ``matrix_calculus.relative_error`` holds the checker of ``03-matrix-calculus/relative_error``
as ``CHECKER``. Shared helpers of an assignment are in its ``_common``.
"""
