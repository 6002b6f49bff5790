"""The generators of the corpora that ship in ``datasets/``, deterministic from their seeds.

``generated_files()`` gives the text of every generated file by its path in the data
folder; ``python -m seqlab.datasets.generate`` writes them. The output is the same on
every run and every supported Python: the generators draw from their own seeded
``random.Random``, iterate over tuples and lists only, and write no floats.
"""

from __future__ import annotations

from seqlab.datasets.generators import sentiment, species, topics


def generated_files() -> dict[str, str]:
    """Path in the data folder (``"sentiment/train.tsv"``...) -> the file's text."""
    files = {
        f"sentiment/{split}.tsv": sentiment.to_tsv(reviews)
        for split, reviews in sentiment.generate().items()
    }
    files.update(
        (f"species/{split}.conll", species.to_conll(sentences))
        for split, sentences in species.generate().items()
    )
    files["species/gazetteer.tsv"] = species.gazetteer_tsv()
    files.update(
        (f"topics/{split}.tsv", topics.to_tsv(reports))
        for split, reports in topics.generate().items()
    )
    return files
