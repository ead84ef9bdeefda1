"""Checkers for assignment 08 — convolutions: conv2d forward and backward, im2col, max-pooling,
batch normalisation, receptive fields, and a small CNN trained with the student's own layers on
scikit-learn's 8×8 handwritten digits (``digits``: the data, split by a seed, and the start).

References are torch (float64): ``F.conv2d``, ``F.unfold``, ``F.max_pool2d``,
``F.batch_norm`` and autograd for every backward pass and for the CNN's training run; the
receptive field is measured by back-propagating through a stack of all-ones 1-D
convolutions. A known mistake takes what it does not get wrong from the same torch reference,
so no function here is a NumPy solution behind a flag. Inputs are batched, with several
channels, non-square images and kernels, strides above 1 and padding that differs between the
two axes, so a flipped kernel, swapped padding or an output size off by one cannot pass.

One module per exercise, named by its grade_id; ``_common`` holds what several share."""

ASSIGNMENT = "08-convolutions"

# The exercises in the notebook's order (the registry imports only the one checked).
EXERCISES = (
    "conv2d_forward",
    "im2col_conv2d",
    "conv2d_backward",
    "maxpool2d_forward",
    "maxpool2d_backward",
    "batchnorm2d_forward",
    "batchnorm2d_backward",
    "receptive_field",
    "train_cnn",
)
