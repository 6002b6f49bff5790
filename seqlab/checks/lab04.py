"""Public checks for lab 04, BPTT and gradients: ``from seqlab.checks import lab04 as check``.

=====  ============================================================  ===========================
check  your function                                                 returns
=====  ============================================================  ===========================
q1     ``rnn_step_backward(grad_h, h_next, x_t, h_prev, kernel,      dict of gradients: ``x_t``,
       recurrent_kernel)``                                           ``h_prev``, ``kernel``,
                                                                     ``recurrent_kernel``,
                                                                     ``bias``
q2     ``rnn_backward(grad_states, inputs, states, kernel,           dict of gradients:
       recurrent_kernel)``                                           ``kernel``,
                                                                     ``recurrent_kernel``,
                                                                     ``bias``
q3     ``clip_gradients(gradients, clipnorm=None, clipvalue=None)``  list of arrays
q4     ``jacobian_norms(states, recurrent_kernel)``                  (n, T + 1) array
=====  ============================================================  ===========================

Shapes: n sequences, T steps, m features, u units; weights in the layout of
``keras.layers.SimpleRNN(...).get_weights()``: ``kernel`` (m, u), ``recurrent_kernel`` (u, u).
``states`` holds h_1 ... h_T as (n, T, u); the initial state h_0 is zeros. A gradient has the
shape of what it differentiates.
"""

from __future__ import annotations

import numpy as np

from seqlab import numpy_rnn
from seqlab.checks import recurrent
from seqlab.checks.core import Case, run_check

STEP_KEYS = ("x_t", "h_prev", "kernel", "recurrent_kernel", "bias")
WEIGHT_KEYS = ("kernel", "recurrent_kernel", "bias")
# The inputs of the worked example of notebooks 03 and 04 (W_hh = 2, W_xh = -1.5, no bias).
EXAMPLE_INPUTS = np.array([[[1.0], [1.0], [-2.0]]])


def _step_case(seed, n=2, m=3, u=4):
    """A q1 case: a forward step with a bias, then dL/dh_next drawn at random."""
    rng = np.random.default_rng(seed)
    x_t, h_prev = rng.normal(size=(n, m)), rng.normal(size=(n, u))
    kernel, recurrent_kernel, bias = (
        rng.normal(size=(m, u)), rng.normal(size=(u, u)) * 0.5, rng.normal(size=u)
    )
    _, h_next, cache = numpy_rnn.rnn_forward(
        x_t[:, np.newaxis], kernel, recurrent_kernel, bias,
        initial_state=h_prev, return_cache=True,
    )
    grad_h = rng.normal(size=(n, u))
    gradients = numpy_rnn.rnn_backward(grad_h, cache)
    expected = {
        "x_t": gradients.inputs[:, 0],
        "h_prev": gradients.initial_state,
        "kernel": gradients.kernel,
        "recurrent_kernel": gradients.recurrent_kernel,
        "bias": gradients.bias,
    }
    return Case((grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel), expected)


def q1(rnn_step_backward) -> None:
    """``rnn_step_backward(grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel)``."""
    cases = [_step_case(1), _step_case(2, n=1, m=1, u=1), _step_case(3, n=3, m=2, u=5)]
    run_check(
        "q1",
        rnn_step_backward,
        cases,
        hints=[_missing_keys, _step_derivative_hint, _step_transposed, _batch_sum, _shapes],
        error_hints={ValueError: _BACKWARD_SHAPES},
    )


def backward_case(seed, n, steps, m, u, *, last_step_only=False):
    """A q2 case: a forward pass from zeros, then dL/dh_t for every step (or the last one)."""
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(n, steps, m))
    kernel, recurrent_kernel, bias = (
        rng.normal(size=(m, u)), rng.normal(size=(u, u)) * 0.5, rng.normal(size=u)
    )
    states, _, cache = numpy_rnn.rnn_forward(
        inputs, kernel, recurrent_kernel, bias, return_sequences=True, return_cache=True
    )
    grad_states = rng.normal(size=(n, steps, u))
    if last_step_only:
        grad_states[:, :-1] = 0.0
    gradients = numpy_rnn.rnn_backward(grad_states, cache)
    expected = dict(zip(WEIGHT_KEYS, gradients.weights, strict=True))
    return Case((grad_states, inputs, states, kernel, recurrent_kernel), expected)


