"""Student solutions for assignment 08 — convolutions, as people write them.

The variants come from public code and questions, rewritten here in our own words: CS231n's
``conv_forward_naive`` / ``conv_backward_naive`` (four loops over image, filter, output row and
column, ``np.sum(window * w[f]) + b[f]``, the padded gradient cut at the end), its
``max_pool_backward_naive`` copies that put ``(window == window.max()) * dout`` into the window
(every tied maximum gets the gradient; some assign with ``=`` so that overlapping windows
overwrite each other), its ``batchnorm_forward`` (``running = momentum * running + (1 - momentum)
* batch``, the biased variance in the running estimate), its "spatial batch norm" that moves the
channel last and reuses the 1-D layer, and its staged ``batchnorm_backward`` through ``dxhat``,
``dvar`` and ``dmean``; "Deep Learning from Scratch" repositories (``im2col`` filling an
``(N, C, kH, kW, H_out, W_out)`` array offset by offset, then ``transpose(0, 4, 5, 1, 2, 3)``;
``out.reshape(N, H_out, W_out, -1).transpose(0, 3, 1, 2)``); the fancy-index im2col of CS231n's
fast layers / hipsternet (``get_im2col_indices``, patches as *columns*, positions before images);
NHWC im2col of course notebooks (Keras/TensorFlow, dlsys), where the patch's channel comes last;
"conv2d from scratch" repositories and forum questions (a kernel flipped "because convolution
flips", ``np.pad(x, p)`` on every axis, an output size without the ``+ 1`` or rounded up, windows
read at ``i`` instead of ``i * stride``, integer-only stride and padding, ``sliding_window_view``);
max-pooling classes whose stride defaults to 1 or that take the maximum over all channels, and
argmax loops with ``>=`` (the last maximum); receptive-field calculators after Dang Ha The Hien's
"receptive field arithmetic" post and Araujo et al.'s closed form (Distill), with the usual slips
(dilation ignored, jump updated before it is used, padding or strides left out); and "CNN from
scratch" training loops (the loss logged after the update, ``W += lr * grad``, the ReLU mask
forgotten, an NHWC flatten, ``dW`` assigned per image, gradients of the summed loss, the caller's
weights updated in place).
"""

from __future__ import annotations

from . import CORRECT, Entry

A = "08-convolutions"

CF = f"{A}/conv2d_forward"
IC = f"{A}/im2col_conv2d"
CB = f"{A}/conv2d_backward"
PF = f"{A}/maxpool2d_forward"
PB = f"{A}/maxpool2d_backward"
BF = f"{A}/batchnorm2d_forward"
BB = f"{A}/batchnorm2d_backward"
RF = f"{A}/receptive_field"
TC = f"{A}/train_cnn"

# the notebook's helper, given above Exercise 1: every solution may use it
PAIR = """
def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))
"""


def _entry(exercise: str, function: str, code: str, expect: str | None, note: str) -> Entry:
    return Entry(exercise, function, PAIR + code, expect, note)


