"""Labs 07 (entity recognition) and 08 (sentiment): checks, probes and grading end to end.

The solutions' answers are run in this process (their question cells, exec'd) and must pass
every public check and agree, on the probes' inputs, with references computed another way
(Keras's own layers and parameter counts, span sets built by hand); common mistakes must fail
with a hint that names them; grading a submission with one mistake loses exactly that question's
points and no other's.
"""

import string
from collections import Counter, defaultdict
from pathlib import Path

import keras
import nbformat
import numpy as np
import pytest
from labtools import (
    answers,
    failure,
    grade_mistake,
    observed,
    questions_that_lost_points,
    with_answer,
)

from seqlab import labs
from seqlab.checks import lab07, lab08
from seqlab.checks.compare import describe_mismatch
from seqlab.grading import probes as grader_probes

ROOT = Path(__file__).resolve().parents[1]
LABS = {"07": "07_entity_recognition", "08": "08_sentiment"}
CHECKS = {"07": lab07, "08": lab08}




@pytest.fixture(scope="module")
def lab07_answers():
    return answers("07")


@pytest.fixture(scope="module")
def lab08_answers():
    return answers("08")












# --- Independent references for the probes' inputs ---


def _spans_by_hand(tags):
    """Entities by the CoNLL rule, written as a scan over (prefix, type) pairs."""
    spans = []
    for position, tag in enumerate(tags):
        prefix, _, kind = tag.partition("-")
        if prefix == "I" and spans and spans[-1][0] == kind and spans[-1][2] == position:
            spans[-1] = (kind, spans[-1][1], position + 1)
        elif prefix in ("B", "I"):
            spans.append((kind, position, position + 1))
    return spans


def _scores_by_hand(true_tags, predicted_tags):
    right = found = true = 0
    for truth, guess in zip(true_tags, predicted_tags, strict=True):
        true_spans, found_spans = Counter(_spans_by_hand(truth)), Counter(_spans_by_hand(guess))
        right += sum((true_spans & found_spans).values())
        found += sum(found_spans.values())
        true += sum(true_spans.values())
    precision = right / found if found else 0.0
    recall = right / true if true else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "F1": 2 * precision * recall / (precision + recall) if right else 0.0,
    }


def _table_by_hand(sentences, tags):
    pairs = [pair for row in zip(sentences, tags, strict=True) for pair in zip(*row, strict=True)]
    table = {}
    for token in dict.fromkeys(token for token, _ in pairs):
        seen = [tag for other, tag in pairs if other == token]
        table[token] = max(dict.fromkeys(seen), key=seen.count)  # max keeps the first of ties
    return table


def _reference_07(question, call):
    args = call.args
    if question == "q1":
        return _spans_by_hand(*args)
    if question == "q2":
        return _scores_by_hand(*args)
    if question == "q3":
        return _table_by_hand(*args)
    if question == "q4":
        probabilities, lengths, tag_names = args
        tags = range(len(tag_names))
        return [
            [tag_names[max(tags, key=step.__getitem__)] for step in row[:length]]
            for row, length in zip(probabilities, lengths, strict=True)
        ]
    return lab07.tagger_summary(*args)


def _reference_08(question, call):
    args = call.args
    if question == "q1":
        texts, vocabulary = args
        layer = keras.layers.TextVectorization(output_mode="multi_hot", vocabulary=vocabulary)
        bags = keras.ops.convert_to_numpy(layer(np.array(texts)))[:, 1:]  # column 0: unknown
        return bags.astype(np.float32).reshape(len(texts), len(vocabulary))
    if question == "q2":
        labels, probabilities = args
        predicted = (probabilities > 0.5).astype(int)
        return float(np.mean([
            predicted[i] == labels[i] and predicted[i + 1] == labels[i + 1]
            for i in range(0, len(labels), 2)
        ]))  # fmt: skip
    if question == "q5":
        summary = lab08.topics_model_summary(*args)
        assert summary["parameters"] == _topics_model(*args).count_params()
        return summary
    vocabulary_size, embedding_dim, units, cell = args
    if question == "q3":
        return lab08.sentiment_model_summary(*args)
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int64"),
            keras.layers.Embedding(vocabulary_size, embedding_dim),
            getattr(keras.layers, cell)(units),
            keras.layers.Dense(1),
        ]
    )
    return model.count_params()


