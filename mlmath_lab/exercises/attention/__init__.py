"""Checkers for assignment 09 — attention: scaled dot-product attention, masks, multi-head
self- and cross-attention, the backward pass, the entropy of the attention weights, the key
padding mask, and the cost of a multi-head attention layer.

References are torch (float64): ``F.scaled_dot_product_attention``, ``nn.MultiheadAttention``
with the student's weights, autograd for the backward pass, and the layer's own parameters for
the count. A known mistake takes what it does not get wrong from the same torch reference, so
no function here is a NumPy solution behind a flag. Inputs are batched, with queries and keys
of different lengths and head sizes that differ from the model width, so a transposed score
matrix, a scale by the wrong width or heads split with the wrong reshape cannot pass.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "09-attention"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "scaled_dot_product_attention",
    "masked_attention",
    "multi_head_attention",
    "cross_attention",
    "attention_backward",
    "attention_entropy",
    "padding_mask_weights",
    "mha_cost",
    "permutation_equivariance",
)