# -- conv2d_forward -------------------------------------------------------------------------------
CONV2D_FORWARD = [
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, HH, WW = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode="constant")
    Ho = 1 + (H + 2 * ph - HH) // sh
    Wo = 1 + (Wd + 2 * pw - WW) // sw
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * sh : i * sh + HH, j * sw : j * sw + WW]
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out
""",
        CORRECT,
        "CS231n conv_forward_naive: four loops, np.sum(window * w[f]) + b[f]",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.zeros((N, C, H + 2 * ph, Wd + 2 * pw))
    xp[:, :, ph : ph + H, pw : pw + Wd] = X
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    # fancy-index im2col: rows of the patch, columns of the patch, then the channel
    rows = (np.arange(Ho) * sh)[:, None, None, None] + np.arange(kh)[None, None, :, None]
    cols = (np.arange(Wo) * sw)[None, :, None, None] + np.arange(kw)[None, None, None, :]
    patches = xp[:, :, rows, cols]  # (N, C, Ho, Wo, kh, kw)
    return np.tensordot(patches, W, axes=([1, 4, 5], [1, 2, 3])).transpose(0, 3, 1, 2) + b[
        None, :, None, None
    ]
""",
        CORRECT,
        "fancy-index patches (hipsternet / CS231n fast layers idea) and one tensordot",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X, W = np.asarray(X, dtype=float), np.asarray(W, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    kh, kw = W.shape[2:]
    xp = np.pad(X, [(0, 0), (0, 0), (ph, ph), (pw, pw)])
    Ho = (xp.shape[2] - kh) // sh + 1
    Wo = (xp.shape[3] - kw) // sw + 1
    Y = np.empty((X.shape[0], W.shape[0], Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            Y[:, :, i, j] = np.einsum("nchw,ochw->no", patch, W) + b
    return Y
""",
        CORRECT,
        "one einsum per output pixel, the whole batch at once",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    kh, kw = W.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = (xp.shape[2] - kh) // sh + 1
    Wo = (xp.shape[3] - kw) // sw + 1
    Y = np.zeros((X.shape[0], W.shape[0], Ho, Wo)) + b[:, None, None]
    for u in range(kh):
        for v in range(kw):
            # a convolution flips its kernel (signal-processing textbook)
            w = W[:, :, kh - 1 - u, kw - 1 - v]
            part = xp[:, :, u : u + sh * (Ho - 1) + 1 : sh, v : v + sw * (Wo - 1) + 1 : sw]
            Y += np.einsum("nchw,oc->nohw", part, w)
    return Y
""",
        "flipped-kernel",
        "kernel flipped 'because a convolution flips' (np.convolve, DSP textbooks)",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    sh, sw = pair(stride)
    ph, pw = pair(padding)
    xp = np.pad(X, ((0, 0), (0, 0), (pw, pw), (ph, ph)))
    F, _, kh, kw = W.shape
    Ho = (xp.shape[2] - kh) // sh + 1
    Wo = (xp.shape[3] - kw) // sw + 1
    out = np.zeros((X.shape[0], F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.tensordot(win, W, axes=([1, 2, 3], [1, 2, 3])) + b
    return out
""",
        "padding-swapped",
        "padding pair read as (width, height), (x, y) order of image libraries",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = (H + 2 * ph - kh) // sh
    Wo = (Wd + 2 * pw - kw) // sw
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    return out
""",
        "output-size-no-plus-one",
        "output size (H + 2p - k) / s, the + 1 forgotten (forum question)",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = int(np.ceil((H + 2 * ph - kh) / sh)) + 1
    Wo = int(np.ceil((Wd + 2 * pw - kw) / sw)) + 1
    Y = np.zeros((N, F, Ho, Wo)) + b.reshape(1, F, 1, 1)
    for u in range(kh):
        for v in range(kw):
            part = xp[:, :, u : u + sh * (Ho - 1) + 1 : sh, v : v + sw * (Wo - 1) + 1 : sw]
            Y += np.einsum("nchw,fc->nfhw", part, W[:, :, u, v])
    return Y
""",
        "output-size-ceil",
        "output size rounded up (math.ceil, as for 'same' padding in TensorFlow)",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho = (H + 2 * ph - kh) // sh + 1
    Wo = (Wd + 2 * pw - kw) // sw + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = np.sum(xp[n, :, i : i + kh, j : j + kw] * W[f]) + b[f]
    return out
""",
        "window-not-strided",
        "output size with the stride, but the window read at (i, j), not (i·s, j·s)",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    N, C, H, Wd = X.shape
    F, _, HH, WW = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)), "constant")
    Ho = 1 + (H + 2 * padding - HH) // stride
    Wo = 1 + (Wd + 2 * padding - WW) // stride
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = xp[:, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
            out[:, :, i, j] = np.tensordot(win, W, axes=3) + b
    return out
""",
        None,
        "CS231n's conv_param: stride and padding taken as ints only (pairs fail)",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = W.shape[2:]
    windows = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))
    windows = windows[:, :, ::sh, ::sw]
    return np.einsum("nchwuv,ocuv->nohw", windows, W) + b[None, :, None, None]
""",
        None,
        "sliding_window_view: correct values, but not allowed here (named, no hint)",
    ),
    _entry(
        CF,
        "conv2d_forward",
        """
def conv2d_forward(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    xp = np.pad(X, ph)  # pads every axis, batch and channels too
    F, C, kh, kw = W.shape
    N = xp.shape[0]
    Ho = (xp.shape[2] - kh) // sh + 1
    Wo = (xp.shape[3] - kw) // sw + 1
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = xp[:, :C, i * sh : i * sh + kh, j * sw : j * sw + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", win, W) + b
    return out
""",
        None,
        "np.pad(x, p) on every axis: extra zero images and channels (forum question)",
    ),
]

# -- im2col_conv2d --------------------------------------------------------------------------------
IM2COL = [
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    FN, _, fh, fw = W.shape
    oh, ow = (H + 2 * ph - fh) // sh + 1, (Wd + 2 * pw - fw) // sw + 1
    img = np.pad(X, [(0, 0), (0, 0), (ph, ph), (pw, pw)], "constant")
    col = np.zeros((N, C, fh, fw, oh, ow))
    for y in range(fh):
        y_max = y + sh * oh
        for x in range(fw):
            x_max = x + sw * ow
            col[:, :, y, x, :, :] = img[:, :, y:y_max:sh, x:x_max:sw]
    col = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * oh * ow, -1)
    out = col @ W.reshape(FN, -1).T + b
    return col, out.reshape(N, oh, ow, -1).transpose(0, 3, 1, 2)
""",
        CORRECT,
        "'Deep Learning from Scratch' im2col: (N, C, fh, fw, oh, ow), transpose(0, 4, 5, 1, 2, 3)",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    rows = []
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                rows.append(xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw].ravel())
    cols = np.array(rows)
    Y = cols @ W.reshape(F, -1).T + b
    return cols, np.moveaxis(Y.reshape(N, Ho, Wo, F), 3, 1)
""",
        CORRECT,
        "one patch per row, appended in (n, i, j) loops",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    cols = np.zeros((C * kh * kw, N * Ho * Wo))
    k = 0
    for n in range(N):
        for i in range(Ho):
            for j in range(Wo):
                cols[:, k] = xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw].ravel()
                k += 1
    out = W.reshape(F, -1) @ cols + b[:, None]
    return cols, out.reshape(F, N, Ho, Wo).transpose(1, 0, 2, 3)
""",
        "matrix-transposed",
        "patches as columns (C·kH·kW, N·H_out·W_out), CS231n's im2col layout",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    # get_im2col_indices: k over (c, u, v), positions over (i, j)
    i0 = np.tile(np.repeat(np.arange(kh), kw), C)
    j0 = np.tile(np.arange(kw), kh * C)
    i1 = sh * np.repeat(np.arange(Ho), Wo)
    j1 = sw * np.tile(np.arange(Wo), Ho)
    r = i0[:, None] + i1[None, :]
    c = j0[:, None] + j1[None, :]
    ch = np.repeat(np.arange(C), kh * kw)[:, None]
    picked = xp[:, ch, r, c]  # (N, C·kh·kw, Ho·Wo)
    cols = picked.transpose(2, 0, 1).reshape(Ho * Wo * N, -1)  # positions outer, images inner
    Y = cols @ W.reshape(F, -1).T + b
    return cols, Y.reshape(Ho, Wo, N, F).transpose(2, 3, 0, 1)
""",
        "rows-position-major",
        "CS231n / hipsternet get_im2col_indices order, (i, j, n): positions before images",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    rows = []
    for i in range(Ho):
        for j in range(Wo):
            for n in range(N):  # the batch innermost
                rows.append(xp[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw].reshape(-1))
    cols = np.stack(rows)
    Y = cols @ W.reshape(F, -1).T + b
    return cols, Y.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
