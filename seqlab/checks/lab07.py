"""Public checks for lab 07, entity recognition: ``from seqlab.checks import lab07 as check``.

=====  ============================================================  ===============================
check  your function                                                 returns
=====  ============================================================  ===============================
q1     ``entity_spans(tags)``                                        list of (type, start, end)
q2     ``entity_scores(true_tags, predicted_tags)``                  dict: precision, recall, F1
q3     ``most_frequent_tags(sentences, tags)``                       dict: token -> tag
q4     ``decode_predictions(probabilities, lengths, tag_names)``     list of lists of str
q5     ``build_tagger(vocabulary_size, num_tags, embedding_dim,      a Keras model
       units, bidirectional)``
=====  ============================================================  ===============================
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from seqlab.checks import text_models
from seqlab.checks.core import Case, run_check

SPECIES = ["B-SPECIES", "I-SPECIES", "O", "B-SPECIES", "I-SPECIES"]  # Panthera leo and Lox. afr.


def q1(entity_spans) -> None:
    """``entity_spans(tags)``: the entities of one sentence as (type, start, end), end exclusive."""
    cases = [
        Case((SPECIES,), [("SPECIES", 0, 2), ("SPECIES", 3, 5)]),
        Case((["O", "O", "B-PER"],), [("PER", 2, 3)]),
        Case((["B-LOC", "B-LOC", "I-LOC", "O"],), [("LOC", 0, 1), ("LOC", 1, 3)]),
        Case((["B-PER", "I-ORG", "I-ORG"],), [("PER", 0, 1), ("ORG", 1, 3)]),
        Case((["O", "I-MISC", "I-MISC", "O"],), [("MISC", 1, 3)]),
        Case((["O", "O"],), []),
        Case(([],), []),
    ]
    run_check(
        "q1",
        entity_spans,
        cases,
        hints=[_end_inclusive, _orphan_inside, _last_entity_lost, _type_change, _tuple_order],
    )


def q2(entity_scores) -> None:
    """``entity_scores(true_tags, predicted_tags)``: exact-span precision, recall and F1."""
    company = ["O", "O", "O"]  # Panthera Corporation announced
    cases = [
        Case(
            (
                [SPECIES, company],
                [["B-SPECIES", "I-SPECIES", "O", "B-SPECIES", "O"], ["B-SPECIES", "O", "O"]],
            ),
            {"precision": 1 / 3, "recall": 0.5, "F1": 0.4},
        ),
        Case(([SPECIES], [SPECIES]), {"precision": 1.0, "recall": 1.0, "F1": 1.0}),
        Case(([SPECIES], [["O"] * 5]), {"precision": 0.0, "recall": 0.0, "F1": 0.0}),
        Case(
            ([["B-PER", "I-PER", "O"]], [["B-ORG", "I-ORG", "O"]]),
            {"precision": 0.0, "recall": 0.0, "F1": 0.0},
        ),
        Case(
            ([["B-LOC"], ["O"], ["B-PER"]], [["O"], ["B-LOC"], ["B-PER"]]),
            {"precision": 0.5, "recall": 0.5, "F1": 0.5},
        ),
    ]
    run_check(
        "q2",
        entity_scores,
        cases,
        hints=[_token_accuracy, _arithmetic_mean, _swapped_ratios, _pooled_across_sentences],
        error_hints={
            ZeroDivisionError: "when nothing is predicted (or nothing is true), that ratio is 0.0."
        },
    )


def q3(most_frequent_tags) -> None:
    """``most_frequent_tags(sentences, tags)``: each token's most frequent tag, ties: first seen."""
    cases = [
        Case(
            (
                [["Panthera", "leo"], ["Panthera", "Corporation"]],
                [["B-SPECIES", "I-SPECIES"], ["O", "O"]],
            ),
            {"Panthera": "B-SPECIES", "leo": "I-SPECIES", "Corporation": "O"},
        ),
        Case(
            (
                [["Vespa", "left"], ["The", "ship", "Vespa"], ["Vespa", "crabro"]],
                [["O", "O"], ["O", "O", "O"], ["B-SPECIES", "I-SPECIES"]],
            ),
            {"Vespa": "O", "left": "O", "The": "O", "ship": "O", "crabro": "I-SPECIES"},
        ),
        Case(
            ([["The", "the"], ["the"]], [["O", "B-X"], ["B-X"]]),
            {"The": "O", "the": "B-X"},
        ),
        Case(([["Leo"], ["Leo"], ["Leo"]], [["O"], ["B-X"], ["I-X"]]), {"Leo": "O"}),
    ]
    hints = [_last_seen, _tie_to_the_last, _tie_alphabetical, _lowercased, _one_tag_for_all]
    run_check("q3", most_frequent_tags, cases, hints=hints)


