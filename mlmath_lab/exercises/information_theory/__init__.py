"""Checkers for assignment 06 — Information theory for machine learning.

References are torch (float64) — ``torch.special.entr``, ``F.cross_entropy``, ``F.kl_div``,
``torch.distributions.kl_divergence`` — and, where two formulas exist, the *other* one than the
notebook asks for (Jensen–Shannon from entropies, mutual information as a KL divergence), so a
checker never agrees with a copy of the solution. Cases mix the textbook examples (a fair coin,
a 90/10 coin, a uniform model) with zeros, huge logits, batches, non-square tables and axes
other than the last, where a bug cannot hide.

The known mistakes are the ones found in public from-scratch implementations, course
solutions and forum threads (rewritten here): the log base, ``0 · log 0``, the argument order of
KL and of ``F.kl_div``, torch's ``reduction='mean'`` against ``'batchmean'``, a standard
deviation used as a variance, the Jensen–Shannon *distance* (scipy's ``jensenshannon``) for the
divergence, counts that are not normalised, the exponential of a summed NLL, padding counted as
tokens. Where a mistake depends on a constant (an ε added inside a log), the hint is given for
the constant people use most; another constant fails without a hint, never with a wrong one.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "06-information-theory"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "kl_gaussian",
    "js_divergence",
    "mutual_information",
    "perplexity",
)
