"""Per-organisation measures on the centre network.

``organisation_metrics`` gathers, for every organisation:

* ``centres`` — the number of centres it partners in (its degree in the
  bipartite graph); this is the "links" measure used for the concentration
  statistics and for ranking;
* ``weighted_degree`` — the sum of the projection weights, i.e. the number of
  (centre, co-partner) pairings it takes part in;
* ``degree`` — the number of distinct co-partner organisations;
* ``betweenness`` — normalised betweenness centrality on the projection with
  ``distance = 1 / weight`` as the path length;
* ``community`` — Louvain community index (see :func:`communities`);
* ``rank`` — 1 for the most connected organisation.

Determinism: graphs are rebuilt with sorted insertion before any algorithm
runs, Louvain and betweenness sampling take a fixed seed, and ties are broken
by name and then ``org_id``.

Betweenness on large graphs: exact Brandes betweenness costs O(n·m + n² log n).
Above ``BETWEENNESS_EXACT_MAX_NODES`` organisations the measure is estimated
from ``BETWEENNESS_SAMPLE_K`` source nodes drawn with the given seed (networkx's
``k`` sampling), which keeps the 100x benchmark within budget; the reported
``betweenness_method`` column says which was used.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from pipeline.network.graph import sorted_copy

#: Largest projection (in organisations) for which betweenness is computed exactly.
BETWEENNESS_EXACT_MAX_NODES = 2000
#: Number of sampled source nodes when betweenness is estimated.
BETWEENNESS_SAMPLE_K = 500

METRIC_COLUMNS = [
    "org_id",
    "name",
    "country",
    "type",
    "centres",
    "weighted_degree",
    "degree",
    "betweenness",
    "community",
    "rank",
]


def communities(G: nx.Graph, seed: int) -> dict[str, int]:
    """Louvain communities of the projection, as ``org_id -> community index``.

    Runs :func:`networkx.community.louvain_communities` (``weight="weight"``,
    fixed ``seed``) on a copy of ``G`` with sorted insertion order. Communities
    are numbered 0, 1, ... by size (largest first), ties broken by their
    smallest member, so the numbering does not depend on Louvain's output order.
    An organisation with no co-partner forms its own community.
    """
    if G.number_of_nodes() == 0:
        return {}
    H = sorted_copy(G)
    found = nx.community.louvain_communities(H, weight="weight", seed=seed)
    groups = sorted((sorted(str(n) for n in c) for c in found), key=lambda c: (-len(c), c[0]))
    return {node: idx for idx, members in enumerate(groups) for node in members}


def betweenness(
    G: nx.Graph,
    seed: int,
    exact_max_nodes: int = BETWEENNESS_EXACT_MAX_NODES,
    sample_k: int = BETWEENNESS_SAMPLE_K,
) -> tuple[dict[str, float], str]:
    """Normalised betweenness on ``G`` with ``distance`` as path length.

    Exact when ``G`` has at most ``exact_max_nodes`` nodes; otherwise estimated
    from ``sample_k`` sources drawn with ``seed``. Returns the values (rounded
    to 10 decimals) and the method label (``"exact"`` or ``"sampled-k<k>"``).
    """
    H = sorted_copy(G)
    n = H.number_of_nodes()
    if n <= exact_max_nodes or n <= sample_k:
        values = nx.betweenness_centrality(H, weight="distance", normalized=True)
        method = "exact"
    else:
        values = nx.betweenness_centrality(
            H, k=sample_k, weight="distance", normalized=True, seed=seed
        )
        method = f"sampled-k{sample_k}"
    return {str(k): round(float(v), 10) for k, v in values.items()}, method


#: How :func:`rank_order` orders organisations, in words: the one statement of the rule that
#: the network chapter (glued) and the methods appendix (tests/network) both print.
RANK_RULE = (
    "Organisations are ranked by the number of centres they take part in; ties are broken by "
    "the number of partner pairings (a centre with many partners counts for more), then "
    "alphabetically by name."
)


def rank_order(df: pd.DataFrame) -> pd.DataFrame:
    """Sort by centres desc, weighted degree desc, name asc, org_id asc; set ``rank``
    (:data:`RANK_RULE`; org_id only separates organisations of the same name)."""
    out = df.sort_values(
        ["centres", "weighted_degree", "name", "org_id"],
        ascending=[False, False, True, True],
        kind="mergesort",
    ).reset_index(drop=True)
    out["rank"] = range(1, len(out) + 1)
    return out


def organisation_metrics(
    B: nx.Graph,
    G: nx.Graph,
    seed: int = 0,
    exact_max_nodes: int = BETWEENNESS_EXACT_MAX_NODES,
    sample_k: int = BETWEENNESS_SAMPLE_K,
) -> pd.DataFrame:
    """One row per organisation with the measures listed in the module doc, sorted by rank.

    ``B`` is the bipartite graph (:func:`~pipeline.network.graph.build_bipartite`)
    and ``G`` its projection (:func:`~pipeline.network.graph.project_organisations`).
    ``seed`` drives Louvain and (on large graphs) betweenness sampling.
    """
    btw, method = betweenness(G, seed, exact_max_nodes=exact_max_nodes, sample_k=sample_k)
    comm = communities(G, seed)
    rows = []
    for node, d in B.nodes(data=True):
        if d.get("bipartite") != 1:
            continue
        oid = d["org_id"]
        weighted = sum(int(w) for _, _, w in G.edges(oid, data="weight")) if oid in G else 0
        rows.append(
            {
                "org_id": oid,
                "name": d["name"],
                "country": d["country"],
                "type": d["type"],
                "centres": int(B.degree(node)),
                "weighted_degree": int(weighted),
                "degree": int(G.degree(oid)) if oid in G else 0,
                "betweenness": btw.get(oid, 0.0),
                "community": int(comm.get(oid, -1)),
            }
        )
    df = pd.DataFrame(rows, columns=[c for c in METRIC_COLUMNS if c != "rank"])
    df = rank_order(df)[METRIC_COLUMNS]
    df["betweenness_method"] = method
    return df
