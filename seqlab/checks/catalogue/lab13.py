"""Common mistakes of lab 13, image captioning (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_STRIP = '''
def make_strip(images, slots, gap):
    count, height, width = images.shape
    strip = np.zeros({shape}{dtype})
    for slot, image in enumerate(images):
        left = slot * (width + gap)
        strip[:, left : left + width] = image
    return strip
'''
_STRIP_RIGHT = {"shape": "(height, slots * width + (slots - 1) * gap)", "dtype": ", dtype=images.dtype"}


def _strip(**wrong):
    return _STRIP.format(**(_STRIP_RIGHT | wrong))


_CAPTIONS = '''
def caption_arrays(captions, max_words):
    targets = np.zeros((len(captions), {columns}), dtype={dtype})
    for row, caption in enumerate(captions):
        ids = [{lookup} for word in caption.split()]{end}
        targets[row, : len(ids)] = ids
    decoder_inputs = {inputs}
    return decoder_inputs, targets
'''
_CAPTIONS_RIGHT = {
    "columns": "max_words + 1",
    "dtype": "np.int32",
    "lookup": "WORDS.index(word)",
    "end": " + [END]",
    "inputs": "np.concatenate([np.full((len(captions), 1), START, dtype=targets.dtype), targets[:, :-1]], axis=1)",
}


def _captions(**wrong):
    return _CAPTIONS.format(**(_CAPTIONS_RIGHT | wrong))


_BEAM = '''
def beam_step(scores, log_probs, finished, width):
    total = {total}
    {finished}
    flat = total.ravel()
    candidates = np.flatnonzero(np.isfinite(flat))
    best = candidates[np.argsort({order}flat[candidates], kind="stable")][:width]
    parents, words = np.divmod(best, log_probs.shape[1])
    return parents, words, flat[best]
'''
_BEAM_RIGHT = {
    "total": "scores[:, None] + log_probs",
    "finished": "total[finished] = -np.inf\n    total[finished, PAD] = scores[finished]",
    "order": "-",
}


def _beam(**wrong):
    return _BEAM.format(**(_BEAM_RIGHT | wrong))


_ACCURACY = '''
def word_accuracy(predicted, true):
    found, total = 0, 0
    for guess, caption in zip(predicted, true):
        guess_words, true_words = {guess}, caption.split()
        found += {found}
        total += {total}
    return found / total
'''
_ACCURACY_RIGHT = {
    "guess": "guess.split() if guess else []",
    "found": "sum(a == b for a, b in zip(guess_words, true_words))",
    "total": "len(true_words)",
}


def _accuracy(**wrong):
    return _ACCURACY.format(**(_ACCURACY_RIGHT | wrong))


MISTAKES = {
    "q1": [
        Mistake(
            "images stacked as rows",
            '''
def make_strip(images, slots, gap):
    count, height, width = images.shape
    strip = np.zeros((slots * height, width), dtype=images.dtype)
    for slot, image in enumerate(images):
        strip[slot * height : (slot + 1) * height] = image
    return strip
''',
            "along the columns (axis 1)",
        ),
        Mistake("gap left out of the width", _strip(shape="(height, slots * width)").replace("left = slot * (width + gap)", "left = slot * width"), "put `gap` blank columns"),
        Mistake("a gap after every slot", _strip(shape="(height, slots * (width + gap))"), "no gap after the last slot"),
        Mistake("only as many slots as images", _strip(shape="(height, count * width + (count - 1) * gap)"), "room for `slots` images"),
        Mistake("always float64", _strip(dtype=""), "expected dtype float32"),
    ],
    "q2": [
        Mistake("no end token", _captions(end=""), "ends with the end token"),
        Mistake("decoder reads the targets", _captions(inputs="targets.copy()"), "targets themselves"),
        Mistake("digits as ids", _captions(lookup="WORDS.index(word) - 3"), "not the digits"),
        Mistake("padding instead of the start token", _captions(inputs="np.concatenate([np.zeros((len(captions), 1), dtype=targets.dtype), targets[:, :-1]], axis=1)"), "starts with START"),
        Mistake("no room for the end token", _captions(columns="max_words"), "max_words + 1 columns"),
        Mistake("int64 ids", _captions(dtype="np.int64"), "expected dtype int32"),
    ],
    "q3": [
        Mistake("worst first", _beam(order=""), "best first"),
        Mistake("ranked by the new word alone", _beam(total="log_probs.copy()", finished="total[finished] = -np.inf\n    total[finished, PAD] = 0.0"), "caption's score plus"),
        Mistake("finished captions extended", _beam(finished="pass"), "a finished caption is extended only by PAD"),
        Mistake(
            "each caption's best word only",
            '''
def beam_step(scores, log_probs, finished, width):
    total = scores[:, None] + log_probs
    total[finished] = -np.inf
    total[finished, PAD] = scores[finished]
    words = np.argmax(total, axis=1)
    best = total[np.arange(len(scores)), words]
    keep = [i for i in np.argsort(-best, kind="stable") if np.isfinite(best[i])][:width]
    return np.array(keep, dtype=int), words[keep], best[keep]
''',
            "rank the extensions of all captions together",
        ),
    ],
    "q4": [
        Mistake("exact match", _accuracy(found="int(guess == caption)", total="1"), "that is exact match"),
        Mistake("extra words counted", _accuracy(total="max(len(guess_words), len(true_words))"), "divide by the number of true words only"),
        Mistake(
            "mean of each caption's share",
            '''
def word_accuracy(predicted, true):
    shares = []
    for guess, caption in zip(predicted, true):
        guess_words, true_words = (guess.split() if guess else []), caption.split()
        shares.append(sum(a == b for a, b in zip(guess_words, true_words)) / len(true_words))
    return float(np.mean(shares))
''',
            "pool the words of all captions",
        ),
        Mistake("words in any order", _accuracy(found="len(set(guess_words) & set(true_words))"), "at the same position"),
        Mistake("None not handled", _accuracy(guess="guess.split()"), "may be None"),
    ],
}

VARIANTS = {
    "q1": [
        Variant(
            "blank slots appended with np.pad",
            '''
def make_strip(images, slots, gap):
    count, height, width = images.shape
    pieces = []
    for slot in range(slots):
        pieces.append(images[slot] if slot < count else np.zeros((height, width), images.dtype))
        if slot < slots - 1:
            pieces.append(np.zeros((height, gap), images.dtype))
    return np.concatenate(pieces, axis=1)
''',
        ),
    ],
    "q2": [
        Variant(
            "a dict of ids and np.roll",
            '''
def caption_arrays(captions, max_words):
    ids = {word: index for index, word in enumerate(WORDS)}
    targets = np.array([[ids[w] for w in c.split()] + [END] + [PAD] * (max_words - len(c.split())) for c in captions], dtype=np.int32)
    decoder_inputs = np.roll(targets, 1, axis=1)
    decoder_inputs[:, 0] = START
    return decoder_inputs, targets
''',
        ),
    ],
    "q3": [
        Variant(
            "a sorted list of tuples",
            '''
def beam_step(scores, log_probs, finished, width):
    options = []
    for b in range(len(scores)):
        if finished[b]:
            options.append((-scores[b], b, PAD))
        elif np.isfinite(scores[b]):
            options.extend((-(scores[b] + log_probs[b, w]), b, w) for w in range(log_probs.shape[1]) if np.isfinite(log_probs[b, w]))
    options = sorted(options)[:width]
    return (np.array([b for _, b, _ in options]), np.array([w for _, _, w in options]), np.array([-s for s, _, _ in options]))
''',
        ),
    ],
    "q4": [Variant("the loop of the catalogue, right", _accuracy())],
}
