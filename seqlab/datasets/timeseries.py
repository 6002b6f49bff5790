"""Real measured time series, read from the data files of installed packages.

``bokeh-sampledata`` ships continuous glucose readings, sea-surface temperatures
and daily stock prices; ``vega_datasets`` ships the daily Seattle weather. The
loaders read those packages' files directly (nothing is copied into seqlab) and
return pandas DataFrames with a sorted DatetimeIndex, split chronologically.

What the loaders do to the raw files, and nothing more: rows with a repeated
timestamp keep only their first reading (3 in glucose, 1 in sea-surface
temperature), the glucose sensor's ``nil`` current becomes NaN, and column names
become lowercase identifiers. Gaps in time are left as they are: the index is
not resampled to a regular grid, so check ``frame.index.to_series().diff()``
before making windows, and resample when the model needs a regular step.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from seqlab.datasets._registry import DatasetInfo, check_choice, register

SPLITS = ("train", "val", "test", "all")


def chronological_split(
    frame: pd.DataFrame, fractions: Sequence[float] = (0.7, 0.15, 0.15)
) -> tuple[pd.DataFrame, ...]:
    """Cut ``frame`` into consecutive, non-overlapping pieces in time order.

    The first ``fractions[0]`` of the rows (rounded to whole rows) form the first
    piece, the next ``fractions[1]`` the second, and so on, so every validation
    and test row comes after every training row.

    Args:
        frame: rows indexed by a sorted DatetimeIndex.
        fractions: the share of rows in each piece, each positive, summing to 1.

    Returns:
        one DataFrame per fraction, in time order.

    Raises:
        ValueError: the index is not sorted, or the fractions are not positive
            or do not sum to 1.
    """
    if not frame.index.is_monotonic_increasing:
        raise ValueError("The frame's index is not sorted in time; call frame.sort_index() first.")
    shares = np.asarray(fractions, dtype=float)
    if shares.ndim != 1 or (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise ValueError(f"fractions must be positive and sum to 1; got {tuple(fractions)}.")
    bounds = [0, *np.round(np.cumsum(shares)[:-1] * len(frame)).astype(int), len(frame)]
    return tuple(
        frame.iloc[start:stop] for start, stop in zip(bounds[:-1], bounds[1:], strict=True)
    )


def _select(frame: pd.DataFrame, split: str | None):
    """``(train, val, test)`` for ``split=None``, else the one piece named by ``split``."""
    if split is None:
        return chronological_split(frame)
    check_choice(split, SPLITS)
    if split == "all":
        return frame
    return chronological_split(frame)[SPLITS.index(split)]


def _package_file(package: str, pip_name: str, *parts: str) -> Path:
    """The path of a data file inside an installed package, without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(
            f"This dataset is read from the {pip_name!r} package, which is not installed. "
            f"Install it with `pip install {pip_name}` (seqlab's own dependencies include it).",
            name=package,
        )
    path = Path(spec.submodule_search_locations[0], *parts)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing from the installed {pip_name!r} package. "
            f"Reinstall it with `pip install --force-reinstall {pip_name}`."
        )
    return path


def _bokeh_file(name: str) -> Path:
    return _package_file("bokeh_sampledata", "bokeh-sampledata", "_data", name)


def _first_per_timestamp(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame.index.duplicated(keep="first")].sort_index()


