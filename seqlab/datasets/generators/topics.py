"""The topics corpus: one-sentence sports reports, each about one of four sports.

"Football or basketball?" as a classification task with more than two classes. A
report's label is the sport of its main clause: ``football``, ``basketball``, ``tennis``
or ``cycling``. A main clause is ``the <player> <action> [<place>]`` with a player and
an action of one sport ("the striker curled a free kick into the top corner"); words
every sport uses (``team``, ``match``, ``season``, ``coach``, ``won``, ``fans``) appear
in openers and closers that do not affect the label.

About two reports in five add a *side clause* about another sport, which does not decide:
an opening ``while`` / ``after`` / ``as`` clause, or a trailing ``while`` / ``just as``
clause ("while the sprinter won the bunch sprint, the point guard ..."). Such a report
holds the words of two sports, and only the clause structure says which one is its topic;
its *twin*, with the two clauses' sports swapped and the same connective, has the other
label. Every side-clause report of ``test`` comes with its twin, so a bag-of-words model,
which gives a report and its twin the same answer, scores at most 0.5 on those pairs.

Files ``topics/{train,test}.tsv``: a ``label<TAB>text`` header, then one report a line,
lower-case words with their commas; readable by ``load_labelled_sentences``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SEED = 20261129
SIZES = {"train": 8_000, "test": 2_000}
SIDE_CLAUSE_SHARE = 1 / 3
CLASSES = ("football", "basketball", "tennis", "cycling")


@dataclass(frozen=True)
class Sport:
    """The words of one sport: who plays, what they do, where."""

    name: str
    players: tuple[str, ...]
    actions: tuple[str, ...]
    places: tuple[str, ...]


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(phrase.strip() for phrase in text.split("|"))


SPORTS = (
    Sport(
        "football",
        _phrases("striker|goalkeeper|winger|defender|midfielder|captain|substitute|full back"),
        _phrases(
            "scored a header|saved a penalty|curled a free kick into the top corner|"
            "was shown a red card|headed the corner clear|missed an open goal|"
            "scored from the spot|was caught offside|won the corner|blocked the cross|"
            "scored a late equaliser|hit the crossbar"
        ),
        _phrases("at the stadium|in extra time|before half time|on the pitch|in the derby"),
    ),
    Sport(
        "basketball",
        _phrases("point guard|center|forward|shooting guard|rookie|sixth man|power forward"),
        _phrases(
            "made a three pointer|dunked on the break|grabbed the rebound|missed both free throws|"
            "blocked the layup|hit a buzzer beater|fouled out|drew a charge|"
            "scored in the paint|made the fast break layup|dished an assist|stole the inbound pass"
        ),
        _phrases("on the court|in overtime|in the fourth quarter|at the arena|before the buzzer"),
    ),
    Sport(
        "tennis",
        _phrases("server|seed|qualifier|champion|doubles pair|baseliner|challenger"),
        _phrases(
            "hit an ace|broke serve|won the tiebreak|double faulted|saved a match point|"
            "hit a drop shot|came to the net|won on grass|lost the second set|"
            "hit a backhand winner|held serve to love|chased down the lob"
        ),
        _phrases("on centre court|in the fifth set|at the net|on clay|in the final set"),
    ),
    Sport(
        "cycling",
        _phrases("sprinter|climber|leader|domestique|breakaway rider|time trialist|rider"),
        _phrases(
            "attacked on the climb|won the bunch sprint|punctured|took the yellow jersey|"
            "crashed on the descent|bridged to the breakaway|led out the sprint|"
            "dropped off the peloton|won the time trial|rode away on the cobbles|"
            "changed bikes|set the pace up the mountain"
        ),
        _phrases("on the mountain stage|near the finish line|in the peloton|on the last lap|"
                 "at the summit"),
    ),
)

# Words every sport uses; they frame a report and never decide it.
OPENERS = _phrases(
    "in the match,|this season,|on saturday,|according to the coach,|before the fans,|"
    "in the final,|late in the game,|for the team,|in the rain,|at home,|"
    "to the surprise of the fans,"
)
CLOSERS = _phrases(
    "and the team won|and the fans cheered|in front of a record crowd|"
    "for the second time this season|and the coach was pleased|to win the match"
)
OPENING_CONNECTIVES = ("while", "after", "as")
TRAILING_CONNECTIVES = ("while", "just as")


@dataclass(frozen=True)
class Report:
    """A report's text and its label, one of ``CLASSES``; ``side`` is the side clause's
    sport, "" when there is none."""

    text: str
    label: str
    side: str = ""


def _clause(rng: random.Random, sport: Sport, with_place: bool) -> str:
    words = [f"the {rng.choice(sport.players)}", rng.choice(sport.actions)]
    if with_place:
        words.append(rng.choice(sport.places))
    return " ".join(words)


def plain_report(rng: random.Random, sport: Sport) -> Report:
    """One main clause, framed by an optional opener and closer."""
    opener = rng.choice(OPENERS) if rng.random() < 0.4 else ""
    closer = rng.choice(CLOSERS) if rng.random() < 0.3 else ""
    body = _clause(rng, sport, with_place=rng.random() < 0.5)
    return Report(" ".join(part for part in (opener, body, closer) if part), sport.name)


def side_clause_reports(rng: random.Random, main: Sport, side: Sport) -> tuple[Report, Report]:
    """A main clause with a side clause about another sport, and its twin: the same
    connective, the two clauses' contents swapped, so the other sport is the topic."""
    first = _clause(rng, main, with_place=rng.random() < 0.3)
    second = _clause(rng, side, with_place=rng.random() < 0.3)
    if rng.random() < 0.6:
        connective = rng.choice(OPENING_CONNECTIVES)
        text = f"{connective} {second}, {first}"
        twin = f"{connective} {first}, {second}"
    else:
        connective = rng.choice(TRAILING_CONNECTIVES)
        text = f"{first}, {connective} {second}"
        twin = f"{second}, {connective} {first}"
    return Report(text, main.name, side.name), Report(twin, side.name, main.name)


def generate(seed: int = SEED) -> dict[str, list[Report]]:
    """Draw ``train`` and ``test``: plain reports, and about two in five with a side
    clause (in ``test`` always with its twin). Reports are unique across the corpus; main
    clauses cycle through the four sports, so the classes are about equally frequent."""
    rng = random.Random(seed)
    seen: set[str] = set()
    splits: dict[str, list[Report]] = {}
    for split, size in SIZES.items():
        reports: list[Report] = []
        while len(reports) < size:
            main = SPORTS[len(reports) % len(SPORTS)]
            # A test pair adds two reports: draw it less often, for the same share.
            share = SIDE_CLAUSE_SHARE / (2 - SIDE_CLAUSE_SHARE) if split == "test" else (
                SIDE_CLAUSE_SHARE)
            if rng.random() < share and len(reports) + 2 <= size:
                side = rng.choice([sport for sport in SPORTS if sport is not main])
                pair = side_clause_reports(rng, main, side)
                if split == "test":
                    if not seen & {pair[0].text, pair[1].text}:
                        seen.update(report.text for report in pair)
                        reports.extend(pair)
                    continue
                drawn = [pair[0]]
            else:
                drawn = [plain_report(rng, main)]
            for report in drawn:
                if report.text not in seen:
                    seen.add(report.text)
                    reports.append(report)
        splits[split] = reports
    return splits


def to_tsv(reports: list[Report]) -> str:
    """The file layout: a ``label<TAB>text`` header, then one report a line."""
    lines = ["label\ttext", *(f"{report.label}\t{report.text}" for report in reports)]
    return "\n".join(lines) + "\n"
