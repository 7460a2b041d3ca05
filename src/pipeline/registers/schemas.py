"""Pandera schemas for the tables the register cleaner and the screen write.

Each ``validate_*`` function checks a frame against its model (strict: exactly the contract's
columns, in order) and returns it, so a broken contract fails when the table is built, not in
the chapter. The ``*_DTYPES`` mappings give each table's columns and dtypes; :func:`frame`
builds a table from row dicts with them (an empty input still gives typed columns).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

ENTRY_ID = r"^E\d{4,}$"
ORG_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PARTIAL_DATE = r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$"
MATCH_METHODS = ("exact", "alias", "none")
TIMINGS = (
    "listed before founding",
    "listed in founding year",
    "listed after founding",
    "listing date not given",
)

ENTRY_DTYPES: dict[str, str] = {
    "entry_id": "object",
    "organisation": "object",
    "aliases": "object",
    "country": "object",
    "list_name": "object",
    "category": "object",
    "date_listed": "object",
    "year_listed": "Int64",
    "source": "object",
    "org_id": "object",
    "match": "object",
    "source_file": "object",
    "source_row": "int64",
}
#: Entry columns as the cleaner fills them (the id is added afterwards).
ENTRY_COLUMNS_IN: tuple[str, ...] = tuple(c for c in ENTRY_DTYPES if c != "entry_id")
REJECT_DTYPES: dict[str, str] = {
    "source_file": "object",
    "source_row": "int64",
    "column": "object",
    "value": "object",
    "reason": "object",
}
DUPLICATE_DTYPES: dict[str, str] = {
    "source_file": "object",
    "source_row": "int64",
    "duplicate_of_file": "object",
    "duplicate_of_row": "int64",
    "organisation": "object",
    "list_name": "object",
    "differs": "object",
}
REVIEW_DTYPES: dict[str, str] = {
    "source_file": "object",
    "source_row": "int64",
    "organisation": "object",
    "list_name": "object",
    "issue": "object",
    "candidate": "object",
    "candidate_name": "object",
    "score": "float64",
}
LISTED_DTYPES: dict[str, str] = {
    "centre_id": "object",
    "centre": "object",
    "centre_invented": "bool",
    "year_established": "int64",
    "nsi_sector": "object",
    "sector_label": "object",
    "sensitive_sector": "bool",
    "org_id": "object",
    "organisation": "object",
    "country": "object",
    "entry_id": "object",
    "list_name": "object",
    "category": "object",
    "date_listed": "object",
    "year_listed": "Int64",
    "timing": "object",
    "source": "object",
}


def typed(df: pd.DataFrame, dtypes: Mapping[str, str]) -> pd.DataFrame:
    """``df`` with exactly the columns of ``dtypes``, in order, cast to those dtypes."""
    out = df.reindex(columns=list(dtypes))
    for col, dtype in dtypes.items():
        if dtype == "object":
            out[col] = out[col].astype(object).where(out[col].notna(), None)
        else:
            out[col] = out[col].astype(dtype)
    return out.reset_index(drop=True)


def frame(rows: Sequence[Mapping[str, Any]], dtypes: Mapping[str, str]) -> pd.DataFrame:
    """A typed table from row dicts (missing keys become blanks)."""
    return typed(pd.DataFrame(list(rows), columns=list(dtypes)), dtypes)


class _Base(pa.DataFrameModel):
    class Config:
        strict = True
        ordered = True
        coerce = False


class EntriesSchema(_Base):
    """registers_entries.parquet: one row per kept register entry."""

    entry_id: Series[str] = pa.Field(unique=True, str_matches=ENTRY_ID)
    organisation: Series[str] = pa.Field(str_length={"min_value": 1})
    aliases: Series[object]
    country: Series[str] = pa.Field(nullable=True, str_matches=r"^[A-Z]{2}$")
    list_name: Series[str] = pa.Field(str_length={"min_value": 1})
    category: Series[str] = pa.Field(str_length={"min_value": 1})
    date_listed: Series[str] = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    year_listed: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    source: Series[str] = pa.Field(str_length={"min_value": 1})
    org_id: Series[str] = pa.Field(nullable=True, str_matches=ORG_ID)
    match: Series[str] = pa.Field(isin=list(MATCH_METHODS))
    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)

    @pa.check("aliases", name="aliases_are_string_lists")
    @classmethod
    def _alias_lists(cls, s: Series[object]) -> Series[bool]:
        return s.map(lambda v: isinstance(v, list) and all(isinstance(x, str) and x for x in v))

    @pa.dataframe_check(name="match_agrees_with_org_id")
    @classmethod
    def _match_consistent(cls, df: pd.DataFrame) -> Series[bool]:
        return df["org_id"].isna() == (df["match"] == "none")


class RejectsSchema(_Base):
    """registers_rejects.csv: one line per problem of a rejected row."""

    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    column: Series[str]
    value: Series[str]
    reason: Series[str] = pa.Field(str_length={"min_value": 1})


class DuplicatesSchema(_Base):
    """registers_duplicates.csv: rows naming an organisation already on the same list."""

    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    duplicate_of_file: Series[str]
    duplicate_of_row: Series[int] = pa.Field(ge=1)
    organisation: Series[str]
    list_name: Series[str]
    differs: Series[str]


class ReviewSchema(_Base):
    """registers_review.csv: kept entries no registry organisation was matched to."""

    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    organisation: Series[str]
    list_name: Series[str]
    issue: Series[str]
    candidate: Series[str] = pa.Field(nullable=True, str_matches=ORG_ID)
    candidate_name: Series[str] = pa.Field(nullable=True)
    score: Series[float] = pa.Field(nullable=True, ge=0, le=100)


class ListedPartnersSchema(_Base):
    """listed_partners: one row per centre, partner found on a register, and register entry."""

    centre_id: Series[str]
    centre: Series[str]
    centre_invented: Series[bool]
    year_established: Series[int]
    nsi_sector: Series[str] = pa.Field(nullable=True)
    sector_label: Series[str]
    sensitive_sector: Series[bool]
    org_id: Series[str] = pa.Field(str_matches=ORG_ID)
    organisation: Series[str]
    country: Series[str] = pa.Field(nullable=True)
    entry_id: Series[str] = pa.Field(str_matches=ENTRY_ID)
    list_name: Series[str]
    category: Series[str]
    date_listed: Series[str] = pa.Field(nullable=True, str_matches=PARTIAL_DATE)
    year_listed: Series[pd.Int64Dtype] = pa.Field(nullable=True)
    timing: Series[str] = pa.Field(isin=list(TIMINGS))
    source: Series[str]

    class Config:
        unique = ["centre_id", "org_id", "entry_id"]  # noqa: RUF012 - pandera reads a list


def validate_entries(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the cleaned register entries."""
    return EntriesSchema.validate(df, lazy=True)


def validate_rejects(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the rejects table."""
    return RejectsSchema.validate(df, lazy=True)


def validate_duplicates(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the duplicates table."""
    return DuplicatesSchema.validate(df, lazy=True)


def validate_review(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the review table."""
    return ReviewSchema.validate(df, lazy=True)


def validate_listed(df: pd.DataFrame) -> pd.DataFrame:
    """Validate the screen's listed-partners table."""
    return ListedPartnersSchema.validate(df, lazy=True)
