"""Student solutions for 06 — Information theory, as people write them.

The wrong ones are the mistakes found in public from-scratch code, course solutions and forum
threads (rewritten here, never copied): ``np.log2`` for nats, ``0 * np.log(0)``, KL with its
arguments or torch's ``F.kl_div`` convention swapped, torch's ``reduction='mean'`` and
``'batchmean'``, VAE code that takes a log-variance, scipy's Jensen–Shannon *distance*, the
marginals of a joint table broadcast instead of multiplied out, perplexity from a summed NLL
or with padding counted.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "06-information-theory"


def _entry(exercise: str, function: str, expect: str | None, note: str, code: str) -> Entry:
    return Entry(f"{A}/{exercise}", function, code, expect, note)


def _entropy(expect: str | None, note: str, code: str) -> Entry:
    return _entry("entropy", "entropy", expect, note, code)


def _ce(expect: str | None, note: str, code: str) -> Entry:
    return _entry("cross_entropy", "cross_entropy", expect, note, code)


def _kl(expect: str | None, note: str, code: str) -> Entry:
    return _entry("kl_divergence", "kl_divergence", expect, note, code)


def _gauss(expect: str | None, note: str, code: str) -> Entry:
    return _entry("kl_gaussian", "kl_gaussian", expect, note, code)


def _js(expect: str | None, note: str, code: str) -> Entry:
    return _entry("js_divergence", "js_divergence", expect, note, code)


def _mi(expect: str | None, note: str, code: str) -> Entry:
    return _entry("mutual_information", "mutual_information", expect, note, code)


def _ppl(expect: str | None, note: str, code: str) -> Entry:
    return _entry("perplexity", "perplexity", expect, note, code)


ENTRIES: list[Entry] = [
    # -- entropy -----------------------------------------------------------------------------
    _entropy(
        CORRECT,
        "nan terms of p*log(p) set to 0 afterwards",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = p * np.log(p)
    t[np.isnan(t)] = 0.0
    return -t.sum(axis=-1) / np.log(base)
""",
    ),
    _entropy(
        CORRECT,
        "loop over the distributions, math.log with a base",
        """
import math

def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    flat = p.reshape(-1, p.shape[-1])
    out = np.empty(len(flat))
    for i, row in enumerate(flat):
        out[i] = -sum(x * math.log(x, base) for x in row if x > 0)
    return out.reshape(p.shape[:-1]) if p.ndim > 1 else out[0]
""",
    ),
    _entropy(
        CORRECT,
        "log2 masked, then converted to the base",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    logs = np.log2(np.where(p > 0, p, 1.0))
    return -(p * logs).sum(-1) / np.log2(base)
""",
    ),
    _entropy(
        CORRECT,
        "tiny epsilon inside the log (1e-15): within the tolerance",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    return -np.sum(p * np.log(p + 1e-15), axis=-1) / np.log(base)
""",
    ),
    _entropy(
        "entropy-log-zero",
        "the textbook formula, literally",
        """
def entropy(p, base=np.e):
    return -np.sum(p * np.log(p), axis=-1) / np.log(base)
""",
    ),
    _entropy(
        "entropy-log-zero",
        "log base b via np.log(p) / np.log(base), no mask",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    return -(p * (np.log(p) / np.log(base))).sum(axis=-1)
""",
    ),
    _entropy(
        "entropy-log2",
        "Shannon's bits, whatever base is asked",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    nz = np.where(p > 0, p, 1.0)
    return -np.sum(p * np.log2(nz), axis=-1)
""",
    ),
    _entropy(
        "entropy-ignores-base",
        "nats always",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    terms = np.zeros_like(p)
    terms[p > 0] = p[p > 0] * np.log(p[p > 0])
    return -terms.sum(axis=-1)
""",
    ),
    _entropy(
        "entropy-sign",
        "forgot the minus sign",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    logs = np.log(np.where(p > 0, p, 1.0)) / np.log(base)
    return np.sum(p * logs, axis=-1)
""",
    ),
    _entropy(
        "entropy-whole-batch",
        "np.sum without an axis",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    q = p[p > 0]
    return -np.sum(q * np.log(q)) / np.log(base)
""",
    ),
    _entropy(
        "entropy-first-axis",
        "sum(0), as in column-wise ML utility code",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    t = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -t.sum(0) / np.log(base)
""",
    ),
    _entropy(
        None,
        "probabilities clipped at float32 eps before the log",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    eps = 1.1920929e-07
    return -np.sum(p * np.log(np.clip(p, eps, 1 - eps)), axis=-1) / np.log(base)
""",
    ),
    _entropy(
        None,
        "normalised entropy (divided by log K)",
        """
def entropy(p, base=np.e):
    p = np.asarray(p, dtype=float)
    t = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -t.sum(-1) / np.log(p.shape[-1])
""",
    ),
    _entropy(
        None,
        "scipy.stats.entropy",
        """
def entropy(p, base=np.e):
    from scipy.stats import entropy as scipy_entropy
    return scipy_entropy(p, base=base, axis=-1)
""",
    ),
    # -- cross-entropy -------------------------------------------------------------------------
    _ce(
        CORRECT,
        "log-sum-exp, then one-hot rows for integer labels",
        """
def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    t = np.asarray(targets)
    m = z.max(axis=1, keepdims=True)
    lse = m + np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    if np.issubdtype(t.dtype, np.integer):
        t = np.eye(z.shape[1])[t]
    return float((t * (lse - z)).sum(axis=1).mean())
""",
    ),
    _ce(
        CORRECT,
        "a loop over the examples with np.logaddexp.reduce",
        """
def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    targets = np.asarray(targets)
    hard = np.issubdtype(targets.dtype, np.integer)
    total = 0.0
    for i, z in enumerate(logits):
        log_probs = z - np.logaddexp.reduce(z)
        total += -log_probs[targets[i]] if hard else -np.dot(targets[i], log_probs)
    return total / len(logits)
""",
    ),
    _ce(
        CORRECT,
        "NLL from the picked logit: lse - z[y]",
        """
def cross_entropy(logits, targets):
    z = np.asarray(logits, dtype=float)
    shift = z - z.max(-1, keepdims=True)
    logp = shift - np.log(np.sum(np.exp(shift), -1, keepdims=True))
    if np.issubdtype(np.asarray(targets).dtype, np.integer):
        return float(-np.mean(logp[np.arange(z.shape[0]), targets]))
    return float(-np.mean(np.sum(targets * logp, axis=-1)))
""",
    ),
    _ce(
        "softmax-then-log",
        "np.log(softmax(z)) with an unshifted softmax",
        """
def cross_entropy(logits, targets):
    e = np.exp(logits)
    probs = e / e.sum(axis=1, keepdims=True)
    targets = np.asarray(targets)
    if np.issubdtype(targets.dtype, np.integer):
        return float(-np.log(probs[np.arange(len(targets)), targets]).mean())
    return float(-(targets * np.log(probs)).sum(axis=1).mean())
""",
    ),
    _ce(
        "log-of-stable-softmax",
        "shifted softmax, then np.log",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    log_probs = np.log(probs)
    if np.issubdtype(targets.dtype, np.integer):
        return float(-log_probs[np.arange(len(targets)), targets].mean())
    return float(-(targets * log_probs).sum(axis=1).mean())
""",
    ),
    _ce(
        "softmax-then-log-one-hot",
        "labels made one-hot, times np.log(softmax(z))",
        """
def cross_entropy(logits, targets):
    if np.issubdtype(targets.dtype, np.integer):
        targets = np.eye(logits.shape[1])[targets]
    probs = np.exp(logits) / np.sum(np.exp(logits), axis=1, keepdims=True)
    return float(-np.sum(targets * np.log(probs)) / logits.shape[0])
""",
    ),
    _ce(
        "log-of-stable-softmax-one-hot",
        "one-hot labels, log of a shifted softmax",
        """
def cross_entropy(logits, targets):
    n, c = logits.shape
    y = np.eye(c)[targets] if np.issubdtype(targets.dtype, np.integer) else targets
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return float(-(y * np.log(e / e.sum(axis=1, keepdims=True))).sum() / n)
""",
    ),
    _ce(
        "softmax-log-epsilon",
        "CS231n-style + 1e-12 inside the log",
        """
def cross_entropy(logits, targets):
    z = logits - np.max(logits, axis=1, keepdims=True)
    probs = np.exp(z)
    probs /= probs.sum(axis=1, keepdims=True)
    n = logits.shape[0]
    if np.issubdtype(targets.dtype, np.integer):
        return float(-np.log(probs[np.arange(n), targets] + 1e-12).mean())
    return float(-np.sum(targets * np.log(probs + 1e-12)) / n)
""",
    ),
    _ce(
        "softmax-log-epsilon",
        "probabilities clipped to [1e-12, 1]",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    p = np.clip(p, 1e-12, 1.0)
    if np.issubdtype(targets.dtype, np.integer):
        targets = np.eye(logits.shape[-1])[targets]
    return float(-(targets * np.log(p)).sum(axis=-1).mean())
""",
    ),
    _ce(
        "summed-not-averaged",
        "reduction='sum'",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    if np.issubdtype(targets.dtype, np.integer):
        return float(-logp[np.arange(len(targets)), targets].sum())
    return float(-(targets * logp).sum())
""",
    ),
    _ce(
        "mean-over-all-elements",
        "np.mean over the (N, C) products",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    if np.issubdtype(targets.dtype, np.integer):
        targets = np.eye(logits.shape[1])[targets]
    return float(-np.mean(targets * logp))
""",
    ),
    _ce(
        "raw-logits",
        "logits used as log-probabilities",
        """
def cross_entropy(logits, targets):
    logits = np.asarray(logits, dtype=float)
    if np.issubdtype(targets.dtype, np.integer):
        return float(-logits[np.arange(len(targets)), targets].mean())
    return float(-(targets * logits).sum(axis=1).mean())
""",
    ),
    _ce(
        "soft-targets-as-argmax",
        "soft targets turned into labels",
        """
def cross_entropy(logits, targets):
    if not np.issubdtype(targets.dtype, np.integer):
        targets = np.argmax(targets, axis=1)
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(len(targets)), targets].mean())
""",
    ),
    _ce(
        "soft-targets-as-indices",
        "only the integer-label case",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(logits.shape[0]), targets].mean())
""",
    ),
    _ce(
        "hard-labels-as-probabilities",
        "only the soft-target case",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-(targets * logp).sum(axis=1).mean())
