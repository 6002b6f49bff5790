"""Common mistakes of lab 06, the GRU (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_CELL = '''
def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
    x_z, x_r, x_h = {x_split}
    h_z, h_r, h_h = {h_split}
    z = sigmoid(x_z + h_z)
    r = sigmoid(x_r + h_r)
    candidate = {candidate}
    return {mix}
'''
_RIGHT = {
    "x_split": "np.split(x_t @ kernel + bias[0], 3, axis=1)",
    "h_split": "np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1)",
    "candidate": "np.tanh(x_h + r * h_h)",
    "mix": "z * h_prev + (1 - z) * candidate",
}


def _cell(**wrong):
    return _CELL.format(**(_RIGHT | wrong))


_COUNT = "def gru_parameter_count(units, features, reset_after=True):\n    return {}\n"

_FORWARD = '''
def gru_forward(inputs, kernel, recurrent_kernel, bias):
    n, steps, _ = inputs.shape
    h = np.zeros((n, recurrent_kernel.shape[0]))
    outputs = []
    for t in range(steps):
        {step}
        outputs.append(h)
    return {result}
'''
_FORWARD_RIGHT = {
    "step": "h = gru_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)",
    "result": "np.stack(outputs, axis=1), h",
}


def _forward(**wrong):
    return _FORWARD.format(**(_FORWARD_RIGHT | wrong))


def _builder(layer_expression, *, check="", compile_it=False, last='keras.layers.Dense(classes, activation="softmax")'):
    compiled = "\n    model.compile(optimizer='adam', loss='categorical_crossentropy')" if compile_it else ""
    check = check or '''if layer not in layers:
        raise ValueError(f"unknown layer {layer!r}; choose one of {', '.join(layers)}")'''
    return f'''
def build_recurrent_classifier(layer, timesteps, features, units, classes):
    layers = {{"SimpleRNN": keras.layers.SimpleRNN, "LSTM": keras.layers.LSTM, "GRU": keras.layers.GRU}}
    {check}
    model = keras.Sequential([
        keras.Input(shape=(timesteps, features)),
        {layer_expression},
        {last},
    ]){compiled}
    return model
'''


MISTAKES = {
    "q1": [
        Mistake("z and 1 - z swapped", _cell(mix="(1 - z) * h_prev + z * candidate"),
                "z keeps the old state"),
        Mistake("blocks read as r, z, h", _cell(
            x_split="(lambda b: (b[1], b[0], b[2]))(np.split(x_t @ kernel + bias[0], 3, axis=1))",
            h_split="(lambda b: (b[1], b[0], b[2]))(np.split(h_prev @ recurrent_kernel + bias[1], 3, axis=1))"),
                "blocks of the weights as r, z, h"),
        Mistake("bias rows swapped", _cell(x_split="np.split(x_t @ kernel + bias[1], 3, axis=1)",
                                           h_split="np.split(h_prev @ recurrent_kernel + bias[0], 3, axis=1)"),
                "you swapped them"),
        Mistake("recurrent bias forgotten", _cell(h_split="np.split(h_prev @ recurrent_kernel, 3, axis=1)"),
                "add the recurrent bias too"),
        Mistake("reset before the product (reset_after=False)", _cell(
            candidate="np.tanh(x_h + (r * h_prev) @ recurrent_kernel[:, 2 * h_prev.shape[1]:] + bias[1][2 * h_prev.shape[1]:])"),
                "reset_after=False candidate"),
        Mistake("reset gate forgotten", _cell(candidate="np.tanh(x_h + h_h)"), "by the reset gate"),
        Mistake("sigmoid candidate", _cell(candidate="sigmoid(x_h + r * h_h)"), "candidate is a tanh"),
        Mistake("kernel @ x_t", _cell(
            x_split="np.split(kernel @ x_t + bias[0], 3, axis=1)"),
                "not kernel @ x_t"),
        Mistake("the whole bias added to both", _cell(
            x_split="np.split(x_t @ kernel + bias.sum(axis=0), 3, axis=1)",
            h_split="np.split(h_prev @ recurrent_kernel, 3, axis=1)"),
                "both bias rows on the input side"),
    ],
    "q2": [
        Mistake("one bias row always", _COUNT.format("3 * units * (units + features + 1)"),
                "the bias has two rows"),
        Mistake("an LSTM's count", _COUNT.format("4 * units * (units + features + 1)"),
                "a GRU has three blocks"),
        Mistake("two bias rows always", _COUNT.format("3 * units * (units + features + 2)"),
                "single bias row"),
        Mistake("no recurrent weights", _COUNT.format("3 * units * (features + (2 if reset_after else 1))"),
                "(u, 3u) matrix"),
        Mistake("a NumPy integer", _COUNT.format("np.int64(3 * units * (units + features + (2 if reset_after else 1)))"),
                "a Python int"),
    ],
    "q3": [
        Mistake("state not carried", _forward(
            step="h = gru_cell_forward(inputs[:, t], np.zeros_like(h), kernel, recurrent_kernel, bias)"),
                "carry the state"),
        Mistake("time-major stack", _forward(result="np.stack(outputs), h"), "along axis 1"),
        Mistake("inputs[t] indexes the batch", _forward(
            step="h = gru_cell_forward(inputs[t], h, kernel, recurrent_kernel, bias)"), "inputs[:, t]"),
        Mistake("outputs only", _forward(result="np.stack(outputs, axis=1)"), "return the tuple"),
        Mistake("h_T from the first step", _forward(result="np.stack(outputs, axis=1), outputs[0]"),
                "same as outputs[:, -1]"),
    ],
    "q4": [
        Mistake("no ValueError", _builder("layers.get(layer, keras.layers.GRU)(units)", check="pass"),
                "raise a ValueError (and"),
        Mistake("ValueError without the names", _builder(
            "layers[layer](units)", check='''if layer not in layers:
        raise ValueError("unknown layer")'''), "name the three valid layers"),
        Mistake("KeyError", _builder("layers[layer](units)", check="pass"), "must not end in a KeyError"),
        Mistake("return_sequences=True", _builder("layers[layer](units, return_sequences=True)"),
                "leave return_sequences at False"),
        Mistake("no softmax", _builder("layers[layer](units)", last="keras.layers.Dense(classes)"),
                "activation='softmax'"),
        Mistake("compiled", _builder("layers[layer](units)", compile_it=True), "not compiled"),
        Mistake("go_backwards", _builder("layers[layer](units, go_backwards=True)"), "go_backwards"),
        Mistake("always a GRU", _builder("keras.layers.GRU(units)"), "exactly these layers"),
    ],
}

VARIANTS = {
    "q1": [Variant("slices and explicit names", """
        def gru_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
            u = h_prev.shape[1]
            xs = x_t @ kernel + bias[0]
            hs = h_prev @ recurrent_kernel + bias[1]
            update = 1 / (1 + np.exp(-(xs[:, :u] + hs[:, :u])))
            reset = 1 / (1 + np.exp(-(xs[:, u:2*u] + hs[:, u:2*u])))
            cand = np.tanh(xs[:, 2*u:] + reset * hs[:, 2*u:])
            return cand + update * (h_prev - cand)
        """)],
    "q2": [Variant("explicit shapes", """
        def gru_parameter_count(units, features, reset_after=True):
            kernel = features * 3 * units
            recurrent = units * 3 * units
            bias = (2 if reset_after else 1) * 3 * units
            return kernel + recurrent + bias
        """)],
    "q3": [Variant("preallocated", """
        def gru_forward(inputs, kernel, recurrent_kernel, bias):
            n, T, _ = inputs.shape
            state = np.zeros((n, kernel.shape[1] // 3))
            seq = np.empty((n, T, state.shape[1]))
            for t in range(T):
                state = gru_cell_forward(inputs[:, t, :], state, kernel, recurrent_kernel, bias)
                seq[:, t] = state
            return seq, state
        """)],
    "q4": [Variant("getattr and functional", """
        def build_recurrent_classifier(layer, timesteps, features, units, classes):
            if layer not in ("SimpleRNN", "LSTM", "GRU"):
                raise ValueError("layer must be SimpleRNN, LSTM or GRU")
            x = keras.Input(shape=(timesteps, features))
            h = getattr(keras.layers, layer)(units)(x)
            return keras.Model(x, keras.layers.Dense(classes, activation="softmax")(h))
        """)],
}
