"""Public checks for lab 09, forecasting: ``from seqlab.checks import lab09 as check``.

=====  =======================================================  ==================================
check  your function                                            returns
=====  =======================================================  ==================================
q1     ``make_windows_with_target(series, window, horizon)``    ``(inputs, targets)``: float32
                                                                (n, window) and (n,)
q2     ``standardize(train, val, test)``                        three float32 arrays, scaled with
                                                                the training split's statistics
q3     ``persistence_mae(inputs, targets)``                     float
q4     ``fit_linear_forecaster(inputs, targets)``               float64 (window + 1,): one weight
                                                                per position, the intercept last
q5     ``build_forecaster(window, features, units)``            a Keras model: GRU -> Dense(1)
=====  =======================================================  ==================================

A window holds ``window`` consecutive values of the series; its target is the value ``horizon``
steps after the window's last one, so ``horizon=1`` is the very next value.
"""

from __future__ import annotations

import numpy as np

from seqlab.checks import recurrent
from seqlab.checks.core import Case, Rule, run_check


def _f32(values) -> np.ndarray:
    return np.array(values, dtype=np.float32)


def q1(make_windows_with_target) -> None:
    """``make_windows_with_target(series, window, horizon)``: windows and their targets."""
    cases = [
        Case((np.arange(6.0), 3, 1), (_f32([[0, 1, 2], [1, 2, 3], [2, 3, 4]]), _f32([3, 4, 5]))),
        Case(
            (np.arange(8.0), 2, 3),
            (_f32([[0, 1], [1, 2], [2, 3], [3, 4]]), _f32([4, 5, 6, 7])),
        ),
        Case((np.array([5.0, 1.0, 4.0]), 2, 1), (_f32([[5, 1]]), _f32([4]))),
        Case(
            (np.array([0.5, -1.0, 2.0, 7.0, 3.0, 1.5]), 1, 2),
            (_f32([[0.5], [-1.0], [2.0], [7.0]]), _f32([2.0, 7.0, 3.0, 1.5])),
        ),
    ]
    run_check(
        "q1",
        make_windows_with_target,
        cases,
        hints=[_pair, _features_axis, _count, _target_shift, _float32],
    )


def _scaled(train, val, test) -> tuple:
    """The expected values of a q2 case: all three splits scaled with the training statistics."""
    mean, std = np.nanmean(train), np.nanstd(train)
    return tuple(((split - mean) / std).astype(np.float32) for split in (train, val, test))


def _standardize_case(train, val, test) -> Case:
    splits = tuple(np.array(split, dtype=np.float64) for split in (train, val, test))
    return Case(splits, _scaled(*splits))


def q2(standardize) -> None:
    """``standardize(train, val, test)``: scaled with the training split's nanmean and nanstd."""
    cases = [
        _standardize_case([1, 2, 3, 4, 5], [6, 7], [0]),
        _standardize_case(np.arange(10), np.arange(10, 15), np.arange(15, 20)),
        _standardize_case([2, np.nan, 4, 6], [np.nan, 3], [5, 8]),
    ]
    run_check(
        "q2", standardize, cases, hints=[_split_statistics, _gaps, _sample_std], rules=RULES["q2"]
    )


# The rules the lab states, checked here and graded by the probes (seqlab.grading.probes.lab09).
RULES = {
    "q2": [Rule("tuple", True, recurrent.TUPLE_RULE)],
    "q3": [
        Rule(
            "Python float",
            True,
            "returned a NumPy float32: the lab asks for a Python float, e.g. float(...).",
        )
    ],
}


def q3(persistence_mae) -> None:
    """``persistence_mae(inputs, targets)``: mean absolute error of "the last value again"."""
    cases = [
        Case((_f32([[0, 10], [10, 0], [5, 5]]), _f32([10, 0, 7])), 2 / 3),
        Case((_f32([[1, 2, 3], [4, 5, 6]]), _f32([4, 5])), 1.0),
        Case((_f32([[1, 1], [1, 1]]), _f32([0, 2])), 1.0),
    ]
    run_check(
        "q3",
        persistence_mae,
        cases,
        hints=[_summed, _first_value, _persistence_error],
        rules=RULES["q3"],
    )


