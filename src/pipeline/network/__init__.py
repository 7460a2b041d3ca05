"""Network analysis of the UK–China joint research centres (Phase 3).

Typical use::

    from pipeline.network import analyse
    result = analyse(centres, organisations, centre_partners, seed=20220301)
    result.metrics        # ranked organisation table
    result.findings       # dict compared with published_figures.yaml

Modules: :mod:`.findings` (:func:`analyse`, :func:`network_findings`), :mod:`.charts`,
:mod:`.chapter` (tables and findings shaped for the chapter) and :mod:`.cli`, built on
:mod:`.graph`, :mod:`.metrics`, :mod:`.concentration`, :mod:`.layout` and :mod:`.export`.
"""

from __future__ import annotations

from pipeline.network.concentration import gini, lorenz_curve, top_count, top_share
from pipeline.network.export import write_graphml
from pipeline.network.findings import NetworkResult, analyse, composition, network_findings
from pipeline.network.graph import build_bipartite, project_organisations
from pipeline.network.layout import layout
from pipeline.network.metrics import communities, organisation_metrics

__all__ = [
    "NetworkResult",
    "analyse",
    "build_bipartite",
    "communities",
    "composition",
    "gini",
    "layout",
    "lorenz_curve",
    "network_findings",
    "organisation_metrics",
    "project_organisations",
    "top_count",
    "top_share",
    "write_graphml",
]
