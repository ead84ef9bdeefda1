"""Checkers for assignment 05 — probability and statistics for machine learning.

References come from ``torch.distributions`` (log-densities, posteriors, inverse CDFs) and
``torch.var`` / ``torch.cov`` (statistics), never from a copy of the expected solution. The
central-limit-theorem simulation is specified to the draw (``np.random.default_rng(seed)``,
one ``(trials, n)`` array of uniforms), so its reference makes exactly those draws and torch
standardises them: the check compares values, and a statistic that standardises its own
sample cannot pass it.

The cases are chosen where a bug cannot hide: sigma ≠ 1 (so a variance used as a standard
deviation shows), small N (so N and N − 1 differ by a lot), points in the far tail (so a
density that underflows shows), non-square data and batches of points, a 400-dimensional
Gaussian (so a determinant that underflows shows), and tiny uniforms (so log(1 − u) and
log1p(−u) differ).

Where each known mistake was seen in the wild is noted next to it.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "05-probability-statistics"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "gaussian_log_pdf",
    "categorical_log_pmf",
    "bernoulli_mle",
    "gaussian_mle",
    "covariance",
    "beta_binomial_posterior",
    "mvn_log_pdf",
    "exponential_inverse_cdf",
    "clt_standardized_means",
)