def _topics_model(vocabulary_size, embedding_dim, units, classes, last=None, loss=None):
    """Lab 08's topics model built here, its last layer and loss replaceable; compiled."""
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
        keras.layers.GRU(units),
        last or keras.layers.Dense(classes, activation="softmax"),
    ])  # fmt: skip
    model.compile(optimizer="adam", loss=loss or "sparse_categorical_crossentropy")
    return model


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("number", LABS)
def test_the_solution_agrees_with_the_reference_on_probe_inputs(number, seed):
    """The grader trusts the solution's results: they must be right on whatever is drawn."""
    namespace = answers(number)
    reference = {"07": _reference_07, "08": _reference_08}[number]
    probes = grader_probes.load(number)
    for question, calls in grader_probes.draw_calls(probes, seed).items():
        function = namespace[probes[question].function]
        for call in calls:
            result = observed(probes[question], function, call)
            problem = describe_mismatch(result, reference(question, call))
            assert problem is None, f"{call.text(probes[question].function)}: {problem}"


def test_probe_draws_cover_the_cases_that_matter():
    """Orphan I- tags, empty sentences, padding and both recurrent cells are drawn."""
    probes = {number: grader_probes.load(number) for number in LABS}
    calls = {number: grader_probes.draw_calls(probes[number], 3) for number in LABS}
    tags = [call.args[0] for call in calls["07"]["q1"]]
    assert [] in tags
    orphan = [row for row in tags if any(
        tag.startswith("I-") and (i == 0 or row[i - 1][2:] != tag[2:]) for i, tag in enumerate(row)
    )]  # fmt: skip
    assert orphan
    decode = calls["07"]["q4"]
    assert any(min(call.args[1]) < call.args[0].shape[1] for call in decode)  # padded rows
    assert {call.args[4] for call in calls["07"]["q5"]} == {True, False}
    assert {call.args[3] for call in calls["08"]["q3"]} == {"GRU", "LSTM"}
    classes = [call.args[3] for call in calls["08"]["q5"]]
    assert min(classes) >= 3 and max(classes) >= 6  # four classes fixed in the code fails one


# --- Lab 07: mistakes are located ---


def test_span_mistakes_are_recognised(lab07_answers):
    solution = lab07_answers["entity_spans"]

    def inclusive(tags):
        return [(kind, start, end - 1) for kind, start, end in solution(tags)]

    error = failure(lab07.q1, inclusive)
    assert (
        "q1: inclusive(['B-SPECIES', 'I-SPECIES', 'O', 'B-SPECIES', 'I-SPECIES']) "
        "item 0 item 2: got 1, expected 2"
    ) in str(error)
    assert "end is exclusive" in error.hint

    def loses_the_last(tags):
        spans, start, kind = [], None, None
        for position, tag in enumerate(tags):
            if start is not None and tag != "I-" + kind:
                spans.append((kind, start, position))
                start = None
            if tag.startswith("B-"):
                start, kind = position, tag[2:]
        return spans

    assert "runs to the end of the sentence" in failure(lab07.q1, loses_the_last).hint

    def ignores_orphans(tags):
        return [span for span in solution(tags) if tags[span[1]].startswith("B-")]

    assert "the CoNLL rule" in failure(lab07.q1, ignores_orphans).hint

    def any_inside_continues(tags):
        spans = []
        for position, tag in enumerate(tags):
            if tag.startswith("I-") and spans and spans[-1][2] == position:
                spans[-1] = (spans[-1][0], spans[-1][1], position + 1)
            elif tag != "O":
                spans.append((tag[2:], position, position + 1))
        return spans

    assert "a new ORG entity starts" in failure(lab07.q1, any_inside_continues).hint
    assert (
        "put the type first"
        in failure(lab07.q1, lambda tags: [(s, e, k) for k, s, e in solution(tags)]).hint
    )


