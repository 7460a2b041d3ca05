"""Charts and display tables for the interview chapter, with small-cell suppression.

The inputs are the cleaned interview tables (``interviews_cases.parquet``,
``interviews_code_counts.parquet``) and the good-practice table. Counts of
interviewees between 1 and ``k - 1`` in any breakdown are shown as ``"<k"``, a
complementary cell is hidden as ``"*"`` where a printed total would otherwise give
a small one away, and hidden cells are drawn as grey, dash-outlined bars of
nominal size (see :mod:`pipeline.disclosure`); chart data never holds them.
Single overall totals (interviews, at-risk interviewees) are shown as they are.

Public API::

    interviewees_table(cases, k=5) -> DataFrame
    codes_by_theme_data(code_counts, themes, k=5, total=None) -> DataFrame
    codes_by_theme_chart(code_counts, themes, k=5, total=None) -> alt.Chart
    group_contrast_data(code_counts, cases, codes, groups=DEFAULT_CONTRAST, k=5) -> DataFrame
    group_contrast_chart(code_counts, cases, codes, groups=DEFAULT_CONTRAST, k=5) -> alt.Chart
    share_phrase(row, k=5) -> str
    contrast_phrase(contrast, code_id, group, k=5) -> str
    good_practices_table(good_practices, code_counts, k=5) -> DataFrame
    risk_table(survey_answered, at_risk_survey, interviews_total, at_risk_interviewees) -> DataFrame
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from pipeline import report, theme
from pipeline.disclosure import (
    COMPLEMENT_LABEL,
    PRIMARY,
    SHOWN,
    complete_line,
    hidden_key,
    mark_suppressed,
    suppressed_label,
)
from pipeline.interviews.schemas import GROUP_IDS, INSTITUTION_TYPES
from pipeline.survey.charts import crosstab_table

__all__ = [
    "DEFAULT_CONTRAST",
    "THEME_LABELS",
    "code_label",
    "codes_by_theme_chart",
    "codes_by_theme_data",
    "contrast_phrase",
    "good_practices_table",
    "group_contrast_chart",
    "group_contrast_data",
    "interviewees_table",
    "risk_table",
    "share_phrase",
]

THEME_LABELS: dict[str, str] = {
    "drivers": "Drivers",
    "benefits": "Benefits",
    "challenges": "Challenges",
    "risks": "Risks",
    "good_practices": "Good practices",
}
#: Display group -> discipline groups of the case sheet that belong to it.
DEFAULT_CONTRAST: dict[str, tuple[str, ...]] = {
    "STEM": ("STEM",),
    "Social sciences and humanities": ("Social sciences", "Arts and humanities"),
}
BAR_COLOUR = theme.PUOR_DARK_PURPLE
SUPPRESSED_COLOUR = theme.SUPPRESSED_FILL
#: Colour-blind-safe pair (ColorBrewer PuOr ends) for two-group contrasts.
GROUP_COLOURS = (
    theme.PUOR_DARK_PURPLE,
    theme.PUOR_DARK_ORANGE,
    theme.PUOR_LIGHT_PURPLE,
    theme.PUOR_LIGHT_ORANGE,
)


def code_label(code_path: str) -> str:
    """The last part of an NVivo code path: ``Benefits\\Complementarity`` -> ``Complementarity``."""
    return str(code_path).replace("/", "\\").split("\\")[-1].strip()


def interviewees_table(cases: pd.DataFrame, k: int = 5) -> pd.DataFrame:
    """Interviewees by discipline group x institution type, margins included, cells under k as <k."""
    return crosstab_table(
        cases,
        "discipline_group",
        "institution_type",
        k,
        row_order=list(GROUP_IDS),
        col_order=list(INSTITUTION_TYPES),
        row_title="Discipline group",
    )


def codes_by_theme_data(
    code_counts: pd.DataFrame,
    themes: Sequence[str] = ("drivers", "benefits", "challenges", "risks"),
    k: int = 5,
    total: int | None = None,
) -> pd.DataFrame:
    """Interviews raising each code of ``themes``, most raised first within a theme.

    Columns: ``theme, theme_label, code_id, code, count`` (missing when suppressed),
    ``label`` (text shown), ``suppressed``, ``plot_count`` and, when ``total``
    is given, ``share`` (percent of all interviews; missing when suppressed).
    """
    unknown = [t for t in themes if t not in THEME_LABELS]
    if unknown:
        raise ValueError(f"unknown theme(s): {unknown}")
    sub = code_counts[code_counts["theme"].isin(themes)].copy()
    sub["theme_rank"] = sub["theme"].map({t: i for i, t in enumerate(themes)})
    sub = sub.sort_values(
        ["theme_rank", "interviews_total", "code_id"], ascending=[True, False, True], kind="stable"
    )
    frame = pd.DataFrame(
        {
            "theme": sub["theme"].to_numpy(),
            "theme_label": sub["theme"].map(THEME_LABELS).to_numpy(),
            "code_id": sub["code_id"].to_numpy(),
            "code": [code_label(p) for p in sub["code_path"]],
            "count": sub["interviews_total"].astype(int).to_numpy(),
        }
    )
    out = mark_suppressed(frame, "count", k).reset_index(drop=True)
    if total:
        out["share"] = [
            None if s or pd.isna(c) else round(100.0 * int(c) / total, 1)
            for s, c in zip(out["suppressed"], out["count"], strict=True)
        ]
    return out


def _bar_layers(y: alt.Y, x_title: str, colour: alt.Color | None = None) -> alt.LayerChart:
    """Bar + label layers without data of their own (the facet supplies it)."""
    base = alt.Chart()
    fill = (
        colour
        if colour is not None
        else alt.condition("datum.suppressed", alt.value(SUPPRESSED_COLOUR), alt.value(BAR_COLOUR))
    )
    bars = base.mark_bar().encode(
        x=alt.X("plot_count:Q", title=x_title),
        y=y,
        color=fill,
        stroke=alt.condition(
            "datum.suppressed", alt.value(theme.SUPPRESSED_STROKE), alt.value(None)
        ),
        strokeDash=alt.condition("datum.suppressed", alt.value([3, 2]), alt.value([1, 0])),
        tooltip=[alt.Tooltip("code:N", title="Code"), alt.Tooltip("label:N", title=x_title)],
    )
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(
        x="plot_count:Q", y=y, text="label:N"
    )
    return alt.layer(bars, text)


def codes_by_theme_chart(
    code_counts: pd.DataFrame,
    themes: Sequence[str] = ("drivers", "benefits", "challenges", "risks"),
    k: int = 5,
    total: int | None = None,
) -> alt.FacetChart:
    """Bars of interviews raising each code, one panel per theme; small counts grey as ``"<k"``."""
    data = codes_by_theme_data(code_counts, themes, k, total).drop(columns=["count"])
    y = alt.Y(
        "code:N",
        sort=alt.EncodingSortField("plot_count", order="descending"),
        title=None,
        axis=alt.Axis(labelLimit=260),
    )
    layers = _bar_layers(y, "Interviews raising the code")
    theme_order = [THEME_LABELS[t] for t in themes]
    return (
        layers.properties(width=330, height=alt.Step(18))
        .facet(
            row=alt.Row(
                "theme_label:N",
                sort=theme_order,
                title=None,
                header=alt.Header(
                    labelAngle=0, labelAnchor="start", labelFontWeight="bold", labelOrient="top"
                ),
            ),
            data=data,
        )
        .resolve_scale(y="independent")
    )


def group_contrast_data(
    code_counts: pd.DataFrame,
    cases: pd.DataFrame,
    codes: Sequence[str],
    groups: Mapping[str, Sequence[str]] = DEFAULT_CONTRAST,
    k: int = 5,
) -> pd.DataFrame:
    """Share of each display group's interviews that raise each of ``codes``.

    Columns: ``code_id, code, group, n`` (interviews in the group; missing when
    under ``k``), ``n_label``, ``count`` (raising; missing when hidden),
    ``label``, ``status``, ``suppressed``, ``share`` (percent; missing when
    hidden) and ``plot_share`` (the share drawn; a hidden cell is drawn at the
    nominal ``k / 2`` interviews, or at 50% for a group of fewer than ``k``).

    A group with fewer than ``k`` interviews has all its cells hidden. When the
    groups together cover every interview, the code's overall count (shown in the
    theme chart) is a published total, so a lone hidden group gets a complement.
    """
    missing = [c for c in codes if c not in set(code_counts["code_id"])]
    if missing:
        raise ValueError(f"codes not in the code counts: {missing}")
    counts = code_counts.set_index("code_id")
    sizes = [int(cases["discipline_group"].isin(m).sum()) for m in groups.values()]
    covers_all = sum(sizes) == len(cases)
    rows = []
    for code in codes:
        values = [
            int(sum(int(counts.at[code, GROUP_IDS[m]]) for m in members))
            for members in groups.values()
        ]
        status = _contrast_status(values, sizes, k, covers_all)
        label = code_label(counts.at[code, "code_path"])
        for group, value, n, st in zip(groups, values, sizes, status, strict=True):
            rows.append({"code_id": code, "code": label, **_contrast_cell(group, value, n, st, k)})
    out = pd.DataFrame(rows)
    out["n"] = out["n"].astype("Int64")
    out["count"] = out["count"].astype("Int64")
    return out


def _contrast_status(values: list[int], sizes: list[int], k: int, covers_all: bool) -> list[str]:
    """Which cells of one code's line are hidden: small groups, small counts, a complement."""
    status = [PRIMARY if 0 < n < k else SHOWN for n in sizes]
    status = [
        PRIMARY if st == SHOWN and 0 < v < k else st for st, v in zip(status, values, strict=True)
    ]
    if covers_all:
        complete_line(status, values)
    return status


