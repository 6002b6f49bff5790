"""Common mistakes of lab 03, the simple RNN (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_CELL = "def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):\n    return {}\n"

MISTAKES = {
    "q1": [
        Mistake("no tanh", _CELL.format("x_t @ kernel + h_prev @ recurrent_kernel + bias"),
                "apply np.tanh"),
        Mistake("sigmoid", _CELL.format(
            "1 / (1 + np.exp(-(x_t @ kernel + h_prev @ recurrent_kernel + bias)))"),
            "that is sigmoid"),
        Mistake("ReLU", _CELL.format(
            "np.maximum(0, x_t @ kernel + h_prev @ recurrent_kernel + bias)"), "that is ReLU"),
        Mistake("transposed recurrent kernel", _CELL.format(
            "np.tanh(x_t @ kernel + h_prev @ recurrent_kernel.T + bias)"),
            "recurrent_kernel is used transposed"),
        Mistake("transposed kernel", _CELL.format(
            "np.tanh(x_t @ kernel.T + h_prev @ recurrent_kernel + bias)"),
            "not kernel @ x_t"),
        Mistake("bias outside the tanh", _CELL.format(
            "np.tanh(x_t @ kernel + h_prev @ recurrent_kernel) + bias"),
            "bias is added outside the tanh"),
        Mistake("recurrent term forgotten", _CELL.format("np.tanh(x_t @ kernel + bias)"),
                "check the recurrent term"),
        Mistake("float32", _CELL.format(
            "np.tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias).astype(np.float32)"),
            "float64"),
        Mistake("the two weight matrices swapped", _CELL.format(
            "np.tanh(x_t @ recurrent_kernel + h_prev @ kernel + bias)"),
            "not kernel @ x_t"),
    ],
    "q2": [
        Mistake("state not carried", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h0 = np.zeros((n, recurrent_kernel.shape[0]))
                outputs = [rnn_cell_forward(inputs[:, t], h0, kernel, recurrent_kernel, bias)
                           for t in range(timesteps)]
                return np.stack(outputs, axis=1), outputs[-1]
            """, "carry the state"),
        Mistake("time-major stack", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.zeros((n, recurrent_kernel.shape[0]))
                outputs = []
                for t in range(timesteps):
                    h = rnn_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)
                    outputs.append(h)
                return np.stack(outputs), h
            """, "along axis 1"),
        Mistake("inputs[t] indexes the batch", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.zeros((n, recurrent_kernel.shape[0]))
                outputs = []
                for t in range(timesteps):
                    h = rnn_cell_forward(inputs[t], h, kernel, recurrent_kernel, bias)
                    outputs.append(h)
                return np.stack(outputs, axis=1), h
            """, "inputs[:, t]"),
        Mistake("only the last state", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.zeros((n, recurrent_kernel.shape[0]))
                for t in range(timesteps):
                    h = rnn_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)
                return h, h
            """, "not (n, u)"),
        Mistake("h_0 of ones", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.ones((n, recurrent_kernel.shape[0]))
                outputs = []
                for t in range(timesteps):
                    h = rnn_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)
                    outputs.append(h)
                return np.stack(outputs, axis=1), h
            """, "start from zeros"),
        Mistake("h_T is the first state", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.zeros((n, recurrent_kernel.shape[0]))
                outputs = []
                for t in range(timesteps):
                    h = rnn_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)
                    outputs.append(h)
                return np.stack(outputs, axis=1), outputs[0]
            """, "same as outputs[:, -1]"),
        Mistake("state recorded before the step", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.zeros((n, recurrent_kernel.shape[0]))
                outputs = []
                for t in range(timesteps):
                    outputs.append(h)
                    h = rnn_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)
                return np.stack(outputs, axis=1), h
            """, "one step late"),
        Mistake("a list instead of the tuple", """
            def rnn_forward(inputs, kernel, recurrent_kernel, bias):
                n, timesteps, _ = inputs.shape
                h = np.zeros((n, recurrent_kernel.shape[0]))
                outputs = []
                for t in range(timesteps):
                    h = rnn_cell_forward(inputs[:, t], h, kernel, recurrent_kernel, bias)
                    outputs.append(h)
                return [np.stack(outputs, axis=1), h]
            """, "a tuple, not a list"),
    ],
    "q3": [
        Mistake("no bias", """
            def rnn_parameter_count(units, features):
                return units * (units + features)
            """, "one bias"),
        Mistake("no recurrent weights", """
            def rnn_parameter_count(units, features):
                return units * (features + 1)
            """, "u recurrent weights"),
        Mistake("arguments swapped", """
            def rnn_parameter_count(units, features):
                return features * (features + units + 1)
            """, "(units, features), in that order"),
        Mistake("one unit", """
            def rnn_parameter_count(units, features):
                return units + features + 1
            """, "a layer has u of them"),
        Mistake("built a layer", """
            def rnn_parameter_count(units, features):
                model = keras.Sequential([keras.Input((None, features)), keras.layers.SimpleRNN(units)])
                return model.count_params()
            """, "from the shapes"),
        Mistake("a float", """
            def rnn_parameter_count(units, features):
                return units * (units + features + 1) * 1.0
            """, "expected the integer"),
    ],
    "q4": [
        Mistake("last state only", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(None, features)),
                    keras.layers.SimpleRNN(units),
                    keras.layers.Dense(classes, activation="softmax"),
                ])
            """, "return_sequences=True"),
        Mistake("fixed length", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(40, features)),
                    keras.layers.SimpleRNN(units, return_sequences=True),
                    keras.layers.Dense(classes, activation="softmax"),
                ])
            """, "any length"),
        Mistake("no softmax", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(None, features)),
                    keras.layers.SimpleRNN(units, return_sequences=True),
                    keras.layers.Dense(classes),
                ])
            """, "activation='softmax'"),
        Mistake("ReLU recurrence", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(None, features)),
                    keras.layers.SimpleRNN(units, activation="relu", return_sequences=True),
                    keras.layers.Dense(classes, activation="softmax"),
                ])
            """, "activation 'relu'"),
        Mistake("reads backwards", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(None, features)),
                    keras.layers.SimpleRNN(units, return_sequences=True, go_backwards=True),
                    keras.layers.Dense(classes, activation="softmax"),
                ])
            """, "go_backwards"),
        Mistake("an LSTM", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(None, features)),
                    keras.layers.LSTM(units, return_sequences=True),
                    keras.layers.Dense(classes, activation="softmax"),
                ])
            """, "exactly these layers"),
        Mistake("Input without the batch", """
            def build_tagger(features, units, classes):
                return keras.Sequential([
                    keras.Input(shape=(None, None, features)),
                    keras.layers.SimpleRNN(units, return_sequences=True),
                    keras.layers.Dense(classes, activation="softmax"),
                ])
            """, "leaves out the batch"),
    ],
    "q5": [
        Mistake("Keras's layout", """
            def deck_weights(kernel, recurrent_kernel, bias):
                W = np.concatenate([recurrent_kernel, kernel])
                return W, bias
            """, "Keras's row-vector layout"),
        Mistake("W_ax before W_aa", """
            def deck_weights(kernel, recurrent_kernel, bias):
                W_aa, W_ax = recurrent_kernel.T, kernel.T
                return np.concatenate([W_ax, W_aa], axis=1), bias
            """, "the state's block comes first"),
        Mistake("W_aa not transposed", """
            def deck_weights(kernel, recurrent_kernel, bias):
                W_aa, W_ax = recurrent_kernel, kernel.T
                return np.concatenate([W_aa, W_ax], axis=1), bias
            """, "W_aa is recurrent_kernel transposed"),
        Mistake("W_ax not transposed", """
            def deck_weights(kernel, recurrent_kernel, bias):
                W_aa, W_ax = recurrent_kernel.T, kernel
                return np.concatenate([W_aa, W_ax], axis=1), bias
            """, "W_ax is kernel.T"),
        Mistake("b_a as a column", """
            def deck_weights(kernel, recurrent_kernel, bias):
                W = np.concatenate([recurrent_kernel.T, kernel.T], axis=1)
                return W, bias.reshape(-1, 1)
            """, "b_a stays a vector"),
        Mistake("a list instead of the tuple", """
            def deck_weights(kernel, recurrent_kernel, bias):
                return [np.hstack([recurrent_kernel.T, kernel.T]), bias]
            """, "a tuple, not a list"),
    ],
}

