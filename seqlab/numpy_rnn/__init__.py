"""SimpleRNN, LSTM and GRU in NumPy, in the weight layout of Keras 3's layers.

Every function takes the weights in the order and shapes ``layer.get_weights()``
returns them — ``kernel`` (m, k·u), ``recurrent_kernel`` (u, k·u), ``bias`` — with
k = 1, 4, 3 gates, so a notebook can copy weights out of a Keras layer and compare::

    layer = keras.layers.LSTM(8, return_sequences=True)
    expected = layer(x)
    output, h_T, c_T = lstm_forward(x, *layer.get_weights(), return_sequences=True)

Inputs are batched: ``x_t`` is (n, m) for one step, ``inputs`` (n, T, m) for whole
sequences, states are (n, u). Results are float64 unless every input is float32.

- simple RNN: :func:`rnn_cell_forward`, :func:`rnn_forward`, :func:`rnn_backward`
  (backpropagation through time), :func:`rnn_state_jacobian_norms` (‖∂h_T/∂h_k‖).
- LSTM: :func:`lstm_gates`, :func:`lstm_cell_forward`, :func:`lstm_forward`.
- GRU: :func:`gru_gates`, :func:`gru_cell_forward`, :func:`gru_forward`.
- :func:`clip_gradients`: Keras's ``clipnorm``, ``clipvalue`` and ``global_clipnorm``.
"""

from ._common import sigmoid
from .clipping import clip_gradients
from .gru import GRUGates, gru_cell_forward, gru_forward, gru_gates
from .lstm import LSTMGates, lstm_cell_forward, lstm_forward, lstm_gates
from .simple_rnn import (
    RNNCache,
    RNNGradients,
    rnn_backward,
    rnn_cell_forward,
    rnn_forward,
    rnn_state_jacobian_norms,
)

__all__ = [
    "GRUGates",
    "LSTMGates",
    "RNNCache",
    "RNNGradients",
    "clip_gradients",
    "gru_cell_forward",
    "gru_forward",
    "gru_gates",
    "lstm_cell_forward",
    "lstm_forward",
    "lstm_gates",
    "rnn_backward",
    "rnn_cell_forward",
    "rnn_forward",
    "rnn_state_jacobian_norms",
    "sigmoid",
]
