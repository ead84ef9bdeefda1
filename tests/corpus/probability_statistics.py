"""Student solutions for 05 — Probability and statistics, as people write them.

The wrong ones are the mistakes found in public code, issue threads and forum questions
(rewritten here, never copied): a standard deviation used as a variance or left unsquared,
the log of a density that underflows, the ½ log 2π constant dropped, ``probs[:, labels]``
where one entry per row was meant, weights taken for logits, ``0 * np.log(0)``, a binomial
coefficient in a Bernoulli likelihood, ``ddof`` mixed up, ``(X − x̄)(X − x̄)ᵀ``, a correlation
for a covariance, a Beta posterior with the failures counted as all trials, a log-determinant
from a product that underflows or with the wrong factor, the exponential's rate taken for its
scale, ``log(1 − u)`` for ``log1p(−u)``, and simulations standardised by their own sample or
drawn from another generator than the one specified.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "05-probability-statistics"


def _entry(exercise: str, expect: str | None, note: str, code: str) -> Entry:
    return Entry(f"{A}/{exercise}", exercise, code, expect, note)


def _gauss(expect: str | None, note: str, code: str) -> Entry:
    return _entry("gaussian_log_pdf", expect, note, code)


def _cat(expect: str | None, note: str, code: str) -> Entry:
    return _entry("categorical_log_pmf", expect, note, code)


def _coin(expect: str | None, note: str, code: str) -> Entry:
    return _entry("bernoulli_mle", expect, note, code)


def _mle(expect: str | None, note: str, code: str) -> Entry:
    return _entry("gaussian_mle", expect, note, code)


def _cov(expect: str | None, note: str, code: str) -> Entry:
    return _entry("covariance", expect, note, code)


def _beta(expect: str | None, note: str, code: str) -> Entry:
    return _entry("beta_binomial_posterior", expect, note, code)


def _mvn(expect: str | None, note: str, code: str) -> Entry:
    return _entry("mvn_log_pdf", expect, note, code)


def _icdf(expect: str | None, note: str, code: str) -> Entry:
    return _entry("exponential_inverse_cdf", expect, note, code)


def _clt(expect: str | None, note: str, code: str) -> Entry:
    return _entry("clt_standardized_means", expect, note, code)


ENTRIES: list[Entry] = [
    # -- Gaussian log-density ----------------------------------------------------------------
    _gauss(
        CORRECT,
        "-½ log(2πσ²) form, as in many from-scratch log-likelihoods",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = np.asarray(x, float), np.asarray(mu, float), np.asarray(sigma, float)
    if (sigma <= 0).any():
        raise ValueError("sigma must be > 0")
    var = sigma ** 2
    return -0.5 * np.log(2 * np.pi * var) - (x - mu) ** 2 / (2 * var)
""",
    ),
    _gauss(
        CORRECT,
        "normaliser as -log(σ√(2π)), validation with np.min",
        """
def gaussian_log_pdf(x, mu, sigma):
    sigma = np.asarray(sigma, dtype=float)
    if np.min(sigma) <= 0:
        raise ValueError("non-positive sigma")
    x = np.asarray(x, dtype=float)
    log_pdf = -((x - mu) ** 2) / (2 * sigma ** 2)
    return log_pdf - np.log(np.sqrt(2 * np.pi) * sigma)
""",
    ),
    _gauss(
        "sigma-as-variance",
        "std treated as the variance in both terms (stable-baselines issue 1059)",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return -0.5 * np.log(2 * np.pi * sigma) - (x - mu) ** 2 / (2 * sigma)
""",
    ),
    _gauss(
        "sigma-not-squared",
        "exponent divided by 2σ (GPJax issue 413)",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return -np.log(sigma) - 0.5 * np.log(2 * np.pi) - (x - mu) ** 2 / (2 * sigma)
""",
    ),
    _gauss(
        "log-of-density",
        "pdf first, then np.log (the pyodide log-likelihood benchmark)",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    pdf = np.exp(-((x - mu) ** 2) / (2 * sigma ** 2))
    pdf = pdf / (np.sqrt(2 * np.pi) * sigma)
    return np.log(pdf)
""",
    ),
    _gauss(
        "missing-log-2pi",
        "constant dropped because it has no gradient (Arinar issue 1)",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return -((x - mu) / sigma) ** 2 / 2 - np.log(sigma)
""",
    ),
    _gauss(
        "sigma-not-logged",
        "σ subtracted where log σ belongs (blitz issue 14)",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return -0.5 * np.log(2 * np.pi) - sigma - (x - mu) ** 2 / (2 * sigma ** 2)
""",
    ),
    _gauss(
        "missing-normaliser",
        "only the exponent, as an MSE-style log-likelihood",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return -0.5 * ((x - mu) / sigma) ** 2
""",
    ),
    _gauss(
        "sigma-not-checked",
        "the right formula, no validation of sigma",
        """
def gaussian_log_pdf(x, mu, sigma):
    z = (np.asarray(x, dtype=float) - mu) / sigma
    return -0.5 * z ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
""",
    ),
    _gauss(
        "density-not-log",
        "returned the pdf the docstring of a plotting helper asked for",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return 1 / (sigma * np.sqrt(2 * np.pi)) * np.exp(-((x - mu) ** 2) / (2 * sigma ** 2))
""",
    ),
    _gauss(
        None,
        "-log(2π) instead of -½ log(2π)",
        """
def gaussian_log_pdf(x, mu, sigma):
    x, mu, sigma = (np.asarray(v, dtype=float) for v in (x, mu, sigma))
    if np.any(sigma <= 0):
        raise ValueError("sigma must be positive")
    return -np.log(2 * np.pi) - np.log(sigma) - (x - mu) ** 2 / (2 * sigma ** 2)
""",
    ),
    # -- categorical log-probabilities -------------------------------------------------------
    _cat(
        CORRECT,
        "np.take_along_axis on a 2-D table",
        """
def categorical_log_pmf(labels, probs):
    labels = np.asarray(labels)
    p = np.atleast_2d(np.asarray(probs, dtype=float))
    K = p.shape[1]
    if labels.min() < 0 or labels.max() >= K:
        raise ValueError("label out of range")
    p = p / p.sum(axis=1, keepdims=True)
    p = np.broadcast_to(p, (len(labels), K))
    return np.log(np.take_along_axis(p, labels[:, None], axis=1)[:, 0])
""",
    ),
    _cat(
        CORRECT,
        "a loop over the labels, log w - log sum w",
        """
def categorical_log_pmf(labels, probs):
    probs = np.asarray(probs, dtype=float)
    K = probs.shape[-1]
    out = np.empty(len(labels))
    for i, y in enumerate(labels):
        if not 0 <= y < K:
            raise ValueError(f"label {y} is not in 0..{K - 1}")
        row = probs if probs.ndim == 1 else probs[i]
        out[i] = np.log(row[y]) - np.log(row.sum())
    return out
""",
    ),
    _cat(
        "not-normalised",
        "weights used as probabilities",
        """
def categorical_log_pmf(labels, probs):
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    K = probs.shape[-1]
    if np.any((labels < 0) | (labels >= K)):
        raise ValueError("bad label")
    table = np.broadcast_to(probs, (len(labels), K))
    return np.log(table[np.arange(len(labels)), labels])
""",
    ),
    _cat(
        "indexed-whole-rows",
        "probs[labels] on the (N, K) table",
        """
def categorical_log_pmf(labels, probs):
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    if np.any((labels < 0) | (labels >= probs.shape[-1])):
        raise ValueError("bad label")
    log_p = np.log(probs / probs.sum(axis=-1, keepdims=True))
    return log_p[labels]
""",
    ),
    _cat(
        "indexed-all-rows",
        "p[:, labels] (Stack Overflow question 39131192)",
        """
def categorical_log_pmf(labels, probs):
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    if np.any((labels < 0) | (labels >= probs.shape[-1])):
        raise ValueError("bad label")
    p = probs / probs.sum(axis=-1, keepdims=True)
    return np.log(p[:, labels])
""",
    ),
    _cat(
        "weights-as-logits",
        "log-softmax of the weights, as Categorical(logits=...) would do (garage PR 1357)",
        """
def categorical_log_pmf(labels, probs):
    labels, w = np.asarray(labels), np.asarray(probs, dtype=float)
    if np.any((labels < 0) | (labels >= w.shape[-1])):
        raise ValueError("bad label")
    w = w - w.max(axis=-1, keepdims=True)
    log_p = w - np.log(np.exp(w).sum(axis=-1, keepdims=True))
    log_p = np.broadcast_to(log_p, (len(labels), w.shape[-1]))
    return log_p[np.arange(len(labels)), labels]
""",
    ),
    _cat(
        "normalised-over-whole-table",
        "probs / probs.sum() without an axis",
        """
def categorical_log_pmf(labels, probs):
    labels, probs = np.asarray(labels), np.asarray(probs, dtype=float)
    K = probs.shape[-1]
    if np.any((labels < 0) | (labels >= K)):
        raise ValueError("bad label")
    p = np.broadcast_to(probs / probs.sum(), (len(labels), K))
    return np.log(p[np.arange(len(labels)), labels])
""",
    ),
    _cat(
        "labels-not-checked",
        "no validation: -1 wraps around, K raises IndexError",
        """
def categorical_log_pmf(labels, probs):
    p = np.asarray(probs, dtype=float)
    p = p / p.sum(axis=-1, keepdims=True)
    p = np.broadcast_to(p, (len(labels), p.shape[-1]))
    return np.log(p[np.arange(len(labels)), labels])
""",
    ),
    _cat(
        "labels-not-checked",
        "only the upper bound checked (negative labels accepted)",
        """
def categorical_log_pmf(labels, probs):
    labels, p = np.asarray(labels), np.asarray(probs, dtype=float)
    if labels.max() >= p.shape[-1]:
        raise ValueError("label too large")
    p = p / p.sum(axis=-1, keepdims=True)
    p = np.broadcast_to(p, (len(labels), p.shape[-1]))
    return np.log(p[np.arange(len(labels)), labels])
""",
    ),
    _cat(
        "probability-not-log",
        "returned p(label)",
        """
def categorical_log_pmf(labels, probs):
    labels, p = np.asarray(labels), np.asarray(probs, dtype=float)
    if np.any((labels < 0) | (labels >= p.shape[-1])):
        raise ValueError("bad label")
    p = np.broadcast_to(p / p.sum(axis=-1, keepdims=True), (len(labels), p.shape[-1]))
    return p[np.arange(len(labels)), labels]
""",
    ),
    _cat(
        None,
        "returned the mean negative log-likelihood (a loss) instead of one value per label",
        """
def categorical_log_pmf(labels, probs):
    labels, p = np.asarray(labels), np.asarray(probs, dtype=float)
    if np.any((labels < 0) | (labels >= p.shape[-1])):
        raise ValueError("bad label")
    p = np.broadcast_to(p / p.sum(axis=-1, keepdims=True), (len(labels), p.shape[-1]))
    return -np.mean(np.log(p[np.arange(len(labels)), labels]))
""",
    ),
    # -- MLE of a coin -----------------------------------------------------------------------
    _coin(
        CORRECT,
        "np.where to drop the 0·log 0 terms",
        """
def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=float)
    p = x.mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(x == 1, np.log(p), np.log(1 - p))
    return float(p), float(terms.sum())
