"""Tables and the findings shaped for the network chapter (``phase3_network``).

The analysis itself lives in :func:`pipeline.network.analyse`; this module only
reshapes its results for the book and for the stage outputs:

* :func:`metrics_table` — the ``org_network_metrics.parquet`` columns;
* :func:`lorenz_table` — the Lorenz curve as written to ``network_lorenz.csv``;
* :func:`chapter_findings` — the findings in the shape the issue asks for
  (``top_connected`` as ordered ``{name, country, centres}`` objects);
* :func:`top_table`, :func:`top_shares_table`, :func:`country_comparison`,
  :func:`comparison_display`, :func:`community_table`, :func:`community_summary` —
  display tables and the numbers quoted in prose.

The chapter's charts are in :mod:`pipeline.network.charts`.

Every function accepts an empty metrics table and returns an empty, well-formed
result, so a chapter built from an empty workbook still renders.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.network.charts import COUNTRY_GROUPS, country_group
from pipeline.network.concentration import TOP_N, top_count, top_share
from pipeline.network.graph import blank_if_missing
from pipeline.network.metrics import METRIC_COLUMNS

#: Columns of ``data/processed/org_network_metrics.parquet``, in order: the metrics
#: without the count of distinct co-partners.
METRICS_OUTPUT_COLUMNS = [c for c in METRIC_COLUMNS if c != "degree"]

#: Findings keys this chapter writes, in order.
FINDINGS_KEYS = [
    "organisations_total",
    "organisations_share_cn",
    "organisations_share_uk",
    "top_connected",
    "top10_uk_count",
    "top_fifth_share_of_links",
    "gini_links",
    "mean_links_uk",
    "mean_links_cn",
]

#: English names of the ISO 3166-1 codes found in the organisation registry.
COUNTRY_NAMES = {
    "AU": "Australia",
    "BE": "Belgium",
    "CN": "China",
    "DE": "Germany",
    "GB": "United Kingdom",
    "HK": "Hong Kong",
    "MO": "Macao",
    "SG": "Singapore",
    "TW": "Taiwan",
    "US": "United States",
}


def _text(value: Any) -> str:
    """``str(value)``, with ``None`` and missing values as an empty string."""
    return str(blank_if_missing(value))


def country_name(code: Any) -> str:
    """English name of a country code (the code itself when unknown, "Unknown" when blank)."""
    text = _text(code).strip()
    if not text:
        return "Unknown"
    return COUNTRY_NAMES.get(text.upper(), text)


def type_label(value: Any) -> str:
    """Readable organisation type: ``research_institute`` -> ``Research institute``."""
    text = _text(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Unknown"


def pct1(share: float) -> float:
    """A fraction as a percentage with one decimal, rounded as ``report.fmt_pct`` prints it."""
    return float(f"{100 * float(share):.1f}")


def _ranked(metrics: pd.DataFrame) -> pd.DataFrame:
    return metrics.sort_values("rank", kind="mergesort").reset_index(drop=True)


def metrics_table(metrics: pd.DataFrame) -> pd.DataFrame:
    """The ranked organisation table written to ``org_network_metrics.parquet``.

    Columns :data:`METRICS_OUTPUT_COLUMNS`, one row per organisation, sorted by
    ``rank`` (1 = most connected) with fixed dtypes.
    """
    missing = [c for c in METRICS_OUTPUT_COLUMNS if c not in metrics.columns]
    if missing:
        raise ValueError(f"network metrics: missing column(s) {', '.join(missing)}")
    out = _ranked(metrics)[METRICS_OUTPUT_COLUMNS].copy()
    for col in ("org_id", "name", "country", "type"):
        out[col] = out[col].astype(str)
    for col in ("centres", "weighted_degree", "community", "rank"):
        out[col] = out[col].astype("int64")
    out["betweenness"] = out["betweenness"].astype(float).round(10)
    return out


def lorenz_table(lorenz: pd.DataFrame) -> pd.DataFrame:
    """Lorenz points with the organisation count, shares rounded to 6 decimals."""
    out = pd.DataFrame(
        {
            "organisations": range(len(lorenz)),
            "share_of_orgs": lorenz["share_of_orgs"].astype(float).round(6).to_numpy(),
            "share_of_links": lorenz["share_of_links"].astype(float).round(6).to_numpy(),
        }
    )
    return out


def top_shares_table(
    metrics: pd.DataFrame, fractions: tuple[float, ...] = (0.01, 0.05, 0.1, 0.2, 0.5)
) -> pd.DataFrame:
    """Share of centre links held by the most connected fractions of organisations.

    One row per fraction (sorted, duplicates dropped): ``Most connected`` (e.g.
    "20%"), ``Organisations`` (the count, rounded up as in
    :func:`~pipeline.network.concentration.top_share`) and ``Share of links (%)``.
    A compact companion to the Lorenz curve.
    """
    links = metrics["centres"].to_numpy() if len(metrics) else []
    n = len(metrics)
    rows = []
    for frac in sorted({float(x) for x in fractions}):
        rows.append(
            {
                "Most connected": f"{100 * frac:g}%",
                "Organisations": top_count(n, frac) if n else 0,
                "Share of links (%)": pct1(top_share(links, frac)),
            }
        )
    return pd.DataFrame(rows, columns=["Most connected", "Organisations", "Share of links (%)"])


def chapter_findings(findings: dict[str, Any]) -> dict[str, Any]:
    """The chapter's findings from :func:`pipeline.network.findings.network_findings`.

    ``top_connected`` becomes the ordered list of ``{name, country, centres}``
    objects (taken from ``top_connected_detail``, which is not written under its
    own name); every other key of :data:`FINDINGS_KEYS` is copied as is.
    """
    out: dict[str, Any] = {}
    for key in FINDINGS_KEYS:
        if key == "top_connected":
            detail = findings.get("top_connected_detail")
            if detail is None:
                detail = findings["top_connected"]
            out[key] = [
                {"name": str(d["name"]), "country": str(d["country"]), "centres": int(d["centres"])}
                for d in detail
            ]
        else:
            out[key] = findings[key]
    return out


def top_table(metrics: pd.DataFrame, top_n: int = TOP_N) -> pd.DataFrame:
    """Display table of the ``top_n`` most connected organisations."""
    top = _ranked(metrics).head(top_n)
    return pd.DataFrame(
        {
            "Rank": top["rank"].astype(int).to_numpy(),
            "Organisation": top["name"].astype(str).to_numpy(),
            "Country": [country_name(c) for c in top["country"]],
            "Type": [type_label(t) for t in top["type"]],
            "Centres": top["centres"].astype(int).to_numpy(),
            "Co-partners": top["degree"].astype(int).to_numpy()
            if "degree" in top.columns
            else [0] * len(top),
            "Betweenness": [f"{float(b):.3f}" for b in top["betweenness"]],
        }
    )


def country_comparison(metrics: pd.DataFrame, top_n: int = TOP_N) -> pd.DataFrame:
    """UK, Chinese and other organisations side by side.

    One row per group of :data:`~pipeline.network.charts.COUNTRY_GROUPS` (groups
    with no organisation are kept with zeros): ``group``, ``organisations``,
    ``share_of_orgs``, ``links`` (centre memberships), ``share_of_links``,
    ``mean_centres``, ``median_centres``, ``in_top`` (how many are in the top
    ``top_n``). Shares are fractions rounded to 4 decimals.
    """
    ranked = _ranked(metrics)
    groups = [country_group(str(c)) for c in ranked["country"]]
    frame = pd.DataFrame(
        {
            "group": groups,
            "centres": ranked["centres"].astype(int).to_numpy(),
            "top": (ranked["rank"] <= top_n).to_numpy(),
        }
    )
    total_orgs = len(frame)
    total_links = int(frame["centres"].sum())
    rows = []
    for g in COUNTRY_GROUPS:
        sel = frame[frame["group"] == g]
        n = len(sel)
        links = int(sel["centres"].sum())
        rows.append(
            {
                "group": g,
                "organisations": n,
                "share_of_orgs": round(n / total_orgs, 4) if total_orgs else 0.0,
                "links": links,
                "share_of_links": round(links / total_links, 4) if total_links else 0.0,
                "mean_centres": round(float(sel["centres"].mean()), 4) if n else 0.0,
                "median_centres": float(sel["centres"].median()) if n else 0.0,
                "in_top": int(sel["top"].sum()),
            }
        )
    return pd.DataFrame(rows)


def comparison_display(comparison: pd.DataFrame, top_n: int = TOP_N) -> pd.DataFrame:
    """:func:`country_comparison` with English headers and percentages."""
    return pd.DataFrame(
        {
            "Organisations from": comparison["group"].to_numpy(),
            "Organisations": comparison["organisations"].astype(int).to_numpy(),
            "Share of organisations (%)": [pct1(x) for x in comparison["share_of_orgs"]],
            "Centre links": comparison["links"].astype(int).to_numpy(),
            "Share of links (%)": [pct1(x) for x in comparison["share_of_links"]],
            "Mean centres per organisation": [
                float(f"{x:.2f}") for x in comparison["mean_centres"]
            ],
            "Median centres": comparison["median_centres"].to_numpy(),
            f"In the top {top_n}": comparison["in_top"].astype(int).to_numpy(),
        }
    )


def _countries_text(codes: pd.Series) -> str:
    counts = pd.Series([country_name(c) for c in codes]).value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{name} {n}" for name, n in ordered)


def community_table(metrics: pd.DataFrame, members: int = 3) -> pd.DataFrame:
    """One row per community: size, members' countries and its best-ranked members.

    Columns ``Community``, ``Organisations``, ``Countries`` ("China 12, United
    Kingdom 8"), ``Centre links`` (sum of members' centres) and ``Largest
    members`` (the ``members`` best ranked, with their centres), ordered by
    community number (0 = largest).
    """
    ranked = _ranked(metrics)
    rows = []
    for comm, grp in ranked.groupby("community", sort=True):
        lead = grp.head(members)
        rows.append(
            {
                "Community": int(comm),
                "Organisations": len(grp),
                "Countries": _countries_text(grp["country"]),
                "Centre links": int(grp["centres"].sum()),
                "Largest members": "; ".join(
                    f"{r.name} ({int(r.centres)})" for r in lead.itertuples(index=False)
                ),
            }
        )
    cols = ["Community", "Organisations", "Countries", "Centre links", "Largest members"]
    return pd.DataFrame(rows, columns=cols)


def community_summary(metrics: pd.DataFrame) -> dict[str, Any]:
    """Numbers quoted about the communities.

    ``communities`` (count), ``mixed`` (communities holding both UK and Chinese
    organisations), ``largest_size``, ``smallest_size`` and ``hub_communities``
    (how many distinct communities the top ten are spread over).
    """
    if metrics.empty:
        return {
            "communities": 0,
            "mixed": 0,
            "largest_size": 0,
            "smallest_size": 0,
            "hub_communities": 0,
        }
    groups = [country_group(str(c)) for c in metrics["country"]]
    frame = pd.DataFrame({"community": metrics["community"].to_numpy(), "group": groups})
    sizes = frame.groupby("community").size()
    mixed = sum(
        1
        for _, g in frame.groupby("community")
        if {COUNTRY_GROUPS[0], COUNTRY_GROUPS[1]} <= set(g["group"])
    )
    top = metrics[metrics["rank"] <= TOP_N]
    return {
        "communities": len(sizes),
        "mixed": int(mixed),
        "largest_size": int(sizes.max()),
        "smallest_size": int(sizes.min()),
        "hub_communities": int(top["community"].nunique()),
    }
