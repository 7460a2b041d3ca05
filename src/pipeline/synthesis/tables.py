"""Load and validate the recommendations and good-practice tables (Phase 3 synthesis)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

RECOMMENDATION_THEMES: tuple[str, ...] = (
    "enabling connections",
    "sustaining the benefits",
    "investing in the future",
    "mitigating challenges",
)
GOOD_PRACTICE_GROUPS: tuple[str, ...] = (
    "building connections and partnerships",
    "mitigating potential risks",
    "knowledge sharing",
)
SCORE_STATUSES: tuple[str, ...] = ("illustrative", "assessed")

RECOMMENDATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(int, pa.Check.ge(1), unique=True),
        "theme": pa.Column(str, pa.Check.isin(RECOMMENDATION_THEMES)),
        "title": pa.Column(str, pa.Check.str_length(min_value=3)),
        "feasibility": pa.Column(int, pa.Check.in_range(1, 5)),
        "impact": pa.Column(int, pa.Check.in_range(1, 5)),
        "score_status": pa.Column(str, pa.Check.isin(SCORE_STATUSES)),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="recommendations",
)

GOOD_PRACTICES_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, pa.Check.str_matches(r"^gp\d+$"), unique=True),
        "group": pa.Column(str, pa.Check.isin(GOOD_PRACTICE_GROUPS)),
        "practice": pa.Column(str, pa.Check.str_length(min_value=3)),
        "code_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"), nullable=True),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="good_practices",
)


class TablesInputError(ValueError):
    """A synthesis table is invalid; the message names the file, row and column."""


def _load(path: Path | str, schema: pa.DataFrameSchema) -> pd.DataFrame:
    p = Path(path)
    if not p.exists():
        raise TablesInputError(f"{p.name}: file not found")
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
        raise TablesInputError(f"{p.name}: " + "; ".join(lines)) from exc


def load_recommendations(path: Path | str) -> pd.DataFrame:
    """Read and validate the recommendations table, sorted by id."""
    df = _load(path, RECOMMENDATIONS_SCHEMA)
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def load_good_practices(path: Path | str) -> pd.DataFrame:
    """Read and validate the good-practices table, sorted by id."""
    df = _load(path, GOOD_PRACTICES_SCHEMA)
    return df.sort_values("id", kind="stable").reset_index(drop=True)


def compute_findings(recommendations: pd.DataFrame, good_practices: pd.DataFrame) -> dict[str, Any]:
    """recommendations_total, recommendation_themes and good_practice_groups."""
    return {
        "recommendations_total": int(recommendations["id"].nunique()),
        "recommendation_themes": int(recommendations["theme"].nunique()),
        "good_practice_groups": int(good_practices["group"].nunique()),
    }
