"""Common mistakes of lab 11, sequence to sequence (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_TEACHER = "def decoder_inputs(targets, start_id):\n    return {}\n"


def _model(*, encoder_embedding="mask_zero=True, ", encoder="return_state=True, ",
           decoder="return_sequences=True, return_state=True, ", initial="initial_state=[state_h, state_c]",
           activation="softmax", inputs="[problem, answer_so_far]"):
    return f'''
def build_encoder_decoder(vocab_size, embedding_dim, units):
    problem = keras.Input(shape=(None,), dtype="int32", name="problem")
    x = keras.layers.Embedding(vocab_size, embedding_dim, {encoder_embedding}name="encoder_embedding")(problem)
    encoded = keras.layers.LSTM(units, {encoder}name="encoder")(x)
    state_h, state_c = (encoded[1], encoded[2]) if isinstance(encoded, (list, tuple)) else (encoded, encoded)
    answer_so_far = keras.Input(shape=(None,), dtype="int32", name="answer_so_far")
    y = keras.layers.Embedding(vocab_size, embedding_dim, name="decoder_embedding")(answer_so_far)
    y = keras.layers.LSTM(units, {decoder}name="decoder")(y, {initial})
    y = y[0] if isinstance(y, (list, tuple)) else y
    probabilities = keras.layers.Dense(vocab_size, activation="{activation}", name="next_token")(y)
    return keras.Model({inputs}, probabilities)
'''


_DECODE = '''
def greedy_decode(states, weights, start_id, end_id, max_length):
    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    h, c = {states}
    token = np.full(len(h), start_id)
    written = np.zeros((len(h), max_length), dtype=np.int64)
    finished = np.zeros(len(h), dtype=bool)
    for step in range(max_length):
        h, c = lstm_cell_forward(embeddings[{read}], h, c, kernel, recurrent_kernel, bias)
        {choice}
        written[:, step] = {write}
        finished |= token == end_id
        if {stop}:
            break
    return written
'''
_DECODE_RIGHT = {
    "states": "states",
    "read": "token",
    "choice": "token = np.argmax(h @ dense_kernel + dense_bias, axis=1)",
    "write": "np.where(finished, 0, token)",
    "stop": "finished.all()",
}


def _decode(**wrong):
    return _DECODE.format(**(_DECODE_RIGHT | wrong))


_MATCH = '''
def exact_match(predicted, targets, end_id):
    def answer(row):
        row = list(row)
        return {answer}

    right = [{right} for guess, target in zip(predicted, targets, strict=True)]
    return {result}
'''
_MATCH_RIGHT = {
    "answer": "row[: row.index(end_id) + 1] if end_id in row else None",
    "right": "answer(guess) is not None and answer(guess) == answer(target)",
    "result": "float(np.mean(right))",
}


def _match(**wrong):
    return _MATCH.format(**(_MATCH_RIGHT | wrong))


MISTAKES = {
    "q1": [
        Mistake("targets themselves", _TEACHER.format("targets.copy()"), "these are the targets themselves"),
        Mistake("shifted left", _TEACHER.format(
            "np.concatenate([targets[:, 1:], np.full((len(targets), 1), start_id, dtype=targets.dtype)], axis=1)"),
                "shift right, not left"),
        Mistake("one column too many", _TEACHER.format(
            "np.concatenate([np.full((len(targets), 1), start_id, dtype=targets.dtype), targets], axis=1)"),
                "keep the targets' shape"),
        Mistake("start token forgotten", _TEACHER.format(
            "np.concatenate([np.zeros((len(targets), 1), dtype=targets.dtype), targets[:, :-1]], axis=1)"),
                "every row starts with start_id"),
        Mistake("int64 for any targets", _TEACHER.format(
            "np.concatenate([np.full((len(targets), 1), start_id), targets[:, :-1]], axis=1).astype(np.int64)"),
                "dtype of targets"),
    ],
    "q2": [
        Mistake("decoder not started from the encoder", _model(initial="initial_state=None"),
                "the decoder does not see the problem"),
        Mistake("no mask on the encoder", _model(encoder_embedding=""), "give the encoder's Embedding mask_zero=True"),
        Mistake("decoder returns its last state only", _model(decoder="return_state=True, "),
                "the decoder LSTM needs return_sequences=True"),
        Mistake("no softmax", _model(activation="linear"), "activation='softmax'"),
        Mistake("inputs in the other order", _model(inputs="[answer_so_far, problem]"), "two inputs, in order"),
        Mistake("decoder reads backwards", _model(decoder="return_sequences=True, return_state=True, go_backwards=True, "),
                "read the answer left to right"),
    ],
    "q3": [
        Mistake("Dense reads c", _decode(choice="token = np.argmax(c @ dense_kernel + dense_bias, axis=1)"),
                "reads the hidden state h, not the cell state c"),
        Mistake("start token fed at every step", _decode(read="np.full(len(h), start_id)"),
                "feed back the token just written"),
        Mistake("tokens after the end kept", _decode(write="token"), "the rest of that row is 0"),
        Mistake("started from zeros", _decode(states="np.zeros_like(states[0]), np.zeros_like(states[1])"),
                "start the LSTM from the given states"),
        Mistake("stops when the first row ends", _decode(stop="finished.any()"), "not only the first row to finish"),
        Mistake("states swapped", _decode(states="states[1], states[0]"), "(h, c)"),
    ],
    "q4": [
        Mistake("token accuracy", """
            def exact_match(predicted, targets, end_id):
                width = min(predicted.shape[1], targets.shape[1])
                return float(np.mean(predicted[:, :width] == targets[:, :width]))
            """, "share of right tokens"),
        Mistake("after the end compared too", _match(answer="row"), "what comes after the end token"),
        Mistake("a count, not a share", _match(result="float(np.sum(right))"), "not their count"),
        Mistake("whole target row compared", _match(right="answer(guess) is not None and answer(guess) == list(target)"),
                "what comes after the end token"),
    ],
}

VARIANTS = {
    "q1": [Variant("np.roll", """
        def decoder_inputs(targets, start_id):
            shifted = np.roll(targets, 1, axis=1)
            shifted[:, 0] = start_id
            return shifted
        """)],
    "q2": [Variant("layers named first", """
        def build_encoder_decoder(vocab_size, embedding_dim, units):
            enc_in = keras.Input(shape=(None,), dtype="int32")
            dec_in = keras.Input(shape=(None,), dtype="int32")
            enc_emb = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="encoder_embedding")
            dec_emb = keras.layers.Embedding(vocab_size, embedding_dim, name="decoder_embedding")
            encoder = keras.layers.LSTM(units, return_state=True, name="encoder")
            decoder = keras.layers.LSTM(units, return_sequences=True, return_state=True, name="decoder")
            head = keras.layers.Dense(vocab_size, activation="softmax", name="next_token")
            _, h, c = encoder(enc_emb(enc_in))
            seq, _, _ = decoder(dec_emb(dec_in), initial_state=[h, c])
            return keras.Model(inputs=[enc_in, dec_in], outputs=head(seq))
        """)],
    "q3": [Variant("row by row", """
        def greedy_decode(states, weights, start_id, end_id, max_length):
            E, W, U, b, D, d = weights
            out = np.zeros((len(states[0]), max_length), dtype=np.int64)
            for i in range(len(out)):
                h, c = states[0][i:i + 1], states[1][i:i + 1]
                token = start_id
                for step in range(max_length):
                    h, c = lstm_cell_forward(E[[token]], h, c, W, U, b)
                    token = int(np.argmax(h @ D + d))
                    out[i, step] = token
                    if token == end_id:
                        break
            return out
        """)],
    "q4": [Variant("a counter", """
        def exact_match(predicted, targets, end_id):
            right = 0
            for guess, target in zip(predicted, targets):
                guess, target = list(guess), list(target)
                if end_id in guess:
                    cut = guess[:guess.index(end_id) + 1]
                    right += cut == target[:target.index(end_id) + 1]
            return right / len(predicted)
        """)],
}
