"""Student solutions for assignment 10 — the Transformer, as people write them.

The variants come from public code and questions, rewritten here in our own words: the PyTorch
tutorials' ``PositionalEncoding`` (``div_term = exp(arange(0, D, 2) · −log(10000)/D)``, the
``pe[:, 1::2] = cos(...)`` line that breaks for an odd width, a buffer of ``max_len`` rows
never cut to T) and TensorFlow's ``get_angles``; Meta's Llama ``precompute_freqs_cis`` /
``apply_rotary_emb`` (pairs (2j, 2j + 1) viewed as complex numbers, ``freqs_cis[:seqlen]``
that ignores the given positions), the GPT-NeoX / Hugging Face ``rotate_half`` with the angle
table concatenated with itself (``cos_cached[position_ids]``), GPT-J's ``rotate_every_two``
with ``repeat_interleave``d angles, and gpt-fast's rotary by explicit real and imaginary
parts; CS231n-style LayerNorm backward, by the compact formula and by the staged
computational graph; the Annotated Transformer's LayerNorm (``(x − mean) / (std + eps)``
with torch's unbiased ``std``); NumPy "transformer from scratch" layers whose backward sums
gamma's gradient over ``axis=(0, 1)``; Llama's ``RMSNorm`` and its ``rsqrt``; nanoGPT's and
minGPT's ``Block`` (pre-LN, ``masked_fill`` of ``tril == 0``, the tanh ``NewGELU``, and the
head that scales by ``C ** -0.5`` in "Let's build GPT"), the post-LN block of the original
paper's tutorials and CLIP's quick GELU; Hugging Face's ``shift_logits`` / ``shift_labels``
loss with ``ignore_index``, and Keras-style clipped probabilities; nanoGPT's
``get_num_params`` (the position table subtracted) and ``estimate_mfu`` with PaLM's
appendix B (6N + 12·L·H·Q·T per token), Kaplan et al.'s N ≈ 12·L·D²; KV caches grown with
``torch.cat(..., dim=2)`` on (B, h, T, d) or ``dim=1`` on (B, T, D) (llm-foundry),
preallocated ones (nanochat, gpt-fast), and LLMs-from-scratch's KV-cache chapter.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "10-transformer"

SP = f"{A}/sinusoidal_positions"
RO = f"{A}/rotary_embedding"
LF = f"{A}/layernorm_forward"
LB = f"{A}/layernorm_backward"
RN = f"{A}/rmsnorm"
DB = f"{A}/decoder_block"
LM = f"{A}/causal_lm_loss"
TC = f"{A}/transformer_cost"
KV = f"{A}/kv_cache"

# the notebook's helper, given above Exercise 6
_SOFTMAX = """
def softmax(S, axis=-1):
    E = np.exp(S - S.max(axis=axis, keepdims=True))
    return E / E.sum(axis=axis, keepdims=True)
"""

_LAYERNORM = """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta
"""

_GELU = """
def gelu(u):
    return 0.5 * u * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (u + 0.044715 * u**3)))
"""


# -- sinusoidal_positions -------------------------------------------------------------------------
SINUSOIDAL_POSITIONS = [
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    pe = np.zeros((T, D))
    position = np.arange(T)[:, None]
    div_term = np.exp(np.arange(0, D, 2) * (-np.log(10000.0) / D))
    pe[:, 0::2] = np.sin(position * div_term)
    pe[:, 1::2] = np.cos(position * div_term[: D // 2])   # one cosine fewer for an odd D
    return pe
""",
        CORRECT,
        "PyTorch-tutorial div_term by exp/log, the cosines cut to D // 2",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    pe = np.zeros((T, D))
    for t in range(T):
        for j in range(D):
            i = j // 2
            angle = t / 10000 ** (2 * i / D)
            pe[t, j] = np.sin(angle) if j % 2 == 0 else np.cos(angle)
    return pe
""",
        CORRECT,
        "two loops, one entry at a time",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    half = (D + 1) // 2
    omega = 1.0 / 10000 ** (2 * np.arange(half) / D)
    angles = np.outer(np.arange(T), omega)                     # (T, half)
    pairs = np.stack([np.sin(angles), np.cos(angles)], axis=-1)  # (T, half, 2)
    return pairs.reshape(T, 2 * half)[:, :D]
""",
        CORRECT,
        "sin and cos stacked on a new axis, reshaped to interleave, cut to D",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    W = D + (D % 2)                        # an even width, then drop the extra column
    pe = np.empty((T, W))
    angles = np.arange(T)[:, None] * np.power(10000.0, -np.arange(0, W, 2) / D)
    pe[:, ::2], pe[:, 1::2] = np.sin(angles), np.cos(angles)
    return pe[:, :D]
""",
        CORRECT,
        "built at an even width and cut",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def get_angles(pos, i, d_model):
    angle_rates = 1 / np.power(10000, (2 * (i // 2)) / np.float32(d_model))
    return pos * angle_rates

def sinusoidal_positions(T, D):
    angle_rads = get_angles(np.arange(T)[:, np.newaxis], np.arange(D)[np.newaxis, :], D)
    angle_rads[:, 0::2] = np.sin(angle_rads[:, 0::2])
    angle_rads[:, 1::2] = np.cos(angle_rads[:, 1::2])
    return angle_rads
""",
        CORRECT,
        "the TensorFlow tutorial's get_angles: one angle per column, 2·(i // 2) in the exponent",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    pe = np.zeros((T, D))
    position = np.arange(0, T, dtype=float)[:, None]
    div_term = np.exp(np.arange(0, D, 2) * (-np.log(10000.0) / D))
    pe[:, 0::2] = np.sin(position * div_term)
    pe[:, 1::2] = np.cos(position * div_term)
    return pe
""",
        "odd-width-unhandled",
        "the PyTorch tutorial verbatim: the cosine line breaks for an odd D",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    i = np.arange((D + 1) // 2)
    angles = np.arange(T)[:, None] / 10000 ** (i / D)     # pair index i, not 2i
    pe = np.zeros((T, D))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : D // 2])
    return pe
""",
        "exponent-i-over-D",
        "exponent i/D with i the pair index (the 2 of 2i dropped)",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    j = np.arange(D)
    angles = np.arange(T)[:, None] / np.power(10000, j / D)   # each column its own frequency
    return np.where(j % 2 == 0, np.sin(angles), np.cos(angles))
