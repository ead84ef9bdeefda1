"""Checkers for assignment 01 — NumPy and linear algebra you use every day.

References are torch or numpy, never a copy of the expected solution: a checker that agreed
with itself would teach nothing. Every case uses shapes where a bug cannot hide (non-square,
batched, a single row or column), plus the edge cases the exercise is about (huge logits,
zero probabilities, shapes that do not broadcast, integer inputs, round-off that makes a
squared distance negative).

The known mistakes are the ones people make when they write these functions from scratch
(course forums, kNN and softmax assignments, from-scratch repositories, numpy's own mailing
list for the SVD); each is written here as the code that makes it, so that a hint is only
given when that code reproduces the student's outcome on every case.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "01-linear-algebra"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "dot_loop",
    "matmul_loop",
    "matmul_vectorized",
    "broadcast_shape",
    "pairwise_sq_dists",
    "softmax",
    "cross_entropy",
    "kl_divergence",
    "rank_k_approx",
)
