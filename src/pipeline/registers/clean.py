"""Clean register files into one table of entries, with rejects, duplicates and a review list.

Every row of every input is accounted for: ``raw = kept + duplicates + rejected``. A row is

* **rejected** (``registers_rejects.csv``, one line per problem, with file, row, column, value
  and reason) when a required cell is blank, the date or country cannot be read, or the name
  (with its aliases) matches two different organisations of the registry - the reason names
  both;
* a **duplicate** (``registers_duplicates.csv``) when the same organisation is already on the
  same list in an earlier row (of any file);
* **kept** otherwise. Kept entries carry ``org_id`` when the name or one of its aliases matches
  a registry organisation exactly or through a registry alias. A spelling that only comes close
  (a fuzzy match at or above ``match_threshold``) is *never applied*: the entry is kept
  unmatched and listed in ``registers_review.csv`` with the candidate and its score, so a person
  can add the spelling as an alias and rerun.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.io import (
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_json,
    atomic_write_parquet,
    repo_root,
)
from pipeline.registers import schemas
from pipeline.registers.read import HEADER_VARIANTS, INPUT_SUFFIXES, RawRegister, read_register
from pipeline.registries import (
    OrganisationResolver,
    Resolution,
    load_organisations,
    normalise_name,
    reference_dir,
)

__all__ = [
    "MATCH_THRESHOLD_DEFAULT",
    "YEAR_MAX_DEFAULT",
    "YEAR_MIN_DEFAULT",
    "RegisterResult",
    "check_accounting",
    "clean_registers",
    "discover_inputs",
    "parse_country",
    "parse_date",
    "split_alias_cell",
    "write_edition",
    "write_outputs",
]

MATCH_THRESHOLD_DEFAULT = 90.0
YEAR_MIN_DEFAULT = 1949
YEAR_MAX_DEFAULT = 2100

OUTPUT_FILES = {
    "entries": "registers_entries.parquet",
    "entries_csv": "registers_entries.csv",
    "rejects": "registers_rejects.csv",
    "duplicates": "registers_duplicates.csv",
    "review": "registers_review.csv",
    "accounting": "registers_accounting.json",
}


@dataclass
class RegisterResult:
    """Cleaned register entries and everything needed to account for each input row."""

    entries: pd.DataFrame
    rejects: pd.DataFrame
    duplicates: pd.DataFrame
    review: pd.DataFrame
    accounting: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- cells
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_text(value: Any) -> str:
    """A cell as stripped, single-spaced text (``""`` when blank); ``2020.0`` reads ``2020``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"\s+", " ", _CONTROL.sub("", str(value))).strip()


def split_alias_cell(value: Any) -> list[str]:
    """Aliases from one cell, separated by ``|``, ``;`` or line breaks (blanks dropped)."""
    text = "" if value is None else _CONTROL.sub("", str(value))
    parts = re.split(r"[|;\n\r]+", text)
    seen: dict[str, None] = {}
    for p in parts:
        p = re.sub(r"\s+", " ", p).strip()
        if p:
            seen.setdefault(p, None)
    return list(seen)


_COUNTRY_NAMES = {
    "china": "CN",
    "prc": "CN",
    "peoples republic of china": "CN",
    "mainland china": "CN",
    "p r china": "CN",
    "中国": "CN",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "hksar": "HK",
    "hong kong china": "HK",
    "macao": "MO",
    "macau": "MO",
    "macao sar": "MO",
    "taiwan": "TW",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    "united states": "US",
    "usa": "US",
    "united states of america": "US",
}


def parse_country(value: Any) -> tuple[str | None, str | None]:
    """``(ISO alpha-2 code or None, error or None)``; blank is allowed (no country given)."""
    text = cell_text(value)
    if not text:
        return None, None
    if re.fullmatch(r"[A-Za-z]{2}", text) and normalise_name(text) not in _COUNTRY_NAMES:
        return text.upper(), None
    code = _COUNTRY_NAMES.get(normalise_name(text))
    if code:
        return code, None
    return None, f"unknown country {text!r} (use an ISO 3166 two-letter code such as CN or HK)"


_MONTHS = {
    m.casefold(): i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
_MONTHS.update({k[:3]: v for k, v in list(_MONTHS.items())})
_DATE_FORMS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(\d{4})"), ("y",)),
    (re.compile(r"(\d{4})-(\d{1,2})"), ("y", "m")),
    (re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})"), ("d", "m", "y")),
    (re.compile(r"(\d{1,2}) ([A-Za-z]+)\.? (\d{4})"), ("d", "mon", "y")),
    (re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})"), ("mon", "d", "y")),
    (re.compile(r"([A-Za-z]+)\.? (\d{4})"), ("mon", "y")),
)


