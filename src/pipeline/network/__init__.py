"""Network analysis of the UK–China joint research centres (Phase 3).

Typical use::

    from pipeline.network import analyse
    result = analyse(centres, organisations, centre_partners, seed=20220301)
    result.metrics        # ranked organisation table
    result.findings       # dict compared with published_figures.yaml

The building blocks live in :mod:`.graph`, :mod:`.metrics`,
:mod:`.concentration`, :mod:`.layout`, :mod:`.export` and :mod:`.charts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import networkx as nx
import pandas as pd

from pipeline.network.concentration import (
    TOP_FRACTION,
    composition,
    compute_findings,
    gini,
    lorenz_curve,
    top_count,
    top_share,
)
from pipeline.network.export import write_graphml
from pipeline.network.graph import build_bipartite, project_organisations
from pipeline.network.layout import layout
from pipeline.network.metrics import communities, organisation_metrics


@dataclass
class NetworkResult:
    """Everything :func:`analyse` computes."""

    bipartite: nx.Graph
    projection: nx.Graph
    metrics: pd.DataFrame
    findings: dict[str, Any]
    lorenz: pd.DataFrame


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
        findings=compute_findings(metrics, fraction=fraction),
        lorenz=lorenz_curve(metrics["centres"].to_numpy()),
    )


__all__ = [
    "NetworkResult",
    "analyse",
    "build_bipartite",
    "communities",
    "composition",
    "compute_findings",
    "gini",
    "layout",
    "lorenz_curve",
    "organisation_metrics",
    "project_organisations",
    "top_count",
    "top_share",
    "write_graphml",
]