""",
        "exponent-by-column",
        "frequency 10000^(-j/D) with j the column",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    half = (D + 1) // 2
    freqs = 10000.0 ** (-2 * np.arange(half) / D)
    angles = np.arange(T)[:, None] * freqs
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)[:, :D]
""",
        "halves-not-interleaved",
        "sines then cosines (tensor2tensor / fairseq layout)",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    pe = np.zeros((T, D))
    angles = np.arange(T)[:, None] * 10000.0 ** (-np.arange(0, D, 2) / D)
    pe[:, 0::2] = np.cos(angles)
    pe[:, 1::2] = np.sin(angles[:, : D // 2])
    return pe
""",
        "sin-cos-swapped",
        "cosines in the even columns",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    pe = np.zeros((T, D))
    pos = np.arange(1, T + 1)[:, None]          # 1-based positions
    angles = pos * 10000.0 ** (-np.arange(0, D, 2) / D)
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : D // 2])
    return pe
""",
        "positions-from-one",
        "positions counted from 1",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D, max_len=5000):
    pe = np.zeros((max_len, D))
    position = np.arange(max_len)[:, None]
    div_term = np.exp(np.arange(0, D, 2) * (-np.log(10000.0) / D))
    pe[:, 0::2] = np.sin(position * div_term)
    pe[:, 1::2] = np.cos(position * div_term[: D // 2])
    return pe                                   # the buffer, never cut to pe[:T]
""",
        None,
        "the tutorial's max_len buffer returned whole (shape (5000, D))",
    ),
    Entry(
        SP,
        "sinusoidal_positions",
        """
def sinusoidal_positions(T, D):
    i = np.arange(0, D, 2)
    angles = np.arange(T)[:, None] / 10000 ** i / D      # precedence: (t / 10000^i) / D
    pe = np.zeros((T, D))
    pe[:, 0::2] = np.sin(angles)
    pe[:, 1::2] = np.cos(angles[:, : D // 2])
    return pe
""",
        None,
        "operator precedence: t / 10000 ** i / D",
    ),
]


# -- rotary_embedding -----------------------------------------------------------------------------
ROTARY_EMBEDDING = [
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    theta = base ** (-np.arange(0, d, 2) / d)
    cis = np.exp(1j * np.outer(positions, theta))        # (T, d/2), like freqs_cis
    if convention == "interleaved":
        z = (x[..., 0::2] + 1j * x[..., 1::2]) * cis
        return np.stack([z.real, z.imag], axis=-1).reshape(x.shape)
    z = (x[..., : d // 2] + 1j * x[..., d // 2 :]) * cis
    return np.concatenate([z.real, z.imag], axis=-1)
""",
        CORRECT,
        "Llama-style complex multiply for both pairings",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotate_half(x):
    d = x.shape[-1]
    return np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], axis=-1)

def rotate_every_two(x):
    out = np.empty_like(x)
    out[..., 0::2] = -x[..., 1::2]
    out[..., 1::2] = x[..., 0::2]
    return out

def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (np.arange(0, d, 2) / d))
    freqs = np.asarray(positions, dtype=float)[:, None] * inv_freq
    if convention == "half":
        emb = np.concatenate([freqs, freqs], axis=-1)     # HF: cat((freqs, freqs))
        return x * np.cos(emb) + rotate_half(x) * np.sin(emb)
    emb = np.repeat(freqs, 2, axis=-1)                    # GPT-J: repeat_interleave
    return x * np.cos(emb) + rotate_every_two(x) * np.sin(emb)
""",
        CORRECT,
        "HF rotate_half with cat(freqs, freqs); GPT-J rotate_every_two with repeated angles",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    ang = np.asarray(positions, float)[:, None] * base ** (-2 * np.arange(d // 2) / d)
    c, s = np.cos(ang), np.sin(ang)
    R = np.stack([np.stack([c, -s], -1), np.stack([s, c], -1)], -2)   # (T, d/2, 2, 2)
    if convention == "half":
        idx = np.stack([np.arange(d // 2), np.arange(d // 2) + d // 2], -1)
    else:
        idx = np.arange(d).reshape(d // 2, 2)
    pairs = x[..., idx]                                   # (..., T, d/2, 2)
    out = np.empty_like(x)
    out[..., idx] = np.einsum("tjab,...tjb->...tja", R, pairs)
    return out
""",
        CORRECT,
        "2x2 rotation matrices applied by einsum, pairs gathered by an index table",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    x = np.asarray(x, dtype=float)
    out = x.copy()
    d = x.shape[-1]
    for t, p in enumerate(positions):
        for j in range(d // 2):
            a_i, b_i = (j, j + d // 2) if convention == "half" else (2 * j, 2 * j + 1)
            angle = p * base ** (-2.0 * j / d)
            a, b = x[..., t, a_i], x[..., t, b_i]
            out[..., t, a_i] = a * np.cos(angle) - b * np.sin(angle)
            out[..., t, b_i] = a * np.sin(angle) + b * np.cos(angle)
    return out
""",
        CORRECT,
        "loops over positions and pairs",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    x = np.asarray(x, dtype=float)
    d = x.shape[-1]
    # interleaved = half with the coordinates permuted (0, 2, 4, ..., 1, 3, 5, ...)
    perm = np.concatenate([np.arange(0, d, 2), np.arange(1, d, 2)])
    if convention == "interleaved":
        x = x[..., perm]
    ang = np.asarray(positions, float)[:, None] * base ** (-np.arange(0, d, 2) / d)
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    out = np.concatenate(
        [x1 * np.cos(ang) - x2 * np.sin(ang), x1 * np.sin(ang) + x2 * np.cos(ang)], -1
    )
    if convention == "interleaved":
        out = out[..., np.argsort(perm)]
    return out
""",
        CORRECT,
        "interleaved by permuting to the half layout and back (HF's weight permutation idea)",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    positions = np.asarray(positions)
    max_pos = int(positions.max()) + 1
    inv_freq = 1.0 / base ** (np.arange(0, d, 2) / d)
    freqs = np.outer(np.arange(max_pos), inv_freq)          # a table for 0 .. max_pos - 1
    if convention == "half":
        emb = np.concatenate([freqs, freqs], -1)
        cos_cached, sin_cached = np.cos(emb), np.sin(emb)
        cos, sin = cos_cached[positions], sin_cached[positions]   # gathered by position id
        x1, x2 = x[..., : d // 2], x[..., d // 2 :]
        return x * cos + np.concatenate([-x2, x1], -1) * sin
    cos, sin = np.cos(freqs)[positions], np.sin(freqs)[positions]
    a, b = x[..., 0::2], x[..., 1::2]
    return np.stack([a * cos - b * sin, a * sin + b * cos], -1).reshape(x.shape)
""",
        CORRECT,
        "HF cos_cached / sin_cached tables gathered by position ids",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    ang = np.outer(positions, 1.0 / base ** (np.arange(0, d, 2) / d))
    cos = np.concatenate([np.cos(ang)] * 2, -1)
    sin = np.concatenate([np.sin(ang)] * 2, -1)
    rot = np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], -1)
    return x * cos + rot * sin                 # convention never read
""",
        "always-half",
        "HF rotate_half only; the convention argument ignored",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    freqs = np.outer(positions, 1.0 / base ** (np.arange(0, d, 2)[: d // 2] / d))
    freqs_cis = np.exp(1j * freqs)
    xc = x.reshape(*x.shape[:-1], d // 2, 2)
    z = (xc[..., 0] + 1j * xc[..., 1]) * freqs_cis
    return np.stack([z.real, z.imag], -1).reshape(x.shape)
""",
        "always-interleaved",
        "Meta Llama's apply_rotary_emb only, for either convention",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    ang = np.asarray(positions)[:, None] * base ** (-np.arange(0, d, 2) / d)
    c, s = np.cos(ang), np.sin(ang)
    if convention == "half":                 # "half" read as: half the coordinates per slot
        a, b = x[..., 0::2], x[..., 1::2]
        out = np.empty_like(x)
        out[..., 0::2], out[..., 1::2] = a * c - b * s, a * s + b * c
        return out
    a, b = x[..., : d // 2], x[..., d // 2 :]
    return np.concatenate([a * c - b * s, a * s + b * c], -1)
""",
        "conventions-swapped",
        "the two branches swapped",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    theta = base ** (-np.arange(d // 2) / d)        # arange(d/2) instead of arange(0, d, 2)
    ang = np.asarray(positions)[:, None] * theta
    c, s = np.cos(ang), np.sin(ang)
    if convention == "half":
        a, b = x[..., : d // 2], x[..., d // 2 :]
        return np.concatenate([a * c - b * s, a * s + b * c], -1)
    a, b = x[..., 0::2], x[..., 1::2]
    return np.stack([a * c - b * s, a * s + b * c], -1).reshape(x.shape)
""",
        "exponent-j-over-d",
        "theta = base^(-j/d): arange(d // 2) without the step 2",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    ang = np.asarray(positions)[:, None] * base ** (-np.arange(0, d, 2) / d)
    if convention == "half":
        cos, sin = np.cos(np.tile(ang, 2)), np.sin(np.tile(ang, 2))
        rot = np.concatenate([x[..., d // 2 :], -x[..., : d // 2]], -1)  # minus on the first
    else:
        cos, sin = np.cos(np.repeat(ang, 2, -1)), np.sin(np.repeat(ang, 2, -1))
        rot = np.empty_like(x)
        rot[..., 0::2], rot[..., 1::2] = x[..., 1::2], -x[..., 0::2]
    return x * cos + rot * sin
""",
        "rotation-reversed",
        "rotate_half as cat(x2, -x1) (and its interleaved twin): clockwise rotation",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    ang = np.asarray(positions)[:, None] * base ** (-np.arange(0, d, 2) / d)
    emb = np.repeat(ang, 2, axis=-1)              # theta0, theta0, theta1, theta1, ...
    if convention == "half":
        rot = np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], -1)
    else:
        rot = np.empty_like(x)
        rot[..., 0::2], rot[..., 1::2] = -x[..., 1::2], x[..., 0::2]
    return x * np.cos(emb) + rot * np.sin(emb)
""",
        "half-with-angles-repeated-in-place",
        "one repeat_interleave'd angle table for both (right for interleaved only)",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    T = x.shape[-2]
    freqs_cis = np.exp(1j * np.outer(np.arange(T), base ** (-np.arange(0, d, 2) / d)))
    if convention == "half":
        z = (x[..., : d // 2] + 1j * x[..., d // 2 :]) * freqs_cis
        return np.concatenate([z.real, z.imag], -1)
    z = (x[..., 0::2] + 1j * x[..., 1::2]) * freqs_cis
    return np.stack([z.real, z.imag], -1).reshape(x.shape)
""",
        "positions-ignored",
        "positions taken as arange(T) (freqs_cis[:seqlen] without start_pos)",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d, T = x.shape[-1], x.shape[-2]
    position_ids = np.arange(T)                  # the default when none are passed
    inv_freq = 1.0 / base ** (np.arange(0, d, 2) / d)
    freqs = position_ids[:, None] * inv_freq
    if convention == "half":
        emb = np.concatenate([freqs, freqs], -1)
        rot = np.concatenate([-x[..., d // 2 :], x[..., : d // 2]], -1)
        return x * np.cos(emb) + rot * np.sin(emb)
    a, b = x[..., 0::2], x[..., 1::2]
    c, s = np.cos(freqs), np.sin(freqs)
    return np.stack([a * c - b * s, a * s + b * c], -1).reshape(x.shape)
""",
        "positions-ignored",
        "HF-style position_ids = arange(seq_len) instead of the given positions",
    ),
    Entry(
        RO,
        "rotary_embedding",
        """
def rotary_embedding(x, positions, base=10000.0, convention="half"):
    d = x.shape[-1]
    ang = np.asarray(positions)[:, None] * base ** (-np.arange(0, d, 2) / d)
    if convention == "half":
        a, b = x[..., : d // 2], x[..., d // 2 :]
        c, s = np.cos(ang), np.sin(ang)
        return np.concatenate([a * c - b * s, a * s + b * c], -1)
    z = (x[..., 0::2] + 1j * x[..., 1::2]) * np.exp(-1j * ang)   # conjugate phase
    return np.stack([z.real, z.imag], -1).reshape(x.shape)
""",
        None,
        "interleaved branch multiplies by exp(-i·angle): reversed in one convention only",
    ),
]


# -- layernorm_forward ----------------------------------------------------------------------------
LAYERNORM_FORWARD = [
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    x = np.asarray(x, dtype=float)
    D = x.shape[-1]
    rows = x.reshape(-1, D)
    out = np.empty_like(rows)
    for n, row in enumerate(rows):
        mu = row.sum() / D
        var = ((row - mu) ** 2).sum() / D
        out[n] = (row - mu) / np.sqrt(var + eps) * gamma + beta
    return out.reshape(x.shape)
""",
        CORRECT,
        "one row at a time after reshape(-1, D)",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mean = np.mean(x, axis=-1, keepdims=True)
    xc = x - mean
    rstd = 1.0 / np.sqrt(np.mean(xc * xc, axis=-1, keepdims=True) + eps)
    return gamma * (xc * rstd) + beta
""",
        CORRECT,
        "centred first, reciprocal standard deviation (rstd) as in fused kernels",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    D = x.shape[-1]
    mu = np.einsum("...d->...", x)[..., None] / D
    var = np.einsum("...d,...d->...", x, x)[..., None] / D - mu**2   # E[x²] − E[x]²
    return (x - mu) / np.sqrt(var + eps) * gamma + beta
""",
        CORRECT,
        "variance as E[x²] − E[x]² by einsum (fine in float64 here)",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=0, keepdims=True)
    var = x.var(axis=0, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta
""",
        "normalised-over-axis-0",
        "axis=0 copied from a BatchNorm layer",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = x.var(-1, ddof=1, keepdims=True)       # torch.var's default habit
    return (x - mu) / np.sqrt(var + eps) * gamma + beta
""",
        "unbiased-variance",
        "ddof=1, torch.var's unbiased default",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    std = x.std(-1, keepdims=True)
    return gamma * (x - mean) / (std + eps) + beta
""",
        "eps-outside-sqrt",
        "(x − mean) / (std + eps) with NumPy's biased std (Annotated Transformer's form)",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    mean = x.mean(-1, keepdims=True)
    std = x.std(-1, ddof=1, keepdims=True)           # torch's x.std(-1) is unbiased
    return gamma * (x - mean) / (std + eps) + beta
""",
        None,
        "the Annotated Transformer ported whole: unbiased std *and* eps outside (two mistakes)",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    x_hat = (x - x.mean(-1, keepdims=True)) / np.sqrt(x.var(-1, keepdims=True) + eps)
    return beta * x_hat + gamma
""",
        "gamma-beta-swapped",
        "beta as the scale, gamma as the shift",
    ),
    Entry(
        LF,
        "layernorm_forward",
        """
def layernorm_forward(x, gamma, beta, eps=1e-5):
    return (x - x.mean()) / np.sqrt(x.var() + eps) * gamma + beta   # no axis at all
""",
        None,
        "mean and variance of the whole array (axis forgotten)",
    ),
]


# -- layernorm_backward ---------------------------------------------------------------------------
LAYERNORM_BACKWARD = [
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    D = x.shape[-1]
    mu = x.mean(-1, keepdims=True)
    inv_std = 1.0 / np.sqrt(x.var(-1, keepdims=True) + eps)
    x_hat = (x - mu) * inv_std
    dx_hat = dy * gamma
    dx = inv_std / D * (D * dx_hat - dx_hat.sum(-1, keepdims=True)
                        - x_hat * (dx_hat * x_hat).sum(-1, keepdims=True))
    lead = tuple(range(x.ndim - 1))
    return dx, (dy * x_hat).sum(axis=lead), dy.sum(axis=lead)
""",
        CORRECT,
        "the compact formula with sums and 1/D (CS231n batchnorm_backward_alt, transposed)",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    D = x.shape[-1]
    # forward, step by step
    mu = x.mean(-1, keepdims=True)
    xmu = x - mu
    sq = xmu**2
    var = sq.mean(-1, keepdims=True)
    sqrtvar = np.sqrt(var + eps)
    ivar = 1.0 / sqrtvar
    xhat = xmu * ivar
    # backward through the graph
    dbeta = dy.reshape(-1, D).sum(0)
    dgamma = (dy * xhat).reshape(-1, D).sum(0)
    dxhat = dy * gamma
    divar = (dxhat * xmu).sum(-1, keepdims=True)
    dxmu1 = dxhat * ivar
    dsqrtvar = -1.0 / sqrtvar**2 * divar
    dvar = 0.5 / np.sqrt(var + eps) * dsqrtvar
    dsq = np.ones_like(sq) / D * dvar
    dxmu2 = 2 * xmu * dsq
    dx1 = dxmu1 + dxmu2
    dmu = -dx1.sum(-1, keepdims=True)
    dx2 = np.ones_like(x) / D * dmu
    return dx1 + dx2, dgamma, dbeta
""",
        CORRECT,
        "the staged computational graph, one node at a time (CS231n / kratzert's post)",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    D = x.shape[-1]
    X, G = x.reshape(-1, D), dy.reshape(-1, D)
    dx = np.empty_like(X)
    xhats = np.empty_like(X)
    for n in range(len(X)):
        s = np.sqrt(X[n].var() + eps)
        xh = (X[n] - X[n].mean()) / s
        xhats[n] = xh
        J = (np.eye(D) - 1.0 / D - np.outer(xh, xh) / D) / s      # d x_hat / d x, symmetric
        dx[n] = J.T @ (G[n] * gamma)
    return dx.reshape(x.shape), (G * xhats).sum(0), G.sum(0)
""",
        CORRECT,
        "the Jacobian of each row written out, dx = Jᵀ (dy · gamma)",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    s = np.sqrt(x.var(-1, keepdims=True) + eps)
    x_hat = (x - x.mean(-1, keepdims=True)) / s
    dx = dy * gamma / s                          # as if mean and std were constants
    D = x.shape[-1]
    return dx, (dy * x_hat).reshape(-1, D).sum(0), dy.reshape(-1, D).sum(0)
""",
        "mean-and-variance-as-constants",
        "dx = dy · gamma / std, the normalisation treated as a constant scale",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    D = x.shape[-1]
    std_inv = 1.0 / np.sqrt(np.var(x, axis=-1, keepdims=True) + eps)   # kept from forward
    x_norm = (x - np.mean(x, axis=-1, keepdims=True)) * std_inv
    grad_gamma = np.sum((dy * x_norm).reshape(-1, D), axis=0)
    grad_beta = np.sum(dy.reshape(-1, D), axis=0)
    grad_input = dy * gamma * std_inv            # the layer's input gradient, one term
    return grad_input, grad_gamma, grad_beta
""",
        "mean-and-variance-as-constants",
        "a from-scratch LayerNorm class: grad_input = dy · gamma · std_inv",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    s = np.sqrt(x.var(-1, keepdims=True) + eps)
    x_hat = (x - x.mean(-1, keepdims=True)) / s
    g = dy * gamma
    dx = (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True)) / s
    dgamma = np.sum(dy * x_hat, axis=0)          # the batch axis of a 2-D (N, D) tutorial
    dbeta = np.sum(dy, axis=0)
    return dx, dgamma, dbeta
""",
        "params-summed-over-axis-0",
        "dgamma, dbeta summed over axis 0 from a 2-D (N, D) derivation",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    D = x.shape[-1]
    mu = x.mean(-1, keepdims=True)
    xmu = x - mu
    var = (xmu**2).sum(-1, keepdims=True) / (D - 1)          # unbiased, as torch.var
    s = np.sqrt(var + eps)
    xhat = xmu / s
    dxhat = dy * gamma
    dvar = (dxhat * xmu).sum(-1, keepdims=True) * -0.5 * (var + eps) ** -1.5
    dmu = -(dxhat / s).sum(-1, keepdims=True)                 # the xmu-sum term is zero
    dx = dxhat / s + dvar * 2 * xmu / (D - 1) + dmu / D
    return dx, (dy * xhat).reshape(-1, D).sum(0), dy.reshape(-1, D).sum(0)
""",
        "unbiased-variance",
        "chain rule done right, for a variance divided by D − 1",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    s = np.sqrt(x.var(-1, keepdims=True) + eps)
    x_hat = (x - x.mean(-1, keepdims=True)) / s
    g = dy * gamma
    dx = (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True)) / s
    return dx, (dy * x_hat).sum(axis=(0, 1)), dy.sum(axis=(0, 1))   # written for (B, T, D)
""",
        None,
        "gamma's gradient summed over axis=(0, 1), right for (B, T, D) only (NumPy repos)",
    ),
    Entry(
        LB,
        "layernorm_backward",
        """
def layernorm_backward(dy, x, gamma, eps=1e-5):
    D = x.shape[-1]
    s = np.sqrt(x.var(-1, keepdims=True) + eps)
    x_hat = (x - x.mean(-1, keepdims=True)) / s
    g = dy * gamma
    dx = (g - g.mean(-1, keepdims=True) - x_hat * (g * x_hat).mean(-1, keepdims=True)) / s
    return dx, (dy * x).reshape(-1, D).sum(0), dy.reshape(-1, D).sum(0)   # x, not x_hat
""",
        None,
        "dgamma from the raw x instead of x̂",
    ),
]


# -- rmsnorm --------------------------------------------------------------------------------------
RMSNORM = [
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm_forward(x, weight, eps=1e-6):
    return x * (1.0 / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)) * weight

def rmsnorm_backward(dy, x, weight, eps=1e-6):
    D = x.shape[-1]
    inv = 1.0 / np.sqrt(np.mean(x**2, axis=-1, keepdims=True) + eps)   # rsqrt
    g = dy * weight
    dx = inv * g - x * inv**3 * (g * x).sum(-1, keepdims=True) / D
    dweight = np.einsum("nd,nd->d", dy.reshape(-1, D), (x * inv).reshape(-1, D))
    return dx, dweight

def rmsnorm(x, weight, dy, eps=1e-6):
    return (rmsnorm_forward(x, weight, eps), *rmsnorm_backward(dy, x, weight, eps))
""",
        CORRECT,
        "Llama's rsqrt form; dx = inv·g − x·inv³·Σ(g·x)/D; dweight by einsum",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm(x, weight, dy, eps=1e-6):
    D = x.shape[-1]
    ms = (x * x).sum(-1, keepdims=True) / D
    r = np.sqrt(ms + eps)
    xn = x / r
    y = xn * weight
    # backward, step by step
    dxn = dy * weight
    dr = -(dxn * x).sum(-1, keepdims=True) / r**2
    dms = dr * 0.5 / r
    dx = dxn / r + dms * 2 * x / D
    dweight = (dy * xn).reshape(-1, D).sum(axis=0)
    return y, dx, dweight
""",
        CORRECT,
        "chain rule through r = sqrt(ms + eps) step by step",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm(x, weight, dy, eps=1e-6):
    D = x.shape[-1]
    X, G = x.reshape(-1, D), dy.reshape(-1, D)
    Y, DX = np.empty_like(X), np.empty_like(X)
    for n in range(len(X)):
        r = np.sqrt(X[n] @ X[n] / D + eps)
        Y[n] = X[n] / r * weight
        J = (np.eye(D) - np.outer(X[n], X[n]) / (D * r * r)) / r   # d(x/r)/dx
        DX[n] = J.T @ (G[n] * weight)
    dweight = (G * X / np.sqrt((X * X).mean(1, keepdims=True) + eps)).sum(0)
    return Y.reshape(x.shape), DX.reshape(x.shape), dweight
""",
        CORRECT,
        "per-row Jacobian of x / rms",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm(x, weight, dy, eps=1e-6):
    D = x.shape[-1]
    mu = x.mean(-1, keepdims=True)
    s = np.sqrt(x.var(-1, keepdims=True) + eps)
    xh = (x - mu) / s                          # LayerNorm without beta
    g = dy * weight
    dx = (g - g.mean(-1, keepdims=True) - xh * (g * xh).mean(-1, keepdims=True)) / s
    return xh * weight, dx, (dy * xh).reshape(-1, D).sum(0)
""",
        "mean-subtracted",
        "RMSNorm written as LayerNorm without beta (centred)",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm(x, weight, dy, eps=1e-6):
    D = x.shape[-1]
    rms = np.sqrt((x**2).mean(-1, keepdims=True))
    den = rms + eps                              # eps after the root
    y = x / den * weight
    g = dy * weight
    dx = g / den - x * (g * x).sum(-1, keepdims=True) / (D * rms * den**2)
    return y, dx, (dy * x / den).reshape(-1, D).sum(0)
""",
        "eps-outside-sqrt",
        "x / (rms + eps), gradients consistent with that",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm_forward(x, weight, eps=1e-6):
    d_x = x.shape[-1]
    rms_x = np.linalg.norm(x, axis=-1, keepdims=True) * d_x ** (-1.0 / 2)
    return weight * (x / (rms_x + eps))

def rmsnorm_backward(dy, x, weight, eps=1e-6):
    d_x = x.shape[-1]
    rms_x = np.linalg.norm(x, axis=-1, keepdims=True) * d_x ** (-1.0 / 2)
    g = dy * weight
    # y = x / (r + eps), dr/dx = x / (d r)
    dx = g / (rms_x + eps) - (g * x).sum(-1, keepdims=True) / (rms_x + eps) ** 2 * x / (
        d_x * rms_x
    )
    dweight = (dy * x / (rms_x + eps)).reshape(-1, d_x).sum(0)
    return dx, dweight

def rmsnorm(x, weight, dy, eps=1e-6):
    return (rmsnorm_forward(x, weight, eps), *rmsnorm_backward(dy, x, weight, eps))
""",
        "eps-outside-sqrt",
        "the RMSNorm paper's reference code: norm / √d, then x / (rms + eps)",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm(x, weight, dy, eps=1e-6):
    D = x.shape[-1]
    rms = np.sqrt(np.mean(x * x, -1, keepdims=True) + eps)
    y = x / rms * weight
    dx = dy * weight / rms                       # rms treated as a constant
    return y, dx, (dy * x / rms).reshape(-1, D).sum(0)
""",
        "rms-as-constant",
        "dx = dy · weight / rms",
    ),
    Entry(
        RN,
        "rmsnorm",
        """
def rmsnorm(x, weight, dy, eps=1e-6):
    D = x.shape[-1]
    r = np.sqrt(np.mean(x * x, -1, keepdims=True) + eps)
    xh = x / r
    g = dy * weight
    dx = (g - xh * (g * xh).mean(-1, keepdims=True)) / r
    return xh * weight, dx, dy.reshape(-1, D).sum(0)      # dweight like a bias's
""",
        None,
        "dweight = Σ dy, as for a bias (x̂ forgotten)",
    ),
]


# -- decoder_block --------------------------------------------------------------------------------
_BLOCK_CORE = """
def heads(z, h):
    B, T, D = z.shape
    return z.reshape(B, T, h, D // h).transpose(0, 2, 1, 3)

def attention(z, p, h, causal=True):
    B, T, D = z.shape
    q, k, v = np.split(z @ p["attn_in_proj_weight"].T + p["attn_in_proj_bias"], 3, axis=-1)
    q, k, v = heads(q, h), heads(k, h), heads(v, h)
    S = q @ k.swapaxes(-1, -2) / np.sqrt(D // h)
    if causal:
        S = np.where(np.tril(np.ones((T, T))) == 0, -np.inf, S)
    o = (softmax(S) @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
    return o @ p["attn_out_proj_weight"].T + p["attn_out_proj_bias"]

def mlp(z, p):
    return gelu(z @ p["fc1_weight"].T + p["fc1_bias"]) @ p["fc2_weight"].T + p["fc2_bias"]
"""

_LN_BY_NAME = """
def ln(z, p, name):
    return layernorm_forward(z, p[name + "_weight"], p[name + "_bias"])
"""

# the pieces of a right block, as a student splits them into helpers
_BLOCK_PARTS = _SOFTMAX + _LAYERNORM + _GELU + _BLOCK_CORE + _LN_BY_NAME

DECODER_BLOCK = [
    Entry(
        DB,
        "decoder_block",
        _SOFTMAX
        + _LAYERNORM
        + """
def decoder_block(x, params, num_heads):
    p = params
    B, T, D = x.shape
    dh = D // num_heads
    W, b = p["attn_in_proj_weight"], p["attn_in_proj_bias"]
    Wq, Wk, Wv = W[:D], W[D : 2 * D], W[2 * D :]
    bq, bk, bv = b[:D], b[D : 2 * D], b[2 * D :]
    a = layernorm_forward(x, p["ln1_weight"], p["ln1_bias"])
    q = np.einsum("btd,ed->bte", a, Wq) + bq
    k = np.einsum("btd,ed->bte", a, Wk) + bk
    v = np.einsum("btd,ed->bte", a, Wv) + bv
    q, k, v = (z.reshape(B, T, num_heads, dh) for z in (q, k, v))
    S = np.einsum("bqhd,bkhd->bhqk", q, k) / np.sqrt(dh)
    S = S + np.triu(np.full((T, T), -np.inf), k=1)          # additive mask
    o = np.einsum("bhqk,bkhd->bqhd", softmax(S), v).reshape(B, T, D)
    h = x + o @ p["attn_out_proj_weight"].T + p["attn_out_proj_bias"]
    m = layernorm_forward(h, p["ln2_weight"], p["ln2_bias"])
    u = m @ p["fc1_weight"].T + p["fc1_bias"]
    u = 0.5 * u * (1 + np.tanh(0.7978845608028654 * (u + 0.044715 * u**3)))
    return h + u @ p["fc2_weight"].T + p["fc2_bias"]
""",
        CORRECT,
        "einsum throughout, W_Q/W_K/W_V sliced from in_proj, additive triu(-inf) mask",
    ),
    Entry(
        DB,
        "decoder_block",
        _LAYERNORM
        + _GELU
        + """
def decoder_block(x, params, num_heads):
    p = params
    B, T, D = x.shape
    dh = D // num_heads
    a = layernorm_forward(x, p["ln1_weight"], p["ln1_bias"])
    qkv = a @ p["attn_in_proj_weight"].T + p["attn_in_proj_bias"]
    o = np.zeros((B, T, D))
    for b in range(B):
        for hd in range(num_heads):
            cols = slice(hd * dh, (hd + 1) * dh)
            q = qkv[b, :, :D][:, cols]
            k = qkv[b, :, D : 2 * D][:, cols]
            v = qkv[b, :, 2 * D :][:, cols]
            for t in range(T):                      # token t sees keys 0..t
                s = k[: t + 1] @ q[t] / np.sqrt(dh)
                w = np.exp(s - s.max())
                o[b, t, cols] = (w / w.sum()) @ v[: t + 1]
    h = x + o @ p["attn_out_proj_weight"].T + p["attn_out_proj_bias"]
    m = layernorm_forward(h, p["ln2_weight"], p["ln2_bias"])
    return h + gelu(m @ p["fc1_weight"].T + p["fc1_bias"]) @ p["fc2_weight"].T + p["fc2_bias"]
""",
        CORRECT,
        "loops over batch, heads and queries; causality by slicing the keys",
    ),
    Entry(
        DB,
        "decoder_block",
        _LAYERNORM
        + """
def decoder_block(x, params, num_heads):
    p = params
    B, T, D = x.shape
    h = num_heads
    a = layernorm_forward(x, p["ln1_weight"], p["ln1_bias"])
    qkv = a @ p["attn_in_proj_weight"].T + p["attn_in_proj_bias"]
    q, k, v = qkv.reshape(B, T, 3, h, D // h).transpose(2, 0, 3, 1, 4)   # nanoGPT-like
    att = q @ k.transpose(0, 1, 3, 2) * (1.0 / np.sqrt(k.shape[-1]))
    att = np.where(np.tril(np.ones((T, T), dtype=bool)), att, -1e9)    # finite fill
    att = np.exp(att - att.max(-1, keepdims=True))
    att /= att.sum(-1, keepdims=True)
    y = (att @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
    x = x + y @ p["attn_out_proj_weight"].T + p["attn_out_proj_bias"]
    m = layernorm_forward(x, p["ln2_weight"], p["ln2_bias"])
    u = m @ p["fc1_weight"].T + p["fc1_bias"]
    u = 0.5 * u * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (u + 0.044715 * np.power(u, 3.0))))
    return x + u @ p["fc2_weight"].T + p["fc2_bias"]
""",
        CORRECT,
        "nanoGPT layout: reshape (B, T, 3, h, dh), -1e9 mask fill, NewGELU",
    ),
    Entry(
        DB,
        "decoder_block",
        _BLOCK_PARTS
        + """
def decoder_block(x, params, num_heads):
    h = ln(x + attention(x, params, num_heads), params, "ln1")      # post-LN
    return ln(h + mlp(h, params), params, "ln2")
""",
        "post-LN",
        "the original paper's Add & Norm after each sub-layer",
    ),
    Entry(
        DB,
        "decoder_block",
        _BLOCK_PARTS
        + """
def decoder_block(x, params, num_heads):
    h = attention(ln(x, params, "ln1"), params, num_heads)
    return mlp(ln(h, params, "ln2"), params)
""",
        "residuals-missing",
        "the sub-layers chained without the skip connections",
    ),
    Entry(
        DB,
        "decoder_block",
        _SOFTMAX
        + _LAYERNORM
        + _GELU
        + """
def mha(q_in, k_in, v_in, p, h, mask=None):
    B, T, D = q_in.shape
    W, b = p["attn_in_proj_weight"], p["attn_in_proj_bias"]
    q = (q_in @ W[:D].T + b[:D]).reshape(B, T, h, D // h).transpose(0, 2, 1, 3)
    k = (k_in @ W[D : 2 * D].T + b[D : 2 * D]).reshape(B, T, h, D // h).transpose(0, 2, 1, 3)
    v = (v_in @ W[2 * D :].T + b[2 * D :]).reshape(B, T, h, D // h).transpose(0, 2, 1, 3)
    S = q @ k.transpose(0, 1, 3, 2) / np.sqrt(D // h)
    if mask is not None:
        S = np.where(mask, S, -np.inf)
    o = (softmax(S) @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
    return o @ p["attn_out_proj_weight"].T + p["attn_out_proj_bias"]

def decoder_block(x, params, num_heads):
    p = params
    T = x.shape[1]
    mask = np.tril(np.ones((T, T), dtype=bool))          # built ...
    a = layernorm_forward(x, p["ln1_weight"], p["ln1_bias"])
    h = x + mha(a, a, a, p, num_heads)                   # ... but never passed
    m = layernorm_forward(h, p["ln2_weight"], p["ln2_bias"])
    return h + gelu(m @ p["fc1_weight"].T + p["fc1_bias"]) @ p["fc2_weight"].T + p["fc2_bias"]
""",
        "no-causal-mask",
        "a mask built but not passed: an attention with mask=None by default",
    ),
    Entry(
        DB,
        "decoder_block",
        _BLOCK_PARTS
        + """
def decoder_block(x, params, num_heads):
    h = x + attention(ln(x, params, "ln1"), params, num_heads, causal=False)
    return h + mlp(ln(h, params, "ln2"), params)
""",
        "no-causal-mask",
        "encoder-style attention, no mask",
    ),
    Entry(
        DB,
        "decoder_block",
        _SOFTMAX
        + _GELU
        + _BLOCK_CORE
        + """
def ln(z, p, name, eps=1e-5):
    mu = z.mean(axis=1, keepdims=True)               # axis 1: the tokens of (B, T, D)
    var = z.var(axis=1, keepdims=True)
    return (z - mu) / np.sqrt(var + eps) * p[name + "_weight"] + p[name + "_bias"]

def decoder_block(x, params, num_heads):
    h = x + attention(ln(x, params, "ln1"), params, num_heads)
    return h + mlp(ln(h, params, "ln2"), params)
""",
        "norm-over-tokens",
        "LayerNorm over axis 1 of (B, T, D): the tokens",
    ),
    Entry(
        DB,
        "decoder_block",
        _BLOCK_PARTS
        + """
import math

def gelu(u):                                          # exact GELU by math.erf
    erf = np.vectorize(math.erf)
    return 0.5 * u * (1.0 + erf(u / math.sqrt(2.0)))

def decoder_block(x, params, num_heads):
    h = x + attention(ln(x, params, "ln1"), params, num_heads)
    return h + mlp(ln(h, params, "ln2"), params)
""",
        "gelu-exact",
        "the exact erf GELU (nn.GELU()'s default) by math.erf",
    ),
    Entry(
        DB,
        "decoder_block",
        _BLOCK_PARTS
        + """
def gelu(u):
    return u / (1.0 + np.exp(-1.702 * u))             # the sigmoid approximation

def decoder_block(x, params, num_heads):
    h = x + attention(ln(x, params, "ln1"), params, num_heads)
    return h + mlp(ln(h, params, "ln2"), params)
""",
        None,
        "GELU as x·sigmoid(1.702x) (the quick GELU of CLIP)",
    ),
    Entry(
        DB,
        "decoder_block",
        _SOFTMAX
        + _LAYERNORM
        + _GELU
        + """
def decoder_block(x, params, num_heads):
    p = params
    B, T, D = x.shape
    dh = D // num_heads
    a = layernorm_forward(x, p["ln1_weight"], p["ln1_bias"])
    q, k, v = np.split(a @ p["attn_in_proj_weight"].T + p["attn_in_proj_bias"], 3, -1)
    q, k, v = (z.reshape(B, T, num_heads, dh).transpose(0, 2, 1, 3) for z in (q, k, v))
    S = q @ k.swapaxes(-1, -2) / np.sqrt(D)           # the model width, not the head's
    S = np.where(np.tril(np.ones((T, T))) == 1, S, -np.inf)
    o = (softmax(S) @ v).transpose(0, 2, 1, 3).reshape(B, T, D)
    h = x + o @ p["attn_out_proj_weight"].T + p["attn_out_proj_bias"]
    m = layernorm_forward(h, p["ln2_weight"], p["ln2_bias"])
    return h + gelu(m @ p["fc1_weight"].T + p["fc1_bias"]) @ p["fc2_weight"].T + p["fc2_bias"]
""",
        "scaled-by-model-width",
        "scores scaled by sqrt(D) instead of sqrt(d_head) (C ** -0.5 of 'Let's build GPT')",
    ),
]


# -- causal_lm_loss -------------------------------------------------------------------------------
CAUSAL_LM_LOSS = [
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    shift_logits = logits[..., :-1, :]
    shift_labels = tokens[..., 1:]
    V = logits.shape[-1]
    z = shift_logits.reshape(-1, V)
    y = shift_labels.reshape(-1)
    lse = np.logaddexp.reduce(z, axis=-1)
    nll = lse - z[np.arange(len(y)), np.clip(y, 0, V - 1)]
    keep = np.ones(len(y), bool) if ignore_index is None else y != ignore_index
    return float(nll[keep].mean())
""",
        CORRECT,
        "HF shift_logits / shift_labels, flattened, log-sum-exp by np.logaddexp.reduce",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    B, T, V = logits.shape
    total, count = 0.0, 0
    for b in range(B):
        for t in range(T - 1):
            target = tokens[b, t + 1]
            if ignore_index is not None and target == ignore_index:
                continue
            z = logits[b, t]
            m = z.max()
            total += m + np.log(np.exp(z - m).sum()) - z[target]
            count += 1
    return total / count
""",
        CORRECT,
        "two loops, one prediction at a time",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits[:, :-1]
    y = tokens[:, 1:]
    V = z.shape[-1]
    logp = z - z.max(-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
    safe = np.where(y == ignore_index, 0, y) if ignore_index is not None else y
    onehot = np.eye(V)[safe]                               # (B, T-1, V)
    nll = -(onehot * logp).sum(-1)
    w = np.ones(y.shape) if ignore_index is None else (y != ignore_index).astype(float)
    return float((nll * w).sum() / w.sum())
""",
        CORRECT,
        "one-hot targets and a weight mask, sum / number kept",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    nll = -np.take_along_axis(logp, tokens[..., None], -1)[..., 0]   # no shift
    if ignore_index is not None:
        nll = nll[tokens != ignore_index]
    return float(nll.mean())
""",
        "not-shifted",
        "logits[:, t] scored against tokens[:, t]",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    B, T, V = logits.shape
    losses = []
    for b in range(B):
        for t in range(T):                 # labels taken as already shifted
            if ignore_index is not None and tokens[b, t] == ignore_index:
                continue
            z = logits[b, t] - logits[b, t].max()
            losses.append(np.log(np.exp(z).sum()) - z[tokens[b, t]])
    return float(np.mean(losses))
""",
        "not-shifted",
        "loops over all T positions: labels = input_ids passed as if pre-shifted",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits[:, 1:]
    y = tokens[:, :-1]
    z = z - z.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    nll = -np.take_along_axis(logp, y[..., None], -1)[..., 0]
    if ignore_index is not None:
        nll = nll[y != ignore_index]
    return float(nll.mean())
""",
        "shifted-backwards",
        "logits[:, 1:] against tokens[:, :-1]",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits[:, :-1]
    y = tokens[:, 1:]
    z = z - z.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    nll = -np.take_along_axis(logp, y[..., None], -1)[..., 0]
    if ignore_index is not None:
        nll = nll[y != ignore_index]
    return float(nll.sum())                     # reduction='sum'
""",
        "sum-not-mean",
        "the sum of the token losses",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits[:, :-1]
    y = tokens[:, 1:]
    z = z - z.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return float(-np.take_along_axis(logp, y[..., None], -1).mean())   # ignore_index unused
""",
        "padding-counted",
        "ignore_index accepted but never used",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    e = np.exp(logits[:, :-1])
    p = e / e.sum(-1, keepdims=True)
    y = tokens[:, 1:]
    nll = -np.log(np.take_along_axis(p, y[..., None], -1)[..., 0])
    if ignore_index is not None:
        nll = nll[y != ignore_index]
    return float(nll.mean())
""",
        "softmax-overflow",
        "log of a softmax without the max shift",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits[:, :-1]
    y = tokens[:, 1:]
    z = z - z.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    nll = -np.take_along_axis(logp, y[..., None], -1)[..., 0]
    if ignore_index is not None:
        nll = np.where(y == ignore_index, 0.0, nll)     # zeroed, but still counted
    return float(nll.mean())
""",
        "padding-zeroed-but-counted",
        "padding losses set to 0 but the mean still divides by B·(T − 1)",
    ),
    Entry(
        LM,
        "causal_lm_loss",
        """
def causal_lm_loss(logits, tokens, ignore_index=None):
    z = logits[:, :-1]
    z = z - z.max(-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
    p = np.clip(p, 1e-12, 1.0)                        # Keras-style clipping
    y = tokens[:, 1:]
    nll = -np.log(np.take_along_axis(p, y[..., None], -1)[..., 0])
    if ignore_index is not None:
        nll = nll[y != ignore_index]
    return float(nll.mean())
""",
        None,
        "probabilities clipped at 1e-12: finite but wrong on large logits",
    ),
]


# -- transformer_cost -----------------------------------------------------------------------------
TRANSFORMER_COST = [
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D = d_model
    def linear(n_in, n_out, has_bias=bias):
        return n_in * n_out + (n_out if has_bias else 0)
    def layernorm():
        return D + (D if bias else 0)
    block = (
        layernorm()
        + 3 * linear(D, D) + linear(D, D)        # q, k, v and the output projection
        + layernorm()
        + linear(D, d_ff) + linear(d_ff, D)
    )
    n = vocab * D + context * D + n_layers * block + layernorm()
    if not tied:
        n += linear(D, vocab, has_bias=False)
    return {"params": n, "train_flops_per_token": 6 * n + 6 * n_layers * context * D}
""",
        CORRECT,
        "module by module with small helpers",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    shapes = {"wte": [(vocab, D)], "wpe": [(context, D)], "ln_f": [(D,)] + [(D,)] * bias}
    for i in range(L):
        shapes[f"h{i}"] = [(D,), (D,), (3 * D, D), (D, D), (d_ff, D), (D, d_ff)]
        if bias:
            shapes[f"h{i}"] += [(D,), (D,), (3 * D,), (D,), (d_ff,), (D,)]
    if not tied:
        shapes["lm_head"] = [(vocab, D)]
    n = sum(int(np.prod(s)) for group in shapes.values() for s in group)
    return {"params": n, "train_flops_per_token": 6 * n + 6 * L * context * D}
""",
        CORRECT,
        "a state-dict of shapes, summed (as nanoGPT's sum of numel)",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    per_layer = 4 * D * D + 2 * D * d_ff + (2 * D + 4 * D + d_ff + D + 2 * D if bias else 2 * D)
    n = (vocab * (1 if tied else 2) + context) * D + L * per_layer + (2 * D if bias else D)
    attn_flops = 2 * L * context * D                # forward: scores and weighted sum
    return {"params": n, "train_flops_per_token": 3 * (2 * n + attn_flops)}
""",
        CORRECT,
        "one line per layer; training = 3 × forward (forward + 2 × backward)",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    b = 1 if bias else 0
    block = 2 * (D + b * D) + 4 * D * D + b * 4 * D + 2 * D * d_ff + b * (d_ff + D)
    n = vocab * D + context * D + L * block + D + b * D + (0 if tied else vocab * D)
    return {"params": n, "train_flops_per_token": 2 * n + 2 * L * context * D}   # forward
""",
        "forward-only-2N",
        "2N + 2·L·ctx·D: the forward pass only",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    b = 1 if bias else 0
    block = 2 * (D + b * D) + 4 * D * D + b * 4 * D + 2 * D * d_ff + b * (d_ff + D)
    n = vocab * D + context * D + L * block + D + b * D + (0 if tied else vocab * D)
    return {"params": n, "train_flops_per_token": 6 * n}          # C = 6N
""",
        "attention-term-forgotten",
        "the 6N rule alone",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    b = 1 if bias else 0
    block = 2 * (D + b * D) + 4 * D * D + b * 4 * D + 2 * D * d_ff + b * (d_ff + D)
    embeddings = vocab * D + context * D
    head = D * vocab                                    # counted whether tied or not
    n = embeddings + L * block + D + b * D + head
    return {"params": n, "train_flops_per_token": 6 * n + 6 * L * context * D}
""",
        "tied-embedding-counted-twice",
        "the head's vocab × D counted even when tied",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    attn = 4 * D * D + (4 * D if bias else 0)
    mlp = 2 * D * d_ff + (d_ff + D if bias else 0)
    n = vocab * D + context * D + L * (attn + mlp)      # no LayerNorms
    if not tied:
        n += vocab * D
    return {"params": n, "train_flops_per_token": 6 * n + 6 * L * context * D}
""",
        "norm-parameters-forgotten",
        "attention and MLP only, the LayerNorms left out",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    norm = 2 * D if bias else D
    attn = 4 * D * D + (4 * D if bias else 0)
    mlp = 4 * D * D + (d_ff + D if bias else 0)          # "the MLP is 4 times wider": 4D²
    n = vocab * D + context * D + L * (2 * norm + attn + mlp) + norm
    if not tied:
        n += vocab * D
    return {"params": n, "train_flops_per_token": 6 * n + 6 * L * context * D}
""",
        "mlp-4D-squared",
        "the MLP's weights as 4·D²",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    norm = 2 * D if bias else D
    block = 2 * norm + 4 * D * D + 2 * D * d_ff + ((4 * D + d_ff + D) if bias else 0)
    n = vocab * D + L * block + norm + (0 if tied else vocab * D)   # wpe not counted
    return {"params": n, "train_flops_per_token": 6 * n + 6 * L * context * D}
""",
        "position-embedding-left-out",
        "nanoGPT's get_num_params(non_embedding=True): the position table subtracted",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    norm = 2 * D if bias else D
    block = 2 * norm + 4 * D * D + 2 * D * d_ff + ((4 * D + d_ff + D) if bias else 0)
    N = vocab * D + context * D + L * block + norm + (0 if tied else vocab * D)
    H, Q, T = n_heads, D // n_heads, context
    flops_per_token = 6 * N + 12 * L * H * Q * T          # estimate_mfu's formula
    return {"params": N, "train_flops_per_token": flops_per_token}
""",
        "attention-term-doubled",
        "nanoGPT's estimate_mfu / PaLM appendix B: 6N + 12·L·H·Q·T",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    norm = 2 * D if bias else D
    block = 2 * norm + 4 * D * D + 2 * D * d_ff + ((4 * D + d_ff + D) if bias else 0)
    N = vocab * D + L * block + norm + (0 if tied else vocab * D)   # get_num_params()
    flops = 6 * N + 12 * L * n_heads * (D // n_heads) * context      # estimate_mfu
    return {"params": N, "train_flops_per_token": flops}
""",
        None,
        "nanoGPT ported whole: non-embedding N *and* 12·L·H·Q·T (two mistakes)",
    ),
    Entry(
        TC,
        "transformer_cost",
        """
def transformer_cost(vocab, d_model, n_layers, n_heads, d_ff, context, tied=True, bias=True):
    D, L = d_model, n_layers
    n = 12 * L * D * D + vocab * D + (0 if tied else vocab * D)     # Kaplan's N ≈ 12·L·D²
    return {"params": n, "train_flops_per_token": 6 * n + 6 * L * context * D}
""",
        None,
        "Kaplan's approximation 12·L·D² plus the embedding",
    ),
]


# -- kv_cache -------------------------------------------------------------------------------------
_KV_HEAD = """
def split(z, B, h, dh):
    return z.reshape(B, -1, h, dh).transpose(0, 2, 1, 3)
"""

KV_CACHE = [
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    K = np.zeros((B, h, T, dh))                     # preallocated, filled step by step
    Vc = np.zeros((B, h, T, dh))
    out = np.zeros((B, T, D))
    for t in range(T):
        q, k, v = np.split(x[:, t] @ W.T + b, 3, axis=-1)       # (B, D) each
        K[:, :, t] = k.reshape(B, h, dh)
        Vc[:, :, t] = v.reshape(B, h, dh)
        q = q.reshape(B, h, 1, dh)
        P = softmax(q @ K[:, :, : t + 1].swapaxes(-1, -2) / np.sqrt(dh))
        o = (P @ Vc[:, :, : t + 1]).reshape(B, D)
        out[:, t] = o @ params["out_proj_weight"].T + params["out_proj_bias"]
    return {"out": out, "k": K, "v": Vc}
""",
        CORRECT,
        "preallocated (B, h, T, dh) caches written at index t (gpt-fast / nanochat style)",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + _KV_HEAD
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    k_cache = np.zeros((B, 0, D))                  # (B, t, D), grown on axis 1
    v_cache = np.zeros((B, 0, D))
    outs = []
    for t in range(T):
        xt = x[:, t : t + 1]
        q = xt @ W[:D].T + b[:D]
        k_cache = np.concatenate([k_cache, xt @ W[D : 2 * D].T + b[D : 2 * D]], axis=1)
        v_cache = np.concatenate([v_cache, xt @ W[2 * D :].T + b[2 * D :]], axis=1)
        qh, kh, vh = split(q, B, h, dh), split(k_cache, B, h, dh), split(v_cache, B, h, dh)
        o = softmax(qh @ kh.swapaxes(-1, -2) / np.sqrt(dh)) @ vh
        o = o.transpose(0, 2, 1, 3).reshape(B, 1, D)
        outs.append(o @ params["out_proj_weight"].T + params["out_proj_bias"])
    return {
        "out": np.concatenate(outs, axis=1),
        "k": split(k_cache, B, h, dh),
        "v": split(v_cache, B, h, dh),
    }
""",
        CORRECT,
        "cache kept as (B, t, D) and grown on axis 1 (llm-foundry), split into heads per step",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    keys, values, out = [], [], np.zeros((B, T, D))
    for t in range(T):
        qkv = x[:, t] @ W.T + b
        keys.append(qkv[:, D : 2 * D].reshape(B, h, dh))
        values.append(qkv[:, 2 * D :].reshape(B, h, dh))
        Kt, Vt = np.stack(keys, axis=2), np.stack(values, axis=2)     # (B, h, t+1, dh)
        q = qkv[:, :D].reshape(B, h, dh)
        s = np.einsum("bhd,bhkd->bhk", q, Kt) / np.sqrt(dh)
        w = np.exp(s - s.max(-1, keepdims=True))
        w /= w.sum(-1, keepdims=True)
        o = np.einsum("bhk,bhkd->bhd", w, Vt).reshape(B, D)
        out[:, t] = o @ params["out_proj_weight"].T + params["out_proj_bias"]
    return {"out": out, "k": np.stack(keys, axis=2), "v": np.stack(values, axis=2)}
""",
        CORRECT,
        "Python lists of per-step keys, np.stack, einsum",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + _KV_HEAD
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    ck, cv = np.zeros((B, h, 0, dh)), np.zeros((B, h, 0, dh))
    outs = []
    for t in range(T):
        q, k, v = (split(z, B, h, dh) for z in np.split(x[:, t : t + 1] @ W.T + b, 3, -1))
        ck = np.concatenate([ck, k], axis=1)          # dim=1: the heads axis
        cv = np.concatenate([cv, v], axis=1)
        o = softmax(q @ ck.swapaxes(-1, -2) / np.sqrt(dh)) @ cv
        outs.append(o.transpose(0, 2, 1, 3).reshape(B, 1, D) @ params["out_proj_weight"].T)
    return {"out": np.concatenate(outs, 1) + params["out_proj_bias"], "k": ck, "v": cv}
""",
        "shape-error-in-the-loop",
        "cat on dim=1 copied from a (B, T, D) cache onto a (B, h, T, dh) one",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _KV_HEAD
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    ck, cv = np.zeros((B, h, 0, dh)), np.zeros((B, h, 0, dh))
    outs = []
    for t in range(T):
        q, k, v = (split(z, B, h, dh) for z in np.split(x[:, t : t + 1] @ W.T + b, 3, -1))
        e = np.exp(q @ ck.swapaxes(-1, -2) / np.sqrt(dh))   # attends to the past only
        o = (e / e.sum(-1, keepdims=True)) @ cv              # zeros at step 0
        ck = np.concatenate([ck, k], axis=2)
        cv = np.concatenate([cv, v], axis=2)
        o = o.transpose(0, 2, 1, 3).reshape(B, 1, D)
        outs.append(o @ params["out_proj_weight"].T + params["out_proj_bias"])
    return {"out": np.concatenate(outs, 1), "k": ck, "v": cv}
""",
        "own-key-left-out",
        "attends first, appends after: the token never sees itself",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + _KV_HEAD
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    ck, cv = np.zeros((B, h, 0, dh)), np.zeros((B, h, 0, dh))
    outs = []
    for t in range(T):
        q, k, v = (split(z, B, h, dh) for z in np.split(x[:, t : t + 1] @ W.T + b, 3, -1))
        P = softmax(q @ ck.swapaxes(-1, -2) / np.sqrt(dh))   # empty cache at t = 0
        o = P @ cv
        ck = np.concatenate([ck, k], axis=2)
        cv = np.concatenate([cv, v], axis=2)
        o = o.transpose(0, 2, 1, 3).reshape(B, 1, D)
        outs.append(o @ params["out_proj_weight"].T + params["out_proj_bias"])
    return {"out": np.concatenate(outs, 1), "k": ck, "v": cv}
""",
        "shape-error-in-the-loop",
        "attends before appending with the notebook's stable softmax: max of an empty row",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + _KV_HEAD
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    full_mask = np.tril(np.ones((T, T), dtype=bool))
    ck, cv = np.zeros((B, h, 0, dh)), np.zeros((B, h, 0, dh))
    outs = []
    for t in range(T):
        q, k, v = (split(z, B, h, dh) for z in np.split(x[:, t : t + 1] @ W.T + b, 3, -1))
        ck = np.concatenate([ck, k], axis=2)
        cv = np.concatenate([cv, v], axis=2)
        S = q @ ck.swapaxes(-1, -2) / np.sqrt(dh)
        S = np.where(full_mask[t : t + 1, : t + 1], S, -np.inf)   # row t: all True
        o = (softmax(S) @ cv).transpose(0, 2, 1, 3).reshape(B, 1, D)
        outs.append(o @ params["out_proj_weight"].T + params["out_proj_bias"])
    return {"out": np.concatenate(outs, 1), "k": ck, "v": cv}
""",
        CORRECT,
        "the full causal mask's row t (bottom-right aligned, so nothing is hidden)",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + _KV_HEAD
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    ck, cv = np.zeros((B, h, 0, dh)), np.zeros((B, h, 0, dh))
    outs = []
    for t in range(T):
        q, k, v = (split(z, B, h, dh) for z in np.split(x[:, t : t + 1] @ W.T + b, 3, -1))
        ck = np.concatenate([ck, k], axis=2)
        cv = np.concatenate([cv, v], axis=2)
        S = q @ ck.swapaxes(-1, -2) / np.sqrt(dh)          # (B, h, 1, t+1)
        mask = np.tril(np.ones((1, t + 1)))                 # the usual causal mask, 1 row
        S = np.where(mask == 0, -np.inf, S)
        o = (softmax(S) @ cv).transpose(0, 2, 1, 3).reshape(B, 1, D)
        outs.append(o @ params["out_proj_weight"].T + params["out_proj_bias"])
    return {"out": np.concatenate(outs, 1), "k": ck, "v": cv}
""",
        "causal-mask-on-one-query",
        "tril(ones((1, t + 1))) kept from the full-sequence code",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    K = np.zeros((B, h, T, dh))
    Vc = np.zeros((B, h, T, dh))
    out = np.zeros((B, T, D))
    for t in range(T):
        q, k, v = (z.reshape(B, h, 1, dh) for z in np.split(x[:, t] @ W.T + b, 3, -1))
        K[:, :, t : t + 1], Vc[:, :, t : t + 1] = k, v
        n_q, n_k = 1, t + 1
        blocked = np.triu(np.ones((n_q, n_k), dtype=bool), k=1)   # True above the diagonal
        S = q @ K[:, :, :n_k].swapaxes(-1, -2) / np.sqrt(dh)
        S = np.where(blocked, -np.inf, S)
        o = (softmax(S) @ Vc[:, :, :n_k]).reshape(B, D)
        out[:, t] = o @ params["out_proj_weight"].T + params["out_proj_bias"]
    return {"out": out, "k": K, "v": Vc}
""",
        "causal-mask-on-one-query",
        "triu(ones((num_queries, num_keys)), k=1) as the blocked mask (Raschka's layout)",
    ),
    Entry(
        KV,
        "decode_with_kv_cache",
        _SOFTMAX
        + """
def decode_with_kv_cache(x, params, num_heads):
    B, T, D = x.shape
    h, dh = num_heads, D // num_heads
    W, b = params["in_proj_weight"], params["in_proj_bias"]
    ck, cv = np.zeros((B, 0, h, dh)), np.zeros((B, 0, h, dh))   # (B, t, h, dh)
    outs = []
    for t in range(T):
        q, k, v = (z.reshape(B, 1, h, dh) for z in np.split(x[:, t : t + 1] @ W.T + b, 3, -1))
        ck = np.concatenate([ck, k], axis=1)
        cv = np.concatenate([cv, v], axis=1)
        S = np.einsum("bqhd,bkhd->bhqk", q, ck) / np.sqrt(dh)
        o = np.einsum("bhqk,bkhd->bqhd", softmax(S), cv).reshape(B, 1, D)
        outs.append(o @ params["out_proj_weight"].T + params["out_proj_bias"])
    return {"out": np.concatenate(outs, 1), "k": ck, "v": cv}         # not transposed
""",
        None,
        "right outputs, but the caches returned as (B, T, h, dh) (flash-attn layout)",
    ),
]


ENTRIES = (
    SINUSOIDAL_POSITIONS
    + ROTARY_EMBEDDING
    + LAYERNORM_FORWARD
    + LAYERNORM_BACKWARD
    + RMSNORM
    + DECODER_BLOCK
    + CAUSAL_LM_LOSS
    + TRANSFORMER_COST
    + KV_CACHE
)
