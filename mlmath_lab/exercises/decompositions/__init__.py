"""Checkers for assignment 02 — Matrix decompositions: eigen, SVD, QR, least squares, PCA.

References are torch (float64), never a copy of the expected solution: eigenvectors come from
``torch.linalg.eigh``, singular values and rank-k errors from ``torch.linalg.svd`` and an explicit
reconstruction, QR from ``torch.linalg.qr`` (signs normalised so that R has a positive diagonal),
least squares from ``torch.linalg.lstsq`` and pseudoinverses from ``torch.linalg.pinv``.

Eigenvectors and principal components are defined only up to sign, so their comparators align
the sign of the student's vector with the reference before comparing. The exercises also ask
for a sign convention (largest-magnitude entry positive) so that a student's output can be
matched exactly against the known mistakes below.

Cases are non-square wherever the exercise allows it (tall and wide matrices), and include the
matrix the exercise is about: a negative dominant eigenvalue, an ill-conditioned matrix where
classical Gram–Schmidt or the normal equations lose their accuracy, a rank-deficient matrix
whose tiny singular values must be cut off, singular values below any fixed threshold.

A hint is given only when the mistake's code reproduces the student's outcome on *every* case,
so the cases that tell mistakes apart are chosen to give the same output however the mistake is
written: Läuchli's matrices (a row of ones above ε I) with ε so small that 1 + ε² rounds to 1
make classical Gram–Schmidt fail, and the normal equations raise, identically in every
implementation, where a random ill-conditioned matrix would make each variant fail differently.

The known mistakes come from public from-scratch implementations and forum questions (see each
checker); they are written here as the code that makes them. Some of them are, by nature, the
correct answer to another exercise (classical Gram–Schmidt is qr_modified's known mistake).

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "02-decompositions"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "power_iteration",
    "rank_k_errors",
    "orthogonality_error",
    "qr_classical",
    "qr_modified",
    "lstsq_qr",
    "pinv_svd",
    "pca",
)