def test_score_mistakes_are_recognised(lab07_answers):
    scores = lab07_answers["entity_scores"]

    def arithmetic_mean(true_tags, predicted_tags):
        result = scores(true_tags, predicted_tags)
        return {**result, "F1": (result["precision"] + result["recall"]) / 2}

    assert "harmonic mean" in failure(lab07.q2, arithmetic_mean).hint

    def swapped(true_tags, predicted_tags):
        result = scores(true_tags, predicted_tags)
        return {**result, "precision": result["recall"], "recall": result["precision"]}

    assert "divides by the entities found" in failure(lab07.q2, swapped).hint

    def pooled(true_tags, predicted_tags):
        spans = lab07_answers["entity_spans"]
        true = {span for tags in true_tags for span in spans(tags)}
        found = {span for tags in predicted_tags for span in spans(tags)}
        precision = len(true & found) / len(found) if found else 0.0
        recall = len(true & found) / len(true) if true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if true & found else 0.0
        return {"precision": precision, "recall": recall, "F1": f1}

    assert "in its own sentence" in failure(lab07.q2, pooled).hint

    def divides_by_zero(true_tags, predicted_tags):
        result = scores(true_tags, predicted_tags)
        found = sum(len(lab07_answers["entity_spans"](tags)) for tags in predicted_tags)
        return {**result, "precision": result["precision"] * found / found}

    error = failure(lab07.q2, divides_by_zero)
    assert "raised ZeroDivisionError" in str(error)
    assert "that ratio is 0.0" in error.hint


def test_token_accuracy_is_not_an_entity_score():
    def token_accuracy(true_tags, predicted_tags):
        truth, guess = np.concatenate(true_tags), np.concatenate(predicted_tags)
        accuracy = float(np.mean(truth == guess))
        return {"precision": accuracy, "recall": accuracy, "F1": accuracy}

    assert "score whole entities" in failure(lab07.q2, token_accuracy).hint


def test_most_frequent_tag_mistakes_are_recognised():
    def last_seen(sentences, tags):
        rows = zip(sentences, tags, strict=True)
        return {token: tag for row in rows for token, tag in zip(*row, strict=True)}

    assert "not the last one seen" in failure(lab07.q3, last_seen).hint

    def lower_cased(sentences, tags):
        counts = defaultdict(Counter)
        for row in zip(sentences, tags, strict=True):
            for token, tag in zip(*row, strict=True):
                counts[token.lower()][tag] += 1
        return {token: tag_counts.most_common(1)[0][0] for token, tag_counts in counts.items()}

    assert "'The' and 'the' are two tokens" in failure(lab07.q3, lower_cased).hint


def test_decoding_mistakes_are_recognised(lab07_answers):
    decode = lab07_answers["decode_predictions"]

    def keeps_padding(probabilities, lengths, tag_names):
        return decode(probabilities, [probabilities.shape[1]] * len(lengths), tag_names)

    assert "the steps after it are padding" in failure(lab07.q4, keeps_padding).hint

    def indices(probabilities, lengths, tag_names):
        return [list(row[:n]) for row, n in zip(probabilities.argmax(-1), lengths, strict=True)]

    assert "return the tag names" in failure(lab07.q4, indices).hint

    def over_steps(probabilities, lengths, tag_names):
        best = probabilities.argmax(axis=1)
        return [[tag_names[j] for j in row[:n]] for row, n in zip(best, lengths, strict=True)]

    assert "axis=-1" in failure(lab07.q4, over_steps).hint


def _tagger(return_sequences=True, mask_zero=True, bidirectional=True, activation="softmax"):
    def build_tagger(vocabulary_size, num_tags, embedding_dim, units, wants_bidirectional):
        recurrent = keras.layers.LSTM(units, return_sequences=return_sequences)
        if bidirectional and wants_bidirectional:
            recurrent = keras.layers.Bidirectional(recurrent)
        return keras.Sequential([
            keras.Input(shape=(None,), dtype="int64"),
            keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=mask_zero),
            recurrent,
            keras.layers.Dense(num_tags, activation=activation),
        ])  # fmt: skip

    return build_tagger


@pytest.mark.parametrize(
    ("build", "hint"),
    [
        (_tagger(return_sequences=False), "return_sequences=True"),
        (_tagger(mask_zero=False), "mask_zero=True"),
        (_tagger(bidirectional=False), "keras.layers.Bidirectional"),
        (_tagger(activation=None), "activation='softmax'"),
    ],
)
def test_tagger_mistakes_are_recognised(build, hint):
    assert hint in failure(lab07.q5, build).hint


def test_a_functional_tagger_passes_the_check(capsys):
    def build_tagger(vocabulary_size, num_tags, embedding_dim, units, bidirectional):
        ids = keras.Input(shape=(None,), dtype="int64")
        x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True)(ids)
        recurrent = keras.layers.LSTM(units, return_sequences=True)
        x = (keras.layers.Bidirectional(recurrent) if bidirectional else recurrent)(x)
        return keras.Model(ids, keras.layers.Dense(num_tags, activation="softmax")(x))

    lab07.q5(build_tagger)
    assert "q5: all" in capsys.readouterr().out


