"""Student solutions for assignment 09 — attention, as people write them.

The variants come from public code and questions, rewritten here in our own words: NumPy
"attention from scratch" repositories and notebooks (a stable softmax, ``K.T`` on batched
arrays, ``np.exp(x).T / sum`` softmaxes, 2-D tutorials' ``axis=1``); Raschka's self-attention
post (``scores / keys.shape[-1] ** 0.5``, a ``triu(diagonal=1)`` mask that is True where a key is
*blocked*, masking after the softmax and renormalising the rows); Karpathy's nanoGPT
``CausalSelfAttention`` and "Let's build GPT" (``view(B, T, h, hs).transpose(1, 2)`` heads,
``masked_fill(tril == 0, -inf)``, and the head that scales by ``C ** -0.5`` with C the model
width); ``masked_fill(mask == 0, 1e-15)`` and ``-1e9`` fills from transformer tutorials;
PyTorch's and other frameworks' issue threads on NaN from a fully masked row (torch's
``_safe_softmax`` returns zeros; other code returns uniform weights); the bottom-right causal
alignment of flash-attention-style code for Tq ≠ Tk; attention backward derivations (the softmax
Jacobian ``diag(p) − p pᵀ``, ``dV = Pᵀ dOut``); entropy code in bits or with ``0 · log 0``;
the ``scale or default`` Python pitfall; parameter and FLOP counts of transformer layers.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "09-attention"

SD = f"{A}/scaled_dot_product_attention"
MA = f"{A}/masked_attention"
MH = f"{A}/multi_head_attention"
CA = f"{A}/cross_attention"
BW = f"{A}/attention_backward"
EN = f"{A}/attention_entropy"
PM = f"{A}/padding_mask_weights"
MC = f"{A}/mha_cost"
PE = f"{A}/permutation_equivariance"

# the notebook's helper, given above Exercise 1
_SOFTMAX = """
def softmax(S, axis=-1):
    E = np.exp(S - S.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)
"""

_SDPA = (
    _SOFTMAX
    + """
def scaled_dot_product_attention(Q, K, V):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    P = softmax(S, axis=-1)
    return P @ V, P
"""
)

_HEADS = """
def split_heads(x, num_heads):
    B, T, D = x.shape
    return x.reshape(B, T, num_heads, D // num_heads).transpose(0, 2, 1, 3)

def merge_heads(o):
    B, h, T, dh = o.shape
    return o.transpose(0, 2, 1, 3).reshape(B, T, h * dh)
"""

_MHA = (
    _SDPA
    + _HEADS
    + """
def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(np.asarray(params["in_proj_weight"], dtype=float), 3)
    b_q, b_k, b_v = np.split(np.asarray(params["in_proj_bias"], dtype=float), 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]
"""
)


# -- scaled_dot_product_attention -----------------------------------------------------------------
SCALED_DOT_PRODUCT_ATTENTION = [
    Entry(
        SD,
        "scaled_dot_product_attention",
        """
def scaled_dot_product_attention(Q, K, V):
    d = Q.shape[-1]
    S = np.einsum("...qd,...kd->...qk", Q, K) / np.sqrt(d)
    S = S - S.max(axis=-1, keepdims=True)
    P = np.exp(S)
    P /= P.sum(axis=-1, keepdims=True)
    return np.einsum("...qk,...kv->...qv", P, V), P
""",
        CORRECT,
        "einsum for both products",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        """
def scaled_dot_product_attention(Q, K, V):
    Q, K, V = np.asarray(Q, float), np.asarray(K, float), np.asarray(V, float)
    lead = Q.shape[:-2]
    out = np.zeros((*lead, Q.shape[-2], V.shape[-1]))
    weights = np.zeros((*lead, Q.shape[-2], K.shape[-2]))
    for idx in np.ndindex(*lead):
        s = Q[idx] @ K[idx].T / np.sqrt(Q.shape[-1])   # 2-D: .T is fine here
        e = np.exp(s - s.max(axis=1, keepdims=True))
        weights[idx] = e / e.sum(axis=1, keepdims=True)
        out[idx] = weights[idx] @ V[idx]
    return out, weights
""",
        CORRECT,
        "loop over the leading (batch, head) axes with np.ndindex, 2-D inside",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        """
def scaled_dot_product_attention(Q, K, V):
    Q = Q / np.sqrt(Q.shape[-1])          # scale the queries first
    S = np.matmul(Q, np.swapaxes(K, -2, -1))
    log_p = S - np.logaddexp.reduce(S, axis=-1, keepdims=True)
    P = np.exp(log_p)
    return np.matmul(P, V), P
""",
        CORRECT,
        "queries scaled before the product, softmax through a log-sum-exp",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        """
def scaled_dot_product_attention(Q, K, V):
    S = Q @ K.swapaxes(-1, -2) / Q.shape[-1] ** 0.5
    E = np.exp(S)                         # no max shift: fine in float64 at these sizes
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ V, P
""",
        CORRECT,
        "textbook softmax without the max shift (no overflow in float64 here)",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    d_k = K.shape[-1]
    scores = Q @ K.swapaxes(-1, -2) / d_k
    P = softmax(scores)
    return P @ V, P
""",
        "scale-by-d",
        "scores / d_k, the square root forgotten",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    P = softmax(Q @ np.swapaxes(K, -1, -2))
    return P @ V, P
""",
        "no-scale",
        "dot-product attention without the 1/sqrt(d) (Luong-style)",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    P = softmax(S, axis=-2)
    return P @ V, P
""",
        "softmax-over-queries",
        "softmax over axis -2 (the columns of the score matrix)",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    P = softmax(S, axis=1)                # axis=1: the rows of a 2-D tutorial's (Tq, Tk)
    return P @ V, P
""",
        None,
        "axis=1 kept from a 2-D tutorial: the queries in 3-D, the heads in 4-D",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    S = K @ np.swapaxes(Q, -1, -2) / np.sqrt(Q.shape[-1])
    P = softmax(S, axis=-1)
    return P @ V, P
""",
        "scores-transposed",
        "K Qᵀ: keys as rows of the score matrix",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    scores = np.matmul(Q, K.T) / np.sqrt(Q.shape[-1])   # .T reverses every axis when batched
    P = softmax(scores)
    return np.matmul(P, V), P
""",
        None,
        "K.T from 2-D NumPy code: on a batch it reverses all axes (broadcast error)",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    P = softmax(Q @ np.swapaxes(K, -1, -2) / np.sqrt(V.shape[-1]))
    return P @ V, P
""",
        None,
        "scaled by the value width dv instead of the key width d",
    ),
    Entry(
        SD,
        "scaled_dot_product_attention",
        _SOFTMAX
        + """
def scaled_dot_product_attention(Q, K, V):
    P = softmax(Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1]))
    return P @ V
""",
        None,
        "returns the output only, not (out, weights)",
    ),
]