def q2(rnn_backward) -> None:
    """``rnn_backward(grad_states, inputs, states, kernel, recurrent_kernel)``: h_0 = 0."""
    cases = [
        backward_case(4, 1, 1, 2, 3),  # one step: the step backward alone
        backward_case(5, 2, 2, 3, 4),  # two steps: the gradient from step 2 reaches step 1
        backward_case(6, 2, 6, 3, 4),
        backward_case(7, 3, 5, 2, 2, last_step_only=True),  # a many-to-one loss
    ]
    run_check(
        "q2",
        rnn_backward,
        cases,
        hints=[_missing_keys, _sequence_backward_hint],
        error_hints={ValueError: _BACKWARD_SHAPES, IndexError: _BACKWARD_SHAPES},
    )


def _gradient_list(*norms, shapes=((3, 2), (2, 2), (2,))):
    """Arrays of ``shapes`` in a fixed direction, scaled to the given L2 norms."""
    rng = np.random.default_rng(8)
    arrays = [rng.normal(size=shape) for shape in shapes]
    return [array * (norm / np.linalg.norm(array)) for array, norm in zip(arrays, norms,
                                                                          strict=True)]


def q3(clip_gradients) -> None:
    """``clip_gradients(gradients, clipnorm=None, clipvalue=None)``: as a Keras optimizer."""
    gradients = _gradient_list(5.0, 0.5, 2.0)
    cases = [
        Case((gradients,), numpy_rnn.clip_gradients(gradients)),
        Case((gradients,), numpy_rnn.clip_gradients(gradients, clipnorm=1.0), {"clipnorm": 1.0}),
        Case((gradients,), numpy_rnn.clip_gradients(gradients, clipnorm=3.0), {"clipnorm": 3.0}),
        Case((gradients,), numpy_rnn.clip_gradients(gradients, clipvalue=0.5),
             {"clipvalue": 0.5}),
        Case(([np.array([3.0, -4.0])],), [np.array([0.6, -0.8])], {"clipnorm": 1.0}),
    ]
    run_check("q3", clip_gradients, cases, hints=[_clipping_hint])


def jacobian_case(seed, n, steps, u, radius=1.0):
    """A q4 case: the states of a forward pass, recurrent matrix of spectral norm ``radius``."""
    rng = np.random.default_rng(seed)
    orthogonal, _ = np.linalg.qr(rng.normal(size=(u, u)))
    recurrent_kernel = radius * orthogonal
    _, _, cache = numpy_rnn.rnn_forward(
        rng.normal(size=(n, steps, 1)), rng.normal(size=(1, u)), recurrent_kernel,
        return_cache=True,
    )
    return Case((cache.states, recurrent_kernel), numpy_rnn.rnn_state_jacobian_norms(cache))


def q4(jacobian_norms) -> None:
    """``jacobian_norms(states, recurrent_kernel)``: column k holds ||dh_T/dh_k||, k = 0 ... T."""
    _, _, cache = numpy_rnn.rnn_forward(EXAMPLE_INPUTS, [[-1.5]], [[2.0]], return_cache=True)
    example = Case((cache.states, cache.recurrent_kernel),
                   numpy_rnn.rnn_state_jacobian_norms(cache))
    cases = [
        example,  # the scalar network of notebooks 03 and 04
        jacobian_case(9, 2, 4, 3, radius=1.5),
        jacobian_case(10, 3, 6, 4, radius=0.5),
    ]
    run_check("q4", jacobian_norms, cases, hints=[_jacobian_hint])


# --- Hints: each recognises one common mistake from the case and the returned value. ---

_BACKWARD_SHAPES = (
    "a gradient has the shape of what it differentiates. With states as rows: the kernel's "
    "gradient is x_t.T @ grad_pre (m, u), the recurrent kernel's h_prev.T @ grad_pre (u, u), "
    "and the gradients passed back are grad_pre @ kernel.T and grad_pre @ recurrent_kernel.T, "
    "where grad_pre is dL/d(pre-activation), (n, u)."
)


def _missing_keys(case: Case, returned) -> str | None:
    if isinstance(returned, dict) and set(returned) != set(case.expected):
        return f"return a dict with exactly the keys {list(case.expected)}."
    if isinstance(returned, tuple | list):
        return f"return a dict, not a {type(returned).__name__}: keys {list(case.expected)}."
    return None


def _step_gradients(grad_pre, x_t, h_prev, kernel, recurrent_kernel):
    """The five gradients of one step, given dL/d(pre-activation)."""
    return {
        "x_t": grad_pre @ kernel.T,
        "h_prev": grad_pre @ recurrent_kernel.T,
        "kernel": x_t.T @ grad_pre,
        "recurrent_kernel": h_prev.T @ grad_pre,
        "bias": grad_pre.sum(axis=0),
    }


