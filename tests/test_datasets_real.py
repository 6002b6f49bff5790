"""The real-data loaders and the readers of real formats (no network needed)."""

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import seqlab.datasets as datasets
from seqlab.datasets.text import PYTHON_SOURCE_MODULES

TIME_SERIES = {
    "glucose": datasets.load_glucose,
    "sea_surface_temperature": datasets.load_sea_surface_temperature,
    "stocks": datasets.load_stocks,
    "seattle_weather": datasets.load_seattle_weather,
}


# --- time series -----------------------------------------------------------


@pytest.mark.parametrize("loader", TIME_SERIES.values(), ids=TIME_SERIES.keys())
def test_time_series_split_chronologically_70_15_15(loader):
    train, val, test = loader()
    whole = loader(split="all")
    for piece in (train, val, test, whole):
        assert isinstance(piece, pd.DataFrame)
        assert isinstance(piece.index, pd.DatetimeIndex)
        assert piece.index.is_monotonic_increasing
        assert not piece.index.has_duplicates
    assert train.index[-1] < val.index[0] and val.index[-1] < test.index[0]
    pd.testing.assert_frame_equal(pd.concat([train, val, test]), whole)
    n = len(whole)
    assert abs(len(train) - 0.7 * n) <= 1 and abs(len(val) - 0.15 * n) <= 1
    assert whole.notna().any().all()


@pytest.mark.parametrize("loader", TIME_SERIES.values(), ids=TIME_SERIES.keys())
def test_one_split_by_name_is_that_piece_of_the_triple(loader):
    pieces = dict(zip(("train", "val", "test"), loader(), strict=True))
    for name, piece in pieces.items():
        pd.testing.assert_frame_equal(loader(split=name), piece)


@pytest.mark.parametrize("loader", TIME_SERIES.values(), ids=TIME_SERIES.keys())
def test_unknown_split_lists_the_valid_ones(loader):
    with pytest.raises(ValueError, match="'validation'.*'train', 'val', 'test', 'all'"):
        loader(split="validation")


def test_glucose_is_mg_per_dl_every_five_minutes():
    glucose = datasets.load_glucose(split="all")
    assert list(glucose.columns) == ["glucose", "isig"]
    assert glucose["glucose"].dtype == np.int64 and glucose["isig"].dtype == np.float64
    assert glucose["glucose"].between(40, 400).all()  # the sensor's range, mg/dL
    assert 50_000 < len(glucose) < 55_000
    assert glucose.index.to_series().diff().median() == pd.Timedelta(minutes=5)
    assert glucose["isig"].isna().sum() == 1061  # the device's "nil" readings


def test_sea_surface_temperature_is_celsius_every_half_hour_in_utc():
    sst = datasets.load_sea_surface_temperature(split="all")
    assert list(sst.columns) == ["temperature"]
    assert str(sst.index.tz) == "UTC"
    assert sst["temperature"].between(0, 30).all()  # Gulf of Maine water, °C
    assert sst.index.to_series().diff().median() == pd.Timedelta(minutes=30)
    assert 18_000 < len(sst) < 20_000


def test_stocks_prices_are_consistent_daily_rows():
    stocks = datasets.load_stocks("IBM", split="all")
    assert list(stocks.columns) == ["open", "high", "low", "close", "volume", "adj_close"]
    assert stocks["volume"].dtype == np.int64 and (stocks["volume"] > 0).all()
    prices = stocks[["open", "close"]]
    assert (prices.le(stocks["high"], axis=0) & prices.ge(stocks["low"], axis=0)).all().all()
    assert stocks.index[0] == pd.Timestamp("2000-03-01")
    assert stocks.index[-1] == pd.Timestamp("2013-03-01")
    assert len(datasets.load_stocks("FB", split="all")) < len(stocks)


def test_unknown_stock_symbol_lists_the_valid_ones():
    with pytest.raises(ValueError, match="'AMZN'.*'AAPL', 'FB', 'GOOG', 'IBM', 'MSFT'"):
        datasets.load_stocks("AMZN")


def test_seattle_weather_is_four_years_of_daily_measurements():
    weather = datasets.load_seattle_weather(split="all")
    assert list(weather.columns) == ["precipitation", "temp_max", "temp_min", "wind", "weather"]
    assert weather.index[0] == pd.Timestamp("2012-01-01")
    assert weather.index[-1] == pd.Timestamp("2015-12-31")
    assert (weather.index.to_series().diff().dropna() == pd.Timedelta(days=1)).all()
    assert (weather["temp_max"] >= weather["temp_min"]).all()
    assert (weather[["precipitation", "wind"]] >= 0).all().all()
    assert set(weather["weather"]) == {"drizzle", "fog", "rain", "snow", "sun"}


def test_missing_data_package_names_the_pip_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "bokeh_sampledata", None)  # find_spec: not installed
    with pytest.raises(ModuleNotFoundError, match="pip install bokeh-sampledata"):
        datasets.load_glucose()


def test_chronological_split_takes_the_given_fractions_in_time_order():
    frame = pd.DataFrame({"x": range(10)}, index=pd.date_range("2024-01-01", periods=10))
    first, second = datasets.chronological_split(frame, fractions=(0.8, 0.2))
    assert list(first["x"]) == list(range(8)) and list(second["x"]) == [8, 9]


