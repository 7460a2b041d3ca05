"""Read and validate the synthesis inputs: recommendations, good practices and theme files.

Each loader returns a validated table sorted by its id (or theme); a bad file raises
:class:`SynthesisInputError` naming the file, the row (as a spreadsheet numbers it) and the
column.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from pipeline.quality import read_text_csv
from pipeline.synthesis.schemas import (
    EVIDENCE_THEME_COLUMNS,
    GOOD_PRACTICES_SCHEMA,
    KINDS,
    LEVELS,
    LITERATURE_COLUMNS,
    RECOMMENDATIONS_SCHEMA,
    RESOURCES_SCHEMA,
    SURVEY_QUESTIONS,
)

__all__ = [
    "SynthesisInputError",
    "load_evidence_themes",
    "load_good_practice_resources",
    "load_good_practices",
    "load_literature_themes",
    "load_recommendations",
]


class SynthesisInputError(ValueError):
    """A synthesis input is missing or invalid; the message names the file, row and column."""


# ------------------------------------------------------------------ recommendations, practices


def _validated(path: Path | str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise SynthesisInputError(f"{p.name}: file not found")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df = df.apply(lambda s: s.str.strip())
    # A cell that a spreadsheet-safe writer prefixed with ' is restored.
    df = df.apply(lambda s: s.str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True))
    df = df.replace({"": None})
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        lines = []
        for fc in exc.failure_cases.head(10).itertuples():
            idx = getattr(fc, "index", None)
            row = f"row {int(idx) + 2}" if idx is not None and pd.notna(idx) else "table"
            lines.append(f"{row}, column {fc.column}: {fc.check} (value {fc.failure_case!r})")
        raise SynthesisInputError(f"{p.name}: " + "; ".join(lines)) from exc


def load_recommendations(path: Path | str) -> pd.DataFrame:
    """Read and validate the recommendations table, sorted by id."""
    df = _validated(path, RECOMMENDATIONS_SCHEMA)
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def load_good_practices(path: Path | str) -> pd.DataFrame:
    """Read and validate the good-practices table, sorted by id."""
    df = _validated(path, GOOD_PRACTICES_SCHEMA)
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def load_good_practice_resources(path: Path | str, practice_ids: Iterable[str]) -> pd.DataFrame:
    """Read the named resources of the good practices, sorted by id; every practice id a
    resource lists must be one of ``practice_ids`` (else the error names the row)."""
    df = _validated(path, RESOURCES_SCHEMA)
    known = set(practice_ids)
    for idx, ids in df["good_practice_ids"].items():
        unknown = [i for i in ids.split(" | ") if i not in known]
        if unknown:
            raise SynthesisInputError(
                f"{Path(path).name}: row {int(idx) + 2}, column good_practice_ids: "
                f"{', '.join(unknown)} is not a good practice of the good-practices table"
            )
    return df.sort_values("resource_id", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ theme files


def _check_values(df: pd.DataFrame, name: str, column: str, allowed: tuple[str, ...]) -> None:
    for idx, value in df[column].items():
        if value not in allowed:
            raise SynthesisInputError(
                f"{name}: row {int(idx) + 2}, column {column}: {value!r} is not one of "
                f"{', '.join(allowed)}"
            )


def _check_unique(df: pd.DataFrame, name: str, column: str) -> None:
    dup = df[column].duplicated(keep="first")
    if dup.any():
        idx = int(dup.idxmax())
        raise SynthesisInputError(
            f"{name}: row {idx + 2}, column {column}: duplicate value {df.at[idx, column]!r}"
        )


def load_literature_themes(path: Path | str) -> pd.DataFrame:
    """Read ``literature_themes.csv`` (theme, kind, emphasis, basis), validated, sorted by theme."""
    df = read_text_csv(path, LITERATURE_COLUMNS, error=SynthesisInputError)
    name = Path(path).name
    _check_unique(df, name, "theme")
    _check_values(df, name, "kind", KINDS)
    _check_values(df, name, "emphasis", LEVELS)
    for idx, basis in df["basis"].items():
        if not basis:
            raise SynthesisInputError(f"{name}: row {int(idx) + 2}, column basis: empty")
    return df.sort_values("theme", kind="stable").reset_index(drop=True)


def load_evidence_themes(path: Path | str) -> pd.DataFrame:
    """Read ``evidence_themes.csv``: theme -> survey question/item and interview code.

    Columns ``theme, label, kind, survey_question, survey_item, interview_code_id``;
    ``survey_question`` is ``driver``, ``challenge``, ``at_risk`` or blank (not asked);
    ``survey_item`` names the driver or challenge item; ``interview_code_id`` may be blank.
    """
    df = read_text_csv(path, EVIDENCE_THEME_COLUMNS, error=SynthesisInputError)
    name = Path(path).name
    _check_unique(df, name, "theme")
    _check_values(df, name, "kind", KINDS)
    _check_values(df, name, "survey_question", (*SURVEY_QUESTIONS, ""))
    for idx, row in df.iterrows():
        if row["survey_question"] in ("driver", "challenge") and not row["survey_item"]:
            raise SynthesisInputError(
                f"{name}: row {int(idx) + 2}, column survey_item: empty for a "
                f"{row['survey_question']} question"
            )
    return df.sort_values("theme", kind="stable").reset_index(drop=True)