def load_glucose(split: str | None = None):
    """Continuous glucose monitor readings of one person, every 5 minutes, March–October 2010.

    Args:
        split: ``None`` for ``(train, val, test)`` split chronologically 70/15/15;
            ``"train"``, ``"val"`` or ``"test"`` for one of them; ``"all"`` for
            the whole series.

    Returns:
        DataFrames indexed by ``time`` (the device's clock, datetime64 without
        a time zone), 52,278 rows in all, with columns

        - ``glucose``: int64, blood glucose in mg/dL; the sensor reports 40 to
          400, so values at those bounds are clipped;
        - ``isig``: float64, the sensor's raw current in nA, NaN for the 1,061
          readings where the device logged none.

        Readings are mostly 5 minutes apart; 93 gaps are longer than an hour
        (the longest about 28 hours).
    """
    frame = pd.read_csv(
        _bokeh_file("CGM.csv.gz"),
        usecols=["datetime", "glucose", "isig"],
        index_col="datetime",
        parse_dates=["datetime"],
        na_values={"isig": ["nil"]},
        dtype={"glucose": "int64", "isig": "float64"},
    )
    frame.index.name = "time"
    return _select(_first_per_timestamp(frame[["glucose", "isig"]]), split)


def load_sea_surface_temperature(split: str | None = None):
    """Sea-surface temperature at buoy B01 off the coast of Maine, every 30 minutes, 2016–2017.

    Args:
        split: as for ``load_glucose``.

    Returns:
        DataFrames indexed by ``time`` (UTC, timezone-aware), 19,225 rows in all,
        from 2016-02-15 to 2017-03-22, with one column ``temperature``: float64,
        water temperature in °C. Two gaps are longer than 30 minutes (1 and 12
        hours).
    """
    frame = pd.read_csv(_bokeh_file("sea_surface_temperature.csv.gz"), index_col=0, parse_dates=[0])
    frame.columns = ["temperature"]
    frame.index.name = "time"
    return _select(_first_per_timestamp(frame), split)


def _read_stocks() -> pd.DataFrame:
    frame = pd.read_csv(_bokeh_file("stocks.csv.gz"), parse_dates=["Date"])
    frame.columns = [name.lower().replace(" ", "_") for name in frame.columns]
    return frame


def load_stocks(symbol: str = "AAPL", split: str | None = None):
    """Daily prices of one stock, from March 2000 (or its listing) to 1 March 2013.

    Args:
        symbol: the ticker, one of ``"AAPL"``, ``"FB"``, ``"GOOG"``, ``"IBM"``,
            ``"MSFT"``. FB starts in May 2012 and GOOG in August 2004.
        split: as for ``load_glucose``.

    Returns:
        DataFrames indexed by ``date`` (trading days only), with columns
        ``open``, ``high``, ``low``, ``close`` (float64, US dollars, as traded:
        not adjusted, so they jump at stock splits), ``volume`` (int64, shares
        traded) and ``adj_close`` (float64, US dollars, adjusted for splits and
        dividends: use it to model a price over the years). AAPL, IBM and MSFT
        have 3,270 rows.

    Raises:
        ValueError: ``symbol`` is not one of the five; the message lists them.
    """
    stocks = _read_stocks()
    check_choice(symbol, sorted(stocks["ticker"].unique()), what="symbol")
    frame = stocks[stocks["ticker"] == symbol].drop(columns="ticker").set_index("date")
    return _select(_first_per_timestamp(frame), split)


def load_seattle_weather(split: str | None = None):
    """Daily weather measured in Seattle, 2012–2015.

    Args:
        split: as for ``load_glucose``.

    Returns:
        DataFrames indexed by ``date``, 1,461 days in all, no gaps, with columns
        ``precipitation`` (float64, mm), ``temp_max`` and ``temp_min`` (float64,
        °C), ``wind`` (float64, mean wind speed in m/s) and ``weather`` (str, one
        of ``"drizzle"``, ``"fog"``, ``"rain"``, ``"snow"``, ``"sun"``).
    """
    frame = pd.read_csv(
        _package_file("vega_datasets", "vega_datasets", "_data", "seattle-weather.csv"),
        index_col="date",
        parse_dates=["date"],
    )
    return _select(_first_per_timestamp(frame), split)


