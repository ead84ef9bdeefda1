"""Everything of mlmath_lab that subclasses, patches or drives nbgrader: the one place an
nbgrader upgrade touches.

- ``gradebook``: the run's gradebook sessions (one engine, one transaction per student);
- ``steps``: nbgrader's autograde preprocessors with their gradebook traffic cut;
- ``converter``: nbgrader's ``Autograde`` fed by the pre-warmed executor;
- ``feedback``: feedback without the hidden tests (``GenerateFeedback.preprocessors``);
- ``exchange``: nbgrader's submit, with submissions only instructors can read.

Absolute imports of ``nbgrader`` in these modules are nbgrader itself (this package is
``mlmath_lab.nbgrader``).
"""