@pytest.mark.parametrize(
    ("fractions", "message"),
    [((0.7, 0.2), "sum to 1"), ((1.2, -0.2), "positive")],
)
def test_chronological_split_rejects_bad_fractions(fractions, message):
    frame = pd.DataFrame({"x": range(10)}, index=pd.date_range("2024-01-01", periods=10))
    with pytest.raises(ValueError, match=message):
        datasets.chronological_split(frame, fractions)


def test_chronological_split_refuses_an_unsorted_frame():
    frame = pd.DataFrame(
        {"x": range(3)}, index=pd.to_datetime(["2024-01-03", "2024-01-01", "2024-01-02"])
    )
    with pytest.raises(ValueError, match="sort_index"):
        datasets.chronological_split(frame)


# --- the registry ----------------------------------------------------------

MINE = [
    "glucose",
    "sea_surface_temperature",
    "stocks",
    "seattle_weather",
    "python_source",
    "shakespeare",
    "imdb",
]


@pytest.mark.parametrize("name", MINE)
def test_every_real_dataset_has_a_full_card(name):
    card = datasets.info(name)
    assert name in datasets.list_datasets()
    for field in ("title", "source", "license", "size", "used_in", "loader"):
        assert getattr(card, field), f"{name}: empty {field}"
    assert card.fields
    assert re.match(r"\d\d ", card.used_in), "used_in names the notebook number"
    assert callable(getattr(datasets, card.loader.split("(")[0]))


def test_unknown_dataset_lists_the_valid_names():
    with pytest.raises(ValueError, match="'glucos'.*'glucose'.*'seattle_weather'"):
        datasets.info("glucos")


# --- Python source text ----------------------------------------------------

SEPARATOR = re.compile(r"^# ===== file: (\S+) =====$", re.MULTILINE)


def test_python_source_is_the_modules_split_between_files():
    train, val, test = datasets.load_python_source()
    total = len(train) + len(val) + len(test)
    assert 1_000_000 < total < 2_000_000
    assert abs(len(train) / total - 0.8) < 0.05 and abs(len(val) / total - 0.1) < 0.05
    files = []
    for text in (train, val, test):
        assert SEPARATOR.match(text), "each split starts with a whole file"
        files += SEPARATOR.findall(text)
    modules = [file.removesuffix(".py").removesuffix("/__init__") for file in files]
    assert modules == [name.replace(".", "/") for name in PYTHON_SOURCE_MODULES]


def test_python_source_holds_each_file_verbatim():
    text = "".join(datasets.load_python_source())
    for name in ("argparse", "json.decoder", "weakref"):
        source = Path(importlib.util.find_spec(name).origin).read_text(encoding="utf-8")
        assert source.rstrip() in text


# --- CoNLL -----------------------------------------------------------------

TWO_COLUMNS = """\
# generated by the species corpus
in O
the O
forest O
Panthera B-SPECIES
leo I-SPECIES

# a comment before the second sentence
# price O
Panthera B-ORG
Corporation I-ORG
"""

CONLL_2003 = """\
-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP B-LOC
"""


def test_conll_reads_the_two_column_layout_and_skips_comments_when_asked(tmp_path):
    path = tmp_path / "species.conll"
    path.write_text(TWO_COLUMNS, encoding="utf-8")
    tokens, tags = datasets.load_conll(path, comment="#")
    assert tokens == [["in", "the", "forest", "Panthera", "leo"], ["Panthera", "Corporation"]]
    assert tags == [["O", "O", "O", "B-SPECIES", "I-SPECIES"], ["B-ORG", "I-ORG"]]


def test_conll_keeps_a_hash_token_inside_a_sentence(tmp_path):
    path = tmp_path / "hash.conll"
    path.write_text("call O\n# O\n5 O\n", encoding="utf-8")
    assert datasets.load_conll(path, comment="#") == ([["call", "#", "5"]], [["O", "O", "O"]])


def test_conll_hash_opening_a_sentence_is_a_token_by_default(tmp_path):
    # CoNLL-2003 has no comments: a sentence may start with the token "#".
    path = tmp_path / "eng.train"
    path.write_text("# NN B-NP O\n1 CD I-NP O\n\nEU NNP B-NP I-ORG\n", encoding="utf-8")
    tokens, tags = datasets.load_conll(path)
    assert tokens == [["#", "1"], ["EU"]] and tags == [["O", "O"], ["I-ORG"]]
    assert datasets.load_conll(path, comment="#")[0] == [["1"], ["EU"]]


