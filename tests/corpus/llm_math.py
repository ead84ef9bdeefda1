"""Student solutions for assignment 11 — the mathematics of language models, as people write them.

The variants come from public code and questions, rewritten here in our own words: Karpathy's
makemore bigram notebook (counts in a loop over ``zip(chs, chs[1:])``, ``(N + 1)`` smoothing, the
log-likelihood summed and divided by the number of pairs) and its many re-implementations with
``collections.Counter``, ``np.add.at`` or ``np.bincount``; minbpe and the "Let's build the GPT
tokenizer" notebook (``get_stats`` counting every position of ``zip(ids, ids[1:])``, ties to
``max(stats, key=stats.get)``, the whole text as one sequence, ``encode`` choosing
``min(stats, key=merges.get)``, ``decode`` joining bytes and decoding with ``errors="replace"``);
Sennrich's subword-nmt (a dict of words with their frequencies, words from ``str.split``);
Hugging Face's ``TopPLogitsWarper`` (an ascending sort, ``cumulative <= 1 - top_p`` removed, the
last token always kept) and Thomas Wolf's ``top_k_top_p_filtering`` gist (a descending sort,
``cumulative > top_p`` shifted right by one), NumPy's ``Generator.choice`` and the legacy
``np.random.seed`` / ``np.random.choice`` for seeded draws, GPT-2's ``sample.py`` (top-k keeps every logit
≥ the k-th); PEFT's LoRA layer (``scaling = lora_alpha / r``, ``use_rslora``'s α/√r) and LoRA
tutorials that count parameters; absmax and zero-point quantisation posts (Labonne's
``127 / max|X|`` scale, signed zero points in −128…127, ``floor(x + 0.5)`` and C's ``round``);
Chinchilla write-ups ("20 tokens per parameter", C ≈ 6ND, forward-only 2ND); TRL's ``dpo_loss``
(``pi_logratios - ref_logratios``, ``-F.logsigmoid(beta * logits)``) and its KL penalties
(``logprob - ref_logprob``, the "abs" estimator, per-token rewards), and Stack Overflow's
``log(sigmoid(x))`` overflow questions.
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "11-llm-math"

BG = f"{A}/bigram_model"
BT = f"{A}/bpe_train"
BE = f"{A}/bpe_encode_decode"
SD = f"{A}/sampling_distribution"
SS = f"{A}/seeded_sampling"
LO = f"{A}/lora"
QZ = f"{A}/quantize"
CO = f"{A}/compute_optimal"
PL = f"{A}/preference_losses"
RL = f"{A}/rlhf_reward"

# -- bigram_model ---------------------------------------------------------------------------------
_SCORE = """
def _score(P, heldout):
    h = np.asarray(heldout, dtype=int)
    with np.errstate(divide="ignore"):
        nll = float(-np.log(P[h[:-1], h[1:]]).mean())
    return P, nll, float(np.exp(nll))
"""

BIGRAM_MODEL = [
    Entry(
        BG,
        "bigram_model",
        """
from collections import Counter

def bigram_model(sequences, V, k, heldout):
    pairs = Counter()
    for seq in sequences:
        pairs.update(zip(seq, seq[1:]))
    C = np.zeros((V, V))
    for (a, b), n in pairs.items():
        C[a, b] = n
    P = (C + k) / (C.sum(axis=1, keepdims=True) + k * V)
    log_likelihood = 0.0
    n = 0
    for a, b in zip(heldout, heldout[1:]):
        log_likelihood += np.log(P[a, b]) if P[a, b] > 0 else -np.inf
        n += 1
    nll = -log_likelihood / n
    return P, float(nll), float(np.exp(nll))
""",
        CORRECT,
        "collections.Counter of zip(seq, seq[1:]), makemore's loop for the log-likelihood",
    ),
    Entry(
        BG,
        "bigram_model",
        """
def bigram_model(sequences, V, k, heldout):
    N = np.zeros((V, V))
    for seq in sequences:
        for a, b in zip(seq, seq[1:]):
            N[a, b] += 1                     # makemore: N[ix1, ix2] += 1
    P = N + k
    P = P / P.sum(1, keepdims=True)
    h = np.array(heldout)
    with np.errstate(divide="ignore"):
        logp = np.log(P)
    nll = -logp[h[:-1], h[1:]].mean()
    return P, float(nll), float(np.exp(nll))
""",
        CORRECT,
        "makemore's double loop, log of the whole matrix then fancy indexing",
    ),
    Entry(
        BG,
        "bigram_model",
        _SCORE
        + """
def bigram_model(sequences, V, k, heldout):
    flat = np.zeros(V * V)
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        flat += np.bincount(s[:-1] * V + s[1:], minlength=V * V)
    C = flat.reshape(V, V)
    return _score((C + k) / (C + k).sum(axis=1, keepdims=True), heldout)
""",
        CORRECT,
        "np.bincount of the flat index a·V + b",
    ),
    Entry(
        BG,
        "bigram_model",
        _SCORE
        + """