def _step_derivative_hint(case: Case, returned) -> str | None:
    grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel = case.args
    weights = (x_t, h_prev, kernel, recurrent_kernel)
    wrong_derivatives = {
        "grad_h without tanh'": grad_h,
        "1 - h_prev^2": grad_h * (1 - h_prev**2),
        "1 - tanh(h_next)^2": grad_h * (1 - np.tanh(h_next) ** 2),
        "h_next * (1 - h_next)": grad_h * h_next * (1 - h_next),
    }
    hints = {
        "grad_h without tanh'": "h_next = tanh(pre-activation): multiply grad_h by tanh' = "
        "1 - h_next**2 before passing it on.",
        "1 - h_prev^2": "tanh' belongs to this step's output: use 1 - h_next**2, not h_prev.",
        "1 - tanh(h_next)^2": "h_next is already tanh(pre-activation): tanh' is "
        "1 - h_next**2, with no second tanh.",
        "h_next * (1 - h_next)": "h * (1 - h) is the derivative of the sigmoid; for tanh it is "
        "1 - h**2.",
    }
    for name, grad_pre in wrong_derivatives.items():
        wrong = _step_gradients(grad_pre, *weights)
        if isinstance(returned, dict) and any(
            key in returned and recurrent.matches(returned[key], wrong[key])
            and not recurrent.matches(wrong[key], case.expected[key])
            for key in ("kernel", "bias")
        ):
            return hints[name]
    return None


def _step_transposed(case: Case, returned) -> str | None:
    grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel = case.args
    if not isinstance(returned, dict) or "h_prev" not in returned:
        return None
    grad_pre = grad_h * (1 - h_next**2)
    if recurrent.matches(returned["h_prev"], grad_pre @ recurrent_kernel) and not recurrent.matches(
        grad_pre @ recurrent_kernel, case.expected["h_prev"]
    ):
        return (
            "the gradient goes back through recurrent_kernel transposed: "
            "h_prev's gradient is grad_pre @ recurrent_kernel.T."
        )
    return None


def _batch_sum(case: Case, returned) -> str | None:
    if not isinstance(returned, dict) or "bias" not in returned:
        return None
    n, u = case.args[0].shape
    if np.shape(returned["bias"]) == (n, u) != (u,):
        return "dL/dbias is summed over the batch: grad_pre.sum(axis=0), shape (u,)."
    if n > 1 and recurrent.matches(returned["bias"], case.expected["bias"] / n):
        return "sum over the batch, not the mean: every row of the batch adds its gradient."
    return None


def _shapes(case: Case, returned) -> str | None:
    if isinstance(returned, dict) and any(
        np.shape(returned.get(key)) != np.shape(value) for key, value in case.expected.items()
    ):
        return _BACKWARD_SHAPES
    if isinstance(returned, dict) and "recurrent_kernel" in returned:
        grad_h, h_next, x_t, *_ = case.args
        if recurrent.matches(returned["recurrent_kernel"], x_t.T @ (grad_h * (1 - h_next**2))):
            return _BACKWARD_SHAPES
    return None


def _backward_variant(case: Case, *, carry=1.0, previous_offset=1, kept="all", forward=False):
    """Weight gradients of a q2 case computed with one of the common mistakes.

    ``carry``: how often the gradient from the step after is added (0, 1 or 2); ``kept``: the
    steps whose gradients are kept ("all", or "first"/"last" when they are overwritten);
    ``forward``: the steps walked in time order.
    """
    grad_states, inputs, states, kernel, recurrent_kernel = case.args
    n, steps, units = states.shape
    previous = np.concatenate([np.zeros((n, 1, units)), states], axis=1)
    gradients = {key: 0.0 for key in WEIGHT_KEYS}
    from_later = np.zeros((n, units))
    order = range(steps) if forward else reversed(range(steps))
    for t in order:
        grad_pre = (grad_states[:, t] + carry * from_later) * (1 - states[:, t] ** 2)
        h_prev = previous[:, t + 1 - previous_offset]
        step = _step_gradients(grad_pre, inputs[:, t], h_prev, kernel, recurrent_kernel)
        keep = kept == "all" or t == {"first": 0, "last": steps - 1}[kept]
        for key in WEIGHT_KEYS:
            if keep:
                gradients[key] = gradients[key] + step[key]
        from_later = grad_pre @ recurrent_kernel.T
    return gradients


