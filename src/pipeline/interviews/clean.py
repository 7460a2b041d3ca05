"""Clean the interview coding export into tidy, accounted-for tables.

Rules (each rejected value lands in the rejects table with a reason):

* case ids are trimmed and upper-cased; a row without one is rejected; a repeated
  case id keeps its first row and counts the others as duplicates;
* a matrix row whose case is not on the case sheet is rejected;
* reference counts: blank means 0; whole numbers >= 0 are kept; negative, fractional
  or non-numeric cells are rejected (the case is kept, that cell counts as not coded);
* discipline groups and institution types outside the known vocabulary are rejected
  cells (the case is kept with the value missing);
* organisations are resolved through the reference registry; an unresolved name counts as
  one organisation under an opaque key (``org_key`` ``unresolved-01`` ...).

Restricted: the organisation as typed (unresolved names may hold a person's name) and the
interviewee's role (free text) never reach the shared tables; they are written only to the
restricted review folder (:data:`RESTRICTED_FILES`), and the accounting gives their counts.

For each sheet, raw rows = kept + duplicates + rejected is asserted; for cells,
raw cells = kept + rejected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.interviews.read import RawExport, read_codebook, read_export
from pipeline.interviews.schemas import (
    CASES_SCHEMA,
    CODE_COUNTS_SCHEMA,
    CODES_LONG_SCHEMA,
    GROUP_IDS,
    INSTITUTION_TYPES,
    REJECT_COLUMNS,
    REJECTS_SCHEMA,
)
from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_parquet
from pipeline.privacy import (
    EXCERPT_COLUMNS,
    check_restricted_location,
    excerpt_record,
    redact,
    write_restricted,
)
from pipeline.registries import OrganisationResolver, load_organisations

#: Every file :func:`write_outputs` writes, by table.
OUTPUT_FILES = {
    "cases": "interviews_cases.parquet",
    "codes_long": "interviews_codes_long.parquet",
    "code_counts": "interviews_code_counts.parquet",
    "rejects": "interviews_rejects.csv",
    "accounting": "interviews_accounting.json",
}
#: Every restricted file, by table: written only into the restricted folder.
RESTRICTED_FILES = {
    "unresolved": "interviews_unresolved_organisations.csv",
    "free_text": "interviews_free_text.csv",
}
UNRESOLVED_COLUMNS = ["organisation_text", "n_cases", "case_ids", "org_key"]
#: Case-sheet fields that stay in the restricted folder (typed organisation, free-text role).
RESTRICTED_CASE_COLUMNS = ["organisation_raw", "role"]
FREE_TEXT_COLUMNS = [*EXCERPT_COLUMNS, "case_id", "source_row", "field"]

_GROUP_SYNONYMS = {
    "stem": "STEM",
    "science": "STEM",
    "sciences": "STEM",
    "social science": "Social sciences",
    "social sciences": "Social sciences",
    "arts and humanities": "Arts and humanities",
    "arts & humanities": "Arts and humanities",
    "humanities": "Arts and humanities",
    "support services": "Support services",
    "support service": "Support services",
    "professional services": "Support services",
}
_INSTITUTION_SYNONYMS = {t.casefold(): t for t in INSTITUTION_TYPES} | {
    "other research intensive": "Other research-intensive",
    "teaching focused": "Teaching-focused",
    "teaching-led": "Teaching-focused",
}


@dataclass
class InterviewsResult:
    """Everything the cleaning produces (``unresolved`` and ``free_text`` are restricted)."""

    cases: pd.DataFrame
    codes_long: pd.DataFrame
    code_counts: pd.DataFrame
    rejects: pd.DataFrame
    accounting: dict[str, Any]
    codebook: pd.DataFrame
    unresolved: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=UNRESOLVED_COLUMNS)
    )
    free_text: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FREE_TEXT_COLUMNS))

    @property
    def restricted(self) -> dict[str, pd.DataFrame]:
        """The restricted tables by file name (for the review folder only)."""
        return {
            RESTRICTED_FILES["unresolved"]: self.unresolved,
            RESTRICTED_FILES["free_text"]: self.free_text,
        }


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""


def normalise_case_id(v: Any) -> str | None:
    """Trim, collapse spaces and upper-case a case id; ``None`` when blank."""
    if _blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = re.sub(r"\s+", " ", str(v)).strip()
    text = re.sub(r"^\d+\s*:\s*", "", text)  # NVivo matrix row labels read "1 : INT-01"
    return text.upper() or None


def parse_reference_count(v: Any) -> tuple[int | None, str | None]:
    """Return ``(count, None)`` for a valid cell, ``(None, reason)`` for a rejected one."""
    if _blank(v):
        return 0, None
    if isinstance(v, bool):
        return None, "non-numeric reference count"
    if isinstance(v, (int, np.integer, float, np.floating)):
        num = float(v)
    else:
        text = str(v).strip().replace(",", "")
        if text.startswith("="):
            return None, "formula instead of a reference count"
        try:
            num = float(text)
        except ValueError:
            return None, "non-numeric reference count"
    if not np.isfinite(num):
        return None, "non-numeric reference count"
    if num < 0:
        return None, "negative reference count"
    if not num.is_integer():
        return None, "reference count is not a whole number"
    return int(num), None


def _canon(v: Any, table: dict[str, str]) -> tuple[str | None, bool]:
    """Map a label to its canonical form; returns (value, ok). Blank is ``(None, True)``."""
    if _blank(v):
        return None, True
    key = re.sub(r"\s+", " ", str(v)).strip().casefold()
    if key in table:
        return table[key], True
    return None, False


def _text(v: Any) -> str | None:
    return None if _blank(v) else re.sub(r"\s+", " ", str(v)).strip()


def default_resolver() -> OrganisationResolver:
    """The registry's organisation resolver (default threshold)."""
    return OrganisationResolver(load_organisations())