def bigram_model(sequences, V, k, heldout):
    C = np.zeros((V, V))
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        np.add.at(C, (s[:-1], s[1:]), 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        P = C / C.sum(axis=1, keepdims=True) + k
    return _score(P, heldout)
""",
        "smoothing-after-normalising",
        "k added to the normalised counts",
    ),
    Entry(
        BG,
        "bigram_model",
        _SCORE
        + """
def bigram_model(sequences, V, k, heldout):
    C = np.zeros((V, V))
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        np.add.at(C, (s[:-1], s[1:]), 1)
    P = (C + k) / (C + k).sum(axis=0, keepdims=True)
    return _score(P, heldout)
""",
        "normalised-over-columns",
        "sum(axis=0): the columns normalised",
    ),
    Entry(
        BG,
        "bigram_model",
        """
def bigram_model(sequences, V, k, heldout):
    C = np.zeros((V, V))
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        np.add.at(C, (s[:-1], s[1:]), 1)
    P = (C + k) / (C + k).sum(axis=1, keepdims=True)
    h = np.asarray(heldout, dtype=int)
    with np.errstate(divide="ignore"):
        nlls = -np.log(P[h[:-1], h[1:]])
    return P, float(nlls.mean()), float(np.exp(nlls.sum()))
""",
        "perplexity-of-total",
        "perplexity = exp of the summed NLL",
    ),
    Entry(
        BG,
        "bigram_model",
        """
def bigram_model(sequences, V, k, heldout):
    C = np.zeros((V, V))
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        np.add.at(C, (s[:-1], s[1:]), 1)
    P = (C + k) / (C + k).sum(axis=1, keepdims=True)
    h = np.asarray(heldout, dtype=int)
    with np.errstate(divide="ignore"):
        nll = float(-np.log2(P[h[:-1], h[1:]]).mean())   # bits
    return P, nll, float(np.exp(nll))
""",
        "log2-with-exp",
        "NLL in bits with log2, perplexity with exp",
    ),
    Entry(
        BG,
        "bigram_model",
        _SCORE
        + """
def bigram_model(sequences, V, k, heldout):
    s = np.concatenate([np.asarray(q, dtype=int) for q in sequences])   # one long stream
    C = np.zeros((V, V))
    np.add.at(C, (s[:-1], s[1:]), 1)
    return _score((C + k) / (C + k).sum(axis=1, keepdims=True), heldout)
""",
        "pairs-across-sequences",
        "the training sequences concatenated into one stream (no boundary token)",
    ),
    Entry(
        BG,
        "bigram_model",
        _SCORE
        + """
def bigram_model(sequences, V, k, heldout):
    C = np.zeros((V, V))
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        C[s[:-1], s[1:]] += 1                # a repeated pair counts once
    return _score((C + k) / (C + k).sum(axis=1, keepdims=True), heldout)
""",
        "repeated-pairs-counted-once",
        "fancy-index += : repeated pairs in a sequence counted once (the notebook's warning)",
    ),
    Entry(
        BG,
        "bigram_model",
        """
def bigram_model(sequences, V, k, heldout):
    C = np.zeros((V, V))
    for seq in sequences:
        s = np.asarray(seq, dtype=int)
        np.add.at(C, (s[:-1], s[1:]), 1)
    P = (C + k) / (C + k).sum(axis=1, keepdims=True)
    h = np.asarray(heldout, dtype=int)
    with np.errstate(divide="ignore"):
        nll = float(-np.log(P[h[:-1], h[1:]]).sum() / len(h))   # divided by tokens, not pairs
    return P, nll, float(np.exp(nll))
""",
        None,
        "NLL divided by the number of held-out tokens instead of transitions",
    ),
]

# -- bpe_train ------------------------------------------------------------------------------------
_SPLIT = """
import re

def split_words(text):
    return [w for w in re.split(r"(?= )", text) if w]

def merge_pair(tokens, pair, new):
    out, i = [], 0
    while i < len(tokens):
        if i + 1 < len(tokens) and tokens[i] == pair[0] and tokens[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)
"""


def _train(
    count: str, choose: str, *, words: str = "split_words(text)", update: bool = True
) -> str:
    """A bpe_train from pieces: how words are made, how pairs are counted, how the pair is
    chosen, and whether the words are rewritten after each merge."""
    body = f"""
def bpe_train(text, num_merges):
    pieces = {words}
    words = {{}}
    for w in pieces:
        key = tuple(w.encode("utf-8"))
        words[key] = words.get(key, 0) + 1
    merges = []
    for i in range(num_merges):
        counts = {{}}
        for tokens, times in words.items():
{count}
        if not counts:
            break
{choose}
        merges.append((int(pair[0]), int(pair[1])))
"""
    if update:
        body += "        words = {merge_pair(w, pair, 256 + i): c for w, c in words.items()}\n"
    body += "    return merges\n"
    return _SPLIT + body


_NON_OVERLAP = """\
            j = 0
            while j < len(tokens) - 1:
                pair = (tokens[j], tokens[j + 1])
                counts[pair] = counts.get(pair, 0) + times
                # a run a a a: skip the position that overlaps the pair just counted
                if j + 2 < len(tokens) and tokens[j + 2] == tokens[j + 1] == tokens[j]:
                    j += 2
                else:
                    j += 1"""
_ALL_POSITIONS = """\
            for pair in zip(tokens, tokens[1:]):
                counts[pair] = counts.get(pair, 0) + times"""
_SMALLEST = """\
        best = max(counts.values())
        pair = min(p for p, c in counts.items() if c == best)"""
_FIRST_SEEN = """\
        pair = max(counts, key=counts.get)"""

BPE_TRAIN = [
    Entry(
        BT,
        "bpe_train",
        _train(_NON_OVERLAP, _SMALLEST),
        CORRECT,
        "a dict of words with their frequencies (subword-nmt), runs of one byte skipped by two",
    ),
    Entry(
        BT,
        "bpe_train",
        _SPLIT
        + """
from collections import Counter

def bpe_train(text, num_merges):
    words = [list(w.encode("utf-8")) for w in split_words(text)]   # one list per occurrence
    merges = []
    for i in range(num_merges):
        counts = Counter()
        for w in words:
            for pair in set(zip(w, w[1:])):
                counts[pair] += len(w) - len(merge_pair(w, pair, None))
        if not counts:
            break
        pair = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        merges.append(pair)
        words = [list(merge_pair(w, pair, 256 + i)) for w in words]
    return merges
""",
        CORRECT,
        "per-word lists, counts by what merge_pair replaces, ties by sorting (−count, pair)",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(
            _NON_OVERLAP,
            "        pair = max(counts, key=lambda p: (counts[p], -p[0], -p[1]))",
        ),
        CORRECT,
        "one max with the key (count, −a, −b): the smallest pair among the tied",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_NON_OVERLAP, _SMALLEST, words="[text]"),
        "pairs-across-words",
        "the whole text as one sequence (minbpe's BasicTokenizer), counts and ties right",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_ALL_POSITIONS, _SMALLEST),
        "overlapping-pairs",
        "minbpe's get_stats per word: every position of zip(ids, ids[1:])",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_NON_OVERLAP, _FIRST_SEEN),
        "ties-by-first-occurrence",
        "max(stats, key=stats.get): ties to the pair seen first",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_NON_OVERLAP, _SMALLEST, update=False),
        "merges-not-applied",
        "the words never rewritten after a merge",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_ALL_POSITIONS, _FIRST_SEEN, words="[text]"),
        None,
        "minbpe's training loop as is: whole text, every position, first-seen ties",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_NON_OVERLAP, _SMALLEST, words="text.split()"),
        "words-without-spaces",
        "words from str.split() (Sennrich's word-level BPE): the spaces are lost",
    ),
    Entry(
        BT,
        "bpe_train",
        _SPLIT
        + """
def bpe_train(text, num_merges):
    words = [tuple(w.encode("utf-8")) for w in split_words(text)]
    merges = []
    for i in range(num_merges):
        counts = {}
        for w in words:
            for pair in set(zip(w, w[1:])):
                counts[pair] = counts.get(pair, 0) + len(w) - len(merge_pair(w, pair, -1))
        best = max(counts.values())          # no stop when nothing is left to merge
        pair = min(p for p, c in counts.items() if c == best)
        merges.append(pair)
        words = [merge_pair(w, pair, 256 + i) for w in words]
    return merges
""",
        None,
        "no early stop: max() of an empty dict once every word is one token",
    ),
]

# -- bpe_encode_decode ----------------------------------------------------------------------------
_DECODE = """
def bpe_decode(tokens, merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return b"".join(vocab[t] for t in tokens).decode("utf-8", errors="replace")
"""
_ENCODE = """
def bpe_encode(text, merges):
    rank = {tuple(p): i for i, p in enumerate(merges)}
    out = []
    for word in split_words(text):
        ids = tuple(word.encode("utf-8"))
        while len(ids) > 1:
            present = [p for p in zip(ids, ids[1:]) if p in rank]
            if not present:
                break
            pair = min(present, key=rank.get)
            ids = merge_pair(ids, pair, 256 + rank[pair])
        out.extend(ids)
    return out
"""
_ROUND_TRIP = """
def bpe_round_trip(text, merges):
    tokens = bpe_encode(text, merges)
    return tokens, bpe_decode(tokens, merges)
"""

BPE_ENCODE_DECODE = [
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + """
def bpe_encode(text, merges):
    out = []
    for word in split_words(text):
        ids = tuple(word.encode("utf-8"))
        for i, pair in enumerate(merges):        # the merges in the order learnt
            ids = merge_pair(ids, tuple(pair), 256 + i)
        out += list(ids)
    return out
"""
        + _DECODE
        + _ROUND_TRIP,
        CORRECT,
        "every merge applied once, in the order learnt (the same as lowest rank first)",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + """
def bpe_encode(text, merges):
    ranks = {(a, b): 256 + i for i, (a, b) in enumerate(merges)}
    out = []
    for word in split_words(text):
        ids = list(word.encode("utf-8"))
        while len(ids) >= 2:
            stats = {}
            for p in zip(ids, ids[1:]):
                stats[p] = stats.get(p, 0) + 1
            pair = min(stats, key=lambda p: ranks.get(p, float("inf")))
            if pair not in ranks:
                break
            ids = list(merge_pair(tuple(ids), pair, ranks[pair]))
        out.extend(ids)
    return out

def bpe_decode(tokens, merges):
    parts = {}
    def expand(t):
        if t < 256:
            return bytes([t])
        if t not in parts:
            a, b = merges[t - 256]
            parts[t] = expand(a) + expand(b)
        return parts[t]
    data = bytearray()
    for t in tokens:
        data.extend(expand(t))
    return data.decode("utf-8", errors="replace")
"""
        + _ROUND_TRIP,
        CORRECT,
        "minbpe's encode (min over the stats by merge index), a recursive decode",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + _ENCODE
        + """
def bpe_decode(tokens, merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return b"".join(vocab[t] for t in tokens).decode("utf-8")   # strict
"""
        + _ROUND_TRIP,
        CORRECT,
        "strict .decode('utf-8'): a round trip's bytes are always valid UTF-8",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + """
def bpe_encode(text, merges):
    rank = {tuple(p): i for i, p in enumerate(merges)}
    ids = tuple(text.encode("utf-8"))           # the whole text at once, as minbpe's basic
    while len(ids) > 1:
        present = [p for p in zip(ids, ids[1:]) if p in rank]
        if not present:
            break
        pair = min(present, key=rank.get)
        ids = merge_pair(ids, pair, 256 + rank[pair])
    return list(ids)
"""
        + _DECODE
        + _ROUND_TRIP,
        CORRECT,
        "the whole text encoded at once: no learnt pair straddles a space, so the same",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + """
def bpe_encode(text, merges):
    rank = {tuple(p): i for i, p in enumerate(merges)}
    vocab = {i: bytes([i]) for i in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    out = []
    for word in split_words(text):
        ids = tuple(word.encode("utf-8"))
        while True:
            present = [p for p in zip(ids, ids[1:]) if p in rank]
            if not present:
                break
            # greedy: the pair that makes the longest token
            pair = max(present, key=lambda p: (len(vocab[p[0]] + vocab[p[1]]), -rank[p]))
            ids = merge_pair(ids, pair, 256 + rank[pair])
        out.extend(ids)
    return out
"""
        + _DECODE
        + _ROUND_TRIP,
        "longest-first",
        "greedy longest-token merge (WordPiece-like longest match)",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + """
def bpe_encode(text, merges):
    rank = {tuple(p): i for i, p in enumerate(merges)}
    out = []
    for word in split_words(text):
        ids = list(word.encode("utf-8"))
        changed = True
        while changed:
            changed = False
            for j in range(len(ids) - 1):
                if (ids[j], ids[j + 1]) in rank:       # the first pair with a merge
                    ids[j : j + 2] = [256 + rank[(ids[j], ids[j + 1])]]
                    changed = True
                    break
        out.extend(ids)
    return out
"""
        + _DECODE
        + _ROUND_TRIP,
        "leftmost-first",
        "scan left to right, merge the first pair that has a merge, restart",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + _ENCODE
        + """
def bpe_decode(tokens, merges):
    vocab = {i: bytes([i]) for i in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return "".join(vocab[t].decode("utf-8", errors="replace") for t in tokens)
"""
        + _ROUND_TRIP,
        "decode-per-token",
        "each token decoded on its own and the strings joined",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + _ENCODE
        + """
def bpe_decode(tokens, merges):
    vocab = {i: [i] for i in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return "".join(chr(b) for t in tokens for b in vocab[t])
"""
        + _ROUND_TRIP,
        "decode-bytes-as-characters",
        "chr() of every byte",
    ),
    Entry(
        BE,
        "bpe_round_trip",
        _SPLIT
        + """
def bpe_encode(text, merges):
    out = []
    for word in split_words(text):
        ids = list(word.encode("utf-8"))
        for i, (a, b) in enumerate(merges):
            for j in range(len(ids) - 1):            # only the first occurrence
                if ids[j] == a and ids[j + 1] == b:
                    ids[j : j + 2] = [256 + i]
                    break
        out.extend(ids)
    return out
"""
        + _DECODE
        + _ROUND_TRIP,
        None,
        "each merge applied to its first occurrence in the word only",
    ),
]

# -- sampling_distribution ------------------------------------------------------------------------
_SOFTMAX = """
def softmax(z, axis=-1):
    e = np.exp(z - np.max(z, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
"""


def _sampler(
    top_k: str,
    top_p: str,
    *,
    scale: str = "z = np.asarray(logits, float) / temperature",
    final: str = "softmax(np.where(keep, s, -np.inf))",
) -> str:
    """A descending-sort sampler from pieces (the notebook's layout)."""
    return (
        _SOFTMAX
        + f"""
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    {scale}
    order = np.argsort(-z, axis=-1, kind="stable")
    s = np.take_along_axis(z, order, axis=-1)
    keep = np.ones(s.shape, dtype=bool)
    if top_k is not None:
        {top_k}
    if top_p is not None:
{top_p}
    probs = np.zeros_like(z)
    np.put_along_axis(probs, order, {final}, axis=-1)
    return probs
"""
    )


_K = "keep[..., top_k:] = False"
_P = """\
        p = softmax(np.where(keep, s, -np.inf))
        keep &= (np.cumsum(p, axis=-1) - p) < top_p"""

SAMPLING_DISTRIBUTION = [
    Entry(
        SD,
        "sampling_distribution",
        _SOFTMAX
        + """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    # ascending order as Hugging Face's warpers use it: the descending stable order reversed
    order = np.argsort(-z, axis=-1, kind="stable")[..., ::-1]
    s = np.take_along_axis(z, order, axis=-1)
    V = s.shape[-1]
    if top_k is not None:
        s[..., : V - top_k] = -np.inf
    if top_p is not None:
        cumulative = np.cumsum(softmax(s), axis=-1)
        remove = cumulative <= 1 - top_p
        remove[..., -1] = False                     # min_tokens_to_keep = 1
        s = np.where(remove, -np.inf, s)
    probs = np.zeros_like(z)
    np.put_along_axis(probs, order, softmax(s), axis=-1)
    return probs
""",
        CORRECT,
        "TopPLogitsWarper's ascending rule: remove cumulative ≤ 1 − top_p, keep the last",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(
            _K,
            """\
        p = softmax(np.where(keep, s, -np.inf))
        remove = np.cumsum(p, axis=-1) > top_p
        remove[..., 1:] = remove[..., :-1].copy()    # shift right: keep the crossing token
        remove[..., 0] = False
        keep &= ~remove""",
        ),
        CORRECT,
        "Wolf's top_k_top_p_filtering: cumulative > top_p shifted right by one",
    ),
    Entry(
        SD,
        "sampling_distribution",
        """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    flat = z.reshape(-1, z.shape[-1])
    out = np.zeros_like(flat)
    for r, row in enumerate(flat):
        order = sorted(range(len(row)), key=lambda i: -row[i])   # sorted() is stable
        if top_k is not None:
            order = order[:top_k]
        w = np.exp(row[order] - row[order[0]])
        w = w / w.sum()
        if top_p is not None:
            n, mass = 0, 0.0
            while n < len(order) and mass < top_p:
                mass += w[n]
                n += 1
            order, w = order[:n], w[:n] / w[:n].sum()
        out[r, order] = w
    return out.reshape(z.shape)
""",
        CORRECT,
        "one row at a time with sorted() and a while loop over the mass",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(
            _K,
            _P,
            scale="with np.errstate(divide='ignore'):\n"
            "        z = np.log(softmax(np.asarray(logits, float)) ** (1.0 / temperature))",
        ),
        CORRECT,
        "temperature as p^(1/T) (log of the powered probabilities: logits/T up to a constant)",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(
            _K,
            _P,
            final="(lambda q: q / q.sum(axis=-1, keepdims=True))(softmax(s) * keep)",
        ),
        CORRECT,
        "the kept probabilities divided by their mass instead of a softmax over -inf",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _SOFTMAX
        + """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float)
    order = np.argsort(-z, axis=-1, kind="stable")
    s = np.take_along_axis(z, order, axis=-1)
    keep = np.ones(s.shape, dtype=bool)
    if top_k is not None:
        keep[..., top_k:] = False
    if top_p is not None:
        p = softmax(np.where(keep, s, -np.inf))
        keep &= (np.cumsum(p, axis=-1) - p) < top_p
    q = softmax(np.where(keep, s, -np.inf)) / temperature   # T applied to the probabilities
    q = q / q.sum(axis=-1, keepdims=True)
    probs = np.zeros_like(z)
    np.put_along_axis(probs, order, q, axis=-1)
    return probs
""",
        "temperature-cancelled",
        "the probabilities divided by T, then renormalised",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(_K, _P, final="softmax(s) * keep"),
        "not-renormalised",
        "the full softmax with the removed tokens zeroed",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(
            _K,
            """\
        p = softmax(np.where(keep, s, -np.inf))
        nucleus = np.cumsum(p, axis=-1) <= top_p
        nucleus[..., 0] = True
        keep &= nucleus""",
        ),
        "top-p-drops-crossing-token",
        "cumulative ≤ top_p kept, the first token forced in",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(
            _K,
            """\
        p = softmax(np.where(keep, s, -np.inf))
        keep &= np.cumsum(p, axis=-1) <= top_p""",
        ),
        "top-p-keeps-nothing",
        "cumulative ≤ top_p kept, nothing forced in",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _SOFTMAX
        + """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    if top_k is not None:
        kth = np.sort(z, axis=-1)[..., -top_k, None]       # GPT-2 sample.py's top_k_logits
        z = np.where(z < kth, -np.inf, z)
    order = np.argsort(-z, axis=-1, kind="stable")
    s = np.take_along_axis(z, order, axis=-1)
    keep = np.isfinite(s) | (s == s.max(axis=-1, keepdims=True))
    if top_p is not None:
        p = softmax(s)
        keep &= (np.cumsum(p, axis=-1) - p) < top_p
    probs = np.zeros_like(z)
    np.put_along_axis(probs, order, softmax(np.where(keep, s, -np.inf)), axis=-1)
    return probs
""",
        "top-k-keeps-ties",
        "GPT-2's top-k: every logit ≥ the k-th largest",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler("keep[..., top_k + 1 :] = False", _P),
        "top-k-off-by-one",
        "keep[..., top_k + 1:]: one token too many",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(
            _K,
            """\
        p = softmax(s)                                   # all the tokens, not what top-k kept
        keep &= (np.cumsum(p, axis=-1) - p) < top_p""",
        ),
        "top-p-before-top-k",
        "the nucleus measured on the softmax of all the logits",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _sampler(_K, _P, scale="z = np.asarray(logits, float) * temperature"),
        "temperature-multiplied",
        "logits multiplied by T (temperature read as an inverse temperature β)",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _SOFTMAX
        + """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    order = np.argsort(z, axis=-1, kind="stable")        # ascending, ties in index order
    s = np.take_along_axis(z, order, axis=-1)
    V = s.shape[-1]
    if top_k is not None:
        s[..., : V - top_k] = -np.inf
    if top_p is not None:
        remove = np.cumsum(softmax(s), axis=-1) <= 1 - top_p
        remove[..., -1] = False
        s = np.where(remove, -np.inf, s)
    probs = np.zeros_like(z)
    np.put_along_axis(probs, order, softmax(s), axis=-1)
    return probs
""",
        None,
        "Hugging Face's ascending stable sort as is: tied logits kept from the highest index",
    ),
]

# -- seeded_sampling ------------------------------------------------------------------------------
_WRAPPER = """
def seeded_sampling(probs, u, logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    return (sample_tokens(probs, u),
            generate_draws(logits, n, seed, temperature, top_k, top_p))
"""

_GENERATE = """
def generate_draws(logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    u = np.random.default_rng(seed).random(n)
    return sample_tokens(sampling_distribution(logits, temperature, top_k, top_p), u)
"""


def _rows(body: str, generate: str = _GENERATE) -> str:
    """``sample_tokens`` one row at a time (``body`` draws ``row_u`` from ``row_p``), with the
    notebook's sampling_distribution, ``generate_draws`` and the given wrapper."""
    return (
        _sampler(_K, _P)
        + f"""
def sample_tokens(probs, u):
    probs = np.asarray(probs, dtype=float)
    u = np.asarray(u, dtype=float)
    flat_p = probs.reshape(-1, probs.shape[-1])
    flat_u = u.reshape(-1, u.shape[-1])
    out = np.zeros(flat_u.shape, dtype=np.int64)
    for r, (row_p, row_u) in enumerate(zip(flat_p, flat_u)):
{body}
    return out.reshape(u.shape)
"""
        + generate
        + _WRAPPER
    )


_RIGHT = """\
        cdf = np.cumsum(row_p)
        out[r] = np.minimum(np.searchsorted(cdf, row_u, side="right"), np.flatnonzero(row_p)[-1])"""

SEEDED_SAMPLING = [
    Entry(SS, "seeded_sampling", _rows(_RIGHT), CORRECT, "np.searchsorted side='right' per row"),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        for j, x in enumerate(row_u):
            c, token = 0.0, None
            for i, p in enumerate(row_p):
                c += p
                if c > x:
                    token = i
                    break
            if token is None:                     # round-off: the last possible token
                token = max(i for i, p in enumerate(row_p) if p > 0)
            out[r, j] = token"""
        ),
        CORRECT,
        "a Python loop accumulating the mass until it exceeds u",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        cdf = np.cumsum(row_p)
        counts = (cdf[None, :] <= row_u[:, None]).sum(axis=1)
        out[r] = np.minimum(counts, np.nonzero(row_p > 0)[0].max())"""
        ),
        CORRECT,
        "(cumsum <= u).sum() with the guard",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            _RIGHT,
            generate="""
def generate_draws(logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    q = sampling_distribution(logits, temperature, top_k, top_p)
    return np.random.default_rng(seed).choice(len(q), size=n, p=q)
""",
        ),
        CORRECT,
        "Generator.choice(V, size=n, p=q): the inverse CDF of the same rng.random(n)",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        cdf = np.cumsum(row_p)
        out[r] = np.minimum(np.searchsorted(cdf, row_u), np.flatnonzero(row_p)[-1])"""
        ),
        "boundary-left",
        "np.searchsorted with its default side='left'",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        cdf = np.cumsum(row_p)
        for j, x in enumerate(row_u):
            hit = cdf >= x
            out[r, j] = np.argmax(hit) if hit.any() else np.flatnonzero(row_p)[-1]"""
        ),
        "boundary-left",
        "the first index with cumsum >= u (argmax of a boolean mask)",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            _RIGHT,
            generate="""
def generate_draws(logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    q = sampling_distribution(logits, temperature, top_k, top_p)
    np.random.seed(seed)
    return np.random.choice(len(q), n, p=q)
""",
        ),
        "legacy-global-rng",
        "np.random.seed(seed) and np.random.choice (tutorial style)",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            _RIGHT,
            generate="""
def generate_draws(logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    u = np.random.default_rng(seed).random(n)
    q = softmax(np.asarray(logits, dtype=float) / temperature)   # filters forgotten here
    return sample_tokens(q, u)
""",
        ),
        "unfiltered-cdf",
        "the CDF of softmax(logits / T), top-k and top-p not applied",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            _RIGHT,
            generate="""
def generate_draws(logits, n, seed, temperature=1.0, top_k=None, top_p=None):
    q = sampling_distribution(logits, temperature, top_k, top_p)
    return np.full(n, np.argmax(q), dtype=np.int64)
""",
        ),
        "greedy-argmax",
        "greedy decoding: the argmax n times",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        order = np.argsort(-row_p, kind="stable")      # most probable first
        cdf = np.cumsum(row_p[order])
        pos = np.minimum(np.searchsorted(cdf, row_u, side="right"), (row_p > 0).sum() - 1)
        out[r] = order[pos]"""
        ),
        "descending-cdf",
        "the CDF over the tokens sorted by descending probability",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        cdf = np.cumsum(row_p)
        out[r] = np.searchsorted(cdf, row_u, side="right").clip(max=len(row_p) - 1)"""
        ),
        "guard-clips-to-last",
        "the round-off case clipped to the last index V - 1",
    ),
    Entry(
        SS,
        "seeded_sampling",
        _rows(
            """\
        out[r] = np.searchsorted(np.cumsum(row_p), row_u, side="right")   # no guard"""
        ),
        None,
        "no round-off guard: u >= cumsum[-1] returns V, not a token",
    ),
]


# -- lora -----------------------------------------------------------------------------------------
_OUTPUTS = """
def lora_outputs(x, W, A, B, alpha, r):
    d_out, d_in = np.shape(W)
    return (lora_forward(x, W, A, B, alpha, r), lora_merge(W, A, B, alpha, r),
            lora_num_params(d_in, d_out, r))
"""


def _lora(scale: str, count: str = "r * (d_in + d_out)", merge_scale: str | None = None) -> str:
    return (
        f"""
def lora_forward(x, W, A, B, alpha, r):
    scaling = {scale}
    return x @ W.T + scaling * (x @ A.T @ B.T)

def lora_merge(W, A, B, alpha, r):
    scaling = {merge_scale or scale}
    return W + scaling * (B @ A)

def lora_num_params(d_in, d_out, r):
    return {count}
"""
        + _OUTPUTS
    )


LORA = [
    Entry(LO, "lora_outputs", _lora("alpha / r"), CORRECT, "PEFT's scaling = lora_alpha / r"),
    Entry(
        LO,
        "lora_outputs",
        """
def lora_merge(W, A, B, alpha, r):
    return np.asarray(W, float) + (alpha / r) * np.einsum("or,ri->oi", B, A)

def lora_forward(x, W, A, B, alpha, r):
    return np.asarray(x, float) @ lora_merge(W, A, B, alpha, r).T   # the merged weight

def lora_num_params(d_in, d_out, r):
    A_shape, B_shape = (r, d_in), (d_out, r)
    return int(np.prod(A_shape) + np.prod(B_shape))
"""
        + _OUTPUTS,
        CORRECT,
        "forward through the merged weight, einsum merge, count from the shapes",
    ),
    Entry(
        LO,
        "lora_outputs",
        """
def lora_forward(x, W, A, B, alpha, r):
    h = np.einsum("...i,oi->...o", x, W)
    down = np.einsum("...i,ri->...r", x, A)
    return h + np.einsum("...r,or->...o", down, B) * alpha / r

def lora_merge(W, A, B, alpha, r):
    return W + (A.T @ B.T).T * (alpha / r)

def lora_num_params(d_in, d_out, r):
    return d_in * r + r * d_out
"""
        + _OUTPUTS,
        CORRECT,
        "einsum forward, (AᵀBᵀ)ᵀ for BA",
    ),
    Entry(LO, "lora_outputs", _lora("r / alpha"), "scale-r-over-alpha", "scaling = r / alpha"),
    Entry(LO, "lora_outputs", _lora("1.0"), "no-scale", "the update not scaled"),
    Entry(
        LO,
        "lora_outputs",
        _lora("alpha / np.sqrt(r)"),
        "rslora-scale",
        "PEFT's use_rslora factor lora_alpha / sqrt(r)",
    ),
    Entry(
        LO,
        "lora_outputs",
        _lora("alpha / r", count="d_in * d_out"),
        "count-full-layer",
        "the count of the full weight matrix",
    ),
    Entry(
        LO,
        "lora_outputs",
        _lora("alpha / r", count="d_in * d_out + r * (d_in + d_out)"),
        "count-includes-frozen",
        "the frozen W counted with the adapters (all the layer's parameters)",
    ),
    Entry(
        LO,
        "lora_outputs",
        _lora("alpha / r", merge_scale="1.0"),
        None,
        "scaled in the forward pass, merged without α/r (W + BA)",
    ),
    Entry(
        LO,
        "lora_outputs",
        _lora("alpha / r", count="2 * r * d_in"),
        None,
        "the count of a square layer (2·r·d) for every layer",
    ),
]

# -- quantize -------------------------------------------------------------------------------------


def _quant(
    rnd: str = "np.round",
    q: str = "2 ** (bits - 1) - 1",
    absmax_clip: str = "np.clip({c}, -q, q)",
    lo: str = "np.minimum(x.min(**over), 0.0)",
    zp: str = "z = {r}(-lo / scale)\n        codes = np.clip({r}(x / scale) + z, 0, L)",
    over: str = '{"axis": -1, "keepdims": True} if per_row else {}',
    cast: str = ".astype(np.int64)",
) -> str:
    clip = absmax_clip.format(c=f"{rnd}(x / scale)")
    return f"""
def quantize(x, bits, scheme, per_row):
    x = np.asarray(x, dtype=float)
    over = {over}
    if scheme == "absmax":
        q = {q}
        amax = np.abs(x).max(**over)
        scale = np.where(amax == 0, 1.0, amax / q)
        codes = {clip}
        deq = codes * scale
    else:
        L = 2 ** bits - 1
        lo = {lo}
        hi = np.maximum(x.max(**over), 0.0)
        scale = np.where(hi == lo, 1.0, (hi - lo) / L)
        {zp.format(r=rnd)}
        deq = (codes - z) * scale
    return codes{cast}, deq, float(np.abs(x - deq).max())
"""


QUANTIZE = [
    Entry(QZ, "quantize", _quant(rnd="np.rint"), CORRECT, "np.rint (half to even too)"),
    Entry(
        QZ,
        "quantize",
        """
def _one(x, bits, scheme):
    if scheme == "absmax":
        q = 2 ** (bits - 1) - 1
        amax = np.max(np.abs(x))
        inv = q / amax if amax > 0 else 1.0        # Labonne: scale = 127 / max|X|
        codes = np.clip(np.round(inv * x), -q, q)
        return codes, codes / inv
    L = 2 ** bits - 1
    lo, hi = min(x.min(), 0.0), max(x.max(), 0.0)
    step = (hi - lo) / L if hi > lo else 1.0
    z = int(np.round(-lo / step))
    codes = np.clip(np.round(x / step) + z, 0, L)
    return codes, (codes - z) * step

def quantize(x, bits, scheme, per_row):
    x = np.asarray(x, dtype=float)
    if per_row:
        parts = [_one(row, bits, scheme) for row in x]
        codes = np.array([c for c, _ in parts])
        deq = np.array([d for _, d in parts])
    else:
        codes, deq = _one(x, bits, scheme)
    return codes.astype(np.int64), deq, float(np.max(np.abs(x - deq)))
""",
        CORRECT,
        "one row at a time, an inverse scale q / max|x| (Labonne's absmax)",
    ),
    Entry(
        QZ,
        "quantize",
        """
def quantize(x, bits, scheme, per_row):
    x = np.asarray(x, dtype=float)
    axis = 1 if per_row else None
    if scheme == "absmax":
        qmax = (1 << (bits - 1)) - 1
        amax = np.max(np.abs(x), axis=axis, keepdims=True)
        scale = amax / qmax
        scale[scale == 0] = 1.0
        codes = np.clip(np.round(x / scale), -qmax, qmax).astype(np.int64)
        deq = codes * scale
    else:
        qmax = (1 << bits) - 1
        lo = np.minimum(np.min(x, axis=axis, keepdims=True), 0)
        hi = np.maximum(np.max(x, axis=axis, keepdims=True), 0)
        scale = (hi - lo) / qmax
        scale[scale == 0] = 1.0
        zero = np.round(-lo / scale).astype(np.int64)   # an integer zero point
        codes = np.clip(np.round(x / scale).astype(np.int64) + zero, 0, qmax)
        deq = (codes - zero) * scale
    return codes, deq, float(np.max(np.abs(x - deq)))
""",
        CORRECT,
        "keepdims scales for both layouts, integer arithmetic for the zero point",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(rnd="(lambda v: np.sign(v) * np.floor(np.abs(v) + 0.5))"),
        "round-half-away",
        "C's round(): halves away from zero",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(rnd="(lambda v: np.floor(v + 0.5))"),
        "round-half-up",
        "floor(x + 0.5)",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(q="2 ** (bits - 1)", absmax_clip="np.clip({c}, -q, q - 1)"),
        "absmax-128",
        "scale = max|x| / 128, codes in −128 … 127 (int8's full range)",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(
            zp="z = -lo / scale\n        codes = np.clip({r}(x / scale + z), 0, L)",
        ),
        "zero-point-not-rounded",
        "the zero point left as a float, rounded with x/scale",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(zp="z = {r}(-lo / scale)\n        codes = {r}(x / scale) + z"),
        "no-clip",
        "zero-point codes not clipped",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(over="{}"),
        "per-tensor-scale",
        "per_row ignored: one scale for the array",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(lo="x.min(**over)").replace(
            "hi = np.maximum(x.max(**over), 0.0)", "hi = x.max(**over)"
        ),
        "range-without-zero",
        "lo and hi the plain min and max (0 not forced into the range), as tutorials do",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(
            zp="z = {r}(-lo / scale) - 2 ** (bits - 1)   # signed codes, Labonne-style\n"
            "        codes = np.clip({r}(x / scale) + z, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1)",
        ),
        None,
        "zero-point codes in the signed range −128 … 127 (zero point shifted by 128)",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(cast=""),
        None,
        "codes returned as floats (no .astype(np.int64))",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(q="2 ** (bits - 1)", absmax_clip="np.clip({c}, -q + 1, q - 1)"),
        None,
        "scale = max|x| / 128 but codes clipped to ±127",
    ),
]

# -- compute_optimal ------------------------------------------------------------------------------
_CHINCHILLA = """
def chinchilla(C, N, ratio=20.0):
    return (*compute_optimal(C, ratio), training_compute(N, ratio))
"""


def _chin(optimal: str, compute: str) -> str:
    return (
        f"""
def compute_optimal(C, ratio=20.0):
{optimal}

def training_compute(N, ratio=20.0):
{compute}
"""
        + _CHINCHILLA
    )


CO_ENTRIES = [
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = (C / (6 * ratio)) ** 0.5\n    return N, ratio * N",
            "    return 6 * N * ratio * N",
        ),
        CORRECT,
        "** 0.5 and plain Python floats",
    ),
    Entry(
        CO,
        "chinchilla",
        "import math\n"
        + _chin(
            "    D = math.sqrt(C * ratio / 6)        # tokens first\n    return D / ratio, D",
            "    D = ratio * N\n    return float(6 * N * D)",
        ),
        CORRECT,
        "the tokens first, D = √(C·ratio/6), N = D / ratio",
    ),
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = np.sqrt(C / (6.0 * ratio))\n    return N, ratio * N",
            "    return 6.0 * N * (ratio * N)",
        ),
        CORRECT,
        "np.sqrt, np.float64 results (a float subclass)",
    ),
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = (C / ratio) ** 0.5\n    return N, ratio * N",
            "    return N * ratio * N",
        ),
        "forgot-the-six",
        "C = N·D, the 6 forgotten",
    ),
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = (C / (2 * ratio)) ** 0.5\n    return N, ratio * N",
            "    return 2 * N * ratio * N",
        ),
        "forward-only-flops",
        "C = 2ND: forward-pass FLOPs only",
    ),
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = (C * ratio / 6) ** 0.5\n    return N, N / ratio",
            "    return 6 * N * (N / ratio)",
        ),
        "tokens-divided-by-ratio",
        "D = N / ratio",
    ),
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = (C / (6 * ratio)) ** 0.5\n    return N, ratio * N",
            "    return 6 * N * ratio",
        ),
        "ratio-as-tokens",
        "training_compute with the ratio as D (6·N·ratio)",
    ),
    Entry(
        CO,
        "chinchilla",
        _chin(
            "    N = C / (6 * ratio)\n    return N, ratio * N",
            "    return 6 * N * ratio * N",
        ),
        "no-square-root",
        "N = C / (6·ratio), the square root forgotten",
    ),
]

