"""Public checks for lab 15, financial series: ``from seqlab.checks import lab15 as check``.

=====  =================================================  =====================================
check  your function                                      returns
=====  =================================================  =====================================
q1     ``log_returns(prices)``                            float64 (len(prices) - 1,)
q2     ``rolling_volatility(returns, days, horizon)``     float64 (len(returns) - days + 1,):
                                                          sqrt(horizon * mean of the last
                                                          ``days`` squared returns), day t on
q3     ``ewma_variance(returns, decay)``                  float64 (len(returns),)
q4     ``realised_volatility_ahead(returns, horizon)``    float64 (len(returns) - horizon,):
                                                          sqrt(r[t+1]² + ... + r[t+horizon]²)
q5     ``out_of_sample_r2(forecast, actual)``             float, 1 - SSE / SSE(zero forecast)
=====  =================================================  =====================================

Returns are daily log-returns, ``r[i] = log(p[i + 1] / p[i])``; a volatility forecast made on
day t uses returns up to r[t] only, and the target it is judged against starts at r[t + 1].
"""

from __future__ import annotations

import numpy as np

from seqlab.checks.core import Case, run_check
from seqlab.checks.recurrent import matches

# Returns chosen so that every common mistake changes the result: a nonzero mean (std differs
# from the root mean square), uneven sizes (a window shifted by a day differs).
RETURNS = np.array([0.01, -0.02, 0.03, 0.005, -0.04, 0.02, 0.015, -0.01])


def _f64(values) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def q1(log_returns) -> None:
    """``log_returns(prices)``: log(p[i + 1] / p[i]) for each pair of consecutive days."""
    cases = [
        Case((_f64([100.0, 110.0, 99.0]),), np.log(_f64([1.1, 0.9]))),
        Case((_f64([1.0, np.e, 1.0, np.e**2]),), _f64([1.0, -1.0, 2.0])),
        Case((_f64([50.0, 50.0]),), _f64([0.0])),
        Case((_f64([20.0, 25.0, 30.0, 24.0, 26.0]),), np.log(_f64([1.25, 1.2, 0.8, 26 / 24]))),
    ]
    run_check("q1", log_returns, cases, hints=[_length, _simple, _change, _reversed])


def _rolling(returns, days, horizon) -> np.ndarray:
    squared = _f64(returns) ** 2
    return np.array(
        [
            np.sqrt(horizon * squared[t - days + 1 : t + 1].mean())
            for t in range(days - 1, len(squared))
        ]
    )


def q2(rolling_volatility) -> None:
    """``rolling_volatility(returns, days, horizon)``: the rolling-mean forecast, past only."""
    cases = [
        Case((_f64([0.03, -0.04, 0.0]), 2, 1), np.sqrt(_f64([0.00125, 0.0008]))),
        Case((RETURNS, 3, 5), _rolling(RETURNS, 3, 5)),
        Case((RETURNS, 1, 2), _rolling(RETURNS, 1, 2)),
        Case((RETURNS[:5], 5, 4), _rolling(RETURNS[:5], 5, 4)),
    ]
    run_check(
        "q2", rolling_volatility, cases, hints=[_excludes_today, _std, _no_horizon, _summed_window]
    )


def _ewma(returns, decay, *, lagged=False, start=None) -> np.ndarray:
    """The recursion, or a common mistake: ``lagged`` adds r[t - 1]², ``start`` replaces v[0]."""
    squared = _f64(returns) ** 2
    variance = np.empty_like(squared)
    variance[0] = squared[0] if start is None else start
    for t in range(1, len(squared)):
        variance[t] = decay * variance[t - 1] + (1 - decay) * squared[t - 1 if lagged else t]
    return variance


def q3(ewma_variance) -> None:
    """``ewma_variance(returns, decay)``: v[0] = r[0]², v[t] = decay v[t-1] + (1-decay) r[t]²."""
    cases = [
        Case((_f64([0.1, 0.2, 0.0]), 0.5), _f64([0.01, 0.025, 0.0125])),
        Case((RETURNS, 0.94), _ewma(RETURNS, 0.94)),
        Case((RETURNS, 0.8), _ewma(RETURNS, 0.8)),
        Case((_f64([0.02]), 0.9), _f64([0.0004])),
    ]
    run_check(
        "q3",
        ewma_variance,
        cases,
        hints=[_swapped_weights, _pandas_adjust, _lagged, _zero_start, _volatility_not_variance],
    )


