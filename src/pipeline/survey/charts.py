"""Charts and display tables for the survey chapter, with small-cell suppression built in.

Every function here takes computed counts (the survey findings or tables derived
from them) and returns an altair chart or a display table in which a count of
people between 1 and ``k - 1`` never appears, and cannot be worked out:

* primary suppression: the cell reads ``"<k"`` (for example ``"<5"``);
* complementary suppression: where a line's total is printed (a table margin, an
  item's answered base), a line with exactly one hidden cell gets a second hidden
  cell, marked ``"*"``, so that subtraction recovers nothing
  (:func:`protect_line`, :func:`protect_table`);
* in charts a hidden segment or bar is drawn in grey with a dashed outline,
  labelled ``"<k"`` or ``"*"``, at a *nominal* size of ``k / 2`` people, and the
  chart's inline data carries neither its count nor its share.

Zeros and single overall totals are shown as they are. Charts have no title
(the caption goes through :func:`pipeline.report.show_chart`), English labels,
a colour-blind-safe purple/orange palette and a width of at most 600 pixels.

Public API::

    protect_line(values, k=5, total_shown=True, groups=None) -> list[str]
    protect_table(tab, k=5, total="Total") -> DataFrame
    mark_suppressed(df, count_col="count", k=5, total_shown=False, groups=None) -> DataFrame
    distribution_frame(counts, item=None) -> DataFrame
    diverging_data(dist, order, k=5, neutral=None) -> DataFrame
    diverging_bar(dist, order, k=5, neutral=None, ...) -> alt.LayerChart
    diverging_table(dist, order, k=5, neutral=None, item_title="Item") -> DataFrame
    likert_matrix(challenges_likert, k=5, ...) -> alt.LayerChart
    likert_table(challenges_likert, k=5) -> DataFrame
    agreement_table(challenges_likert, k=5, positive=(...)) -> DataFrame
    group_count(segments, counts, labels, k=5) -> (count | None, label)
    drivers_data(drivers_ranked, k=5, respondents=None) -> DataFrame
    drivers_chart(drivers_ranked, k=5, respondents=None) -> alt.LayerChart
    suppressed_ranking(drivers_ranked, k=5) -> list[dict]
    counts_table(counts, k=5, label="Answer", total=True) -> DataFrame
    crosstab_table(df, rows, cols, k=5, ...) -> DataFrame
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from pipeline import theme
from pipeline.disclosure import (
    COMPLEMENT_LABEL,
    SHOWN,
    cell_label,
    hidden_key,
    is_small,
    mark_suppressed,
    protect_table,
    suppressed_label,
)

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
    "group_count",
    "likert_matrix",
    "likert_table",
    "mark_suppressed",
    "suppressed_label",
    "suppressed_ranking",
]

NO_ANSWER = "No answer"
SUPPRESSED_COLOUR = theme.SUPPRESSED_FILL
#: Purple/orange diverging colours (ColorBrewer PuOr), safe for common colour-vision deficiencies.
NEGATIVE_COLOURS = (theme.PUOR_DARK_ORANGE, theme.PUOR_LIGHT_ORANGE)  # outermost first
NEUTRAL_COLOUR = theme.PUOR_NEUTRAL
POSITIVE_COLOURS = (theme.PUOR_LIGHT_PURPLE, theme.PUOR_DARK_PURPLE)  # innermost first
BAR_COLOUR = theme.PUOR_DARK_PURPLE
MAX_WIDTH = 560


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
def _sides(order: list[str], neutral: str | None) -> tuple[list[str], list[str]]:
    """Labels left of zero and right of it (the neutral label, if any, straddles zero)."""
    if neutral is not None:
        mid = order.index(neutral)
        return order[:mid], order[mid + 1 :]
    half = len(order) // 2
    return order[:half], order[half:]


def diverging_data(
    dist: pd.DataFrame, order: Sequence[str], k: int = 5, neutral: str | None = None
) -> pd.DataFrame:
    """Segment positions for a diverging stacked bar, in percent of those who answered.

    ``dist`` has columns ``item, label, count`` (``"No answer"`` rows are left
    out of the bar). Labels before ``neutral`` (or the first half of ``order``
    when there is no neutral label) go left of zero, the others right; a neutral
    segment straddles zero. Each item's answered base ``n`` is shown (a single
    total), so its cells are protected as one line (:func:`protect_line`): small
    cells and, where needed, one complementary cell are hidden. Shown segments are
    drawn at their true share of ``n``; hidden ones at the nominal ``k / 2`` people.
    ``status`` records why a cell is hidden; the ``No answer`` count is in ``no_answer``.
    """
    order = list(order)
    if neutral is not None and neutral not in order:
        raise ValueError(f"neutral label {neutral!r} is not in the scale")
    unknown = set(dist["label"]) - set(order) - {NO_ANSWER}
    if unknown:
        raise ValueError(f"labels not on the scale: {sorted(unknown)}")
    rows: list[dict[str, Any]] = []
    for item in dict.fromkeys(dist["item"]):
        rows += _item_segments(dist[dist["item"] == item], item, order, k, neutral)
    out = pd.DataFrame(rows)
    out["count"] = out["count"].astype("Int64")
    return out


def _item_segments(
    sub: pd.DataFrame, item: str, order: list[str], k: int, neutral: str | None
) -> list[dict[str, Any]]:
    """The segments of one item's bar, left to right."""
    negative, positive = _sides(order, neutral)
    counts = [int(sub.loc[sub["label"] == lab, "count"].sum()) for lab in order]
    n = sum(counts)
    marked = mark_suppressed(
        pd.DataFrame({"label": order, "count": counts}),
        "count",
        k,
        total_shown=True,
        groups=["positive" if lab in positive else "other" for lab in order],
    )
    base = float(n) or 1.0
    width = dict(zip(order, (100.0 * p / base for p in marked["plot_count"]), strict=True))
    start = -sum(width[lab] for lab in negative)
    if neutral is not None:
        start -= width[neutral] / 2
    rows = []
    for lab, row in zip(order, marked.to_dict("records"), strict=True):
        side = "negative" if lab in negative else ("neutral" if lab == neutral else "positive")
        rows.append(
            {
                "item": item,
                "label": lab,
                "rank": len(rows),
                "count": row["count"],
                "display": row["label"],
                "status": row["status"],
                "suppressed": bool(row["suppressed"]),
                "share": None if row["suppressed"] else round(width[lab], 1),
                "x_start": round(start, 3),
                "x_end": round(start + width[lab], 3),
                "n": n,
                "no_answer": int(sub.loc[sub["label"] == NO_ANSWER, "count"].sum()),
                "side": side,
            }
        )
        start += width[lab]
    return rows


