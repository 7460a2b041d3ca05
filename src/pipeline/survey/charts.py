"""Charts and display tables for the survey chapter, with small-cell suppression built in.

Every function here takes computed counts (the survey findings or tables derived
from them) and returns an altair chart or a display table in which a count of
people between 1 and ``k - 1`` never appears:

* in tables the cell reads ``"<k"`` (for example ``"<5"``);
* in charts the segment or bar is drawn in grey with a dashed outline, labelled
  ``"<k"``, at a *nominal* size of ``k / 2`` people (the middle of the range it
  could hold), and the chart's inline data carries no true count for it.

Zeros and single overall totals are shown as they are. Charts have no title
(the caption goes through :func:`pipeline.report.show_chart`), English labels,
a colour-blind-safe purple/orange palette and a width of at most 600 pixels.

Public API::

    mark_suppressed(df, count_col="count", k=5) -> DataFrame
    distribution_frame(counts, item=None) -> DataFrame
    diverging_data(dist, order, k, neutral=None) -> DataFrame
    diverging_bar(dist, order, k, neutral=None, ...) -> alt.Chart
    likert_matrix(challenges_likert, k, ...) -> alt.Chart
    drivers_data(drivers_ranked, k, respondents=None) -> DataFrame
    drivers_chart(drivers_ranked, k, respondents=None) -> alt.Chart
    counts_table(counts, k, label="Answer", total=True) -> DataFrame
    crosstab_table(df, rows, cols, k, ...) -> DataFrame
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

__all__ = [
    "NO_ANSWER",
    "SUPPRESSED_COLOUR",
    "agreement_table",
    "counts_table",
    "crosstab_table",
    "distribution_frame",
    "diverging_bar",
    "diverging_data",
    "drivers_chart",
    "drivers_data",
    "likert_matrix",
    "likert_table",
    "mark_suppressed",
    "suppressed_label",
    "suppressed_ranking",
]

NO_ANSWER = "No answer"
SUPPRESSED_COLOUR = "#bdbdbd"
#: Purple/orange diverging colours (ColorBrewer PuOr), safe for common colour-vision deficiencies.
NEGATIVE_COLOURS = ("#e66101", "#fdb863")  # outermost first
NEUTRAL_COLOUR = "#e7e1ef"
POSITIVE_COLOURS = ("#b2abd2", "#5e3c99")  # innermost first
BAR_COLOUR = "#5e3c99"
MAX_WIDTH = 560


def suppressed_label(k: int) -> str:
    """The text shown instead of a small count: ``"<k"``."""
    return f"<{int(k)}"


def _is_small(value: Any, k: int) -> bool:
    return value is not None and not pd.isna(value) and 0 < float(value) < k


def mark_suppressed(df: pd.DataFrame, count_col: str = "count", k: int = 5) -> pd.DataFrame:
    """Return a copy of ``df`` ready to draw, with small counts hidden.

    Adds ``suppressed`` (bool), ``label`` (the count as text, or ``"<k"``) and
    ``plot_count`` (the count, or the nominal ``k / 2`` for a suppressed cell);
    ``count_col`` is set to missing for suppressed rows so that the true value
    never reaches a chart's inline data.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    out = df.copy()
    small = out[count_col].map(lambda v: _is_small(v, k)).astype(bool)
    out["suppressed"] = small
    out["label"] = [
        suppressed_label(k) if s else ("" if pd.isna(v) else str(int(v)))
        for s, v in zip(small, out[count_col], strict=True)
    ]
    out["plot_count"] = [
        k / 2 if s else (0.0 if pd.isna(v) else float(v))
        for s, v in zip(small, out[count_col], strict=True)
    ]
    out[count_col] = pd.array(
        [
            None if s else (None if pd.isna(v) else int(v))
            for s, v in zip(small, out[count_col], strict=True)
        ],
        dtype="Int64",
    )
    return out


