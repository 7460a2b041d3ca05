"""Pandera schemas for every table the centres cleaner outputs, and their column lists.

Each ``validate_*`` function checks a frame against its :class:`DataFrameModel` (strict: exactly
the contract's columns, in order) and returns it, so a contract break fails loudly at build time
rather than in a chapter. The ``*_COLUMNS`` lists are read off the models (the contract is
typed once), and :func:`arrow_schema` gives the parquet schema of the three data tables.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pandas as pd
import pandera.pandas as pa
import pyarrow
from pandera.typing import Series

CENTRE_ID = r"^C\d{4,}$"
ORG_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
PROVINCE_CODE = r"^CN-[A-Z]{2}$"


class _Base(pa.DataFrameModel):
    class Config:
        strict = True
        ordered = True
        coerce = False


class CentresSchema(_Base):
    """centres.parquet: one row per cleaned centre."""

    centre_id: Series[str] = pa.Field(unique=True, str_matches=CENTRE_ID)
    name: Series[str] = pa.Field(str_length={"min_value": 1})
    name_zh: Series[str] = pa.Field(nullable=True)
    year_established: Series[int] = pa.Field(ge=1000, le=2999)
    year_approximate: Series[bool]
    status: Series[str] = pa.Field(nullable=True)
    location: Series[str] = pa.Field(nullable=True, isin=["CN", "GB", "both", "virtual"])
    province_code: Series[str] = pa.Field(nullable=True, str_matches=PROVINCE_CODE)
    city: Series[str] = pa.Field(nullable=True)
    topic: Series[str]
    discipline_group: Series[str] = pa.Field(
        nullable=True, isin=["stem", "non_stem", "multidisciplinary"]
    )
    nsi_sector: Series[str] = pa.Field(nullable=True)
    funders: Series[object]
    source_row: Series[int] = pa.Field(ge=1, unique=True)

    @pa.check("funders", name="funders_are_sorted_string_lists")
    @classmethod
    def _funders_lists(cls, s: Series[object]) -> Series[bool]:
        return s.map(
            lambda v: (
                isinstance(v, (list, tuple))
                and all(isinstance(x, str) and x for x in v)
                and list(v) == sorted(set(v))
            )
        )


class OrganisationsSchema(_Base):
    """organisations.parquet: registry organisations partnering in at least one centre."""

    org_id: Series[str] = pa.Field(unique=True, str_matches=ORG_ID)
    name: Series[str]
    country: Series[str] = pa.Field(str_matches=r"^[A-Z]{2}$")
    type: Series[str] = pa.Field(nullable=True)
    city: Series[str] = pa.Field(nullable=True)
    province_code: Series[str] = pa.Field(nullable=True)
    uk_nation: Series[str] = pa.Field(nullable=True)


class CentrePartnersSchema(_Base):
    """centre_partners.parquet: centre-organisation links with the organisation's side."""

    centre_id: Series[str] = pa.Field(str_matches=CENTRE_ID)
    org_id: Series[str] = pa.Field(str_matches=ORG_ID)
    side: Series[str] = pa.Field(isin=["UK", "CN", "other"])

    class Config:
        unique: ClassVar[list[str]] = ["centre_id", "org_id"]


class RejectsSchema(_Base):
    """centres_rejects.csv: one line per problem of a rejected row."""

    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    column: Series[str]
    value: Series[str]
    reason: Series[str] = pa.Field(str_length={"min_value": 1})


class DuplicatesSchema(_Base):
    """centres_duplicates.csv: rows dropped as exact duplicates of an earlier kept row."""

    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1, unique=True)
    duplicate_of_row: Series[int] = pa.Field(ge=1)
    name: Series[str]
    year_established: Series[int]
    partners: Series[str]


class UnresolvedSchema(_Base):
    """centres_unresolved_organisations.csv: partner names no registry organisation matched."""

    source_row: Series[int] = pa.Field(ge=1)
    column: Series[str]
    value: Series[str]
    best_candidate: Series[str] = pa.Field(nullable=True)
    score: Series[float] = pa.Field(nullable=True)


class ReviewSchema(_Base):
    """centres_review.csv: kept rows with something a person should look at."""

    source_file: Series[str]
    source_row: Series[int] = pa.Field(ge=1)
    column: Series[str]
    value: Series[str]
    issue: Series[str]


def _columns(model: type[pa.DataFrameModel]) -> list[str]:
    return list(model.to_schema().columns)


CENTRE_COLUMNS = _columns(CentresSchema)
ORGANISATION_COLUMNS = _columns(OrganisationsSchema)
PARTNER_LINK_COLUMNS = _columns(CentrePartnersSchema)
REJECT_COLUMNS = _columns(RejectsSchema)
DUPLICATE_COLUMNS = _columns(DuplicatesSchema)
UNRESOLVED_COLUMNS = _columns(UnresolvedSchema)
REVIEW_COLUMNS = _columns(ReviewSchema)


def arrow_schema(table: str) -> pyarrow.Schema:
    """Parquet schema of ``centres``, ``organisations`` or ``centre_partners``.

    Written explicitly so that an all-null column keeps its type and the same data gives the
    same bytes.
    """
    s, i, b = pyarrow.string(), pyarrow.int64(), pyarrow.bool_()
    centre_types = {"year_established": i, "year_approximate": b, "source_row": i}
    centre_types["funders"] = pyarrow.list_(s)
    columns = {
        "centres": [(c, centre_types.get(c, s)) for c in CENTRE_COLUMNS],
        "organisations": [(c, s) for c in ORGANISATION_COLUMNS],
        "centre_partners": [(c, s) for c in PARTNER_LINK_COLUMNS],
    }
    return pyarrow.schema(columns[table])


def _validate(model: type[pa.DataFrameModel], df: pd.DataFrame) -> pd.DataFrame:
    # empty frames built from column names carry object dtypes; give them the model's dtypes
    if df.empty:
        df = _typed_empty(model, df)
    return model.validate(df, lazy=True)


def _typed_empty(model: type[pa.DataFrameModel], df: pd.DataFrame) -> pd.DataFrame:
    schema = model.to_schema()
    out: dict[str, Any] = {}
    for name, col in schema.columns.items():
        dtype = str(col.dtype)
        if dtype.startswith("int"):
            out[name] = pd.Series([], dtype="int64")
        elif dtype.startswith("float"):
            out[name] = pd.Series([], dtype="float64")
        elif dtype == "bool":
            out[name] = pd.Series([], dtype="bool")
        else:
            out[name] = pd.Series([], dtype="object")
    return pd.DataFrame(out, columns=list(df.columns))


def validate_centres(df: pd.DataFrame) -> pd.DataFrame:
    """Validate centres."""
    return _validate(CentresSchema, df)


def validate_organisations(df: pd.DataFrame) -> pd.DataFrame:
    """Validate organisations."""
    return _validate(OrganisationsSchema, df)


def validate_centre_partners(df: pd.DataFrame) -> pd.DataFrame:
    """Validate centre_partners."""
    return _validate(CentrePartnersSchema, df)


def validate_rejects(df: pd.DataFrame) -> pd.DataFrame:
    """Validate rejects."""
    return _validate(RejectsSchema, df)


def validate_duplicates(df: pd.DataFrame) -> pd.DataFrame:
    """Validate duplicates."""
    return _validate(DuplicatesSchema, df)


def validate_unresolved(df: pd.DataFrame) -> pd.DataFrame:
    """Validate unresolved organisations."""
    return _validate(UnresolvedSchema, df)


def validate_review(df: pd.DataFrame) -> pd.DataFrame:
    """Validate review rows."""
    return _validate(ReviewSchema, df)
