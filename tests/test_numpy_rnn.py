"""seqlab.numpy_rnn against Keras 3: forward passes, BPTT, Jacobians and clipping."""

import keras
import numpy as np
import pytest
import tensorflow as tf
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab import numpy_rnn

FORWARDS = {
    "SimpleRNN": (keras.layers.SimpleRNN, numpy_rnn.rnn_forward, {}),
    "LSTM": (keras.layers.LSTM, numpy_rnn.lstm_forward, {}),
    "GRU reset_after": (keras.layers.GRU, numpy_rnn.gru_forward, {"reset_after": True}),
    "GRU reset_before": (keras.layers.GRU, numpy_rnn.gru_forward, {"reset_after": False}),
}
CELLS = {
    "SimpleRNN": (keras.layers.SimpleRNNCell, numpy_rnn.rnn_cell_forward, {}),
    "LSTM": (keras.layers.LSTMCell, numpy_rnn.lstm_cell_forward, {}),
    "GRU reset_after": (keras.layers.GRUCell, numpy_rnn.gru_cell_forward, {"reset_after": True}),
    "GRU reset_before": (
        keras.layers.GRUCell,
        numpy_rnn.gru_cell_forward,
        {"reset_after": False},
    ),
}


def random_weights(layer, input_shape, rng):
    """Build ``layer`` and give it normal weights large enough to saturate some gates."""
    layer.build(input_shape)
    layer.set_weights([rng.normal(scale=0.8, size=w.shape) for w in layer.get_weights()])
    return layer.get_weights()


def test_worked_example_of_lesson_03():
    # W_hh = 2, W_xh = -1.5, W_hy = 3, no bias, h_0 = 0, inputs 1, 1, -2.
    inputs = np.array([1.0, 1.0, -2.0]).reshape(1, 3, 1)
    states, last = numpy_rnn.rnn_forward(inputs, [[-1.5]], [[2.0]], return_sequences=True)
    outputs = states @ np.array([[3.0]])

    np.testing.assert_allclose(states.ravel(), [-0.9051, -0.9973, 0.7638], atol=5e-5)
    np.testing.assert_allclose(outputs.ravel(), [-2.7154, -2.9920, 2.2915], atol=5e-5)
    np.testing.assert_array_equal(last, states[:, -1])

    h = np.zeros((1, 1))
    for t, expected in enumerate(states[0]):
        h = numpy_rnn.rnn_cell_forward(inputs[:, t], h, [[-1.5]], [[2.0]])
        np.testing.assert_allclose(h[0], expected)


@pytest.mark.parametrize("name", FORWARDS)
@settings(max_examples=6, deadline=None)
@given(
    shape=st.tuples(st.integers(1, 3), st.integers(1, 6), st.integers(1, 4), st.integers(1, 5)),
    seed=st.integers(0, 2**32 - 1),
    use_bias=st.booleans(),
    given_initial_state=st.booleans(),
)
def test_forward_matches_keras_layer(name, shape, seed, use_bias, given_initial_state):
    layer_class, forward, options = FORWARDS[name]
    batch, timesteps, features, units = shape
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(batch, timesteps, features)).astype("float32")
    layer = layer_class(
        units, use_bias=use_bias, return_sequences=True, return_state=True, **options
    )
    weights = random_weights(layer, inputs.shape, rng)
    state_count = 2 if layer_class is keras.layers.LSTM else 1
    initial_state = None
    if given_initial_state:
        initial_state = [rng.normal(size=(batch, units)).astype("float32")] * state_count
    expected = layer(inputs, initial_state=initial_state)

    if initial_state is not None and state_count == 1:
        initial_state = initial_state[0]
    sequences, *final = forward(
        inputs, *weights, initial_state=initial_state, return_sequences=True, **options
    )
    last, *_ = forward(inputs, *weights, initial_state=initial_state, **options)

    assert len(final) == state_count
    for mine, keras_result in zip([sequences, *final], expected, strict=True):
        np.testing.assert_allclose(mine, keras_result, atol=1e-5)
    np.testing.assert_allclose(last, expected[0][:, -1], atol=1e-5)


