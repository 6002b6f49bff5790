"""The sentiment corpus: one-sentence reviews whose label depends on word order and scope.

A review is built from clauses ``the <aspect> <verb> [negator] [intensifier] <adjective>``,
joined by a connective. The label (1 positive, 0 negative) follows one rule:

1. Every adjective has a fixed polarity, positive or negative (``POLARITY``).
2. A clause has its adjective's polarity, reversed when the clause is negated
   (``not``, ``never``, ``hardly``). Intensifiers (``very``, ``slightly``...) change nothing.
3. The review has the polarity of its main clause: the only clause of a simple review;
   the clause after ``but`` / ``yet`` / ``however``; the clause after an opening
   ``although`` / ``though`` / ``even though`` / ``while`` clause; the clause before a
   trailing ``although`` / ``even though`` / ``though`` clause. Clauses joined by ``and``
   agree, and so do the two halves of a correction (``good, not bad at all``;
   ``not bad, it was good``), so either one gives the label.

Every two-clause review has a *twin* made of exactly the same words (the same multiset
of tokens, punctuation included) whose label is the opposite: the adjectives trade places
(``good, but ... bad`` / ``bad, but ... good``) or the negator moves to the other clause
(``good and ... not bad`` / ``not good and ... bad``). The ``order`` split is made of such
twins only, so a bag-of-words model scores exactly 0.5 on it.

Held out: a fifth of the adjectives of each polarity never appear in a two-clause
review of ``train`` or ``test`` (they do appear in simple reviews there, so their
polarity can be learnt). Every ``order`` review is built from those adjectives only,
so no ``order`` review, nor any two-clause review with its adjectives, was seen in
training.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

SEED = 20240508
SIZES = {"train": 12_000, "test": 3_000, "order": 2_000}
HELD_OUT_FRACTION = 0.2


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Adjectives that fit any aspect.
GENERAL_POSITIVE = _words(
    "good great excellent wonderful superb fantastic lovely delightful pleasant brilliant "
    "solid decent impressive amazing outstanding enjoyable satisfying terrific splendid "
    "marvelous perfect nice superior exceptional remarkable stellar fabulous admirable "
    "pleasing likeable neat classy sublime glorious phenomenal magnificent commendable"
)
GENERAL_NEGATIVE = _words(
    "bad terrible awful horrible poor dreadful disappointing mediocre lousy shoddy subpar "
    "lackluster dismal atrocious abysmal unbearable pathetic unpleasant annoying frustrating "
    "awkward sloppy careless miserable inferior woeful appalling rotten dire useless pitiful "
    "horrendous ghastly substandard deplorable unacceptable irritating tiresome"
)


@dataclass(frozen=True)
class Domain:
    """What can be reviewed in one domain: its aspects and the adjectives that fit them."""

    name: str
    aspects: tuple[str, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]


def _domain(name: str, aspects: str, positive: str, negative: str) -> Domain:
    return Domain(name, _words(aspects), _words(positive), _words(negative))


DOMAINS = (
    _domain(
        "restaurant",
        "food service staff waiter menu dessert soup pasta pizza steak salad wine coffee "
        "bread portion kitchen chef atmosphere terrace curry",
        "tasty delicious fresh flavorful juicy tender crispy savory attentive friendly "
        "welcoming generous cozy hearty",
        "bland stale soggy greasy salty burnt tasteless overcooked undercooked rude slow "
        "chewy watery grimy",
    ),
    _domain(
        "film",
        "plot acting ending soundtrack dialogue script cast film movie director pacing story "
        "sequel villain hero cinematography music finale screenplay premise",
        "gripping moving funny clever witty thrilling captivating touching suspenseful riveting "
        "hilarious heartfelt powerful original",
        "boring dull tedious predictable clumsy shallow confusing cheesy silly bloated wooden "
        "cliched overlong pretentious derivative",
    ),
    _domain(
        "gadget",
        "battery screen camera keyboard speaker charger phone laptop headset app software "
        "display case button microphone touchpad update interface processor sound",
        "fast reliable sturdy responsive sleek crisp sharp bright smooth durable efficient "
        "intuitive robust accurate quiet",
        "laggy buggy flimsy faulty sluggish blurry dim unreliable clunky fragile glitchy noisy "
        "inaccurate unresponsive defective broken",
    ),
    _domain(
        "hotel",
        "room bed view location breakfast pool lobby bathroom shower reception housekeeping "
        "hotel balcony gym spa parking wifi elevator garden suite",
        "spotless clean comfortable spacious roomy airy tidy peaceful relaxing inviting "
        "luxurious convenient quiet charming",
        "dirty cramped stuffy smelly filthy dingy shabby musty crowded dusty moldy "
        "uncomfortable inconvenient loud",
    ),
    _domain(
        "book",
        "story writing characters chapter prose narrator novel book plot author translation "
        "ending poem dialogue tone style cover illustrations introduction sequel",
        "engaging compelling memorable thoughtful insightful elegant lyrical vivid absorbing "
        "beautiful profound charming uplifting refreshing",
        "dry tedious dense repetitive muddled clumsy shallow pompous incoherent flat lifeless "
        "bland preachy trite",
    ),
)

INTENSIFIERS = _words(
    "very really truly extremely incredibly quite so pretty rather remarkably absolutely "
    "totally genuinely fairly somewhat slightly utterly thoroughly exceptionally particularly "
    "surprisingly especially downright seriously unbelievably"
)
NEGATORS = ("not", "never", "hardly")
COPULAS = ("was", "is")  # the verbs a negator can follow
VERBS = ("was", "is", "was", "is", "seemed", "felt")
OPENERS = (
    "honestly,",
    "overall,",
    "to be fair,",
    "i have to say",
    "in my opinion,",
    "all in all,",
    "frankly,",
    "well,",
    "to my surprise,",
    "as expected,",
    "in short,",
    "truth be told,",
    "if i am honest,",
    "at first glance,",
    "after a week,",
    "this time,",
    "i think",
    "we thought",
    "my friend said",
    "apparently",
)
CLOSERS = (
    "this time",
    "if you ask me",
    "in the end",
    "for sure",
    "to be honest",
    "at least for me",
    "on the whole",
    "as far as i can tell",
)


def _polarities() -> dict[str, int]:
    """Adjective -> +1 or -1; a word with both polarities anywhere is a bug in the lists."""
    polarity: dict[str, int] = {}
    positive = [GENERAL_POSITIVE, *(d.positive for d in DOMAINS)]
    negative = [GENERAL_NEGATIVE, *(d.negative for d in DOMAINS)]
    for sign, groups in ((1, positive), (-1, negative)):
        for words in groups:
            for word in words:
                if polarity.setdefault(word, sign) != sign:
                    raise ValueError(f"adjective {word!r} is listed with both polarities")
    return polarity


POLARITY = _polarities()


@dataclass(frozen=True)
class Clause:
    """One clause; ``negator`` is "" when the clause is not negated."""

    subject: str
    verb: str
    negator: str
    intensifier: str
    adjective: str

    @property
    def polarity(self) -> int:
        return POLARITY[self.adjective] * (-1 if self.negator else 1)

    def __str__(self) -> str:
        words = (self.subject, self.verb, self.negator, self.intensifier, self.adjective)
        return " ".join(word for word in words if word)


@dataclass(frozen=True)
class Review:
    """A review's text and label (1 positive, 0 negative)."""

    text: str
    label: int