""",
        "rows-position-major-output-too",
        "loops with the batch innermost, Y reshaped as if the batch were outermost",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    patches = np.empty((N, Ho, Wo, kh, kw, C))
    for i in range(Ho):
        for j in range(Wo):
            win = xp[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            patches[:, i, j] = win.transpose(0, 2, 3, 1)  # HWC patch, channel last
    cols = patches.reshape(N * Ho * Wo, -1)
    Y = cols @ W.reshape(F, -1).T + b
    return cols, Y.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
""",
        "columns-channel-last",
        "patches flattened channel last (NHWC habit) against W.reshape(C_out, -1)",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    col = np.zeros((N, C, kh, kw, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            col[:, :, u, v] = xp[:, :, u : u + sh * Ho : sh, v : v + sw * Wo : sw]
    cols = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * Ho * Wo, -1)
    Y = cols @ W.reshape(F, -1).T + b
    return cols, Y.reshape(N, F, Ho, Wo)
""",
        "output-not-transposed",
        "the product reshaped straight to (N, C_out, H_out, W_out), no transpose",
    ),
    _entry(
        IC,
        "im2col_conv2d",
        """
def im2col_conv2d(X, W, b, stride=1, padding=0):
    X = np.asarray(X, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw))).transpose(0, 2, 3, 1)  # NHWC
    Ho, Wo = (H + 2 * ph - kh) // sh + 1, (Wd + 2 * pw - kw) // sw + 1
    cols = np.stack(
        [
            xp[:, i * sh : i * sh + kh, j * sw : j * sw + kw, :].reshape(N, -1)
            for i in range(Ho)
            for j in range(Wo)
        ],
        axis=1,
    ).reshape(N * Ho * Wo, -1)
    Wm = W.transpose(0, 2, 3, 1).reshape(F, -1)  # weights in the same (u, v, c) order
    Y = cols @ Wm.T + b
    return cols, Y.reshape(N, Ho, Wo, F).transpose(0, 3, 1, 2)
""",
        "columns-channel-last-weights-too",
        "NHWC im2col (dlsys / TensorFlow layout): Y right, columns in (u, v, c) order",
    ),
]

# -- conv2d_backward ------------------------------------------------------------------------------
CONV2D_BACKWARD = [
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (s1, s2), (p1, p2) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, HH, WW = W.shape
    _, _, Ho, Wo = dOut.shape
    xp = np.pad(X, ((0, 0), (0, 0), (p1, p1), (p2, p2)), "constant")
    dxp = np.zeros_like(xp)
    dw = np.zeros(W.shape)
    db = np.zeros(F)
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * s1 : i * s1 + HH, j * s2 : j * s2 + WW]
                    db[f] += dOut[n, f, i, j]
                    dw[f] += window * dOut[n, f, i, j]
                    dxp[n, :, i * s1 : i * s1 + HH, j * s2 : j * s2 + WW] += W[f] * dOut[n, f, i, j]
    return dxp[:, :, p1 : p1 + H, p2 : p2 + Wd], dw, db
""",
        CORRECT,
        "CS231n conv_backward_naive: four loops, dx_pad scattered then unpadded",
    ),
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Ho, Wo = dOut.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    col = np.zeros((N, C, kh, kw, Ho, Wo))
    for u in range(kh):
        for v in range(kw):
            col[:, :, u, v] = xp[:, :, u : u + sh * Ho : sh, v : v + sw * Wo : sw]
    cols = col.transpose(0, 4, 5, 1, 2, 3).reshape(N * Ho * Wo, -1)
    g = dOut.transpose(0, 2, 3, 1).reshape(-1, F)
    dW = (g.T @ cols).reshape(W.shape)
    db = g.sum(axis=0)
    dcol = (g @ W.reshape(F, -1)).reshape(N, Ho, Wo, C, kh, kw).transpose(0, 3, 4, 5, 1, 2)
    dxp = np.zeros_like(xp)
    for u in range(kh):
        for v in range(kw):
            dxp[:, :, u : u + sh * Ho : sh, v : v + sw * Wo : sw] += dcol[:, :, u, v]
    return dxp[:, :, ph : ph + H, pw : pw + Wd], dW, db
""",
        CORRECT,
        "im2col / col2im backward ('Deep Learning from Scratch' Convolution.backward)",
    ),
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Ho, Wo = dOut.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dW = np.zeros(W.shape)
    Wrot = W[:, :, ::-1, ::-1]  # "the backward pass uses the kernel rotated by 180°"
    for i in range(Ho):
        for j in range(Wo):
            rows, cols = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
            dW += np.einsum("nf,nchw->fchw", dOut[:, :, i, j], xp[:, :, rows, cols])
            dxp[:, :, rows, cols] += np.einsum("nf,fchw->nchw", dOut[:, :, i, j], Wrot)
    return dxp[:, :, ph : ph + H, pw : pw + Wd], dW, dOut.sum(axis=(0, 2, 3))
""",
        "dX-kernel-not-flipped",
        "the 180° rotation of the 'full convolution' formula put into the scatter as well",
    ),
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    F, _, kh, kw = W.shape
    Ho, Wo = dOut.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dx = np.zeros_like(xp)
    dW = np.zeros(W.shape)
    for u in range(kh):
        for v in range(kw):
            r = slice(u, u + sh * (Ho - 1) + 1, sh)
            c = slice(v, v + sw * (Wo - 1) + 1, sw)
            dW[:, :, u, v] = np.einsum("nfhw,nchw->fc", dOut, xp[:, :, r, c])
            dx[:, :, r, c] += np.einsum("nfhw,fc->nchw", dOut, W[:, :, u, v])
    return dx, dW, dOut.sum(axis=(0, 2, 3))
""",
        "dX-padding-not-removed",
        "the padded input's gradient returned, the padding never cut off",
    ),
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Ho, Wo = dOut.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    for n in range(N):
        dW = np.zeros(W.shape)
        for i in range(Ho):
            for j in range(Wo):
                r, c = slice(i * sh, i * sh + kh), slice(j * sw, j * sw + kw)
                dW += dOut[n, :, i, j][:, None, None, None] * xp[n, :, r, c][None]
                dxp[n, :, r, c] += np.tensordot(dOut[n, :, i, j], W, axes=1)
    db = dOut.sum(axis=(0, 2, 3))
    return dxp[:, :, ph : ph + H, pw : pw + Wd], dW, db
""",
        "dW-not-summed-over-batch",
        "dW reset inside the loop over images: the last image's gradient only",
    ),
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    H, Wd = X.shape[2:]
    kh, kw = W.shape[2:]
    Ho, Wo = dOut.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dW = np.zeros(W.shape)
    for u in range(kh):
        for v in range(kw):
            r = slice(u, u + sh * (Ho - 1) + 1, sh)
            c = slice(v, v + sw * (Wo - 1) + 1, sw)
            dW[:, :, u, v] = np.einsum("nohw,nchw->oc", dOut, xp[:, :, r, c])
            dxp[:, :, r, c] += np.einsum("nohw,oc->nchw", dOut, W[:, :, u, v])
    db = np.sum(dOut, axis=0)
    return dxp[:, :, ph : ph + H, pw : pw + Wd], dW, db
