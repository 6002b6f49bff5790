"""Every dataset the course uses, offline.

In the style of ``keras.datasets`` and ``sklearn.datasets``: one ``load_<name>()``
per dataset that ships (inside an installed package, in ``datasets/``, or in the
Python standard library), ``fetch_<name>()`` for data that downloads into the
cache folder (``SEQLAB_DATA``, default ``~/.seqlab``), and readers for the real
formats (``load_conll``, ``load_aclimdb``, ``load_labelled_sentences`` for your own
CSV/TSV of sentences and labels).

Return conventions:

- Time series (``load_glucose``, ``load_sea_surface_temperature``,
  ``load_seattle_weather``, ``load_stocks``) return ``(train, val, test)``:
  pandas DataFrames with a DatetimeIndex, split chronologically 70/15/15 %;
  ``split="all"`` returns the whole series as one DataFrame.
- Labelled text (``load_sentiment``, ``load_topics``) returns
  ``(x_train, y_train), (x_test, y_test)``
  like ``keras.datasets``; ``split=`` picks one split as ``(x, y)``.
- Your own labelled sentences (``load_labelled_sentences``) are ``(texts, labels,
  classes)``: texts and int64 class indices as above, and the class names.
- Tagged sentences (``load_species``, ``load_conll``) are ``(tokens, tags)``:
  two lists of lists of strings, one inner list per sentence.
- Text (``load_python_source``) returns ``(train, val, test)`` strings.
- Music (``load_chorales``) returns ``(train, val, test)``: lists of pieces, each a list
  of ``(pitch, duration)`` notes (MIDI number or 0 for a rest, quarter notes).

``list_datasets()`` names them all; ``info(name)`` gives each one's card.
"""

from seqlab.datasets._files import DataFileError, data_dir
from seqlab.datasets._registry import DatasetInfo, info, list_datasets
from seqlab.datasets.chorales import load_chorales
from seqlab.datasets.conll import load_conll, to_iob2
from seqlab.datasets.corpora import load_sentiment, load_species, load_species_gazetteer
from seqlab.datasets.dates import fetch_spa_eng, load_dates, load_spa_eng
from seqlab.datasets.download import DownloadError, fetch_file, get_data_home
from seqlab.datasets.imdb import fetch_imdb, load_aclimdb, load_imdb
from seqlab.datasets.labelled import (
    TOPICS,
    LabelledSentences,
    load_labelled_sentences,
    load_topics,
)
from seqlab.datasets.morse import load_morse
from seqlab.datasets.text import fetch_shakespeare, load_python_source
from seqlab.datasets.timeseries import (
    chronological_split,
    load_glucose,
    load_sea_surface_temperature,
    load_seattle_weather,
    load_stocks,
)

__all__ = [
    # the registry
    "DatasetInfo",
    "info",
    "list_datasets",
    # data that ships: real series and text, music, generated corpora
    "load_chorales",
    "load_dates",
    "load_glucose",
    "load_morse",
    "load_python_source",
    "load_sea_surface_temperature",
    "load_seattle_weather",
    "load_sentiment",
    "load_species",
    "load_species_gazetteer",
    "load_stocks",
    "load_topics",
    "TOPICS",
    "chronological_split",
    # readers of real formats
    "load_aclimdb",
    "load_conll",
    "load_spa_eng",
    "load_imdb",
    "load_labelled_sentences",
    "LabelledSentences",
    "to_iob2",
    # the download path
    "fetch_file",
    "fetch_imdb",
    "fetch_spa_eng",
    "fetch_shakespeare",
    "get_data_home",
    # where the shipped files live, and the errors
    "data_dir",
    "DataFileError",
    "DownloadError",
]