# -- masked_attention -----------------------------------------------------------------------------
MASKED_ATTENTION = [
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.arange(Tk)[None, :] <= np.arange(Tq)[:, None]

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed = allowed & causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed = allowed & mask
    S = np.where(allowed, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = E / E.sum(axis=-1, keepdims=True)
    P = np.nan_to_num(P, nan=0.0)          # rows with no key: 0/0 -> 0
    return P @ V, P
""",
        CORRECT,
        "np.where with -inf, NaN rows turned into zeros afterwards (torch's _safe_softmax)",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return ~np.triu(np.ones((Tq, Tk), dtype=bool), k=1)   # blocked above the diagonal

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    bias = np.zeros(S.shape)
    if causal:
        bias = bias + np.where(causal_mask(Q.shape[-2], K.shape[-2]), 0.0, -np.inf)
    if mask is not None:
        bias = bias + np.where(mask, 0.0, -np.inf)
    S = S + bias                            # an additive float mask, as attn_mask can be
    top = S.max(axis=-1, keepdims=True)
    top[~np.isfinite(top)] = 0.0
    E = np.exp(S - top)
    Z = E.sum(axis=-1, keepdims=True)
    P = E / np.where(Z == 0, 1.0, Z)
    return P @ V, P
""",
        CORRECT,
        "additive float mask (0 / -inf), the max of an empty row taken as 0",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk))).astype(bool)

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.broadcast_to(True, S.shape)
    if causal:
        allowed = allowed & causal_mask(S.shape[-2], S.shape[-1])
    if mask is not None:
        allowed = allowed & np.asarray(mask, bool)
    S = np.where(allowed, S, -1e9)          # a large negative number instead of -inf
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    P = np.where(allowed.any(axis=-1, keepdims=True), P, 0.0)   # rows with no key
    return P @ V, P
""",
        CORRECT,
        "-1e9 fill, then the rows with no allowed key set to zero explicitly",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    m = np.zeros((Tq, Tk), dtype=bool)
    for i in range(Tq):
        for j in range(Tk):
            m[i, j] = j <= i
    return m

def masked_attention(Q, K, V, mask=None, causal=False):
    B, Tq, Tk = Q.shape[0], Q.shape[1], K.shape[1]
    allowed = np.ones((B, Tq, Tk), dtype=bool)
    if causal:
        allowed &= causal_mask(Tq, Tk)
    if mask is not None:
        allowed &= np.broadcast_to(mask, (B, Tq, Tk))
    out = np.zeros((B, Tq, V.shape[-1]))
    P = np.zeros((B, Tq, Tk))
    for b in range(B):
        for i in range(Tq):
            keys = np.flatnonzero(allowed[b, i])
            if keys.size == 0:
                continue
            s = K[b, keys] @ Q[b, i] / np.sqrt(Q.shape[-1])
            w = np.exp(s - s.max())
            P[b, i, keys] = w / w.sum()
            out[b, i] = P[b, i, keys] @ V[b, keys]
    return out, P
""",
        CORRECT,
        "one query at a time over the allowed keys only",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    if causal:
        P = P * causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        P = P * mask
    return P @ V, P