def _date_parts(text: str) -> dict[str, int] | None:
    for pattern, names in _DATE_FORMS:
        m = pattern.fullmatch(text)
        if m is None:
            continue
        parts: dict[str, int] = {}
        for name, raw in zip(names, m.groups(), strict=True):
            if name == "mon":
                month = _MONTHS.get(raw.casefold())
                if month is None:
                    return None
                parts["m"] = month
            else:
                parts[name] = int(raw)
        return parts
    return None


def parse_date(
    value: Any, year_min: int = YEAR_MIN_DEFAULT, year_max: int = YEAR_MAX_DEFAULT
) -> tuple[str | None, int | None, str | None]:
    """``(ISO date as precise as given, year, error)`` of a "date listed" cell.

    Blank is allowed (no date known). Accepted: spreadsheet dates, a year (``2020``),
    ``2020-12``, ISO ``2020-12-18`` (also with ``/`` or ``.``), day-first ``18/12/2020``,
    ``18 December 2020``, ``December 18, 2020`` and ``December 2020``.
    """
    if isinstance(value, dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        text = day.isoformat()
    else:
        text = cell_text(value)
    if not text:
        return None, None, None
    parts = _date_parts(text)
    if parts is None:
        return None, None, f"not a recognisable date {text!r} (write it as YYYY-MM-DD)"
    y, m, d = parts["y"], parts.get("m"), parts.get("d")
    try:
        dt.date(y, m or 1, d or 1)
    except ValueError:
        return None, None, f"not a valid calendar date {text!r}"
    if not year_min <= y <= year_max:
        return None, None, f"year {y} outside {year_min}-{year_max}"
    iso = f"{y:04d}" + (f"-{m:02d}" if m else "") + (f"-{d:02d}" if d else "")
    return iso, y, None


# --------------------------------------------------------------------------- matching
@dataclass(frozen=True)
class Match:
    """How a register entry's names met the registry."""

    org_id: str | None = None
    method: str = "none"  # exact | alias | none
    conflict: tuple[str, ...] = ()
    candidate: str | None = None
    score: float | None = None
    near: bool = False  # a fuzzy candidate at or above the threshold (listed, not applied)


@functools.lru_cache(maxsize=8)
def default_resolver(ref_dir: str, threshold: float) -> OrganisationResolver:
    """A cached resolver over the registry with the screen's fuzzy threshold."""
    return OrganisationResolver(load_organisations(ref_dir), threshold=threshold)


def match_names(names: Sequence[str], resolver: OrganisationResolver) -> Match:
    """Resolve a name and its aliases; exact/alias hits apply, fuzzy ones are only candidates."""
    ambiguous = resolver.ambiguous_keys()
    hits: dict[str, str] = {}
    conflict: set[str] = set()
    best: Resolution | None = None
    for name in names:
        conflict.update(ambiguous.get(normalise_name(name), []))
        res = resolver.resolve(name)
        if res.method in ("exact", "alias") and res.org_id:
            hits.setdefault(res.org_id, res.method)
        elif res.candidate and (best is None or res.score > best.score):
            best = res
    ids = set(hits) | conflict
    if len(ids) > 1:
        return Match(conflict=tuple(sorted(ids)))
    if hits:
        org_id, method = next(iter(hits.items()))
        return Match(org_id=org_id, method=method)
    if best is None:
        return Match()
    near = best.score >= resolver.threshold
    return Match(candidate=best.candidate, score=round(float(best.score), 1), near=near)


# --------------------------------------------------------------------------- rows
@dataclass
class _Rows:
    entries: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)
    seen: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)


def _org_name(resolver: OrganisationResolver, org_id: str) -> str:
    try:
        return str(resolver.get(org_id)["name"])
    except KeyError:
        return org_id


