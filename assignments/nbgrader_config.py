"""nbgrader configuration of the mlmath_lab course (also read by the ``mlmath-lab`` command)."""

c = get_config()

c.CourseDirectory.course_id = "mlmath"
# This folder is the course root: source/, release/, submitted/, autograded/, feedback/.
c.CourseDirectory.root = __import__("os").path.dirname(__import__("os").path.abspath(__file__))

# What a student sees in place of a solution: a stub that says plainly it is not done yet.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# mlmath-lab's own settings (see `mlmath-lab validate --help-all`):
c.Validator.cell_timeout = 180

# Feedback shows scores, the visible tests and the check messages, never the hidden tests' code
# (nbgrader's default feedback renders the autograded notebook, hidden tests included).
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "mlmath_lab.feedback.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