def _sequence_backward_hint(case: Case, returned) -> str | None:
    if not isinstance(returned, dict):
        return None
    variants = {
        "no carry": (
            {"carry": 0.0},
            "each step also receives the gradient coming back from the step after it: add "
            "grad_h_prev of step t + 1 to grad_states[:, t] before the step backward.",
        ),
        "states as h_prev": (
            {"previous_offset": 0},
            "the previous state of step t is states[:, t - 1], and zeros for the first step; "
            "states[:, t] is the step's own output.",
        ),
        "last step only": (
            {"kept": "last"},
            "the weights are shared by every step: add up their gradients over all steps.",
        ),
        "overwritten": (
            {"kept": "first"},
            "the weights are shared by every step: add up their gradients over all steps.",
        ),
        "forward": (
            {"forward": True},
            "walk the steps backward, t = T - 1 ... 0: each step needs the gradient from the "
            "step after it, so that step must come first.",
        ),
        "carried twice": (
            {"carry": 2.0},
            "the gradient from the step after is added twice: add it once to grad_states[:, t].",
        ),
    }
    for options, hint in variants.values():
        wrong = _backward_variant(case, **options)
        if any(
            key in returned and recurrent.matches(returned[key], wrong[key])
            and not recurrent.matches(wrong[key], case.expected[key])
            for key in WEIGHT_KEYS
        ):
            return hint
    return None


def _clipping_hint(case: Case, returned) -> str | None:
    (gradients,) = case.args
    clipnorm, clipvalue = case.kwargs.get("clipnorm"), case.kwargs.get("clipvalue")
    if clipnorm is not None:
        if recurrent.matches(returned, numpy_rnn.clip_gradients(gradients,
                                                                global_clipnorm=clipnorm)):
            return (
                "that is global_clipnorm (one scale for all arrays): clipnorm rescales each "
                "array on its own to a norm of at most clipnorm."
            )
        if recurrent.matches(returned, [g * clipnorm / np.linalg.norm(g) for g in gradients]):
            return "leave an array whose norm is already at most clipnorm unchanged."
    if clipvalue is not None and recurrent.matches(
        returned, numpy_rnn.clip_gradients(gradients, clipnorm=clipvalue)
    ):
        return "clipvalue cuts every element to [-clipvalue, clipvalue] (np.clip); no rescaling."
    if clipvalue is not None and recurrent.matches(
        returned, [np.minimum(g, clipvalue) for g in gradients]
    ):
        return "cut both ends: elements below -clipvalue become -clipvalue (np.clip does both)."
    if clipnorm is None and clipvalue is None:
        return "with neither setting the gradients come back unchanged."
    return None


def _jacobian_hint(case: Case, returned) -> str | None:
    states, recurrent_kernel = case.args
    expected = case.expected
    shape = np.shape(returned)
    if shape == (expected.shape[0], expected.shape[1] - 1):
        return "return T + 1 columns: k = 0 (the initial state) ... T (dh_T/dh_T = I, norm 1)."
    if shape != expected.shape:
        return None
    if recurrent.matches(returned, expected[:, ::-1]):
        return "column k is for h_k: column 0 is the farthest back, column T is dh_T/dh_T."
    n, steps, units = states.shape
    tanh_derivatives = 1 - states**2
    # name: (the diagonal of each factor, new factor on the left, matrix norm), and its hint
    variants = {
        "no tanh'": (
            (np.ones_like(states), False, 2),
            "each factor dh_t/dh_(t-1) is diag(1 - h_t^2) recurrent_kernel.T: the tanh' rows "
            "are missing.",
        ),
        "Frobenius": (
            (tanh_derivatives, False, "fro"),
            "use the spectral norm, np.linalg.norm(..., ord=2, axis=(1, 2)): the largest "
            "factor by which a gradient can grow.",
        ),
        "previous state": (
            (np.concatenate([np.ones_like(states[:, :1]), 1 - states[:, :-1] ** 2], axis=1),
             False, 2),
            "the factor dh_(k+1)/dh_k uses tanh' of h_(k+1) = states[:, k], not of "
            "states[:, k - 1].",
        ),
        "order": (
            (tanh_derivatives, True, 2),
            "the factors do not commute: dh_T/dh_k = dh_T/dh_(k+1) @ dh_(k+1)/dh_k, so "
            "multiply each new factor on the right.",
        ),
    }
    for (derivatives, on_left, norm), hint in variants.values():
        product = np.broadcast_to(np.eye(units), (n, units, units))
        norms = np.empty((n, steps))
        for k in reversed(range(steps)):
            step = derivatives[:, k, :, np.newaxis] * recurrent_kernel.T
            product = step @ product if on_left else product @ step
            norms[:, k] = np.linalg.norm(product, ord=norm, axis=(1, 2))
        # Column T is dh_T/dh_T = I whatever the mistake: compare the columns before it.
        if recurrent.matches(np.asarray(returned)[:, :-1], norms) and not recurrent.matches(
            norms, expected[:, :-1]
        ):
            return hint
    return None
