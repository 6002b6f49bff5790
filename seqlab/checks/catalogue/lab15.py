"""Common mistakes of lab 15, financial series (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

MISTAKES = {
    "q1": [
        Mistake(
            "simple returns",
            """
            def log_returns(prices):
                return prices[1:] / prices[:-1] - 1
            """,
            "simple return",
        ),
        Mistake(
            "price changes",
            """
            def log_returns(prices):
                return np.diff(prices)
            """,
            "price change",
        ),
        Mistake(
            "ratio upside down",
            """
            def log_returns(prices):
                return np.log(prices[:-1] / prices[1:])
            """,
            "sign is flipped",
        ),
        Mistake(
            "one value per price, the first day a zero",
            """
            def log_returns(prices):
                return np.concatenate([[0.0], np.diff(np.log(prices))])
            """,
            "len(prices) - 1",
        ),
    ],
    "q2": [
        Mistake(
            "standard deviation of the window",
            """
            def rolling_volatility(returns, days, horizon):
                windows = np.lib.stride_tricks.sliding_window_view(returns, days)
                return np.sqrt(horizon) * windows.std(axis=1)
            """,
            "not the standard deviation",
        ),
        Mistake(
            "pandas rolling std",
            """
            def rolling_volatility(returns, days, horizon):
                std = pd.Series(returns).rolling(days).std().to_numpy()[days - 1:]
                return np.sqrt(horizon) * std
            """,
            "not the standard deviation",
        ),
        Mistake(
            "not scaled to the horizon",
            """
            def rolling_volatility(returns, days, horizon):
                squared = np.asarray(returns) ** 2
                return np.sqrt(np.lib.stride_tricks.sliding_window_view(squared, days).mean(axis=1))
            """,
            "scale to the horizon",
        ),
        Mistake(
            "summed squares over the window",
            """
            def rolling_volatility(returns, days, horizon):
                squared = np.asarray(returns) ** 2
                return np.sqrt(horizon * np.lib.stride_tricks.sliding_window_view(squared, days).sum(axis=1))
            """,
            "the mean, not the sum",
        ),
        Mistake(
            "window ends the day before",
            """
            def rolling_volatility(returns, days, horizon):
                squared = np.asarray(returns) ** 2
                return np.array([np.sqrt(horizon * squared[t - days:t].mean()) for t in range(days, len(squared))])
            """,
            "ends with day t itself",
        ),
    ],
    "q3": [
        Mistake(
            "weights swapped",
            """
            def ewma_variance(returns, decay):
                variance = [returns[0] ** 2]
                for r in returns[1:]:
                    variance.append((1 - decay) * variance[-1] + decay * r**2)
                return np.array(variance)
            """,
            "weights are swapped",
        ),
        Mistake(
            "pandas ewm with adjust=True",
            """
            def ewma_variance(returns, decay):
                return pd.Series(np.asarray(returns) ** 2).ewm(alpha=1 - decay).mean().to_numpy()
            """,
            "adjust=False",
        ),
        Mistake(
            "yesterday's squared return",
            """
            def ewma_variance(returns, decay):
                variance = [returns[0] ** 2]
                for t in range(1, len(returns)):
                    variance.append(decay * variance[-1] + (1 - decay) * returns[t - 1] ** 2)
                return np.array(variance)
            """,
            "not r[t - 1] ** 2",
        ),
        Mistake(
            "started from a variance of 0",
            """
            def ewma_variance(returns, decay):
                variance, previous = [], 0.0
                for r in returns:
                    previous = decay * previous + (1 - decay) * r**2
                    variance.append(previous)
                return np.array(variance)
            """,
            "not from a variance of 0",
        ),
        Mistake(
            "volatility instead of variance",
            """
            def ewma_variance(returns, decay):
                variance = [returns[0] ** 2]
                for r in returns[1:]:
                    variance.append(decay * variance[-1] + (1 - decay) * r**2)
                return np.sqrt(variance)
            """,
            "not its square root",
        ),
    ],
    "q4": [
        Mistake(
            "target includes the forecast day",
            """
            def realised_volatility_ahead(returns, horizon):
                squared = np.asarray(returns) ** 2
                return np.sqrt(np.lib.stride_tricks.sliding_window_view(squared, horizon).sum(axis=1))[:-1]
            """,
            "leaks a return",
        ),
        Mistake(
            "pandas rolling sum not shifted",
            """
            def realised_volatility_ahead(returns, horizon):
                summed = pd.Series(np.asarray(returns) ** 2).rolling(horizon).sum()
                return np.sqrt(summed.to_numpy()[horizon - 1:])
            """,
            "leaks a return",
        ),
        Mistake(
            "mean of the squares",
            """
            def realised_volatility_ahead(returns, horizon):
                squared = np.asarray(returns) ** 2
                return np.sqrt(np.lib.stride_tricks.sliding_window_view(squared[1:], horizon).mean(axis=1))
            """,
            "the sum, not the mean",
        ),
        Mistake(
            "standard deviation times sqrt(horizon)",
            """
            def realised_volatility_ahead(returns, horizon):
                windows = np.lib.stride_tricks.sliding_window_view(np.asarray(returns)[1:], horizon)
                return windows.std(axis=1) * np.sqrt(horizon)
            """,
            "not the standard deviation",
        ),
    ],
    "q5": [
        Mistake(
            "scikit-learn's r2_score",
            """
            def out_of_sample_r2(forecast, actual):
                actual = np.asarray(actual)
                return float(1 - np.sum((actual - forecast) ** 2) / np.sum((actual - actual.mean()) ** 2))
            """,
            "mean of actual",
        ),
        Mistake(
            "the ratio without 1 -",
            """
            def out_of_sample_r2(forecast, actual):
                return float(np.sum((np.asarray(actual) - forecast) ** 2) / np.sum(np.asarray(actual) ** 2))
            """,
            "not the ratio",
        ),
        Mistake(
            "absolute errors",
            """
            def out_of_sample_r2(forecast, actual):
                actual = np.asarray(actual)
                return float(1 - np.sum(np.abs(actual - forecast)) / np.sum(np.abs(actual)))
            """,
            "square the errors",
        ),
    ],
}

VARIANTS = {
    "q1": [
        Variant(
            "log of the ratio, pandas",
            """
            def log_returns(prices):
                return np.log(pd.Series(prices)).diff().to_numpy()[1:]
            """,
        ),
    ],
    "q2": [
        Variant(
            "pandas rolling mean of squares",
            """
            def rolling_volatility(returns, days, horizon):
                mean = pd.Series(np.asarray(returns) ** 2).rolling(days).mean().to_numpy()[days - 1:]
                return np.sqrt(horizon * mean)
            """,
        ),
    ],
    "q3": [
        Variant(
            "pandas ewm with adjust=False",
            """
            def ewma_variance(returns, decay):
                return pd.Series(np.asarray(returns) ** 2).ewm(alpha=1 - decay, adjust=False).mean().to_numpy()
            """,
        ),
    ],
    "q4": [
        Variant(
            "pandas rolling sum shifted back",
            """
            def realised_volatility_ahead(returns, horizon):
                summed = pd.Series(np.asarray(returns) ** 2).rolling(horizon).sum().shift(-horizon)
                return np.sqrt(summed.to_numpy()[: len(returns) - horizon])
            """,
        ),
    ],
    "q5": [
        Variant(
            "with the mean squared errors",
            """
            def out_of_sample_r2(forecast, actual):
                return 1.0 - float(np.mean((actual - forecast) ** 2) / np.mean(np.square(actual)))
            """,
        ),
    ],
}