def _row_problems(
    label: str, row: int, cells: dict[str, Any], years: tuple[int, int]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The row's parsed values and one reject line per problem found."""
    header = {f: HEADER_VARIANTS[f][0] for f in HEADER_VARIANTS}
    values = {
        f: cell_text(cells.get(f)) for f in ("organisation", "list_name", "category", "source")
    }
    problems = []
    for f, text in values.items():
        if not text:
            problems.append((f, "", f"missing {header[f].lower()}"))
    country, err = parse_country(cells.get("country"))
    if err:
        problems.append(("country", cell_text(cells.get("country")), err))
    iso, year, err = parse_date(cells.get("date_listed"), *years)
    if err:
        problems.append(("date_listed", cell_text(cells.get("date_listed")), err))
    values.update(
        country=country,
        date_listed=iso,
        year_listed=year,
        aliases=split_alias_cell(cells.get("aliases")),
    )
    rejects = [
        {"source_file": label, "source_row": row, "column": header[f], "value": v, "reason": r}
        for f, v, r in problems
    ]
    return values, rejects


def _review_line(
    label: str, row: int, values: dict[str, Any], match: Match, resolver: OrganisationResolver
) -> dict[str, Any]:
    if match.near:
        issue = (
            "near match, not applied: add the spelling as an alias in the register (or "
            "the registry) to accept it"
        )
    elif match.candidate:
        issue = "no registry organisation matches; closest shown"
    else:
        issue = "no registry organisation matches"
    return {
        "source_file": label,
        "source_row": row,
        "organisation": values["organisation"],
        "list_name": values["list_name"],
        "issue": issue,
        "candidate": match.candidate,
        "candidate_name": _org_name(resolver, match.candidate) if match.candidate else None,
        "score": match.score,
    }


def _duplicate_line(label: str, row: int, values: dict[str, Any], first: dict[str, Any]) -> dict:
    differs = [f for f in ("category", "date_listed", "country", "source") if first[f] != values[f]]
    return {
        "source_file": label,
        "source_row": row,
        "duplicate_of_file": first["source_file"],
        "duplicate_of_row": first["source_row"],
        "organisation": values["organisation"],
        "list_name": values["list_name"],
        "differs": ", ".join(differs),
    }


def _take_row(
    acc: _Rows,
    label: str,
    row: int,
    cells: dict[str, Any],
    resolver: OrganisationResolver,
    years: tuple[int, int],
) -> None:
    """File one input row as a reject, a duplicate or a kept entry (and maybe for review)."""
    values, rejects = _row_problems(label, row, cells, years)
    match = Match()
    if values["organisation"]:
        match = match_names([values["organisation"], *values["aliases"]], resolver)
    if match.conflict:
        names = "; ".join(f"{_org_name(resolver, i)} ({i})" for i in match.conflict)
        reason = f"name or aliases match several organisations: {names}"
        rejects.append(
            {
                "source_file": label,
                "source_row": row,
                "column": "Organisation name",
                "value": values["organisation"],
                "reason": reason,
            }
        )
    if rejects:
        acc.rejects.extend(rejects)
        return
    org_key = match.org_id or "name:" + normalise_name(values["organisation"])
    key = (org_key, normalise_name(values["list_name"]))
    if key in acc.seen:
        acc.duplicates.append(_duplicate_line(label, row, values, acc.seen[key]))
        return
    entry = {
        **values,
        "org_id": match.org_id,
        "match": match.method,
        "source_file": label,
        "source_row": row,
    }
    acc.seen[key] = entry
    acc.entries.append(entry)
    if match.org_id is None:
        acc.review.append(_review_line(label, row, values, match, resolver))


# --------------------------------------------------------------------------- driver
def discover_inputs(folder: str | Path, files: str | Iterable[str | Path] = "auto") -> list[Path]:
    """The register files to read: every .csv/.xlsx in ``folder`` (``"auto"``) or the named ones.

    Hidden files, spreadsheet lock files (``~$...``) and ``README`` files are ignored. Names
    that are not absolute are taken inside ``folder``. Raises ``FileNotFoundError`` when a
    named file is missing or the folder holds no register.
    """
    base = Path(folder)
    if isinstance(files, str) and files.strip().lower() == "auto":
        if not base.is_dir():
            raise FileNotFoundError(f"registers: folder {base} does not exist")
        found = sorted(
            p
            for p in base.iterdir()
            if p.is_file()
            and p.suffix.lower() in INPUT_SUFFIXES
            and not p.name.startswith((".", "~$"))
            and not p.stem.upper().startswith("README")
        )
        if not found:
            raise FileNotFoundError(f"registers: no .csv or .xlsx file in {base}")
        return found
    names = [files] if isinstance(files, (str, Path)) else list(files)
    paths = [Path(n) if Path(n).is_absolute() else base / n for n in names]
    for p in paths:
        if not p.is_file():
            raise FileNotFoundError(f"registers: {p}: no such file (parameter `registers`)")
    return paths


#: The reference register of public facts, relative to the repository root.
REFERENCE_REGISTER = Path("data") / "reference" / "registers" / "public_lists.csv"


def write_edition(out_dir: str | Path, seed: int | None = None) -> list[Path]:
    """Copy the reference register into ``out_dir`` byte for byte: the edition's register input.

    ``seed`` is accepted (and unused) so the function fits the synthetic generators' calling
    convention: the register holds checked public facts, nothing in it is generated.
    """
    source = repo_root() / REFERENCE_REGISTER
    return [atomic_write_bytes(Path(out_dir) / source.name, source.read_bytes())]


def _frames(acc: _Rows) -> dict[str, pd.DataFrame]:
    entries = pd.DataFrame(acc.entries, columns=list(schemas.ENTRY_COLUMNS_IN))
    entries.insert(0, "entry_id", [f"E{i:04d}" for i in range(1, len(entries) + 1)])
    return {
        "entries": schemas.validate_entries(schemas.typed(entries, schemas.ENTRY_DTYPES)),
        "rejects": schemas.validate_rejects(schemas.frame(acc.rejects, schemas.REJECT_DTYPES)),
        "duplicates": schemas.validate_duplicates(
            schemas.frame(acc.duplicates, schemas.DUPLICATE_DTYPES)
        ),
        "review": schemas.validate_review(schemas.frame(acc.review, schemas.REVIEW_DTYPES)),
    }


def clean_registers(
    paths: Sequence[str | Path] | str | Path,
    *,
    match_threshold: float = MATCH_THRESHOLD_DEFAULT,
    year_min: int = YEAR_MIN_DEFAULT,
    year_max: int = YEAR_MAX_DEFAULT,
    ref_dir: Path | str | None = None,
    resolver: OrganisationResolver | None = None,
) -> RegisterResult:
    """Read and clean one or more register files (see the module docstring).

    ``match_threshold`` is the lowest rapidfuzz score at which a close spelling is listed for
    review as a near match (it is never applied); ``resolver`` replaces the registry resolver
    (tests). Raises :class:`~pipeline.registers.read.RegistersInputError` on unreadable files.
    """
    files = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    res = resolver or default_resolver(str(reference_dir(ref_dir)), float(match_threshold))
    acc = _Rows()
    per_table: list[dict[str, Any]] = []
    warnings: list[str] = []
    for path in files:
        for table in read_register(path):
            before = (len(acc.entries), len(acc.duplicates), len(acc.rejects))
            for row, cells in table.rows:
                _take_row(acc, table.label, row, cells, res, (year_min, year_max))
            warnings.extend(table.warnings)
            per_table.append(_table_accounting(table, acc, before))
    frames = _frames(acc)
    accounting = _accounting(per_table, frames)
    check_accounting(accounting)
    return RegisterResult(**frames, accounting=accounting, warnings=warnings)


def _table_accounting(table: RawRegister, acc: _Rows, before: tuple[int, int, int]) -> dict:
    rejected = {r["source_row"] for r in acc.rejects[before[2] :]}
    return {
        "source_file": table.label,
        "header_row": table.header_row,
        "raw_rows": len(table.rows),
        "blank_rows": table.blank_rows,
        "kept": len(acc.entries) - before[0],
        "duplicates": len(acc.duplicates) - before[1],
        "rejected": len(rejected),
    }


def _accounting(per_table: list[dict[str, Any]], frames: dict[str, pd.DataFrame]) -> dict:
    entries = frames["entries"]
    return {
        "raw_rows": sum(t["raw_rows"] for t in per_table),
        "kept": len(entries),
        "duplicates": len(frames["duplicates"]),
        "rejected": int(
            frames["rejects"][["source_file", "source_row"]].drop_duplicates().shape[0]
        ),
        "matched": int(entries["org_id"].notna().sum()),
        "unmatched": int(entries["org_id"].isna().sum()),
        "near_matches": int(frames["review"]["issue"].str.startswith("near match").sum()),
        "tables": per_table,
    }


def check_accounting(acc: dict[str, Any]) -> None:
    """Raise ``AssertionError`` unless raw = kept + duplicates + rejected (overall and per file)."""
    for block in [acc, *acc.get("tables", [])]:
        total = block["kept"] + block["duplicates"] + block["rejected"]
        if block["raw_rows"] != total:
            raise AssertionError(f"row accounting broken: {block}")


def write_outputs(result: RegisterResult, out_dir: str | Path) -> list[Path]:
    """Write the cleaned entries and the quality tables (atomic, deterministic)."""
    out = Path(out_dir)
    entries = result.entries
    flat = entries.assign(aliases=[" | ".join(a) for a in entries["aliases"]])
    return [
        atomic_write_parquet(out / OUTPUT_FILES["entries"], entries),
        atomic_write_csv(out / OUTPUT_FILES["entries_csv"], flat),
        atomic_write_csv(out / OUTPUT_FILES["rejects"], result.rejects),
        atomic_write_csv(out / OUTPUT_FILES["duplicates"], result.duplicates),
        atomic_write_csv(out / OUTPUT_FILES["review"], result.review),
        atomic_write_json(
            out / OUTPUT_FILES["accounting"], {**result.accounting, "warnings": result.warnings}
        ),
    ]
