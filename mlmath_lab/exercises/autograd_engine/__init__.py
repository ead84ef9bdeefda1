"""Checkers for assignment 12 — build your own autograd engine: a NumPy-backed Tensor with
backward() through a topological sort, gradients through broadcasting and reused nodes, the
operations a network needs, a fused softmax cross-entropy, Linear layers and an MLP, SGD and
Adam, and a network trained on scikit-learn's digits.

The checked functions are plain-data entry points that use the student's engine: a program of
operations in, the output and every input's gradient out (``grads_of_program``); parameters in,
loss and gradients out; gradients in, parameters after each optimizer step out; a training run.
References are torch float64 autograd and ``torch.optim``. A known mistake is the same torch
computation with one thing wrong: graph-level mistakes (``=`` for ``+=``, no topological order,
no reduction over broadcast axes) run a small reverse-mode interpreter whose local gradients
come from torch autograd, op by op, so no function here is a NumPy engine behind a flag.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "12-autograd-engine"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "tensor_backward",
    "broadcast_gradients",
    "tensor_ops",
    "activations_reductions",
    "softmax_cross_entropy",
    "random_graphs",
    "mlp_module",
    "optimizers",
    "train_digits",
)
