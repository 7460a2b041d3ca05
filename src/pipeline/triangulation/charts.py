"""The triangulation chart: centres against estimated co-publications, one point per
organisation, with labels placed so that they do not overlap.

:func:`scatter_data` prepares the points (which to label, where organisations without a
sampled paper are drawn, where each label goes); :func:`triangulation_chart` draws them.
Colours come from :mod:`pipeline.theme`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import altair as alt
import pandas as pd

from pipeline import theme

__all__ = [
    "HEIGHT",
    "WIDTH",
    "log_domain",
    "place_labels",
    "scatter_data",
    "scatter_frame",
    "triangulation_chart",
    "zero_floor",
]

WIDTH, HEIGHT = 540, 380
#: Legend groups and their colours.
GROUPS = ["UK", "China", "Other"]
GROUP_COLOURS = [theme.BLUE, theme.VERMILION, theme.GREY]


def scatter_frame(
    table: pd.DataFrame,
    *,
    label_top: int = 5,
    label_outliers: int = 3,
    country_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The triangulation table with a ``label`` column (empty for unlabelled points).

    Labelled: the ``label_top`` organisations with most centres, the ``label_top`` with
    most estimated co-publications, and the ``label_outliers`` largest rank gaps in each
    direction (``category`` set). ``group`` names the country for the colour legend.
    """
    names = dict(country_names or {"GB": "UK", "CN": "China"})
    df = table.copy()
    picks: set[str] = set()
    for first, second in (("centres", "copubs_estimated"), ("copubs_estimated", "centres")):
        picks.update(
            df.sort_values([first, second, "org_id"], ascending=[False, False, True]).head(
                label_top
            )["org_id"]
        )
    cat = df[df["category"] != ""]
    for asc in (False, True):
        sub = cat[(cat["rank_gap"] > 0) if not asc else (cat["rank_gap"] < 0)]
        picks.update(
            sub.sort_values(["rank_gap", "org_id"], ascending=[asc, True]).head(label_outliers)[
                "org_id"
            ]
        )
    df["label"] = df["name"].where(df["org_id"].isin(picks), "")
    df["group"] = df["country"].map(lambda c: names.get(str(c), "Other"))
    return df


def log_domain(values: Iterable[float]) -> tuple[float, float]:
    """A log-scale domain covering ``values`` (those > 0), rounded out to 1-2-5 steps."""
    vals = [float(v) for v in values if float(v) > 0]
    if not vals:
        return (1.0, 10.0)
    steps = [m * 10.0**k for k in range(-3, 13) for m in (1, 2, 5)]
    lo = max(s for s in steps if s <= min(vals))
    hi = min(s for s in steps if s >= max(vals))
    return (lo, hi if hi > lo else lo * 2)


@dataclass
class _Canvas:
    """A ``width`` x ``height`` pixel plot: linear ``x``, logarithmic ``y``."""

    x_domain: tuple[float, float]
    y_domain: tuple[float, float]
    width: int
    height: int

    def px(self, v: float) -> float:
        x0, x1 = self.x_domain
        return (float(v) - x0) / (x1 - x0) * self.width if x1 > x0 else 0.0

    def py(self, v: float) -> float:
        y0, y1 = self.y_domain
        ly0, ly1 = math.log10(y0), math.log10(y1)
        v = min(max(float(v), y0), y1)
        return self.height - (math.log10(v) - ly0) / (ly1 - ly0) * self.height

    def y_value(self, py: float) -> float:
        """The data value at pixel height ``py``."""
        ly0, ly1 = math.log10(self.y_domain[0]), math.log10(self.y_domain[1])
        return 10 ** (ly0 + (self.height - py) / self.height * (ly1 - ly0))


def _free_offset(
    box_x: tuple[float, float],
    cy: float,
    steps: list[float],
    placed: list[tuple[float, float, float, float]],
    line_px: float,
    height: int,
) -> float:
    """The first vertical offset in ``steps`` at which a label clears those ``placed``."""
    left, right = box_x
    for dy in steps:
        top = cy + dy - line_px / 2
        box = (left, top, right, top + line_px)
        clash = any(
            box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed
        )
        if not clash and 0 <= top and top + line_px <= height + line_px:
            return dy
    return steps[0]