""",
        "db-not-summed-over-positions",
        "db summed over the batch only, as for a dense layer",
    ),
    _entry(
        CB,
        "conv2d_backward",
        """
def conv2d_backward(X, W, dOut, stride=1, padding=0):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    H, Wd = X.shape[2:]
    kh, kw = W.shape[2:]
    Ho, Wo = dOut.shape[2:]
    xp = np.pad(X, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros_like(xp)
    dW = np.zeros((W.shape[1], W.shape[0], kh, kw))
    for u in range(kh):
        for v in range(kw):
            r = slice(u, u + sh * (Ho - 1) + 1, sh)
            c = slice(v, v + sw * (Wo - 1) + 1, sw)
            dW[:, :, u, v] = np.einsum("nchw,nohw->co", xp[:, :, r, c], dOut)
            dxp[:, :, r, c] += np.einsum("nohw,oc->nchw", dOut, W[:, :, u, v])
    return dxp[:, :, ph : ph + H, pw : pw + Wd], dW, dOut.sum(axis=(0, 2, 3))
""",
        None,
        "dW laid out (C_in, C_out, kH, kW), einsum output indices swapped",
    ),
]

# -- maxpool2d_forward ----------------------------------------------------------------------------
MAXPOOL_FORWARD = [
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    HH, WW = pair(kernel_size)
    s1, s2 = (HH, WW) if stride is None else pair(stride)
    N, C, H, Wd = X.shape
    Ho, Wo = 1 + (H - HH) // s1, 1 + (Wd - WW) // s2
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, c, i, j] = np.max(X[n, c, i * s1 : i * s1 + HH, j * s2 : j * s2 + WW])
    return out
""",
        CORRECT,
        "CS231n max_pool_forward_naive: four loops, np.max of the window",
    ),
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = pair(kernel_size if stride is None else stride)
    Ho = (X.shape[2] - kh) // sh + 1
    Wo = (X.shape[3] - kw) // sw + 1
    out = np.empty(X.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out
""",
        CORRECT,
        "one window at a time for the whole batch, max over axes (2, 3)",
    ),
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = pair(1 if stride is None else stride)
    Ho = (X.shape[2] - kh) // sh + 1
    Wo = (X.shape[3] - kw) // sw + 1
    out = np.empty(X.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out
""",
        "stride-defaults-to-one",
        "a MaxPool2D class whose stride defaults to 1 (as for a convolution)",
    ),
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    pool_w, pool_h = pair(kernel_size)  # (width, height), as image libraries say it
    sh, sw = (pool_h, pool_w) if stride is None else pair(stride)
    Ho = (X.shape[2] - pool_h) // sh + 1
    Wo = (X.shape[3] - pool_w) // sw + 1
    out = np.empty(X.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            win = X[:, :, i * sh : i * sh + pool_h, j * sw : j * sw + pool_w]
            out[:, :, i, j] = win.max(axis=(2, 3))
    return out
""",
        "kernel-swapped",
        "kernel_size read as (width, height)",
    ),
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    Ho = -(-(X.shape[2] - kh) // sh) + 1
    Wo = -(-(X.shape[3] - kw) // sw) + 1
    out = np.empty(X.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out
""",
        "ceil-mode",
        "output size rounded up: a last, partial window (Caffe's pooling, ceil_mode)",
    ),
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    N, C, H, Wd = X.shape
    Ho, Wo = (H - kh) // sh + 1, (Wd - kw) // sw + 1
    out = np.zeros((N, C, Ho, Wo))
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, c, i, j] = np.max(X[n, :, i * sh : i * sh + kh, j * sw : j * sw + kw])
    return out
""",
        "max-over-channels",
        "the convolution's loop copied: the window X[n, :, ...] spans every channel",
    ),
    _entry(
        PF,
        "maxpool2d_forward",
        """
def maxpool2d_forward(X, kernel_size, stride=None):
    X = np.asarray(X, dtype=float)
    k = kernel_size
    s = k if stride is None else stride
    Ho = (X.shape[2] - k) // s + 1
    Wo = (X.shape[3] - k) // s + 1
    out = np.empty(X.shape[:2] + (Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = X[:, :, i * s : i * s + k, j * s : j * s + k].max(axis=(2, 3))
    return out
""",
        None,
        "square windows only: a pair kernel_size or stride raises",
    ),
]

# -- maxpool2d_backward ---------------------------------------------------------------------------
MAXPOOL_BACKWARD = [
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    N, C, Ho, Wo = dOut.shape
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    win = X[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    u, v = np.unravel_index(np.argmax(win), win.shape)
                    dX[n, c, i * sh + u, j * sw + v] += dOut[n, c, i, j]
    return dX
""",
        CORRECT,
        "np.unravel_index(np.argmax(window)) and +=, four loops",
    ),
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    N, C, Ho, Wo = dOut.shape
    dX = np.zeros_like(X)
    for i in range(Ho):
        for j in range(Wo):
            win = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].reshape(N, C, -1)
            first = win.argmax(axis=2)
            onehot = np.arange(kh * kw) == first[..., None]
            dX[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += (
                onehot * dOut[:, :, i, j][..., None]
            ).reshape(N, C, kh, kw)
    return dX
""",
        CORRECT,
        "a one-hot mask of the flattened window's argmax, added per window",
    ),
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    N, C, Ho, Wo = dOut.shape
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = X[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    mask = window == np.max(window)
                    dX[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw] += mask * dOut[n, c, i, j]
    return dX
""",
        "ties-all",
        "'CNN from scratch' MaxPool.backward: mask = window == max, added",
    ),
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    _, _, Ho, Wo = dOut.shape
    dX = np.zeros_like(X)
    for i in range(Ho):
        for j in range(Wo):
            win = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw]
            mask = win == win.max(axis=(2, 3), keepdims=True)
            share = mask / mask.sum(axis=(2, 3), keepdims=True)
            dX[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw] += share * dOut[:, :, i, j, None, None]
    return dX