""",
    ),
    _coin(
        CORRECT,
        "counts in plain Python, math.log",
        """
import math

def bernoulli_mle(flips):
    n = len(flips)
    k = int(sum(int(f) for f in flips))
    p = k / n
    ll = 0.0
    if k:
        ll += k * math.log(p)
    if n - k:
        ll += (n - k) * math.log(1 - p)
    return p, ll
""",
    ),
    _coin(
        "zero-log-zero",
        "k log p + (N − k) log(1 − p) as written (scikit-learn PR 12915)",
        """
def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=float)
    n, k = len(x), x.sum()
    p = k / n
    return float(p), float(k * np.log(p) + (n - k) * np.log(1 - p))
""",
    ),
    _coin(
        "fraction-of-tails",
        "p̂ counted as the zeros",
        """
def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=int)
    n = len(x)
    tails = int(np.sum(x == 0))
    p = tails / n
    ll = 0.0
    if tails:
        ll += tails * np.log(p)
    if n - tails:
        ll += (n - tails) * np.log(1 - p)
    return float(p), float(ll)
""",
    ),
    _coin(
        "mean-log-likelihood",
        "the average log-probability",
        """
def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=float)
    p = x.mean()
    ll = 0.0
    if p > 0:
        ll += np.sum(x) * np.log(p)
    if p < 1:
        ll += np.sum(1 - x) * np.log(1 - p)
    return float(p), float(ll / len(x))
