"""benchmarks/scale.py runs the lessons' own code: the functions it calls are defined in the
committed notebooks, and its generated corpora are what its docstring says (small sizes)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from seqlab.datasets import load_conll, to_iob2

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scale():
    spec = importlib.util.spec_from_file_location("scale", ROOT / "benchmarks" / "scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CALLED = {
    "08": ["fit_vectorizers", "bag_of_words_model", "recurrent_model", "train", "make_dataset",
           "probabilities", "accuracy", "majority_accuracy"],
    "07": ["read_conll", "train_tagger", "tag_corpus", "entity_scores", "unseen_entity_recall",
           "load_conll", "fit_vocabularies", "encode_tokens", "encode_tags", "build_tagger"],
}


@pytest.mark.parametrize("lesson", ["07", "08"])
def test_the_notebook_defines_every_function_the_benchmark_calls(scale, lesson):
    namespace = scale.notebook_definitions(scale.NOTEBOOKS[lesson])
    missing = [name for name in CALLED[lesson] if not callable(namespace.get(name))]
    assert not missing, f"notebook {lesson} no longer defines {missing}"
    if lesson == "07":
        assert 0 < namespace["WORD_DROPOUT"] < 1  # the rate the benchmark uses


def test_tagged_corpus_is_valid_iob1_with_unseen_test_words(scale, tmp_path, monkeypatch):
    monkeypatch.setattr(scale, "TAGGED", {"train": 1_400, "val": 300, "test": 350})
    paths = scale.tagged_corpus(tmp_path)
    train_tokens, train_tags = load_conll(paths["train"])
    test_tokens, test_tags = load_conll(paths["test"])
    assert len(train_tokens) == 1_400 and len(test_tokens) == 350
    tags = {tag for row in train_tags for tag in row}
    assert {"I-PER", "I-LOC", "I-ORG", "I-MISC", "O"} <= tags
    assert all(to_iob2(row) != row for row in train_tags if row[0].startswith("I-"))
    seen = {token for row in train_tokens for token in row}
    unseen = np.mean([token not in seen for row in test_tokens for token in row])
    assert 0.08 < unseen < 0.4, unseen  # a small train leaves more filler words unseen
    assert 12 < np.mean([len(row) for row in train_tokens]) < 17  # 200,000 / 14,000 tokens