""",
        "ties-split",
        "the gradient shared equally among tied maxima (like average pooling on ties)",
    ),
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    N, C, Ho, Wo = dOut.shape
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    best, at = -np.inf, (0, 0)
                    for u in range(kh):
                        for v in range(kw):
                            if X[n, c, i * sh + u, j * sw + v] >= best:
                                best, at = X[n, c, i * sh + u, j * sw + v], (u, v)
                    dX[n, c, i * sh + at[0], j * sw + at[1]] += dOut[n, c, i, j]
    return dX
""",
        "last-max-in-window",
        "a hand-written argmax with >=: the last of equal maxima wins",
    ),
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    N, C, Ho, Wo = dOut.shape
    dX = np.zeros_like(X)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    win = X[n, c, i * sh : i * sh + kh, j * sw : j * sw + kw]
                    u, v = divmod(int(np.argmax(win)), kw)
                    dX[n, c, i * sh + u, j * sw + v] = dOut[n, c, i, j]
    return dX
""",
        "overlaps-overwritten",
        "the right argmax, but assigned with = (fine only without overlaps)",
    ),
    _entry(
        PB,
        "maxpool2d_backward",
        """
def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    X, dOut = np.asarray(X, dtype=float), np.asarray(dOut, dtype=float)
    HH, WW = pair(kernel_size)
    s1, s2 = (HH, WW) if stride is None else pair(stride)
    N, C, Ho, Wo = dOut.shape
    dx = np.zeros_like(X)
    for i in range(N):
        for j in range(C):
            for k in range(Ho):
                for l in range(Wo):
                    window = X[i, j, k * s1 : k * s1 + HH, l * s2 : l * s2 + WW]
                    m = np.max(window)
                    dx[i, j, k * s1 : k * s1 + HH, l * s2 : l * s2 + WW] = (window == m) * dOut[i, j, k, l]
    return dx
""",
        None,
        "CS231n copies: (window == m) * dout assigned into the window (ties and overlaps)",
    ),
]

# -- batchnorm2d_forward --------------------------------------------------------------------------
BATCHNORM_FORWARD = [
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    N, C, H, W = X.shape
    x = X.transpose(0, 2, 3, 1).reshape(-1, C)  # spatial batch norm: channels last, 1-D layer
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        m = x.shape[0]
        rm = (1 - momentum) * running_mean + momentum * mu
        rv = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mu, var = running_mean, running_var
        rm, rv = np.copy(running_mean), np.copy(running_var)
    y = gamma * (x - mu) / np.sqrt(var + eps) + beta
    return y.reshape(N, H, W, C).transpose(0, 3, 1, 2), rm, rv
""",
        CORRECT,
        "CS231n spatial_batchnorm_forward: transpose to (N·H·W, C), the 1-D layer, back",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    g, bt = gamma[None, :, None, None], beta[None, :, None, None]
    if not training:
        xhat = (X - running_mean[None, :, None, None]) / np.sqrt(running_var[None, :, None, None] + eps)
        return g * xhat + bt, running_mean.copy(), running_var.copy()
    mean = X.mean(axis=(0, 2, 3), keepdims=True)
    var = ((X - mean) ** 2).mean(axis=(0, 2, 3), keepdims=True)
    unbiased = np.var(X, axis=(0, 2, 3), ddof=1)
    new_mean = running_mean + momentum * (mean.ravel() - running_mean)
    new_var = running_var + momentum * (unbiased - running_var)
    return g * (X - mean) / np.sqrt(var + eps) + bt, new_mean, new_var