# --- Lab 08: mistakes are located ---


def _bags(lower=True, strip=True, counts=False):
    """A multi_hot with one step left out (lower-casing, stripping) or counting words."""

    def multi_hot(texts, vocabulary):
        bags = np.zeros((len(texts), len(vocabulary)), np.float32)
        for i, text in enumerate(texts):
            text = text.lower() if lower else text
            text = text.translate(str.maketrans("", "", string.punctuation)) if strip else text
            for word, n in Counter(text.split()).items():
                if word in vocabulary:
                    bags[i, vocabulary.index(word)] = n if counts else 1
        return bags

    return multi_hot


@pytest.mark.parametrize(
    ("multi_hot", "hint"),
    [
        (_bags(counts=True), "1.0 however often"),
        (_bags(lower=False), "lower-case each text"),
        (_bags(strip=False), "remove punctuation"),
    ],
)
def test_bag_of_words_mistakes_are_recognised(multi_hot, hint):
    assert hint in failure(lab08.q1, multi_hot).hint


def test_bag_of_words_dtype_and_shape_are_named(lab08_answers):
    solution = lab08_answers["multi_hot"]
    error = failure(lab08.q1, lambda texts, vocabulary: solution(texts, vocabulary).astype(int))
    assert "expected dtype float32" in str(error)
    error = failure(lab08.q1, lambda texts, vocabulary: solution(texts, vocabulary).T)
    assert "expected shape (1, 6)" in str(error)


def test_pair_accuracy_mistakes_are_recognised():
    def per_review(labels, probabilities):
        return float(np.mean((probabilities > 0.5) == labels))

    assert "both its reviews are right" in failure(lab08.q2, per_review).hint

    def overlapping(labels, probabilities):
        right = (probabilities > 0.5) == labels
        return float(np.mean(right[:-1] & right[1:]))

    assert "pairs do not overlap" in failure(lab08.q2, overlapping).hint


def _sentiment_model(return_sequences=False, activation="sigmoid", cell=None):
    def build_sentiment_model(vocabulary_size, embedding_dim, units, wanted_cell):
        layer = getattr(keras.layers, cell or wanted_cell)
        return keras.Sequential([
            keras.Input(shape=(None,), dtype="int64"),
            keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
            layer(units, return_sequences=return_sequences),
            keras.layers.Dense(1, activation=activation),
        ])  # fmt: skip

    return build_sentiment_model


@pytest.mark.parametrize(
    ("build", "hint"),
    [
        (_sentiment_model(return_sequences=True), "leave return_sequences at False"),
        (_sentiment_model(activation="softmax"), "activation='sigmoid'"),
        (_sentiment_model(cell="GRU"), "exactly these layers"),
    ],
)
def test_sentiment_model_mistakes_are_recognised(build, hint):
    assert hint in failure(lab08.q3, build).hint


def test_a_misspelt_layer_name_gets_a_hint():
    def build_sentiment_model(vocabulary_size, embedding_dim, units, cell):
        return getattr(keras.layers, cell.lower())(units)

    error = failure(lab08.q3, build_sentiment_model)
    assert "raised AttributeError" in str(error)
    assert "keras.layers.GRU or keras.layers.LSTM" in error.hint


@pytest.mark.parametrize(
    ("count", "hint"),
    [
        (lambda v, d, u, cell: v * d + (3 if cell == "GRU" else 4) * u * (u + d + 1) + u + 1,
         "two bias vectors"),
        (lambda v, d, u, cell: (3 * u * (u + d + 2) if cell == "GRU" else 4 * u * (u + d + 1))
         + u + 1, "Embedding's table"),
        (lambda v, d, u, cell: v * d + (3 * u * (u + d + 2) if cell == "GRU"
                                        else 4 * u * (u + d + 1)), "Dense layer on top"),
        (lambda v, d, u, cell: v * d + (4 * u * (u + d + 1) if cell == "GRU"
                                        else 3 * u * (u + d + 2)) + u + 1, "four blocks"),
    ],
)  # fmt: skip
def test_parameter_count_mistakes_are_recognised(count, hint):
    assert hint in failure(lab08.q4, count).hint


