"""Charts of the synthesis chapter: the benefits-and-risks grid and the recommendations map.

Plain Altair objects; render them through ``pipeline.report.show_chart``. Colours come from
:mod:`pipeline.theme`.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from pipeline import theme
from pipeline.synthesis.chapter import share_text
from pipeline.synthesis.schemas import HIDDEN, LEVEL_SCORE, LEVELS, NOT_MEASURED, SOURCES

__all__ = [
    "LEVEL_COLOURS",
    "benefits_risks_chart",
    "benefits_risks_long",
    "jitter_recommendations",
    "recommendations_chart",
]

#: Sequential blues for low / medium / high, grey for "not measured", and the suppressed-cell
#: fill of every chapter for a count hidden by disclosure control.
LEVEL_COLOURS: dict[str, str] = {
    "low": theme.BLUES[0],
    "medium": theme.BLUES[3],
    "high": theme.BLUES[6],
    NOT_MEASURED: theme.NOT_MEASURED_GREY,
    HIDDEN: theme.SUPPRESSED_FILL,
}


def benefits_risks_long(table: pd.DataFrame) -> pd.DataFrame:
    """The table in long form for the dot matrix.

    Columns ``label, kind, row, source, level, score, text, value``: ``text`` is what the
    cell shows (the literature's level, or a share as a percentage, ``"hidden"`` for a count
    hidden by disclosure control), ``value`` the same with its denominator (``"88% (37 of
    42)"``, ``"hidden (<5 of 41)"``) for tooltips and the data under the figure.
    """
    rows = []
    for r in table.itertuples(index=False):
        row_label = f"{r.label} ({r.kind})"
        rows.append((r.label, r.kind, row_label, SOURCES[0], r.literature, r.literature, ""))
        for source, name, level in (
            (SOURCES[1], "survey", r.survey_level),
            (SOURCES[2], "interview", r.interview_level),
        ):
            short = share_text(r, name, with_count=False)
            rows.append((r.label, r.kind, row_label, source, level, short, share_text(r, name)))
    out = pd.DataFrame(rows, columns=["label", "kind", "row", "source", "level", "text", "value"])
    out["value"] = [v or t for v, t in zip(out["value"], out["text"], strict=True)]
    out["score"] = out["level"].map(LEVEL_SCORE).fillna(0).astype(int)
    return out


def benefits_risks_chart(long: pd.DataFrame, width: int = 330) -> alt.LayerChart:
    """Heat-map style dot matrix: themes down, sources across, shade = low/medium/high."""
    order = list(dict.fromkeys(long["row"]))
    domain = [*LEVELS, NOT_MEASURED] + ([HIDDEN] if (long["level"] == HIDDEN).any() else [])
    base = alt.Chart(long).encode(
        x=alt.X("source:N", sort=list(SOURCES), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "level:N",
            scale=alt.Scale(domain=domain, range=[LEVEL_COLOURS[d] for d in domain]),
            legend=alt.Legend(title="Prominence"),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Theme"),
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("level:N", title="Prominence"),
            alt.Tooltip("value:N", title="Value"),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text="text:N",
        color=alt.condition(alt.datum.level == "high", alt.value("white"), alt.value("black")),
    )
    return (cells + labels).properties(width=width, height=alt.Step(24))


def jitter_recommendations(recommendations: pd.DataFrame, step: float = 0.18) -> pd.DataFrame:
    """Add plotting positions ``x, y`` that spread recommendations sharing a score cell.

    Points with the same (feasibility, impact) are laid on a small centred grid in id order,
    ``step`` apart, so the spread is deterministic and no point hides another.
    """
    df = recommendations.sort_values("id", kind="stable").reset_index(drop=True).copy()
    df["x"] = df["feasibility"].astype(float)
    df["y"] = df["impact"].astype(float)
    for idx in df.groupby(["feasibility", "impact"], sort=True).groups.values():
        members = sorted(idx, key=lambda i: int(df.at[i, "id"]))
        n = len(members)
        if n == 1:
            continue
        cols = math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
        for i, m in enumerate(members):
            r, c = divmod(i, cols)
            df.at[m, "x"] += (c - (cols - 1) / 2) * step
            df.at[m, "y"] -= (r - (rows - 1) / 2) * step
    return df


def recommendations_chart(
    recommendations: pd.DataFrame, step: float = 0.18, size: int = 420
) -> alt.LayerChart:
    """Feasibility (x) by impact (y), the workshop's medians; numbered points, colour and
    shape by theme, tooltips. Recommendations without scores (too few participants scored
    them) are left out."""
    scored = recommendations.dropna(subset=["feasibility", "impact"])
    df = jitter_recommendations(scored.reset_index(drop=True), step)
    df["label"] = df["id"].astype(str)
    note = " (median score)"
    themes = sorted(df["theme"].unique())
    scale_x = alt.Scale(domain=[0.5, 5.5], nice=False)
    scale_y = alt.Scale(domain=[0.5, 5.5], nice=False)
    axis = {"values": [1, 2, 3, 4, 5], "tickMinStep": 1, "format": "d"}
    base = alt.Chart(df).encode(
        x=alt.X("x:Q", scale=scale_x, axis=alt.Axis(**axis), title=f"Feasibility{note}"),
        y=alt.Y("y:Q", scale=scale_y, axis=alt.Axis(**axis), title=f"Impact{note}"),
        tooltip=[
            alt.Tooltip("id:Q", title="No."),
            alt.Tooltip("title:N", title="Recommendation"),
            alt.Tooltip("theme:N", title="Theme"),
            alt.Tooltip("feasibility:Q", title="Feasibility"),
            alt.Tooltip("impact:Q", title="Impact"),
            alt.Tooltip("participants:Q", title="Participants scoring it"),
        ],
    )
    points = base.mark_point(size=420, filled=True, opacity=0.85).encode(
        color=alt.Color(
            "theme:N",
            scale=alt.Scale(domain=themes, range=list(theme.OKABE_ITO[: len(themes)])),
            legend=alt.Legend(title="Theme", orient="bottom", columns=2),
        ),
        shape=alt.Shape("theme:N", scale=alt.Scale(domain=themes), legend=None),
    )
    numbers = base.mark_text(fontSize=11, fontWeight="bold", color="white").encode(text="label:N")
    return (points + numbers).properties(width=size, height=size)
