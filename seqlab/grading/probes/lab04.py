"""Grader probes for lab 04, BPTT and gradients (hidden from students; inputs drawn when grading).

The forward passes the backward questions need are run here, with the reference NumPy RNN,
so that a call's arguments are consistent (``h_next`` is the step's output, ``states`` the
states of ``inputs``); the expected gradients come from the solution notebook as always.
"""

from __future__ import annotations

import numpy as np

from seqlab.grading.probes import Call, Probe
from seqlab.numpy_rnn import rnn_cell_forward, rnn_forward


def _weights(rng: np.random.Generator, m: int, u: int):
    """``kernel`` (m, u), ``recurrent_kernel`` (u, u) and ``bias`` (u,), in float64."""
    return rng.normal(size=(m, u)), rng.normal(scale=0.7, size=(u, u)), rng.normal(size=u)


def _step_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for m, u in ((3, 4), (2, 2), (1, 3)):
        n = int(rng.integers(1, 5))
        kernel, recurrent_kernel, bias = _weights(rng, m, u)
        x_t, h_prev = rng.normal(size=(n, m)), rng.uniform(-1, 1, size=(n, u))
        h_next = rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias)
        grad_h = rng.normal(size=(n, u))
        calls.append(Call((grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel)))
    return calls


def _backward_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for m, u, steps, last_only in (
        (3, 4, 6, False),
        (2, 2, 1, False),
        (1, 3, 9, True),
        (2, 5, 4, False),
    ):
        n = int(rng.integers(1, 4))
        kernel, recurrent_kernel, bias = _weights(rng, m, u)
        inputs = rng.normal(size=(n, steps, m))
        states, _ = rnn_forward(inputs, kernel, recurrent_kernel, bias, return_sequences=True)
        grad_states = rng.normal(size=(n, steps, u))
        if last_only:
            grad_states[:, :-1] = 0.0
        calls.append(Call((grad_states, inputs, states, kernel, recurrent_kernel)))
    return calls


def _clip_calls(rng: np.random.Generator) -> list[Call]:
    def gradients(norms):
        """Arrays of random shapes and directions with the given L2 norms."""
        arrays = [
            rng.normal(size=tuple(rng.integers(1, 5, size=rng.integers(1, 3)))) for _ in norms
        ]
        return [a * (norm / np.linalg.norm(a)) for a, norm in zip(arrays, norms, strict=True)]

    calls = []
    for _ in range(2):
        # One array longer than clipnorm, one shorter: per-array and global clipping differ.
        clipnorm = float(rng.uniform(0.5, 2.0))
        norms = clipnorm * rng.permutation(
            [rng.uniform(1.5, 4.0), rng.uniform(0.1, 0.8), rng.uniform(0.1, 3.0)]
        )
        calls.append(Call((gradients(norms),), {"clipnorm": clipnorm}))
    clipvalue = float(rng.uniform(0.1, 1.0))
    clipped = gradients(clipvalue * rng.uniform(1.0, 6.0, size=2))
    clipped[0].flat[0] = -2.0 * clipvalue  # both ends of [-clipvalue, clipvalue] are cut
    calls.append(Call((clipped,), {"clipvalue": clipvalue}))
    calls.append(Call((gradients(rng.uniform(0.1, 3.0, size=2)),)))
    return calls


def _jacobian_calls(rng: np.random.Generator) -> list[Call]:
    calls = []
    for u, steps, radius in ((3, 5, 0.6), (4, 7, 1.4), (1, 4, 2.0)):
        n = int(rng.integers(1, 4))
        orthogonal, _ = np.linalg.qr(rng.normal(size=(u, u)))
        recurrent_kernel = radius * orthogonal
        inputs = rng.normal(scale=0.5, size=(n, steps, 2))
        states, _ = rnn_forward(
            inputs, rng.normal(size=(2, u)), recurrent_kernel, return_sequences=True
        )
        calls.append(Call((states, recurrent_kernel)))
    return calls


PROBES = {
    "q1": Probe("rnn_step_backward", _step_calls, seconds=2.0),
    "q2": Probe("rnn_backward", _backward_calls, seconds=5.0),
    "q3": Probe("clip_gradients", _clip_calls, seconds=2.0),
    "q4": Probe("jacobian_norms", _jacobian_calls, seconds=5.0),
}
