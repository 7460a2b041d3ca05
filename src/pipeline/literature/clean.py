"""Clean a reference library and its coding sheet into the literature tables.

``clean_literature(library, coding)`` reads the exports (:mod:`pipeline.literature.read`),
then:

1. **checks each record**: a title and a year (within ``year_min``..``year_max``) are
   required, otherwise the record is rejected with file, line, field and reason. A DOI
   is normalised (prefix removed, lower case); a DOI or URL that is not one is dropped
   and listed as a note, the record is kept.
2. **removes duplicates**: two records are the same publication when their DOIs match
   (in any case), or when their titles match after :func:`pipeline.registries.normalise_name`
   and they do not carry two different DOIs. The first record (files in name order,
   records in file order) is kept; the others are listed with what matched.
3. **gives each reference a citation key** derived from its content (first author, year,
   first significant title word; ``lit-adams2022rise``), with ``a``, ``b``, ... added in
   title order when two references would share one. The same library gives the same keys.
4. **applies the coding sheet**: each row is matched to a reference by its ``ref_id``
   (the record's key or ID in the export), else its DOI, else its normalised title. Rows
   with an unknown theme, source type, country or basis are rejected with the value and
   the codes allowed; a second row for the same reference is rejected; rows that match
   no reference, and references that no row codes, are listed.

Every table accounts for its rows: records read = kept + duplicates + rejected, and
coding rows = kept (matched) + duplicates + rejected (a row that matches no reference is
rejected too, and also listed with the references that no row codes).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.literature.read import CodingRead, LibraryRead, parse_year, read_coding, read_library
from pipeline.literature.schemas import (
    CODES,
    DOI_PATTERN,
    DUPLICATES,
    ISSUES,
    REFERENCES,
    CodingScheme,
    load_coding_scheme,
    validate_codes,
)
from pipeline.registries import normalise_name

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
TOKEN_SPLIT = re.compile(r"\s*[;,|\n]\s*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "at",
        "by",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "why",
        "with",
    ]
)
ISSUE_COLUMNS = ["source_file", "source_row", "column", "value", "reason"]
TEXT_FIELDS = ("container", "publisher", "volume", "issue", "pages", "number")
NO_REFERENCE = "matches no reference of the library (by ref_id, DOI or title)"


@dataclass(frozen=True)
class CleanParams:
    """Options of the cleaning (the ``clean_literature`` section of ``params.yaml``)."""

    year_min: int = 1970
    year_max: int = 2035
    encoding: str = "auto"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> CleanParams:
        values = dict(values or {})
        return cls(
            year_min=int(values.get("year_min", cls.year_min)),
            year_max=int(values.get("year_max", cls.year_max)),
            encoding=str(values.get("encoding", cls.encoding)),
        )


@dataclass
class LiteratureResult:
    """The cleaned literature tables and the account of every input row."""

    references: pd.DataFrame
    codes: pd.DataFrame
    rejects: pd.DataFrame
    duplicates: pd.DataFrame
    notes: pd.DataFrame
    unmatched: pd.DataFrame
    accounting: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- records
def normalise_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1093/X`` -> ``10.1093/x``; None when it is not a DOI."""
    if not value:
        return None
    doi = DOI_PREFIX.sub("", value.strip()).strip().rstrip(".").lower()
    return doi if re.match(DOI_PATTERN, doi) else None


def author_display(author: Mapping[str, str]) -> str:
    if "literal" in author:
        return author["literal"]
    return f"{author['family']}, {author['given']}".rstrip(", ")


def _record_row(record: Any, params: CleanParams, read: LibraryRead) -> dict[str, Any] | None:
    """A record as a reference row, or None (and a reject) when it cannot be used."""
    f, src, line = record.fields, record.source_file, record.source_row
    if not f.get("title"):
        read.reject(src, line, "title", f.get("ref_id"), "missing title")
        return None
    year = parse_year(f.get("year_text"))
    if f.get("year_text") is None:
        read.reject(src, line, "year", f["title"], "missing year")
        return None
    if year is None or not params.year_min <= year <= params.year_max:
        why = "year not recognisable" if year is None else "year outside"
        read.reject(src, line, "year", f.get("year_text"),
                    f"{why} ({params.year_min}-{params.year_max})")  # fmt: skip
        return None
    doi = normalise_doi(f.get("doi"))
    if f.get("doi") and doi is None:
        read.note(src, line, "doi", f.get("doi"), "not a DOI: dropped, record kept")
    url = f.get("url")
    if url and not re.match(r"^https?://\S+$", url):
        read.note(src, line, "url", url, "not a web address: dropped, record kept")
        url = None
    authors = list(f.get("authors") or [])
    return {
        "ref_id": f.get("ref_id"), "source_file": src, "source_row": int(line),
        "source_format": record.source_format, "entry_type": f.get("entry_type") or "other",
        "title": f["title"], "authors": "; ".join(author_display(a) for a in authors),
        "authors_json": json.dumps(authors, ensure_ascii=False, sort_keys=True),
        "year": year, **{k: f.get(k) for k in TEXT_FIELDS}, "doi": doi, "url": url,
    }  # fmt: skip


