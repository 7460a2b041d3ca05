"""Altair charts of the organisation network and of link concentration.

Charts are plain Altair objects; render them through
``pipeline.report.show_chart`` (offline, deterministic ids). No interactive
parameters are declared, so ``chart.to_dict()`` is identical across runs.
"""

from __future__ import annotations

import altair as alt
import networkx as nx
import pandas as pd

from pipeline import theme
from pipeline.network.concentration import CN_CODE, TOP_FRACTION, TOP_N, UK_CODE, top_count

#: Country groups shown in the network chart, in legend order, with an
#: Okabe–Ito colour-blind-safe palette (blue, vermillion, grey).
COUNTRY_GROUPS = ["United Kingdom", "China", "Other"]
COUNTRY_COLOURS = [theme.BLUE, theme.VERMILION, theme.GREY]
#: The two measures of :func:`comparison_chart` and their Okabe–Ito colours.
MEASURES = ["Share of organisations", "Share of centre links"]
MEASURE_COLOURS = [theme.ORANGE, theme.SKY_BLUE]


def country_group(code: str) -> str:
    """Legend group of an ISO country code: United Kingdom, China or Other."""
    if code == UK_CODE:
        return COUNTRY_GROUPS[0]
    if code == CN_CODE:
        return COUNTRY_GROUPS[1]
    return COUNTRY_GROUPS[2]


def _node_frame(metrics: pd.DataFrame, pos: dict[str, tuple[float, float]]) -> pd.DataFrame:
    df = metrics[["org_id", "name", "country", "centres", "community", "rank"]].copy()
    df["org_id"] = df["org_id"].astype(str)
    missing = sorted(set(df["org_id"]) - set(pos))
    if missing:
        raise ValueError(f"layout has no position for organisation(s) {', '.join(missing[:5])}")
    df["x"] = [pos[o][0] for o in df["org_id"]]
    df["y"] = [pos[o][1] for o in df["org_id"]]
    df["country_group"] = [country_group(str(c)) for c in df["country"]]
    # Draw the least connected first so the hubs sit on top.
    return df.sort_values(["rank"], ascending=False, kind="mergesort").reset_index(drop=True)


def _edge_frame(G: nx.Graph, pos: dict[str, tuple[float, float]]) -> pd.DataFrame:
    rows = []
    for u, v in sorted(tuple(sorted(e)) for e in G.edges):
        rows.append(
            {
                "source": u,
                "target": v,
                "x": pos[u][0],
                "y": pos[u][1],
                "x2": pos[v][0],
                "y2": pos[v][1],
                "shared_centres": int(G.edges[u, v].get("weight", 1)),
            }
        )
    cols = ["source", "target", "x", "y", "x2", "y2", "shared_centres"]
    return pd.DataFrame(rows, columns=cols)


def _axes() -> tuple[alt.X, alt.Y]:
    axis_off = alt.Axis(labels=False, ticks=False, title=None, grid=False, domain=False)
    x = alt.X("x:Q", axis=axis_off, scale=alt.Scale(zero=False, nice=False, padding=20))
    y = alt.Y("y:Q", axis=axis_off, scale=alt.Scale(zero=False, nice=False, padding=20))
    return x, y


def _edge_layer(edges: pd.DataFrame, x: alt.X, y: alt.Y) -> alt.Chart:
    """Shared centres as lines, wider for more shared centres."""
    return (
        alt.Chart(edges)
        .mark_rule(color=theme.EDGE, opacity=0.35)
        .encode(
            x=x,
            y=y,
            x2="x2:Q",
            y2="y2:Q",
            strokeWidth=alt.StrokeWidth(
                "shared_centres:Q", scale=alt.Scale(range=[0.5, 4]), title="Shared centres"
            ),
        )
    )


def _node_layer(nodes: pd.DataFrame, x: alt.X, y: alt.Y) -> alt.Chart:
    """Organisations as circles sized by centres and coloured by country group."""
    return (
        alt.Chart(nodes)
        .mark_circle(opacity=0.9, stroke="white", strokeWidth=0.5)
        .encode(
            x=x,
            y=y,
            size=alt.Size("centres:Q", scale=alt.Scale(range=[20, 600]), title="Centres"),
            color=alt.Color(
                "country_group:N",
                scale=alt.Scale(domain=COUNTRY_GROUPS, range=COUNTRY_COLOURS),
                title="Country",
            ),
            order=alt.Order("centres:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("name:N", title="Organisation"),
                alt.Tooltip("country:N", title="Country"),
                alt.Tooltip("centres:Q", title="Centres"),
                alt.Tooltip("community:N", title="Community"),
            ],
        )
    )


def _top_labels(nodes: pd.DataFrame, top_n: int) -> pd.DataFrame:
    """The ``top_n`` best ranked organisations, in rank order, with their key text."""
    labels = nodes[nodes["rank"] <= top_n].sort_values("rank", kind="mergesort").copy()
    labels["key"] = [
        f"{r.rank}. {r.name} ({r.country}, {r.centres})" for r in labels.itertuples(index=False)
    ]
    return labels


def _key(labels: pd.DataFrame, width: int) -> alt.Chart:
    """The numbered list of the most connected organisations under the drawing."""
    return (
        alt.Chart(labels, title="Most connected: rank. name (country, centres)")
        .mark_text(align="left", baseline="middle", fontSize=11, color=theme.TEXT_DARK)
        .encode(x=alt.value(0), y=alt.Y("rank:O", axis=None), text="key:N")
        .properties(width=width, height=18 * max(len(labels), 1))
    )


