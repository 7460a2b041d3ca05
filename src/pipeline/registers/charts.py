"""The screen's chart and display tables.

Everything here takes the screen's tables (:class:`pipeline.registers.Screen`) and returns a
display-ready :class:`pandas.DataFrame` (readable column names, stable row order) or an altair
chart. Colours come from :mod:`pipeline.theme` (Okabe-Ito); the chart has no title (the caption
goes through :func:`pipeline.report.show_chart`) and its spec is deterministic.

Public API::

    sector_split_frame(by_sector) -> DataFrame[label, status, centres, total]
    sector_split_chart(frame, width=420) -> alt.Chart
    listed_table(listed) / list_table(by_list) / sector_table(by_sector)
    year_table(by_year) / unmatched_table(unmatched) / review_table(review, country_review)
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from pipeline import theme

__all__ = [
    "INVENTED_MARK",
    "STATUS_COLOURS",
    "STATUS_LISTED",
    "STATUS_NOT_LISTED",
    "list_table",
    "listed_table",
    "review_table",
    "sector_split_chart",
    "sector_split_frame",
    "sector_table",
    "unmatched_table",
    "year_table",
]

STATUS_LISTED = "A partner is on a register"
STATUS_NOT_LISTED = "No partner on a register"
#: Legend order and colours (Okabe-Ito): listed in orange, the rest in blue.
STATUS_COLOURS = {STATUS_LISTED: theme.ORANGE, STATUS_NOT_LISTED: theme.BLUE}
#: Stands in for every centre's name in a synthetic edition's display table (followed by the
#: centre's identifier): the synthetic names are built from real partners' names, and beside a
#: listed partner they would read as a claim about those real organisations.
INVENTED_MARK = "Invented centre"


def sector_split_frame(by_sector: pd.DataFrame) -> pd.DataFrame:
    """Long table for the chart: one row per sector and status, sectors in the screen's order.

    Sectors of the NSI Act carry "(NSI Act)" in their label so the chart can be read without
    the table.
    """
    rows = []
    for r in by_sector.itertuples(index=False):
        label = f"{r.label} (NSI Act)" if r.sensitive_sector else str(r.label)
        for status, n in (
            (STATUS_LISTED, r.with_listed_partner),
            (STATUS_NOT_LISTED, r.without_listed_partner),
        ):
            rows.append(
                {"label": label, "status": status, "centres": int(n), "total": int(r.centres)}
            )
    return pd.DataFrame(rows, columns=["label", "status", "centres", "total"])


def sector_split_chart(frame: pd.DataFrame, width: int = 420) -> alt.Chart:
    """Horizontal stacked bars: centres per NSI sector, split by whether a partner is listed."""
    order = list(dict.fromkeys(frame["label"]))
    top = int(frame.groupby("label")["centres"].sum().max()) if len(frame) else 0
    data = frame.assign(
        stack=frame["status"].map({STATUS_LISTED: 0, STATUS_NOT_LISTED: 1}).astype(int)
    )
    colour = alt.Color(
        "status:N",
        scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
        title=None,
        legend=alt.Legend(orient="bottom"),
    )
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=280)),
            x=alt.X(
                "centres:Q",
                stack="zero",
                title="Centres",
                axis=alt.Axis(tickMinStep=1, format="d"),
                scale=alt.Scale(domain=[0, max(1, math.ceil(top * 1.1))], nice=False),
            ),
            color=colour,
            order=alt.Order("stack:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Sector"),
                alt.Tooltip("status:N", title=""),
                alt.Tooltip("centres:Q", title="Centres"),
            ],
        )
        .properties(width=int(width), height=max(60, 22 * len(order)))
    )


def _year(v: object) -> str:
    return "" if v is None or pd.isna(v) else str(v)


def listed_table(listed: pd.DataFrame) -> pd.DataFrame:
    """One row per centre, listed partner and register entry, in the screen's order.

    In a synthetic edition a centre is shown as :data:`INVENTED_MARK` and its identifier, never
    by its invented name (which joins real organisations' names); sectors of the NSI Act carry
    "(NSI Act)".
    """
    names = [
        f"{INVENTED_MARK} {cid}" if invented else str(name)
        for cid, name, invented in zip(
            listed["centre_id"], listed["centre"], listed["centre_invented"], strict=True
        )
    ]
    sector = [
        f"{label} (NSI Act)" if sensitive else str(label)
        for label, sensitive in zip(listed["sector_label"], listed["sensitive_sector"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Centre": names,
            "Founded": listed["year_established"].astype(int),
            "NSI sector": sector,
            "Partner": listed["organisation"],
            "List": listed["list_name"],
            "Category": listed["category"],
            "Date listed": [_year(v) for v in listed["date_listed"]],
            "Listing against founding": listed["timing"],
        }
    )


def list_table(by_list: pd.DataFrame) -> pd.DataFrame:
    """Per list and category: entries, partners found, centres concerned."""
    return by_list.rename(
        columns={
            "list_name": "List",
            "category": "Category",
            "entries": "Entries",
            "partners": "Partners found among the centres",
            "centres": "Centres concerned",
        }
    )


def sector_table(by_sector: pd.DataFrame) -> pd.DataFrame:
    """Per NSI sector: centres, with and without a listed partner, share with one."""
    return pd.DataFrame(
        {
            "NSI sector": by_sector["label"],
            "In the NSI Act": ["yes" if v else "no" for v in by_sector["sensitive_sector"]],
            "Centres": by_sector["centres"],
            "With a listed partner": by_sector["with_listed_partner"],
            "Without": by_sector["without_listed_partner"],
            "Share with (%)": [f"{v:.1f}" for v in by_sector["share_with_listed_partner"]],
        }
    )


def year_table(by_year: pd.DataFrame) -> pd.DataFrame:
    """Per founding year with at least one centre founded."""
    rows = by_year[by_year["centres_founded"] > 0]
    return rows.rename(
        columns={
            "year": "Year founded",
            "centres_founded": "Centres founded",
            "with_listed_partner": "With a partner now on a register",
            "partner_listed_by_founding": "Partner already listed by the founding year",
        }
    ).reset_index(drop=True)


def unmatched_table(unmatched: pd.DataFrame) -> pd.DataFrame:
    """Register entries that found no centre partner, with the reason."""
    return unmatched.rename(
        columns={
            "entry_id": "Entry",
            "organisation": "Organisation",
            "list_name": "List",
            "category": "Category",
            "org_id": "Registry id",
            "status": "Why no centre matched",
        }
    )


def review_table(review: pd.DataFrame, country_review: pd.DataFrame) -> pd.DataFrame:
    """Near matches and unmatched names from cleaning, then pairs set aside for their country."""
    first = pd.DataFrame(
        {
            "Where": [
                f"{f}, row {r}"
                for f, r in zip(review["source_file"], review["source_row"], strict=True)
            ],
            "Organisation": review["organisation"],
            "List": review["list_name"],
            "Issue": review["issue"],
            "Closest registry organisation": review["candidate_name"].fillna(""),
            "Score": [_year(v if v is None or pd.isna(v) else f"{v:.0f}") for v in review["score"]],
        }
    )
    second = pd.DataFrame(
        {
            "Where": "entry " + country_review["entry_id"].astype(str),
            "Organisation": country_review["organisation"],
            "List": country_review["list_name"],
            "Issue": country_review["issue"],
            "Closest registry organisation": "",
            "Score": "",
        }
    )
    return pd.concat([first, second], ignore_index=True)
