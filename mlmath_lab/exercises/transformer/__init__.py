"""Checkers for assignment 10 — the Transformer: sinusoidal and rotary position encodings,
LayerNorm and RMSNorm forward and backward, a pre-LN decoder block, the causal language-model
loss, the parameters and training FLOPs of a decoder-only model, and decoding with a KV cache.

References are torch (float64): the sinusoids and both rotary conventions written in torch
(rotate-half, and a complex multiply for the interleaved pairs), ``F.layer_norm``,
``F.rms_norm`` and autograd, a decoder block built from ``nn.LayerNorm``,
``nn.MultiheadAttention`` and ``nn.Linear`` holding the case's weights, ``F.cross_entropy``, a
torch model's own parameter count, and torch's causal attention over the whole sequence. A
known mistake takes what it does not get wrong from the same torch reference, so no function
here is a NumPy solution behind a flag.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "10-transformer"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "sinusoidal_positions",
    "rotary_embedding",
    "layernorm_forward",
    "layernorm_backward",
    "rmsnorm",
    "decoder_block",
    "causal_lm_loss",
    "transformer_cost",
    "kv_cache",
)
