"""The species corpus: sentences naming species by their scientific names, BIO-tagged.

A species mention is two tokens, genus and epithet (``Panthera leo``), tagged
``B-SPECIES I-SPECIES``; every other token is ``O``. Sentences are drawn from templates
about surveys, habitats, conservation, diet and collections, and each sentence has a kind:

- ``plain``: no distractor.
- ``right_context``: a genus used as the name of something else at the start of the
  sentence, and only the word after it decides (``Panthera Corporation announced ...``);
  a left-to-right tagger cannot know in time, a bidirectional one can.
- ``left_context``: a genus used as a name after words that announce it
  (``The ship Panthera left the harbour``), so the words before it decide.

Rules the corpus keeps, which the tests check:

- Every ``right_context`` sentence comes with two ``plain`` sentences in the same split
  that open with a species of the same genus, so a genus at the start of a sentence is a
  species more often than not and only the next word tells them apart.
- About 15 % of the species (``HELD_OUT_FRACTION``) never occur in ``train``; they are
  drawn like the others in ``val`` and ``test``. The genera used as distractors are never
  held out.
- No sentence occurs twice in the corpus.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from seqlab.datasets.generators.gazetteer import GAZETTEER, Species

SEED = 20240509
SIZES = {"train": 5000, "val": 1000, "test": 1500}
HELD_OUT_FRACTION = 0.15
KIND_SHARES = {"right_context": 0.12, "left_context": 0.12}  # of draws
TWINS_PER_RIGHT_CONTEXT = 2

SPECIES_TAGS = ("B-SPECIES", "I-SPECIES")


def _phrases(text: str, separator: str = "|") -> tuple[str, ...]:
    return tuple(text.split(separator))


# Genera that also make plausible names of companies, ships, bands, streets...
AMBIGUOUS_GENERA = _phrases(
    "Panthera Puma Lynx Python Boa Iguana Gorilla Bison Alligator Octopus Vespa Mantis Helix "
    "Victoria Magnolia Sequoia Ginkgo Aquila Falco Corvus Castor Equus Sepia Vanessa Aurelia "
    "Apis Columba Pavo Ursus Pan Camellia Rosa Salix Tilia Vanilla Mola Lemur Caracal Formica "
    "Acer Grus Tyto Mimosa Aloe Papilio",
    separator=" ",
)


@dataclass(frozen=True)
class NameUse:
    """A use of a genus as a name: ``before`` announces it, ``after`` follows it."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    predicates: tuple[str, ...]


def _use(before: str, after: str, predicates: str) -> NameUse:
    return NameUse(_phrases(before), _phrases(after, " "), _phrases(predicates))


NAME_USES = (
    _use(
        "the company|a company called|the start-up",
        "Corporation Group Holdings Technologies Systems Industries Capital Partners",
        "announced record profits|opened a new office in {place}|is the leading partner of "
        "the project|sponsored the survey|hired {number} new engineers|moved its headquarters "
        "to {place}",
    ),
    _use(
        "the hotel|a guesthouse called|the lodge",
        "Hotel Resort Lodge Inn",
        "was fully booked in {month}|hosted the annual meeting|reopened after the "
        "renovation|offers rooms with a view of the lake",
    ),
    _use(
        "the ship|the research vessel|the yacht|the ferry",
        "Shipping Ferries Marine",
        "left the harbour at dawn|returned to port in {month}|sailed to {place}|carried "
        "{number} passengers",
    ),
    _use(
        "the band|the rock band|the choir",
        "Records Music",
        "released a new album|played at the festival|cancelled the tour|sold out the concert hall",
    ),
    _use(
        "the football club|the team|the rugby club",
        "FC United Rovers Athletic",
        "won the cup final|lost at home on Saturday|signed a new coach|finished second in the "
        "league",
    ),
    _use(
        "the software|the app|a tool called",
        "Software Analytics Cloud",
        "crashed again during the update|is used to manage the data|was updated in {month}|runs "
        "on every laptop",
    ),
    _use(
        "the village of|the town of|the district of",
        "Street Avenue Road Square Bridge",
        "was closed for repairs|is busy at weekends|was flooded in {month}|lies {number} "
        "kilometres from the coast",
    ),
    _use(
        "the restaurant|a cafe called|the bakery",
        "Cafe Bistro Bakery Kitchen",
        "opened a second branch in {place}|serves breakfast until noon|won a local award",
    ),
)

