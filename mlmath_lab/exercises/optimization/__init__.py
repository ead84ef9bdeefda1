"""Checkers for assignment 04 — Optimization: gradient descent and the optimizers of deep learning.

Every optimizer exercise has the same interface: initial parameters ``x0`` (an array of any
shape), the gradients of every step stacked in ``grads`` (shape ``(T, *x0.shape)``) and the
hyperparameters; it returns the trajectory, shape ``(T + 1, *x0.shape)``, ``x0`` first. The
references are PyTorch's own optimizers in float64, replaying the same gradients by setting
``p.grad`` before each ``opt.step()``. Cases run several steps (an optimizer's state shows only
from the second step on) on non-square parameters, with hyperparameters large enough that each
known mistake changes the numbers.

The known mistakes are the ones found in public implementations, course solutions and issue
threads (the sources are named next to each group). Each is written as code that always makes
its mistake: no function here is a correct solution behind a flag. Where a mistake is "torch
with another option" (Nesterov momentum, Adam with an L2 penalty), it is written with torch.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "04-optimization"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "gd_quadratic",
    "sgd_minibatch",
    "sgd_momentum",
    "rmsprop",
    "adam",
    "adamw",
    "warmup_cosine",
    "clip_grad_norm",
)