def organisation_names() -> dict[str, str]:
    """Registry name of every organisation id."""
    orgs = load_organisations()
    return dict(zip(orgs["org_id"], orgs["name"], strict=True))


def _reject(
    raw: RawExport, sheet: str, row: int, column: str, value: Any, reason: str
) -> dict[str, Any]:
    """One rejects-table row; ``column`` is written as ``Sheet!F (header)``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {
        "source_file": raw.source_file,
        "source_row": int(row),
        "column": f"{sheet}!{column}",
        "value": None if _blank(value) else redact(str(value))[0],
        "reason": reason,
    }


@dataclass
class _Sheet:
    """One sheet being cleaned: where its case ids are, what was seen, and its tally."""

    raw: RawExport
    name: str
    case_column: str
    raw_rows: int
    kept: int = 0
    duplicates: int = 0
    rejected: int = 0

    def __post_init__(self) -> None:
        self.rejects: list[dict[str, Any]] = []
        self.seen: dict[str, int] = {}

    def reject(self, row: int, column: str, value: Any, reason: str) -> None:
        self.rejects.append(_reject(self.raw, self.name, row, column, value, reason))

    def case_id(self, rec: dict[str, Any]) -> str | None:
        """The row's normalised case id; None (and the row rejected) when missing or repeated."""
        row = int(rec["source_row"])
        cid = normalise_case_id(rec["case_id"])
        if cid is None:
            self.rejected += 1
            self.reject(row, self.case_column, rec["case_id"], "missing case id")
        elif cid in self.seen:
            self.duplicates += 1
            reason = f"duplicate case id (first kept at row {self.seen[cid]})"
            self.reject(row, self.case_column, cid, reason)
            return None
        return cid

    def block(self) -> dict[str, int]:
        """The sheet's accounting; asserts raw rows = kept + duplicates + rejected."""
        block = {
            "raw_rows": self.raw_rows,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
        }
        assert self.raw_rows == self.kept + self.duplicates + self.rejected, block
        return block


_GROUP_TABLE = {k.casefold(): k for k in GROUP_IDS} | _GROUP_SYNONYMS


