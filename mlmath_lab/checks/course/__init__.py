"""Checkers of the course, one module per assignment (see ``registry.ASSIGNMENT_MODULES``)."""