""",
    ),
    _coin(
        "binomial-coefficient",
        "binomial likelihood of the count (DynamicHMCExamples issue 8)",
        """
import math

def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=int)
    n, k = len(x), int(x.sum())
    p = k / n
    ll = math.log(math.comb(n, k))
    if k:
        ll += k * math.log(p)
    if n - k:
        ll += (n - k) * math.log(1 - p)
    return p, ll
""",
    ),
    _coin(
        "negative-log-likelihood",
        "the NLL a loss function would return",
        """
def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=float)
    p = x.mean()
    nll = 0.0
    if p > 0:
        nll -= x.sum() * np.log(p)
    if p < 1:
        nll -= (len(x) - x.sum()) * np.log(1 - p)
    return float(p), float(nll)
""",
    ),
    _coin(
        None,
        "p̂ clipped to [1e-6, 1 − 1e-6] before use, and returned clipped",
        """
def bernoulli_mle(flips):
    x = np.asarray(flips, dtype=float)
    p = float(np.clip(x.mean(), 1e-6, 1 - 1e-6))
    ll = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p))
    return p, float(ll)
""",
    ),
    # -- MLE of a Gaussian -------------------------------------------------------------------
    _mle(
        CORRECT,
        "sums divided by N",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    n = x.shape[0]
    mu = x.sum(axis=0) / n
    var = ((x - mu) ** 2).sum(axis=0) / n
    return mu, var
""",
    ),
    _mle(
        CORRECT,
        "Welford's running update over the rows",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mean = np.zeros(x.shape[1:])
    m2 = np.zeros(x.shape[1:])
    for i, row in enumerate(x, start=1):
        delta = row - mean
        mean = mean + delta / i
        m2 = m2 + delta * (row - mean)
    return mean, m2 / len(x)
""",
    ),
    _mle(
        "unbiased-variance",
        "Bessel's correction (N − 1), as torch.var does by default",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=0)
    return mu, ((x - mu) ** 2).sum(axis=0) / (len(x) - 1)
""",
    ),
    _mle(
        "std-not-variance",
        "returned sigma",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=0)
    return mu, np.sqrt(((x - mu) ** 2).mean(axis=0))
