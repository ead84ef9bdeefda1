"""PCA: components and explained variance (02-decompositions/pca): the checker."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from ...checks.checker import Case, Checker, Misconception
from ...checks.compare import Mismatch, compare
from ...checks.references import rng as _rng
from ...checks.references import torch as _torch
from ...checks.rules import Forbidden
from ._common import SCIPY, A, _align_rows, _as_floats, _only, _sign_fixed, _t

SKLEARN = Forbidden(
    "scikit-learn",
    modules=("sklearn",),
    why="Write PCA in NumPy (and note that scikit-learn's PCA divides by N − 1).",
)


# -- PCA ------------------------------------------------------------------------------------------------------
# In the wild: np.cov's N − 1 (and scikit-learn's PCA, whose explained_variance_ is
# S² / (n_samples − 1) since scikit-learn PR #9105; issue #13753 is the N vs N − 1 confusion),
# np.cov without rowvar=False (Vikkiechauhan/Internship-Task PCA.py uses np.cov(C.T)),
# components returned as the columns of eigh's output (PanjiSri/Graphical_and_AI_Laboratory
# pca.py, zyboyoung/ExerciseGit pca.py), eigh's ascending order, eigenvalues sorted but the
# eigenvectors not, standardising the features (StandardScaler before PCA), no centring, and
# ratios over the kept k only.
def _pca_reference(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # Through the SVD of the centred data: σᵢ² / N are the eigenvalues of the biased covariance.
    torch = _torch()
    xt = _t(x)
    centred = xt - xt.mean(dim=0)
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    variances = s**2 / xt.shape[0]
    return (
        _sign_fixed(vh[:k].numpy()),
        variances[:k].numpy(),
        (variances[:k] / variances.sum()).numpy(),
    )


def _pca_cases() -> list[Case]:
    rng = _rng(28)
    mixing = np.array([[3.0, 1.0, 0.5], [0.0, 1.0, 0.3], [0.0, 0.0, 0.2]])
    return [
        Case(
            "(50, 3) correlated data with mean (5, −2, 1), k = 2",
            (rng.normal(size=(50, 3)) @ mixing + np.array([5.0, -2.0, 1.0]), 2),
        ),
        Case(
            "(200, 5) data, k = 1",
            (rng.normal(size=(200, 5)) @ rng.normal(size=(5, 5)) + 3.0, 1),
        ),
        Case(
            "(40, 4) data, all k = 4 components: the ratios sum to 1",
            (rng.normal(size=(40, 4)) * np.array([4.0, 2.0, 1.0, 0.5]) - 1.0, 4),
        ),
        Case(
            "wide data: N = 6 samples of d = 10 features, k = 3",
            (rng.normal(size=(6, 10)) * np.linspace(3.0, 1.0, 10), 3),
        ),
        Case(
            "(30, 2) data far from the origin (mean 100), k = 1",
            (rng.normal(size=(30, 2)) @ np.array([[1.0, 0.2], [0.0, 0.5]]) + 100.0, 1),
        ),
    ]


PcaMistake = Literal[
    "unbiased",
    "rowvar",
    "rowvar-raw",
    "not-centred",
    "standardised",
    "ascending",
    "rows",
    "columns",
    "vectors-not-sorted",
    "ratio-of-top-k",
]


def _pca_wrong(
    x: np.ndarray, k: int, mistake: PcaMistake
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    _only(mistake, PcaMistake)
    x = np.asarray(x, dtype=float)
    xc = x - x.mean(axis=0)
    if mistake == "unbiased":
        c = np.cov(x, rowvar=False)
    elif mistake == "rowvar":
        c = np.cov(xc)  # centred first, then np.cov with its defaults
    elif mistake == "rowvar-raw":
        c = np.cov(x)
    elif mistake == "not-centred":
        c = x.T @ x / len(x)
    elif mistake == "standardised":
        z = xc / x.std(axis=0)
        c = z.T @ z / len(x)
    else:
        c = xc.T @ xc / len(x)
    eigenvalues, eigenvectors = np.linalg.eigh(c)  # ascending
    descending = np.argsort(eigenvalues)[::-1]
    values = eigenvalues if mistake == "ascending" else eigenvalues[descending]
    if mistake in ("ascending", "vectors-not-sorted"):
        vectors = eigenvectors
    else:
        vectors = eigenvectors[:, descending]
    if mistake == "rows":
        components = _sign_fixed(vectors[:k])
    elif mistake == "columns":
        components = vectors[:, :k]  # as returned, one component per column
    else:
        components = _sign_fixed(vectors[:, :k].T)
    variances = values[:k]
    total = variances.sum() if mistake == "ratio-of-top-k" else eigenvalues.sum()
    return components, variances, variances / total


def _pca_compare(got: Any, expected: Any) -> Mismatch | None:
    """Components may flip sign, one at a time; a component whose variance is 0 (beyond the
    rank of the data) is any unit vector of the null space, so it is not compared."""
    if isinstance(got, tuple | list) and len(got) == 3 and len(expected) == 3:
        mine, theirs = _as_floats(got[0]), np.asarray(expected[0], dtype=float)
        ratio = _as_floats(expected[2])
        if mine is not None and mine.shape == theirs.shape and mine.ndim == 2:
            k = np.size(expected[1])
            # the component vectors are the rows (k, d); a (d, k) output has them in columns
            by_columns = theirs.shape[0] != k and theirs.shape[1] == k
            mine, theirs = (mine.T, theirs.T) if by_columns else (mine, theirs)
            mine = _align_rows(mine, theirs)
            if ratio is not None and ratio.shape == (mine.shape[0],):
                undetermined = np.abs(ratio) <= 1e-9
                mine = np.where(undetermined[:, None], theirs, mine)
            got = (mine.T if by_columns else mine, *got[1:])
    return compare(got, expected, rtol=1e-7, atol=1e-8)


PCA = Checker(
    f"{A}/pca",
    title="PCA: components and explained variance",
    reference=_pca_reference,
    cases=_pca_cases,
    comparator=_pca_compare,
    forbidden=[SKLEARN, SCIPY],
    misconceptions=[
        Misconception(
            "np-cov-unbiased",
            "You divided by N − 1: that is the unbiased estimate, np.cov's default and "
            "scikit-learn's convention (PCA.explained_variance_ is σᵢ² / (N − 1)). This "
            "exercise uses the biased covariance, which divides by N: np.cov(X, rowvar=False, "
            "bias=True), Xcᵀ Xc / N, or σᵢ² / N from the SVD of Xc.",
            lambda x, k: _pca_wrong(x, k, "unbiased"),
        ),
        Misconception(
            "np-cov-rowvar",
            "np.cov treats each *row* as a variable by default, but here each row is a sample: "
            "pass rowvar=False (the covariance must be d × d, not N × N), and bias=True to "
            "divide by N.",
            lambda x, k: _pca_wrong(x, k, "rowvar"),
        ),
        Misconception(
            "np-cov-rowvar-raw",
            "np.cov treats each *row* as a variable by default, but here each row is a sample: "
            "pass rowvar=False (the covariance must be d × d, not N × N), and bias=True to "
            "divide by N.",
            lambda x, k: _pca_wrong(x, k, "rowvar-raw"),
        ),
        Misconception(
            "not-centred",
            "Subtract the mean of each feature first (Xc = X − X.mean(axis=0)): otherwise the "
            "first 'component' points at the mean of the data, not along its spread.",
            lambda x, k: _pca_wrong(x, k, "not-centred"),
        ),
        Misconception(
            "standardised",
            "Only centre the data: dividing each feature by its standard deviation (what "
            "StandardScaler does before PCA) gives the PCA of the *correlation* matrix, with "
            "other components and variances.",
            lambda x, k: _pca_wrong(x, k, "standardised"),
        ),
        Misconception(
            "eigh-ascending",
            "np.linalg.eigh returns eigenvalues in *increasing* order: the top k components "
            "are the last k, largest first.",
            lambda x, k: _pca_wrong(x, k, "ascending"),
        ),
        Misconception(
            "eigenvectors-not-sorted",
            "You sorted the eigenvalues but not the eigenvectors: reorder the columns with the "
            "same indices, order = np.argsort(vals)[::-1]; vecs[:, order].",
            lambda x, k: _pca_wrong(x, k, "vectors-not-sorted"),
        ),
        Misconception(
            "eigenvector-rows",
            "np.linalg.eigh returns the eigenvectors as *columns* (vecs[:, i] goes with "
            "vals[i]); the components are those columns, transposed into rows.",
            lambda x, k: _pca_wrong(x, k, "rows"),
        ),
        Misconception(
            "components-as-columns",
            "Return the components as the *rows* of a (k, d) array (like scikit-learn's "
            "components_): eigh gives them as columns, so transpose vecs[:, order[:k]].",
            lambda x, k: _pca_wrong(x, k, "columns"),
        ),
        Misconception(
            "ratio-of-top-k",
            "Divide by the total variance — the sum of *all* eigenvalues, the trace of the "
            "covariance — not by the sum of the k you kept.",
            lambda x, k: _pca_wrong(x, k, "ratio-of-top-k"),
        ),
    ],
)


CHECKER = PCA