# -- preference_losses ----------------------------------------------------------------------------


def _pref(logsig: str, bt: str, dpo: str, reduce: str = "mean") -> str:
    return f"""
def log_sigmoid(t):
    t = np.asarray(t, dtype=float)
{logsig}

def preference_losses(reward_chosen, reward_rejected, policy_chosen, policy_rejected,
                      ref_chosen, ref_rejected, beta):
    rw, rl = np.asarray(reward_chosen, float), np.asarray(reward_rejected, float)
    pw, pl = np.asarray(policy_chosen, float), np.asarray(policy_rejected, float)
    qw, ql = np.asarray(ref_chosen, float), np.asarray(ref_rejected, float)
    bt = {bt}
    dpo = {dpo}
    return float(np.{reduce}(bt)), float(np.{reduce}(dpo))
"""


_LS = "    return -np.logaddexp(0.0, -t)"
_BT = "-log_sigmoid(rw - rl)"
_DPO = "-log_sigmoid(beta * ((pw - pl) - (qw - ql)))"

PREFERENCE_LOSSES = [
    Entry(
        PL,
        "preference_losses",
        _pref(_LS, _BT, _DPO),
        CORRECT,
        "log σ(t) = −logaddexp(0, −t); TRL's pi_logratios − ref_logratios",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(
            """\
    with np.errstate(over="ignore"):
        return np.where(t >= 0, -np.log1p(np.exp(-t)), t - np.log1p(np.exp(t)))""",
            _BT,
            "-log_sigmoid(beta * (pw - qw) - beta * (pl - ql))",
        ),
        CORRECT,
        "a where-split on the sign of t, DPO's implicit rewards β(log π − log π_ref)",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(
            """\
    out = np.empty_like(t)
    pos = t >= 0
    out[pos] = -np.log1p(np.exp(-t[pos]))
    out[~pos] = t[~pos] - np.log1p(np.exp(t[~pos]))
    return out""",
            "np.logaddexp(0.0, -(rw - rl))",
            _DPO.replace("-log_sigmoid", "-1 * log_sigmoid"),
        ),
        CORRECT,
        "boolean-mask split, the BT loss as softplus(−margin)",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(_LS, "-log_sigmoid(rl - rw)", "-log_sigmoid(beta * ((pl - ql) - (pw - qw)))"),
        "chosen-rejected-swapped",
        "rejected minus chosen in both margins",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref("    return np.log(1.0 / (1.0 + np.exp(-t)))", _BT, _DPO),
        "naive-log-sigmoid",
        "log(1/(1 + exp(−t))): exp overflows at −1000",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(
            "    sig = 1.0 / (1.0 + np.exp(-t))\n    return np.log(sig)",
            _BT,
            _DPO,
        ),
        "naive-log-sigmoid",
        "np.log(sigmoid(t)): sigmoid(−1000) = 0, log 0 = −inf",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(_LS, _BT, "-log_sigmoid(beta * (pw - pl))"),
        "reference-not-subtracted",
        "the policy's log-ratio only (reference_free=True by accident)",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(_LS, _BT, _DPO, reduce="sum"),
        "sum-not-mean",
        "losses summed over the batch",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(_LS, _BT, "-beta * log_sigmoid((pw - pl) - (qw - ql))"),
        None,
        "β outside the log-sigmoid",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref("    return -np.log1p(np.exp(-np.abs(t)))", _BT, _DPO),
        None,
        "the stable form without min(t, 0): log σ(|t|) for every t",
    ),
]

