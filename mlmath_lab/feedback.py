"""The name instructors' configurations use: ``mlmath_lab.feedback.HideHiddenTests``
(the preprocessor lives in :mod:`mlmath_lab.nbgrader.feedback`)."""

from .nbgrader.feedback import HideHiddenTests

__all__ = ["HideHiddenTests"]