class _Words:
    """Draws the words of reviews; in two-clause reviews, adjectives only from
    ``two_clause_adjectives`` (polarity -> the words allowed)."""

    def __init__(self, rng: random.Random, two_clause_adjectives: dict[int, list[str]]):
        self.rng = rng
        self.two_clause_adjectives = two_clause_adjectives

    def adjective(self, domain: Domain, polarity: int, two_clause: bool) -> str:
        general = GENERAL_POSITIVE if polarity > 0 else GENERAL_NEGATIVE
        specific = domain.positive if polarity > 0 else domain.negative
        choices = [*general, *specific]
        if two_clause:
            allowed = self.two_clause_adjectives[polarity]
            choices = [word for word in choices if word in allowed]
        return self.rng.choice(choices)

    def maybe(self, words: Sequence[str], probability: float) -> str:
        return self.rng.choice(words) if self.rng.random() < probability else ""

    def clause(
        self, domain: Domain, subject: str, polarity: int, negated: bool, two_clause: bool
    ) -> Clause:
        verb = self.rng.choice(COPULAS if negated else VERBS)
        negator = self.rng.choice(NEGATORS) if negated else ""
        adjective_polarity = -polarity if negated else polarity
        return Clause(
            subject=subject,
            verb=verb,
            negator=negator,
            intensifier=self.maybe(INTENSIFIERS, 0.3),
            adjective=self.adjective(domain, adjective_polarity, two_clause),
        )

    def frame(self, *bodies: str) -> list[str]:
        """Wrap review bodies in one optional opener and closer, which do not affect the label."""
        opener = self.maybe(OPENERS, 0.25)
        closer = self.maybe(CLOSERS, 0.15)
        return [" ".join(part for part in (opener, body, closer) if part) for body in bodies]


