"""The network findings: who the organisations are, who is most connected, how concentrated.

:func:`analyse` builds both graphs (:mod:`.graph`), the ranked organisation metrics
(:mod:`.metrics`), the Lorenz curve and :func:`network_findings`, the figures compared with
the published ones. The measures themselves are in :mod:`.concentration`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from pipeline.network.concentration import (
    CN_CODE,
    TOP_FRACTION,
    TOP_N,
    UK_CODE,
    gini,
    lorenz_curve,
    top_share,
)
from pipeline.network.graph import build_bipartite, project_organisations
from pipeline.network.metrics import organisation_metrics

__all__ = ["NetworkResult", "analyse", "composition", "network_findings"]


@dataclass
class NetworkResult:
    """Everything :func:`analyse` computes."""

    bipartite: nx.Graph
    projection: nx.Graph
    metrics: pd.DataFrame
    findings: dict[str, Any]
    lorenz: pd.DataFrame


def composition(metrics: pd.DataFrame, top_n: int = TOP_N) -> dict[str, Any]:
    """Who the organisations are and who is most connected.

    ``metrics`` is the ranked table from
    :func:`~pipeline.network.metrics.organisation_metrics`. Shares and means are
    rounded to 4 decimals; ``top_connected`` lists the ``top_n`` best-ranked
    organisations as ``{name, country, centres}``, most connected first.
    """
    total = len(metrics)
    ordered = metrics.sort_values("rank", kind="mergesort")
    country = ordered["country"].astype(str)

    def share(code: str) -> float:
        return round(float((country == code).sum()) / total, 4) if total else 0.0

    def mean_links(code: str) -> float:
        sel = ordered.loc[country == code, "centres"]
        return round(float(sel.mean()), 4) if len(sel) else 0.0

    top = ordered.head(top_n)
    return {
        "organisations_total": total,
        "organisations_share_cn": share(CN_CODE),
        "organisations_share_uk": share(UK_CODE),
        "mean_links_uk": mean_links(UK_CODE),
        "mean_links_cn": mean_links(CN_CODE),
        "top10_uk_count": int((top["country"].astype(str) == UK_CODE).sum()),
        "top_connected": [
            {"name": str(r.name), "country": str(r.country), "centres": int(r.centres)}
            for r in top.itertuples(index=False)
        ],
    }


def network_findings(metrics: pd.DataFrame, fraction: float = TOP_FRACTION) -> dict[str, Any]:
    """The network findings compared with the published figures.

    Keys: ``organisations_total``, ``organisations_share_cn``,
    ``organisations_share_uk``, ``top_connected`` (names of the top ten, most
    connected first), ``top_connected_detail`` (the same as
    ``{name, country, centres}``), ``top10_uk_count``,
    ``top_fifth_share_of_links``, ``gini_links``, ``mean_links_uk``,
    ``mean_links_cn``. Floats are rounded to 4 decimals.
    """
    comp = composition(metrics)
    links = metrics["centres"].to_numpy()
    return {
        "organisations_total": comp["organisations_total"],
        "organisations_share_cn": comp["organisations_share_cn"],
        "organisations_share_uk": comp["organisations_share_uk"],
        "top_connected": [t["name"] for t in comp["top_connected"]],
        "top_connected_detail": comp["top_connected"],
        "top10_uk_count": comp["top10_uk_count"],
        "top_fifth_share_of_links": round(top_share(links, fraction), 4),
        "gini_links": round(gini(links), 4),
        "mean_links_uk": comp["mean_links_uk"],
        "mean_links_cn": comp["mean_links_cn"],
    }


def analyse(
    centres: pd.DataFrame,
    organisations: pd.DataFrame,
    centre_partners: pd.DataFrame,
    seed: int,
    fraction: float = TOP_FRACTION,
) -> NetworkResult:
    """Build both graphs, the ranked metrics, the Lorenz curve and the findings."""
    B = build_bipartite(centres, organisations, centre_partners)
    G = project_organisations(B)
    metrics = organisation_metrics(B, G, seed=seed)
    return NetworkResult(
        bipartite=B,
        projection=G,
        metrics=metrics,
        findings=network_findings(metrics, fraction=fraction),
        lorenz=lorenz_curve(metrics["centres"].to_numpy()),
    )
