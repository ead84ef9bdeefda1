"""Checkers of the course, one module per assignment (see :mod:`..registry`)."""