@dataclass(frozen=True)
class Connective:
    """How two clauses are joined: ``pattern`` has {0} and {1}; ``main`` is 0, 1 or None
    (the clauses agree)."""

    pattern: str
    main: int | None


CONNECTIVES = (
    Connective("{0} and {1}", None),
    Connective("{0}, and {1}", None),
    Connective("{0}, but {1}", 1),
    Connective("{0} but {1}", 1),
    Connective("{0}, yet {1}", 1),
    Connective("{0}; however, {1}", 1),
    Connective("although {0}, {1}", 1),
    Connective("though {0}, {1}", 1),
    Connective("even though {0}, {1}", 1),
    Connective("while {0}, {1}", 1),
    Connective("{0}, although {1}", 0),
    Connective("{0}, even though {1}", 0),
    Connective("{0}, though {1}", 0),
)


def _label(polarity: int) -> int:
    return 1 if polarity > 0 else 0


def simple_review(words: _Words, domain: Domain) -> Review:
    """One clause, negated a fifth of the time."""
    polarity = words.rng.choice((1, -1))
    aspect = words.rng.choice(domain.aspects)
    negated = words.rng.random() < 0.2
    clause = words.clause(domain, f"the {aspect}", polarity, negated, two_clause=False)
    (text,) = words.frame(str(clause))
    return Review(text, _label(polarity))


def agreeing_review(words: _Words, domain: Domain) -> Review:
    """Two clauses of the same polarity, neither negated, joined by ``and``."""
    rng = words.rng
    polarity = rng.choice((1, -1))
    first, second = rng.sample(domain.aspects, 2)
    clauses = [
        words.clause(domain, f"the {aspect}", polarity, negated=False, two_clause=True)
        for aspect in (first, second)
    ]
    (text,) = words.frame(rng.choice(("{0} and {1}", "{0}, and {1}")).format(*map(str, clauses)))
    return Review(text, _label(polarity))


def joined_review(words: _Words, domain: Domain) -> tuple[Review, Review]:
    """Two clauses joined by a connective, and its twin with the same words, opposite label."""
    rng = words.rng
    connective = rng.choice(CONNECTIVES)
    first, second = rng.sample(domain.aspects, 2)
    polarity = rng.choice((1, -1))
    other = polarity if connective.main is None else -polarity
    # Clauses that agree need different negation, or the twin could not differ.
    negated = rng.random() < 0.3
    other_negated = (not negated) if connective.main is None else rng.random() < 0.3
    subject = "it" if rng.random() < 0.15 else f"the {second}"
    clauses = [
        words.clause(domain, f"the {first}", polarity, negated, two_clause=True),
        words.clause(domain, subject, other, other_negated, two_clause=True),
    ]
    if negated == other_negated:
        swapped = [
            replace(clauses[0], adjective=clauses[1].adjective),
            replace(clauses[1], adjective=clauses[0].adjective),
        ]
    else:
        swapped = [
            replace(clauses[0], negator=clauses[1].negator, verb=clauses[1].verb),
            replace(clauses[1], negator=clauses[0].negator, verb=clauses[0].verb),
        ]
    main = 0 if connective.main is None else connective.main
    text, twin = words.frame(
        connective.pattern.format(*map(str, clauses)),
        connective.pattern.format(*map(str, swapped)),
    )
    return (
        Review(text, _label(clauses[main].polarity)),
        Review(twin, _label(swapped[main].polarity)),
    )