@pytest.mark.parametrize("first", ["-DOCSTART- -X- -X- O\n\n", ""])
def test_conll_drops_a_byte_order_mark(tmp_path, first):
    path = tmp_path / "bom.conll"
    path.write_text(first + "SOCCER NN B-NP O\n- : O O\n", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert datasets.load_conll(path) == ([["SOCCER", "-"]], [["O", "O"]])


def test_conll_reads_another_encoding_when_told(tmp_path):
    path = tmp_path / "latin.conll"
    path.write_bytes("Fran\u00e7ois B-PER\nM\u00fcller I-PER\n".encode("latin-1"))
    assert datasets.load_conll(path, encoding="latin-1")[0] == [["Fran\u00e7ois", "M\u00fcller"]]


def test_conll_wrong_encoding_names_file_line_and_the_option(tmp_path):
    path = tmp_path / "latin.conll"
    path.write_bytes("EU B-ORG\n\nM\u00fcller B-PER\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin\.conll, line 3: not valid utf-8 text.*encoding="):
        datasets.load_conll(path)


@pytest.mark.parametrize(
    ("text", "what"),
    [("", "is empty"), ("\n\n", "holds no token lines"),
     ("-DOCSTART- -X- -X- O\n\n", "holds no token lines")],
)
def test_conll_without_sentences_is_an_error_that_says_so(tmp_path, text, what):
    path = tmp_path / "empty.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"empty\.conll {what}: no sentence"):
        datasets.load_conll(path)


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["I-PER", "I-PER", "O", "I-LOC", "B-LOC"], ["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]),
        (["O", "I-ORG", "I-MISC", "I-MISC"], ["O", "B-ORG", "B-MISC", "I-MISC"]),
        (["B-PER", "I-PER", "O", "B-LOC", "B-LOC"], ["B-PER", "I-PER", "O", "B-LOC", "B-LOC"]),
        ([], []),
    ],
)
def test_to_iob2_converts_iob1_and_keeps_iob2(tags, expected):
    assert datasets.to_iob2(tags) == expected


def test_to_iob2_rejects_a_tag_outside_the_scheme():
    with pytest.raises(ValueError, match="'PER' is not an IOB tag"):
        datasets.to_iob2(["O", "PER"])


def test_conll_reads_conll_2003_and_drops_docstart(tmp_path):
    path = tmp_path / "eng.train"
    path.write_text(CONLL_2003, encoding="utf-8")
    tokens, entities = datasets.load_conll(path)
    assert tokens == [
        ["EU", "rejects", "German", "call", "."],
        ["Peter", "Blackburn"],
        ["BRUSSELS"],
    ]
    assert entities == [["B-ORG", "O", "B-MISC", "O", "O"], ["B-PER", "I-PER"], ["B-LOC"]]
    _, pos = datasets.load_conll(path, tag_column=1)
    assert pos[0] == ["NNP", "VBZ", "JJ", "NN", "."]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("EU NNP B-NP B-ORG\nrejects VBZ O\n", 2, "expected 4 columns"),
        ("in O\nforest\n", 2, "expected a token and a tag"),
        ("in O\n\n\nthe O extra\n", 4, "expected 2 columns"),
    ],
)
def test_conll_malformed_line_names_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "bad.conll"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=rf"bad\.conll, line {line}: {message}"):
        datasets.load_conll(path)


def test_conll_tag_column_out_of_range_is_an_error(tmp_path):
    path = tmp_path / "two.conll"
    path.write_text("in O\n", encoding="utf-8")
    with pytest.raises(ValueError, match="tag_column=3 is out of range"):
        datasets.load_conll(path, tag_column=3)


# --- aclImdb folder --------------------------------------------------------


def write_aclimdb(root, reviews):
    """Write ``{split: {label: {number: text}}}`` as an aclImdb folder under ``root``."""
    for split, labels in reviews.items():
        for label, files in labels.items():
            folder = root / "aclImdb" / split / label
            folder.mkdir(parents=True)
            for number, text in files.items():
                (folder / f"{number}_{7 if label == 'pos' else 2}.txt").write_text(
                    text, encoding="utf-8"
                )
    return root / "aclImdb"


def test_aclimdb_reads_labelled_reviews_in_a_fixed_interleaved_order(tmp_path):
    root = write_aclimdb(
        tmp_path,
        {
            "train": {
                "pos": {0: "Loved it.<br /><br />Again!", 10: "Great."},
                "neg": {0: "Dull.", 2: "Awful, not good."},
                "unsup": {0: "No label."},
            },
            "test": {"pos": {1: "Fine."}, "neg": {1: "Bad."}},
        },
    )
    texts, labels = datasets.load_aclimdb(root)
    assert list(texts) == ["Dull.", "Loved it.<br /><br />Again!", "Awful, not good.", "Great."]
    assert labels.tolist() == [0, 1, 0, 1] and labels.dtype == np.int64
    assert texts.dtype == object and texts.shape == labels.shape == (4,)
    texts, labels = datasets.load_aclimdb(root, split="test")
    assert list(texts) == ["Bad.", "Fine."] and labels.tolist() == [0, 1]


def test_aclimdb_unknown_split_and_missing_folder(tmp_path):
    root = write_aclimdb(tmp_path, {"train": {"pos": {0: "Good."}, "neg": {0: "Bad."}}})
    with pytest.raises(ValueError, match="'unsup'.*'train', 'test'"):
        datasets.load_aclimdb(root, split="unsup")
    with pytest.raises(FileNotFoundError, match=r"test/neg is missing.*fetch_imdb\(\)"):
        datasets.load_aclimdb(root, split="test")
