"""Clean the interview coding export into tidy, accounted-for tables.

Rules (each rejected value lands in the rejects table with a reason):

* case ids are trimmed and upper-cased; a row without one is rejected; a repeated
  case id keeps its first row and counts the others as duplicates;
* a matrix row whose case is not on the case sheet is rejected;
* reference counts: blank means 0; whole numbers >= 0 are kept; negative, fractional
  or non-numeric cells are rejected (the case is kept, that cell counts as not coded);
* discipline groups and institution types outside the known vocabulary are rejected
  cells (the case is kept with the value missing);
* organisations are resolved through the reference registry; unresolved names are kept
  and listed in the accounting for review.

For each sheet, raw rows = kept + duplicates + rejected is asserted; for cells,
raw cells = kept + rejected.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
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

EXPORT_NAME = "interviews_coding_SYNTHETIC.xlsx"
CODEBOOK_NAME = "interviews_codebook_SYNTHETIC.csv"
OUTPUT_NAMES = {
    "cases": "interview_cases.parquet",
    "codes_long": "interview_codes_long.parquet",
    "code_counts": "interview_code_counts.parquet",
    "rejects": "interviews_rejects.csv",
    "accounting": "interviews_accounting.json",
}

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
    """Everything the cleaning produces."""

    cases: pd.DataFrame
    codes_long: pd.DataFrame
    code_counts: pd.DataFrame
    rejects: pd.DataFrame
    accounting: dict[str, Any]
    codebook: pd.DataFrame


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


def _default_resolver() -> Any:
    from pipeline.registries import OrganisationResolver, load_organisations

    return OrganisationResolver(load_organisations())


def _org_names() -> dict[str, str]:
    from pipeline.registries import load_organisations

    orgs = load_organisations()
    return dict(zip(orgs["org_id"], orgs["name"], strict=True))


def clean_cases(
    raw: RawExport, resolver: Any, org_names: dict[str, str]
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any]]:
    """Clean the case sheet: returns (cases, rejects, accounting block)."""
    group_table = {k.casefold(): k for k in GROUP_IDS} | _GROUP_SYNONYMS
    rejects: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    n_dup = n_rej = 0
    cs, cc = raw.case_sheet, raw.case_columns.get("case_id", "Case")
    for rec in raw.cases.to_dict("records"):
        row = int(rec["source_row"])
        cid = normalise_case_id(rec["case_id"])
        if cid is None:
            n_rej += 1
            rejects.append(_reject(raw, cs, row, cc, rec["case_id"], "missing case id"))
            continue
        if cid in seen:
            n_dup += 1
            rejects.append(
                _reject(raw, cs, row, cc, cid, f"duplicate case id (first kept at row {seen[cid]})")
            )
            continue
        seen[cid] = row
        group, ok = _canon(rec["discipline_group"], group_table)
        if not ok:
            rejects.append(
                _reject(
                    raw,
                    cs,
                    row,
                    raw.case_columns.get("discipline_group", "Discipline group"),
                    rec["discipline_group"],
                    "unknown discipline group",
                )
            )
        inst, ok = _canon(rec.get("institution_type"), _INSTITUTION_SYNONYMS)
        if not ok:
            rejects.append(
                _reject(
                    raw,
                    cs,
                    row,
                    raw.case_columns.get("institution_type", "Institution type"),
                    rec.get("institution_type"),
                    "unknown institution type",
                )
            )
        org_raw = _text(rec["organisation"])
        if org_raw is None:
            org_id, method, score = None, "unresolved", None
        else:
            res = resolver.resolve(org_raw)
            org_id, method = res.org_id, res.method
            score = None if res.score is None else float(res.score)
        kept.append(
            {
                "case_id": cid,
                "organisation_raw": org_raw,
                "org_id": org_id,
                "org_name": org_names.get(org_id) if org_id else None,
                "org_match_method": method,
                "org_match_score": score,
                "discipline_group": group,
                "institution_type": inst,
                "role": _text(rec.get("role")),
                "source_row": row,
            }
        )
    cols = list(CASES_SCHEMA.columns)
    cases = pd.DataFrame(kept, columns=cols)
    cases["org_match_score"] = cases["org_match_score"].astype(float)
    cases["source_row"] = cases["source_row"].astype(int)
    cases = cases.sort_values("case_id", kind="stable").reset_index(drop=True)
    block = {"raw_rows": len(raw.cases), "kept": len(cases), "duplicates": n_dup, "rejected": n_rej}
    assert block["raw_rows"] == block["kept"] + block["duplicates"] + block["rejected"], block
    return cases, rejects, block


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
        "value": None if _blank(value) else str(value),
        "reason": reason,
    }


def clean_matrix(
    raw: RawExport, case_ids: set[str]
) -> tuple[pd.DataFrame, list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Clean the framework matrix: returns (codes_long, rejects, row block, cell block)."""
    code_ids = [c for c in raw.matrix.columns if c not in ("source_row", "case_id")]
    rejects: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    long_rows: list[dict[str, Any]] = []
    n_dup = n_rej = n_kept = 0
    cells_raw = cells_rej = 0
    ms, mc = raw.matrix_sheet, raw.matrix_case_column
    for rec in raw.matrix.to_dict("records"):
        row = int(rec["source_row"])
        cid = normalise_case_id(rec["case_id"])
        if cid is None:
            n_rej += 1
            rejects.append(_reject(raw, ms, row, mc, rec["case_id"], "missing case id"))
            continue
        if cid in seen:
            n_dup += 1
            rejects.append(
                _reject(raw, ms, row, mc, cid, f"duplicate case id (first kept at row {seen[cid]})")
            )
            continue
        if cid not in case_ids:
            n_rej += 1
            rejects.append(_reject(raw, ms, row, mc, cid, "case not on the case sheet"))
            continue
        seen[cid] = row
        n_kept += 1
        for code in code_ids:
            cells_raw += 1
            count, reason = parse_reference_count(rec[code])
            if reason is not None:
                cells_rej += 1
                rejects.append(
                    _reject(raw, ms, row, raw.matrix_columns.get(code, code), rec[code], reason)
                )
            elif count:
                long_rows.append({"case_id": cid, "code_id": code, "references": int(count)})
    codes_long = pd.DataFrame(long_rows, columns=["case_id", "code_id", "references"])
    codes_long["references"] = codes_long["references"].astype(int)
    codes_long = codes_long.sort_values(["case_id", "code_id"], kind="stable").reset_index(
        drop=True
    )
    rows_block = {
        "raw_rows": len(raw.matrix),
        "kept": n_kept,
        "duplicates": n_dup,
        "rejected": n_rej,
    }
    assert rows_block["raw_rows"] == n_kept + n_dup + n_rej, rows_block
    cells_block = {"raw_cells": cells_raw, "kept": cells_raw - cells_rej, "rejected": cells_rej}
    assert cells_block["raw_cells"] == cells_block["kept"] + cells_block["rejected"]
    return codes_long, rejects, rows_block, cells_block


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
) -> InterviewsResult:
    """Read, validate and clean the export; see the module docstring for the rules."""
    codebook = read_codebook(codebook_path)
    raw = read_export(export_path, codebook, codebook_file=Path(codebook_path).name)
    resolver = resolver if resolver is not None else _default_resolver()
    org_names = org_names if org_names is not None else _org_names()
    cases, rej_cases, case_block = clean_cases(raw, resolver, org_names)
    codes_long, rej_matrix, row_block, cell_block = clean_matrix(raw, set(cases["case_id"]))
    code_counts = code_counts_table(cases, codes_long, codebook)
    rejects = pd.DataFrame(rej_cases + rej_matrix, columns=REJECT_COLUMNS)
    rejects["source_row"] = rejects["source_row"].astype(int)
    rejects = rejects.sort_values(["source_file", "source_row", "column"], kind="stable")
    rejects = rejects.reset_index(drop=True)

    CASES_SCHEMA.validate(cases)
    CODES_LONG_SCHEMA.validate(codes_long)
    CODE_COUNTS_SCHEMA.validate(code_counts)
    REJECTS_SCHEMA.validate(rejects)

    unresolved = sorted(
        cases.loc[cases["org_id"].isna() & cases["organisation_raw"].notna(), "organisation_raw"]
        .unique()
        .tolist()
    )
    matrix_cases = set(codes_long["case_id"])
    accounting = {
        "source_files": {"export": raw.source_file, "codebook": Path(codebook_path).name},
        "cases_sheet": case_block,
        "matrix_rows": row_block,
        "matrix_cells": cell_block,
        "codes_in_codebook": len(codebook),
        "cases_without_coding": sorted(set(cases["case_id"]) - matrix_cases),
        "unresolved_organisations": unresolved,
        "rejects_rows": len(rejects),
    }
    return InterviewsResult(cases, codes_long, code_counts, rejects, accounting, codebook)