""",
        CORRECT,
        "np.var with ddof=1 for the running estimate, written as running += m·(new − running)",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    shape = (1, -1, 1, 1)
    if training:
        mean = X.mean(axis=(0, 2, 3))
        var = X.var(axis=(0, 2, 3), ddof=1)
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    xhat = (X - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * xhat + beta.reshape(shape), running_mean, running_var
""",
        "unbiased-to-normalise",
        "one unbiased variance (ddof=1) for both the running estimate and the normalisation",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    shape = (1, -1, 1, 1)
    if training:
        mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var
    else:
        mean, var = running_mean, running_var
    xhat = (X - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * xhat + beta.reshape(shape), running_mean, running_var
""",
        "biased-running-var",
        "the batch's biased variance also fed to the running estimate",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    shape = (1, -1, 1, 1)
    if training:
        mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
        m = X.size // X.shape[1]
        running_mean = momentum * running_mean + (1 - momentum) * mean
        running_var = momentum * running_var + (1 - momentum) * var * m / (m - 1)
    else:
        mean, var = running_mean, running_var
    xhat = (X - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * xhat + beta.reshape(shape), running_mean, running_var
""",
        "momentum-reversed",
        "Keras's momentum (weight of the old value), with the unbiased variance",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    n = X.shape[0]
    c = (slice(None), None, None)
    if training:
        mean, var = X.mean(axis=0), X.var(axis=0)  # as in a fully-connected batch norm
        running_mean = (1 - momentum) * running_mean[c] + momentum * mean
        running_var = (1 - momentum) * running_var[c] + momentum * var * n / (n - 1)
    else:
        mean, var = running_mean[c], running_var[c]
    y = gamma[c] * (X - mean) / np.sqrt(var + eps) + beta[c]
    return y, running_mean, running_var
""",
        "stats-over-batch-only",
        "BatchNorm1d's axis=0 kept for images: one mean per pixel",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    shape = (1, -1, 1, 1)
    mean, var = X.mean(axis=(0, 2, 3)), X.var(axis=(0, 2, 3))
    if training:
        m = X.shape[0] * X.shape[2] * X.shape[3]
        running_mean = (1 - momentum) * running_mean + momentum * mean
        running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    xhat = (X - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * xhat + beta.reshape(shape), running_mean, running_var
""",
        "eval-uses-batch-stats",
        "the training flag only guards the running update (the forgotten model.eval() bug)",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    N, C, H, W = X.shape
    x = X.transpose(0, 2, 3, 1).reshape(-1, C)
    if training:
        sample_mean, sample_var = x.mean(axis=0), x.var(axis=0)
        running_mean = momentum * running_mean + (1 - momentum) * sample_mean
        running_var = momentum * running_var + (1 - momentum) * sample_var
        x_hat = (x - sample_mean) / np.sqrt(sample_var + eps)
    else:
        x_hat = (x - running_mean) / np.sqrt(running_var + eps)
    out = gamma * x_hat + beta
    return out.reshape(N, H, W, C).transpose(0, 3, 1, 2), running_mean, running_var
""",
        None,
        "CS231n's batchnorm_forward update whole: old-value momentum and biased variance",
    ),
    _entry(
        BF,
        "batchnorm2d_forward",
        """
def batchnorm2d_forward(X, gamma, beta, running_mean, running_var, momentum=0.1, eps=1e-5,
                        training=True):
    X = np.asarray(X, dtype=float)
    N, C, H, W = X.shape
    x = X.reshape(-1, C)  # no transpose: channels and pixels mixed
    if training:
        mu, var = x.mean(axis=0), x.var(axis=0)
        m = x.shape[0]
        running_mean = (1 - momentum) * running_mean + momentum * mu
        running_var = (1 - momentum) * running_var + momentum * var * m / (m - 1)
    else:
        mu, var = running_mean, running_var
    y = gamma * (x - mu) / np.sqrt(var + eps) + beta
    return y.reshape(N, C, H, W), running_mean, running_var
""",
        None,
        "spatial batch norm with reshape(-1, C) and no transpose (forum question)",
    ),
]

# -- batchnorm2d_backward -------------------------------------------------------------------------
BATCHNORM_BACKWARD = [
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    ax = (0, 2, 3)
    m = X.size // X.shape[1]
    g = gamma.reshape(1, -1, 1, 1)
    mu = X.mean(axis=ax, keepdims=True)
    xmu = X - mu
    var = (xmu ** 2).mean(axis=ax, keepdims=True)
    ivar = 1.0 / np.sqrt(var + eps)
    xhat = xmu * ivar
    dbeta = dY.sum(axis=ax)
    dgamma = (dY * xhat).sum(axis=ax)
    dxhat = dY * g
    dvar = np.sum(dxhat * xmu, axis=ax, keepdims=True) * -0.5 * ivar ** 3
    dmu = -np.sum(dxhat * ivar, axis=ax, keepdims=True) - 2.0 * dvar * xmu.mean(axis=ax, keepdims=True)
    dX = dxhat * ivar + dvar * 2.0 * xmu / m + dmu / m
    return dX, dgamma, dbeta
""",
        CORRECT,
        "CS231n's staged batchnorm_backward through dxhat, dvar and dmean, over (0, 2, 3)",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    N, C, H, W = X.shape
    x = X.transpose(0, 2, 3, 1).reshape(-1, C)
    dout = dY.transpose(0, 2, 3, 1).reshape(-1, C)
    M = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dx = gamma * inv_std / M * (M * dout - dbeta - xhat * dgamma)
    return dx.reshape(N, H, W, C).transpose(0, 3, 1, 2), dgamma, dbeta
""",
        CORRECT,
        "CS231n batchnorm_backward_alt's one-line dx, channels moved last",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    ax = (0, 2, 3)
    mean = X.mean(axis=ax, keepdims=True)
    std = np.sqrt(X.var(axis=ax, keepdims=True) + eps)
    xhat = (X - mean) / std
    dX = dY * gamma.reshape(1, -1, 1, 1) / std
    return dX, (dY * xhat).sum(axis=ax), dY.sum(axis=ax)
""",
        "stats-treated-as-constants",
        "y = γ·(x − μ)/σ + β differentiated with μ and σ held fixed",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    ax = (0, 2, 3)
    m = X.shape[0] * X.shape[2] * X.shape[3]
    xmu = X - X.mean(axis=ax, keepdims=True)
    var = X.var(axis=ax, keepdims=True)
    ivar = 1.0 / np.sqrt(var + eps)
    dxhat = dY * gamma.reshape(1, -1, 1, 1)
    dvar = -0.5 * ivar ** 3 * np.sum(dxhat * xmu, axis=ax, keepdims=True)
    dX = dxhat * ivar + dvar * 2 * xmu / m  # the path through the mean left out
    return dX, (dY * xmu * ivar).sum(axis=ax), dY.sum(axis=ax)
""",
        "mean-treated-as-constant",
        "staged backward that stops after dvar (no dmean)",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    ax = (0, 2, 3)
    std = np.sqrt(X.var(axis=ax, keepdims=True) + eps)
    xhat = (X - X.mean(axis=ax, keepdims=True)) / std
    dxhat = dY * gamma.reshape(1, -1, 1, 1)
    dX = (dxhat - dxhat.mean(axis=ax, keepdims=True)) / std
    return dX, (dY * xhat).sum(axis=ax), dY.sum(axis=ax)
""",
        "variance-treated-as-constant",
        "the mean's path kept, the variance's forgotten",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    ax = (0, 2, 3)
    std = np.sqrt(X.var(axis=ax, keepdims=True) + eps)
    xhat = (X - X.mean(axis=ax, keepdims=True)) / std
    g = gamma.reshape(1, -1, 1, 1)
    dX = g / std * (dY - dY.mean(axis=ax, keepdims=True)
                    - xhat * (dY * xhat).mean(axis=ax, keepdims=True))
    dgamma = np.sum(dY * X, axis=ax)
    return dX, dgamma, dY.sum(axis=ax)
""",
        "dgamma-with-x-not-xhat",
        "dγ = Σ dY·x, the input the layer was given instead of x̂",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    ax = (0, 2, 3)
    std = np.sqrt(X.var(axis=ax, keepdims=True) + eps)
    xhat = (X - X.mean(axis=ax, keepdims=True)) / std
    g = gamma.reshape(1, -1, 1, 1)
    dX = g / std * (dY - dY.mean(axis=ax, keepdims=True)
                    - xhat * (dY * xhat).mean(axis=ax, keepdims=True))
    return dX, np.sum(dY * xhat, axis=0), np.sum(dY, axis=0)
""",
        "params-summed-over-batch-only",
        "dγ, dβ summed over axis 0 only, as in the 1-D layer",
    ),
    _entry(
        BB,
        "batchnorm2d_backward",
        """
def batchnorm2d_backward(X, gamma, dY, eps=1e-5):
    X, dY = np.asarray(X, dtype=float), np.asarray(dY, dtype=float)
    N, C, H, W = X.shape
    x = X.reshape(-1, C)  # no transpose: pixels and channels mixed
    dout = dY.reshape(-1, C)
    M = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) * inv_std
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dx = gamma * inv_std / M * (M * dout - dbeta - xhat * dgamma)
    return dx.reshape(N, C, H, W), dgamma, dbeta
""",
        None,
        "the 1-D backward on reshape(-1, C) without moving the channel last",
    ),
]

