"""nbgrader configuration of the mlmath_lab course (also read by the ``mlmath-lab`` command)."""

c = get_config()

c.CourseDirectory.course_id = "mlmath"
# This folder is the course root: source/, release/, submitted/, autograded/, feedback/.
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.abspath(__file__))

# What a student sees in place of a solution: a stub that says plainly it is not done yet.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# nbgrader's release steps, with its ClearHiddenTests marking the test cells it cleared, so a
# student's inline check says more cases run at grading (mlmath_lab/nbgrader/release.py).
c.GenerateAssignment.preprocessors = [
    "nbgrader.preprocessors.IncludeHeaderFooter",
    "nbgrader.preprocessors.InstantiateTests",
    "nbgrader.preprocessors.LockCells",
    "nbgrader.preprocessors.ClearSolutions",
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.CheckCellMetadata",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.SaveCells",
    "mlmath_lab.nbgrader.release.MarkedClearHiddenTests",
    "nbgrader.preprocessors.ClearMarkScheme",
    "nbgrader.preprocessors.ComputeChecksums",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# mlmath-lab's own settings (see `mlmath-lab validate --help-all`):
c.Validator.cell_timeout = 180

# Feedback shows scores, the visible tests and the check messages, never the hidden tests' code
# (nbgrader's default feedback renders the autograded notebook, hidden tests included).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "mlmath_lab.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
