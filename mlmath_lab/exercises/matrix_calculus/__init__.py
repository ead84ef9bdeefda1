"""Checkers for assignment 03 — matrix calculus: gradients, Jacobians and backprop by hand.

Every reference is computed by PyTorch's automatic differentiation in float64 (``backward``,
``torch.autograd.functional``'s ``jacobian``, ``jvp``, ``vjp`` and ``hessian``), never
by the formulas the exercises ask for: a checker that agreed with itself would teach nothing.
Shapes are non-square and batched wherever a transposed or batch-size bug could otherwise hide
(and square once, where a wrong product would otherwise only raise), and each known mistake is
written out as code so that the hint names it. The mistakes are those found in public code and
forum questions: CS231n-style gradient checkers, "deep learning from scratch" repositories,
deeplearning.ai's gradient check, Stack Exchange questions on xᵀAx and the softmax Jacobian,
PyTorch issues on ``mse_loss``, Newton–Raphson code for logistic regression.

The solutions use NumPy only: torch is forbidden (as in every exercise), and so is any other
automatic-differentiation library.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "03-matrix-calculus"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "numerical_gradient",
    "relative_error",
    "quadratic_form_grad",
    "softmax_jacobian",
    "backprop_tanh_mse",
    "backprop_relu_ce",
    "logistic_hessian",
    "tanh_layer_jvp_vjp",
)
