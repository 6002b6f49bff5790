"""Common mistakes of lab 12, attention (format: :mod:`seqlab.checks.catalogue`)."""
# ruff: noqa: E501  (wrong answers written as a student would, one statement a line)

from seqlab.checks.catalogue import Mistake, Variant

_DATE = '''
def italian_date(year, month, day):
    weekday = ITALIAN_WEEKDAYS[{weekday}]
    number = {number}
    return f"{{weekday}} {{number}} {{{month}}} {{{year}}}"{case}
'''
_DATE_RIGHT = {
    "weekday": "datetime.date(year, month, day).weekday()",
    "number": '"1º" if day == 1 else str(day)',
    "month": "ITALIAN_MONTHS[month - 1]",
    "year": "year",
    "case": "",
}


def _date(**wrong):
    return _DATE.format(**(_DATE_RIGHT | wrong))


_ATTENTION = '''
def additive_attention(query, values, mask, scale):
    scores = np.sum({scale}np.tanh({inside}), axis=-1)
    scores = {masked}
    scores = scores - scores.max(axis={axis}, keepdims=True)
    weights = np.exp(scores) / np.exp(scores).sum(axis={axis}, keepdims=True)
    weights = {after}
    return {returned}
'''
_ATTENTION_RIGHT = {
    "scale": "scale * ",
    "inside": "query[:, :, None, :] + values[:, None, :, :]",
    "masked": "np.where(mask[:, None, :], scores, -1e9)",
    "axis": "-1",
    "after": "weights",
    "returned": "weights @ values, weights",
}


def _attention(**wrong):
    return _ATTENTION.format(**(_ATTENTION_RIGHT | wrong))


_DECODE = '''
def greedy_decode(h, states, mask, weights, start_id, end_id, max_length):
    embeddings, kernel, recurrent_kernel, bias, output_kernel, output_bias = weights
    token = np.full(len(h), start_id)
    written = np.zeros((len(h), max_length), dtype=np.int64)
    attention = np.zeros((len(h), max_length, states.shape[1]))
    finished = np.zeros(len(h), dtype=bool)
    for step in range(max_length):
        h = np.tanh(embeddings[{read}] @ kernel + h @ recurrent_kernel + bias)
        scores = {scores}
        alpha = np.exp(scores - scores.max(axis=1, keepdims=True))
        alpha /= alpha.sum(axis=1, keepdims=True)
        context = np.einsum("nt,ntu->nu", alpha, states)
        token = np.argmax({logits}, axis=1)
        written[:, step] = {write}
        attention[:, step] = {keep}
        finished |= token == end_id
    return written, attention
'''
_DECODE_RIGHT = {
    "read": "token",
    "scores": 'np.where(mask, np.einsum("ntu,nu->nt", states, h), -1e9)',
    "logits": "np.concatenate([h, context], axis=1) @ output_kernel + output_bias",
    "write": "np.where(finished, 0, token)",
    "keep": "np.where(finished[:, None], 0.0, alpha)",
}


def _decode(**wrong):
    return _DECODE.format(**(_DECODE_RIGHT | wrong))


_READ = '''
def most_attended(weights, text):
    characters = []
    for row in weights:
        {stop}
        characters.append(text[int({choice})])
    return {returned}
'''
_READ_RIGHT = {
    "stop": "if not row.any():\n            break",
    "choice": "np.argmax(row)",
    "returned": '"".join(characters)',
}


def _read(**wrong):
    return _READ.format(**(_READ_RIGHT | wrong))


MISTAKES = {
    "q1": [
        Mistake("isoweekday as the index", _date(weekday="datetime.date(year, month, day).isoweekday()"), "weekday is one day off"),
        Mistake("month used as the index", _date(month="ITALIAN_MONTHS[month]"), "month is one off"),
        Mistake("first of the month as 1", _date(number="str(day)"), "written 1º"),
        Mistake("day with a leading zero", _date(number='"1º" if day == 1 else f"{day:02d}"'), "no leading zero"),
        Mistake("capitalised", _date(case=".capitalize()"), "all lower case"),
        Mistake("two-digit year", _date(year="year % 100:02d"), "four digits"),
    ],
    "q2": [
        Mistake("scale forgotten", _attention(scale=""), "by `scale`"),
        Mistake("no tanh", _attention(inside="scale * (query[:, :, None, :] + values[:, None, :, :])", scale="").replace("np.tanh(", "("), "takes the tanh"),
        Mistake("padding not masked", _attention(masked="scores"), "padded value steps"),
        Mistake("softmax over the queries", _attention(axis="1"), "not over the queries"),
        Mistake("padding zeroed after the softmax", _attention(masked="scores", after="weights * mask[:, None, :]"), "after the softmax leaves rows"),
        Mistake("weights and context swapped", _attention(returned="weights, weights @ values"), "in this order"),
    ],
    "q3": [
        Mistake("keeps writing after the end token", _decode(write="token", keep="alpha"), "its tokens are 0 and its weights 0"),
        Mistake("padding not masked", _decode(scores='np.einsum("ntu,nu->nt", states, h)'), "padded input steps"),
        Mistake("Dense over h alone", _decode(logits="h @ output_kernel[: h.shape[1]] + output_bias"), "concatenation [h, context]"),
        Mistake("context before h", _decode(logits="np.concatenate([context, h], axis=1) @ output_kernel + output_bias"), "concatenation [h, context]"),
        Mistake("always reads the start token", _decode(read="np.full(len(h), start_id)"), "feed back the token just written"),
    ],
    "q4": [
        Mistake("does not stop at the end", _read(stop="pass"), "stop at the first row of zeros"),
        Mistake("smallest weight", _read(choice="np.argmin(row[: len(text)])"), "not the smallest"),
        Mistake("last of tied weights", _read(choice="len(row) - 1 - np.argmax(row[::-1])"), "first of the largest weights"),
        Mistake("returns a list", _read(returned="characters"), "return one str"),
    ],
}

VARIANTS = {
    "q1": [
        Variant(
            "calendar.weekday and a dict",
            '''
def italian_date(year, month, day):
    import calendar
    names = dict(enumerate(ITALIAN_WEEKDAYS))
    written_day = f"{day}º" if day == 1 else f"{day}"
    return " ".join([names[calendar.weekday(year, month, day)], written_day, ITALIAN_MONTHS[month - 1], str(year)])
''',
        ),
    ],
    "q2": [
        Variant(
            "loops over queries and values, scipy-free softmax",
            '''
def additive_attention(query, values, mask, scale):
    n, s, _ = query.shape
    t = values.shape[1]
    weights = np.zeros((n, s, t))
    for i in range(n):
        for j in range(s):
            scores = np.array([np.dot(scale, np.tanh(query[i, j] + values[i, k])) if mask[i, k] else -1e9 for k in range(t)])
            e = np.exp(scores - scores.max())
            weights[i, j] = e / e.sum()
    return np.einsum("nst,ntd->nsd", weights, values), weights
''',
        ),
    ],
    "q3": [
        Variant("the right loop without stopping early", _decode()),
    ],
    "q4": [
        Variant(
            "argmax over the rows, cut at the first zero row",
            '''
def most_attended(weights, text):
    alive = weights.any(axis=1)
    steps = len(alive) if alive.all() else int(np.argmin(alive))
    return "".join(text[i] for i in weights[:steps].argmax(axis=1))
''',
        ),
    ],
}
