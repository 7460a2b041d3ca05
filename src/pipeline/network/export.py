"""Write the networks as GraphML for Gephi, Cytoscape or networkx users."""

from __future__ import annotations

import io
import os
from pathlib import Path

import networkx as nx

from pipeline.io import atomic_write_bytes
from pipeline.network.metrics import communities as find_communities

BIPARTITE_FILE = "centres_organisations_bipartite.graphml"
PROJECTION_FILE = "organisations_projection.graphml"

_ORG_ATTRS = ("name", "country", "type", "centres")


def _bipartite_for_export(B: nx.Graph) -> nx.Graph:
    H = nx.Graph()
    for n in sorted(B.nodes):
        d = B.nodes[n]
        if d.get("bipartite") == 0:
            attrs = {"kind": "centre", "bipartite": 0, "name": str(d.get("name", ""))}
            if "year_established" in d:
                attrs["year_established"] = int(d["year_established"])
            if "location" in d:
                attrs["location"] = str(d["location"])
        else:
            attrs = {"kind": "organisation", "bipartite": 1}
            attrs.update(
                {k: (int(d[k]) if k == "centres" else str(d.get(k, ""))) for k in _ORG_ATTRS}
            )
        H.add_node(n, **attrs)
    for u, v in sorted(tuple(sorted(e)) for e in B.edges):
        H.add_edge(u, v)
    return H


def _projection_for_export(G: nx.Graph, community: dict[str, int]) -> nx.Graph:
    H = nx.Graph()
    for n in sorted(G.nodes):
        d = G.nodes[n]
        attrs = {k: (int(d[k]) if k == "centres" else str(d.get(k, ""))) for k in _ORG_ATTRS}
        attrs["community"] = int(community.get(n, -1))
        H.add_node(n, **attrs)
    for u, v in sorted(tuple(sorted(e)) for e in G.edges):
        H.add_edge(u, v, weight=int(G.edges[u, v]["weight"]))
    return H


def graphml_bytes(G: nx.Graph) -> bytes:
    """GraphML serialisation of ``G`` (insertion order kept, no timestamps)."""
    buf = io.BytesIO()
    nx.write_graphml_xml(G, buf, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buf.getvalue()


def write_graphml(
    B: nx.Graph,
    G: nx.Graph,
    out_dir: str | os.PathLike[str] = "data/processed",
    community: dict[str, int] | None = None,
    seed: int = 0,
) -> tuple[Path, Path]:
    """Write ``B`` and ``G`` as GraphML in ``out_dir``; return the two paths.

    Files: ``centres_organisations_bipartite.graphml`` (node attributes ``kind``,
    ``bipartite``, ``name``; organisations also ``country``, ``type``,
    ``centres``) and ``organisations_projection.graphml`` (``name``, ``country``,
    ``type``, ``centres``, ``community``; edge ``weight``). Nodes and edges are
    written in sorted order, so equal graphs give equal bytes. ``community``
    defaults to :func:`pipeline.network.metrics.communities` with ``seed``.
    """
    out = Path(out_dir)
    if community is None:
        community = find_communities(G, seed)
    p1 = atomic_write_bytes(out / BIPARTITE_FILE, graphml_bytes(_bipartite_for_export(B)))
    p2 = atomic_write_bytes(
        out / PROJECTION_FILE, graphml_bytes(_projection_for_export(G, community))
    )
    return p1, p2