def write_outputs(result: InterviewsResult, out_dir: Path | str) -> list[Path]:
    """Write the five output files atomically into ``out_dir``; return their paths (sorted)."""
    from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_parquet

    out = Path(out_dir)
    paths = [
        atomic_write_parquet(out / OUTPUT_NAMES["cases"], result.cases),
        atomic_write_parquet(out / OUTPUT_NAMES["codes_long"], result.codes_long),
        atomic_write_parquet(out / OUTPUT_NAMES["code_counts"], result.code_counts),
        atomic_write_csv(out / OUTPUT_NAMES["rejects"], result.rejects),
        atomic_write_json(out / OUTPUT_NAMES["accounting"], result.accounting),
    ]
    return sorted(paths)


def run(
    raw_dir: Path | str,
    out_dir: Path | str,
    export_name: str = EXPORT_NAME,
    codebook_name: str = CODEBOOK_NAME,
) -> InterviewsResult:
    """Clean ``raw_dir/export_name`` with ``raw_dir/codebook_name`` and write to ``out_dir``."""
    raw = Path(raw_dir)
    result = clean_interviews(raw / export_name, raw / codebook_name)
    write_outputs(result, out_dir)
    return result


def cli(argv: list[str] | None = None) -> int:
    """``clean-interviews``: clean the interview coding export into data/processed."""
    from pipeline.interviews.read import InterviewsInputError

    parser = argparse.ArgumentParser(
        prog="clean-interviews",
        description="Clean an NVivo-style interview coding export (case sheet + framework "
        "matrix) and its codebook into parquet tables, a rejects CSV and an accounting JSON.",
    )
    parser.add_argument("--raw", default="data/raw", help="input folder (default: data/raw)")
    parser.add_argument(
        "--out", default="data/processed", help="output folder (default: data/processed)"
    )
    parser.add_argument(
        "--export", default=EXPORT_NAME, help=f"export file (default: {EXPORT_NAME})"
    )
    parser.add_argument(
        "--codebook", default=CODEBOOK_NAME, help=f"codebook file (default: {CODEBOOK_NAME})"
    )
    args = parser.parse_args(argv)
    try:
        result = run(args.raw, args.out, args.export, args.codebook)
    except InterviewsInputError as exc:
        print(f"error: {exc}")
        return 2
    acc = result.accounting
    print(
        f"interviews: {acc['cases_sheet']['kept']} cases kept, "
        f"{acc['cases_sheet']['duplicates']} duplicates, {len(result.rejects)} rejects"
    )
    return 0
