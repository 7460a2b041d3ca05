"""Charts of the workshop scores: each recommendation's median and middle half of scores.

Plain Altair objects; render them through ``pipeline.report.show_chart``. Colours come from
:mod:`pipeline.theme`.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from pipeline import theme
from pipeline.workshop.schemas import SCORE_MAX, SCORE_MIN, SCORES

__all__ = ["score_ranges_chart", "score_ranges_long"]


def score_ranges_long(summary: pd.DataFrame, recommendations: pd.DataFrame) -> pd.DataFrame:
    """One row per recommendation and score: ``label, score, median, q1, q3, participants``
    (recommendations with too few participants to summarise are left out)."""
    titles = recommendations.set_index("id")["title"]
    rows = []
    for r in summary.dropna(subset=[f"{s}_median" for s in SCORES]).itertuples(index=False):
        label = f"{r.recommendation}. {titles.get(r.recommendation, '')}"
        for score in SCORES:
            rows.append({"label": label, "id": r.recommendation, "score": score.capitalize(),
                         "median": getattr(r, f"{score}_median"), "q1": getattr(r, f"{score}_q1"),
                         "q3": getattr(r, f"{score}_q3"), "participants": r.participants})  # fmt: skip
    return pd.DataFrame(rows)


def score_ranges_chart(
    summary: pd.DataFrame, recommendations: pd.DataFrame, width: int = 190
) -> alt.FacetChart:
    """Per recommendation (rows) and score (columns): the median as a dot, the middle half of
    the participants' scores (first to third quartile) as a bar; tooltips give the numbers."""
    df = score_ranges_long(summary, recommendations)
    order = df.drop_duplicates("id").sort_values("id")["label"].tolist()
    x = alt.X("q1:Q", scale=alt.Scale(domain=[SCORE_MIN, SCORE_MAX]), title="Score (1-5)",
              axis=alt.Axis(values=list(range(SCORE_MIN, SCORE_MAX + 1)), format="d"))  # fmt: skip
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    tooltip = [
        alt.Tooltip("label:N", title="Recommendation"),
        alt.Tooltip("median:Q", title="Median"),
        alt.Tooltip("q1:Q", title="First quartile"),
        alt.Tooltip("q3:Q", title="Third quartile"),
        alt.Tooltip("participants:Q", title="Participants"),
    ]
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    spread = base.mark_rule(strokeWidth=6, opacity=0.35, color=theme.BLUE).encode(x=x, x2="q3:Q")
    median = base.mark_point(filled=True, size=90, color=theme.BLUE, opacity=1).encode(
        x=alt.X("median:Q")
    )
    return (
        alt.layer(spread, median, data=df)
        .properties(width=width)
        .facet(column=alt.Column("score:N", title=None, sort=[s.capitalize() for s in SCORES]))
    )