def _ahead(returns, horizon) -> np.ndarray:
    squared = _f64(returns) ** 2
    return np.array(
        [np.sqrt(squared[t + 1 : t + 1 + horizon].sum()) for t in range(len(squared) - horizon)]
    )


def q4(realised_volatility_ahead) -> None:
    """``realised_volatility_ahead(returns, horizon)``: sqrt of r[t+1]² + ... + r[t+horizon]²."""
    cases = [
        Case((_f64([0.5, 0.03, -0.04, 0.0]), 2), _f64([0.05, 0.04])),
        Case((RETURNS, 5), _ahead(RETURNS, 5)),
        Case((RETURNS, 1), _ahead(RETURNS, 1)),
        Case((RETURNS, 3), _ahead(RETURNS, 3)),
    ]
    run_check(
        "q4", realised_volatility_ahead, cases, hints=[_includes_today, _std_ahead, _mean_not_sum]
    )


def _r2(forecast, actual) -> float:
    forecast, actual = _f64(forecast), _f64(actual)
    return float(1 - np.sum((actual - forecast) ** 2) / np.sum(actual**2))


def q5(out_of_sample_r2) -> None:
    """``out_of_sample_r2(forecast, actual)``: 1 - SSE(forecast) / SSE(zero forecast)."""
    actual = _f64([0.01, -0.02, 0.015, 0.03, -0.005])
    cases = [
        Case((np.zeros(5), actual), 0.0),
        Case((actual, actual), 1.0),
        Case((actual / 2, actual), 0.75),
        Case(
            (_f64([0.002, 0.001, -0.003, 0.004, 0.0]), actual),
            _r2([0.002, 0.001, -0.003, 0.004, 0.0], actual),
        ),
        Case((-actual, actual), -3.0),
    ]
    run_check("q5", out_of_sample_r2, cases, hints=[_against_mean, _ratio_only, _absolute])


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _length(case: Case, returned) -> str | None:
    if np.shape(returned) != np.shape(case.expected):
        return (
            f"{len(case.args[0])} prices give len(prices) - 1 = {len(case.expected)} returns: "
            "no value for the first day, which has no day before it."
        )
    return None


def _simple(case: Case, returned) -> str | None:
    prices = case.args[0]
    if matches(returned, prices[1:] / prices[:-1] - 1):
        return "that is the simple return p[i+1] / p[i] - 1: take the log of the ratio instead."
    return None


def _change(case: Case, returned) -> str | None:
    if matches(returned, np.diff(case.args[0])):
        return "that is the price change in dollars: a return is the log of the ratio of prices."
    return None


def _reversed(case: Case, returned) -> str | None:
    if matches(returned, -case.expected) and np.any(case.expected):
        return "the sign is flipped: log of the later price over the earlier, log(p[i+1] / p[i])."
    return None


def _excludes_today(case: Case, returned) -> str | None:
    returns, days, horizon = case.args
    if len(returned) == len(case.expected) - 1 and matches(
        returned, _rolling(returns[:-1], days, horizon)
    ):
        return (
            "the window of day t ends with day t itself, r[t - days + 1 : t + 1]: the forecast "
            "made on day t knows that day's return."
        )
    return None


def _windows_std(returns, days, horizon, start) -> np.ndarray:
    """sqrt(horizon) x the standard deviation of each window of ``days`` returns from ``start``."""
    windows = np.lib.stride_tricks.sliding_window_view(_f64(returns)[start:], days)
    return np.sqrt(horizon) * windows.std(axis=1)


STD_HINT = (
    "use the mean of the squared returns (or their sum), not the standard deviation: np.std "
    "subtracts the mean return, and a volatility measure does not."
)


def _std(case: Case, returned) -> str | None:
    returns, days, horizon = case.args
    stds = [
        _windows_std(returns, days, horizon, 0),
        _windows_std(returns, days, horizon, 0) * np.sqrt(days / max(days - 1, 1)),
    ]
    if days > 1 and any(matches(np.asarray(returned), std) for std in stds):
        return STD_HINT
    return None


def _std_ahead(case: Case, returned) -> str | None:
    returns, horizon = case.args
    std = _windows_std(returns, horizon, 1, 1) * np.sqrt(horizon)
    if horizon > 1 and (
        matches(np.asarray(returned), std)
        or matches(np.asarray(returned), std * np.sqrt(horizon / (horizon - 1)))
    ):
        return STD_HINT
    return None


