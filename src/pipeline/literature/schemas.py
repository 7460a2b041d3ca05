"""The literature library's vocabulary and the pandera schemas of its cleaned tables.

The codes a coding sheet may use live in ``data/reference/literature/coding_scheme.csv``
(``field, code, label, aliases, description``): the five broad themes (benefit, risk,
challenge, policy context, good practice), the source types, the basis of the coding
(abstract, landing page or synthetic) and the countries of authoring organisations. A
cell may name a code, its label or one of its aliases in any case or spacing.

The detailed themes (``evidence_themes``) are the ones the survey, the interviews and
the synthesis already share (``data/reference/evidence_themes.csv``), so the
literature's emphasis can be set beside the consultations theme by theme.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import pandera.pandas as pa

from pipeline.registries import ReferenceDataError, normalise_name, reference_dir, split_aliases

SCHEME_FILE = Path("literature") / "coding_scheme.csv"
EVIDENCE_THEMES_FILE = Path("evidence_themes.csv")
FIELDS = ("theme", "source_type", "coding_basis", "country")
SCHEME_COLUMNS = ("field", "code", "label", "aliases", "description")
ENTRY_TYPES = (
    "article",
    "book",
    "chapter",
    "conference",
    "government",
    "news",
    "other",
    "report",
    "thesis",
    "webpage",
)
SOURCE_FORMATS = ("ris", "bibtex", "csl-json")
KEY_PATTERN = r"^lit-[a-z0-9]+$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"


class LiteratureInputError(ValueError):
    """An input cannot be read at all; the message names the file and, where known, the line."""


@dataclass(frozen=True)
class Vocabulary:
    """The codes of one field with their labels, and a lookup from any spelling to a code."""

    field: str
    labels: dict[str, str]
    lookup: dict[str, str] = field(repr=False)

    def resolve(self, value: str) -> str | None:
        """The code ``value`` spells (code, label or alias, any case/spacing), or None."""
        return self.lookup.get(normalise_name(value.replace("_", " ")))

    def known(self) -> str:
        """The codes, comma-separated, for error messages."""
        return ", ".join(sorted(self.labels))


@dataclass(frozen=True)
class CodingScheme:
    """Every vocabulary a coding sheet is checked against."""

    theme: Vocabulary
    source_type: Vocabulary
    coding_basis: Vocabulary
    country: Vocabulary
    evidence_theme: Vocabulary

    def vocabulary(self, name: str) -> Vocabulary:
        return getattr(self, name)


def _vocabulary(name: str, rows: list[tuple[str, str, list[str]]], source: str) -> Vocabulary:
    labels: dict[str, str] = {}
    lookup: dict[str, str] = {}
    for code, label, aliases in rows:
        labels[code] = label
        for spelling in (code, label, *aliases):
            key = normalise_name(spelling.replace("_", " "))
            if key in lookup and lookup[key] != code:
                raise ReferenceDataError(
                    source, None, "aliases", f"{spelling!r} names both {lookup[key]} and {code}"
                )
            lookup[key] = code
    return Vocabulary(name, labels, lookup)


def _read_scheme_rows(path: Path) -> dict[str, list[tuple[str, str, list[str]]]]:
    if not path.is_file():
        raise ReferenceDataError(str(path), None, None, "reference file not found")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in SCHEME_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(str(path), 1, missing[0], f"missing columns {missing}")
        by_field: dict[str, list[tuple[str, str, list[str]]]] = {f: [] for f in FIELDS}
        for line, row in enumerate(reader, start=2):
            name, code = row["field"].strip(), row["code"].strip()
            if name not in by_field:
                raise ReferenceDataError(str(path), line, "field", f"unknown field {name!r}")
            if not code or not row["label"].strip():
                raise ReferenceDataError(str(path), line, "code", "code and label are required")
            by_field[name].append((code, row["label"].strip(), split_aliases(row["aliases"])))
    return by_field


def _read_evidence_themes(path: Path) -> list[tuple[str, str, list[str]]]:
    if not path.is_file():
        raise ReferenceDataError(str(path), None, None, "reference file not found")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not {"theme", "label"} <= set(reader.fieldnames or []):
            raise ReferenceDataError(str(path), 1, "theme", "columns theme and label are required")
        return [(r["theme"].strip(), r["label"].strip(), []) for r in reader if r["theme"].strip()]


def load_coding_scheme(ref_dir: Path | str | None = None) -> CodingScheme:
    """Read the coding scheme and the detailed themes from the reference folder."""
    base = reference_dir(ref_dir)
    path = base / SCHEME_FILE
    rows = _read_scheme_rows(path)
    vocab = {name: _vocabulary(name, rows[name], str(path)) for name in FIELDS}
    for name, vocabulary in vocab.items():
        if not vocabulary.labels:
            raise ReferenceDataError(str(path), None, "field", f"no codes for field {name!r}")
    evidence = base / EVIDENCE_THEMES_FILE
    vocab["evidence_theme"] = _vocabulary(
        "evidence_theme", _read_evidence_themes(evidence), str(evidence)
    )
    return CodingScheme(**vocab)


# --------------------------------------------------------------------------- schemas
REFERENCES = pa.DataFrameSchema(
    {
        "ref_key": pa.Column(str, pa.Check.str_matches(KEY_PATTERN), unique=True),
        "ref_id": pa.Column(str, nullable=True),
        "source_file": pa.Column(str),
        "source_row": pa.Column("int64", pa.Check.ge(1)),
        "source_format": pa.Column(str, pa.Check.isin(SOURCE_FORMATS)),
        "entry_type": pa.Column(str, pa.Check.isin(ENTRY_TYPES)),
        "title": pa.Column(str, pa.Check.str_length(min_value=1)),
        "authors": pa.Column(str),
        "authors_json": pa.Column(str),
        "year": pa.Column("int64"),
        "container": pa.Column(str, nullable=True),
        "publisher": pa.Column(str, nullable=True),
        "volume": pa.Column(str, nullable=True),
        "issue": pa.Column(str, nullable=True),
        "pages": pa.Column(str, nullable=True),
        "number": pa.Column(str, nullable=True),
        "doi": pa.Column(
            str,
            [
                pa.Check.str_matches(DOI_PATTERN),
                pa.Check(lambda s: not s.dropna().duplicated().any(), error="repeated DOI"),
            ],
            nullable=True,
        ),
        "url": pa.Column(str, pa.Check.str_matches(r"^https?://\S+$"), nullable=True),
        "coded": pa.Column(bool),
        "themes": pa.Column(str),
        "evidence_themes": pa.Column(str),
        "source_type": pa.Column(str, nullable=True),
        "country": pa.Column(str, nullable=True),
        "coding_basis": pa.Column(str, nullable=True),
        "coding_row": pa.Column("Int64", nullable=True),
    },
    strict=True,
    ordered=True,
)

CODES = pa.DataFrameSchema(
    {
        "ref_key": pa.Column(str, pa.Check.str_matches(KEY_PATTERN)),
        "field": pa.Column(str, pa.Check.isin(("theme", "evidence_theme"))),
        "code": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=True,
    ordered=True,
    unique=["ref_key", "field", "code"],
)

ISSUES = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str),
        "source_row": pa.Column("int64", pa.Check.ge(0)),
        "column": pa.Column(str),
        "value": pa.Column(str),
        "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=True,
    ordered=True,
)
"""Layout of the rejects and of the notes (kept records with a field that was dropped)."""

DUPLICATES = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str),
        "source_row": pa.Column("int64", pa.Check.ge(1)),
        "title": pa.Column(str),
        "duplicate_of": pa.Column(str, pa.Check.str_matches(KEY_PATTERN)),
        "matched_on": pa.Column(str, pa.Check.isin(("doi", "title"))),
    },
    strict=True,
    ordered=True,
)


def validate_codes(codes, scheme: CodingScheme) -> None:
    """Check that every code in the long table belongs to its field's vocabulary."""
    CODES.validate(codes)
    for name, vocab in (("theme", scheme.theme), ("evidence_theme", scheme.evidence_theme)):
        unknown = set(codes.loc[codes["field"] == name, "code"]) - set(vocab.labels)
        if unknown:
            raise ValueError(f"unknown {name} codes in the cleaned table: {sorted(unknown)}")