def _linear_case(seed: int, samples: int, window: int, coefficients=None) -> Case:
    """Inputs from ``seed``; targets exactly linear in them when ``coefficients`` is given."""
    rng = np.random.default_rng(seed)
    inputs = rng.normal(size=(samples, window))
    if coefficients is None:  # noisy targets: the least-squares fit is not exact
        targets = inputs @ rng.normal(size=window) + 0.5 + rng.normal(scale=0.3, size=samples)
    else:
        coefficients = np.asarray(coefficients, dtype=np.float64)
        targets = inputs @ coefficients[:-1] + coefficients[-1]
    design = np.column_stack([inputs, np.ones(samples)])
    return Case((inputs, targets), np.linalg.lstsq(design, targets, rcond=None)[0])


def q4(fit_linear_forecaster) -> None:
    """``fit_linear_forecaster(inputs, targets)``: least squares, weights then intercept."""
    cases = [
        _linear_case(1, 8, 3, coefficients=[0.5, -1.0, 2.0, 3.0]),
        _linear_case(2, 10, 4, coefficients=[0.0, 0.0, 0.0, 1.0, 0.0]),  # persistence
        _linear_case(3, 30, 5),
    ]
    run_check("q4", fit_linear_forecaster, cases, hints=[_intercept])


def forecaster_summary(window: int, features: int, units: int) -> dict:
    """The summary of ``Input((window, features))`` -> ``GRU(units)`` -> ``Dense(1)``."""
    return {
        "layers": ["GRU", "Dense"],
        "units": [units, 1],
        "input shape": (None, window, features),
        "output shape": (None, 1),
        "output activation": "linear",
        "parameters": recurrent.RECURRENT_PARAMETERS["GRU"](units, features) + units + 1,
        "recurrent settings": [recurrent.default_settings("GRU")],
        "compiled": False,
    }


def q5(build_forecaster) -> None:
    """``build_forecaster(window, features, units)``: a GRU, then one linear output."""
    cases = [
        Case((12, 1, 32), forecaster_summary(12, 1, 32)),
        Case((14, 6, 16), forecaster_summary(14, 6, 16)),
        Case((5, 3, 4), forecaster_summary(5, 3, 4)),
    ]
    run_check("q5", recurrent.summarised(build_forecaster), cases, hints=[_forecaster_hint])


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _pair(case: Case, returned) -> str | None:
    if not isinstance(returned, tuple | list) or len(returned) != 2:
        return "return the pair (inputs, targets)."
    return None


def _features_axis(case: Case, returned) -> str | None:
    if np.ndim(returned[0]) == 3:
        return "return inputs of shape (n, window); a model adds the features axis itself."
    return None


def _count(case: Case, returned) -> str | None:
    series, window, horizon = case.args
    if len(returned[0]) != len(case.expected[0]):
        return (
            f"a series of {len(series)} values has len(series) - window - horizon + 1 = "
            f"{len(series) - window - horizon + 1} windows: one for every start whose target "
            "is still inside the series."
        )
    return None


def _target_shift(case: Case, returned) -> str | None:
    series, window, horizon = case.args
    targets = np.asarray(returned[1])
    for shift in (-1, 1):
        first = window + horizon - 1 + shift
        shifted = np.asarray(series[first : first + len(targets)], dtype=np.float32)
        if len(shifted) == len(targets) and np.allclose(targets, shifted):
            return (
                f"each target is {shift:+d} step off: the target of the window series[i : i + "
                "window] is series[i + window + horizon - 1] (horizon=1: the very next value)."
            )
    return None


def _float32(case: Case, returned) -> str | None:
    if any(np.asarray(part).dtype != np.float32 for part in returned):
        return "return float32 arrays, e.g. np.asarray(series, dtype=np.float32) first."
    return None