def q4(decode_predictions) -> None:
    """``decode_predictions(probabilities, lengths, tag_names)``: tag names, padding cut off."""
    tag_names = ["O", "B-SPECIES", "I-SPECIES"]
    probabilities = np.array(
        [
            [[0.1, 0.8, 0.1], [0.1, 0.2, 0.7], [0.9, 0.05, 0.05], [0.2, 0.7, 0.1]],
            [[0.6, 0.3, 0.1], [0.3, 0.3, 0.4], [0.5, 0.4, 0.1], [0.1, 0.1, 0.8]],
        ],
        dtype=np.float32,
    )
    cases = [
        Case(
            (probabilities, [4, 2], tag_names),
            [["B-SPECIES", "I-SPECIES", "O", "B-SPECIES"], ["O", "I-SPECIES"]],
        ),
        Case((probabilities[1:], [3], tag_names), [["O", "I-SPECIES", "O"]]),
        Case((probabilities[:1], [0], tag_names), [[]]),
        Case(
            (probabilities[:, :2], [2, 1], ["O", "B-PER", "I-PER"]),
            [["B-PER", "I-PER"], ["O"]],
        ),
    ]
    run_check(
        "q4",
        decode_predictions,
        cases,
        hints=[_wrong_axis, _indices_not_names, _kept_padding, _one_short],
    )


def tagger_summary(
    vocabulary_size: int, num_tags: int, embedding_dim: int, units: int, bidirectional: bool
) -> dict:
    """The summary of ``Embedding(mask_zero) -> [Bidirectional](LSTM(seq)) -> softmax Dense``."""
    lstm = text_models.RECURRENT_PARAMETERS["LSTM"](units, embedding_dim)
    directions = 2 if bidirectional else 1
    return {
        "layers": ["Embedding", "Bidirectional(LSTM)" if bidirectional else "LSTM", "Dense"],
        "sizes": [[vocabulary_size, embedding_dim], units, num_tags],
        "masks padding": True,
        "input shape": (None, None),
        "output shape": (None, None, num_tags),
        "output activation": "softmax",
        "parameters": vocabulary_size * embedding_dim
        + directions * lstm
        + (directions * units + 1) * num_tags,
        **text_models.expected_settings("LSTM"),
    }


def q5(build_tagger) -> None:
    """``build_tagger(vocabulary_size, num_tags, embedding_dim, units, bidirectional)``."""
    cases = [
        Case((100, 3, 8, 16, True), tagger_summary(100, 3, 8, 16, True)),
        Case((50, 5, 4, 6, False), tagger_summary(50, 5, 4, 6, False)),
    ]
    run_check("q5", text_models.summarised(build_tagger), cases, hints=[_tagger_hint])


# --- Hints: each recognises one common mistake from the case and the returned value. ---


def _spans(returned) -> list[tuple]:
    return [tuple(span) for span in returned]


def _end_inclusive(case: Case, returned) -> str | None:
    expected = [(kind, start, end - 1) for kind, start, end in case.expected]
    if expected and _spans(returned) == expected:
        return "end is exclusive, as in a slice: tokens[start:end] is the entity."
    return None


def _last_entity_lost(case: Case, returned) -> str | None:
    length = len(case.args[0])
    kept = [span for span in case.expected if span[2] != length]
    if kept != case.expected and _spans(returned) == kept:
        return "an entity that runs to the end of the sentence is an entity too: close it there."
    return None


def _orphan_inside(case: Case, returned) -> str | None:
    tags = case.args[0]
    kept = [span for span in case.expected if tags[span[1]].startswith("B-")]
    if kept != case.expected and _spans(returned) == kept:
        return "an I-X that does not continue an X entity starts one (the CoNLL rule)."
    return None


def _type_change(case: Case, returned) -> str | None:
    """The spans an I- tag of any type would give if it continued whatever entity is open."""
    spans = []
    for position, tag in enumerate(case.args[0]):
        if tag.startswith("I-") and spans and spans[-1][2] == position:
            spans[-1] = (spans[-1][0], spans[-1][1], position + 1)
        elif tag != "O":
            spans.append((tag[2:], position, position + 1))
    if spans != case.expected and _spans(returned) == spans:
        return "an I-ORG after a PER entity does not continue it: a new ORG entity starts."
    return None


def _tuple_order(case: Case, returned) -> str | None:
    expected = [(start, end, kind) for kind, start, end in case.expected]
    if expected and _spans(returned) == expected:
        return "put the type first: (type, start, end), e.g. ('SPECIES', 0, 2)."
    return None


def _token_accuracy(case: Case, scores) -> str | None:
    true_tags, predicted_tags = case.args
    pairs = [
        (t, p)
        for true, guess in zip(true_tags, predicted_tags, strict=True)
        for t, p in zip(true, guess, strict=True)
    ]
    accuracy = sum(t == p for t, p in pairs) / len(pairs)
    if isinstance(scores, dict) and any(np.isclose(v, accuracy) for v in scores.values()):
        return "score whole entities (spans from entity_spans), not tokens."
    return None