@pytest.mark.parametrize(
    "loss",
    [
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
        keras.losses.sparse_categorical_crossentropy,
        keras.losses.SparseCategoricalCrossentropy(),
    ],
    ids=["name", "class name", "function", "object"],
)
def test_a_loss_reads_the_same_however_it_is_given(loss):
    model = _topics_model(20, 3, 4, 5, loss=loss)
    assert eval(lab08.TOPICS_MODEL_SUMMARY, {"result": model})["loss"] == lab08.SPARSE_LOSS
    assert lab08.topics_model_summary(20, 3, 4, 5)["parameters"] == model.count_params()


@pytest.mark.parametrize(
    ("last", "loss", "hint"),
    [
        (keras.layers.Dense(1, activation="sigmoid"), "binary_crossentropy", "a single unit"),
        (keras.layers.Dense(4, activation="softmax"), None, "not a fixed number"),
        (keras.layers.Dense(3), None, "activation='softmax'"),
        (None, "categorical_crossentropy", "expects one-hot rows"),
        (None, keras.losses.SparseCategoricalCrossentropy(from_logits=True), "from_logits"),
    ],
)
def test_topics_model_mistakes_are_recognised(last, loss, hint):
    def build_topics_model(vocabulary_size, embedding_dim, units, classes):
        layer = None if last is None else type(last).from_config(last.get_config())
        return _topics_model(vocabulary_size, embedding_dim, units, classes, layer, loss)

    assert hint in failure(lab08.q5, build_topics_model).hint


def test_a_topics_model_not_compiled_is_told_to_compile():
    def build_topics_model(vocabulary_size, embedding_dim, units, classes):
        return keras.Sequential([
            keras.Input(shape=(None,), dtype="int64"),
            keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True),
            keras.layers.GRU(units),
            keras.layers.Dense(classes, activation="softmax"),
        ])  # fmt: skip

    assert "compile the model" in failure(lab08.q5, build_topics_model).hint


@pytest.mark.parametrize("number", LABS)
def test_messages_never_show_answer_code(number):
    notebook = nbformat.read(ROOT / "solutions" / f"{LABS[number]}.ipynb", as_version=4)
    answer_lines, inside = [], False
    for cell in notebook.cells:
        for line in cell.source.splitlines():
            if line.strip() in (labs.BEGIN, labs.END):
                inside = line.strip() == labs.BEGIN
            elif inside and len(line.strip()) > 12:
                answer_lines.append(line.strip())
    check = CHECKS[number]
    for question in grader_probes.load(number):
        error = failure(getattr(check, question), lambda *args, **kwargs: 0)
        shown = str(error) + "\n".join(error._render_traceback_())
        assert not [line for line in answer_lines if line in shown]


# --- Grading end to end ---

MISTAKES = {
    # lab 07: no guard against dividing by zero: the call where nothing is predicted (one of
    # four) raises ZeroDivisionError
    "07": (
        "q2",
        "def entity_scores(true_tags, predicted_tags):\n"
        "    true = {(i, *s) for i, t in enumerate(true_tags) for s in entity_spans(t)}\n"
        "    found = {(i, *s) for i, t in enumerate(predicted_tags) for s in entity_spans(t)}\n"
        "    p, r = len(true & found) / len(found), len(true & found) / len(true)\n"
        '    return {"precision": p, "recall": r, "F1": 2 * p * r / (p + r) if p + r else 0.0}\n',
        {"q1": 2, "q2": 1.5, "q3": 2, "q4": 2, "q5": 2},
    ),
    # lab 08: an LSTM counted like a GRU: the two LSTM calls of four fail
    "08": (
        "q4",
        "def count_parameters(vocabulary_size, embedding_dim, units, cell):\n"
        "    recurrent = 3 * units * (units + embedding_dim + 2)\n"
        "    return vocabulary_size * embedding_dim + recurrent + units + 1\n",
        {"q1": 2, "q2": 2, "q3": 2, "q4": 1, "q5": 2},
    ),
}


@pytest.mark.parametrize("number", LABS)
def test_grading_takes_points_off_one_mistake_and_nothing_else(number, tmp_path):
    name = LABS[number]
    solution_path = ROOT / "solutions" / f"{name}.ipynb"
    question, source, expected_scores = MISTAKES[number]
    mistaken = with_answer(solution_path, question, source)
    row = grade_mistake(solution_path, mistaken, tmp_path)

    questions = list(expected_scores)
    assert {q: float(row[q]) for q in questions} == expected_scores
    assert questions_that_lost_points(row) == {question}
