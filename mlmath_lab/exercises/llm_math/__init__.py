"""Checkers for assignment 11 — the mathematics of language models: a bigram model and its
perplexity, byte-pair encoding (training, encoding and decoding), temperature, top-k and top-p
sampling, seeded draws by the inverse CDF, LoRA, int8 and int4 quantisation, compute-optimal
scaling, the Bradley–Terry and DPO losses, and RLHF's KL-penalised reward.

References are torch (float64) wherever torch has the operation: the softmax, sort and cumulative
sum of the sampling filters, ``nn.Linear`` layers for LoRA, ``torch.round`` for quantisation,
``F.logsigmoid`` for the preference losses. Byte-pair encoding has no torch equivalent: its
reference is a straightforward implementation in ``_common`` whose known mistakes are small
deviations of it (one switch each). A solution may not import it: the forbidden-calls rule names
any use of the course's own modules in a solution.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "11-llm-math"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "bigram_model",
    "bpe_train",
    "bpe_encode_decode",
    "sampling_distribution",
    "seeded_sampling",
    "lora",
    "quantize",
    "compute_optimal",
    "preference_losses",
    "rlhf_reward",
)
