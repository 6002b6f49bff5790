"""Common mistakes of lab 04, backpropagation through time (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_STEP = '''
def rnn_step_backward(grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel):
    grad_pre = {pre}
    return {{
        "x_t": {x_t},
        "h_prev": {h_prev},
        "kernel": {kernel},
        "recurrent_kernel": {recurrent_kernel},
        "bias": {bias},
    }}
'''
_RIGHT = {
    "pre": "grad_h * (1.0 - h_next**2)",
    "x_t": "grad_pre @ kernel.T",
    "h_prev": "grad_pre @ recurrent_kernel.T",
    "kernel": "x_t.T @ grad_pre",
    "recurrent_kernel": "h_prev.T @ grad_pre",
    "bias": "grad_pre.sum(axis=0)",
}


def _step(**wrong):
    return _STEP.format(**(_RIGHT | wrong))


_BACKWARD = '''
def rnn_backward(grad_states, inputs, states, kernel, recurrent_kernel):
    n, timesteps, units = states.shape
    previous = np.concatenate([np.zeros((n, 1, units)), states[:, :-1]], axis=1)
    totals = {{"kernel": 0.0, "recurrent_kernel": 0.0, "bias": 0.0}}
    from_later = np.zeros((n, units))
    for t in {order}:
        step = rnn_step_backward({incoming}, states[:, t], inputs[:, t],
                                 {h_prev}, kernel, recurrent_kernel)
        for name in totals:
            totals[name] = {total}
        from_later = step["h_prev"]
    return totals
'''
_BACKWARD_RIGHT = {
    "order": "reversed(range(timesteps))",
    "incoming": "grad_states[:, t] + from_later",
    "h_prev": "previous[:, t]",
    "total": "totals[name] + step[name]",
}


def _backward(**wrong):
    return _BACKWARD.format(**(_BACKWARD_RIGHT | wrong))


_CLIP = '''
def clip_gradients(gradients, clipnorm=None, clipvalue=None):
    if clipnorm is not None:
        return {norm}
    if clipvalue is not None:
        return {value}
    return {neither}
'''
_CLIP_RIGHT = {
    "norm": "[g * (clipnorm / max(np.linalg.norm(g), clipnorm)) for g in gradients]",
    "value": "[np.clip(g, -clipvalue, clipvalue) for g in gradients]",
    "neither": "[np.array(g) for g in gradients]",
}


def _clip(**wrong):
    return _CLIP.format(**(_CLIP_RIGHT | wrong))


_JACOBIAN = '''
def jacobian_norms(states, recurrent_kernel):
    n, timesteps, units = states.shape
    norms = np.empty((n, timesteps + 1))
    product = np.broadcast_to(np.eye(units), (n, units, units))
    norms[:, timesteps] = 1.0
    for k in reversed(range(timesteps)):
        factor = {factor}
        product = {product}
        norms[:, k] = np.linalg.norm(product, ord={ord}, axis=(1, 2))
    return {result}
'''
_JACOBIAN_RIGHT = {
    "factor": "(1.0 - states[:, k, :, np.newaxis] ** 2) * recurrent_kernel.T",
    "product": "product @ factor",
    "ord": "2",
    "result": "norms",
}


def _jacobian(**wrong):
    return _JACOBIAN.format(**(_JACOBIAN_RIGHT | wrong))


MISTAKES = {
    "q1": [
        Mistake("tanh' forgotten", _step(pre="grad_h"), "multiply grad_h by tanh'"),
        Mistake("tanh' of h_prev", _step(pre="grad_h * (1.0 - h_prev**2)"), "not h_prev"),
        Mistake("second tanh", _step(pre="grad_h * (1.0 - np.tanh(h_next)**2)"),
                "with no second tanh"),
        Mistake("sigmoid derivative", _step(pre="grad_h * h_next * (1.0 - h_next)"),
                "derivative of the sigmoid"),
        Mistake("recurrent kernel not transposed", _step(h_prev="grad_pre @ recurrent_kernel"),
                "recurrent_kernel transposed"),
        Mistake("kernel gradient transposed", _step(kernel="grad_pre.T @ x_t"),
                "gradient has the shape of what it differentiates"),
        Mistake("bias gradient not summed", _step(bias="grad_pre"), "summed over the batch"),
        Mistake("bias gradient averaged", _step(bias="grad_pre.mean(axis=0)"),
                "sum over the batch, not the mean"),
        Mistake("recurrent gradient from x_t", _step(recurrent_kernel="x_t.T @ grad_pre"),
                "gradient has the shape of what it differentiates"),
    ],
    "q2": [
        Mistake("gradient from later steps dropped", _backward(incoming="grad_states[:, t]"),
                "coming back from the step after it"),
        Mistake("own output as h_prev", _backward(h_prev="states[:, t]"),
                "previous state of step t is states[:, t - 1]"),
        Mistake("last step only", _backward(total="step[name]"),
                "add up their gradients over all steps"),
        Mistake("walked forward", _backward(order="range(timesteps)"),
                "walk the steps backward"),
        Mistake("carry added twice", _backward(incoming="grad_states[:, t] + 2 * from_later"),
                "add it once"),
    ],
    "q3": [
        Mistake("global clipnorm", _clip(norm="""[g * (clipnorm / max(np.sqrt(sum(np.sum(x**2)
                for x in gradients)), clipnorm)) for g in gradients]"""),
                "that is global_clipnorm"),
        Mistake("always rescaled", _clip(norm="[g * clipnorm / np.linalg.norm(g) for g in gradients]"),
                "already at most clipnorm unchanged"),
        Mistake("clipvalue rescales", _clip(
            value="[g * (clipvalue / max(np.linalg.norm(g), clipvalue)) for g in gradients]"),
                "no rescaling"),
        Mistake("neither returns None", _clip(neither="None"), "come back unchanged"),
        Mistake("clipvalue only on the top", _clip(
            value="[np.minimum(g, clipvalue) for g in gradients]"), "cut both ends"),
    ],
    "q4": [
        Mistake("tanh' missing", _jacobian(factor="np.broadcast_to(recurrent_kernel.T, (n, units, units))"),
                "tanh' rows are missing"),
        Mistake("Frobenius norm", _jacobian(ord="'fro'"), "use the spectral norm"),
        Mistake("factors on the left", _jacobian(product="factor @ product"),
                "multiply each new factor on the right"),
        Mistake("columns reversed", _jacobian(result="norms[:, ::-1]"), "column 0 is the farthest back"),
        Mistake("column T left out", _jacobian(result="norms[:, :-1]"), "return T + 1 columns"),
        Mistake("factor from the previous state", _jacobian(
            factor="(1.0 - (states[:, k - 1, :, np.newaxis] if k else 0.0) ** 2) * recurrent_kernel.T"),
                "h_(k+1) = states[:, k], not"),
    ],
}

VARIANTS = {
    "q1": [Variant("np.dot and einsum", """
        def rnn_step_backward(grad_h, h_next, x_t, h_prev, kernel, recurrent_kernel):
            d = grad_h - grad_h * h_next * h_next
            return {"bias": d.sum(0), "kernel": np.einsum("nm,nu->mu", x_t, d),
                    "recurrent_kernel": np.dot(h_prev.T, d), "x_t": np.dot(d, kernel.T),
                    "h_prev": d.dot(recurrent_kernel.T)}
        """)],
    "q2": [Variant("gradients of arrays, step by step", """
        def rnn_backward(grad_states, inputs, states, kernel, recurrent_kernel):
            n, T, u = states.shape
            grads = {"kernel": np.zeros_like(kernel), "recurrent_kernel": np.zeros_like(recurrent_kernel),
                     "bias": np.zeros(u)}
            carried = np.zeros((n, u))
            for t in range(T - 1, -1, -1):
                h_prev = states[:, t - 1] if t > 0 else np.zeros((n, u))
                g = rnn_step_backward(grad_states[:, t] + carried, states[:, t], inputs[:, t], h_prev,
                                      kernel, recurrent_kernel)
                for key in grads:
                    grads[key] += g[key]
                carried = g["h_prev"]
            return grads
        """)],
    "q3": [Variant("a loop with an if", """
        def clip_gradients(gradients, clipnorm=None, clipvalue=None):
            out = []
            for g in gradients:
                g = np.array(g, dtype=float)
                if clipnorm is not None:
                    norm = np.sqrt((g ** 2).sum())
                    if norm > clipnorm:
                        g = g * clipnorm / norm
                elif clipvalue is not None:
                    g = np.minimum(np.maximum(g, -clipvalue), clipvalue)
                out.append(g)
            return out
        """)],
    "q4": [Variant("one sequence at a time", """
        def jacobian_norms(states, recurrent_kernel):
            n, T, u = states.shape
            out = np.ones((n, T + 1))
            for i in range(n):
                J = np.eye(u)
                for k in range(T - 1, -1, -1):
                    J = J @ (np.diag(1 - states[i, k] ** 2) @ recurrent_kernel.T)
                    out[i, k] = np.linalg.norm(J, 2)
            return out
        """)],
}
