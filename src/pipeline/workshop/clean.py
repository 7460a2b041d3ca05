"""Check the workshop scoring sheet row by row and write the cleaned tables.

:func:`clean_workshop` keeps a row when its organisation type is one of
:data:`~pipeline.workshop.schemas.ORGANISATION_TYPES` (case-insensitive), its recommendation
is the number of a recommendation in the recommendations table, and both scores are whole
numbers from 1 to 5. Any other row is rejected with its row, column, value and reason. A second
row of the same participant for the same recommendation is a duplicate: the first is kept.

The participant label is replaced by an opaque key (``w001``, ``w002``, ... in order of first
appearance) and never written out; comments are free text and are written only to the
restricted review folder. Every row is accounted for: rows read = kept + duplicates + rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.io import atomic_write_csv, atomic_write_json, atomic_write_parquet
from pipeline.workshop.read import read_scores
from pipeline.workshop.schemas import (
    ISSUE_COLUMNS,
    ORGANISATION_TYPES,
    SCORE_MAX,
    SCORE_MIN,
    SCORES,
    SCORES_SCHEMA,
)

__all__ = ["OUTPUT_NAMES", "WorkshopResult", "clean_workshop", "write_outputs"]

OUTPUT_NAMES = {
    "scores": "workshop_scores.parquet",
    "rejects": "workshop_rejects.csv",
    "accounting": "workshop_accounting.json",
    "comments": "workshop_comments.csv",
}


@dataclass
class WorkshopResult:
    """The cleaned scores, the rows set aside, the restricted comments and the accounting."""

    scores: pd.DataFrame
    rejects: pd.DataFrame
    comments: pd.DataFrame
    accounting: dict[str, Any] = field(default_factory=dict)


def _whole_score(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    if not number.is_integer() or not SCORE_MIN <= number <= SCORE_MAX:
        return None
    return int(number)


def _recommendation_number(value: str) -> int | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return int(number) if number.is_integer() else None


def _problem(row: pd.Series, known: set[int]) -> tuple[str, str] | None:
    """``(column, reason)`` of the first thing wrong with ``row``, or None."""
    if not row["participant"]:
        return "participant", "no participant label"
    if row["organisation_type"].lower() not in ORGANISATION_TYPES:
        return "organisation_type", f"unknown type (allowed: {', '.join(ORGANISATION_TYPES)})"
    if _recommendation_number(row["recommendation"]) not in known:
        return "recommendation", "not the number of a recommendation"
    for column in SCORES:
        if _whole_score(row[column]) is None:
            return column, f"not a whole number from {SCORE_MIN} to {SCORE_MAX}"
    return None


def _issue(name: str, row: pd.Series, column: str, reason: str) -> dict[str, Any]:
    value = "" if column == "participant" else row[column]
    return {"source_file": name, "source_row": int(row["source_row"]), "column": column,
            "value": value, "reason": reason}  # fmt: skip


def _split(rows: pd.DataFrame, name: str, known: set[int]) -> tuple[list[int], list[dict]]:
    """Indexes of rows kept, and the rejects and duplicates (as issue rows)."""
    kept: list[int] = []
    issues: list[dict[str, Any]] = []
    seen: dict[tuple[str, int], int] = {}
    for i, row in rows.iterrows():
        problem = _problem(row, known)
        if problem is not None:
            issues.append(_issue(name, row, *problem))
            continue
        pair = (row["participant"].casefold(), _recommendation_number(row["recommendation"]))
        if pair in seen:
            reason = f"duplicate: the same participant scored it at row {seen[pair]}"
            issues.append(_issue(name, row, "recommendation", reason))
            continue
        seen[pair] = int(row["source_row"])
        kept.append(i)
    return kept, issues


def _keys(labels: Iterable[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for label in labels:
        keys.setdefault(label.casefold(), f"w{len(keys) + 1:03d}")
    return keys


def clean_workshop(path: Path | str, recommendations: Iterable[int]) -> WorkshopResult:
    """Clean the scoring sheet at ``path`` against the recommendation numbers given."""
    p = Path(path)
    rows = read_scores(p)
    kept, issues = _split(rows, p.name, {int(r) for r in recommendations})
    good = rows.loc[kept]
    keys = _keys(good["participant"])
    scores = pd.DataFrame(
        {
            "participant_key": good["participant"].str.casefold().map(keys),
            "organisation_type": good["organisation_type"].str.lower(),
            "recommendation": good["recommendation"].map(_recommendation_number),
            **{c: good[c].map(_whole_score) for c in SCORES},
            "source_row": good["source_row"],
        }
    ).sort_values(["recommendation", "participant_key"], kind="stable")
    scores = SCORES_SCHEMA.validate(scores.reset_index(drop=True))
    rejects = pd.DataFrame(issues, columns=list(ISSUE_COLUMNS))
    with_comment = good[good["comment"] != ""]
    comments = pd.DataFrame(
        {
            "participant_key": with_comment["participant"].str.casefold().map(keys),
            "recommendation": with_comment["recommendation"].map(_recommendation_number),
            "source_row": with_comment["source_row"],
            "comment": with_comment["comment"],
        }
    ).reset_index(drop=True)
    duplicates = int(rejects["reason"].str.startswith("duplicate").sum())
    accounting = {
        "source_file": p.name,
        "raw_rows": len(rows),
        "blank_rows": int(rows.attrs.get("blank_rows", 0)),
        "kept": len(scores),
        "duplicates": duplicates,
        "rejected": len(rejects) - duplicates,
        "participants": int(scores["participant_key"].nunique()),
        "comments_restricted": len(comments),
    }
    if accounting["raw_rows"] != len(scores) + len(rejects):  # a bug, never bad input
        raise RuntimeError(f"{p.name}: rows read and rows accounted for differ")
    return WorkshopResult(scores, rejects, comments, accounting)


def write_outputs(
    result: WorkshopResult, out_dir: Path | str, restricted: Path | str
) -> list[Path]:
    """Write the shared tables to ``out_dir`` and the comments to ``restricted``."""
    out, private = Path(out_dir), Path(restricted)
    return [
        atomic_write_parquet(out / OUTPUT_NAMES["scores"], result.scores),
        atomic_write_csv(out / OUTPUT_NAMES["rejects"], result.rejects),
        atomic_write_json(out / OUTPUT_NAMES["accounting"], result.accounting),
        atomic_write_csv(private / OUTPUT_NAMES["comments"], result.comments),
    ]
