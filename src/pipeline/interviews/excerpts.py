"""Coded excerpts of the interviews: read, checked, anonymised, and published only when
approved (issue 16 item 4).

Qualitative-analysis software exports the text coded at each code: NVivo's coding summary,
ATLAS.ti's quotation list and MAXQDA's retrieved segments all come down to one row per
excerpt with its **code**, its **case** (the interview) and its **text**. :func:`read_excerpts`
reads such a table (CSV in UTF-8, or an ``.xlsx``) under any of the column names in
:data:`COLUMN_NAMES`. :func:`clean_excerpts` then

1. matches each row's code to the codebook (by ``code_id``, by code path, or by the last part
   of the path when that names one code) and its case to the cleaned cases; a row with an
   unknown code or case, or with no text, is rejected with its row and reason, and the same
   text coded twice at the same code in the same case is a duplicate;
2. makes every kept excerpt a *candidate*: its text, a redacted copy (identifiers replaced,
   :func:`pipeline.privacy.excerpt_record`) and that copy's hash, written only to the
   restricted folder;
3. publishes a candidate only when a reviewer approved it (its id and hash listed in
   ``data/review/approved_excerpts.csv``, :func:`pipeline.privacy.approved_excerpts`) *and*
   its code was raised in at least ``k`` interviews. The published table carries the code and
   the redacted text, never the case.

Rows read = kept + duplicates + rejected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.interviews.read import InterviewsInputError
from pipeline.interviews.schemas import REJECT_COLUMNS
from pipeline.io import atomic_write_csv, atomic_write_json, find_input, read_sheet_text
from pipeline.privacy import (
    EXCERPT_COLUMNS,
    Approvals,
    approved_excerpts,
    check_restricted_location,
    excerpt_record,
    write_restricted,
)

__all__ = [
    "COLUMN_NAMES",
    "EXCERPT_PREFIX",
    "ExcerptsResult",
    "clean_excerpts",
    "find_excerpts",
    "no_excerpts",
    "read_excerpts",
    "write_excerpts",
]

#: What the export calls each column (lower case, words joined by ``_``), by field.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "code": ("code", "codes", "code_id", "code_path", "node", "code_system"),
    "case": ("case", "case_id", "cases", "document", "document_name", "file", "source"),
    "text": ("text", "excerpt", "segment", "quotation", "quotation_content", "coded_text",
             "reference_text", "content"),
}  # fmt: skip
EXCERPT_PREFIX = "interviews-excerpt"
SHEET_NAME = "excerpts"
CANDIDATE_COLUMNS = [*EXCERPT_COLUMNS, "code_id", "case_id", "source_row"]
PUBLISHED_COLUMNS = ["excerpt_id", "code_id", "text"]
#: Files written by :func:`write_excerpts`: shared, and restricted (candidates' raw text).
OUTPUT_FILES = {
    "published": "interviews_approved_excerpts.csv",
    "rejects": "interviews_excerpts_rejects.csv",
    "accounting": "interviews_excerpts_accounting.json",
}
RESTRICTED_FILE = "interviews_excerpts.csv"


@dataclass
class ExcerptsResult:
    """``candidates`` (restricted), ``published`` (shareable), rejects and accounting."""

    candidates: pd.DataFrame
    published: pd.DataFrame
    rejects: pd.DataFrame
    accounting: dict[str, Any] = field(default_factory=dict)


def find_excerpts(value: str, folder: Path | str) -> Path | None:
    """The excerpts export: ``value`` as a path; with ``"auto"`` the one CSV/XLSX in
    ``folder``, or None when the folder is absent or empty (no excerpts were supplied)."""
    if str(value).strip().lower() == "auto" and not any(
        p.is_file() and not p.name.startswith((".", "~$"))
        for p in (Path(folder).iterdir() if Path(folder).is_dir() else [])
    ):
        return None
    return find_input(
        value, folder, (".csv", ".xlsx"), what="coded excerpts", param="excerpts_path"
    )


def read_excerpts(path: Path | str) -> pd.DataFrame:
    """``source_row, code, case, text`` as text, whatever the export calls the columns."""
    p = Path(path)
    raw = read_sheet_text(p, sheet=SHEET_NAME, error=InterviewsInputError)
    picked = {}
    for name, aliases in COLUMN_NAMES.items():
        found = [c for c in aliases if c in raw.columns]
        if not found:
            raise InterviewsInputError(
                f"{p.name}: row 1: no {name} column (looked for {', '.join(aliases)})"
            )
        picked[name] = raw[found[0]]
    out = pd.DataFrame({"source_row": raw["source_row"], **picked})
    out.attrs["blank_rows"] = raw.attrs["blank_rows"]
    return out


def _code_lookup(codebook: pd.DataFrame) -> dict[str, str]:
    """Code id by every name a code can be given: id, path (any separator), last part."""
    lookup: dict[str, str] = {}
    last: dict[str, list[str]] = {}
    for code_id, path in zip(codebook["code_id"], codebook["code_path"], strict=True):
        parts = [x.strip().casefold() for x in str(path).replace(">", "\\").split("\\")]
        lookup[code_id.casefold()] = code_id
        lookup["\\".join(parts)] = code_id
        last.setdefault(parts[-1], []).append(code_id)
    lookup.update({k: v[0] for k, v in last.items() if len(v) == 1 and k not in lookup})
    return lookup


def _code_of(value: str, lookup: dict[str, str]) -> str | None:
    parts = [x.strip().casefold() for x in value.replace(">", "\\").replace("/", "\\").split("\\")]
    parts = [x for x in parts if x and x not in ("nodes", "codes")]
    return lookup.get("\\".join(parts)) if parts else None


def excerpt_id(case_id: str, code_id: str, text: str) -> str:
    """A stable id: the same excerpt at the same code in the same case keeps its id."""
    digest = hashlib.sha256(f"{case_id}\n{code_id}\n{text}".encode()).hexdigest()[:12]
    return f"{EXCERPT_PREFIX}:{digest}"


def _check_rows(rows: pd.DataFrame, name: str, codebook: pd.DataFrame, cases: set[str]):
    """Kept rows (with ``code_id``, ``case_id``) and issue rows."""
    lookup = _code_lookup(codebook)
    kept, issues, seen = [], [], set()
    for r in rows.itertuples(index=False):
        code_id, case_id = _code_of(r.code, lookup), r.case.strip().upper()
        problem = None
        if code_id is None:
            problem = ("code", r.code, "code not in the codebook")
        elif case_id not in cases:
            problem = ("case", r.case, "case not on the case sheet")
        elif not r.text:
            problem = ("text", "", "no excerpt text")
        elif (case_id, code_id, r.text) in seen:
            problem = ("text", "", "duplicate: the same text at the same code and case")
        if problem:
            issues.append(
                dict(zip(REJECT_COLUMNS, (name, int(r.source_row), *problem), strict=True))
            )
            continue
        seen.add((case_id, code_id, r.text))
        kept.append({"code_id": code_id, "case_id": case_id, "text": r.text,
                     "source_row": int(r.source_row)})  # fmt: skip
    return kept, issues


def clean_excerpts(
    path: Path | str,
    codebook: pd.DataFrame,
    case_ids: Iterable[str],
    code_counts: pd.DataFrame,
    approvals: Approvals | Path | str,
    k: int,
) -> ExcerptsResult:
    """Clean the excerpts export at ``path`` against the codebook and the cleaned cases'
    ids; ``code_counts`` (``code_id``, ``interviews_total``) says how often each code was
    raised (see the module docstring)."""
    p = Path(path)
    rows = read_excerpts(p)
    kept, issues = _check_rows(rows, p.name, codebook, set(case_ids))
    records = []
    for row in kept:
        record, _ = excerpt_record(
            excerpt_id(row["case_id"], row["code_id"], row["text"]), row["text"]
        )
        records.append({**record, **{c: row[c] for c in ("code_id", "case_id", "source_row")}})
    candidates = pd.DataFrame(records, columns=CANDIDATE_COLUMNS)
    approved, counts = approved_excerpts(candidates, approvals)
    raised = code_counts.set_index("code_id")["interviews_total"]
    code_of = candidates.set_index("excerpt_id")["code_id"] if len(candidates) else pd.Series()
    approved["code_id"] = approved["excerpt_id"].map(code_of)
    often = approved["code_id"].map(raised).fillna(0) >= k
    published = approved[often][PUBLISHED_COLUMNS].sort_values(["code_id", "excerpt_id"])
    rejects = pd.DataFrame(issues, columns=REJECT_COLUMNS)
    duplicates = int(rejects["reason"].str.startswith("duplicate").sum())
    accounting = {
        "source_file": p.name, "raw_rows": len(rows), "blank_rows": rows.attrs["blank_rows"],
        "kept": len(candidates), "duplicates": duplicates,
        "rejected": len(rejects) - duplicates, "approved": counts["approved"],
        "approvals_stale": counts["stale"], "approvals_unknown": counts["unknown"],
        "withheld_rare_code": int((~often).sum()), "published": len(published),
    }  # fmt: skip
    return ExcerptsResult(candidates, published.reset_index(drop=True), rejects, accounting)


def no_excerpts() -> ExcerptsResult:
    """The result when no excerpts export was supplied (the chapter says so)."""
    return ExcerptsResult(
        pd.DataFrame(columns=CANDIDATE_COLUMNS),
        pd.DataFrame(columns=PUBLISHED_COLUMNS),
        pd.DataFrame(columns=REJECT_COLUMNS),
        {"source_file": None, "raw_rows": 0, "kept": 0, "duplicates": 0, "rejected": 0,
         "approved": 0, "published": 0},
    )  # fmt: skip


def write_excerpts(
    result: ExcerptsResult, out_dir: Path | str, restricted: Path | str
) -> list[Path]:
    """The approved excerpts, rejects and accounting into ``out_dir``; every candidate (with
    its text as typed) only into ``restricted``."""
    check_restricted_location(restricted, [out_dir])
    out = Path(out_dir)
    return [
        atomic_write_csv(out / OUTPUT_FILES["published"], result.published),
        atomic_write_csv(out / OUTPUT_FILES["rejects"], result.rejects),
        atomic_write_json(out / OUTPUT_FILES["accounting"], result.accounting),
        *write_restricted(restricted, {RESTRICTED_FILE: result.candidates}),
    ]
