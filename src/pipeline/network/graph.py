"""Build the centre–organisation network from the cleaned centres tables.

Two graphs are used throughout :mod:`pipeline.network`:

* the **bipartite graph** ``B``: one node per centre (``"centre:<centre_id>"``,
  ``bipartite=0``) and one per organisation (``"org:<org_id>"``, ``bipartite=1``);
  an edge joins a centre to each of its partner organisations;
* the **organisation projection** ``G``: one node per organisation, keyed by the
  plain ``org_id``; two organisations are joined when they partner in at least
  one common centre, with ``weight`` = the number of centres they share and
  ``distance`` = ``1 / weight`` (stronger ties are "shorter" for path measures).

Both graphs are built with nodes and edges inserted in sorted order, so every
algorithm that iterates over them (betweenness, Louvain, spring layout) sees the
same order in every run and every process.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from typing import Any

import networkx as nx
import pandas as pd

CENTRE_PREFIX = "centre:"
ORG_PREFIX = "org:"


def centre_node(centre_id: str) -> str:
    """Node key of a centre in the bipartite graph."""
    return f"{CENTRE_PREFIX}{centre_id}"


def org_node(org_id: str) -> str:
    """Node key of an organisation in the bipartite graph."""
    return f"{ORG_PREFIX}{org_id}"


def blank_if_missing(value: Any) -> Any:
    """Replace pandas missing values by an empty string (GraphML has no null)."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):  # lists/arrays: not a scalar missing value
        return value
    return value


def _require(df: pd.DataFrame, columns: list[str], table: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{table}: missing column(s) {', '.join(missing)}")


def _partner_pairs(
    centres: pd.DataFrame, organisations: pd.DataFrame, centre_partners: pd.DataFrame
) -> set[tuple[str, str]]:
    """Distinct (centre, organisation) pairs; a row naming an unknown one raises."""
    centre_ids = {str(c) for c in centres["centre_id"]}
    org_ids = {str(o) for o in organisations["org_id"]}
    pairs: set[tuple[str, str]] = set()
    for pos, (cid, oid) in enumerate(
        zip(centre_partners["centre_id"], centre_partners["org_id"], strict=True)
    ):
        cid, oid = str(cid), str(oid)
        if cid not in centre_ids:
            raise ValueError(
                f"centre_partners row {pos}: column centre_id value {cid!r} is not in centres"
            )
        if oid not in org_ids:
            raise ValueError(
                f"centre_partners row {pos}: column org_id value {oid!r} is not in organisations"
            )
        pairs.add((cid, oid))
    return pairs


def _add_centres(B: nx.Graph, centres: pd.DataFrame) -> None:
    rows = centres.assign(node_key=centres["centre_id"].astype(str)).sort_values("node_key")
    for row in rows.itertuples(index=False):
        attrs: dict[str, Any] = {
            "kind": "centre",
            "bipartite": 0,
            "centre_id": row.node_key,
            "name": str(blank_if_missing(row.name)),
        }
        if "year_established" in centres.columns:
            year = blank_if_missing(row.year_established)
            attrs["year_established"] = int(year) if year != "" else -1
        if "location" in centres.columns:
            attrs["location"] = str(blank_if_missing(row.location))
        B.add_node(centre_node(row.node_key), **attrs)


def _add_organisations(B: nx.Graph, organisations: pd.DataFrame, degree: dict[str, int]) -> None:
    rows = organisations.assign(node_key=organisations["org_id"].astype(str)).sort_values(
        "node_key"
    )
    for row in rows.itertuples(index=False):
        B.add_node(
            org_node(row.node_key),
            kind="organisation",
            bipartite=1,
            org_id=row.node_key,
            name=str(blank_if_missing(row.name)),
            country=str(blank_if_missing(row.country)),
            type=str(blank_if_missing(row.type)),
            centres=int(degree.get(row.node_key, 0)),
        )


def build_bipartite(
    centres: pd.DataFrame, organisations: pd.DataFrame, centre_partners: pd.DataFrame
) -> nx.Graph:
    """Bipartite centre–organisation graph from the three cleaned tables.

    Centre nodes carry ``kind="centre"``, ``bipartite=0``, ``centre_id``,
    ``name`` and (when present) ``year_established`` and ``location``.
    Organisation nodes carry ``kind="organisation"``, ``bipartite=1``,
    ``org_id``, ``name``, ``country``, ``type`` and ``centres`` (the number of
    centres the organisation partners in, i.e. its bipartite degree).

    A ``centre_partners`` row naming a centre or organisation absent from the
    other tables raises ``ValueError`` with the row number; a repeated
    (centre, organisation) pair is counted once.
    """
    _require(centres, ["centre_id", "name"], "centres")
    _require(organisations, ["org_id", "name", "country", "type"], "organisations")
    _require(centre_partners, ["centre_id", "org_id"], "centre_partners")
    pairs = _partner_pairs(centres, organisations, centre_partners)
    degree: dict[str, int] = defaultdict(int)
    for _, oid in pairs:
        degree[oid] += 1
    B = nx.Graph()
    _add_centres(B, centres)
    _add_organisations(B, organisations, degree)
    for cid, oid in sorted(pairs):
        B.add_edge(centre_node(cid), org_node(oid))
    return B


def project_organisations(B: nx.Graph) -> nx.Graph:
    """Weighted organisation projection of the bipartite graph ``B``.

    Nodes are plain ``org_id`` strings with the organisation attributes of ``B``
    (``name``, ``country``, ``type``, ``centres``); every organisation of ``B``
    is a node, including one whose centres have no other partner. Edge
    ``weight`` is the number of centres the two organisations share and
    ``distance`` is ``1 / weight``.
    """
    weights: dict[tuple[str, str], int] = defaultdict(int)
    centres = sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == 0)
    for c in centres:
        members = sorted(B.nodes[o]["org_id"] for o in B.neighbors(c))
        for a, b in combinations(members, 2):
            weights[(a, b)] += 1

    G = nx.Graph()
    orgs = sorted((d["org_id"], d) for n, d in B.nodes(data=True) if d.get("bipartite") == 1)
    for oid, d in orgs:
        G.add_node(
            oid,
            name=d["name"],
            country=d["country"],
            type=d["type"],
            centres=int(d["centres"]),
        )
    for (a, b), w in sorted(weights.items()):
        G.add_edge(a, b, weight=int(w), distance=1.0 / w)
    return G


def sorted_copy(G: nx.Graph) -> nx.Graph:
    """A copy of ``G`` whose nodes and edges are inserted in sorted order."""
    H = nx.Graph()
    for n in sorted(G.nodes):
        H.add_node(n, **G.nodes[n])
    for u, v in sorted(tuple(sorted(e)) for e in G.edges):
        H.add_edge(u, v, **G.edges[u, v])
    return H
