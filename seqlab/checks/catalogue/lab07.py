"""Common mistakes of lab 07, entity recognition (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_SPANS = '''
def entity_spans(tags):
    spans, start, kind = [], None, None
    for position, tag in enumerate({tags}):
        continues = start is not None and {continues}
        if start is not None and not continues:
            spans.append({span})
            start = None
        if {starts}:
            start, kind = position, tag[2:]
    return spans
'''
_SPANS_RIGHT = {
    "tags": '[*tags, "O"]',
    "continues": 'tag == f"I-{kind}"',
    "span": "(kind, start, position)",
    "starts": 'tag.startswith("B-") or (tag.startswith("I-") and not continues)',
}


def _spans(**wrong):
    return _SPANS.format(**(_SPANS_RIGHT | wrong))


_SCORES = '''
def entity_scores(true_tags, predicted_tags):
    true = {true}
    found = {found}
    correct = len(true & found)
    precision = {precision}
    recall = {recall}
    f1 = {f1}
    return {{"precision": precision, "recall": recall, "F1": f1}}
'''
_SCORES_RIGHT = {
    "true": "{(i, *span) for i, tags in enumerate(true_tags) for span in entity_spans(tags)}",
    "found": "{(i, *span) for i, tags in enumerate(predicted_tags) for span in entity_spans(tags)}",
    "precision": "correct / len(found) if found else 0.0",
    "recall": "correct / len(true) if true else 0.0",
    "f1": "2 * precision * recall / (precision + recall) if correct else 0.0",
}


def _scores(**wrong):
    return _SCORES.format(**(_SCORES_RIGHT | wrong))


_DECODE = "def decode_predictions(probabilities, lengths, tag_names):\n    best = {best}\n    return {result}\n"
_DECODE_RIGHT = {
    "best": "np.argmax(probabilities, axis=-1)",
    "result": "[[tag_names[j] for j in row[:length]] for row, length in zip(best, lengths, strict=True)]",
}


def _decode(**wrong):
    return _DECODE.format(**(_DECODE_RIGHT | wrong))


def _tagger(*, recurrent="keras.layers.LSTM(units, return_sequences=True)", embedding="mask_zero=True",
            last='keras.layers.Dense(num_tags, activation="softmax")', wrap="keras.layers.Bidirectional(recurrent)"):
    return f'''
def build_tagger(vocabulary_size, num_tags, embedding_dim, units, bidirectional):
    recurrent = {recurrent}
    if bidirectional:
        recurrent = {wrap}
    return keras.Sequential([
        keras.Input(shape=(None,), dtype="int64"),
        keras.layers.Embedding(vocabulary_size, embedding_dim, {embedding}),
        recurrent,
        {last},
    ])
'''


MISTAKES = {
    "q1": [
        Mistake("end inclusive", _spans(span="(kind, start, position - 1)"), "end is exclusive"),
        Mistake("last entity never closed", _spans(tags="tags"), "runs to the end of the sentence"),
        Mistake("stray I- ignored", _spans(starts='tag.startswith("B-")'), "starts one (the CoNLL rule)"),
        Mistake("I- of another type continues", _spans(continues='tag.startswith("I-")'),
                "does not continue it"),
        Mistake("(start, end, type)", _spans(span="(start, position, kind)"), "put the type first"),
    ],
    "q2": [
        Mistake("token accuracy", """
            def entity_scores(true_tags, predicted_tags):
                pairs = [(t, p) for ts, ps in zip(true_tags, predicted_tags) for t, p in zip(ts, ps)]
                accuracy = sum(t == p for t, p in pairs) / len(pairs)
                return {"precision": accuracy, "recall": accuracy, "F1": accuracy}
            """, "score whole entities"),
        Mistake("arithmetic mean", _scores(f1="(precision + recall) / 2"), "harmonic mean"),
        Mistake("precision and recall swapped", _scores(
            precision="correct / len(true) if true else 0.0", recall="correct / len(found) if found else 0.0"),
                "precision divides by the entities found"),
        Mistake("spans pooled over sentences", _scores(
            true="{span for tags in true_tags for span in entity_spans(tags)}",
            found="{span for tags in predicted_tags for span in entity_spans(tags)}"),
                "sentence by sentence"),
        Mistake("ZeroDivisionError with nothing predicted", _scores(
            precision="correct / len(found)", f1="2 * precision * recall / (precision + recall)"),
                "that ratio is 0.0"),
    ],
    "q3": [
        Mistake("last tag seen", """
            def most_frequent_tags(sentences, tags):
                return {token: tag for tokens, row in zip(sentences, tags) for token, tag in zip(tokens, row)}
            """, "not the last one seen"),
        Mistake("ties to the alphabetically first tag", """
            def most_frequent_tags(sentences, tags):
                counts = defaultdict(Counter)
                for tokens, row in zip(sentences, tags):
                    for token, tag in zip(tokens, row):
                        counts[token][tag] += 1
                return {token: min(c, key=lambda tag: (-c[tag], tag)) for token, c in counts.items()}
            """, "keep the tag seen first"),
        Mistake("lower-cased tokens", """
            def most_frequent_tags(sentences, tags):
                counts = defaultdict(Counter)
                for tokens, row in zip(sentences, tags):
                    for token, tag in zip(tokens, row):
                        counts[token.lower()][tag] += 1
                return {token: c.most_common(1)[0][0] for token, c in counts.items()}
            """, "'The' and 'the' are two tokens"),
        Mistake("the most frequent tag overall", """
            def most_frequent_tags(sentences, tags):
                overall = Counter(tag for row in tags for tag in row).most_common(1)[0][0]
                return {token: overall for tokens in sentences for token in tokens}
            """, "for each token"),
    ],
    "q4": [
        Mistake("padding kept", _decode(result="[[tag_names[j] for j in row] for row in best]"),
                "cut each sentence's tags to its length"),
        Mistake("indices, not names", _decode(result="[[int(j) for j in row[:length]] for row, length in zip(best, lengths)]"),
                "look each index up in tag_names"),
        Mistake("argmax over the steps", _decode(best="np.argmax(probabilities, axis=1)"),
                "the last axis (axis=-1)"),
        Mistake("one step short", _decode(result="[[tag_names[j] for j in row[:length - 1]] for row, length in zip(best, lengths)]"),
                "lengths[i] tags"),
    ],
    "q5": [
        Mistake("no mask", _tagger(embedding="mask_zero=False"), "mask_zero=True"),
        Mistake("last state only", _tagger(recurrent="keras.layers.LSTM(units)"), "return_sequences=True"),
        Mistake("never bidirectional", _tagger(wrap="recurrent"), "wrap the LSTM"),
        Mistake("no softmax", _tagger(last="keras.layers.Dense(num_tags)"), "activation='softmax'"),
        Mistake("backwards only", _tagger(wrap="keras.layers.LSTM(units, return_sequences=True, go_backwards=True)"),
                "go_backwards"),
        Mistake("a GRU", _tagger(recurrent="keras.layers.GRU(units, return_sequences=True)"),
                "exactly these layers"),
    ],
}

VARIANTS = {
    "q1": [Variant("look-ahead loop", """
        def entity_spans(tags):
            result = []
            i = 0
            while i < len(tags):
                if tags[i] == "O":
                    i += 1
                    continue
                kind = tags[i][2:]
                j = i + 1
                while j < len(tags) and tags[j] == "I-" + kind:
                    j += 1
                result.append((kind, i, j))
                i = j
            return result
        """)],
    "q2": [Variant("counts by hand", """
        def entity_scores(true_tags, predicted_tags):
            true_total = found_total = right = 0
            for truth, guess in zip(true_tags, predicted_tags):
                t, g = set(entity_spans(truth)), set(entity_spans(guess))
                true_total += len(t); found_total += len(g); right += len(t & g)
            p = right / found_total if found_total else 0.0
            r = right / true_total if true_total else 0.0
            return {"precision": p, "recall": r, "F1": 0.0 if p + r == 0 else 2 * p * r / (p + r)}
        """)],
    "q3": [Variant("plain dicts", """
        def most_frequent_tags(sentences, tags):
            counts, best = {}, {}
            for tokens, row in zip(sentences, tags):
                for token, tag in zip(tokens, row):
                    c = counts.setdefault(token, {})
                    c[tag] = c.get(tag, 0) + 1
            for token, c in counts.items():
                best[token] = max(c, key=c.get)
            return best
        """)],
    "q4": [Variant("a loop", """
        def decode_predictions(probabilities, lengths, tag_names):
            out = []
            for i, n in enumerate(lengths):
                out.append([tag_names[int(np.argmax(probabilities[i, t]))] for t in range(n)])
            return out
        """)],
    "q5": [Variant("functional", """
        def build_tagger(vocabulary_size, num_tags, embedding_dim, units, bidirectional):
            ids = keras.Input(shape=(None,), dtype="int64")
            x = keras.layers.Embedding(vocabulary_size, embedding_dim, mask_zero=True)(ids)
            lstm = keras.layers.LSTM(units, return_sequences=True)
            x = (keras.layers.Bidirectional(lstm) if bidirectional else lstm)(x)
            return keras.Model(ids, keras.layers.Dense(num_tags, activation="softmax")(x))
        """)],
}