def _contrast_cell(group: str, value: int, n: int, st: str, k: int) -> dict[str, Any]:
    """One group's cell for one code: what is shown and the share drawn."""
    small_group = 0 < n < k
    hidden = st != SHOWN
    share = None if hidden or not n else round(100.0 * value / n, 1)
    if small_group:
        plot_share = 100.0 * (k / 2) / k
    elif hidden:
        plot_share = 100.0 * (k / 2) / n
    else:
        plot_share = 100.0 * value / n if n else 0.0
    if hidden:
        label = suppressed_label(k) if st == PRIMARY else COMPLEMENT_LABEL
    else:
        label = f"{share:.0f}% ({value})"
    return {
        "group": group,
        "n": None if small_group else n,
        "n_label": suppressed_label(k) if small_group else str(n),
        "count": None if hidden else value,
        "label": label,
        "status": st,
        "suppressed": hidden,
        "share": share,
        "plot_share": round(plot_share, 3),
    }


def group_contrast_chart(
    code_counts: pd.DataFrame,
    cases: pd.DataFrame,
    codes: Sequence[str],
    groups: Mapping[str, Sequence[str]] = DEFAULT_CONTRAST,
    k: int = 5,
) -> alt.LayerChart:
    """Grouped bars: share of each group's interviews raising each code; small cells grey."""
    data = group_contrast_data(code_counts, cases, codes, groups, k).drop(columns=["count"])
    order = list(groups)
    key = hidden_key(k)
    data = data.drop(columns=["n"])
    data["group_n"] = [
        f"{g} (n = {n})" for g, n in zip(data["group"], data["n_label"], strict=True)
    ]
    data["kind"] = [
        key if s else g for s, g in zip(data["suppressed"], data["group_n"], strict=True)
    ]
    group_n = list(dict.fromkeys(data["group_n"]))
    domain = [*group_n, key]
    rng = [*GROUP_COLOURS[: len(group_n)], SUPPRESSED_COLOUR]
    code_order = [code_label(code_counts.set_index("code_id").at[c, "code_path"]) for c in codes]
    y = alt.Y("code:N", sort=code_order, title=None, axis=alt.Axis(labelLimit=260))
    base = alt.Chart(data)
    bars = base.mark_bar().encode(
        x=alt.X(
            "plot_share:Q",
            title="Share of the group's interviews raising the code (%)",
            scale=alt.Scale(domain=[0, 100]),
        ),
        y=y,
        yOffset=alt.YOffset("group:N", sort=order),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=domain, range=rng),
            legend=alt.Legend(title=None, orient="bottom", labelLimit=300),
        ),
        stroke=alt.condition(
            "datum.suppressed", alt.value(theme.SUPPRESSED_STROKE), alt.value(None)
        ),
        strokeDash=alt.condition("datum.suppressed", alt.value([3, 2]), alt.value([1, 0])),
        tooltip=[
            alt.Tooltip("code:N", title="Code"),
            alt.Tooltip("group_n:N", title="Group"),
            alt.Tooltip("label:N", title="Raising"),
        ],
    )
    text = base.mark_text(align="left", dx=3, fontSize=10).encode(
        x="plot_share:Q", y=y, yOffset=alt.YOffset("group:N", sort=order), text="label:N"
    )
    return alt.layer(bars, text).properties(width=420, height=alt.Step(22))