""",
    ),
    _ce(
        "sign",
        "mean log-likelihood, not its negative",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    if np.issubdtype(targets.dtype, np.integer):
        return float(logp[np.arange(len(targets)), targets].mean())
    return float((targets * logp).sum(axis=1).mean())
""",
    ),
    _ce(
        None,
        "1e-9 inside the log",
        """
def cross_entropy(logits, targets):
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    if np.issubdtype(targets.dtype, np.integer):
        targets = np.eye(logits.shape[1])[targets]
    return float(-(targets * np.log(p + 1e-9)).sum(axis=1).mean())
""",
    ),
    # -- KL divergence along an axis --------------------------------------------------------------
    _kl(
        CORRECT,
        "np.divide with where=, reductions in a dict",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    reducers = {"none": lambda x: x, "sum": np.sum, "mean": np.mean}
    if reduction not in reducers:
        raise ValueError(reduction)
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    return reducers[reduction]((p * np.log(ratio)).sum(axis=axis))
""",
    ),
    _kl(
        CORRECT,
        "moveaxis to the end, then a masked sum",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(f"bad reduction {reduction}")
    p = np.moveaxis(np.asarray(p, dtype=float), axis, -1)
    q = np.moveaxis(np.asarray(q, dtype=float), axis, -1)
    safe_p = np.where(p > 0, p, 1.0)
    kl = np.sum(np.where(p > 0, p * (np.log(safe_p) - np.log(q)), 0.0), axis=-1)
    if reduction == "sum":
        return float(kl.sum())
    if reduction == "mean":
        return float(kl.mean())
    return kl
""",
    ),
    _kl(
        CORRECT,
        "tiny epsilon in q only (1e-12): within the tolerance",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    terms = np.where(p != 0, p * np.log(np.where(p != 0, p, 1.0) / (q + 1e-12)), 0.0)
    kl = terms.sum(axis=axis)
    return kl.sum() if reduction == "sum" else kl.mean() if reduction == "mean" else kl
""",
    ),
    _kl(
        "kl-log-zero",
        "np.sum(p * np.log(p / q)) along axis",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    kl = np.sum(p * np.log(p / q), axis=axis)
    if reduction == "sum":
        return kl.sum()
    if reduction == "mean":
        return kl.mean()
    return kl
""",
    ),
    _kl(
        "kl-arguments-swapped",
        "KL(q || p)",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    terms = np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0) / p), 0.0)
    kl = terms.sum(axis=axis)
    return kl.sum() if reduction == "sum" else kl.mean() if reduction == "mean" else kl