# Slots: {animal}, {plant}, {fungus}, {organism} draw a species of that kind; {kin} draws
# another species of the same group as the previous one; {named} writes a species as
# "common name ( Genus epithet )". The other slots fill in ordinary words.
PLAIN_TEMPLATES = (
    "{animal} was recorded at {number} of the survey sites .",
    "{organism} is listed as {status} on the regional red list .",
    "{animal} is most active at dawn and dusk .",
    "{organism} was first recorded in the {habitat} in {year} .",
    "{animal} breeds in the {habitat} from {month} to {month} .",
    "{plant} flowers in {month} in the {habitat} .",
    "{fungus} was found in the {habitat} in {month} .",
    "{organism} has been monitored in {place} since {year} .",
    "{organism} and {kin} share the same habitat in the {habitat} .",
    "{animal} competes with {kin} for food .",
    "{organism} was photographed near the {feature} by a volunteer .",
    "{organism} is declining because of habitat loss .",
    "{animal} was seen near the {feature} last {month} .",
    "In the {habitat} there are populations of {organism} and {kin} .",
    "The survey counted {number} individuals of {animal} .",
    "A camera trap photographed {animal} near the {feature} .",
    "The diet of {animal} was studied over {years} years .",
    "Conservation plans for {organism} were approved in {year} .",
    "Researchers from {place} sequenced the genome of {organism} .",
    "Seeds of {plant} were collected in {month} .",
    "Volunteers planted {number} seedlings of {plant} along the {feature} .",
    "The museum in {place} holds specimens of {organism} and {kin} .",
    "Dr {surname} has studied {organism} for {years} years .",
    "The {habitat} near the {feature} is home to {organism} , {kin} and {kin} .",
    "Samples from {organism} were analysed in the laboratory .",
    "Rangers reported {number} sightings of {animal} in {month} .",
    "The park protects {organism} and {kin} .",
    "The {named} was seen near the {feature} .",
    "A report on the {named} was published in {year} .",
    "We found {fungus} growing under {plant} in the {habitat} .",
    "The team from {place} found no trace of {organism} in the {habitat} .",
    "Both {organism} and {kin} were recorded during the {month} survey .",
)
RIGHT_CONTEXT_TEMPLATES = (
    "{genus} {after} {predicate} .",
    "{genus} {after} {predicate} , while researchers studied {organism} .",
)
LEFT_CONTEXT_TEMPLATES = (
    "{before} {genus} {predicate} .",
    "In {year} , {before} {genus} {predicate} .",
    "{before} {genus} {predicate} while researchers studied {organism} .",
)

WORDS = {
    "status": _phrases("vulnerable|endangered|near threatened|least concern|critically endangered"),
    "habitat": _phrases(
        "forest|wetland|reserve|national park|valley|estuary|river delta|mountains|grassland|"
        "island|lagoon|floodplain|woodland|nature reserve|study area|protected area"
    ),
    "feature": _phrases("river|lake|road|village|waterhole|ridge|coast|station|bridge|dam"),
    "place": _phrases(
        "Kenya|Tanzania|Botswana|Norway|Sweden|Scotland|Canada|Alaska|Brazil|Peru|Borneo|"
        "Sumatra|India|Nepal|Spain|Portugal|Poland|Australia|Tasmania|Patagonia|Madagascar|"
        "Iceland|Japan|Chile|Mexico|Ghana|Uganda|New Zealand|South Africa|Costa Rica"
    ),
    "month": _phrases(
        "January|February|March|April|May|June|July|August|September|October|November|December"
    ),
    "surname": _phrases(
        "Silva|Okafor|Nakamura|Novak|Jensen|Moreau|Rossi|Kowalski|Mensah|Haddad|Fischer|"
        "Lindqvist|Costa|Ivanova|Kim|Patel|Garcia|Murphy|Achebe|Tanaka"
    ),
}

ANIMAL_GROUPS = ("mammal", "bird", "reptile", "amphibian", "fish", "invertebrate")
SLOT_GROUPS = {
    "animal": ANIMAL_GROUPS,
    "plant": ("plant",),
    "fungus": ("fungus",),
    "organism": (*ANIMAL_GROUPS, "plant", "fungus"),
}

Token = tuple[str, str]  # (word, tag)


@dataclass(frozen=True)
class Sentence:
    """One tagged sentence and its kind (``"plain"``, ``"left_context"`` or ``"right_context"``)."""

    tokens: tuple[str, ...]
    tags: tuple[str, ...]
    kind: str


def held_out_species(seed: int = SEED) -> list[Species]:
    """The species kept out of ``train``, in gazetteer order."""
    rng = random.Random(seed)
    eligible = [s for s in GAZETTEER if s.genus not in AMBIGUOUS_GENERA]
    chosen = set(rng.sample(eligible, round(HELD_OUT_FRACTION * len(GAZETTEER))))
    return [species for species in GAZETTEER if species in chosen]