def correction_review(words: _Words, domain: Domain) -> tuple[Review, Review]:
    """A clause and a correction that agrees with it, and its twin with the adjectives swapped.

    ``the food was good, not bad at all`` (positive) / ``the food was bad, not good at all``;
    ``the food was not bad, it was really good`` (positive) / ``... not good, ... bad``.
    """
    rng = words.rng
    aspect = rng.choice(domain.aspects)
    polarity = rng.choice((1, -1))
    stated = words.adjective(domain, polarity, two_clause=True)
    denied = words.adjective(domain, -polarity, two_clause=True)
    verb = rng.choice(COPULAS)
    intensifier = words.maybe(INTENSIFIERS, 0.3)
    if rng.random() < 0.5:
        pattern = f"the {aspect} {verb} {{0}}, not {{1}} at all"
    else:
        pattern = f"the {aspect} {verb} not {{1}}, it {verb} {{0}}"
    if intensifier:
        pattern = pattern.replace("{0}", f"{intensifier} {{0}}")
    text, twin = words.frame(pattern.format(stated, denied), pattern.format(denied, stated))
    return Review(text, _label(polarity)), Review(twin, _label(-polarity))


Builder = Callable[[_Words, Domain], "Review | tuple[Review, Review]"]
# How a train or test review is drawn: (builder, weight).
MIXTURE: tuple[tuple[Builder, float], ...] = (
    (simple_review, 0.5),
    (agreeing_review, 0.3),
    (joined_review, 0.14),
    (correction_review, 0.06),
)


def _held_out(rng: random.Random) -> dict[int, list[str]]:
    """The adjectives of each polarity kept out of two-clause train and test reviews."""
    held_out = {}
    for sign in (1, -1):
        adjectives = [word for word, polarity in POLARITY.items() if polarity == sign]
        held_out[sign] = sorted(rng.sample(adjectives, round(HELD_OUT_FRACTION * len(adjectives))))
    return held_out


def _complement(held_out: dict[int, list[str]]) -> dict[int, list[str]]:
    """The adjectives of each polarity that are not held out."""
    return {
        sign: [word for word, polarity in POLARITY.items() if polarity == sign and word not in kept]
        for sign, kept in held_out.items()
    }


def generate(seed: int = SEED) -> dict[str, list[Review]]:
    """Draw the three splits: ``train`` and ``test`` from ``MIXTURE``, ``order`` of twins.

    Reviews are unique within the corpus (no test or order review appears in train).
    In ``order``, reviews ``2 i`` and ``2 i + 1`` are twins.
    """
    rng = random.Random(seed)
    held_out = _held_out(rng)
    seen: set[str] = set()
    splits: dict[str, list[Review]] = {}

    ordinary = _Words(rng, _complement(held_out))
    builders = [builder for builder, _ in MIXTURE]
    weights = [weight for _, weight in MIXTURE]
    for split in ("train", "test"):
        reviews: list[Review] = []
        while len(reviews) < SIZES[split]:
            domain = rng.choice(DOMAINS)
            (builder,) = rng.choices(builders, weights)
            drawn = builder(ordinary, domain)
            review = drawn[0] if isinstance(drawn, tuple) else drawn
            if review.text not in seen:
                seen.add(review.text)
                reviews.append(review)
        splits[split] = reviews

    twins = _Words(rng, held_out)
    pairs: list[Review] = []
    while len(pairs) < SIZES["order"]:
        domain = rng.choice(DOMAINS)
        builder = joined_review if rng.random() < 0.75 else correction_review
        review, twin = builder(twins, domain)
        if review.text not in seen and twin.text not in seen:
            seen.update((review.text, twin.text))
            pairs.extend((review, twin))
    splits["order"] = pairs
    return splits


def to_tsv(reviews: list[Review]) -> str:
    """The file layout: a ``label<TAB>text`` header, then one review a line."""
    lines = ["label\ttext", *(f"{review.label}\t{review.text}" for review in reviews)]
    return "\n".join(lines) + "\n"