def _deduplicate(rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict], dict[int, int]]:
    """Split rows into kept and duplicates; map each duplicate's index to its kept index."""
    kept: list[dict[str, Any]] = []
    dups: list[dict[str, Any]] = []
    by_doi: dict[str, int] = {}
    by_title: dict[str, int] = {}
    alias: dict[int, int] = {}
    for i, row in enumerate(rows):
        title_key = normalise_name(row["title"])
        hit, matched = by_doi.get(row["doi"]) if row["doi"] else None, "doi"
        if hit is None and title_key in by_title:
            other = kept[by_title[title_key]]["doi"]
            if not (row["doi"] and other and other != row["doi"]):
                hit, matched = by_title[title_key], "title"
        if hit is not None:
            dups.append({**row, "_kept": hit, "_matched": matched})
            alias[i] = hit
            continue
        alias[i] = len(kept)
        if row["doi"]:
            by_doi[row["doi"]] = len(kept)
        by_title.setdefault(title_key, len(kept))
        kept.append(row)
    return kept, dups, alias


# --------------------------------------------------------------------------- keys
def _ascii_word(text: str, skip_stopwords: bool) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    for word in re.findall(r"[A-Za-z0-9]+", folded):
        word = word.lower()
        if not skip_stopwords or (word not in STOPWORDS and len(word) > 2):
            return word
    return ""


def _key_stem(row: Mapping[str, Any]) -> str:
    authors = json.loads(row["authors_json"])
    first = authors[0] if authors else {}
    name = first.get("family") or first.get("literal") or ""
    who = _ascii_word(name, skip_stopwords=True) or _ascii_word(name, skip_stopwords=False)
    what = _ascii_word(row["title"], skip_stopwords=True) or "untitled"
    return f"lit-{who or what}{row['year']}{what if who else ''}"


def assign_keys(refs: pd.DataFrame) -> pd.Series:
    """Stable citation keys: a content stem, plus ``a``, ``b``, ... where stems collide."""
    stems = refs.apply(_key_stem, axis=1)
    order = refs.assign(
        _stem=stems,
        _t=refs["title"].map(normalise_name),
        _d=refs["doi"].fillna(""),
        _u=refs["url"].fillna(""),
    ).sort_values(["_stem", "_t", "_d", "_u", "source_file", "source_row"], kind="stable")
    keys = pd.Series(index=refs.index, dtype=object)
    for stem, group in order.groupby("_stem", sort=False):
        if len(group) == 1:
            keys[group.index[0]] = stem
        else:
            for n, idx in enumerate(group.index):
                keys[idx] = stem + _suffix(n)
    return keys.astype(str)


