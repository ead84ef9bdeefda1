"""Parameters and training FLOPs of a decoder-only model (10-transformer/transformer_cost):
the checker.

The parameter count is that of a real torch model (built on the meta device, so no memory is
used): a token embedding (vocab, D), a learned position embedding (context, D), n_layers
pre-LN blocks each with two ``nn.LayerNorm(D)``, an ``nn.MultiheadAttention(D, n_heads)``, and
an MLP ``nn.Linear(D, d_ff)``, ``nn.Linear(d_ff, D)``; a final ``nn.LayerNorm(D)`` and a
language-model head ``nn.Linear(D, vocab, bias=False)`` whose weight is the token embedding's
when ``tied``. ``bias=False`` removes the biases of every linear layer and of every LayerNorm
(as nanoGPT's ``bias=False``). The training FLOPs per token are 6·N + 6·n_layers·context·D:
6 per parameter (2 forward, 4 backward) plus the attention scores and weighted sum over a full
context (Kaplan et al. 2020, section 2.1, times 3 for training).
"""

from __future__ import annotations

from typing import Any

from ...checks.checker import Case, Checker, Misconception
from ...checks.references import torch as _torch
from ._common import NOT_ALLOWED, A


def _count_parameters(
    vocab: int,
    d_model: int,
    n_layers: int,
    n_heads: int,
    d_ff: int,
    context: int,
    tied: bool,
    bias: bool,
) -> int:
    torch = _torch()
    nn = torch.nn
    D = int(d_model)

    def embedding(rows: int) -> Any:
        # from given (meta) weights: initialising them (normal_) on the meta device would
        # import torch._dynamo, more than a second of a student's first check
        return nn.Embedding.from_pretrained(torch.empty(rows, D, device="meta"), freeze=False)

    with torch.device("meta"):
        wte = embedding(int(vocab))
        model = nn.ModuleDict(
            {
                "wte": wte,
                "wpe": embedding(int(context)),
                "blocks": nn.ModuleList(
                    nn.ModuleDict(
                        {
                            "ln1": nn.LayerNorm(D, bias=bool(bias)),
                            "attn": nn.MultiheadAttention(D, int(n_heads), bias=bool(bias)),
                            "ln2": nn.LayerNorm(D, bias=bool(bias)),
                            "fc1": nn.Linear(D, int(d_ff), bias=bool(bias)),
                            "fc2": nn.Linear(int(d_ff), D, bias=bool(bias)),
                        }
                    )
                    for _ in range(int(n_layers))
                ),
                "ln_f": nn.LayerNorm(D, bias=bool(bias)),
                "head": nn.Linear(D, int(vocab), bias=False),
            }
        )
        if tied:
            model["head"].weight = wte.weight
    # parameters() lists a shared tensor once
    return int(sum(p.numel() for p in model.parameters()))


def _reference(
    vocab: int,
    d_model: int,
    n_layers: int,
    n_heads: int,
    d_ff: int,
    context: int,
    tied: bool = True,
    bias: bool = True,
) -> dict[str, int]:
    n = _count_parameters(vocab, d_model, n_layers, n_heads, d_ff, context, tied, bias)
    return {"params": n, "train_flops_per_token": 6 * n + 6 * n_layers * context * d_model}


def _cases() -> list[Case]:
    return [
        Case(
            "the notes' example: vocab 10, D 4, 1 layer, 2 heads, d_ff 16, context 8",
            (10, 4, 1, 2, 16, 8),
        ),
        Case(
            "GPT-2 small: 50257, 768, 12 layers, 12 heads, 3072, 1024",
            (50257, 768, 12, 12, 3072, 1024),
        ),
        Case(
            "untied: vocab 100, D 16, 2 layers, 4 heads, d_ff 40, context 32",
            (100, 16, 2, 4, 40, 32, False),
        ),
        Case(
            "no biases: vocab 64, D 8, 3 layers, 2 heads, d_ff 24, context 16",
            (64, 8, 3, 2, 24, 16, True, False),
        ),
        Case(
            "untied, no biases: vocab 1000, D 32, 4 layers, 8 heads, d_ff 64, context 128",
            (1000, 32, 4, 8, 64, 128, False, False),
        ),
    ]