def clean_cases(
    raw: RawExport, resolver: Any, org_names: dict[str, str]
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any]]:
    """Clean the case sheet: returns (cases, rejects, accounting block).

    ``cases`` still holds the restricted ``organisation_raw`` and ``role`` columns here;
    :func:`split_restricted` takes them out.
    """
    sheet = _Sheet(raw, raw.case_sheet, raw.case_columns.get("case_id", "Case"), len(raw.cases))
    kept: list[dict[str, Any]] = []
    for rec in raw.cases.to_dict("records"):
        cid = sheet.case_id(rec)
        if cid is None:
            continue
        sheet.seen[cid] = int(rec["source_row"])
        kept.append(_case_record(sheet, rec, cid, resolver, org_names))
    cases = pd.DataFrame(kept, columns=[*CASES_SCHEMA.columns, *RESTRICTED_CASE_COLUMNS])
    cases["org_match_score"] = cases["org_match_score"].astype(float)
    cases["source_row"] = cases["source_row"].astype(int)
    cases = cases.sort_values("case_id", kind="stable").reset_index(drop=True)
    sheet.kept = len(cases)
    return cases, sheet.rejects, sheet.block()


def _vocabulary(sheet: _Sheet, rec: dict[str, Any], name: str, table: dict[str, str]) -> str | None:
    """A discipline group or institution type in canonical form; unknown ones are rejected."""
    value, ok = _canon(rec.get(name), table)
    if not ok:
        label = name.replace("_", " ").capitalize()
        column = sheet.raw.case_columns.get(name, label)
        sheet.reject(int(rec["source_row"]), column, rec.get(name), f"unknown {label.lower()}")
    return value


def _case_record(
    sheet: _Sheet, rec: dict[str, Any], cid: str, resolver: Any, org_names: dict[str, str]
) -> dict[str, Any]:
    """One kept case with its organisation resolved through the registry."""
    group = _vocabulary(sheet, rec, "discipline_group", _GROUP_TABLE)
    inst = _vocabulary(sheet, rec, "institution_type", _INSTITUTION_SYNONYMS)
    org_raw = _text(rec["organisation"])
    org_id, method, score = None, "unresolved", None
    if org_raw is not None:
        res = resolver.resolve(org_raw)
        org_id, method = res.org_id, res.method
        score = None if res.score is None else float(res.score)
    return {
        "case_id": cid,
        "organisation_raw": org_raw,
        "org_key": org_id,
        "org_id": org_id,
        "org_name": org_names.get(org_id) if org_id else None,
        "org_match_method": method,
        "org_match_score": score,
        "discipline_group": group,
        "institution_type": inst,
        "role": _text(rec.get("role")),
        "source_row": int(rec["source_row"]),
    }


