"""seqlab.tasks: the memory task of lessons 05 and 06 is well formed, reproducible, and fair."""

import numpy as np
import pytest

from seqlab.tasks import recall_marked_symbol


def test_shapes_dtypes_and_unpacking():
    inputs, labels, lags = recall_marked_symbol(7, 12, n_symbols=5, seed=3)
    assert inputs.shape == (7, 12, 6) and inputs.dtype == np.float32
    assert labels.shape == (7,) and labels.dtype == np.int64
    assert lags.shape == (7,) and lags.dtype == np.int64


def test_every_step_holds_one_symbol_and_every_sequence_one_marker():
    inputs, _, _ = recall_marked_symbol(50, 9, n_symbols=3, seed=0)
    symbols, marker = inputs[..., :3], inputs[..., 3]
    np.testing.assert_array_equal(symbols.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(marker.sum(axis=-1), 1.0)
    assert set(np.unique(inputs)) == {0.0, 1.0}


def test_label_is_the_marked_symbol_and_lag_counts_back_from_the_last_step():
    inputs, labels, lags = recall_marked_symbol(200, 15, n_symbols=4, seed=1)
    marked_step = inputs[..., -1].argmax(axis=1)
    np.testing.assert_array_equal(lags, 15 - 1 - marked_step)
    rows = np.arange(len(inputs))
    np.testing.assert_array_equal(labels, inputs[rows, marked_step, :4].argmax(axis=-1))


def test_the_label_is_not_in_the_last_input_so_a_model_must_remember():
    inputs, labels, lags = recall_marked_symbol(4000, 20, n_symbols=4, seed=2)
    last_symbol = inputs[:, -1, :4].argmax(axis=-1)
    far = lags > 0
    # where the marker is not on the last step, the last symbol is right only by chance
    assert abs(np.mean(last_symbol[far] == labels[far]) - 0.25) < 0.03
    assert np.all(last_symbol[~far] == labels[~far])


def test_labels_and_marker_positions_are_uniform():
    _, labels, lags = recall_marked_symbol(20_000, 10, n_symbols=4, seed=4)
    np.testing.assert_allclose(np.bincount(labels) / 20_000, 0.25, atol=0.02)
    np.testing.assert_allclose(np.bincount(lags, minlength=10) / 20_000, 0.1, atol=0.01)


def test_the_seed_fixes_the_task():
    first, second = recall_marked_symbol(30, 8, seed=5), recall_marked_symbol(30, 8, seed=5)
    other = recall_marked_symbol(30, 8, seed=6)
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.inputs, other.inputs)


def test_a_single_step_sequence_marks_that_step():
    inputs, labels, lags = recall_marked_symbol(5, 1, seed=0)
    np.testing.assert_array_equal(inputs[:, 0, -1], 1.0)
    np.testing.assert_array_equal(lags, 0)
    np.testing.assert_array_equal(labels, inputs[:, 0, :-1].argmax(axis=-1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_sequences": 0, "length": 5}, "n_sequences must be an integer of at least 1, got 0"),
        ({"n_sequences": 3, "length": 2.5}, "length must be an integer of at least 1, got 2.5"),
        ({"n_sequences": 3, "length": 5, "n_symbols": 1}, "n_symbols must be .* at least 2"),
    ],
)
def test_bad_sizes_are_refused_with_the_name_and_the_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        recall_marked_symbol(**kwargs)