""",
    ),
    _kl(
        "kl-q-as-log-probs",
        "F.kl_div's formula target * (log target - input), with input = q",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    p = np.asarray(p, dtype=float)
    logp = np.log(np.where(p > 0, p, 1.0))
    kl = np.sum(np.where(p > 0, p * (logp - q), 0.0), axis=axis)
    return kl.sum() if reduction == "sum" else kl.mean() if reduction == "mean" else kl
""",
    ),
    _kl(
        "kl-whole-array",
        "np.sum(np.where(p != 0, p * np.log(p / q), 0)) with no axis",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.sum(np.where(p != 0, p * np.log(p / q), 0))
    return kl
""",
    ),
    _kl(
        "kl-last-axis-only",
        "sum(-1) whatever axis is",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    mask = p > 0
    terms = np.zeros_like(p, dtype=float)
    terms[mask] = p[mask] * np.log(p[mask] / q[mask])
    kl = terms.sum(-1)
    return kl.sum() if reduction == "sum" else kl.mean() if reduction == "mean" else kl
""",
    ),
    _kl(
        "kl-mean-over-elements",
        "torch's reduction='mean': mean over every element",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    mask = p > 0
    terms = np.zeros_like(p, dtype=float)
    terms[mask] = p[mask] * np.log(p[mask] / q[mask])
    if reduction == "mean":
        return terms.mean()
    kl = terms.sum(axis=axis)
    return kl.sum() if reduction == "sum" else kl
""",
    ),
    _kl(
        "kl-mean-as-batchmean",
        "torch's 'batchmean': the total divided by size(0)",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    mask = p > 0
    terms = np.zeros_like(p, dtype=float)
    terms[mask] = p[mask] * np.log(p[mask] / q[mask])
    if reduction == "mean":
        return terms.sum() / p.shape[0]
    kl = terms.sum(axis=axis)
    return kl.sum() if reduction == "sum" else kl
""",
    ),
    _kl(
        "kl-reduction-ignored",
        "reduction argument never used",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    return np.sum(p * np.log(ratio), axis=axis)
""",
    ),
    _kl(
        "kl-unknown-reduction-accepted",
        "if/elif with a fall-through to 'none'",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    kl = np.sum(p * np.log(ratio), axis=axis)
    if reduction == "sum":
        return kl.sum()
    elif reduction == "mean":
        return kl.mean()
    return kl
""",
    ),
    _kl(
        "kl-epsilon",
        "P = P + epsilon, Q = Q + epsilon with epsilon = 0.00001",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    epsilon = 0.00001
    p = p + epsilon
    q = q + epsilon
    kl = np.sum(p * np.log(p / q), axis=axis)
    return kl.sum() if reduction == "sum" else kl.mean() if reduction == "mean" else kl
""",
    ),
    _kl(
        None,
        "returns None for an unknown reduction",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    ratio = np.divide(p, q, out=np.ones_like(p), where=p > 0)
    kl = np.sum(p * np.log(ratio), axis=axis)
    if reduction == "none":
        return kl
    if reduction == "sum":
        return kl.sum()
    if reduction == "mean":
        return kl.mean()
""",
    ),
    _kl(
        None,
        "epsilon = 1e-6 added to p and q, then renormalised",
        """
def kl_divergence(p, q, axis=-1, reduction="none"):
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(reduction)
    p = (p + 1e-6) / (p + 1e-6).sum(axis=axis, keepdims=True)
    q = (q + 1e-6) / (q + 1e-6).sum(axis=axis, keepdims=True)
    kl = np.sum(p * np.log(p / q), axis=axis)
    return kl.sum() if reduction == "sum" else kl.mean() if reduction == "mean" else kl
""",
    ),
    # -- KL between Gaussians --------------------------------------------------------------------
    _gauss(
        CORRECT,
        "in log-variances, as VAE code writes it",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    logvar_p, logvar_q = 2 * np.log(sigma_p), 2 * np.log(sigma_q)
    kl = 0.5 * (logvar_q - logvar_p
                + (np.exp(logvar_p) + (mu_p - mu_q) ** 2) / np.exp(logvar_q) - 1)
    return np.sum(kl, axis=-1)
""",
    ),
    _gauss(
        CORRECT,
        "variance ratio written out",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    var_ratio = (sigma_p / sigma_q) ** 2
    t = ((mu_p - mu_q) / sigma_q) ** 2
    return 0.5 * np.sum(var_ratio + t - 1 - np.log(var_ratio), axis=-1)
""",
    ),
    _gauss(
        CORRECT,
        "log(sigma_q) - log(sigma_p), explicit broadcast",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    mu_p, sigma_p, mu_q, sigma_q = np.broadcast_arrays(mu_p, sigma_p, mu_q, sigma_q)
    per_dim = (np.log(sigma_q) - np.log(sigma_p)
               + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5)
    return per_dim.sum(axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-swapped",
        "KL(q || p)",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    return np.sum(np.log(sigma_p / sigma_q)
                  + (sigma_q**2 + (mu_q - mu_p) ** 2) / (2 * sigma_p**2) - 0.5, axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-std-as-variance",
        "sigma plugged in where the formula has a variance",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    var_p, var_q = sigma_p, sigma_q
    return np.sum(0.5 * np.log(var_q / var_p)
                  + (var_p + (mu_p - mu_q) ** 2) / (2 * var_q) - 0.5, axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-sigma-as-logvar",
        "VAE code fed sigma as logvar",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    logvar_p, logvar_q = sigma_p, sigma_q
    kl = 0.5 * (logvar_q - logvar_p
                + (np.exp(logvar_p) + (mu_p - mu_q) ** 2) / np.exp(logvar_q) - 1)
    return kl.sum(-1)
""",
    ),
    _gauss(
        "kl-gauss-missing-half",
        "the -1/2 per dimension left out",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    return np.sum(np.log(sigma_q / sigma_p)
                  + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2), axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-missing-half",
        "VAE form without the 1",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    var_p, var_q = sigma_p**2, sigma_q**2
    return 0.5 * np.sum(np.log(var_q / var_p) + (var_p + (mu_p - mu_q) ** 2) / var_q, axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-standard-prior",
        "the VAE regulariser, whatever q is",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    return -0.5 * np.sum(1 + np.log(sigma_p**2) - mu_p**2 - sigma_p**2, axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-not-summed",
        "per-dimension KLs returned",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    return (np.log(sigma_q / sigma_p)
            + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5)
""",
    ),
    _gauss(
        "kl-gauss-mean-over-dims",
        "torch.mean over the latent dimension, as some VAE code does",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    per_dim = (np.log(sigma_q / sigma_p)
               + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5)
    return per_dim.mean(axis=-1)
""",
    ),
    _gauss(
        "kl-gauss-summed-over-batch",
        "VAE-style torch.sum over everything",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    return np.sum(np.log(sigma_q / sigma_p)
                  + (sigma_p**2 + (mu_p - mu_q) ** 2) / (2 * sigma_q**2) - 0.5)
""",
    ),
    _gauss(
        None,
        "the log of the variance ratio not halved",
        """
def kl_gaussian(mu_p, sigma_p, mu_q, sigma_q):
    var_p, var_q = sigma_p**2, sigma_q**2
    return np.sum(np.log(var_q / var_p) + (var_p + (mu_p - mu_q) ** 2) / (2 * var_q) - 0.5,
                  axis=-1)
""",
    ),
    # -- Jensen–Shannon ----------------------------------------------------------------------------
    _js(
        CORRECT,
        "entropy of the mixture minus the mean entropy",
        """
def js_divergence(p, q):
    def h(x):
        return -np.sum(np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0), axis=-1)
    return h((p + q) / 2) - (h(p) + h(q)) / 2
""",
    ),
    _js(
        CORRECT,
        "a masked KL helper",
        """
def js_divergence(p, q):
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = 0.5 * (p + q)

    def kl(a, b):
        t = np.zeros_like(a)
        t[a > 0] = a[a > 0] * np.log(a[a > 0] / b[a > 0])
        return t.sum(axis=-1)

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)
""",
    ),
    _js(
        CORRECT,
        "computed in bits, converted back to nats",
        """
def js_divergence(p, q):
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.nan_to_num(p * np.log2(p / m))
        b = np.nan_to_num(q * np.log2(q / m))
    return (0.5 * a.sum(-1) + 0.5 * b.sum(-1)) * np.log(2)
""",
    ),
    _js(
        "js-log-zero",
        "p * np.log(p / m), no mask",
        """
def js_divergence(p, q):
    m = 0.5 * (p + q)
    return 0.5 * np.sum(p * np.log(p / m), axis=-1) + 0.5 * np.sum(q * np.log(q / m), axis=-1)
""",
    ),
    _js(
        "js-symmetrised-kl",
        "average of the two KLs",
        """
def js_divergence(p, q):
    def kl(a, b):
        with np.errstate(divide="ignore"):
            r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
            return (a * np.log(r)).sum(axis=-1)
    return 0.5 * (kl(p, q) + kl(q, p))
""",
    ),
    _js(
        "js-kl-from-mixture",
        "helper called as kl(m, p)",
        """
def js_divergence(p, q):
    m = (p + q) / 2

    def kl(a, b):
        with np.errstate(divide="ignore"):
            r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
            return (a * np.log(r)).sum(axis=-1)

    return 0.5 * kl(m, p) + 0.5 * kl(m, q)
""",
    ),
    _js(
        "js-mixture-not-halved",
        "m = p + q",
        """
def js_divergence(p, q):
    m = p + q

    def kl(a, b):
        r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
        return (a * np.log(r)).sum(axis=-1)

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)
""",
    ),
    _js(
        "js-not-halved",
        "KL(p||m) + KL(q||m)",
        """
def js_divergence(p, q):
    m = (p + q) / 2

    def kl(a, b):
        r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
        return (a * np.log(r)).sum(axis=-1)

    return kl(p, m) + kl(q, m)
""",
    ),
    _js(
        "js-distance",
        "the square root, as scipy's jensenshannon returns",
        """
def js_divergence(p, q):
    m = (p + q) / 2

    def kl(a, b):
        r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
        return (a * np.log(r)).sum(axis=-1)

    return np.sqrt((kl(p, m) + kl(q, m)) / 2)
""",
    ),
    _js(
        "js-log2",
        "bits",
        """
def js_divergence(p, q):
    m = (p + q) / 2

    def kl(a, b):
        r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
        return (a * np.log2(r)).sum(axis=-1)

    return 0.5 * kl(p, m) + 0.5 * kl(q, m)
""",
    ),
    _js(
        None,
        "geometric mixture sqrt(p q)",
        """
def js_divergence(p, q):
    m = np.sqrt(p * q)
    with np.errstate(divide="ignore"):
        def kl(a, b):
            r = np.divide(a, b, out=np.ones_like(a), where=a > 0)
            return (a * np.log(r)).sum(axis=-1)
        return 0.5 * kl(p, m) + 0.5 * kl(q, m)
""",
    ),
    # -- mutual information ------------------------------------------------------------------------
    _mi(
        CORRECT,
        "KL of the joint against the outer product of the marginals",
        """
def mutual_information(joint):
    pxy = joint / float(np.sum(joint))
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    px_py = px[:, None] * py[None, :]
    nz = pxy > 0
    return float(np.sum(pxy[nz] * np.log(pxy[nz] / px_py[nz])))
""",
    ),
    _mi(
        CORRECT,
        "double loop over the cells",
        """
import math

def mutual_information(joint):
    joint = np.asarray(joint, dtype=float)
    total = joint.sum()
    rows, cols = joint.sum(axis=1) / total, joint.sum(axis=0) / total
    mi = 0.0
    for i in range(joint.shape[0]):
        for j in range(joint.shape[1]):
            pij = joint[i, j] / total
            if pij > 0:
                mi += pij * math.log(pij / (rows[i] * cols[j]))
    return mi
""",
    ),
    _mi(
        CORRECT,
        "H(X) - H(X|Y) from the columns",
        """
def mutual_information(joint):
    P = np.asarray(joint, dtype=float)
    P = P / P.sum()

    def h(v):
        v = v[v > 0]
        return -np.sum(v * np.log(v))

    py = P.sum(axis=0)
    h_x_given_y = sum(py[j] * h(P[:, j] / py[j]) for j in range(P.shape[1]) if py[j] > 0)
    return float(h(P.sum(axis=1)) - h_x_given_y)
""",
    ),
    _mi(
        "mi-log-zero",
        "pxy * log(pxy / px_py) without a mask",
        """
def mutual_information(joint):
    pxy = joint / joint.sum()
    px_py = np.outer(pxy.sum(axis=1), pxy.sum(axis=0))
    return float(np.sum(pxy * np.log(pxy / px_py)))
""",
    ),
    _mi(
        "mi-not-normalised",
        "entropies of the raw counts",
        """
def mutual_information(joint):
    def h(v):
        v = v[v > 0]
        return -np.sum(v * np.log(v))
    joint = np.asarray(joint, dtype=float)
    return float(h(joint.sum(axis=1)) + h(joint.sum(axis=0)) - h(joint.ravel()))
""",
    ),
    _mi(
        "mi-sign",
        "H(X,Y) - H(X) - H(Y)",
        """
def mutual_information(joint):
    P = joint / joint.sum()

    def h(v):
        v = v[v > 0]
        return -np.sum(v * np.log(v))

    return float(h(P) - h(P.sum(axis=1)) - h(P.sum(axis=0)))
""",
    ),
    _mi(
        "mi-log2",
        "bits, as in histogram-based MI code",
        """
def mutual_information(joint):
    P = joint / joint.sum()

    def h(v):
        v = v[v > 0]
        return -np.sum(v * np.log2(v))

    return float(h(P.sum(axis=1)) + h(P.sum(axis=0)) - h(P))
""",
    ),
    _mi(
        "mi-marginals-not-outer",
        "px * py without [:, None]",
        """
def mutual_information(joint):
    pxy = joint / joint.sum()
    px, py = pxy.sum(axis=1), pxy.sum(axis=0)
    denom = px * py
    nz = pxy > 0
    ratio = np.where(nz, pxy / np.where(nz, denom, 1.0), 1.0)
    return float(np.sum(np.where(nz, pxy * np.log(ratio), 0.0)))
""",
    ),
    _mi(
        "mi-marginals-swapped",
        "axis=0 and axis=1 mixed up",
        """
def mutual_information(joint):
    pxy = joint / joint.sum()
    px = pxy.sum(axis=0)
    py = pxy.sum(axis=1)
    px_py = px[:, None] * py[None, :]
    nz = pxy > 0
    return float(np.sum(pxy[nz] * np.log(pxy[nz] / px_py[nz])))
""",
    ),
    _mi(
        "mi-marginals-swapped-unmasked",
        "marginals swapped, np.where instead of a mask",
        """
def mutual_information(joint):
    pxy = np.asarray(joint, dtype=float) / np.sum(joint)
    indep = np.outer(pxy.sum(axis=0), pxy.sum(axis=1))
    ratio = np.where(pxy > 0, pxy / indep, 1.0)
    return float(np.sum(np.where(pxy > 0, pxy * np.log(ratio), 0.0)))
""",
    ),
    _mi(
        None,
        "normalised mutual information",
        """
def mutual_information(joint):
    P = joint / joint.sum()

    def h(v):
        v = v[v > 0]
        return -np.sum(v * np.log(v))

    hx, hy = h(P.sum(axis=1)), h(P.sum(axis=0))
    mi = hx + hy - h(P)
    return float(mi / np.sqrt(hx * hy)) if hx * hy > 0 else 0.0
""",
    ),
    _mi(
        None,
        "epsilon added to every cell before normalising",
        """
def mutual_information(joint):
    pxy = (joint + 1e-3) / (joint + 1e-3).sum()
    px_py = np.outer(pxy.sum(axis=1), pxy.sum(axis=0))
    return float(np.sum(pxy * np.log(pxy / px_py)))
""",
    ),
    # -- perplexity ----------------------------------------------------------------------------------
    _ppl(
        CORRECT,
        "flatten, mask, gather",
        """
def perplexity(logits, targets, ignore_index=-100):
    V = logits.shape[-1]
    z = logits.reshape(-1, V).astype(float)
    t = targets.reshape(-1)
    keep = t != ignore_index
    z, t = z[keep], t[keep]
    z = z - z.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(np.exp(-logp[np.arange(len(t)), t].mean()))
""",
    ),
    _ppl(
        CORRECT,
        "a loop over the tokens with running sums",
        """
def perplexity(logits, targets, ignore_index=-100):
    logits = np.asarray(logits, dtype=float)
    flat_z = logits.reshape(-1, logits.shape[-1])
    flat_t = np.asarray(targets).reshape(-1)
    total, count = 0.0, 0
    for z, t in zip(flat_z, flat_t):
        if t == ignore_index:
            continue
        total += np.logaddexp.reduce(z) - z[t]
        count += 1
    return float(np.exp(total / count))
""",
    ),
    _ppl(
        CORRECT,
        "bits per token, then 2 ** bits",
        """
def perplexity(logits, targets, ignore_index=-100):
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    keep = targets != ignore_index
    nll = -log_probs[keep][np.arange(keep.sum()), targets[keep]]
    bits = nll.mean() / np.log(2)
    return float(2.0 ** bits)
""",
    ),
    _ppl(
        "ppl-softmax-then-log",
        "np.log(softmax) without the shift",
        """
def perplexity(logits, targets, ignore_index=-100):
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    keep = targets != ignore_index
    p = probs[keep][np.arange(keep.sum()), targets[keep]]
    return float(np.exp(-np.log(p).mean()))
""",
    ),
    _ppl(
        "ppl-exp-of-sum",
        "exp of the total NLL",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    keep = targets != ignore_index
    nll = -logp[keep][np.arange(keep.sum()), targets[keep]]
    return float(np.exp(nll.sum()))
""",
    ),
    _ppl(
        "ppl-mean-of-exp",
        "mean of the per-token perplexities",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    keep = targets != ignore_index
    nll = -logp[keep][np.arange(keep.sum()), targets[keep]]
    return float(np.mean(np.exp(nll)))
""",
    ),
    _ppl(
        "ppl-sign",
        "exp of the mean log-probability",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    keep = targets != ignore_index
    return float(np.exp(logp[keep][np.arange(keep.sum()), targets[keep]].mean()))
""",
    ),
    _ppl(
        "ppl-base-2",
        "2 ** NLL in nats",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    keep = targets != ignore_index
    nll = -logp[keep][np.arange(keep.sum()), targets[keep]]
    return float(2 ** nll.mean())
""",
    ),
    _ppl(
        "ppl-per-sequence",
        "perplexity of each sequence, then their mean",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    if targets.ndim == 1:
        logp, targets = logp[None], targets[None]
    ppls = []
    for lp, t in zip(logp, targets):
        keep = t != ignore_index
        ppls.append(np.exp(-lp[keep][np.arange(keep.sum()), t[keep]].mean()))
    return float(np.mean(ppls))
""",
    ),
    _ppl(
        "ppl-padding-counted",
        "masked NLL divided by every position",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    mask = targets != ignore_index
    safe = np.where(mask, targets, 0)
    nll = -np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0] * mask
    return float(np.exp(nll.sum() / mask.size))
""",
    ),
    _ppl(
        "ppl-padding-not-masked",
        "every target gathered, padding too",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    nll = -np.take_along_axis(logp, targets[..., None], axis=-1)
    return float(np.exp(nll.mean()))
""",
    ),
    _ppl(
        "ppl-ignore-index-hardcoded",
        "targets != -100 whatever ignore_index is",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    keep = targets != -100
    nll = -logp[keep][np.arange(keep.sum()), targets[keep]]
    return float(np.exp(nll.mean()))
""",
    ),
    _ppl(
        None,
        "padding replaced by token 0 and counted",
        """
def perplexity(logits, targets, ignore_index=-100):
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    t = np.where(targets == ignore_index, 0, targets)
    nll = -np.take_along_axis(logp, t[..., None], axis=-1)
    return float(np.exp(nll.mean()))
""",
    ),
]
