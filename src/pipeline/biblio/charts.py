"""Charts of the Phase 1 chapter (``phase1_bibliometrics``).

* :func:`copubs_chart` - UK–China co-publications per year, with the era band shaded;
* :func:`share_chart` - the same as a share of all UK papers;
* :func:`field_chart` - the field mix of the sampled co-publications;
* :func:`leading_institutions_chart` - the leading UK and Chinese institutions;
* :func:`funders_chart` - the funders UK–China co-publications acknowledge most, by side;
* :func:`funder_sides_chart` - the share of co-publications acknowledging a funder of each
  side, year by year;
* :func:`funder_overlap_chart` - the funders co-publications acknowledge beside the funders
  the joint centres name.

Plain Altair objects; render them through ``pipeline.report.show_chart``. Colours come from
:mod:`pipeline.theme`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pipeline import theme

__all__ = [
    "SIDE_COLOURS",
    "copubs_chart",
    "field_chart",
    "funder_overlap_chart",
    "funder_sides_chart",
    "funders_chart",
    "lead_chart",
    "leading_institutions_chart",
    "share_chart",
]


def _span(yearly: pd.DataFrame) -> tuple[int, int]:
    return int(yearly["year"].min()), int(yearly["year"].max())


def _year_x(first: int, last: int) -> alt.X:
    return alt.X(
        "year:Q",
        title="Publication year",
        axis=alt.Axis(format="d", tickMinStep=1),
        scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False),
    )


def _era_layers(first: int, last: int, era: tuple[int, int]) -> tuple[alt.Chart, alt.Chart]:
    """The shaded era band over ``first``..``last`` and its label."""
    era_start, era_end = era
    band = pd.DataFrame(
        [{"start": era_start - 0.5, "end": era_end + 0.5, "label": f"{era_start}–{era_end}"}]
    )
    shade = (
        alt.Chart(band)
        .mark_rect(color=theme.ORANGE, opacity=0.18)
        .encode(
            x=alt.X("start:Q", scale=alt.Scale(domain=[first - 0.5, last + 0.5], nice=False)),
            x2="end:Q",
        )
    )
    label = (
        alt.Chart(band)
        .mark_text(align="left", baseline="top", dx=4, dy=4, color=theme.ERA_BAND_TEXT)
        .encode(x="start:Q", y=alt.value(0), text="label:N")
    )
    return shade, label


def copubs_chart(yearly: pd.DataFrame, era: tuple[int, int]) -> alt.LayerChart:
    """Bars of UK–China co-publications per year (``yearly_table``), the era shaded."""
    first, last = _span(yearly)
    shade, label = _era_layers(first, last, era)
    bars = (
        alt.Chart(yearly)
        .mark_bar(color=theme.BLUE, size=18)
        .encode(
            x=_year_x(first, last),
            y=alt.Y("uk_cn_works:Q", title="UK–China co-publications"),
            tooltip=[alt.Tooltip("year:Q", format="d"), alt.Tooltip("uk_cn_works:Q", format=",")],
        )
    )
    return (shade + bars + label).properties(width=560, height=300)


def share_chart(yearly: pd.DataFrame, era: tuple[int, int]) -> alt.LayerChart:
    """Line of the UK–China share of UK papers, for the years of ``yearly`` that have one."""
    first, last = _span(yearly)
    shade, label = _era_layers(first, last, era)
    line = (
        alt.Chart(yearly.dropna(subset=["share_of_uk"]))
        .mark_line(color=theme.GREEN, point=True)
        .encode(
            x=_year_x(first, last),
            y=alt.Y("share_of_uk:Q", title="Share of UK papers (%)"),
            tooltip=[
                alt.Tooltip("year:Q", format="d"),
                "uk_works:Q",
                "uk_cn_works:Q",
                alt.Tooltip("share_of_uk:Q", title="share (%)"),
            ],
        )
    )
    return (shade + line + label).properties(width=560, height=260)


def field_chart(fields: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of the field mix (``field_mix``), largest first."""
    return (
        alt.Chart(fields)
        .mark_bar(color=theme.BLUE)
        .encode(
            x=alt.X("share:Q", title="Share of sampled UK–China papers (%)"),
            y=alt.Y("field:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=["field:N", "works:Q", alt.Tooltip("share:Q", title="share (%)")],
        )
        .properties(width=420, height=max(120, 16 * len(fields)))
    )


def lead_chart(leading: pd.DataFrame, title: str, colour: str) -> alt.LayerChart:
    """The ten leading institutions of one country: estimates with their 95% ranges."""
    # the side is named above the panel, not as an axis title beside it, where a long
    # institution name would run into it
    base = alt.Chart(leading.head(10)).encode(
        y=alt.Y("institution:N", sort=None, title=None, axis=alt.Axis(labelLimit=0))
    )
    bar = base.mark_bar(color=colour).encode(
        x=alt.X("estimated_works:Q", title="Estimated co-publications, all years"),
        tooltip=[
            "institution:N",
            "works_in_sample:Q",
            "estimated_works:Q",
            "estimated_low:Q",
            "estimated_high:Q",
        ],
    )
    err = base.mark_rule(color=theme.TEXT).encode(x="estimated_low:Q", x2="estimated_high:Q")
    heading = alt.TitleParams(title, anchor="start", fontSize=12, fontWeight="bold")
    return (bar + err).properties(width=330, height=220, title=heading)


def leading_institutions_chart(lead_uk: pd.DataFrame, lead_cn: pd.DataFrame) -> alt.VConcatChart:
    """UK and Chinese leading institutions one above the other, on a shared scale."""
    return alt.vconcat(
        lead_chart(lead_uk, "UK institutions", theme.BLUE),
        lead_chart(lead_cn, "Chinese institutions", theme.VERMILION),
    ).resolve_scale(x="shared")


#: One colour per funder side (:data:`pipeline.biblio.findings.FUNDER_SIDES`).
SIDE_COLOURS = {
    "UK": theme.BLUE,
    "China": theme.VERMILION,
    "Other": theme.GREEN,
    "Not in registry": theme.GREY,
}


def _side_colour(title: str = "Funder's side") -> alt.Color:
    return alt.Color(
        "side:N",
        title=title,
        scale=alt.Scale(domain=list(SIDE_COLOURS), range=list(SIDE_COLOURS.values())),
    )


def funders_chart(shares: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: funders (``funder_shares``) by the share of UK–China works
    acknowledging them, coloured by side."""
    top = shares
    return (
        alt.Chart(top)
        .mark_bar()
        .encode(
            x=alt.X("share:Q", title="Share of sampled UK–China papers acknowledging it (%)"),
            y=alt.Y("funder:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            color=_side_colour(),
            tooltip=["funder:N", "side:N", "works:Q", alt.Tooltip("share:Q", title="share (%)")],
        )
        .properties(width=380, height=max(120, 18 * len(top)))
    )


def funder_sides_chart(by_year: pd.DataFrame) -> alt.Chart:
    """Lines: the share of each year's UK–China works acknowledging a funder of each side
    (``funder_sides_by_year``)."""
    first, last = _span(by_year)
    return (
        alt.Chart(by_year)
        .mark_line(point=True)
        .encode(
            x=_year_x(first, last),
            y=alt.Y("share:Q", title="Share of sampled UK–China papers (%)"),
            color=_side_colour(),
            tooltip=[
                alt.Tooltip("year:Q", format="d"),
                "side:N",
                "works:Q",
                alt.Tooltip("share:Q", title="share (%)"),
            ],
        )
        .properties(width=560, height=260)
    )


def funder_overlap_chart(overlap: pd.DataFrame, n: int = 20) -> alt.HConcatChart:
    """Two panels on one list of funders (``funder_overlap``, the first ``n``): the share of
    UK–China co-publications acknowledging each, and the number of centres naming it."""
    top = overlap.head(n)
    order = list(top["funder"])
    y = alt.Y("funder:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    base = alt.Chart(top).encode(y=y, color=_side_colour())
    papers = base.mark_bar().encode(
        x=alt.X("share:Q", title="Co-publications acknowledging it (%)"),
        tooltip=["funder:N", "side:N", "works:Q", alt.Tooltip("share:Q", title="share (%)")],
    )
    centres = base.mark_bar().encode(
        x=alt.X("centres:Q", title="Joint centres naming it"),
        y=alt.Y("funder:N", sort=order, title=None, axis=None),
        tooltip=["funder:N", "side:N", "centres:Q"],
    )
    height = max(120, 18 * len(top))
    return alt.hconcat(
        papers.properties(width=260, height=height), centres.properties(width=160, height=height)
    )