class _Writer:
    """Fills templates for one split, drawing species from ``pool``."""

    def __init__(self, rng: random.Random, pool: list[Species]):
        self.rng = rng
        self.pool = pool

    def species(self, groups: tuple[str, ...], exclude: list[Species]) -> Species:
        return self.rng.choice([s for s in self.pool if s.group in groups and s not in exclude])

    def fill(
        self,
        template: str,
        first: Species | None = None,
        genus: str = "",
        use: NameUse | None = None,
    ) -> list[Token]:
        """Tokens and tags of ``template``.

        ``first`` fills the first species slot; ``genus`` is the distractor written for
        ``{genus}``, and ``use`` says what it names.
        """
        rng = self.rng
        tokens: list[Token] = []
        named: list[Species] = []
        for word in template.split():
            slot = word[1:-1] if word.startswith("{") and word.endswith("}") else None
            if slot is None:
                tokens.append((word, "O"))
            elif slot in SLOT_GROUPS or slot in ("kin", "named"):
                if first is not None and not named:
                    species = first
                elif slot == "kin":
                    species = self.species((named[-1].group,), named)
                else:
                    species = self.species(SLOT_GROUPS.get(slot, SLOT_GROUPS["organism"]), named)
                named.append(species)
                if slot == "named":
                    tokens.extend((part, "O") for part in species.common_name.split())
                    tokens.append(("(", "O"))
                tokens.extend(zip((species.genus, species.epithet), SPECIES_TAGS, strict=True))
                if slot == "named":
                    tokens.append((")", "O"))
            elif slot == "genus":
                tokens.append((genus, "O"))
            elif slot in ("before", "after"):
                tokens.extend((part, "O") for part in rng.choice(getattr(use, slot)).split())
            elif slot == "predicate":
                tokens.extend(self.fill(rng.choice(use.predicates)))
            elif slot == "number":
                tokens.append((str(rng.randint(2, 400)), "O"))
            elif slot == "years":
                tokens.append((str(rng.randint(2, 30)), "O"))
            elif slot == "year":
                tokens.append((str(rng.randint(1950, 2024)), "O"))
            else:
                tokens.extend((part, "O") for part in rng.choice(WORDS[slot]).split())
        return tokens

    def plain(self, first: Species | None = None) -> Sentence:
        """A sentence without distractor; with ``first``, one that opens with that species."""
        templates = PLAIN_TEMPLATES
        if first is not None:
            templates = [
                t
                for t in PLAIN_TEMPLATES
                if t.startswith("{") and first.group in SLOT_GROUPS.get(t[1 : t.index("}")], ())
            ]
        return _sentence(self.fill(self.rng.choice(templates), first), "plain")

    def distractor(self, kind: str, genus: str) -> Sentence:
        """A sentence that uses ``genus`` as a name, decided by its left or right context."""
        templates = RIGHT_CONTEXT_TEMPLATES if kind == "right_context" else LEFT_CONTEXT_TEMPLATES
        template = self.rng.choice(templates)
        return _sentence(self.fill(template, genus=genus, use=self.rng.choice(NAME_USES)), kind)


def _sentence(tokens: list[Token], kind: str) -> Sentence:
    words, tags = zip(*tokens, strict=True)
    words = (words[0][0].upper() + words[0][1:], *words[1:])
    return Sentence(tuple(words), tuple(tags), kind)


def _draw_split(
    rng: random.Random, pool: list[Species], size: int, seen: set[tuple[str, ...]]
) -> list[Sentence]:
    """``size`` sentences never ``seen`` before (``seen`` is updated)."""
    writer = _Writer(rng, pool)
    sentences: list[Sentence] = []
    while len(sentences) < size:
        draw = rng.random()
        if draw < KIND_SHARES["right_context"]:
            if len(sentences) + 1 + TWINS_PER_RIGHT_CONTEXT > size:
                continue
            genus = rng.choice(AMBIGUOUS_GENERA)
            group = [writer.distractor("right_context", genus)]
            same_genus = [s for s in pool if s.genus == genus]
            while len(group) < 1 + TWINS_PER_RIGHT_CONTEXT:
                twin = writer.plain(first=rng.choice(same_genus))
                if twin not in group:
                    group.append(twin)
        elif draw < KIND_SHARES["right_context"] + KIND_SHARES["left_context"]:
            group = [writer.distractor("left_context", rng.choice(AMBIGUOUS_GENERA))]
        else:
            group = [writer.plain()]
        if not any(sentence.tokens in seen for sentence in group):
            seen.update(sentence.tokens for sentence in group)
            sentences.extend(group)
    return sentences


def generate(seed: int = SEED) -> dict[str, list[Sentence]]:
    """Draw ``train``, ``val`` and ``test``; no sentence occurs twice in the corpus."""
    rng = random.Random(seed)
    held_out = held_out_species(seed)
    seen: set[tuple[str, ...]] = set()
    return {
        split: _draw_split(
            rng, [s for s in GAZETTEER if split != "train" or s not in held_out], size, seen
        )
        for split, size in SIZES.items()
    }


def to_conll(sentences: list[Sentence]) -> str:
    """CoNLL layout: ``# kind = ...``, then one ``token tag`` a line, a blank line after each."""
    blocks = []
    for sentence in sentences:
        pairs = zip(sentence.tokens, sentence.tags, strict=True)
        lines = [f"# kind = {sentence.kind}", *(f"{token} {tag}" for token, tag in pairs)]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def gazetteer_tsv(seed: int = SEED) -> str:
    """The gazetteer file: one species a line, with whether it is held out of ``train``."""
    held_out = held_out_species(seed)
    lines = ["genus\tepithet\tcommon_name\tgroup\theld_out"]
    for s in GAZETTEER:
        lines.append(f"{s.genus}\t{s.epithet}\t{s.common_name}\t{s.group}\t{s in held_out}")
    return "\n".join(lines) + "\n"