@pytest.mark.parametrize("name", CELLS)
def test_cell_forward_matches_keras_cell(name):
    cell_class, cell_forward, options = CELLS[name]
    rng = np.random.default_rng(3)
    batch, features, units = 4, 3, 5
    cell = cell_class(units, **options)
    weights = random_weights(cell, (None, features), rng)
    x_t = rng.normal(size=(batch, features)).astype("float32")
    state_count = 2 if cell_class is keras.layers.LSTMCell else 1
    states = [rng.normal(size=(batch, units)).astype("float32") for _ in range(state_count)]

    _, expected = cell(x_t, states)
    mine = cell_forward(x_t, *states, *weights, **options)

    mine = mine if state_count == 2 else [mine]
    for mine_state, keras_state in zip(mine, expected, strict=True):
        np.testing.assert_allclose(mine_state, keras_state, atol=1e-5)


@pytest.mark.parametrize(
    ("gates", "units", "order", "neutral"),
    [
        (numpy_rnn.lstm_gates, 4, ("input", "forget", "candidate", "output"), (0.5, 0.5, 0, 0.5)),
        (numpy_rnn.gru_gates, 3, ("update", "reset", "candidate"), (0.5, 0.5, 0)),
    ],
)
def test_gates_come_in_keras_order(gates, units, order, neutral):
    # With zero weights every gate sits at its neutral value (sigmoid(0), tanh(0));
    # raising one block of the bias must move exactly the gate of that name.
    gate_count = len(order)
    kernel = np.zeros((1, gate_count * units))
    recurrent_kernel = np.zeros((units, gate_count * units))
    for block, name in enumerate(order):
        bias = np.zeros(gate_count * units)
        bias[block * units : (block + 1) * units] = 2.0
        if gate_count == 3:  # GRU, reset_after=True: (input bias, recurrent bias)
            bias = np.stack([bias, np.zeros_like(bias)])
        values = gates(np.ones((1, 1)), np.zeros((1, units)), kernel, recurrent_kernel, bias)
        for other, value in zip(order, neutral, strict=True):
            moved = getattr(values, other)
            if other == name:
                assert np.all(moved > value + 0.3), f"bias block {block} should move {name}"
            else:
                np.testing.assert_allclose(moved, value, err_msg=f"{other} moved with {name}")


def test_dtype_follows_inputs():
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(2, 3, 4))
    kernel, recurrent_kernel = rng.normal(size=(4, 8)), rng.normal(size=(2, 8))
    as_32 = [a.astype("float32") for a in (inputs, kernel, recurrent_kernel)]

    assert numpy_rnn.lstm_forward(*as_32)[0].dtype == np.float32
    assert numpy_rnn.lstm_forward(inputs, *as_32[1:])[0].dtype == np.float64
    assert numpy_rnn.rnn_forward([[[1], [2]]], [[1]], [[0]])[0].dtype == np.float64


def simple_rnn_problem(seed, use_bias=True):
    """Float64 inputs, weights and initial state for a 2 × 4-step batch with 3 units."""
    rng = np.random.default_rng(seed)
    return {
        "inputs": rng.normal(size=(2, 4, 3)),
        "kernel": rng.normal(scale=0.7, size=(3, 3)),
        "recurrent_kernel": rng.normal(scale=0.7, size=(3, 3)),
        "bias": rng.normal(size=3) if use_bias else None,
        "initial_state": rng.normal(scale=0.5, size=(2, 3)),
    }


def numerical_gradient(loss, problem, name, step=1e-6):
    """Central differences of ``loss(problem)`` with respect to ``problem[name]``."""
    gradient = np.zeros_like(problem[name])
    for index in np.ndindex(gradient.shape):
        changed = {key: None if value is None else value.copy() for key, value in problem.items()}
        changed[name][index] += step
        up = loss(changed)
        changed[name][index] -= 2 * step
        gradient[index] = (up - loss(changed)) / (2 * step)
    return gradient


@pytest.mark.parametrize("every_step", [True, False], ids=["loss over time", "last step"])
@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no bias"])
def test_backward_matches_numerical_gradients(every_step, use_bias):
    problem = simple_rnn_problem(seed=1, use_bias=use_bias)
    upstream_shape = (2, 4, 3) if every_step else (2, 3)
    upstream = np.random.default_rng(2).normal(size=upstream_shape)

    def loss(values):
        inputs, kernel, recurrent, bias, h0 = values.values()
        output, _ = numpy_rnn.rnn_forward(
            inputs, kernel, recurrent, bias, initial_state=h0, return_sequences=every_step
        )
        return np.sum(upstream * output)

    inputs, kernel, recurrent, bias, h0 = problem.values()
    _, _, cache = numpy_rnn.rnn_forward(
        inputs, kernel, recurrent, bias, initial_state=h0, return_cache=True
    )
    gradients = numpy_rnn.rnn_backward(upstream, cache)

    for name in problem:
        if problem[name] is None:
            assert getattr(gradients, name) is None
            continue
        np.testing.assert_allclose(
            getattr(gradients, name),
            numerical_gradient(loss, problem, name),
            rtol=1e-6,
            atol=1e-8,
            err_msg=f"gradient of {name}",
        )
    assert len(gradients.weights) == (3 if use_bias else 2)


