"""The survey instrument kept as data: answer scales and the question map.

``scales.yaml`` lists each answer scale's labels in order with accepted
variants; ``questions.yaml`` says which export column holds which question.
Both live in this package so the generator and the cleaner share one source.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
SCALES_FILE = PACKAGE_DIR / "scales.yaml"
QUESTIONS_FILE = PACKAGE_DIR / "questions.yaml"

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"), "-")
_QUOTES = {ord("\u2018"): "'", ord("\u2019"): "'", ord("\u201c"): '"', ord("\u201d"): '"'}


def normalise_label(value: str) -> str:
    """Key used to match answer labels: NFKC, casefold, one space, plain dashes/quotes."""
    text = unicodedata.normalize("NFKC", str(value)).translate(_DASHES).translate(_QUOTES)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class Scale:
    """An answer scale: ordered labels and a lookup from any accepted spelling."""

    name: str
    labels: tuple[str, ...]
    ordered: bool
    lookup: dict[str, str] = field(repr=False, hash=False, compare=False)

    def canonical(self, value: str) -> str | None:
        """Return the canonical label for ``value`` or ``None`` when it is not on the scale."""
        return self.lookup.get(normalise_label(value))


@dataclass(frozen=True)
class Question:
    """One export column of the instrument."""

    id: str
    key: str
    type: str
    text: str
    scale: str | None = None
    match: str | None = None
    stem: str | None = None
    item: str | None = None


def _build_scale(name: str, spec: dict) -> Scale:
    labels: list[str] = []
    lookup: dict[str, str] = {}
    for entry in spec["labels"]:
        label = str(entry["label"])
        labels.append(label)
        for spelling in [label, *map(str, entry.get("variants") or [])]:
            key = normalise_label(spelling)
            if key in lookup and lookup[key] != label:
                raise ValueError(f"scale {name}: spelling {spelling!r} maps to two labels")
            lookup[key] = label
    return Scale(name=name, labels=tuple(labels), ordered=bool(spec.get("ordered")), lookup=lookup)


@lru_cache(maxsize=4)
def load_scales(path: Path = SCALES_FILE) -> dict[str, Scale]:
    """Read the answer scales (cached)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return {name: _build_scale(name, spec) for name, spec in raw["scales"].items()}


@lru_cache(maxsize=4)
def load_questions(path: Path = QUESTIONS_FILE) -> tuple[Question, ...]:
    """Read the question map (cached); matrix items get their text from the stem."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    stems = {k: " ".join(str(v).split()) for k, v in (raw.get("matrix_stems") or {}).items()}
    out: list[Question] = []
    for q in raw["questions"]:
        text = q.get("text")
        if text is None and q.get("stem"):
            text = f"{stems[q['stem']]} - {q['item']}"
        out.append(
            Question(
                id=str(q["id"]),
                key=str(q["key"]),
                type=str(q["type"]),
                text=str(text),
                scale=q.get("scale"),
                match=q.get("match"),
                stem=q.get("stem"),
                item=q.get("item"),
            )
        )
    keys = [q.key for q in out]
    if len(set(keys)) != len(keys):
        raise ValueError("questions.yaml: duplicate key")
    return tuple(out)