def good_practices_table(
    good_practices: pd.DataFrame, code_counts: pd.DataFrame, k: int = 5
) -> pd.DataFrame:
    """Good practices with the interview code each is linked to and how many interviews raise it.

    Columns: ``Group``, ``Practice``, ``Interview code``, ``Interviews``
    (``"<k"`` when small; ``"not linked"`` when the practice has no code or the
    code is not in the codebook). Ordered by group as in the table, then id.
    """
    counts = code_counts.set_index("code_id")
    rows = []
    for gp in good_practices.sort_values("id", kind="stable").itertuples(index=False):
        code = gp.code_id if isinstance(gp.code_id, str) and gp.code_id else None
        if code is None or code not in counts.index:
            shown, label = "not linked", ""
        else:
            n = int(counts.at[code, "interviews_total"])
            shown = suppressed_label(k) if 0 < n < k else str(n)
            label = code_label(counts.at[code, "code_path"])
        rows.append(
            {
                "Group": str(gp.group).capitalize(),
                "Practice": gp.practice,
                "Interview code": label,
                "Interviews": shown,
                "_group": gp.group,
                "_id": gp.id,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["Group", "Practice", "Interview code", "Interviews", "_group", "_id"]
    )
    group_order = list(dict.fromkeys(good_practices.sort_values("id")["group"]))
    frame["_rank"] = frame["_group"].map({g: i for i, g in enumerate(group_order)})
    frame = frame.sort_values(["_rank", "_id"], kind="stable")
    return frame.drop(columns=["_group", "_id", "_rank"]).reset_index(drop=True)


def risk_table(
    survey_answered: int, at_risk_survey: int, interviews_total: int, at_risk_interviewees: int
) -> pd.DataFrame:
    """Felt-at-risk reports from both sources side by side (single totals, not suppressed).

    The survey's base is the respondents who answered its question (the base the survey
    chapter uses, :func:`pipeline.survey.findings.question_bases`); every interview counts.
    """

    def share(part: int, whole: int) -> str:
        return f"{100.0 * part / whole:.1f}%" if whole else "n/a"

    return pd.DataFrame(
        {
            "Source": ["Survey", "Interviews"],
            "People (answered the question; all interviews)": [
                int(survey_answered),
                int(interviews_total),
            ],
            "Reported feeling at risk": [int(at_risk_survey), int(at_risk_interviewees)],
            "Share": [
                share(at_risk_survey, survey_answered),
                share(at_risk_interviewees, interviews_total),
            ],
        }
    )


def contrast_phrase(contrast: pd.DataFrame, code_id: str, group: str, k: int = 5) -> str:
    """:func:`share_phrase` of one cell of :func:`group_contrast_data`, escaped for Markdown."""
    cell = contrast[(contrast["code_id"] == code_id) & (contrast["group"] == group)]
    if cell.empty:
        raise KeyError(f"no contrast cell for code {code_id!r} and group {group!r}")
    return report.md_escape(share_phrase(cell.iloc[0], k))


def share_phrase(row: Mapping[str, Any], k: int = 5) -> str:
    """Plain-text phrase for one row of :func:`group_contrast_data`.

    ``"75% (12 of 16 interviews)"``; when hidden ``"fewer than 5 of 16 interviews"``
    (small cell), ``"a number not shown of 16 interviews"`` (complement) or
    ``"a group of fewer than 5 interviews"``.
    """
    n = row["n"]
    if n is None or pd.isna(n):
        return f"a group of fewer than {k} interviews"
    if row["status"] == PRIMARY:
        return f"fewer than {k} of {int(n)} interviews"
    if bool(row["suppressed"]):
        return f"a number not shown of {int(n)} interviews"
    return f"{float(row['share']):.0f}% ({int(row['count'])} of {int(n)} interviews)"