register(
    DatasetInfo(
        name="glucose",
        title="Continuous glucose monitor readings of one person, every 5 minutes",
        origin="package",
        source=(
            "Blood glucose readings supplied to the Bokeh project by a private donor; read from "
            "bokeh-sampledata's _data/CGM.csv.gz."
        ),
        license="Public domain (bokeh-sampledata's datasets.json: maintainer-confirmed)",
        size=(
            "52,278 rows (52,281 in the file, 3 repeated timestamps dropped), "
            "2010-03-24 to 2010-10-10; 316 kB compressed, 1.6 MB as CSV"
        ),
        fields={
            "time": "index, datetime64, the device's clock (no time zone)",
            "glucose": "int64, blood glucose in mg/dL, clipped by the sensor to 40..400",
            "isig": "float64, raw sensor current in nA, NaN in 1,061 rows",
        },
        used_in="09 forecasting: predict glucose 30 minutes ahead; 01 sequence data: a series",
        loader="load_glucose()",
    )
)

register(
    DatasetInfo(
        name="sea_surface_temperature",
        title="Sea-surface temperature at NERACOOS buoy B01, Western Maine Shelf, every 30 minutes",
        origin="package",
        source=(
            "NERACOOS station B01 (University of Maine), dataset B01_sbe37_all; read from "
            "bokeh-sampledata's _data/sea_surface_temperature.csv.gz."
        ),
        license=(
            "Free to use and redistribute, not for legal use, no warranty (NERACOOS terms, "
            "recorded in bokeh-sampledata's datasets.json)"
        ),
        size=(
            "19,225 rows (1 repeated timestamp dropped), 2016-02-15 to 2017-03-22; "
            "76 kB compressed, 514 kB as CSV"
        ),
        fields={
            "time": "index, datetime64 UTC",
            "temperature": "float64, water temperature in °C",
        },
        used_in="09 forecasting: a smooth series with daily and seasonal cycles",
        loader="load_sea_surface_temperature()",
    )
)

register(
    DatasetInfo(
        name="stocks",
        title="Daily stock prices of AAPL, FB, GOOG, IBM and MSFT up to 1 March 2013",
        origin="package",
        source=(
            "Quandl WIKI Prices (archived copy); read from bokeh-sampledata's _data/stocks.csv.gz."
        ),
        license="Public domain (Quandl's publisher notice, per bokeh-sampledata's datasets.json)",
        size=(
            "12,154 rows over 5 symbols: AAPL, IBM, MSFT 3,270 each (2000-03-01 to 2013-03-01), "
            "GOOG 2,148 (from 2004-08-19), FB 196 (from 2012-05-18); 294 kB compressed"
        ),
        fields={
            "date": "index, datetime64, trading days",
            "open, high, low, close": "float64, US dollars, as traded (not split-adjusted)",
            "volume": "int64, shares traded",
            "adj_close": "float64, US dollars, adjusted for splits and dividends",
        },
        used_in="15 financial series: prices, returns and volatility of three stocks at once",
        loader='load_stocks(symbol="AAPL")',
    )
)

register(
    DatasetInfo(
        name="seattle_weather",
        title="Daily weather measured in Seattle, 2012-2015",
        origin="package",
        source=(
            "NOAA daily records for Seattle, prepared by the Vega project; read from "
            "vega_datasets' _data/seattle-weather.csv (not seattle-temps, which is a smoothed "
            "climate normal)."
        ),
        license="Public domain (NOAA data; vega_datasets' code is MIT)",
        size="1,461 days, 2012-01-01 to 2015-12-31, no gaps; 48 kB as CSV",
        fields={
            "date": "index, datetime64, one row a day",
            "precipitation": "float64, mm",
            "temp_max": "float64, daily maximum temperature in °C",
            "temp_min": "float64, daily minimum temperature in °C",
            "wind": "float64, mean wind speed in m/s",
            "weather": "str, drizzle / fog / rain / snow / sun",
        },
        used_in="09 forecasting: several features at once",
        loader="load_seattle_weather()",
    )
)