def _diverging_colours(order: Sequence[str], neutral: str | None) -> list[str]:
    neg, pos = _sides(list(order), neutral)

    def spread(colours: Sequence[str], n: int) -> list[str]:
        if n == 0:
            return []
        return [
            colours[min(len(colours) - 1, round(i * (len(colours) - 1) / max(n - 1, 1)))]
            for i in range(n)
        ]

    middle = [NEUTRAL_COLOUR] if neutral is not None else []
    return spread(NEGATIVE_COLOURS, len(neg)) + middle + spread(POSITIVE_COLOURS, len(pos))


def _diverging_frame(
    dist: pd.DataFrame, order: Sequence[str], k: int, neutral: str | None, sort_items: bool
) -> tuple[pd.DataFrame, list[str]]:
    """Chart data (shares only, no counts) and the order of the bars."""
    data = diverging_data(dist, order, k, neutral)
    data["colour_key"] = [
        hidden_key(k) if s else lab
        for s, lab in zip(data["suppressed"], data["label"], strict=True)
    ]
    items = list(dict.fromkeys(data["item"]))
    if sort_items:
        pos = data[data["side"] == "positive"].groupby("item")["x_end"].max()
        items = sorted(items, key=lambda it: (-float(pos.get(it, 0.0)), it))
    data["item_label"] = data["item"]
    data["n_label"] = data["n"].map(lambda v: f"n = {int(v)}")
    data["mid"] = (data["x_start"] + data["x_end"]) / 2
    return data.drop(columns=["count", "no_answer"]), items


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
    plot, items = _diverging_frame(dist, order, k, neutral, sort_items)
    domain = [*order, hidden_key(k)]
    colours = [*_diverging_colours(order, neutral), SUPPRESSED_COLOUR]
    single = len(items) == 1 and not items[0]
    y = alt.Y(
        "item_label:N",
        sort=items,
        title=item_title,
        axis=None if single else alt.Axis(labelLimit=260),
    )
    base = alt.Chart(plot)
    bars = base.mark_bar(stroke=theme.BAR_OUTLINE, strokeWidth=0.5).encode(
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
    rule = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=theme.ZERO_RULE).encode(x="x:Q")
    height = max(bar_height, bar_height * len(items))
    return alt.layer(bars, *_hidden_segments(base, y), rule).properties(
        width=min(width, MAX_WIDTH), height=height
    )