# -- rlhf_reward ----------------------------------------------------------------------------------


def _rl(body: str) -> str:
    return f"""
def rlhf_reward(reward, logp_policy, logp_ref, mask, beta):
    r = np.asarray(reward, dtype=float)
    lp = np.asarray(logp_policy, dtype=float)
    lq = np.asarray(logp_ref, dtype=float)
    m = np.asarray(mask, dtype=bool)
{body}
"""


RLHF_REWARD = [
    Entry(
        RL,
        "rlhf_reward",
        _rl("    kl = np.where(m, lp - lq, 0.0).sum(axis=1)\n    return r - beta * kl"),
        CORRECT,
        "np.where on the mask (junk padding never multiplied)",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl(
            """\
    out = np.empty(len(r))
    for b in range(len(r)):
        kl = 0.0
        for t in range(lp.shape[1]):
            if m[b, t]:
                kl += lp[b, t] - lq[b, t]
        out[b] = r[b] - beta * kl
    return out"""
        ),
        CORRECT,
        "two loops over answers and tokens",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl(
            """\
    non_score = -beta * (lp - lq) * m          # TRL: per-token rewards, the score added
    return non_score.sum(axis=-1) + r"""
        ),
        CORRECT,
        "TRL's per-token non-score reward −β(log π − log π_ref), summed, plus the score",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl("    return r - beta * ((lq - lp) * m).sum(axis=1)"),
        "kl-sign",
        "log π_ref − log π: the ratio the wrong way round",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl("    return r - beta * (lp - lq).sum(axis=1)"),
        "padding-counted",
        "the mask forgotten",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl("    kl = ((lp - lq) * m).sum(axis=1) / m.sum(axis=1)\n    return r - beta * kl"),
        "mean-over-tokens",
        "KL averaged over the real tokens",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl("    return r - beta * ((lp - lq) * m).mean(axis=1)"),
        "mean-over-positions",
        "mean over all T positions, padding zeros included",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl("    return r - beta * (np.abs(lp - lq) * m).sum(axis=1)"),
        None,
        "TRL's 'abs' KL penalty |log π − log π_ref|",
    ),
]

