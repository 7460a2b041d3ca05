"""pandera schemas for the survey cleaning outputs.

They pin what the chapter and the reproduction check rely on: one row per kept
response under a pseudonymous id, answers only from the declared scales, and a
rejects table in the project's common layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandera.pandas as pa

from pipeline.survey.instrument import load_questions, load_scales

if TYPE_CHECKING:
    from pipeline.survey.clean import SurveyResult

PSEUDO_ID = r"^R\d{3,}$"


def responses_schema() -> pa.DataFrameSchema:
    """Schema of ``survey_responses.parquet`` (columns of the instrument are optional)."""
    scales = load_scales()
    columns: dict[str, pa.Column] = {
        "response_id": pa.Column("string", pa.Check.str_matches(PSEUDO_ID), unique=True),
        "source_row": pa.Column("int64", pa.Check.ge(1), unique=True),
        "org_id": pa.Column(
            "string", pa.Check.str_matches(r"^[a-z0-9-]+$"), nullable=False, required=False
        ),
    }
    for q in load_questions():
        if q.type in ("single", "likert") and q.scale:
            scale = scales[q.scale]
            columns[q.key] = pa.Column(
                pa.Category(categories=list(scale.labels), ordered=scale.ordered),
                nullable=True,
                required=False,
            )
        elif q.type == "multi":
            columns[f"{q.key}_n"] = pa.Column("Int64", pa.Check.ge(0), required=False)
    return pa.DataFrameSchema(columns, strict=False, ordered=False)


ANSWERS_LONG = pa.DataFrameSchema(
    {
        "response_id": pa.Column("string", pa.Check.str_matches(PSEUDO_ID)),
        "question_id": pa.Column("string"),
        "question_key": pa.Column("string"),
        "value": pa.Column("string", pa.Check.str_length(min_value=1)),
    },
    strict=True,
    unique=["response_id", "question_id", "value"],
)

REJECTS = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str),
        "source_row": pa.Column("int64", pa.Check.ge(1)),
        "column": pa.Column(str),
        "value": pa.Column(str),
        "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=True,
    ordered=True,
)


def validate_outputs(result: SurveyResult) -> None:
    """Validate the in-memory tables (raises ``pandera.errors.SchemaError``)."""
    responses_schema().validate(result.responses)
    ANSWERS_LONG.validate(result.answers_long)
    if len(result.rejects):
        REJECTS.validate(result.rejects)