""",
    ),
    _mle(
        "pooled-columns",
        "no axis: one mean for the whole table",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = np.mean(x)
    return mu, np.mean((x - mu) ** 2)
""",
    ),
    _mle(
        "statistics-per-row",
        "axis=-1, the 'last axis' habit",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=-1)
    return mu, ((x - np.expand_dims(mu, -1)) ** 2).mean(axis=-1)
""",
    ),
    _mle(
        "mean-of-squares-minus-square",
        "the one-pass textbook shortcut E[x²] − E[x]²",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    mu = np.mean(x, axis=0)
    return mu, np.mean(x * x, axis=0) - mu * mu
""",
    ),
    _mle(
        "not-centred",
        "mean of x² without the mean subtracted",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return x.mean(axis=0), (x ** 2).mean(axis=0)
""",
    ),
    _mle(
        None,
        "np.var, which the exercise does not allow",
        """
def gaussian_mle(x):
    x = np.asarray(x, dtype=float)
    return x.mean(axis=0), np.var(x, axis=0)
""",
    ),
    # -- covariance ----------------------------------------------------------------------------
    _cov(
        CORRECT,
        "np.einsum over the observations",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0, keepdims=True)
    return np.einsum("ni,nj->ij", Xc, Xc) / (X.shape[0] - ddof)
""",
    ),
    _cov(
        CORRECT,
        "a sum of outer products, one per observation",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    C = np.zeros((X.shape[1], X.shape[1]))
    for row in X:
        d = row - mean
        C += np.outer(d, d)
    return C / (len(X) - ddof)
""",
    ),
    _cov(
        "always-divided-by-N",
        "the MLE divisor whatever ddof says",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / X.shape[0]
""",
    ),
    _cov(
        "always-divided-by-N-minus-1",
        "ddof ignored, N − 1 hard-coded as in PCA tutorials",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    return np.dot(Xc.T, Xc) / (len(X) - 1)
""",
    ),
    _cov(
        "product-of-observations",
        "Xc @ Xc.T: the 768 × 768 matrix of the forum question",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean(axis=0)
    return Xc @ Xc.T / (X.shape[0] - ddof)
""",
    ),
    _cov(
        "not-centred",
        "X.T @ X without centring",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    return X.T @ X / (X.shape[0] - ddof)
""",
    ),
    _cov(
        "centred-by-overall-mean",
        "X - X.mean() without an axis",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    Xc = X - X.mean()
    return Xc.T @ Xc / (X.shape[0] - ddof)
""",
    ),
    _cov(
        "correlation-not-covariance",
        "standardised columns first, as a from-scratch PCA (cpsc483 PCA3.py)",
        """
def covariance(X, ddof=1):
    X = np.asarray(X, dtype=float)
    Z = (X - X.mean(axis=0)) / X.std(axis=0, ddof=ddof)
    return Z.T @ Z / (X.shape[0] - ddof)
""",
    ),
    _cov(
        None,
        "np.cov with rowvar=False, which the exercise does not allow",
        """
def covariance(X, ddof=1):
    return np.atleast_2d(np.cov(np.asarray(X, dtype=float), rowvar=False, ddof=ddof))
""",
    ),
    # -- Beta–Binomial posterior ---------------------------------------------------------------
    _beta(
        CORRECT,
        "posterior mean and mode from a' and n' = a' + b'",
        """
def beta_binomial_posterior(a, b, heads, tails):
    a_post = a + heads
    b_post = b + tails
    total = a_post + b_post
    return float(a_post), float(b_post), float(a_post / total), float((a_post - 1) / (total - 2))
""",
    ),
    _beta(
        CORRECT,
        "the MAP as (data + prior pseudo-counts), written from the counts",
        """
def beta_binomial_posterior(a, b, heads, tails):
    pseudo_heads, pseudo_tails = a - 1, b - 1
    post_map = (heads + pseudo_heads) / (heads + tails + pseudo_heads + pseudo_tails)
    post_mean = (a + heads) / (a + b + heads + tails)
    return float(a + heads), float(b + tails), float(post_mean), float(post_map)
""",
    ),
    _beta(
        "heads-tails-swapped",
        "tails added to a",
        """
def beta_binomial_posterior(a, b, heads, tails):
    a2, b2 = float(a + tails), float(b + heads)
    return a2, b2, a2 / (a2 + b2), (a2 - 1) / (a2 + b2 - 2)
""",
    ),
    _beta(
        "tails-as-total",
        "Beta(a + k, b + n) with n the number of flips",
        """
def beta_binomial_posterior(a, b, heads, tails):
    n = heads + tails
    a2, b2 = float(a + heads), float(b + n)
    return a2, b2, a2 / (a2 + b2), (a2 - 1) / (a2 + b2 - 2)
""",
    ),
    _beta(
        "map-is-mean",
        "the posterior mean reported as the MAP",
        """
def beta_binomial_posterior(a, b, heads, tails):
    a2, b2 = float(a + heads), float(b + tails)
    mean = a2 / (a2 + b2)
    return a2, b2, mean, mean
""",
    ),
    _beta(
        "map-ignores-prior",
        "MAP = heads / (heads + tails)",
        """
def beta_binomial_posterior(a, b, heads, tails):
    a2, b2 = float(a + heads), float(b + tails)
    return a2, b2, a2 / (a2 + b2), heads / (heads + tails)
""",
    ),
    _beta(
        None,
        "the MAP taken from the prior's parameters",
        """
def beta_binomial_posterior(a, b, heads, tails):
    a2, b2 = float(a + heads), float(b + tails)
    return a2, b2, a2 / (a2 + b2), (a - 1) / (a + b - 2)
""",
    ),
    # -- multivariate normal via Cholesky ------------------------------------------------------
    _mvn(
        CORRECT,
        "quadratic form with np.linalg.solve(Sigma, ·), log det from Cholesky",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    L = np.linalg.cholesky(Sigma)
    D = np.atleast_2d(X) - mu
    maha = np.sum(D * np.linalg.solve(Sigma, D.T).T, axis=1)
    out = -0.5 * (maha + len(mu) * np.log(2 * np.pi)) - np.sum(np.log(np.diag(L)))
    return out[0] if X.ndim == 1 else out
""",
    ),
    _mvn(
        CORRECT,
        "eigendecomposition for both terms",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = np.asarray(X, float), np.asarray(mu, float), np.asarray(Sigma, float)
    w, V = np.linalg.eigh(Sigma)
    if np.any(w <= 0):
        raise ValueError("Sigma is not positive definite")
    y = (X - mu) @ V / np.sqrt(w)
    return -0.5 * (np.sum(y ** 2, axis=-1) + np.sum(np.log(w)) + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "logdet-missing-factor-2",
        "sum of log L_ii taken as log det Σ",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    log_det = np.sum(np.log(np.diag(L)))
    return -0.5 * (np.sum(z ** 2, axis=0) + log_det + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "logdet-not-halved",
        "log det outside the -½ bracket (pymc issue 7751)",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    log_det = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (np.sum(z ** 2, axis=0) + len(mu) * np.log(2 * np.pi)) - log_det
""",
    ),
    _mvn(
        "logdet-missing",
        "no determinant term (queso issue 387)",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    return -0.5 * (np.sum(z ** 2, axis=0) + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "determinant-underflow",
        "log of the product of the diagonal (scikit-learn PR 33)",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    log_det = 2 * np.log(np.prod(np.diag(L)))
    return -0.5 * (np.sum(z ** 2, axis=0) + log_det + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "solved-with-transpose",
        "L.T z = x − μ",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L.T, (X - mu).T)
    log_det = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (np.sum(z ** 2, axis=0) + log_det + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "one-log-2pi",
        "the 1-D constant kept in d dimensions",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    log_det = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (np.sum(z ** 2, axis=0) + log_det + np.log(2 * np.pi))
""",
    ),
    _mvn(
        "sigma-not-inverse",
        "(x − μ)ᵀ Σ (x − μ)",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    D = (X - mu).T
    maha = np.sum(D * (Sigma @ D), axis=0)
    return -0.5 * (maha + 2 * np.sum(np.log(np.diag(L))) + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "summed-over-points",
        "np.sum(z**2) without an axis",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    log_det = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (np.sum(z ** 2) + log_det + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        "one-point-as-batch",
        "np.atleast_2d for every input, (1,) returned for one point",
        """
def mvn_log_pdf(X, mu, Sigma):
    X = np.atleast_2d(np.asarray(X, dtype=float))
    mu, Sigma = np.asarray(mu, dtype=float), np.asarray(Sigma, dtype=float)
    L = np.linalg.cholesky(Sigma)
    z = np.linalg.solve(L, (X - mu).T)
    log_det = 2 * np.sum(np.log(np.diag(L)))
    return -0.5 * (np.sum(z ** 2, axis=0) + log_det + len(mu) * np.log(2 * np.pi))
""",
    ),
    _mvn(
        None,
        "np.linalg.inv and np.linalg.det, as in many GMM implementations",
        """
def mvn_log_pdf(X, mu, Sigma):
    X, mu, Sigma = (np.asarray(v, dtype=float) for v in (X, mu, Sigma))
    D = X - mu
    maha = np.sum(D @ np.linalg.inv(Sigma) * D, axis=-1)
    return -0.5 * (maha + np.log(np.linalg.det(Sigma)) + len(mu) * np.log(2 * np.pi))
""",
    ),
    # -- inverse-CDF sampling ------------------------------------------------------------------
    _icdf(
        CORRECT,
        "log1p, rate checked with np.any",
        """
def exponential_inverse_cdf(u, rate):
    rate = np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return -np.log1p(-np.asarray(u, dtype=float)) / rate
""",
    ),
    _icdf(
        CORRECT,
        "scale 1/λ multiplied in, log1p",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if (rate <= 0).any():
        raise ValueError("non-positive rate")
    scale = 1.0 / rate
    return scale * -np.log1p(-u)
""",
    ),
    _icdf(
        "log-not-log1p",
        "-log(1 - u)/λ, the textbook form of most from-scratch samplers",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return -np.log(1 - u) / rate
""",
    ),
    _icdf(
        "inverted-survival-function",
        "-log(u)/λ, since 1 − U is uniform too",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return -np.log(u) / rate
""",
    ),
    _icdf(
        "rate-as-scale",
        "multiplied by the rate, as numpy's scale parameter (thebeat PR 108)",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return -rate * np.log1p(-u)
""",
    ),
    _icdf(
        "log-of-u-minus-1",
        "x = log(u − 1)/λ from a sign slip in the derivation",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return np.log(u - 1) / rate
""",
    ),
    _icdf(
        "rate-not-checked",
        "the right formula, no validation",
        """
def exponential_inverse_cdf(u, rate):
    return -np.log1p(-np.asarray(u, dtype=float)) / rate
""",
    ),
    _icdf(
        None,
        "rate as scale and log(1 − u) together: two mistakes, which no one known mistake "
        "reproduces on every case, so no hint (rather than half a diagnosis)",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return -np.log(1 - u) * rate
""",
    ),
    _icdf(
        None,
        "the minus sign lost: negative samples",
        """
def exponential_inverse_cdf(u, rate):
    u, rate = np.asarray(u, dtype=float), np.asarray(rate, dtype=float)
    if np.any(rate <= 0):
        raise ValueError("rate must be > 0")
    return np.log1p(-u) / rate
""",
    ),
    # -- the central limit theorem -------------------------------------------------------------
    _clt(
        CORRECT,
        "one generator, a loop drawing each trial's row in turn",
        """
def clt_standardized_means(n, trials, seed):
    rng = np.random.default_rng(seed)
    z = np.empty(trials)
    for t in range(trials):
        z[t] = (rng.random(n).mean() - 0.5) / (np.sqrt(1 / 12) / np.sqrt(n))
    return z
""",
    ),
    _clt(
        CORRECT,
        "rng.uniform and the sum: (S − n/2)/√(n/12)",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).uniform(0.0, 1.0, size=(trials, n))
    return (u.sum(axis=1) - n / 2) / np.sqrt(n / 12)
""",
    ),
    _clt(
        "divided-by-sigma-not-standard-error",
        "divided by σ instead of σ/√n",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).random((trials, n))
    return (u.mean(axis=1) - 0.5) / np.sqrt(1 / 12)
""",
    ),
    _clt(
        "variance-as-std",
        "1/12 used as the standard deviation",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).random((trials, n))
    return (u.mean(axis=1) - 0.5) / ((1 / 12) / np.sqrt(n))
""",
    ),
    _clt(
        "not-centred",
        "the mean 1/2 not subtracted",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).random((trials, n))
    return u.mean(axis=1) / (np.sqrt(1 / 12) / np.sqrt(n))
""",
    ),
    _clt(
        "averaged-over-trials",
        "mean over axis 0",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).random((trials, n))
    return (u.mean(axis=0) - 0.5) / (np.sqrt(1 / 12) / np.sqrt(n))
""",
    ),
    _clt(
        "standardised-by-own-sample",
        "z-scores of the sample means, as in many CLT demos",
        """
def clt_standardized_means(n, trials, seed):
    means = np.random.default_rng(seed).random((trials, n)).mean(axis=1)
    return (means - means.mean()) / means.std()
""",
    ),
    _clt(
        "divided-by-trial-std",
        "each trial's own standard deviation (a t statistic)",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).random((trials, n))
    return (u.mean(axis=1) - 0.5) / (u.std(axis=1) / np.sqrt(n))
