"""Table contracts of the bibliometric area: the per-work table and what is written beside it.

The per-work table's columns and types are defined once, here, as DuckDB types; the parquet
schema of rows produced in Python (:func:`staging_arrow_schema`) and the typed empty table
written when nothing was read (:func:`empty_table_sql`) are derived from them, so the
DuckDB and Python paths cannot drift apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.quality import REJECT_COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ACCOUNTING_COLUMNS",
    "AFFILIATION_COLUMNS",
    "COMPARISON_COLUMNS",
    "FIELD_MIX_COLUMNS",
    "FUNDER_COLUMNS",
    "FUNDER_OVERLAP_COLUMNS",
    "FUNDER_YEAR_COLUMNS",
    "LEADING_COLUMNS",
    "REJECT_COLUMNS",
    "SOURCES_COLUMNS",
    "TABLE_COLUMNS",
    "TABLE_TYPES",
    "WORK_COLUMNS",
    "WORK_TYPES",
    "YEARLY_COLUMNS",
    "empty_table_sql",
    "staging_arrow_schema",
]

#: Columns of the per-work table, in order, with their DuckDB types.
WORK_TYPES: dict[str, str] = {
    "work_id": "VARCHAR",
    "source_format": "VARCHAR",
    "doi": "VARCHAR",
    "year": "INTEGER",
    "countries": "VARCHAR[]",
    "institutions": "VARCHAR[]",
    "field": "VARCHAR",
    "uk_cn": "BOOLEAN",
    "affiliation_known": "BOOLEAN",
    "funders": "VARCHAR[]",
}
#: Column order of the per-work table.
WORK_COLUMNS: list[str] = list(WORK_TYPES)
#: ``works.parquet``: the work columns and the input each work was kept from.
TABLE_TYPES: dict[str, str] = {**WORK_TYPES, "source_file": "VARCHAR"}
TABLE_COLUMNS: list[str] = list(TABLE_TYPES)

#: ``bibliometrics_accounting``: records per file of works.
ACCOUNTING_COLUMNS = ["source_file", "format", "raw", "duplicates", "kept", "rejected"]
#: Every file found in the input folder and what was done with it.
SOURCES_COLUMNS = ["source_file", "format", "role"]
#: Kept works per source format by what their affiliations say.
AFFILIATION_COLUMNS = ["source_format", "works", "uk_cn", "not_uk_cn", "affiliation_unknown"]
#: Funder names of the kept works: how many works name each, and what the registry says.
FUNDER_COLUMNS = ["funder", "works", "resolved", "country", "side"]
#: Funders of UK–China works by side and year.
FUNDER_YEAR_COLUMNS = ["year", "side", "works", "share"]
#: Funders acknowledged by co-publications beside the funders the centres name.
FUNDER_OVERLAP_COLUMNS = ["funder", "side", "works", "share", "centres", "in_both"]
#: ``copubs_by_year.csv``.
YEARLY_COLUMNS = ["year", "uk_works", "uk_cn_works", "share_of_uk"]
FIELD_MIX_COLUMNS = ["field", "works", "share"]
LEADING_COLUMNS = [
    "rank",
    "institution",
    "works_in_sample",
    "estimated_works",
    "estimated_low",
    "estimated_high",
    "share",
]
#: The published bibliometric figures beside the computed values.
COMPARISON_COLUMNS = [
    "figure",
    "year",
    "unit",
    "published",
    "published_database",
    "published_source",
    "computed",
    "computed_database",
    "difference",
    "tolerance",
    "within_tolerance",
    "note",
]


def empty_table_sql() -> str:
    """SQL select-list giving the per-work table's typed columns and no rows."""
    return ", ".join(f"NULL::{t} AS {c}" for c, t in TABLE_TYPES.items()) + " WHERE false"


def _arrow_type(duckdb_type: str) -> pa.DataType:
    import pyarrow as pa

    if duckdb_type.endswith("[]"):
        return pa.list_(_arrow_type(duckdb_type[:-2]))
    return {
        "VARCHAR": pa.string(),
        "INTEGER": pa.int32(),
        "BIGINT": pa.int64(),
        "BOOLEAN": pa.bool_(),
    }[duckdb_type]


def staging_arrow_schema() -> pa.Schema:
    """Parquet schema of rows staged from Python readers: the table plus ``rec_rank``."""
    import pyarrow as pa

    types = {**TABLE_TYPES, "rec_rank": "BIGINT"}
    return pa.schema([(c, _arrow_type(t)) for c, t in types.items()])
