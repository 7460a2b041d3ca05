"""Charts and display tables for the literature chapter.

The evidence maps are heat maps of references (themes down, source types or years
across) with the count printed in each cell; the emphasis chart is a bar per theme
showing the share of coded references raising it, labelled "n of N". Counts here are
of publications, not of people, so no small-cell suppression applies. Charts carry no
title (the caption goes through :func:`pipeline.report.show_chart`) and use the
book's palette (:mod:`pipeline.theme`).

Public API::

    evidence_map_chart(map_df, column_title) -> alt.LayerChart
    evidence_map_table(map_df, column_title) -> DataFrame
    emphasis_chart(shares) -> alt.LayerChart
    emphasis_table(shares, code_title="Theme") -> DataFrame
    references_table(refs, scheme) -> DataFrame
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pipeline import theme
from pipeline.literature.schemas import CodingScheme

MAX_WIDTH = 560
BAR_COLOUR = theme.BLUE


def _pct(share: float | None) -> str:
    return "" if share is None or pd.isna(share) else f"{100 * share:.0f}%"


def evidence_map_chart(map_df: pd.DataFrame, column_title: str) -> alt.LayerChart:
    """Heat map of ``map_df`` (from :func:`pipeline.literature.findings.evidence_map`)."""
    data = map_df.assign(
        label=map_df["references"].map(lambda n: str(int(n)) if n else ""),
        dark=map_df["references"] >= max(1, int(map_df["references"].max()) * 0.6),
    )
    themes = list(dict.fromkeys(data["theme_label"]))
    columns = list(dict.fromkeys(data["column_label"]))
    cell = max(24, min(96, MAX_WIDTH // max(1, len(columns))))
    base = alt.Chart(data).encode(
        x=alt.X("column_label:N", sort=columns, title=column_title,
                axis=alt.Axis(labelAngle=0 if len(columns) <= 6 else -45, labelLimit=120)),
        y=alt.Y("theme_label:N", sort=themes, title=None, axis=alt.Axis(labelLimit=160)),
    )  # fmt: skip
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "references:Q",
            title="References",
            scale=alt.Scale(range=[theme.NEAR_WHITE, theme.BLUES[-2]]),
            legend=alt.Legend(orient="right", format="d"),
        ),
        tooltip=[
            alt.Tooltip("theme_label:N", title="Theme"),
            alt.Tooltip("column_label:N", title=column_title),
            alt.Tooltip("references:Q", title="References"),
            alt.Tooltip("column_total:Q", title="Coded references in column"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(
        text="label:N",
        color=alt.condition("datum.dark", alt.value("white"), alt.value(theme.TEXT_DARK)),
    )
    return (rects + text).properties(width=cell * len(columns), height=36 * len(themes))


def evidence_map_table(map_df: pd.DataFrame, column_title: str) -> pd.DataFrame:
    """The map as a display table: themes down, columns across, plus column totals."""
    columns = list(dict.fromkeys(map_df["column_label"]))
    wide = map_df.pivot_table(
        index="theme_label", columns="column_label", values="references", sort=False
    ).reindex(columns=columns)
    wide = wide.reindex(list(dict.fromkeys(map_df["theme_label"]))).astype(int)
    totals = map_df.drop_duplicates("column_label").set_index("column_label")["column_total"]
    wide.loc["Coded references"] = [int(totals[c]) for c in columns]
    wide.index.name = "Theme"
    wide.columns.name = None
    return wide.reset_index().rename(columns={"Theme": f"Theme \\ {column_title}"})


def emphasis_chart(shares: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars: share of coded references per code (``theme_shares`` output)."""
    data = shares.assign(
        pct=(100 * shares["share"].astype(float)).round(1),
        text=[f"{int(r)} of {int(n)}" for r, n in zip(shares["references"],
                                                   shares["coded_references"], strict=True)],
    )  # fmt: skip
    order = list(data["label"])
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X("pct:Q", title="Share of coded references (%)", scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar(color=BAR_COLOUR).encode(
        tooltip=[
            alt.Tooltip("label:N", title="Theme"),
            alt.Tooltip("text:N", title="References"),
            alt.Tooltip("pct:Q", title="Share (%)"),
        ]
    )
    labels = base.mark_text(align="left", dx=4, fontSize=11, color=theme.TEXT_DARK).encode(
        text="text:N"
    )
    return (bars + labels).properties(width=MAX_WIDTH - 200, height=max(120, 24 * len(order)))


def emphasis_table(shares: pd.DataFrame, code_title: str = "Theme") -> pd.DataFrame:
    """Display table of :func:`theme_shares` output: label, n, N and share."""
    return pd.DataFrame(
        {
            code_title: shares["label"],
            "References": shares["references"].astype(int),
            "Coded references": shares["coded_references"].astype(int),
            "Share": shares["share"].map(_pct),
        }
    )


def references_table(refs: pd.DataFrame, scheme: CodingScheme) -> pd.DataFrame:
    """One line per reference for a listing: year, short author, title, type, themes, basis."""

    def first_author(text: str) -> str:
        names = [n for n in str(text).split("; ") if n]
        head = names[0].split(",")[0] if names else ""
        return head + (" et al." if len(names) > 2 else (" and " + names[1].split(",")[0]
                                                          if len(names) == 2 else ""))  # fmt: skip

    themes = refs["themes"].map(
        lambda cell: ", ".join(scheme.theme.labels[c] for c in cell.split(" | ") if c)
    )
    out = pd.DataFrame(
        {
            "Year": refs["year"].astype(int),
            "Author": refs["authors"].map(first_author),
            "Title": refs["title"],
            "Source type": refs["source_type"].map(
                lambda c: scheme.source_type.labels.get(c, "") if isinstance(c, str) else ""
            ),
            "Themes": themes,
            "Coding": refs["coding_basis"].map(
                lambda c: (
                    scheme.coding_basis.labels.get(c, "not coded")
                    if isinstance(c, str)
                    else "not coded"
                )
            ),
        }
    )
    return out.sort_values(["Year", "Author", "Title"], kind="stable").reset_index(drop=True)
