"""Pandera schemas and shared vocabularies for the interview coding tables."""

from __future__ import annotations

import pandera.pandas as pa

THEMES: tuple[str, ...] = ("drivers", "benefits", "challenges", "risks", "good_practices")

# Display label used in exports -> column/key id used in outputs.
GROUP_IDS: dict[str, str] = {
    "STEM": "stem",
    "Social sciences": "social_sciences",
    "Arts and humanities": "arts_and_humanities",
    "Support services": "support_services",
}
INSTITUTION_TYPES: tuple[str, ...] = (
    "Russell Group",
    "Other research-intensive",
    "Teaching-focused",
    "Research institute",
)
AT_RISK_CODE = "rsk_felt_at_risk"
MATCH_METHODS: tuple[str, ...] = ("exact", "alias", "fuzzy", "unresolved")
REJECT_COLUMNS: list[str] = ["source_file", "source_row", "column", "value", "reason"]

_CODE_ID = r"^[a-z][a-z0-9_]*$"

CODEBOOK_SCHEMA = pa.DataFrameSchema(
    {
        "code_id": pa.Column(str, pa.Check.str_matches(_CODE_ID), unique=True),
        "code_path": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        "theme": pa.Column(str, pa.Check.isin(THEMES)),
        "description": pa.Column(str, nullable=True),
    },
    strict=False,
    coerce=True,
    name="interviews codebook",
)

CASES_SCHEMA = pa.DataFrameSchema(
    {
        "case_id": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        "org_key": pa.Column(str, nullable=True),
        "org_id": pa.Column(str, nullable=True),
        "org_name": pa.Column(str, nullable=True),
        "org_match_method": pa.Column(str, pa.Check.isin(MATCH_METHODS)),
        "org_match_score": pa.Column(float, pa.Check.in_range(0, 100), nullable=True),
        "discipline_group": pa.Column(str, pa.Check.isin(list(GROUP_IDS)), nullable=True),
        "institution_type": pa.Column(str, pa.Check.isin(INSTITUTION_TYPES), nullable=True),
        "source_row": pa.Column(int, pa.Check.ge(1)),
    },
    strict=True,
    ordered=True,
    name="interview_cases",
)

CODES_LONG_SCHEMA = pa.DataFrameSchema(
    {
        "case_id": pa.Column(str),
        "code_id": pa.Column(str, pa.Check.str_matches(_CODE_ID)),
        "references": pa.Column(int, pa.Check.gt(0)),
    },
    strict=True,
    ordered=True,
    unique=["case_id", "code_id"],
    name="interview_codes_long",
)

CODE_COUNTS_SCHEMA = pa.DataFrameSchema(
    {
        "code_id": pa.Column(str, unique=True),
        "code_path": pa.Column(str),
        "theme": pa.Column(str, pa.Check.isin(THEMES)),
        "interviews_total": pa.Column(int, pa.Check.ge(0)),
        **{gid: pa.Column(int, pa.Check.ge(0)) for gid in GROUP_IDS.values()},
    },
    strict=True,
    ordered=True,
    name="interview_code_counts",
)

REJECTS_SCHEMA = pa.DataFrameSchema(
    {
        "source_file": pa.Column(str),
        "source_row": pa.Column(int, pa.Check.ge(1)),
        "column": pa.Column(str),
        "value": pa.Column(str, nullable=True),
        "reason": pa.Column(str, pa.Check.str_length(min_value=1)),
    },
    strict=True,
    ordered=True,
    name="interviews_rejects",
)
