"""Common mistakes of lab 05, the LSTM (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_CELL = '''
def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
    z = {z}
    z_i, z_f, z_c, z_o = {split}
    c_next = {c_next}
    h_next = {h_next}
    return {result}
'''
_RIGHT = {
    "z": "x_t @ kernel + h_prev @ recurrent_kernel + bias",
    "split": "np.split(z, 4, axis=1)",
    "c_next": "sigmoid(z_f) * c_prev + sigmoid(z_i) * np.tanh(z_c)",
    "h_next": "sigmoid(z_o) * np.tanh(c_next)",
    "result": "h_next, c_next",
}


def _cell(**wrong):
    return _CELL.format(**(_RIGHT | wrong))


_FORWARD = '''
def lstm_forward(inputs, kernel, recurrent_kernel, bias):
    n, steps, _ = inputs.shape
    units = recurrent_kernel.shape[0]
    h = c = np.zeros((n, units))
    outputs = []
    for t in range(steps):
        {step}
        outputs.append({kept})
    return {result}
'''
_FORWARD_RIGHT = {
    "step": "h, c = lstm_cell_forward(inputs[:, t], h, c, kernel, recurrent_kernel, bias)",
    "kept": "h",
    "result": "np.stack(outputs, axis=1), h, c",
}


def _forward(**wrong):
    return _FORWARD.format(**(_FORWARD_RIGHT | wrong))


_STACK = '''
def stack_lstm_weights(gates):
{body}
'''


def _model(*layers, compile_it=False):
    listed = ",\n                ".join(layers)
    tail = "\n    model.compile(optimizer='adam', loss='categorical_crossentropy')" if compile_it else ""
    return f'''
def build_lstm_classifier(timesteps, features, units, classes):
    model = keras.Sequential([
                {listed},
            ])''' + tail + "\n    return model\n"


_INPUT = "keras.Input(shape=(timesteps, features))"
_DENSE = 'keras.layers.Dense(classes, activation="softmax")'

_GRADIENT = '''
def gradient_by_distance(kind, weights, inputs):
    layer = recurrent_layer(kind, weights)
    inputs = tf.constant(inputs)
    with tf.GradientTape() as tape:
        {watch}
        y = {y}
    gradient = tape.gradient(y, inputs){numpy}
    return {result}
'''
_GRADIENT_RIGHT = {
    "watch": "tape.watch(inputs)",
    "y": "tf.reduce_sum(layer(inputs))",
    "numpy": ".numpy()",
    "result": "np.linalg.norm(gradient, axis=(0, 2))[::-1].astype(np.float64)",
}


def _gradient(**wrong):
    return _GRADIENT.format(**(_GRADIENT_RIGHT | wrong))


MISTAKES = {
    "q1": [
        Mistake("recurrent term uses c_prev", _cell(z="x_t @ kernel + c_prev @ recurrent_kernel + bias"),
                "reads h_prev, not c_prev"),
        Mistake("gates in order i, f, o, c", _cell(split="(lambda b: (b[0], b[1], b[3], b[2]))(np.split(z, 4, axis=1))"),
                "as the gates i, f, o, c"),
        Mistake("gates in order f, i, c, o", _cell(split="(lambda b: (b[1], b[0], b[2], b[3]))(np.split(z, 4, axis=1))"),
                "as the gates f, i, c, o"),
        Mistake("split on the wrong axis", _cell(split="np.split(z.reshape(-1, z.shape[1] // 4, 4), 4, axis=2)"),
                "interleaved"),
        Mistake("interleaved reshape", _cell(
            split="np.moveaxis(z.reshape(len(z), -1, 4), 2, 0)"), "interleaved"),
        Mistake("split on axis 0", _cell(split="np.split(z.T, 4, axis=0)"), "along axis 0"),
        Mistake("(c, h) returned", _cell(result="c_next, h_next"), "return the hidden state first"),
        Mistake("h without tanh of c", _cell(h_next="sigmoid(z_o) * c_next"), "o * tanh(c_next)"),
        Mistake("forget term forgotten", _cell(c_next="sigmoid(z_i) * np.tanh(z_c)"),
                "forget term f * c_prev"),
        Mistake("sigmoid candidate", _cell(c_next="sigmoid(z_f) * c_prev + sigmoid(z_i) * sigmoid(z_c)"),
                "candidate is tanh(z_c)"),
        Mistake("transposed kernel", _cell(z="x_t @ kernel.T + h_prev @ recurrent_kernel + bias"),
                "not kernel @ x_t"),
        Mistake("bias forgotten", _cell(z="x_t @ kernel + h_prev @ recurrent_kernel"),
                "bias is added to every gate"),
    ],
    "q2": [
        Mistake("c stored instead of h", _forward(kept="c"), "not the cell state c"),
        Mistake("state not carried", _forward(
            step="h, _ = lstm_cell_forward(inputs[:, t], np.zeros((n, units)), np.zeros((n, units)), kernel, recurrent_kernel, bias)\n        c = _"),
                "carry the state"),
        Mistake("c not carried", _forward(
            step="h, c = lstm_cell_forward(inputs[:, t], h, np.zeros((n, units)), kernel, recurrent_kernel, bias)"),
                "carry c from step to step"),
        Mistake("inputs[t] indexes the batch", _forward(
            step="h, c = lstm_cell_forward(inputs[t], h, c, kernel, recurrent_kernel, bias)"),
                "inputs[:, t]"),
        Mistake("time-major stack", _forward(result="np.stack(outputs), h, c"), "along axis 1"),
        Mistake("(outputs, c_T, h_T)", _forward(result="np.stack(outputs, axis=1), c, h"),
                "the hidden state second"),
        Mistake("a list instead of the tuple", _forward(result="[np.stack(outputs, axis=1), h, c]"),
                "a tuple, not a list"),
    ],
    "q3": [
        Mistake("a SimpleRNN's count", """
            def lstm_parameter_count(units, features):
                return units * (units + features + 1)
            """, "an LSTM has four gates"),
        Mistake("no biases", """
            def lstm_parameter_count(units, features):
                return 4 * units * (units + features)
            """, "also has u biases"),
        Mistake("no recurrent weights", """
            def lstm_parameter_count(units, features):
                return 4 * units * (features + 1)
            """, "(u, u) recurrent matrix"),
        Mistake("a NumPy integer", """
            def lstm_parameter_count(units, features):
                return np.int64(4 * units * (units + features + 1))
            """, "a Python int"),
        Mistake("built a layer", """
            def lstm_parameter_count(units, features):
                layer = keras.layers.LSTM(units)
                layer.build((None, None, features))
                return layer.count_params()
            """, "from the shapes"),
    ],
    "q4": [
        Mistake("dict order", _STACK.format(body="""
    return [np.concatenate([weights[k] for weights in gates.values()], axis=-1) for k in range(3)]"""),
                "the order the dict lists them"),
        Mistake("gate order i, f, o, c", _STACK.format(body="""
    order = ["input", "forget", "output", "candidate"]
    return [np.concatenate([gates[g][k] for g in order], axis=-1) for k in range(3)]"""),
                "input, forget, output, candidate"),
        Mistake("stacked on axis 0", _STACK.format(body="""
    order = ["input", "forget", "candidate", "output"]
    return [np.concatenate([gates[g][k] for g in order], axis=0) for k in range(3)]"""),
                "side by side along the last axis"),
        Mistake("np.stack", _STACK.format(body="""
    order = ["input", "forget", "candidate", "output"]
    return [np.stack([gates[g][k] for g in order]) for k in range(3)]"""),
                "side by side along the last axis"),
        Mistake("tuple returned", _STACK.format(body="""
    order = ["input", "forget", "candidate", "output"]
    return tuple(np.concatenate([gates[g][k] for g in order], axis=-1) for k in range(3))"""),
                "return a list, not a tuple"),
        Mistake("bias stacked as rows", _STACK.format(body="""
    order = ["input", "forget", "candidate", "output"]
    kernel, recurrent = (np.concatenate([gates[g][k] for g in order], axis=-1) for k in range(2))
    return [kernel, recurrent, np.stack([gates[g][2] for g in order])]"""),
                "one vector of 4u"),
    ],
    "q5": [
        Mistake("return_sequences=True", _model(_INPUT, "keras.layers.LSTM(units, return_sequences=True)", _DENSE),
                "leave return_sequences at False"),
        Mistake("no softmax", _model(_INPUT, "keras.layers.LSTM(units)", "keras.layers.Dense(classes)"),
                "activation='softmax'"),
        Mistake("compiled", _model(_INPUT, "keras.layers.LSTM(units)", _DENSE, compile_it=True),
                "not compiled"),
        Mistake("go_backwards", _model(_INPUT, "keras.layers.LSTM(units, go_backwards=True)", _DENSE),
                "go_backwards"),
        Mistake("unit_forget_bias=False", _model(_INPUT, "keras.layers.LSTM(units, unit_forget_bias=False)", _DENSE),
                "unit_forget_bias"),
        Mistake("a GRU", _model(_INPUT, "keras.layers.GRU(units)", _DENSE), "exactly these layers"),
        Mistake("Input((None, features))", _model("keras.Input(shape=(None, features))",
                                                   "keras.layers.LSTM(units)", _DENSE),
                "shape=(timesteps, features)"),
        Mistake("relu LSTM", _model(_INPUT, "keras.layers.LSTM(units, activation='relu')", _DENSE),
                "activation 'relu'"),
    ],
    "q6": [
        Mistake("by step, not by distance", _gradient(
            result="np.linalg.norm(gradient, axis=(0, 2)).astype(np.float64)"), "reverse the steps"),
        Mistake("mean of h_T", _gradient(y="tf.reduce_mean(layer(inputs))"), "not their mean"),
        Mistake("signed sum", _gradient(result="gradient.sum(axis=(0, 2))[::-1].astype(np.float64)"),
                "a norm, not a sum"),
        Mistake("norm per sequence", _gradient(result="np.linalg.norm(gradient, axis=2)[:, ::-1].astype(np.float64)"),
                "over the batch and the features together"),
        Mistake("squared norm", _gradient(result="(gradient ** 2).sum(axis=(0, 2))[::-1].astype(np.float64)"),
                "squared norm"),
        Mistake("L1 norm", _gradient(result="np.abs(gradient).sum(axis=(0, 2))[::-1].astype(np.float64)"),
                "Euclidean"),
        Mistake("float32", _gradient(result="np.linalg.norm(gradient, axis=(0, 2))[::-1].astype(np.float32)"),
                ".astype(np.float64)"),
        Mistake("a tensor", _gradient(numpy="", result="tf.norm(gradient, axis=(0, 2))[::-1]"),
                "not a tensor"),
        Mistake("inputs not watched", _gradient(watch="pass"), "tape.watch"),
    ],
}

VARIANTS = {
    "q1": [Variant("slices instead of np.split", """
        def lstm_cell_forward(x_t, h_prev, c_prev, kernel, recurrent_kernel, bias):
            u = h_prev.shape[1]
            z = np.dot(x_t, kernel) + np.dot(h_prev, recurrent_kernel) + bias
            i = 1 / (1 + np.exp(-z[:, :u]))
            f = 1 / (1 + np.exp(-z[:, u:2 * u]))
            g = np.tanh(z[:, 2 * u:3 * u])
            o = 1 / (1 + np.exp(-z[:, 3 * u:]))
            c = f * c_prev + i * g
            return o * np.tanh(c), c
        """)],
    "q2": [Variant("preallocated", """
        def lstm_forward(inputs, kernel, recurrent_kernel, bias):
            n, T, _ = inputs.shape
            u = recurrent_kernel.shape[0]
            out = np.zeros((n, T, u))
            h, c = np.zeros((n, u)), np.zeros((n, u))
            for t in range(T):
                h, c = lstm_cell_forward(inputs[:, t, :], h, c, kernel, recurrent_kernel, bias)
                out[:, t] = h
            return (out, h, c)
        """)],
    "q3": [Variant("int() of a product", """
        def lstm_parameter_count(units, features):
            per_gate = units * features + units * units + units
            return int(4 * per_gate)
        """)],
    "q4": [Variant("hstack by name", """
        def stack_lstm_weights(gates):
            names = ("input", "forget", "candidate", "output")
            kernel = np.hstack([gates[n][0] for n in names])
            recurrent = np.hstack([gates[n][1] for n in names])
            bias = np.concatenate([gates[n][2] for n in names])
            return [kernel, recurrent, bias]
        """)],
    "q5": [Variant("functional", """
        def build_lstm_classifier(timesteps, features, units, classes):
            x = keras.Input(shape=(timesteps, features))
            y = keras.layers.Dense(classes, activation="softmax")(keras.layers.LSTM(units)(x))
            return keras.Model(x, y)
        """)],
    "q6": [
        Variant("float32 tensor, sum of squares", """
            def gradient_by_distance(kind, weights, inputs):
                layer = recurrent_layer(kind, weights)
                x = tf.convert_to_tensor(inputs, dtype=tf.float32)
                with tf.GradientTape() as tape:
                    tape.watch(x)
                    h_T = layer(x)
                    total = tf.reduce_sum(h_T)
                g = tape.gradient(total, x).numpy().astype(np.float64)
                per_step = np.sqrt((g ** 2).sum(axis=2).sum(axis=0))
                return np.flip(per_step)
            """),
        Variant("a loop over distances", """
            def gradient_by_distance(kind, weights, inputs):
                layer = recurrent_layer(kind, weights)
                x = tf.Variable(inputs)
                with tf.GradientTape() as tape:
                    y = keras.ops.sum(layer(x))
                g = tape.gradient(y, x).numpy()
                T = inputs.shape[1]
                return np.array([np.linalg.norm(g[:, T - 1 - d, :]) for d in range(T)], dtype=float)
            """),
    ],
}