def clean_matrix(
    raw: RawExport, case_ids: set[str]
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Clean the framework matrix: returns (codes_long, rejects, row block, cell block)."""
    code_ids = [c for c in raw.matrix.columns if c not in ("source_row", "case_id")]
    sheet = _Sheet(raw, raw.matrix_sheet, raw.matrix_case_column, len(raw.matrix))
    long_rows: list[dict[str, Any]] = []
    cells = {"raw_cells": 0, "kept": 0, "rejected": 0}
    for rec in raw.matrix.to_dict("records"):
        cid = sheet.case_id(rec)
        if cid is None:
            continue
        row = int(rec["source_row"])
        if cid not in case_ids:
            sheet.rejected += 1
            sheet.reject(row, sheet.case_column, cid, "case not on the case sheet")
            continue
        sheet.seen[cid] = row
        sheet.kept += 1
        long_rows += _coded_cells(sheet, rec, cid, code_ids, cells)
    codes_long = pd.DataFrame(long_rows, columns=["case_id", "code_id", "references"])
    codes_long["references"] = codes_long["references"].astype(int)
    codes_long = codes_long.sort_values(["case_id", "code_id"], kind="stable")
    assert cells["raw_cells"] == cells["kept"] + cells["rejected"], cells
    return codes_long.reset_index(drop=True), sheet.rejects, sheet.block(), cells


def _coded_cells(
    sheet: _Sheet, rec: dict[str, Any], cid: str, code_ids: list[str], cells: dict[str, int]
) -> list[dict[str, Any]]:
    """The codes a case raises; a cell that is not a count is rejected (code not applied)."""
    out = []
    for code in code_ids:
        cells["raw_cells"] += 1
        count, reason = parse_reference_count(rec[code])
        if reason is not None:
            cells["rejected"] += 1
            column = sheet.raw.matrix_columns.get(code, code)
            sheet.reject(int(rec["source_row"]), column, rec[code], reason)
            continue
        cells["kept"] += 1
        if count:
            out.append({"case_id": cid, "code_id": code, "references": int(count)})
    return out


def code_counts_table(
    cases: pd.DataFrame, codes_long: pd.DataFrame, codebook: pd.DataFrame
) -> pd.DataFrame:
    """Interviews raising each code, overall and by discipline group (every codebook code)."""
    merged = codes_long.merge(cases[["case_id", "discipline_group"]], on="case_id", how="left")
    out = codebook[["code_id", "code_path", "theme"]].copy()
    total = merged.groupby("code_id")["case_id"].nunique()
    out["interviews_total"] = out["code_id"].map(total).fillna(0).astype(int)
    for label, gid in GROUP_IDS.items():
        sub = merged[merged["discipline_group"] == label].groupby("code_id")["case_id"].nunique()
        out[gid] = out["code_id"].map(sub).fillna(0).astype(int)
    return out.sort_values("code_id", kind="stable").reset_index(drop=True)


def clean_interviews(
    export_path: Path | str,
    codebook_path: Path | str,
    resolver: Any | None = None,
    org_names: dict[str, str] | None = None,
    case_sheet: str | None = None,
    matrix_sheet: str | None = None,
) -> InterviewsResult:
    """Read, validate and clean the export; see the module docstring for the rules.

    ``case_sheet`` / ``matrix_sheet`` name the sheets to read (None or ``"auto"``: the one
    visible sheet whose name says what it holds).
    """
    codebook = read_codebook(codebook_path)
    raw = read_export(
        export_path,
        codebook,
        codebook_file=Path(codebook_path).name,
        case_sheet=_named_sheet(case_sheet),
        matrix_sheet=_named_sheet(matrix_sheet),
    )
    resolver = resolver if resolver is not None else default_resolver()
    org_names = org_names if org_names is not None else organisation_names()
    cases, rej_cases, case_block = clean_cases(raw, resolver, org_names)
    cases, unresolved, free_text = split_restricted(cases)
    codes_long, rej_matrix, row_block, cell_block = clean_matrix(raw, set(cases["case_id"]))
    code_counts = code_counts_table(cases, codes_long, codebook)
    rejects = rejects_table(rej_cases + rej_matrix)
    CASES_SCHEMA.validate(cases)
    CODES_LONG_SCHEMA.validate(codes_long)
    CODE_COUNTS_SCHEMA.validate(code_counts)
    REJECTS_SCHEMA.validate(rejects)
    case_block["unresolved_names"] = len(unresolved)
    accounting = {
        "source_files": {"export": raw.source_file, "codebook": Path(codebook_path).name},
        "cases_sheet": case_block,
        "matrix_rows": row_block,
        "matrix_cells": cell_block,
        "codes_in_codebook": len(codebook),
        "cases_without_coding": sorted(set(cases["case_id"]) - set(codes_long["case_id"])),
        "unresolved_names": len(unresolved),
        "restricted": {"free_text_answers": len(free_text), "unresolved_names": len(unresolved)},
        "rejects_rows": len(rejects),
        "warnings": list(raw.warnings),
    }
    return InterviewsResult(
        cases, codes_long, code_counts, rejects, accounting, codebook, unresolved, free_text
    )


def _name_key(text: str) -> str:
    return " ".join(str(text).casefold().split())


def split_restricted(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(cases, unresolved, free_text)``: the shared case table, where an unresolved
    organisation is keyed ``unresolved-NN`` (one key per spelling, ignoring case and spaces),
    and the restricted tables of unresolved names and free-text fields (role)."""
    cases = cases.copy()
    unmatched = cases["org_id"].isna() & cases["organisation_raw"].notna()
    spellings = sorted({_name_key(t) for t in cases.loc[unmatched, "organisation_raw"]})
    width = max(2, len(str(len(spellings))))
    key_of = {s: f"unresolved-{i:0{width}d}" for i, s in enumerate(spellings, start=1)}
    cases.loc[unmatched, "org_key"] = [
        key_of[_name_key(t)] for t in cases.loc[unmatched, "organisation_raw"]
    ]
    sub = cases.loc[unmatched, ["organisation_raw", "case_id", "org_key"]]
    unresolved = (
        sub.groupby("organisation_raw", sort=True)
        .agg(
            n_cases=("case_id", "size"),
            case_ids=("case_id", lambda s: " | ".join(sorted(s))),
            org_key=("org_key", "first"),
        )
        .reset_index()
        .rename(columns={"organisation_raw": "organisation_text"})
    )
    free_text = pd.DataFrame(
        [
            {
                **excerpt_record(f"interviews:{r.case_id}:role", r.role)[0],
                "case_id": r.case_id,
                "source_row": int(r.source_row),
                "field": "role",
            }
            for r in cases.itertuples(index=False)
            if r.role
        ],
        columns=FREE_TEXT_COLUMNS,
    )
    shared = cases[list(CASES_SCHEMA.columns)]
    return shared, unresolved[UNRESOLVED_COLUMNS], free_text


def _named_sheet(value: str | None) -> str | None:
    """A sheet parameter: None for "pick it" (None, empty or ``auto``), else the name."""
    if value is None or str(value).strip().lower() in ("", "auto"):
        return None
    return str(value)


def rejects_table(rejects: list[dict[str, Any]]) -> pd.DataFrame:
    """Rejected rows and cells of both sheets, by file, row and column."""
    df = pd.DataFrame(rejects, columns=REJECT_COLUMNS)
    df["source_row"] = df["source_row"].astype(int)
    df = df.sort_values(["source_file", "source_row", "column"], kind="stable")
    return df.reset_index(drop=True)


def write_outputs(
    result: InterviewsResult, out_dir: Path | str, restricted: Path | str | None = None
) -> list[Path]:
    """Write the five shared files atomically into ``out_dir`` and, when ``restricted`` names a
    folder, the restricted tables there (owner-only; never inside ``out_dir``). Returns the
    paths written (sorted)."""
    if restricted is not None:
        check_restricted_location(restricted, [out_dir])
    out = Path(out_dir)
    paths = [
        atomic_write_parquet(out / OUTPUT_FILES["cases"], result.cases),
        atomic_write_parquet(out / OUTPUT_FILES["codes_long"], result.codes_long),
        atomic_write_parquet(out / OUTPUT_FILES["code_counts"], result.code_counts),
        atomic_write_csv(out / OUTPUT_FILES["rejects"], result.rejects),
        atomic_write_json(out / OUTPUT_FILES["accounting"], result.accounting),
    ]
    if restricted is not None:
        paths += write_restricted(restricted, result.restricted)
    return sorted(paths)


def run(
    export_path: Path | str,
    codebook_path: Path | str,
    out_dir: Path | str,
    restricted: Path | str | None = None,
    case_sheet: str | None = None,
    matrix_sheet: str | None = None,
) -> tuple[InterviewsResult, list[Path]]:
    """Clean the export with its codebook and write the outputs into ``out_dir`` (and the
    restricted tables into ``restricted``, when given)."""
    sheets = {"case_sheet": case_sheet, "matrix_sheet": matrix_sheet}
    result = clean_interviews(export_path, codebook_path, **sheets)
    return result, write_outputs(result, out_dir, restricted)
