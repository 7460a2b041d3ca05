"""The works behind the bibliometric figures that count sampled works.

A work is a publication (its id, DOI, year, field and acknowledged funders): a record that
may be shown. Each row names the export it was read from (``source_file``,
under ``data/raw``) and the work's identifier in it (``source_id``): the bibliometric
exports are read by record, and ``works.parquet`` keeps the id, not a line number. Both
figures link the same ``records-works`` file, one row per work.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from pipeline.biblio.findings import UNKNOWN_FIELD
from pipeline.downloads import Records

__all__ = ["by_field", "by_funder", "work_records"]

#: the separator of several funders in one cell
SEP = "; "
#: the page's filter table names each work by its id in the export; the CSV adds its DOI
CSV_ONLY = ("DOI",)


def _joined(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return SEP.join(str(v) for v in list(value))


def work_records(works: pd.DataFrame) -> pd.DataFrame:
    """One row per UK–China work of the sample, with its lineage."""
    sel = works[works["uk_cn"].map(lambda v: v is not None and not pd.isna(v) and bool(v))]
    field = sel["field"].map(lambda v: str(v).strip() if isinstance(v, str) and v.strip() else "")
    return pd.DataFrame(
        {
            "source_id": sel["work_id"].astype(str),
            "DOI": sel["doi"].fillna(""),
            "Year": sel["year"].astype("Int64").astype(str).replace("<NA>", ""),
            "Field": field.replace("", UNKNOWN_FIELD),
            "Funders": sel["funders"].map(_joined),
            "source_file": sel["source_file"].astype(str),
        }
    ).reset_index(drop=True)


def by_field(rows: pd.DataFrame) -> Records:
    """The works behind the field-mix figure, filtered by field."""
    return Records(rows, by="Field", unit="works", name="works", csv_only=CSV_ONLY)


def by_funder(rows: pd.DataFrame, funders: Iterable[str]) -> Records:
    """The works behind the funders figure: those acknowledging one of the ``funders`` it
    shows (a work counts under each), filtered by funder."""
    shown = tuple(str(f) for f in funders)
    return Records(
        rows, by="Funders", unit="works", name="works", sep=SEP, categories=shown, csv_only=CSV_ONLY
    )