# -- receptive_field ------------------------------------------------------------------------------
RECEPTIVE_FIELD = [
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    n_jump, r, start = 1, 1, 0.5  # pixel centres at i + 0.5, as in the blog post
    for layer in layers:
        k, s, p = layer[0], layer[1], layer[2]
        d = layer[3] if len(layer) == 4 else 1
        k = d * (k - 1) + 1
        r = r + (k - 1) * n_jump
        start = start + ((k - 1) / 2 - p) * n_jump
        n_jump = n_jump * s
    return r, n_jump, start - 0.5
""",
        CORRECT,
        "Dang Ha The Hien's receptive-field arithmetic, pixel centres at i + 0.5 shifted back",
    ),
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    r, left, prod = 1, 0, 1
    for layer in layers:
        k, s, p, *rest = layer
        d = rest[0] if rest else 1
        r += d * (k - 1) * prod
        left -= p * prod
        prod *= s
    return r, prod, left + (r - 1) / 2
""",
        CORRECT,
        "Araujo et al.'s closed form: left edge −Σ p·Π s, centre at left + (r − 1)/2",
    ),
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    r, j, start = 1, 1, 0.0
    for layer in layers:
        k, s, p = layer[:3]
        r += (k - 1) * j
        start += ((k - 1) / 2 - p) * j
        j *= s
    return r, j, start
""",
        "dilation-ignored",
        "the three-number recursion with the kernel size as given",
    ),
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    r, j, start = 1, 1, 0.0
    for layer in layers:
        k, s, p = layer[:3]
        d = layer[3] if len(layer) > 3 else 1
        k_eff = d * (k - 1) + 1
        j = j * s
        r = r + (k_eff - 1) * j
        start = start + ((k_eff - 1) / 2 - p) * j
    return r, j, start
""",
        "jump-updated-first",
        "j_out used in the same layer's update (order of the blog's lines swapped)",
    ),
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    r, start, jump = 1, 0.0, 1
    for layer in layers:
        k, s, p = layer[:3]
        d = layer[3] if len(layer) > 3 else 1
        k_eff = d * (k - 1) + 1
        r += k_eff - 1
        start += (k_eff - 1) / 2 - p
        jump *= s
    return r, jump, start
""",
        "strides-ignored",
        "kernel sizes added up as if every stride were 1 ('r = 1 + Σ (k − 1)')",
    ),
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    r, j = 1, 1
    for layer in layers:
        k, s = layer[0], layer[1]
        d = layer[3] if len(layer) > 3 else 1
        r += d * (k - 1) * j
        j *= s
    return r, j, (r - 1) / 2
""",
        "padding-ignored",
        "the centre taken as (r − 1)/2, padding left out",
    ),
    Entry(
        RF,
        "receptive_field",
        """
def receptive_field(layers):
    r, j, left = 1, 1, 0
    for layer in layers:
        k, s, p = layer[:3]
        d = layer[3] if len(layer) > 3 else 1
        r += d * (k - 1) * j
        left -= p * j
        j *= s
    return r, j, float(left)
""",
        None,
        "the left edge of the field returned where its centre is asked",
    ),
]

# -- train_cnn ------------------------------------------------------------------------------------
# the layers of Exercises 1, 3, 4 and 5, as a student who passed them has them
LAYERS = """
def pair(v):
    return (int(v), int(v)) if np.ndim(v) == 0 else (int(v[0]), int(v[1]))


def conv2d_forward(X, W, b, stride=1, padding=0):
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    Xp = np.pad(np.asarray(X, dtype=float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = W.shape[2:]
    ho, wo = (Xp.shape[2] - kh) // sh + 1, (Xp.shape[3] - kw) // sw + 1
    Y = np.zeros((len(Xp), len(W), ho, wo)) + b[:, None, None]
    for u in range(kh):
        for v in range(kw):
            part = Xp[:, :, u : u + sh * (ho - 1) + 1 : sh, v : v + sw * (wo - 1) + 1 : sw]
            Y += np.einsum("nchw,oc->nohw", part, W[:, :, u, v])
    return Y


def conv2d_backward(X, W, dOut, stride=1, padding=0):
    (sh, sw), (ph, pw) = pair(stride), pair(padding)
    Xp = np.pad(np.asarray(X, dtype=float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dXp, dW = np.zeros_like(Xp), np.zeros(W.shape)
    ho, wo = dOut.shape[2:]
    for u in range(W.shape[2]):
        for v in range(W.shape[3]):
            r, c = slice(u, u + sh * (ho - 1) + 1, sh), slice(v, v + sw * (wo - 1) + 1, sw)
            dW[:, :, u, v] = np.einsum("nohw,nchw->oc", dOut, Xp[:, :, r, c])
            dXp[:, :, r, c] += np.einsum("nohw,oc->nchw", dOut, W[:, :, u, v])
    H, Wd = np.shape(X)[2:]
    return dXp[:, :, ph : ph + H, pw : pw + Wd], dW, dOut.sum(axis=(0, 2, 3))


def maxpool2d_forward(X, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    ho, wo = (X.shape[2] - kh) // sh + 1, (X.shape[3] - kw) // sw + 1
    out = np.empty(X.shape[:2] + (ho, wo))
    for i in range(ho):
        for j in range(wo):
            out[:, :, i, j] = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].max(axis=(2, 3))
    return out


def maxpool2d_backward(X, dOut, kernel_size, stride=None):
    kh, kw = pair(kernel_size)
    sh, sw = (kh, kw) if stride is None else pair(stride)
    n, c = X.shape[:2]
    dX = np.zeros_like(X, dtype=float)
    nn, cc = np.indices((n, c))
    for i in range(dOut.shape[2]):
        for j in range(dOut.shape[3]):
            win = X[:, :, i * sh : i * sh + kh, j * sw : j * sw + kw].reshape(n, c, -1)
            u, v = np.divmod(win.argmax(axis=2), kw)
            dX[nn, cc, i * sh + u, j * sw + v] += dOut[:, :, i, j]
    return dX
"""