""",
    ),
    _clt(
        "draws-transposed",
        "one column per trial",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng(seed).random((n, trials))
    return (u.mean(axis=0) - 0.5) * np.sqrt(12 * n)
""",
    ),
    _clt(
        "legacy-global-generator",
        "np.random.seed and np.random.uniform in a loop, as CLT demos write it",
        """
def clt_standardized_means(n, trials, seed):
    np.random.seed(seed)
    means = np.zeros(trials)
    for i in range(trials):
        means[i] = np.random.uniform(0, 1, size=n).mean()
    return (means - 0.5) / (np.sqrt(1 / 12) / np.sqrt(n))
""",
    ),
    _clt(
        "generator-recreated-per-trial",
        "default_rng(seed) inside the loop",
        """
def clt_standardized_means(n, trials, seed):
    z = np.zeros(trials)
    for t in range(trials):
        x = np.random.default_rng(seed).random(n)
        z[t] = (x.mean() - 0.5) / np.sqrt(1 / (12 * n))
    return z
""",
    ),
    _clt(
        None,
        "a generator without the seed",
        """
def clt_standardized_means(n, trials, seed):
    u = np.random.default_rng().random((trials, n))
    return (u.mean(axis=1) - 0.5) / (np.sqrt(1 / 12) / np.sqrt(n))
""",
    ),
]
