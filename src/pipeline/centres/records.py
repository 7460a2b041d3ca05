"""The centres behind each figure of the centres chapter, with their source row.

A centre is an organisation-level record (name, year, topic, partners, funders), never a
person, so the rows behind a count may be shown. :func:`centre_records` gives one row per
centre with the labels the chapter's charts use, its UK partners and funders (several
values joined by ``"; "``), the file the centre was read from (relative to ``data/raw``)
and its row there. :func:`records` wraps that one table for
``report.show_chart(..., records=...)``: every figure of the chapter links the same
``records-centres`` file and filters it by its own column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.centres.charts import DISCIPLINE_LABELS, LOCATION_LABELS
from pipeline.downloads import Records

__all__ = ["MULTI", "centre_records", "records", "source_path"]

#: the raw-input folder of the centres workbook, as ``source_file`` names it
RAW_FOLDER = "centres"
#: columns holding several values per centre, joined by this separator
MULTI = ("Funders", "UK partners")
SEP = "; "


def source_path(name: str) -> str:
    """The centres workbook as records name it: its path under ``data/raw``."""
    return f"{RAW_FOLDER}/{name}"


def _labels(ref: pd.DataFrame, key: str, label: str) -> dict[str, str]:
    return dict(zip(ref[key].astype(str), ref[label].astype(str), strict=True))


def _joined(values: Any) -> str:
    if values is None or (isinstance(values, float) and pd.isna(values)):
        return ""
    return SEP.join(str(v) for v in list(values))


def _uk_partners(
    ids: pd.Series, partners: pd.DataFrame | None, organisations: pd.DataFrame | None
) -> pd.Series:
    """Each centre's UK partner institutions, by name, sorted and joined."""
    if partners is None or organisations is None:
        return pd.Series([""] * len(ids), index=ids.index)
    links = partners[partners["side"] == "UK"].drop_duplicates(["centre_id", "org_id"])
    names = links.merge(organisations[["org_id", "name"]], on="org_id", how="left")
    names["Partner"] = names["name"].fillna(names["org_id"]).astype(str)
    by_centre = names.groupby("centre_id")["Partner"].agg(lambda v: SEP.join(sorted(set(v))))
    return ids.map(by_centre).fillna("")


def centre_records(
    centres: pd.DataFrame,
    refs: Mapping[str, pd.DataFrame],
    source_file: str,
    *,
    partners: pd.DataFrame | None = None,
    organisations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per centre: the fields the charts count, ``source_file`` and ``source_row``.

    ``refs`` holds the ``topics``, ``nsi_sectors`` and ``provinces`` reference tables (for
    labels); ``source_file`` is the workbook's name as the cleaning report gives it;
    ``partners`` and ``organisations`` (both or neither) fill the ``UK partners`` column.
    """
    topics = _labels(refs["topics"], "topic", "label")
    sectors = _labels(refs["nsi_sectors"], "sector", "label")
    provinces = _labels(refs["provinces"], "code", "name_en")
    c = centres.sort_values("centre_id", kind="mergesort")
    return pd.DataFrame(
        {
            "centre_id": c["centre_id"].astype(str),
            "Centre": c["name"],
            "Chinese name": c["name_zh"].fillna(""),
            "Year established": c["year_established"].astype(str),
            "Status": c["status"].fillna(""),
            "Location": c["location"].map(LOCATION_LABELS).fillna(c["location"]).fillna(""),
            "Province-level unit": c["province_code"].map(provinces).fillna(""),
            "City": c["city"].fillna(""),
            "Topic": c["topic"].map(topics).fillna(c["topic"]).fillna(""),
            "Discipline group": c["discipline_group"].map(DISCIPLINE_LABELS).fillna(""),
            "Sector": c["nsi_sector"].map(sectors).fillna(c["nsi_sector"]).fillna(""),
            "Funders": c["funders"].map(_joined),
            "UK partners": _uk_partners(c["centre_id"].astype(str), partners, organisations),
            "source_file": source_path(source_file),
            "source_row": c["source_row"].astype("int64"),
        }
    ).reset_index(drop=True)


def records(rows: pd.DataFrame, by: str) -> Records:
    """The centres behind a figure counting them by ``by`` (a column of ``rows``; for
    ``Funders`` and ``UK partners`` a centre counts under each of its values)."""
    if by not in rows.columns:
        raise ValueError(f"no column {by!r} in the centre records")
    sep = SEP if by in MULTI else None
    return Records(rows, by=by, unit="centres", name="centres", sep=sep)
