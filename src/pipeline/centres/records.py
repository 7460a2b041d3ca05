"""The centres behind each figure of the centres chapter, with their source row.

A centre is an organisation-level record (name, year, topic, partners, funders), never a
person, so the rows behind a count may be shown. :func:`centre_records` gives one row per
centre with the labels the chapter's charts use, the file the centre was read from
(relative to ``data/raw``) and its row there; :func:`records` wraps it for
``report.show_chart(..., records=...)``, one row per centre and category when a centre
counts in several (its UK partners, its funders).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from pipeline.centres.charts import DISCIPLINE_LABELS, LOCATION_LABELS
from pipeline.downloads import Records

__all__ = ["centre_records", "records"]

#: the raw-input folder of the centres workbook, as ``source_file`` names it
RAW_FOLDER = "centres"


def _labels(ref: pd.DataFrame, key: str, label: str) -> dict[str, str]:
    return dict(zip(ref[key].astype(str), ref[label].astype(str), strict=True))


def _joined(values: Any) -> str:
    if values is None or (isinstance(values, float) and pd.isna(values)):
        return ""
    return "; ".join(str(v) for v in list(values))


def centre_records(
    centres: pd.DataFrame, refs: Mapping[str, pd.DataFrame], source_file: str
) -> pd.DataFrame:
    """One row per centre: the fields the charts count, ``source_file`` and ``source_row``.

    ``refs`` holds the ``topics``, ``nsi_sectors`` and ``provinces`` reference tables (for
    labels); ``source_file`` is the workbook's name as the cleaning report gives it.
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
            "source_file": f"{RAW_FOLDER}/{source_file}",
            "source_row": c["source_row"].astype("int64"),
        }
    ).reset_index(drop=True)


def _by_partner(
    rows: pd.DataFrame, partners: pd.DataFrame, organisations: pd.DataFrame, side: str
) -> pd.DataFrame:
    links = partners[partners["side"] == side].drop_duplicates(["centre_id", "org_id"])
    names = links.merge(organisations[["org_id", "name"]], on="org_id", how="left")
    names["Partner"] = names["name"].fillna(names["org_id"])
    out = rows.merge(names[["centre_id", "Partner"]], on="centre_id", how="inner")
    return out.sort_values(["Partner", "centre_id"], kind="mergesort").reset_index(drop=True)


def _by_funder(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.assign(Funder=rows["Funders"].str.split("; ")).explode("Funder")
    out = out[out["Funder"].fillna("") != ""]
    return out.sort_values(["Funder", "centre_id"], kind="mergesort").reset_index(drop=True)


def records(
    rows: pd.DataFrame,
    by: str,
    *,
    partners: pd.DataFrame | None = None,
    organisations: pd.DataFrame | None = None,
) -> Records:
    """The records behind a figure counting centres by ``by`` (a column of ``rows``, or
    ``"Funder"``, or ``"UK partner"`` with ``partners`` and ``organisations``)."""
    unit = "centres"
    if by == "Funder":
        frame, unit = _by_funder(rows), "centre–funder links"
    elif by == "UK partner":
        if partners is None or organisations is None:
            raise ValueError("records by UK partner need the partners and organisations")
        frame = _by_partner(rows, partners, organisations, "UK").rename(
            columns={"Partner": "UK partner"}
        )
        unit = "centre–partner links"
    elif by in rows.columns:
        frame = rows
    else:
        raise ValueError(f"no column {by!r} in the centre records")
    frame = frame[frame[by].astype(str) != ""]  # the centres the figure counts
    first = ["centre_id", by]
    frame = frame[first + [c for c in frame.columns if c not in first]].reset_index(drop=True)
    return Records(frame, by=by, unit=unit)