# -- more variants of the same mistakes, written otherwise ----------------------------------------
MORE = [
    Entry(
        BG,
        "bigram_model",
        _SCORE
        + """
def bigram_model(sequences, V, k, heldout):
    N = np.zeros((V, V))
    for seq in sequences:
        for a, b in zip(seq, seq[1:]):
            N[a, b] += 1
    P = (N + k) / (N + k).sum(1)             # no keepdims: broadcasts along the columns
    return _score(P, heldout)
""",
        "row-sums-broadcast",
        "makemore's broadcasting trap: P / P.sum(1) without keepdims=True",
    ),
    Entry(
        BG,
        "bigram_model",
        """
def bigram_model(sequences, V, k, heldout):
    N = np.zeros((V, V))
    for seq in sequences:
        for a, b in zip(seq, seq[1:]):
            N[a, b] += 1
    P = (N + k) / (N + k).sum(axis=1, keepdims=True)
    log_likelihood, n = 0.0, 0
    with np.errstate(divide="ignore"):
        for a, b in zip(heldout, heldout[1:]):
            log_likelihood += np.log(P[a, b])
            n += 1
    nll = -log_likelihood / n
    return P, float(nll), float(np.exp(-log_likelihood))   # exp of the total
""",
        "perplexity-of-total",
        "makemore's loop, the perplexity from the summed log-likelihood",
    ),
    Entry(
        BT,
        "bpe_train",
        _train(_NON_OVERLAP, _SMALLEST, words='text.split(" ")'),
        "words-without-spaces",
        'text.split(" "): empty words for double spaces, the spaces dropped all the same',
    ),
    Entry(
        SD,
        "sampling_distribution",
        _SOFTMAX
        + """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    order = np.argsort(-z, axis=-1, kind="stable")
    s = np.take_along_axis(z, order, axis=-1)
    keep = np.ones(s.shape, dtype=bool)
    if top_p is not None:                       # nucleus first, on the full distribution
        p = softmax(s)
        keep &= (np.cumsum(p, axis=-1) - p) < top_p
    if top_k is not None:
        keep[..., top_k:] = False
    probs = np.zeros_like(z)
    np.put_along_axis(probs, order, softmax(np.where(keep, s, -np.inf)), axis=-1)
    return probs
""",
        "top-p-before-top-k",
        "the filters in the other order: top-p first, then top-k",
    ),
    Entry(
        SD,
        "sampling_distribution",
        _SOFTMAX
        + """
def sampling_distribution(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.asarray(logits, dtype=float) / temperature
    probs = softmax(z)
    order = np.argsort(-z, axis=-1, kind="stable")
    s = np.take_along_axis(probs, order, axis=-1)
    keep = np.ones(s.shape, dtype=bool)
    if top_k is not None:
        keep[..., top_k:] = False
    if top_p is not None:
        q = s * keep / (s * keep).sum(axis=-1, keepdims=True)
        keep &= (np.cumsum(q, axis=-1) - q) < top_p
    mask = np.zeros(z.shape, dtype=bool)
    np.put_along_axis(mask, order, keep, axis=-1)
    return np.where(mask, probs, 0.0)          # zeroed, never divided by the kept mass
""",
        "not-renormalised",
        "a mask put back in token order, the full softmax zeroed outside it",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(rnd="(lambda v: np.trunc(v + np.copysign(0.5, v)))"),
        "round-half-away",
        "trunc(v + copysign(0.5, v)): C's round() by hand",
    ),
    Entry(
        QZ,
        "quantize",
        _quant(
            absmax_clip="{c}",
            zp="z = {r}(-lo / scale)\n        codes = {r}(x / scale) + z",
        ),
        "no-clip",
        "no clip in either scheme (absmax cannot overflow, zero-point can)",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref(
            _LS, "np.logaddexp(0.0, rw - rl)", "np.logaddexp(0.0, beta * ((pw - pl) - (qw - ql)))"
        ),
        "chosen-rejected-swapped",
        "softplus(margin) instead of softplus(−margin): the sign of the margin lost",
    ),
    Entry(
        PL,
        "preference_losses",
        _pref("    return -np.log1p(np.exp(-t))", _BT, _DPO),
        "naive-log-sigmoid",
        "log σ(t) = −log1p(exp(−t)) without the split: exp(1000) overflows",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl("    return r + beta * ((lp - lq) * m).sum(axis=1)"),
        "kl-sign",
        "r + β·KL: the penalty added",
    ),
    Entry(
        RL,
        "rlhf_reward",
        _rl(
            """\
    out = []
    for b in range(len(r)):
        real = m[b]
        out.append(r[b] - beta * np.mean(lp[b][real] - lq[b][real]))
    return np.array(out)"""
        ),
        "mean-over-tokens",
        "per answer: np.mean over the real tokens' log-ratios",
    ),
]

ENTRIES = [
    *BIGRAM_MODEL,
    *BPE_TRAIN,
    *BPE_ENCODE_DECODE,
    *SAMPLING_DISTRIBUTION,
    *SEEDED_SAMPLING,
    *LORA,
    *QUANTIZE,
    *CO_ENTRIES,
    *PREFERENCE_LOSSES,
    *RLHF_REWARD,
    *MORE,
]