def distribution_frame(
    counts: Sequence[Mapping[str, Any]] | Mapping[str, int], item: str | None = None
) -> pd.DataFrame:
    """Turn a findings distribution into a frame ``item, label, count``.

    Accepts the ordered ``[{"label", "count"}, ...]`` lists of the survey findings
    or a plain ``{label: count}`` mapping.
    """
    if isinstance(counts, Mapping):
        rows = [{"label": str(lab), "count": int(n)} for lab, n in counts.items()]
    else:
        rows = [{"label": str(r["label"]), "count": int(r["count"])} for r in counts]
    frame = pd.DataFrame(rows, columns=["label", "count"])
    frame.insert(0, "item", item or "")
    return frame


# ------------------------------------------------------------------ diverging bars
def diverging_data(
    dist: pd.DataFrame, order: Sequence[str], k: int = 5, neutral: str | None = None
) -> pd.DataFrame:
    """Segment positions for a diverging stacked bar, in percent of those who answered.

    ``dist`` has columns ``item, label, count`` (``"No answer"`` rows are left
    out of the bar). Labels before ``neutral`` (or the first half of ``order``
    when there is no neutral label) go left of zero, the others right; a neutral
    segment straddles zero. Suppressed cells take the nominal ``k / 2`` people.
    The answered base of each item (a single total) is kept in ``n``.
    """
    order = list(order)
    if neutral is not None and neutral not in order:
        raise ValueError(f"neutral label {neutral!r} is not in the scale")
    unknown = set(dist["label"]) - set(order) - {NO_ANSWER}
    if unknown:
        raise ValueError(f"labels not on the scale: {sorted(unknown)}")
    if neutral is not None:
        negative = order[: order.index(neutral)]
    else:
        negative = order[: len(order) // 2]
    rows: list[dict[str, Any]] = []
    items = list(dict.fromkeys(dist["item"]))
    for item in items:
        sub = dist[(dist["item"] == item) & (dist["label"] != NO_ANSWER)]
        counts = {lab: int(sub.loc[sub["label"] == lab, "count"].sum()) for lab in order}
        n = sum(counts.values())
        marked = mark_suppressed(
            pd.DataFrame({"label": order, "count": [counts[lab] for lab in order]}), "count", k
        )
        plot = dict(zip(order, marked["plot_count"], strict=True))
        base = sum(plot.values()) or 1.0
        width = {lab: 100.0 * plot[lab] / base for lab in order}
        start = -sum(width[lab] for lab in negative)
        if neutral is not None:
            start -= width[neutral] / 2
        for i, lab in enumerate(order):
            row = marked.iloc[i]
            rows.append(
                {
                    "item": item,
                    "label": lab,
                    "rank": i,
                    "count": row["count"],
                    "display": row["label"],
                    "suppressed": bool(row["suppressed"]),
                    "share": None if row["suppressed"] else round(width[lab], 1),
                    "x_start": round(start, 3),
                    "x_end": round(start + width[lab], 3),
                    "n": n,
                    "side": "negative"
                    if lab in negative
                    else ("neutral" if lab == neutral else "positive"),
                }
            )
            start += width[lab]
    out = pd.DataFrame(rows)
    out["count"] = out["count"].astype("Int64")
    return out


def _diverging_colours(order: Sequence[str], neutral: str | None) -> list[str]:
    order = list(order)
    if neutral is not None:
        mid = order.index(neutral)
        neg, pos = order[:mid], order[mid + 1 :]
    else:
        half = len(order) // 2
        neg, pos = order[:half], order[half:]

    def spread(colours: Sequence[str], n: int, reverse: bool) -> list[str]:
        if n == 0:
            return []
        picked = [
            colours[min(len(colours) - 1, round(i * (len(colours) - 1) / max(n - 1, 1)))]
            for i in range(n)
        ]
        return picked[::-1] if reverse else picked

    out = spread(NEGATIVE_COLOURS, len(neg), reverse=False)
    if neutral is not None:
        out.append(NEUTRAL_COLOUR)
    out += spread(POSITIVE_COLOURS, len(pos), reverse=False)
    return out


def diverging_bar(
    dist: pd.DataFrame,
    order: Sequence[str],
    k: int = 5,
    neutral: str | None = None,
    *,
    item_title: str | None = None,
    width: int = MAX_WIDTH,
    bar_height: int = 28,
    sort_items: bool = False,
) -> alt.LayerChart:
    """Diverging stacked bar (one bar per ``item``) with suppressed segments in grey.

    Segments left of zero are the disagreeing/negative answers, right of zero the
    positive ones. With ``sort_items`` the bars are ordered by their positive
    share (as drawn). See :func:`diverging_data` for the data rules.
    """
    data = diverging_data(dist, order, k, neutral)
    token = suppressed_label(k)
    suppressed_key = f"Fewer than {k} ({token})"
    data["colour_key"] = [
        suppressed_key if s else lab
        for s, lab in zip(data["suppressed"], data["label"], strict=True)
    ]
    items = list(dict.fromkeys(data["item"]))
    if sort_items:
        pos = data[data["side"] == "positive"].groupby("item")["x_end"].max()
        items = sorted(items, key=lambda it: (-float(pos.get(it, 0.0)), it))
    domain = list(order) + [suppressed_key]
    colours = _diverging_colours(order, neutral) + [SUPPRESSED_COLOUR]
    data["item_label"] = data["item"]
    data["n_label"] = data["n"].map(lambda v: f"n = {int(v)}")
    data["mid"] = (data["x_start"] + data["x_end"]) / 2
    plot = data.drop(columns=["count"])  # the chart needs shares only
    single = len(items) == 1 and not items[0]
    y = alt.Y(
        "item_label:N",
        sort=items,
        title=item_title,
        axis=None if single else alt.Axis(labelLimit=260),
    )
    base = alt.Chart(plot)
    bars = base.mark_bar(stroke="#969696", strokeWidth=0.5).encode(
        x=alt.X(
            "x_start:Q",
            title="Share of those who answered (%; left of zero: negative answers)",
            scale=alt.Scale(domain=[-100, 100]),
            axis=alt.Axis(labelExpr="abs(datum.value) + '%'"),
        ),
        x2="x_end:Q",
        y=y,
        color=alt.Color(
            "colour_key:N",
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Legend(title=None, orient="bottom", columns=3, labelLimit=260),
            sort=domain,
        ),
        order=alt.Order("rank:Q"),
        tooltip=[
            alt.Tooltip("item_label:N", title="Item"),
            alt.Tooltip("label:N", title="Answer"),
            alt.Tooltip("display:N", title="Respondents"),
            alt.Tooltip("n_label:N", title="Answered"),
        ],
    )
    hatch = (
        base.transform_filter("datum.suppressed")
        .mark_bar(fill=SUPPRESSED_COLOUR, stroke="#252525", strokeDash=[3, 2], strokeWidth=1)
        .encode(x="x_start:Q", x2="x_end:Q", y=y)
    )
    text = (
        base.transform_filter("datum.suppressed")
        .mark_text(fontSize=10, color="#000000")
        .encode(x="mid:Q", y=y, text="display:N")
    )
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#525252").encode(x="x:Q")
    height = max(bar_height, bar_height * len(items))
    return alt.layer(bars, hatch, text, rule).properties(width=min(width, MAX_WIDTH), height=height)


def likert_matrix(
    challenges_likert: Mapping[str, Sequence[Mapping[str, Any]]],
    k: int = 5,
    order: Sequence[str] | None = None,
    neutral: str | None = None,
    *,
    sort_items: bool = True,
) -> alt.LayerChart:
    """Likert matrix of the challenge items (``findings["challenges_likert"]``).

    ``order`` defaults to the labels of the first item except ``"No answer"``;
    ``neutral`` defaults to the middle label when the scale has an odd length.
    """
    dist = pd.concat(
        [distribution_frame(v, item) for item, v in challenges_likert.items()],
        ignore_index=True,
    )
    if order is None:
        first = next(iter(challenges_likert.values()))
        order = [str(r["label"]) for r in first if r["label"] != NO_ANSWER]
    order = list(order)
    if neutral is None and len(order) % 2 == 1:
        neutral = order[len(order) // 2]
    return diverging_bar(dist, order, k, neutral, sort_items=sort_items)


def likert_table(
    challenges_likert: Mapping[str, Sequence[Mapping[str, Any]]], k: int = 5
) -> pd.DataFrame:
    """Item x answer table of counts with small cells as ``"<k"`` (the data behind the matrix)."""
    frames = [distribution_frame(v, item) for item, v in challenges_likert.items()]
    dist = pd.concat(frames, ignore_index=True)
    labels = list(dict.fromkeys(dist["label"]))
    wide = dist.pivot_table(
        index="item", columns="label", values="count", aggfunc="sum", fill_value=0, sort=False
    )
    wide = wide.reindex(columns=labels, fill_value=0).reindex(list(challenges_likert))
    shown = wide.astype(object).map(lambda v: suppressed_label(k) if _is_small(v, k) else int(v))
    shown.index.name = "Challenge"
    shown.columns.name = None
    return shown.reset_index()


# ------------------------------------------------------------------ ranked drivers
def drivers_data(
    drivers_ranked: Sequence[Mapping[str, Any]], k: int = 5, respondents: int | None = None
) -> pd.DataFrame:
    """Ranked drivers (``findings["drivers_ranked"]``) with suppression and shares.

    ``share`` (percent of ``respondents``) is left empty for a suppressed driver.
    """
    frame = pd.DataFrame(
        [
            {"rank": i + 1, "driver": str(d["driver"]), "count": int(d["count"])}
            for i, d in enumerate(drivers_ranked)
        ],
        columns=["rank", "driver", "count"],
    )
    marked = mark_suppressed(frame, "count", k)
    if respondents:
        marked["share"] = [
            None if s or pd.isna(c) else round(100.0 * int(c) / respondents, 1)
            for s, c in zip(marked["suppressed"], marked["count"], strict=True)
        ]
    return marked


def drivers_chart(
    drivers_ranked: Sequence[Mapping[str, Any]], k: int = 5, respondents: int | None = None
) -> alt.LayerChart:
    """Horizontal bars of the drivers, most often chosen first; small counts in grey as ``"<k"``."""
    data = drivers_data(drivers_ranked, k, respondents).drop(columns=["count"])
    order = list(data["driver"])
    token = suppressed_label(k)
    data["kind"] = [f"Fewer than {k} ({token})" if s else "Respondents" for s in data["suppressed"]]
    base = alt.Chart(data)
    y = alt.Y("driver:N", sort=order, title=None, axis=alt.Axis(labelLimit=300))
    bars = base.mark_bar().encode(
        x=alt.X("plot_count:Q", title="Respondents choosing the driver"),
        y=y,
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(
                domain=["Respondents", f"Fewer than {k} ({token})"],
                range=[BAR_COLOUR, SUPPRESSED_COLOUR],
            ),
            legend=alt.Legend(title=None, orient="bottom"),
        ),
        stroke=alt.condition("datum.suppressed", alt.value("#252525"), alt.value(None)),
        strokeDash=alt.condition("datum.suppressed", alt.value([3, 2]), alt.value([1, 0])),
        tooltip=[
            alt.Tooltip("driver:N", title="Driver"),
            alt.Tooltip("label:N", title="Respondents"),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11).encode(
        x="plot_count:Q", y=y, text="label:N"
    )
    return alt.layer(bars, text).properties(width=420, height=28 * max(1, len(order)))


# ------------------------------------------------------------------ tables
def counts_table(
    counts: Sequence[Mapping[str, Any]] | Mapping[str, int],
    k: int = 5,
    label: str = "Answer",
    total: bool = True,
    count_name: str = "Respondents",
) -> pd.DataFrame:
    """One-way table of people per answer with ``"<k"`` cells and (optionally) a total row."""
    frame = distribution_frame(counts).drop(columns=["item"])
    n = int(frame["count"].sum())
    marked = mark_suppressed(frame, "count", k)
    out = pd.DataFrame({label: list(frame["label"]), count_name: list(marked["label"])})
    out[count_name] = out[count_name].astype(object)
    if total:
        out = pd.concat(
            [out, pd.DataFrame({label: ["Total"], count_name: [str(n)]})], ignore_index=True
        )
    return out


def crosstab_table(
    df: pd.DataFrame,
    rows: str,
    cols: str,
    k: int = 5,
    *,
    row_order: Sequence[str] | None = None,
    col_order: Sequence[str] | None = None,
    row_title: str | None = None,
    missing: str = "Not recorded",
) -> pd.DataFrame:
    """People by ``rows`` x ``cols`` with margins; every cell under ``k`` (margins too) as ``"<k"``.

    Only the grand total is exempt. Missing values are counted under ``missing``.
    """
    frame = df[[rows, cols]].astype(object).where(df[[rows, cols]].notna(), missing)
    tab = pd.crosstab(frame[rows], frame[cols])
    if row_order is not None:
        extra = [r for r in tab.index if r not in row_order]
        tab = tab.reindex([*row_order, *extra], fill_value=0)
    if col_order is not None:
        extra = [c for c in tab.columns if c not in col_order]
        tab = tab.reindex(columns=[*col_order, *extra], fill_value=0)
    tab = tab.loc[:, tab.sum(axis=0) > 0] if len(tab) else tab
    tab["Total"] = tab.sum(axis=1)
    tab.loc["Total"] = tab.sum(axis=0)
    shown = tab.astype(object).copy()
    for r in shown.index:
        for c in shown.columns:
            if r == "Total" and c == "Total":
                continue
            if _is_small(tab.at[r, c], k):
                shown.at[r, c] = suppressed_label(k)
            else:
                shown.at[r, c] = int(tab.at[r, c])
    shown.index.name = row_title or rows
    shown.columns.name = None
    return shown.reset_index()


def agreement_table(
    challenges_likert: Mapping[str, Sequence[Mapping[str, Any]]],
    k: int = 5,
    positive: Sequence[str] = ("Somewhat agree", "Strongly agree"),
) -> pd.DataFrame:
    """Per challenge: respondents who answered, how many agreed and the share that agreed.

    Ordered by share (highest first, then item). ``Agreed`` is ``"<k"`` and
    ``Share (%)`` empty when fewer than ``k`` agreed. ``Answered`` is the item's
    base (those who gave any answer on the scale).
    """
    rows = []
    for item, dist in challenges_likert.items():
        answered = sum(int(r["count"]) for r in dist if r["label"] != NO_ANSWER)
        agreed = sum(int(r["count"]) for r in dist if r["label"] in positive)
        small = _is_small(agreed, k)
        rows.append(
            {
                "Challenge": item,
                "Answered": answered,
                "Agreed": suppressed_label(k) if small else str(agreed),
                "Share (%)": None if small or not answered else round(100.0 * agreed / answered, 1),
                "_sort": -1.0 if small or not answered else agreed / answered,
            }
        )
    out = pd.DataFrame(rows, columns=["Challenge", "Answered", "Agreed", "Share (%)", "_sort"])
    out = out.sort_values(["_sort", "Challenge"], ascending=[False, True], kind="stable")
    return out.drop(columns=["_sort"]).reset_index(drop=True)


def suppressed_ranking(
    drivers_ranked: Sequence[Mapping[str, Any]], k: int = 5
) -> list[dict[str, Any]]:
    """``drivers_ranked`` with counts under ``k`` replaced by ``"<k"`` (for findings files)."""
    return [
        {
            "driver": str(d["driver"]),
            "count": suppressed_label(k) if _is_small(d["count"], k) else int(d["count"]),
        }
        for d in drivers_ranked
    ]