# the notebook's loop, with one line changed by each wrong variant below
TRAIN_LOOP = """
def train_cnn(params, X, y, lr, steps):
    p = <COPY>
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    N = len(y)
    losses = []
    for _ in range(steps):
        z = conv2d_forward(X, p["W1"], p["b1"], 1, 1)
        a = np.maximum(z, 0)
        h = maxpool2d_forward(a, 2)
        flat = <FLAT>
        scores = flat @ p["W2"].T + p["b2"]
        scores = scores - scores.max(axis=1, keepdims=True)
        probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
        <LOSS_BEFORE>
        dscores = probs.copy()
        dscores[np.arange(N), y] -= 1
        <MEAN>
        grads = {"W2": dscores.T @ flat, "b2": dscores.sum(axis=0)}
        dflat = dscores @ p["W2"]
        dh = <UNFLAT>
        da = maxpool2d_backward(a, dh, 2)
        dz = <RELU>
        <CONV_BACKWARD>
        for k in p:
            <UPDATE>
        <LOSS_AFTER>
    return p, losses
"""

_RIGHT = {
    "<COPY>": "{k: np.array(v, dtype=float) for k, v in params.items()}",
    "<FLAT>": "h.reshape(N, -1)",
    "<UNFLAT>": "dflat.reshape(h.shape)",
    "<LOSS_BEFORE>": "losses.append(float(-np.mean(np.log(probs[np.arange(N), y]))))",
    "<MEAN>": "dscores /= N",
    "<RELU>": "da * (z > 0)",
    "<CONV_BACKWARD>": '_, grads["W1"], grads["b1"] = conv2d_backward(X, p["W1"], dz, 1, 1)',
    "<UPDATE>": "p[k] -= lr * grads[k]",
    "<LOSS_AFTER>": "pass",
}


def _train_code(**changes: str) -> str:
    code = TRAIN_LOOP
    for key, value in _RIGHT.items():
        code = code.replace(key, changes.get(key.strip("<>").lower(), value))
    return LAYERS + code


TRAIN_CNN = [
    Entry(TC, "train_cnn", _train_code(), CORRECT, "the notes' loop with softmax probabilities"),
    Entry(
        TC,
        "train_cnn",
        LAYERS
        + """
def train_cnn(params, X, y, lr, steps):
    W1, b1, W2, b2 = (np.array(params[k], dtype=float) for k in ("W1", "b1", "W2", "b2"))
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    Y = np.eye(W2.shape[0])[y]
    losses = []
    for step in range(steps):
        z = conv2d_forward(X, W1, b1, stride=1, padding=1)
        mask = z > 0
        a = z * mask
        h = maxpool2d_forward(a, (2, 2))
        logits = h.reshape(N, -1) @ W2.T + b2
        m = logits.max(axis=1, keepdims=True)
        logsumexp = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
        losses.append(float(np.mean(logsumexp - (logits * Y).sum(axis=1))))
        P = np.exp(logits - logsumexp[:, None])
        G = (P - Y) / N
        dW2, db2 = G.T @ h.reshape(N, -1), G.sum(axis=0)
        dh = (G @ W2).reshape(h.shape)
        dz = maxpool2d_backward(a, dh, (2, 2)) * mask
        _, dW1, db1 = conv2d_backward(X, W1, dz, stride=1, padding=1)
        W1, b1, W2, b2 = W1 - lr * dW1, b1 - lr * db1, W2 - lr * dW2, b2 - lr * db2
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, losses
""",
        CORRECT,
        "one-hot labels, log-sum-exp loss, new arrays at each update",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(update="p[k] += lr * grads[k]"),
        "ascent",
        "'CNN from scratch' update written W += lr * dW",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(
            loss_before="pass",
            loss_after="s = maxpool2d_forward(np.maximum(conv2d_forward(X, p['W1'], p['b1'], 1, 1),"
            " 0), 2).reshape(N, -1) @ p['W2'].T + p['b2']\n"
            "        s = s - s.max(axis=1, keepdims=True)\n"
            "        logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))\n"
            "        losses.append(float(-logp[np.arange(N), y].mean()))",
        ),
        "loss-after-update",
        "the loss logged after the update (PyTorch forum: loss printed after optimizer.step())",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(relu="da"),
        "relu-derivative-missing",
        "the ReLU's mask forgotten between pooling and convolution",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(
            flat="h.transpose(0, 2, 3, 1).reshape(N, -1)",
            unflat="dflat.reshape(N, h.shape[2], h.shape[3], h.shape[1]).transpose(0, 3, 1, 2)",
        ),
        "flatten-channels-last",
        "Keras-style NHWC flatten (and its gradient reshaped back the same way)",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(
            conv_backward="for n in range(N):\n"
            "            _, grads['W1'], _ = conv2d_backward(X[n : n + 1], p['W1'], dz[n : n + 1], 1, 1)\n"
            "        grads['b1'] = dz.sum(axis=(0, 2, 3))",
        ),
        "conv-dW-last-example",
        "dW1 assigned image by image in a loop: only the last one's survives",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(mean="pass"),
        None,
        "the gradient of the summed loss (not divided by N), the mean loss logged",
    ),
    Entry(
        TC,
        "train_cnn",
        _train_code(copy="params"),
        None,
        "the caller's parameter arrays updated in place",
    ),
]

ENTRIES = (
    CONV2D_FORWARD
    + IM2COL
    + CONV2D_BACKWARD
    + MAXPOOL_FORWARD
    + MAXPOOL_BACKWARD
    + BATCHNORM_FORWARD
    + BATCHNORM_BACKWARD
    + RECEPTIVE_FIELD
    + TRAIN_CNN
)