def _hidden_segments(base: alt.Chart, y: alt.Y) -> tuple[alt.Chart, alt.Chart]:
    """Dash-outlined grey boxes over hidden segments, labelled ``<k`` or ``*``."""
    hidden = base.transform_filter("datum.suppressed")
    hatch = hidden.mark_bar(
        fill=SUPPRESSED_COLOUR, stroke=theme.SUPPRESSED_STROKE, strokeDash=[3, 2], strokeWidth=1
    ).encode(x="x_start:Q", x2="x_end:Q", y=y)
    text = hidden.mark_text(fontSize=10, color=theme.BLACK).encode(x="mid:Q", y=y, text="display:N")
    return hatch, text


def _likert_inputs(
    challenges_likert: Mapping[str, Sequence[Mapping[str, Any]]],
    order: Sequence[str] | None,
    neutral: str | None,
) -> tuple[pd.DataFrame, list[str], str | None]:
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
    return dist, order, neutral


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
    dist, order, neutral = _likert_inputs(challenges_likert, order, neutral)
    return diverging_bar(dist, order, k, neutral, sort_items=sort_items)


def diverging_table(
    dist: pd.DataFrame,
    order: Sequence[str],
    k: int = 5,
    neutral: str | None = None,
    item_title: str = "Item",
) -> pd.DataFrame:
    """The data behind :func:`diverging_bar` as a table, hiding exactly the same cells.

    One row per item: a column per answer (``"<k"``/``"*"`` when hidden), then
    ``Answered`` (the item's base) and ``No answer`` (``"<k"`` when small).
    """
    data = diverging_data(dist, order, k, neutral)
    items = list(dict.fromkeys(data["item"]))
    rows = []
    for item in items:
        sub = data[data["item"] == item].set_index("label")
        row: dict[str, Any] = {item_title: item}
        row.update({lab: sub.at[lab, "display"] for lab in order})
        row["Answered"] = str(int(sub["n"].iloc[0]))
        no_answer = int(sub["no_answer"].iloc[0])
        row[NO_ANSWER] = suppressed_label(k) if is_small(no_answer, k) else str(no_answer)
        rows.append(row)
    return pd.DataFrame(rows, columns=[item_title, *order, "Answered", NO_ANSWER])


