"""Checkers for assignment 07 — neural networks from scratch: layers, backprop, training.

References are torch (float64): ``torch.nn.Linear`` with copied weights, autograd for every
backward pass, ``F.cross_entropy``, ``torch.nn.init``'s formulas, and training loops written
with autograd. None is a copy of the NumPy solution, and a known mistake takes what it does
not get wrong from the same torch reference (so no function here is a NumPy solution behind a
flag). Shapes are non-square and batches have more than one example, so a transposed weight
gradient or a bias gradient not summed over the batch cannot pass; the training checks run
many steps and compare the whole loss curve, so a wrong gradient that still "learns
something" fails too. The gradient check uses the course's one relative error, assignment
03's: max |a − b| / max(|a|, |b|, 1e-12).

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "07-neural-networks"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "linear_forward",
    "linear_backward",
    "activations",
    "softmax_cross_entropy",
    "mlp_loss_and_grads",
    "gradient_check",
    "init_scale",
    "init_weights",
    "train_xor",
    "overfit_tiny_batch",
)
