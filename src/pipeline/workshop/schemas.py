"""The workshop scoring sheet's vocabulary and the cleaned table's contract.

Every allowed value is defined here once; the synthetic generator, the cleaner and the
chapter take them from this module.
"""

from __future__ import annotations

import pandera.pandas as pa

#: Kinds of organisation a participant can represent, as the sheet spells them.
ORGANISATION_TYPES: tuple[str, ...] = (
    "university",
    "government",
    "funder",
    "sector body",
    "business",
)
SCORE_MIN, SCORE_MAX = 1, 5
SCORES: tuple[str, ...] = ("feasibility", "impact")

#: Columns of the scoring sheet, in order. ``participant`` is whatever label the organisers
#: typed (possibly a name); it is replaced by an opaque key and never written out.
#: ``comment`` is free text: it goes only to the restricted review folder.
SHEET_COLUMNS: tuple[str, ...] = (
    "participant",
    "organisation_type",
    "recommendation",
    "feasibility",
    "impact",
    "comment",
)
REQUIRED_COLUMNS: tuple[str, ...] = SHEET_COLUMNS[:-1]

#: Columns of the cleaned table (``workshop_scores.parquet``): allow-listed, no free text.
SCORES_SCHEMA = pa.DataFrameSchema(
    {
        "participant_key": pa.Column(str, pa.Check.str_matches(r"^w\d{3}$")),
        "organisation_type": pa.Column(str, pa.Check.isin(ORGANISATION_TYPES)),
        "recommendation": pa.Column(int, pa.Check.ge(1)),
        "feasibility": pa.Column(int, pa.Check.in_range(SCORE_MIN, SCORE_MAX)),
        "impact": pa.Column(int, pa.Check.in_range(SCORE_MIN, SCORE_MAX)),
        "source_row": pa.Column(int, pa.Check.ge(2)),
    },
    strict=True,
    ordered=True,
    coerce=True,
    unique=["participant_key", "recommendation"],
    name="workshop_scores",
)

#: Columns of the rejects and duplicates lists.
ISSUE_COLUMNS: tuple[str, ...] = ("source_file", "source_row", "column", "value", "reason")