""",
        "mask-after-softmax",
        "weights multiplied by the mask after the softmax, not renormalised",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    keep = np.ones(S.shape, dtype=bool)
    if causal:
        keep = keep & causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        keep = keep & mask
    P = P * keep
    P = P / P.sum(axis=-1, keepdims=True)   # Raschka's renormalisation: 0/0 on an empty row
    return P @ V, P
""",
        "fully-masked-row-nan",
        "Raschka's mask-after-softmax then renormalise: right, except 0/0 on an empty row",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        S = np.where(causal_mask(Q.shape[-2], K.shape[-2]), S, -np.inf)
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ V, P
""",
        "fully-masked-row-nan",
        "-inf fill and a plain softmax: NaN on a row with no key (torch issue threads)",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed &= mask
    S = S + allowed                         # 'scaled + mask'
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ V, P
""",
        "mask-added-as-0-1",
        "'scaled + mask' with the combined boolean mask: 0/1 added to the scores",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        S = S + causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        S = S + mask
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ V, P
""",
        None,
        "'scaled + mask' once per boolean mask: 2 where both allow, so no one mistake fits",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.triu(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed &= mask
    S = np.where(allowed, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P
""",
        "causal-upper-triangle",
        "np.triu for the causal mask",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.triu(np.ones((Tq, Tk), dtype=bool), k=1)   # Raschka's mask: True = blocked

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])  # ... used as the allowed keys
    if mask is not None:
        allowed &= mask
    S = np.where(allowed, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P
""",
        None,
        "Raschka's blocked-keys mask triu(diagonal=1) used as the may-attend mask",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool), k=Tk - Tq)

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed &= mask
    S = np.where(allowed, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P
""",
        "causal-bottom-right",
        "bottom-right alignment (KV-cache / flash-attention convention) for Tq != Tk",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed &= mask
    S = np.where(allowed, S, -1e9)          # the -1e9 of transformer tutorials, nothing more
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ V, P
""",
        "fully-masked-row-uniform",
        "-1e9 fill: a row with no key gets uniform weights, not zeros",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed &= mask
    S = S - 1e9 * (~allowed)                # additive large negative number
    E = np.exp(S - S.max(axis=-1, keepdims=True))
    P = E / E.sum(axis=-1, keepdims=True)
    return P @ V, P
""",
        None,
        "S - 1e9·(not allowed): a row with no key is shifted as a whole, its softmax unmasked",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        S = np.where(causal_mask(Q.shape[-2], K.shape[-2]), S, -np.inf)
    if mask is not None:
        S = np.where(mask, S, 1e-15)        # 'masked_fill(mask == 0, 1e-15)'
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P
""",
        None,
        "masked scores filled with 1e-15 (a tutorial's typo for -1e15): about 0, not -inf",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    if causal:
        S = np.where(causal_mask(Q.shape[-2], K.shape[-2]), S, -np.inf)
    if mask is not None:
        S = np.where(mask, -np.inf, S)      # the mask read as True = blocked
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P
""",
        "mask-inverted",
        "mask read with key_padding_mask's convention (True = blocked)",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    # Raschka's convention throughout: a mask marks the keys to hide
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    hide = np.zeros(S.shape, dtype=bool)
    if causal:
        hide = hide | np.triu(np.ones((Q.shape[-2], K.shape[-2]), dtype=bool), k=1)
    if mask is not None:
        hide = hide | mask
    S = np.where(hide, -np.inf, S)
    top = np.max(S, axis=-1, keepdims=True)
    E = np.exp(S - np.where(np.isinf(top), 0.0, top))
    Z = E.sum(axis=-1, keepdims=True)
    P = np.divide(E, Z, out=np.zeros_like(E), where=Z > 0)
    return P @ V, P
""",
        "mask-inverted",
        "masks as 'hide these keys' (masked_fill(mask, -inf)), causal right by triu(k=1)",
    ),
    Entry(
        MA,
        "masked_attention",
        """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.zeros(S.shape, dtype=bool) if (causal or mask is not None) else True
    if causal:
        allowed = allowed | causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed = allowed | mask            # either mask lets a key through
    S = np.where(allowed, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P
""",
        None,
        "the causal and the given mask combined with OR instead of AND",
    ),
]

# -- multi_head_attention -------------------------------------------------------------------------
MULTI_HEAD_ATTENTION = [
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + """
def multi_head_attention(query, key, value, params, num_heads):
    # nanoGPT-style: one fused projection, then view(B, T, h, hs).transpose(1, 2)
    B, Tq, D = query.shape
    Tk = key.shape[1]
    hs = D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    q = (query @ W[:D].T + b[:D]).reshape(B, Tq, num_heads, hs).swapaxes(1, 2)
    k = (key @ W[D:2 * D].T + b[D:2 * D]).reshape(B, Tk, num_heads, hs).swapaxes(1, 2)
    v = (value @ W[2 * D:].T + b[2 * D:]).reshape(B, Tk, num_heads, hs).swapaxes(1, 2)
    y, _ = scaled_dot_product_attention(q, k, v)
    y = y.swapaxes(1, 2).reshape(B, Tq, D)
    return y @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        CORRECT,
        "nanoGPT CausalSelfAttention layout, without the causal mask",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SOFTMAX
        + """
def multi_head_attention(query, key, value, params, num_heads):
    D = query.shape[-1]
    dh = D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    q = query @ W[:D].T + b[:D]
    k = key @ W[D:2 * D].T + b[D:2 * D]
    v = value @ W[2 * D:].T + b[2 * D:]
    heads = []
    for j in range(num_heads):                       # one head at a time, by column slices
        cols = slice(j * dh, (j + 1) * dh)
        P = softmax(q[..., cols] @ np.swapaxes(k[..., cols], -1, -2) / np.sqrt(dh))
        heads.append(P @ v[..., cols])
    concat = np.concatenate(heads, axis=-1)
    return concat @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        CORRECT,
        "a loop over heads with column slices, concatenated (Raschka's wrapper style)",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SOFTMAX
        + """
def multi_head_attention(query, key, value, params, num_heads):
    D = query.shape[-1]
    h, dh = num_heads, D // num_heads
    Wq, Wk, Wv = np.split(params["in_proj_weight"], 3, axis=0)
    bq, bk, bv = np.split(params["in_proj_bias"], 3)
    # project straight into heads: W (h, dh, D)
    q = np.einsum("btd,hed->bhte", query, Wq.reshape(h, dh, D)) + bq.reshape(h, 1, dh)
    k = np.einsum("btd,hed->bhte", key, Wk.reshape(h, dh, D)) + bk.reshape(h, 1, dh)
    v = np.einsum("btd,hed->bhte", value, Wv.reshape(h, dh, D)) + bv.reshape(h, 1, dh)
    P = softmax(np.einsum("bhqe,bhke->bhqk", q, k) / np.sqrt(dh))
    o = np.einsum("bhqk,bhke->bhqe", P, v)
    Wo = params["out_proj_weight"].reshape(D, h, dh)
    return np.einsum("bhqe,ohe->bqo", o, Wo) + params["out_proj_bias"]
""",
        CORRECT,
        "einsum throughout, the weights reshaped per head",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + """
def split_heads(x, num_heads):
    return np.stack(np.split(x, num_heads, axis=-1), axis=1)

def merge_heads(o):
    return np.concatenate([o[:, j] for j in range(o.shape[1])], axis=-1)

def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        CORRECT,
        "heads by np.split + np.stack, merged by np.concatenate",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + """
def split_heads(x, num_heads):
    B, T, D = x.shape
    return x.reshape(B, num_heads, T, D // num_heads)

def merge_heads(o):
    B, h, T, dh = o.shape
    return o.transpose(0, 2, 1, 3).reshape(B, T, h * dh)

def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        "heads-split-without-transpose",
        "view(B, h, T, hs) straight from (B, T, D)",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    B, T, D = query.shape
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    concat = o.reshape(B, T, D)                      # .contiguous().view() without transpose
    return concat @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        "heads-merged-without-transpose",
        "merged with a reshape of (B, h, T, hs) straight to (B, T, D)",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SOFTMAX
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    C = query.shape[-1]
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    wei = softmax(q @ k.swapaxes(-2, -1) * C ** -0.5)   # C: the model width, not head_size
    return merge_heads(wei @ v) @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        "scale-by-model-width",
        "'Let's build GPT' Head scaled by C ** -0.5 with C = n_embd",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"] + params["out_proj_bias"]
""",
        "out-proj-not-transposed",
        "x @ W for the output projection, W in torch's (out, in) layout",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q + b_q, num_heads)
    k = split_heads(key @ W_k + b_k, num_heads)
    v = split_heads(value @ W_v + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"] + params["out_proj_bias"]
""",
        "weights-not-transposed",
        "every projection x @ W, the (in, out) layout of from-scratch code",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q + b_q, num_heads)      # the input blocks untransposed
    k = split_heads(key @ W_k + b_k, num_heads)
    v = split_heads(value @ W_v + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        None,
        "only the input projections untransposed, the output one right",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + """
def split_heads(x, num_heads):
    B, T, D = x.shape
    return x.reshape(B, T, D // num_heads, num_heads).transpose(0, 3, 1, 2)

def merge_heads(o):
    B, h, T, dh = o.shape
    return o.transpose(0, 2, 3, 1).reshape(B, T, h * dh)

def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    v = split_heads(value @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        None,
        "reshape (B, T, hs, h): interleaved heads, consistent split and merge, not torch's",
    ),
    Entry(
        MH,
        "multi_head_attention",
        _SDPA
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    q = split_heads(query @ W_q.T, num_heads)          # in_proj_bias forgotten
    k = split_heads(key @ W_k.T, num_heads)
    v = split_heads(value @ W_v.T, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        None,
        "the input projections' biases left out",
    ),
]

# -- cross_attention ------------------------------------------------------------------------------
CROSS_ATTENTION = [
    Entry(
        CA,
        "cross_attention",
        _MHA
        + """
def cross_attention(x, memory, params, num_heads):
    return multi_head_attention(query=x, key=memory, value=memory, params=params,
                                num_heads=num_heads)
""",
        CORRECT,
        "keyword arguments",
    ),
    Entry(
        CA,
        "cross_attention",
        _SOFTMAX
        + """
def cross_attention(x, memory, params, num_heads):
    B, Tq, D = x.shape
    Tk, dh = memory.shape[1], D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    q = (x @ W[:D].T + b[:D]).reshape(B, Tq, num_heads, dh).transpose(0, 2, 1, 3)
    kv = memory @ W[D:].T + b[D:]                    # keys and values in one product
    k, v = np.split(kv, 2, axis=-1)
    k = k.reshape(B, Tk, num_heads, dh).transpose(0, 2, 1, 3)
    v = v.reshape(B, Tk, num_heads, dh).transpose(0, 2, 1, 3)
    P = softmax(q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh))
    o = (P @ v).transpose(0, 2, 1, 3).reshape(B, Tq, D)
    return o @ params["out_proj_weight"].T + params["out_proj_bias"]
""",
        CORRECT,
        "written out, keys and values from one fused product over the memory",
    ),
    Entry(
        CA,
        "cross_attention",
        _MHA
        + """
def cross_attention(x, memory, params, num_heads):
    return multi_head_attention(x, x, x, params, num_heads)
""",
        "self-attention-on-queries",
        "the self-attention call copied, memory unused",
    ),
    Entry(
        CA,
        "cross_attention",
        _SDPA
        + _HEADS
        + """
def multi_head_attention(query, key, value, params, num_heads):
    # written for self-attention only: key and value never read
    W_q, W_k, W_v = np.split(params["in_proj_weight"], 3)
    b_q, b_k, b_v = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(query @ W_k.T + b_k, num_heads)
    v = split_heads(query @ W_v.T + b_v, num_heads)
    o, _ = scaled_dot_product_attention(q, k, v)
    return merge_heads(o) @ params["out_proj_weight"].T + params["out_proj_bias"]

def cross_attention(x, memory, params, num_heads):
    return multi_head_attention(x, memory, memory, params, num_heads)
""",
        "self-attention-on-queries",
        "Exercise 3 passed with an MHA that projects the query for K and V too",
    ),
    Entry(
        CA,
        "cross_attention",
        _MHA
        + """
def cross_attention(x, memory, params, num_heads):
    return multi_head_attention(memory, x, x, params, num_heads)
""",
        "roles-swapped",
        "encoder output as the queries",
    ),
    Entry(
        CA,
        "cross_attention",
        _MHA
        + """
def cross_attention(x, memory, params, num_heads):
    return multi_head_attention(x, memory, x, params, num_heads)
""",
        None,
        "values taken from x (runs only when Tq = Tk)",
    ),
]

# -- attention_backward ---------------------------------------------------------------------------
ATTENTION_BACKWARD = [
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    s = Q.shape[-1] ** -0.5
    S = np.einsum("bqd,bkd->bqk", Q, K) * s
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    dV = np.einsum("bqk,bqv->bkv", P, dOut)
    dP = np.einsum("bqv,bkv->bqk", dOut, V)
    dS = P * dP - P * np.einsum("bqk,bqk->bq", P, dP)[..., None]
    dQ = np.einsum("bqk,bkd->bqd", dS, K) * s
    dK = np.einsum("bqk,bqd->bkd", dS, Q) * s
    return dQ, dK, dV
""",
        CORRECT,
        "einsum, each gradient from its index form",
    ),
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    B, Tq, d = Q.shape
    dQ, dK, dV = np.zeros_like(Q), np.zeros_like(K), np.zeros_like(V)
    for b in range(B):
        S = Q[b] @ K[b].T / np.sqrt(d)
        P = np.exp(S - S.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        dV[b] = P.T @ dOut[b]
        dP = dOut[b] @ V[b].T
        dS = np.zeros_like(P)
        for i in range(Tq):
            p = P[i]
            J = np.diag(p) - np.outer(p, p)          # the softmax Jacobian of row i
            dS[i] = J @ dP[i]
        dQ[b] = dS @ K[b] / np.sqrt(d)
        dK[b] = dS.T @ Q[b] / np.sqrt(d)
    return dQ, dK, dV
""",
        CORRECT,
        "per row, with the explicit Jacobian diag(p) - p pᵀ",
    ),
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P = P / P.sum(-1, keepdims=True)
    dV = np.swapaxes(P, -1, -2) @ dOut
    dS = dOut @ np.swapaxes(V, -1, -2)              # through P as if it were linear
    return dS @ K * scale, np.swapaxes(dS, -1, -2) @ Q * scale, dV
""",
        "softmax-jacobian-dropped",
        "gradient passed through the softmax unchanged",
    ),
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    P = np.exp(S - S.max(-1, keepdims=True))
    P = P / P.sum(-1, keepdims=True)
    dV = np.swapaxes(P, -1, -2) @ dOut
    dP = dOut @ np.swapaxes(V, -1, -2)
    dS = P * (dP - np.sum(P * dP, axis=-1, keepdims=True))
    return dS @ K, np.swapaxes(dS, -1, -2) @ Q, dV
""",
        "scale-missing-in-dQ-dK",
        "the 1/sqrt(d) of the forward pass forgotten in dQ and dK",
    ),
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    s = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * s
    P = np.exp(S - S.max(-1, keepdims=True))
    P = P / P.sum(-1, keepdims=True)
    dV = P @ dOut
    dP = dOut @ np.swapaxes(V, -1, -2)
    dS = P * (dP - np.sum(P * dP, axis=-1, keepdims=True))
    return dS @ K * s, np.swapaxes(dS, -1, -2) @ Q * s, dV
""",
        "dV-uses-P-not-transposed",
        "dV = P dOut",
    ),
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    s = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * s
    P = np.exp(S - S.max(-1, keepdims=True))
    P = P / P.sum(-1, keepdims=True)
    dV = np.swapaxes(P, -1, -2) @ dOut
    dP = dOut @ np.swapaxes(V, -1, -2)
    dS = P * (dP - dP.sum(axis=-1, keepdims=True))   # Σ_j dP_j, the P_j left out
    return dS @ K * s, np.swapaxes(dS, -1, -2) @ Q * s, dV
""",
        None,
        "softmax backward with Σ dP instead of Σ P·dP",
    ),
    Entry(
        BW,
        "attention_backward",
        """
def attention_backward(Q, K, V, dOut):
    s = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * s
    P = np.exp(S - S.max(-1, keepdims=True))
    P = P / P.sum(-1, keepdims=True)
    dV = np.swapaxes(P, -1, -2) @ dOut
    dP = dOut @ np.swapaxes(V, -1, -2)
    dS = P * (dP - np.sum(P * dP, axis=-1, keepdims=True))
    return dS @ K * s, dS @ Q * s, dV               # dK without the transpose
""",
        None,
        "dK = dS Q, the transpose missing (shape error when Tq != Tk)",
    ),
]