def network_chart(
    G: nx.Graph,
    metrics: pd.DataFrame,
    layout: dict[str, tuple[float, float]],
    top_n: int = TOP_N,
    width: int = 560,
    height: int = 460,
) -> alt.VConcatChart:
    """Node-link drawing of the organisation projection, with a numbered top-``top_n`` key.

    Edges are rules (wider for more shared centres); nodes are circles sized by
    the number of centres and coloured by country group. The ``top_n`` best
    ranked organisations carry their rank number on the drawing (hubs sit close
    together, so full names would overlap) and are named in a key under it; the legends
    sit at the bottom too, so the drawing takes the whole width of the page.
    Tooltips give name, country, centres and community.
    """
    nodes = _node_frame(metrics, layout)
    x, y = _axes()
    labels = _top_labels(nodes, top_n)
    label_layer = (
        alt.Chart(labels)
        .mark_text(align="left", dx=6, dy=-6, fontSize=11, fontWeight="bold", color=theme.TEXT_DARK)
        .encode(x=x, y=y, text="rank:N", tooltip=alt.Tooltip("name:N", title="Organisation"))
    )
    graph = alt.layer(
        _edge_layer(_edge_frame(G, layout), x, y), _node_layer(nodes, x, y), label_layer
    ).properties(width=width, height=height)
    return (
        alt.vconcat(graph, _key(labels, width))
        .configure_view(strokeWidth=0)
        .configure_legend(orient="bottom", direction="horizontal")
    )


def _top_point(n: int, top_share: float, fraction: float) -> pd.DataFrame:
    """Where the most connected ``fraction`` of ``n`` organisations begins on the curve."""
    k = top_count(n, fraction) if n > 0 else 0
    return pd.DataFrame(
        {
            "share_of_orgs": [1 - k / n if n else 0.0],
            "share_of_links": [1 - top_share],
            "label": [f"Top {k} of {n} organisations hold {top_share:.0%} of links"],
        }
    )


def lorenz_chart(
    lorenz: pd.DataFrame,
    top_share: float,
    fraction: float = TOP_FRACTION,
    width: int = 420,
    height: int = 420,
) -> alt.LayerChart:
    """Lorenz curve of centre links with the line of equality and the top-``fraction`` point.

    The marked point sits where the least connected ``1 - k/n`` of organisations
    end (``k`` = top count, ceil rule); the curve's height there is
    ``1 - top_share``.
    """
    point = _top_point(len(lorenz) - 1, top_share, fraction)
    equality = pd.DataFrame({"share_of_orgs": [0.0, 1.0], "share_of_links": [0.0, 1.0]})
    x = alt.X(
        "share_of_orgs:Q",
        title="Cumulative share of organisations (least connected first)",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    y = alt.Y(
        "share_of_links:Q",
        title="Cumulative share of centre links",
        axis=alt.Axis(format="%"),
        scale=alt.Scale(domain=[0, 1]),
    )
    line_eq = alt.Chart(equality).mark_line(color=theme.GREY, strokeDash=[4, 4]).encode(x=x, y=y)
    curve = (
        alt.Chart(lorenz)
        .mark_line(color=theme.BLUE, strokeWidth=2)
        .encode(
            x=x,
            y=y,
            tooltip=[
                alt.Tooltip("share_of_orgs:Q", format=".1%", title="Organisations"),
                alt.Tooltip("share_of_links:Q", format=".1%", title="Links"),
            ],
        )
    )
    dot = (
        alt.Chart(point)
        .mark_point(color=theme.VERMILION, size=90, filled=True, shape="circle")
        .encode(x=x, y=y, tooltip=alt.Tooltip("label:N", title="Top share"))
    )
    text = (
        alt.Chart(point)
        .mark_text(align="right", dx=-8, dy=-8, color=theme.VERMILION, fontSize=11)
        .encode(x=x, y=y, text="label:N")
    )
    return alt.layer(line_eq, curve, dot, text).properties(width=width, height=height)


def comparison_chart(comparison: pd.DataFrame, width: int = 420) -> alt.Chart:
    """Grouped horizontal bars: each group's share of organisations and of centre links."""
    long = pd.DataFrame(
        [
            {"group": r.group, "measure": m, "share": float(v)}
            for r in comparison.itertuples(index=False)
            for m, v in zip(MEASURES, (r.share_of_orgs, r.share_of_links), strict=True)
        ],
        columns=["group", "measure", "share"],
    )
    y = alt.Y("group:N", sort=COUNTRY_GROUPS, title=None)
    colour = alt.Color(
        "measure:N",
        scale=alt.Scale(domain=MEASURES, range=MEASURE_COLOURS),
        legend=alt.Legend(title=None, orient="bottom"),
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "share:Q",
                title="Share",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=y,
            yOffset=alt.YOffset("measure:N", sort=MEASURES),
            color=colour,
            tooltip=[
                alt.Tooltip("group:N", title="Organisations from"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("share:Q", format=".1%", title="Share"),
            ],
        )
    )
    text = (
        alt.Chart(long)
        .mark_text(align="left", dx=4, fontSize=11, color=theme.TEXT_DARK)
        .encode(
            x="share:Q",
            y=y,
            yOffset=alt.YOffset("measure:N", sort=MEASURES),
            text=alt.Text("share:Q", format=".0%"),
        )
    )
    return alt.layer(bars, text).properties(width=width, height=alt.Step(18))