def _no_horizon(case: Case, returned) -> str | None:
    horizon = case.args[2]
    if horizon > 1 and matches(np.asarray(returned), case.expected / np.sqrt(horizon)):
        return (
            "scale to the horizon: sqrt(horizon * mean of squares) is the volatility of "
            "`horizon` days."
        )
    return None


def _summed_window(case: Case, returned) -> str | None:
    days = case.args[1]
    if days > 1 and matches(np.asarray(returned), case.expected * np.sqrt(days)):
        return "average the squared returns over the `days` of the window (the mean, not the sum)."
    return None


def _swapped_weights(case: Case, returned) -> str | None:
    returns, decay = case.args
    if not np.isclose(decay, 0.5) and matches(np.asarray(returned), _ewma(returns, 1 - decay)):
        return (
            "the weights are swapped: decay multiplies the previous variance v[t - 1], and "
            "1 - decay the new squared return."
        )
    return None


def _pandas_adjust(case: Case, returned) -> str | None:
    returns, decay = case.args
    squared = _f64(returns) ** 2
    weights = decay ** np.arange(len(squared))[::-1]
    adjusted = [
        np.sum(weights[-t - 1 :] * squared[: t + 1]) / weights[-t - 1 :].sum()
        for t in range(len(squared))
    ]
    if len(squared) > 1 and matches(np.asarray(returned), np.array(adjusted)):
        return (
            "that is pandas' ewm with adjust=True, which reweights the first days: the recursion "
            "is ewm(alpha=1 - decay, adjust=False)."
        )
    return None


def _lagged(case: Case, returned) -> str | None:
    if len(case.args[0]) > 1 and matches(np.asarray(returned), _ewma(*case.args, lagged=True)):
        return "v[t] adds the squared return r[t] ** 2 of the same day t, not r[t - 1] ** 2."
    return None


def _zero_start(case: Case, returned) -> str | None:
    returns, decay = case.args
    from_zero = _ewma(returns, decay, start=(1 - decay) * returns[0] ** 2)
    if matches(np.asarray(returned), from_zero):
        return "the recursion starts from v[0] = r[0] ** 2, not from a variance of 0."
    return None


def _volatility_not_variance(case: Case, returned) -> str | None:
    if matches(np.asarray(returned), np.sqrt(case.expected)):
        return "return the variance v itself, not its square root (the volatility)."
    return None


def _includes_today(case: Case, returned) -> str | None:
    returns, horizon = case.args
    squared = _f64(returns) ** 2
    from_today = np.sqrt(np.lib.stride_tricks.sliding_window_view(squared, horizon).sum(axis=1))
    if matches(np.asarray(returned), from_today) or matches(
        np.asarray(returned), from_today[: len(case.expected)]
    ):
        return (
            "the target starts the day after the forecast, r[t + 1] … r[t + horizon]: including "
            "r[t] leaks a return the forecast already knows."
        )
    return None


def _mean_not_sum(case: Case, returned) -> str | None:
    horizon = case.args[1]
    if horizon > 1 and matches(np.asarray(returned), case.expected / np.sqrt(horizon)):
        return (
            "realised volatility sums the squared returns of the horizon (the sum, not the mean)."
        )
    return None


def _against_mean(case: Case, returned) -> str | None:
    forecast, actual = case.args
    total = np.sum((actual - actual.mean()) ** 2)
    if np.isclose(returned, 1 - np.sum((actual - forecast) ** 2) / total) and not np.isclose(
        returned, case.expected
    ):
        return (
            "that compares with the mean of actual (scikit-learn's r2_score); the baseline here "
            "is the zero forecast: divide by sum(actual ** 2)."
        )
    return None


def _ratio_only(case: Case, returned) -> str | None:
    if np.isclose(returned, 1 - case.expected) and not np.isclose(case.expected, 0.5):
        return "R² is 1 - SSE / SSE(zero), not the ratio SSE / SSE(zero) itself."
    return None


def _absolute(case: Case, returned) -> str | None:
    forecast, actual = case.args
    if np.isclose(returned, 1 - np.sum(np.abs(actual - forecast)) / np.sum(np.abs(actual))):
        return "square the errors: sum((actual - forecast) ** 2), not their absolute values."
    return None