def place_labels(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    x_domain: tuple[float, float],
    y_domain: tuple[float, float],
    width: int,
    height: int,
    char_px: float = 5.6,
    line_px: float = 12.0,
    gap_px: float = 6.0,
) -> pd.DataFrame:
    """Positions for the non-empty ``label`` cells that keep labels from overlapping.

    ``x`` is on a linear scale and ``y`` on a log scale with the given domains, drawn in a
    ``width`` x ``height`` pixel plot. Each label goes to the right of its point (to the
    left when it would run off the plot) and is nudged up or down, in steps of one text
    line, until its box clears the labels already placed (biggest ``y`` first). Adds
    ``label_y`` (data units, for the text mark) and ``align`` (``left``/``right``).
    """
    out = df.copy()
    out["label_y"] = out[y].astype(float)
    out["align"] = "left"
    canvas = _Canvas(x_domain, y_domain, width, height)
    placed: list[tuple[float, float, float, float]] = []
    todo = out[out["label"].astype(str) != ""].sort_values([y, "label"], ascending=[False, True])
    steps = [0.0] + [s * k for k in range(1, 8) for s in (line_px, -line_px)]
    for idx, row in todo.iterrows():
        text_w = len(str(row["label"])) * char_px
        cx, cy = canvas.px(row[x]), canvas.py(row[y])
        if cx + gap_px + text_w <= width:
            left, align = cx + gap_px, "left"
        else:
            left, align = cx - gap_px - text_w, "right"
        chosen = _free_offset((left, left + text_w), cy, steps, placed, line_px, height)
        top = cy + chosen - line_px / 2
        placed.append((left, top, left + text_w, top + line_px))
        out.at[idx, "label_y"] = canvas.y_value(cy + chosen)
        out.at[idx, "align"] = align
    return out


def zero_floor(sampling_rate: float) -> int:
    """Where organisations with no sampled paper are drawn on the log scale."""
    return max(1, round(0.5 / sampling_rate))


def _domains(frame: pd.DataFrame) -> tuple[tuple[float, float], tuple[float, float]]:
    x_domain = (0, max(1, int(frame["centres"].max())) * 1.05)
    return x_domain, log_domain(frame["plot_copubs"])


def scatter_data(
    table: pd.DataFrame, floor: int, *, label_top: int = 5, label_outliers: int = 3
) -> pd.DataFrame:
    """The points of :func:`triangulation_chart`: :func:`scatter_frame`'s table with
    ``plot_copubs`` (co-publications, at least ``floor``) and placed labels."""
    frame = scatter_frame(table, label_top=label_top, label_outliers=label_outliers)
    frame["plot_copubs"] = frame["copubs_estimated"].clip(lower=floor)
    x_domain, y_domain = _domains(frame)
    return place_labels(
        frame,
        x="centres",
        y="plot_copubs",
        x_domain=x_domain,
        y_domain=y_domain,
        width=WIDTH,
        height=HEIGHT,
    )


def triangulation_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Centres (across) against estimated co-publications (up, log scale), coloured by
    country, labels joined to their points by a thin line when moved (:func:`scatter_data`)."""
    x_domain, y_domain = _domains(frame)
    x_enc = alt.X(
        "centres:Q",
        title="Centres the organisation takes part in",
        scale=alt.Scale(domain=list(x_domain), nice=False),
    )
    y_scale = alt.Scale(type="log", domain=list(y_domain), nice=False)
    points = (
        alt.Chart(frame)
        .mark_circle(size=60, opacity=0.75)
        .encode(
            x=x_enc,
            y=alt.Y(
                "plot_copubs:Q",
                title="Estimated UK–China co-publications (log scale)",
                scale=y_scale,
                axis=alt.Axis(format="~s"),
            ),
            color=alt.Color(
                "group:N", scale=alt.Scale(domain=GROUPS, range=GROUP_COLOURS), title="Country"
            ),
            tooltip=[
                alt.Tooltip("name:N", title="organisation"),
                alt.Tooltip("country:N"),
                alt.Tooltip("centres:Q"),
                alt.Tooltip("copubs_in_sample:Q", title="papers in sample"),
                alt.Tooltip("copubs_estimated:Q", title="estimated papers", format=","),
                alt.Tooltip("category:N"),
            ],
        )
    )
    moved = frame[(frame["label"] != "") & (frame["label_y"] != frame["plot_copubs"])]
    leaders = (
        alt.Chart(moved)
        .mark_rule(color=theme.LEADER_LINE, strokeWidth=0.8)
        .encode(x=x_enc, y=alt.Y("plot_copubs:Q", scale=y_scale), y2="label_y:Q")
    )
    layers = [leaders, points]
    for align, dx in (("left", 6), ("right", -6)):
        layers.append(
            alt.Chart(frame[(frame["label"] != "") & (frame["align"] == align)])
            .mark_text(align=align, dx=dx, baseline="middle", fontSize=10, color=theme.TEXT)
            .encode(x=x_enc, y=alt.Y("label_y:Q", scale=y_scale), text="label:N")
        )
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