def _split_statistics(case: Case, returned) -> str | None:
    train, val, test = case.args
    with np.errstate(all="ignore"):  # a one-value split has no spread of its own
        own = tuple(
            ((split - np.nanmean(split)) / np.nanstd(split)).astype(np.float32)
            for split in (train, val, test)
        )
    if recurrent.matches(tuple(returned), own):
        return (
            "each split was scaled with its own statistics: use the training split's mean and "
            "standard deviation for all three (the test period stands for a future you have "
            "not seen)."
        )
    together = np.concatenate([train, val, test])
    mean, std = np.nanmean(together), np.nanstd(together)
    pooled = tuple(((split - mean) / std).astype(np.float32) for split in (train, val, test))
    if recurrent.matches(tuple(returned), pooled):
        return "the statistics came from all three splits: take them from the training split alone."
    return None


def _gaps(case: Case, returned) -> str | None:
    has_gaps = any(np.isnan(split).any() for split in case.args)
    if has_gaps and np.isnan(np.asarray(returned[0])).all():
        return "the series has gaps (NaN): np.nanmean and np.nanstd ignore them."
    return None


def _sample_std(case: Case, returned) -> str | None:
    train, val, test = case.args
    mean, std = np.nanmean(train), np.nanstd(train, ddof=1)
    sample = tuple(((split - mean) / std).astype(np.float32) for split in (train, val, test))
    if recurrent.matches(tuple(returned), sample):
        return "use np.nanstd with its default ddof=0, the population standard deviation."
    return None


def _summed(case: Case, mae) -> str | None:
    inputs, targets = case.args
    if len(targets) > 1 and np.isclose(mae, np.abs(targets - inputs[:, -1]).sum()):
        return "average the absolute errors (np.mean), not their sum."
    return None


def _first_value(case: Case, mae) -> str | None:
    inputs, targets = case.args
    if np.isclose(mae, np.abs(targets - inputs[:, 0]).mean()):
        return "persistence repeats the last value of each window, inputs[:, -1], not the first."
    return None


def _persistence_error(case: Case, mae) -> str | None:
    inputs, targets = case.args
    difference = targets - inputs[:, -1]
    if np.isclose(mae, difference.mean()) or np.isclose(mae, -difference.mean()):
        return "take the absolute value of each error before averaging, or they cancel out."
    if np.isclose(mae, (difference**2).mean()) or np.isclose(mae, np.sqrt((difference**2).mean())):
        return "that is the squared error (MSE or RMSE); the MAE averages absolute errors."
    return None


def _intercept(case: Case, coefficients) -> str | None:
    expected = case.expected
    returned = np.asarray(coefficients)
    if returned.shape == (len(expected) - 1,):
        return (
            "add a column of ones to the inputs, so the fit has an intercept: window + 1 "
            "coefficients, the intercept last."
        )
    if returned.shape == expected.shape and np.allclose(returned, np.roll(expected, 1)):
        return "put the intercept last, after the weights of the window's positions."
    reversed_weights = np.concatenate([expected[-2::-1], expected[-1:]])
    if returned.shape == expected.shape and np.allclose(returned, reversed_weights):
        return "your weights are reversed: list the weights in window order, position 0 first."
    return None


def _forecaster_hint(case: Case, summary) -> str | None:
    if not isinstance(summary, dict):
        return None
    window, features, _ = case.args
    if summary.get("input shape") == (None, None, features):
        return (
            f"the windows have a fixed length: keras.Input(shape=(window, features)), here "
            f"shape=({window}, {features})."
        )
    if summary.get("output shape") == (None, window, 1):
        return "the GRU hands only its last state to Dense: leave return_sequences=False."
    if summary.get("output activation") != "linear":
        return "a forecast can be any number: leave the Dense layer without an activation."
    if summary.get("layers") != ["GRU", "Dense"]:
        return "after the Input come exactly keras.layers.GRU(units) and keras.layers.Dense(1)."
    return recurrent.settings_hint(summary, case.expected)