# -- attention_entropy ----------------------------------------------------------------------------
ATTENTION_ENTROPY = [
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = Q.shape[-1] ** -0.5
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    logP = np.log(P, out=np.zeros_like(P), where=P > 0)     # 0 · log 0 taken as 0
    return float(-(P * logP).sum(-1).mean())
""",
        CORRECT,
        "np.log with where= so that 0 · log 0 = 0",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    return float(np.mean(-np.sum(P * np.log(P + 1e-30), axis=-1)))
""",
        CORRECT,
        "an epsilon inside the log (tiny enough to change nothing visible)",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    scale = 1 / np.sqrt(Q.shape[-1]) if scale is None else scale
    S = Q @ np.swapaxes(K, -1, -2) * scale
    m = S.max(-1, keepdims=True)
    lse = m + np.log(np.exp(S - m).sum(-1, keepdims=True))
    P = np.exp(S - lse)
    # H = log Z − Σ p s  (entropy of a softmax from its logits)
    H = lse[..., 0] - (P * S).sum(-1)
    return float(H.mean())
""",
        CORRECT,
        "H = logsumexp(s) - Σ p s",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    terms = np.where(P > 0, -P * np.log2(np.where(P > 0, P, 1.0)), 0.0)
    return float(terms.sum(-1).mean())
""",
        "entropy-in-bits",
        "log2, as in information-theory code",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    return float(np.mean(-np.sum(P * np.log(P), axis=-1)))
""",
        "zero-times-log-zero",
        "-Σ p log p straight: NaN where a weight underflows to 0",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-2, keepdims=True))
    P /= P.sum(-2, keepdims=True)
    terms = np.where(P > 0, -P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    return float(terms.sum(-1).mean())
""",
        "softmax-over-queries",
        "softmax along axis -2",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    terms = np.where(P > 0, -P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    return float(terms.sum())
""",
        "entropy-summed-over-queries",
        "np.sum over everything",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    scale = scale or 1 / np.sqrt(Q.shape[-1])      # scale = 0.0 is falsy
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    terms = np.where(P > 0, -P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    return float(terms.sum(-1).mean())
""",
        None,
        "'scale or default': a given scale of 0 replaced by 1/sqrt(d)",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    S = Q @ np.swapaxes(K, -1, -2) * scale
    P = np.exp(S - S.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    terms = np.where(P > 0, -P * np.log(np.where(P > 0, P, 1.0)), 0.0)
    return float(terms.mean())                     # mean over the keys too
""",
        None,
        "np.mean over every entry: the row sums divided by Tk",
    ),
    Entry(
        EN,
        "attention_entropy",
        """
def attention_entropy(Q, K, scale=None):
    from scipy.special import softmax
    from scipy.stats import entropy
    if scale is None:
        scale = 1 / np.sqrt(Q.shape[-1])
    P = softmax(Q @ np.swapaxes(K, -1, -2) * scale, axis=-1)
    return float(entropy(P, axis=-1).mean())
""",
        None,
        "scipy.special.softmax and scipy.stats.entropy (not allowed)",
    ),
]

# -- padding_mask_weights -------------------------------------------------------------------------
_PROJ = """
def project(x, params, which, num_heads):
    D = x.shape[-1]
    W = params["in_proj_weight"][which * D:(which + 1) * D]
    b = params["in_proj_bias"][which * D:(which + 1) * D]
    y = x @ W.T + b
    B, T, _ = y.shape
    return y.reshape(B, T, num_heads, D // num_heads).transpose(0, 2, 1, 3)
"""

PADDING_MASK_WEIGHTS = [
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    S = np.where(key_padding_mask[:, None, None, :], -np.inf, S)   # True = padding
    E = np.exp(S - S.max(-1, keepdims=True))
    return E / E.sum(-1, keepdims=True)
""",
        CORRECT,
        "np.where straight on torch's convention (every row keeps a key)",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = np.einsum("bhqe,bhke->bhqk", q, k) / np.sqrt(q.shape[-1])
    S = S + np.where(key_padding_mask, -1e9, 0.0)[:, None, None, :]  # -1e9: exp gives 0
    E = np.exp(S - S.max(-1, keepdims=True))
    return E / E.sum(-1, keepdims=True)
""",
        CORRECT,
        "an additive -1e9 bias: exact in float64 since every sequence keeps a key",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _HEADS
        + """
def causal_mask(Tq, Tk):
    return np.tril(np.ones((Tq, Tk), dtype=bool))

def masked_attention(Q, K, V, mask=None, causal=False):
    S = Q @ np.swapaxes(K, -1, -2) / np.sqrt(Q.shape[-1])
    allowed = np.ones(S.shape, dtype=bool)
    if causal:
        allowed &= causal_mask(Q.shape[-2], K.shape[-2])
    if mask is not None:
        allowed &= mask
    S = np.where(allowed, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(axis=-1, keepdims=True))
        P = np.nan_to_num(E / E.sum(axis=-1, keepdims=True))
    return P @ V, P

def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    W_q, W_k, _ = np.split(params["in_proj_weight"], 3)
    b_q, b_k, _ = np.split(params["in_proj_bias"], 3)
    q = split_heads(query @ W_q.T + b_q, num_heads)
    k = split_heads(key @ W_k.T + b_k, num_heads)
    keep = np.logical_not(key_padding_mask)[:, None, None, :]
    return masked_attention(q, k, k, mask=keep)[1]
""",
        CORRECT,
        "the notebook's route: split_heads and masked_attention with the mask inverted",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    keep = key_padding_mask[:, None, None, :]        # read as "may attend"
    S = np.where(keep, S, -np.inf)
    with np.errstate(invalid="ignore"):
        E = np.exp(S - S.max(-1, keepdims=True))
        return np.nan_to_num(E / E.sum(-1, keepdims=True))
""",
        "padding-mask-inverted",
        "key_padding_mask passed on as a may-attend mask (Exercise 2's convention)",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    E = np.exp(S - S.max(-1, keepdims=True))
    P = E / E.sum(-1, keepdims=True)
    return P * ~key_padding_mask[:, None, None, :]
""",
        "mask-after-softmax",
        "padded keys' weights zeroed after the softmax",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    S = np.where(key_padding_mask[:, None, None, :], -np.inf, S)
    E = np.exp(S - S.max(-1, keepdims=True))
    return (E / E.sum(-1, keepdims=True)).mean(axis=1)   # torch's default averaging
""",
        "weights-averaged-over-heads",
        "average_attn_weights=True, torch's default, reproduced",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(q.shape[-1])
    S = np.where(key_padding_mask[:, None, :], -np.inf, S)   # (B, 1, Tk): one axis short
    E = np.exp(S - S.max(-1, keepdims=True))
    return E / E.sum(-1, keepdims=True)
""",
        None,
        "mask broadcast as (B, 1, Tk) against (B, h, Tq, Tk): batch lined up with heads",
    ),
    Entry(
        PM,
        "padding_mask_weights",
        _PROJ
        + """
def padding_mask_weights(query, key, params, num_heads, key_padding_mask):
    q = project(query, params, 0, num_heads)
    k = project(key, params, 1, num_heads)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(query.shape[-1])   # sqrt(D), not sqrt(d_head)
    S = np.where(key_padding_mask[:, None, None, :], -np.inf, S)
    E = np.exp(S - S.max(-1, keepdims=True))
    return E / E.sum(-1, keepdims=True)
""",
        "scale-by-model-width",
        "scaled by sqrt(D), the model width ('Let's build GPT' C ** -0.5)",
    ),
]

# -- mha_cost -------------------------------------------------------------------------------------
MHA_COST = [
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    n_params = 4 * D * (D + 1)
    flops = 8 * T * D * D + 4 * T * T * D
    return n_params, flops
""",
        CORRECT,
        "closed forms 4D(D+1) and 8TD² + 4T²D",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    def matmul(m, k, n):
        return 2 * m * k * n
    dh = D // h
    shapes = {"in_proj_weight": (3 * D, D), "in_proj_bias": (3 * D,),
              "out_proj.weight": (D, D), "out_proj.bias": (D,)}
    n_params = sum(int(np.prod(s)) for s in shapes.values())
    flops = 3 * matmul(T, D, D)                         # Q, K, V
    flops += h * (matmul(T, dh, T) + matmul(T, T, dh))  # per head: Q Kᵀ and P V
    flops += matmul(T, D, D)                            # output projection
    return int(n_params), int(flops)
""",
        CORRECT,
        "parameter shapes listed, FLOPs per head summed",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    return 4 * D * D, 8 * T * D * D + 4 * T * T * D
""",
        "biases-forgotten",
        "4D² weights only",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    per_head = 3 * (D * D + D)
    return h * per_head + D * D + D, 8 * T * D * D + 4 * T * T * D
""",
        "full-width-per-head",
        "every head with its own D × D projections",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    macs = 4 * T * D * D + 2 * T * T * D
    return 4 * D * D + 4 * D, macs
""",
        "one-flop-per-multiply-add",
        "multiply-adds (MACs) reported as FLOPs",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    return 4 * D * D + 4 * D, 2 * T * 4 * D * D
""",
        "attention-products-forgotten",
        "the 'FLOPs ≈ 2 × parameters × tokens' rule: projections only",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    dh = D // h
    return 4 * D * D + 4 * D, 8 * T * D * D + 2 * (2 * T * T * dh)
""",
        None,
        "Q Kᵀ and P V counted for one head only",
    ),
    Entry(
        MC,
        "mha_cost",
        """
def mha_cost(D, h, T):
    return 4 * D * D + 4 * D, 8 * T * D * D + 2 * T * T * D
""",
        None,
        "Q Kᵀ counted, P V forgotten",
    ),
]

# -- permutation_equivariance ---------------------------------------------------------------------
PERMUTATION_EQUIVARIANCE = [
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    pos = 0.0 if positions is None else positions
    def f(z):
        u = z + pos
        return multi_head_attention(u, u, u, params, num_heads)
    return float(np.max(np.abs(f(np.take(x, perm, axis=1)) - np.take(f(x), perm, axis=1))))
""",
        CORRECT,
        "np.take along the token axis, positions 0 when None",
    ),
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    def f(z):
        if positions is not None:
            z = z + positions
        return multi_head_attention(z, z, z, params, num_heads)
    back = np.argsort(perm)                 # undo the shuffle instead
    return float(np.abs(f(x[:, perm])[:, back] - f(x)).max())
""",
        CORRECT,
        "the moved output moved back with argsort(perm), compared with f(x)",
    ),
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    def f(z, p):
        u = z if p is None else z + p
        return multi_head_attention(u, u, u, params, num_heads)
    moved_pos = None if positions is None else positions[perm]
    return float(np.abs(f(x[:, perm], moved_pos) - f(x, positions)[:, perm]).max())
""",
        "positions-moved-with-tokens",
        "x + positions shuffled as a whole",
    ),
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    def f(z):
        u = z if positions is None else z + positions
        return multi_head_attention(u, u, u, params, num_heads)
    return float(np.abs(f(x[:, perm]) - f(x)).max())
""",
        "outputs-not-permuted",
        "invariance tested instead of equivariance",
    ),
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    def f(z):
        u = z if positions is None else z + positions
        return multi_head_attention(u, u, u, params, num_heads)
    moved = np.empty_like(x)
    moved[:, perm] = x                      # scatter instead of gather
    return float(np.abs(f(moved) - f(x)[:, perm]).max())
""",
        None,
        "tokens scattered to perm (x moved by the inverse) while outputs are gathered",
    ),
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    def f(z):
        u = z if positions is None else z + positions
        return multi_head_attention(u, u, u, params, num_heads)
    return float(np.abs(f(x[:, perm]) - f(x)[:, np.argsort(perm)]).max())
""",
        "inverse-permutation",
        "outputs moved by argsort(perm)",
    ),
    Entry(
        PE,
        "permutation_residual",
        _MHA
        + """
def permutation_residual(x, params, num_heads, perm, positions=None):
    def f(z):
        u = z if positions is None else z + positions
        return multi_head_attention(u, u, u, params, num_heads)
    return float(np.abs(f(x[:, perm]) - f(x)[:, perm]).mean())
""",
        None,
        "mean absolute difference instead of the max",
    ),
]

ENTRIES: list[Entry] = [
    *SCALED_DOT_PRODUCT_ATTENTION,
    *MASKED_ATTENTION,
    *MULTI_HEAD_ATTENTION,
    *CROSS_ATTENTION,
    *ATTENTION_BACKWARD,
    *ATTENTION_ENTROPY,
    *PADDING_MASK_WEIGHTS,
    *MHA_COST,
    *PERMUTATION_EQUIVARIANCE,
]
