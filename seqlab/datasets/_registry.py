"""The registry of datasets: what each one is, where it comes from, what the course uses it for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class DatasetInfo:
    """The card of one dataset, as ``seqlab.datasets.info(name)`` returns it.

    Attributes:
        name: the registry name, e.g. ``"glucose"``.
        title: a one-line description.
        origin: ``"package"`` (read from an installed package), ``"generated"``
            (made by a seqlab generator, shipped in ``datasets/``),
            ``"standard library"``, or ``"download"`` (fetched into the cache).
        source: who made or measured the data, and where it is read from.
        license: the license the data is distributed under.
        size: rows, sentences or characters, and bytes, as shipped.
        fields: column or field name -> meaning, dtype and unit.
        used_in: the notebooks that use it and for what.
        loader: the function that returns it, e.g. ``"load_glucose()"``.
    """

    name: str
    title: str
    origin: str
    source: str
    license: str
    size: str
    fields: dict[str, str] = field(default_factory=dict)
    used_in: str = ""
    loader: str = ""

    def __str__(self) -> str:
        lines = [f"{self.name}: {self.title}"]
        for label in ("origin", "source", "license", "size", "used_in", "loader"):
            lines.append(f"  {label.replace('_', ' ')}: {getattr(self, label)}")
        if self.fields:
            lines.append("  fields:")
            lines.extend(f"    {key}: {meaning}" for key, meaning in self.fields.items())
        return "\n".join(lines)


_REGISTRY: dict[str, DatasetInfo] = {}


def register(card: DatasetInfo) -> DatasetInfo:
    """Add a dataset card to the registry (each loader module registers its own)."""
    if card.name in _REGISTRY:
        raise ValueError(f"dataset {card.name!r} is registered twice")
    _REGISTRY[card.name] = card
    return card


def list_datasets() -> list[str]:
    """Names of every dataset the course uses, sorted."""
    return sorted(_REGISTRY)


def info(name: str) -> DatasetInfo:
    """The card of dataset ``name``: source, license, size, fields, use in the course.

    Raises:
        ValueError: ``name`` is not a known dataset; the message lists the valid names.
    """
    check_choice(name, _REGISTRY, what="dataset")
    return _REGISTRY[name]


def check_choice(value: str, valid: Iterable[str], what: str = "split") -> str:
    """Return ``value`` if it is one of ``valid``; otherwise raise a ValueError listing them."""
    valid = list(valid)
    if value not in valid:
        choices = ", ".join(repr(v) for v in valid)
        raise ValueError(f"Unknown {what} {value!r}. Valid {what}s are: {choices}.")
    return value
