"""The organisations behind the network figures, with the centre rows that name them.

An organisation (a university, an institute, a company) is a record that may be shown, never
a person. Its lineage is the centres database: the rows of the centres it is a partner of.
:func:`organisation_records` gives one row per organisation under the label the chapter
shows (a pseudonym for a real organisation whose figures are simulated, see
:func:`pipeline.triangulation.chapter.organisation_labels`), its country, centres and
community, the centres file (relative to ``data/raw``) and those rows (``source_row``,
several joined by ``"; "``). The registry id is left out in a synthetic edition: it would
name the organisation a pseudonym stands for. :func:`records` wraps the table for
``report.show_chart(..., records=...)``; the three network figures share one
``records-organisations`` file, filtered by country.
"""

from __future__ import annotations

import pandas as pd

from pipeline.centres.records import source_path
from pipeline.downloads import Records
from pipeline.triangulation.chapter import COUNTRY_LABELS

__all__ = ["SEP", "organisation_records", "records"]

#: several centre rows in one cell are joined by this separator
SEP = "; "


def organisation_records(
    shown: pd.DataFrame,
    centre_partners: pd.DataFrame,
    centres: pd.DataFrame,
    source_file: str,
    *,
    synthetic: bool,
) -> pd.DataFrame:
    """One row per organisation of ``shown`` (network metrics with display names), most
    connected first; ``centre_partners`` and ``centres`` give each one's centre rows, and
    ``source_file`` is the workbook's name as the centres cleaning report gives it."""
    rows = centre_partners[["centre_id", "org_id"]].drop_duplicates()
    rows = rows.merge(centres[["centre_id", "source_row"]], on="centre_id", how="left")
    by_org = rows.groupby("org_id")["source_row"].agg(
        lambda v: SEP.join(str(int(r)) for r in sorted(v.dropna()))
    )
    orgs = shown.sort_values(["rank", "org_id"], kind="mergesort")
    table = pd.DataFrame(
        {
            "Organisation": orgs["name"].astype(str),
            "Country": orgs["country"].map(lambda c: COUNTRY_LABELS.get(c, c or "Other")),
            "Centres": orgs["centres"].astype(int),
            "Community": orgs["community"].astype(int),
            "source_file": source_path(source_file),
            "source_row": orgs["org_id"].map(by_org).fillna(""),
        }
    )
    if not synthetic:
        table.insert(0, "org_id", orgs["org_id"].astype(str))
    return table.reset_index(drop=True)


def records(table: pd.DataFrame) -> Records:
    """The organisations behind a network figure, filtered by country."""
    return Records(table, by="Country", unit="organisations", name="organisations")