def likert_table(
    challenges_likert: Mapping[str, Sequence[Mapping[str, Any]]],
    k: int = 5,
    order: Sequence[str] | None = None,
    neutral: str | None = None,
) -> pd.DataFrame:
    """Challenge x answer table behind :func:`likert_matrix`, hiding the same cells."""
    dist, order, neutral = _likert_inputs(challenges_likert, order, neutral)
    return diverging_table(dist, order, k, neutral, item_title="Challenge")


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
        stroke=alt.condition(
            "datum.suppressed", alt.value(theme.SUPPRESSED_STROKE), alt.value(None)
        ),
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
    """One-way table of people per answer with hidden small cells and (optionally) a total row.

    With ``total`` the row total is published, so a lone small cell is paired with
    a complementary hidden cell (``"*"``); see :func:`protect_line`.
    """
    frame = distribution_frame(counts).drop(columns=["item"])
    n = int(frame["count"].sum())
    marked = mark_suppressed(frame, "count", k, total_shown=total)
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
    """People by ``rows`` x ``cols`` with margins, protected against small cells.

    Every cell or margin under ``k`` reads ``"<k"``; then, as long as some row or
    column has exactly one hidden cell while its total is shown, one more cell of
    that line is hidden (``"*"``) so that nothing can be recovered by subtraction.
    Only the grand total is always shown. Missing values count under ``missing``.
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
    status = protect_table(tab, k)
    shown = tab.astype(object).copy()
    for r in shown.index:
        for c in shown.columns:
            st = status.at[r, c]
            shown.at[r, c] = int(tab.at[r, c]) if st == SHOWN else cell_label(st, None, k)
    shown.index.name = row_title or rows
    shown.columns.name = None
    return shown.reset_index()


def group_count(
    segments: pd.DataFrame, counts: Mapping[str, Any], labels: Sequence[str], k: int = 5
) -> tuple[int | None, str]:
    """People giving any of the answers ``labels`` to one item, as far as it may be shown.

    ``segments`` are the item's rows of :func:`diverging_data` (which cells are hidden) and
    ``counts`` its true counts by answer. Returns ``(count, label)``: the count and its text
    when it can be shown; ``(None, "<k")`` when it is small; ``(None, "*")`` when showing it
    would let a hidden cell be worked out (exactly one hidden cell among ``labels``, or
    among the other answers, whose total is printed as the item's base).
    """
    wanted = set(labels)
    total = sum(int(counts.get(lab, 0) or 0) for lab in wanted)
    in_group = segments["label"].isin(wanted)
    hidden_in = int(segments.loc[in_group, "suppressed"].sum())
    hidden_out = int(segments.loc[~in_group, "suppressed"].sum())
    if is_small(total, k):
        return None, suppressed_label(k)
    if hidden_in == 1 or hidden_out == 1:
        return None, COMPLEMENT_LABEL
    return total, str(total)


def agreement_table(
    challenges_likert: Mapping[str, Sequence[Mapping[str, Any]]],
    k: int = 5,
    positive: Sequence[str] = ("Somewhat agree", "Strongly agree"),
) -> pd.DataFrame:
    """Per challenge: respondents who answered, how many agreed and the share that agreed.

    ``Agreed`` is ``"<k"`` when small, and ``"*"`` when showing it would let a
    cell hidden in the Likert matrix be worked out (see :func:`group_count`).
    ``Share (%)`` is empty whenever ``Agreed`` is hidden. Ordered by share (highest
    first; hidden last), then item.
    """
    dist, order, neutral = _likert_inputs(challenges_likert, None, None)
    data = diverging_data(dist, order, k, neutral)
    rows = []
    for item in dict.fromkeys(data["item"]):
        sub = data[data["item"] == item]
        answered = int(sub["n"].iloc[0])
        counts = {str(r["label"]): r["count"] for r in challenges_likert[item]}
        agreed, label = group_count(sub, counts, positive, k)
        shown = agreed is not None and answered > 0
        rows.append(
            {
                "Challenge": item,
                "Answered": answered,
                "Agreed": label,
                "Share (%)": round(100.0 * agreed / answered, 1) if shown else None,
                "_sort": agreed / answered if shown else -1.0,
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
            "count": suppressed_label(k) if is_small(d["count"], k) else int(d["count"]),
        }
        for d in drivers_ranked
    ]