VARIANTS = {
    "q1": [Variant("np.dot and names", """
        def rnn_cell_forward(x_t, h_prev, kernel, recurrent_kernel, bias):
            pre = np.dot(x_t, kernel) + np.dot(h_prev, recurrent_kernel)
            pre = pre + bias[np.newaxis, :]
            return np.tanh(pre)
        """)],
    "q2": [Variant("preallocated outputs", """
        def rnn_forward(inputs, kernel, recurrent_kernel, bias):
            batch, steps, _ = inputs.shape
            units = kernel.shape[1]
            outputs = np.zeros((batch, steps, units))
            state = np.zeros((batch, units))
            for step in range(steps):
                state = rnn_cell_forward(inputs[:, step, :], state, kernel, recurrent_kernel, bias)
                outputs[:, step, :] = state
            return outputs, state
        """)],
    "q3": [Variant("three arrays", """
        def rnn_parameter_count(units, features):
            kernel, recurrent, bias = features * units, units * units, units
            return kernel + recurrent + bias
        """)],
    "q4": [Variant("functional", """
        def build_tagger(features, units, classes):
            inputs = keras.Input(shape=(None, features))
            states = keras.layers.SimpleRNN(units, return_sequences=True)(inputs)
            return keras.Model(inputs, keras.layers.Dense(classes, activation="softmax")(states))
        """)],
    "q5": [
        Variant("Keras's stack transposed", """
            def deck_weights(kernel, recurrent_kernel, bias):
                return np.vstack([recurrent_kernel, kernel]).T, bias.copy()
            """),
        Variant("np.block", """
            def deck_weights(kernel, recurrent_kernel, bias):
                W_aa = recurrent_kernel.T
                W_ax = kernel.T
                b_a = bias
                return (np.block([W_aa, W_ax]), b_a)
            """),
    ],
}
