"""Common mistakes of lab 09, forecasting (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_WINDOWS = '''
def make_windows_with_target(series, window, horizon):
    series = np.asarray(series, dtype={dtype})
    count = {count}
    inputs = np.lib.stride_tricks.sliding_window_view(series, window)[:count]
    targets = series[{target_start}:][:count]
    return {result}
'''
_WINDOWS_RIGHT = {
    "dtype": "np.float32",
    "count": "len(series) - window - horizon + 1",
    "target_start": "window + horizon - 1",
    "result": "inputs.copy(), targets.copy()",
}


def _windows(**wrong):
    return _WINDOWS.format(**(_WINDOWS_RIGHT | wrong))


_SCALE = '''
def standardize(train, val, test):
    mean, std = {stats}
    return tuple(((np.asarray(split) - mean) / std).astype({dtype}) for split in (train, val, test))
'''


def _scale(stats="np.nanmean(train), np.nanstd(train)", dtype="np.float32"):
    return _SCALE.format(stats=stats, dtype=dtype)


_MAE = "def persistence_mae(inputs, targets):\n    return {}\n"

_FIT = '''
def fit_linear_forecaster(inputs, targets):
    design = {design}
    coefficients, *_ = np.linalg.lstsq(design, np.asarray(targets, dtype=np.float64), rcond=None)
    return {result}
'''


def _fit(design="np.column_stack([inputs, np.ones(len(inputs))]).astype(np.float64)",
         result="coefficients"):
    return _FIT.format(design=design, result=result)


def _forecaster(*layers, compile_it=False):
    listed = ", ".join(layers)
    tail = "\n    model.compile(optimizer='adam', loss='mae')" if compile_it else ""
    return f'''
def build_forecaster(window, features, units):
    model = keras.Sequential([{listed}]){tail}
    return model
'''


_IN = "keras.Input(shape=(window, features))"

MISTAKES = {
    "q1": [
        Mistake("target one step late", _windows(target_start="window + horizon"), "+1 step off"),
        Mistake("target one step early", _windows(target_start="window + horizon - 2"), "-1 step off"),
        Mistake("one window short", _windows(count="len(series) - window - horizon"),
                "one for every start whose target"),
        Mistake("float64", _windows(dtype="np.float64"), "return float32 arrays"),
        Mistake("features axis added", _windows(result="inputs[..., np.newaxis].copy(), targets.copy()"),
                "a model adds the features axis itself"),
        Mistake("a list of windows", _windows(result="[list(w) for w in inputs], targets.copy()"),
                "NumPy array"),
    ],
    "q2": [
        Mistake("each split on its own", """
            def standardize(train, val, test):
                return tuple(((np.asarray(s) - np.nanmean(s)) / np.nanstd(s)).astype(np.float32)
                             for s in (train, val, test))
            """, "each split was scaled with its own statistics"),
        Mistake("statistics from all splits", _scale(
            stats="np.nanmean(np.concatenate([train, val, test])), np.nanstd(np.concatenate([train, val, test]))"),
                "came from all three splits"),
        Mistake("np.mean with gaps", _scale(stats="np.mean(train), np.std(train)"), "np.nanmean and np.nanstd"),
        Mistake("ddof=1", _scale(stats="np.nanmean(train), np.nanstd(train, ddof=1)"), "ddof=0"),
        Mistake("float64", _scale(dtype="np.float64"), "float32"),
        Mistake("a list", """
            def standardize(train, val, test):
                mean, std = np.nanmean(train), np.nanstd(train)
                return [((np.asarray(s) - mean) / std).astype(np.float32) for s in (train, val, test)]
            """, "a tuple, not a list"),
    ],
    "q3": [
        Mistake("first value of the window", _MAE.format("float(np.mean(np.abs(targets - inputs[:, 0])))"),
                "not the first"),
        Mistake("no absolute value", _MAE.format("float(np.mean(targets - inputs[:, -1]))"),
                "absolute value"),
        Mistake("squared error", _MAE.format("float(np.sqrt(np.mean((targets - inputs[:, -1]) ** 2)))"),
                "squared error"),
        Mistake("summed, not averaged", _MAE.format("float(np.sum(np.abs(targets - inputs[:, -1])))"),
                "not their sum"),
        Mistake("a NumPy float32", _MAE.format("np.mean(np.abs(targets - inputs[:, -1]))"),
                "Python float"),
    ],
    "q4": [
        Mistake("no intercept", _fit(design="np.asarray(inputs, dtype=np.float64)"), "add a column of ones"),
        Mistake("intercept first", _fit(design="np.column_stack([np.ones(len(inputs)), inputs]).astype(np.float64)"),
                "put the intercept last"),
        Mistake("float32", _fit(result="coefficients.astype(np.float32)"), "float64"),
        Mistake("weights in reverse order", _fit(result="np.concatenate([coefficients[-2::-1], coefficients[-1:]])"),
                "weights in window order"),
    ],
    "q5": [
        Mistake("every step", _forecaster(_IN, "keras.layers.GRU(units, return_sequences=True)", "keras.layers.Dense(1)"),
                "leave return_sequences=False"),
        Mistake("ReLU output", _forecaster(_IN, "keras.layers.GRU(units)", "keras.layers.Dense(1, activation='relu')"),
                "without an activation"),
        Mistake("compiled", _forecaster(_IN, "keras.layers.GRU(units)", "keras.layers.Dense(1)", compile_it=True),
                "not compiled"),
        Mistake("an LSTM", _forecaster(_IN, "keras.layers.LSTM(units)", "keras.layers.Dense(1)"),
                "exactly keras.layers.GRU(units)"),
        Mistake("Input((None, features))", _forecaster("keras.Input(shape=(None, features))",
                                                        "keras.layers.GRU(units)", "keras.layers.Dense(1)"),
                "shape=(window, features)"),
        Mistake("go_backwards", _forecaster(_IN, "keras.layers.GRU(units, go_backwards=True)", "keras.layers.Dense(1)"),
                "go_backwards"),
    ],
}

VARIANTS = {
    "q1": [Variant("a loop", """
        def make_windows_with_target(series, window, horizon):
            xs, ys = [], []
            for start in range(len(series) - window - horizon + 1):
                xs.append(series[start:start + window])
                ys.append(series[start + window + horizon - 1])
            return (np.array(xs, dtype="float32").reshape(-1, window), np.array(ys, dtype="float32"))
        """)],
    "q2": [Variant("one statistic at a time", """
        def standardize(train, val, test):
            centre = np.nanmean(train)
            spread = np.sqrt(np.nanmean((np.asarray(train) - centre) ** 2))
            scale = lambda x: np.float32((np.asarray(x, dtype=np.float64) - centre) / spread)
            return (np.asarray(scale(train), np.float32), np.asarray(scale(val), np.float32),
                    np.asarray(scale(test), np.float32))
        """)],
    "q3": [Variant("abs of the difference, mean()", """
        def persistence_mae(inputs, targets):
            last = np.array([window[-1] for window in inputs])
            return float(abs(np.asarray(targets) - last).mean())
        """)],
    "q4": [Variant("hstack", """
        def fit_linear_forecaster(inputs, targets):
            X = np.hstack([np.asarray(inputs, float), np.ones((len(inputs), 1))])
            return np.linalg.lstsq(X, np.asarray(targets, float), rcond=None)[0]
        """)],
    "q5": [Variant("functional", """
        def build_forecaster(window, features, units):
            x = keras.Input(shape=(window, features))
            return keras.Model(x, keras.layers.Dense(1)(keras.layers.GRU(units)(x)))
        """)],
}