def _with(mistake: str) -> Any:
    def wrong(
        vocab: int,
        d_model: int,
        n_layers: int,
        n_heads: int,
        d_ff: int,
        context: int,
        tied: bool = True,
        bias: bool = True,
    ) -> dict[str, int]:
        D, L = d_model, n_layers
        n = _count_parameters(vocab, d_model, n_layers, n_heads, d_ff, context, tied, bias)
        attention = 6 * L * context * D
        if mistake == "forward-only-2N":
            return {"params": n, "train_flops_per_token": 2 * n + attention // 3}
        if mistake == "attention-term-forgotten":
            return {"params": n, "train_flops_per_token": 6 * n}
        if mistake == "attention-term-doubled":  # PaLM's / nanoGPT's 12·L·H·Q·T
            return {"params": n, "train_flops_per_token": 6 * n + 2 * attention}
        if mistake == "tied-embedding-counted-twice":
            n += vocab * D if tied else 0
        elif mistake == "position-embedding-left-out":
            n -= context * D
        elif mistake == "norm-parameters-forgotten":
            n -= (2 * L + 1) * D * (2 if bias else 1)
        else:  # mlp-4D-squared: 4D² weights for the MLP instead of 2·D·d_ff
            n += L * (4 * D * D - 2 * D * d_ff)
        return {"params": n, "train_flops_per_token": 6 * n + attention}

    return wrong


TRANSFORMER_COST = Checker(
    f"{A}/transformer_cost",
    title="Parameters and training FLOPs per token",
    reference=_reference,
    cases=_cases,
    misconceptions=[
        Misconception(
            "forward-only-2N",
            "Your FLOPs are those of the forward pass only (2 per parameter, 2·n_layers·"
            "context·D for attention). Training also runs the backward pass, which costs twice "
            "the forward (gradients for the activations and for the weights): 6N + "
            "6·n_layers·context·D.",
            _with("forward-only-2N"),
        ),
        Misconception(
            "attention-term-forgotten",
            "Your FLOPs are 6N alone. The attention scores Q Kᵀ and the weighted sum P V have no "
            "parameters but cost 2·context·D per token and layer forward: add "
            "6·n_layers·context·D.",
            _with("attention-term-forgotten"),
        ),
        Misconception(
            "attention-term-doubled",
            "Your attention term is 12·n_layers·context·D, the count of PaLM's appendix and "
            "nanoGPT's estimate_mfu (2 FLOPs for each multiply-add of both Q Kᵀ and P V over "
            "the full context). This exercise follows Kaplan et al.: 2·context·D per token and "
            "layer forward, so 6N + 6·n_layers·context·D for training.",
            _with("attention-term-doubled"),
        ),
        Misconception(
            "tied-embedding-counted-twice",
            "With tied embeddings you counted the vocab × D matrix twice. The head *shares* the "
            "token embedding's weight: it is one tensor, counted once.",
            _with("tied-embedding-counted-twice"),
        ),
        Misconception(
            "position-embedding-left-out",
            "You left out the learned position embedding: a (context × D) table of "
            "parameters, counted like the token embedding (nanoGPT's get_num_params leaves it "
            "out on purpose, to report the 'non-embedding' count; the model still has it).",
            _with("position-embedding-left-out"),
        ),
        Misconception(
            "norm-parameters-forgotten",
            "You left out the LayerNorms' parameters: each has a weight of D numbers (and a "
            "bias of D when bias=True); there are two per block and a final one.",
            _with("norm-parameters-forgotten"),
        ),
        Misconception(
            "mlp-4D-squared",
            "You counted the MLP's weights as 4D². The MLP has two matrices, D × d_ff and "
            "d_ff × D: 2·D·d_ff weights (8D² only when d_ff = 4D), plus d_ff + D biases.",
            _with("mlp-4D-squared"),
        ),
    ],
    forbidden=NOT_ALLOWED,
)


CHECKER = TRANSFORMER_COST