def test_backward_matches_gradient_tape_on_keras_simple_rnn():
    problem = simple_rnn_problem(seed=4)
    upstream = np.random.default_rng(5).normal(size=(2, 4, 3))
    layer = keras.layers.SimpleRNN(3, return_sequences=True, dtype="float64")
    layer.build(problem["inputs"].shape)
    layer.set_weights([problem["kernel"], problem["recurrent_kernel"], problem["bias"]])
    inputs = tf.constant(problem["inputs"])
    initial_state = tf.constant(problem["initial_state"])

    with tf.GradientTape() as tape:
        tape.watch([inputs, initial_state])
        loss = tf.reduce_sum(upstream * layer(inputs, initial_state=[initial_state]))
    keras_gradients = tape.gradient(loss, [*layer.trainable_weights, inputs, initial_state])

    _, _, cache = numpy_rnn.rnn_forward(**problem, return_cache=True)
    mine = numpy_rnn.rnn_backward(upstream, cache)
    names = ["kernel", "recurrent_kernel", "bias", "inputs", "initial_state"]
    for name, expected in zip(names, keras_gradients, strict=True):
        np.testing.assert_allclose(getattr(mine, name), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ord", [2, "fro"])
def test_jacobian_norms_match_numerical_jacobians(ord):
    problem = simple_rnn_problem(seed=6)
    _, _, cache = numpy_rnn.rnn_forward(**problem, return_cache=True)
    norms = numpy_rnn.rnn_state_jacobian_norms(cache, ord=ord)
    timesteps = cache.states.shape[1]
    assert norms.shape == (2, timesteps + 1)

    weights = [problem["kernel"], problem["recurrent_kernel"], problem["bias"]]
    all_states = np.concatenate([cache.initial_state[:, None], cache.states], axis=1)
    for k in range(timesteps + 1):
        for example in range(2):
            rest = problem["inputs"][example : example + 1, k:]
            h_k = all_states[example, k]

            def h_last(h, rest=rest):
                if rest.shape[1] == 0:
                    return h
                return numpy_rnn.rnn_forward(rest, *weights, initial_state=h[None])[1][0]

            jacobian = np.stack(
                [(h_last(h_k + e) - h_last(h_k - e)) / 2e-6 for e in 1e-6 * np.eye(3)], axis=1
            )
            expected = np.linalg.norm(jacobian, ord=ord)
            np.testing.assert_allclose(norms[example, k], expected, rtol=1e-6)


@pytest.mark.parametrize("radius", [0.5, 1.0, 1.5], ids=["vanishing", "steady", "exploding"])
def test_jacobian_norms_follow_spectral_radius_in_the_linear_regime(radius):
    # At h = 0 with zero inputs tanh' = 1, so ∂h_T/∂h_k = (radius · Q)^(T-k) exactly.
    orthogonal, _ = np.linalg.qr(np.random.default_rng(7).normal(size=(4, 4)))
    _, _, cache = numpy_rnn.rnn_forward(
        np.zeros((1, 10, 2)), np.ones((2, 4)), radius * orthogonal, return_cache=True
    )
    norms = numpy_rnn.rnn_state_jacobian_norms(cache)
    np.testing.assert_allclose(norms[0], radius ** np.arange(10, -1, -1))


GRADIENTS = [
    np.array([[3.0, -4.0], [0.5, 0.0]], dtype="float32"),
    np.array([0.2, -6.0, 1.0], dtype="float32"),
]


@pytest.mark.parametrize(
    "setting",
    [
        {"clipnorm": 1.0},
        {"clipnorm": 100.0},
        {"global_clipnorm": 2.0},
        {"global_clipnorm": 100.0},
        {"clipvalue": 0.5},
    ],
    ids=str,
)
def test_clip_gradients_matches_keras_optimizer(setting):
    # Plain SGD with learning rate 1 from zero weights leaves minus the clipped gradient.
    variables = [keras.Variable(np.zeros_like(g)) for g in GRADIENTS]
    keras.optimizers.SGD(learning_rate=1.0, **setting).apply_gradients(
        zip(GRADIENTS, variables, strict=True)
    )
    clipped = numpy_rnn.clip_gradients(GRADIENTS, **setting)

    for mine, variable in zip(clipped, variables, strict=True):
        assert mine.dtype == np.float32
        np.testing.assert_allclose(mine, -variable.numpy(), rtol=1e-6)


def test_clip_gradients_keeps_names_and_scales_all_together():
    clipped = numpy_rnn.clip_gradients(
        {"kernel": [3.0, 0.0], "bias": [0.0, 4.0]}, global_clipnorm=1
    )
    assert list(clipped) == ["kernel", "bias"]
    np.testing.assert_allclose(clipped["kernel"], [0.6, 0.0])
    np.testing.assert_allclose(clipped["bias"], [0.0, 0.8])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: numpy_rnn.clip_gradients(GRADIENTS, clipnorm=1, clipvalue=1), "Only one of"),
        (lambda: numpy_rnn.clip_gradients(GRADIENTS, clipnorm=0), "clipnorm must be a positive"),
        (lambda: numpy_rnn.clip_gradients(GRADIENTS[0], clipvalue=1), r"\[gradient\]"),
    ],
)
def test_clip_gradients_rejects_bad_settings(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


X = np.zeros((2, 5, 3))
SHAPE_ERRORS = {
    "LSTM kernel": (
        lambda: numpy_rnn.lstm_forward(X, np.zeros((3, 8)), np.zeros((4, 16))),
        r"kernel has shape \(3, 8\), but keras.layers.LSTM with 4 units on 3 input "
        r"features needs \(3, 16\) = \(features, 4 \* units\)",
    ),
    "SimpleRNN recurrent_kernel": (
        lambda: numpy_rnn.rnn_forward(X, np.zeros((3, 4)), np.zeros((4, 5))),
        r"recurrent_kernel has shape \(4, 5\), but keras.layers.SimpleRNN needs \(units, units\)",
    ),
    "GRU bias of the other reset_after": (
        lambda: numpy_rnn.gru_forward(
            X, np.zeros((3, 12)), np.zeros((4, 12)), np.zeros((2, 12)), reset_after=False
        ),
        r"bias has shape \(2, 12\), but keras.layers.GRU\(reset_after=False\) .* needs \(12,\)",
    ),
    "GRU cell bias": (
        lambda: numpy_rnn.gru_cell_forward(
            X[:, 0], np.zeros((2, 4)), np.zeros((3, 12)), np.zeros((4, 12)), np.zeros(12)
        ),
        r"keras.layers.GRU\(reset_after=True\) .* needs \(2, 12\) = \(2, 3 \* units\)",
    ),
    "inputs without batch": (
        lambda: numpy_rnn.rnn_forward(X[0], np.zeros((3, 4)), np.zeros((4, 4))),
        r"inputs must be 3-D \(batch, timesteps, features\), got shape \(5, 3\)",
    ),
    "initial_state": (
        lambda: numpy_rnn.gru_forward(
            X, np.zeros((3, 6)), np.zeros((2, 6)), initial_state=np.zeros((3, 2))
        ),
        r"initial_state has shape \(3, 2\), but needs \(batch, units\) = \(2, 2\)",
    ),
    "LSTM initial_state not a pair": (
        lambda: numpy_rnn.lstm_forward(
            X, np.zeros((3, 8)), np.zeros((2, 8)), initial_state=[np.zeros((2, 2))]
        ),
        r"initial_state of an LSTM is a pair \(h_0, c_0\)",
    ),
    "LSTM cell state": (
        lambda: numpy_rnn.lstm_cell_forward(
            X[:, 0], np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((3, 8)), np.zeros((2, 8))
        ),
        r"c_prev has shape \(2, 3\), but needs \(batch, units\) = \(2, 2\)",
    ),
    "BPTT upstream gradient": (
        lambda: numpy_rnn.rnn_backward(
            np.zeros((2, 3)),
            numpy_rnn.rnn_forward(X, np.zeros((3, 4)), np.zeros((4, 4)), return_cache=True)[2],
        ),
        r"grad_states has shape \(2, 3\), but needs .* \(2, 5, 4\) .* or .* \(2, 4\)",
    ),
}


@pytest.mark.parametrize("case", SHAPE_ERRORS)
def test_shape_errors_name_the_array_and_the_shape_expected(case):
    call, message = SHAPE_ERRORS[case]
    with pytest.raises(ValueError, match=message):
        call()