def _suffix(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


# --------------------------------------------------------------------------- coding sheet
def _tokens(cell: str) -> list[str]:
    return [t for t in TOKEN_SPLIT.split(cell or "") if t]


def _resolve_list(cell: str, vocab: Any, column: str, required: bool) -> tuple[list[str], str]:
    """Codes named in a multi-valued cell, or an error text."""
    codes: list[str] = []
    for token in _tokens(cell):
        code = vocab.resolve(token)
        if code is None:
            return (
                [],
                f"unknown {column.rstrip('s').replace('_', ' ')} {token!r} (known: {vocab.known()})",
            )
        if code not in codes:
            codes.append(code)
    if required and not codes:
        return [], f"no {column.replace('_', ' ')} given"
    return codes, ""


def _coding_entry(values: Mapping[str, str], scheme: CodingScheme) -> tuple[dict, str, str]:
    """A validated coding row, or ``({}, column, reason)``."""
    entry: dict[str, Any] = {}
    for column, vocab, required in (
        ("themes", scheme.theme, True),
        ("evidence_themes", scheme.evidence_theme, False),
    ):
        codes, error = _resolve_list(values.get(column, ""), vocab, column, required)
        if error:
            return {}, column, error
        entry[column] = codes
    for column in ("source_type", "country", "coding_basis"):
        vocab = scheme.vocabulary(column)
        cell = values.get(column, "")
        code = vocab.resolve(cell) if cell else None
        if code is None:
            what = column.replace("_", " ")
            reason = f"unknown {what} {cell!r} (known: {vocab.known()})" if cell else f"no {what}"
            return {}, column, reason
        entry[column] = code
    return entry, "", ""


def _lookup_maps(kept: list[dict], rows: list[dict], alias: dict[int, int]) -> dict[str, dict]:
    ids: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.get("ref_id"):
            ids.setdefault(row["ref_id"].strip(), alias[i])
    return {
        "ref_id": ids,
        "doi": {r["doi"]: i for i, r in enumerate(kept) if r["doi"]},
        "title": {normalise_name(r["title"]): i for i, r in reversed(list(enumerate(kept)))},
    }


def _match(values: Mapping[str, str], maps: Mapping[str, dict]) -> int | None:
    if values.get("ref_id") and values["ref_id"].strip() in maps["ref_id"]:
        return maps["ref_id"][values["ref_id"].strip()]
    doi = normalise_doi(values.get("doi"))
    if doi and doi in maps["doi"]:
        return maps["doi"][doi]
    title = normalise_name(values.get("title") or "")
    return maps["title"].get(title) if title else None


def apply_coding(
    coding: CodingRead, maps: Mapping[str, dict], scheme: CodingScheme
) -> tuple[dict[int, dict], list[dict], list[dict], dict[str, int]]:
    """Codes per kept-reference index, rejects, unmatched rows and the coding accounting."""
    src = coding.source_file
    coded: dict[int, dict] = {}
    rejects: list[dict] = []
    unmatched: list[dict] = []
    counts = {"raw_rows": len(coding.rows), "kept": 0, "duplicates": 0, "rejected": 0,
              "unmatched": 0}  # fmt: skip
    for number, values in coding.rows:
        label = values.get("ref_id") or values.get("doi") or values.get("title") or ""
        entry, column, reason = _coding_entry(values, scheme)
        target = _match(values, maps) if entry else None
        if not entry:
            rejects.append(_row_issue(src, number, column, values.get(column, ""), reason))
            counts["rejected"] += 1
        elif target is None:
            rejects.append(_row_issue(src, number, "ref_id", label, NO_REFERENCE))
            unmatched.append({"kind": "coding row without a reference", "source_file": src,
                              "source_row": number, "key": label})  # fmt: skip
            counts["rejected"] += 1
            counts["unmatched"] += 1
        elif target in coded:
            first = coded[target]["coding_row"]
            rejects.append(_row_issue(src, number, "ref_id", label,
                                      f"second coding row for the same reference (first: row {first})"))  # fmt: skip
            counts["duplicates"] += 1
        else:
            coded[target] = {**entry, "coding_row": number}
            counts["kept"] += 1
    return coded, rejects, unmatched, counts


def _row_issue(src: str, row: int, column: str, value: Any, reason: str) -> dict[str, Any]:
    return {"source_file": src, "source_row": int(row), "column": column,
            "value": str(value)[:200], "reason": reason}  # fmt: skip


# --------------------------------------------------------------------------- tables
def _references_frame(kept: list[dict], coded: dict[int, dict]) -> pd.DataFrame:
    refs = pd.DataFrame(kept, columns=[c for c in REFERENCES.columns if c not in (
        "ref_key", "coded", "themes", "evidence_themes", "source_type", "country",
        "coding_basis", "coding_row")])  # fmt: skip
    refs.insert(0, "ref_key", assign_keys(refs) if len(refs) else pd.Series(dtype=str))
    codes = [coded.get(i, {}) for i in range(len(refs))]
    refs["coded"] = [bool(c) for c in codes]
    refs["themes"] = [" | ".join(c.get("themes", [])) for c in codes]
    refs["evidence_themes"] = [" | ".join(c.get("evidence_themes", [])) for c in codes]
    for column in ("source_type", "country", "coding_basis"):
        refs[column] = [c.get(column) for c in codes]
    refs["coding_row"] = pd.array([c.get("coding_row") for c in codes], dtype="Int64")
    refs["source_row"] = refs["source_row"].astype("int64")
    refs["year"] = refs["year"].astype("int64")
    refs = refs.astype({c: object for c in refs.columns if refs[c].dtype == "string"})
    return refs.sort_values("ref_key", kind="stable").reset_index(drop=True)


def codes_long(refs: pd.DataFrame) -> pd.DataFrame:
    """One row per (reference, field, code) of the coded references."""
    rows = [
        {"ref_key": r.ref_key, "field": name, "code": code}
        for r in refs.itertuples(index=False)
        for name, cell in (("theme", r.themes), ("evidence_theme", r.evidence_themes))
        for code in (cell.split(" | ") if cell else [])
    ]
    return pd.DataFrame(rows, columns=["ref_key", "field", "code"])


def _duplicates_frame(dups: list[dict], refs: pd.DataFrame, kept: list[dict]) -> pd.DataFrame:
    key_of = {
        (f, r): k
        for f, r, k in zip(refs["source_file"], refs["source_row"], refs["ref_key"], strict=True)
    }
    rows = [
        {
            "source_file": d["source_file"],
            "source_row": int(d["source_row"]),
            "title": d["title"],
            "duplicate_of": key_of[
                (kept[d["_kept"]]["source_file"], kept[d["_kept"]]["source_row"])
            ],
            "matched_on": d["_matched"],
        }
        for d in dups
    ]
    cols = ["source_file", "source_row", "title", "duplicate_of", "matched_on"]
    return pd.DataFrame(rows, columns=cols).astype({"source_row": "int64"})


def _issues_frame(items: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(items, columns=ISSUE_COLUMNS).astype({"source_row": "int64"})
    return frame.sort_values(["source_file", "source_row", "column"], kind="stable").reset_index(
        drop=True
    )


def check_accounting(acc: Mapping[str, Any]) -> None:
    """Raise AssertionError when a table does not account for its rows."""
    lib, cod = acc["library"], acc["coding"]
    assert lib["raw_records"] == lib["kept"] + lib["duplicates"] + lib["rejected"], lib
    assert cod["raw_rows"] == cod["kept"] + cod["duplicates"] + cod["rejected"], cod
    assert cod["unmatched"] <= cod["rejected"], cod
    assert acc["references_coded"] + acc["references_without_coding"] == lib["kept"], acc


def clean_literature(
    library: list[Path] | Path,
    coding: Path,
    params: CleanParams | None = None,
    scheme: CodingScheme | None = None,
) -> LiteratureResult:
    """Read, check, de-duplicate and code the library (see the module docstring)."""
    params = params or CleanParams()
    scheme = scheme or load_coding_scheme()
    read = read_library(library, params.encoding)
    rows = [row for rec in read.records if (row := _record_row(rec, params, read)) is not None]
    kept, dups, alias = _deduplicate(rows)
    sheet = read_coding(Path(coding), params.encoding)
    coded, coding_rejects, unmatched, counts = apply_coding(
        sheet, _lookup_maps(kept, rows, alias), scheme
    )
    refs = _references_frame(kept, coded)
    unmatched += [
        {"kind": "reference without a coding row", "source_file": r.source_file,
         "source_row": int(r.source_row), "key": r.ref_key}
        for r in refs.itertuples(index=False) if not r.coded
    ]  # fmt: skip
    acc = {
        "library": {"files": read.files, "raw_records": sum(f["records"] for f in read.files),
                    "kept": len(kept), "duplicates": len(dups), "rejected": len(read.rejects)},
        "coding": {"source_file": sheet.source_file, **counts,
                   "ignored_columns": sheet.ignored_columns},
        "references_coded": int(refs["coded"].sum()),
        "references_without_coding": int((~refs["coded"]).sum()),
        "notes": len(read.notes),
    }  # fmt: skip
    check_accounting(acc)
    result = LiteratureResult(
        references=refs,
        codes=codes_long(refs),
        rejects=_issues_frame(read.rejects + coding_rejects),
        duplicates=_duplicates_frame(dups, refs, kept),
        notes=_issues_frame(read.notes),
        unmatched=pd.DataFrame(unmatched, columns=["kind", "source_file", "source_row", "key"]),
        accounting=acc,
    )
    validate_outputs(result, scheme)
    return result


def validate_outputs(result: LiteratureResult, scheme: CodingScheme) -> None:
    """Validate every table (raises ``pandera.errors.SchemaError``)."""
    REFERENCES.validate(result.references)
    CODES.validate(result.codes)
    validate_codes(result.codes, scheme)
    ISSUES.validate(result.rejects)
    ISSUES.validate(result.notes)
    DUPLICATES.validate(result.duplicates)


OUTPUT_FILES = (
    "references.parquet",
    "references.csv",
    "reference_codes.parquet",
    "literature_rejects.csv",
    "literature_duplicates.csv",
    "literature_notes.csv",
    "literature_unmatched.csv",
    "literature_accounting.json",
    "literature.bib",
)


def write_outputs(result: LiteratureResult, out_dir: Path | str) -> list[Path]:
    """Write the cleaned tables, the accounting and the generated ``.bib`` (atomically)."""
    from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_parquet
    from pipeline.literature.bibliography import write_bibtex

    out = Path(out_dir)
    refs = result.references
    written = [
        atomic_write_parquet(out / "references.parquet", refs),
        atomic_write_csv(out / "references.csv", refs.drop(columns=["authors_json"])),
        atomic_write_parquet(out / "reference_codes.parquet", result.codes),
        atomic_write_csv(out / "literature_rejects.csv", result.rejects),
        atomic_write_csv(out / "literature_duplicates.csv", result.duplicates),
        atomic_write_csv(out / "literature_notes.csv", result.notes),
        atomic_write_csv(out / "literature_unmatched.csv", result.unmatched),
        atomic_write_json(out / "literature_accounting.json", result.accounting),
        write_bibtex(refs, out / "literature.bib"),
    ]
    return written