def _arithmetic_mean(case: Case, scores) -> str | None:
    expected = case.expected
    mean = (expected["precision"] + expected["recall"]) / 2
    if (
        isinstance(scores, dict)
        and np.isclose(scores.get("F1", -1), mean)
        and mean != expected["F1"]
    ):
        return "F1 is the harmonic mean: 2 * precision * recall / (precision + recall)."
    return None


def _swapped_ratios(case: Case, scores) -> str | None:
    expected = case.expected
    if isinstance(scores, dict) and (
        np.isclose(scores.get("precision", -1), expected["recall"])
        and np.isclose(scores.get("recall", -1), expected["precision"])
    ):
        return "precision divides by the entities found (predicted), recall by the true ones."
    return None


def _pooled_across_sentences(case: Case, scores) -> str | None:
    if len(case.args[0]) == 3 and isinstance(scores, dict) and scores.get("F1") == 1.0:
        return (
            "an entity is right only in its own sentence: compare spans sentence by sentence, "
            "e.g. with the sentence number as part of each span."
        )
    return None


def _pairs(case: Case) -> list[tuple[str, str]]:
    sentences, tags = case.args
    rows = zip(sentences, tags, strict=True)
    return [(token, tag) for row in rows for token, tag in zip(*row, strict=True)]


def _last_seen(case: Case, table) -> str | None:
    if table == dict(_pairs(case)):
        return "count every tag of a token and keep the most frequent, not the last one seen."
    return None


def _tie_to_the_last(case: Case, table) -> str | None:
    counts: dict[str, Counter] = {}
    for token, tag in _pairs(case):
        counts.setdefault(token, Counter())[tag] += 1
    last_of_ties = {
        token: max(reversed(list(tags)), key=tags.__getitem__) for token, tags in counts.items()
    }
    if table == last_of_ties:
        return "on a tie, keep the tag seen first (Counter.most_common keeps that order)."
    return None


def _tie_alphabetical(case: Case, table) -> str | None:
    counts: dict[str, Counter] = {}
    for token, tag in _pairs(case):
        counts.setdefault(token, Counter())[tag] += 1
    first_by_name = {token: min(tags, key=lambda tag: (-tags[tag], tag)) for token, tags in
                     counts.items()}
    if table == first_by_name != case.expected:
        return (
            "on a tie, keep the tag seen first (Counter.most_common keeps that order), not the "
            "one first in alphabetical order."
        )
    return None


def _one_tag_for_all(case: Case, table) -> str | None:
    if isinstance(table, dict) and len(set(table.values())) == 1 and len(set(
        case.expected.values()
    )) > 1:
        return "count the tags for each token on its own: tokens differ in their usual tag."
    return None


def _lowercased(case: Case, table) -> str | None:
    capitalised = any(token != token.lower() for token in case.expected)
    if capitalised and all(str(token) == str(token).lower() for token in table):
        return "keep each token as it is written: 'The' and 'the' are two tokens."
    return None


def _kept_padding(case: Case, tags) -> str | None:
    probabilities, lengths, _ = case.args
    steps = probabilities.shape[1]
    if (
        len(tags) == len(lengths)
        and any(length < steps for length in lengths)
        and all(len(row) == steps for row in tags)
    ):
        return "cut each sentence's tags to its length: the steps after it are padding."
    return None


def _one_short(case: Case, tags) -> str | None:
    probabilities, lengths, tag_names = case.args
    short = [
        [tag_names[j] for j in row[: max(length - 1, 0)]]
        for row, length in zip(probabilities.argmax(axis=-1), lengths, strict=True)
    ]
    if tags == short:
        return "keep lengths[i] tags for sentence i: its tokens are steps 0 ... lengths[i] - 1."
    return None


def _indices_not_names(case: Case, tags) -> str | None:
    flat = [tag for row in tags for tag in row] if isinstance(tags, list) else []
    if flat and all(isinstance(tag, int | np.integer) for tag in flat):
        return "return the tag names: look each index up in tag_names."
    return None


def _wrong_axis(case: Case, tags) -> str | None:
    probabilities, lengths, tag_names = case.args
    over_steps = [
        [tag_names[j] for j in row[:length]]
        for row, length in zip(probabilities.argmax(axis=1), lengths, strict=True)
    ]
    if tags == over_steps:
        return "take the argmax over the tags, the last axis (axis=-1): one tag per token."
    return None


def _tagger_hint(case: Case, summary) -> str | None:
    expected = case.expected
    settings = summary.get("recurrent settings") if isinstance(summary, dict) else None
    if settings and isinstance(settings[0], dict) and settings[0].get("go_backwards"):
        return text_models.model_hint(summary, expected)
    if (
        isinstance(summary, dict)
        and summary.get("layers") == ["Embedding", "LSTM", "Dense"]
        and (expected["layers"][1] == "Bidirectional(LSTM)")
    ):
        return "with bidirectional=True, wrap the LSTM: keras.layers.Bidirectional(LSTM(...))."
    return text_models.model_hint(summary, expected)
