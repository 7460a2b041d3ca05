"""GraphML files round-trip through networkx with typed attributes and stable bytes."""

from __future__ import annotations

import networkx as nx
from network_tables import make_tables, random_centres, random_countries

from pipeline.network import build_bipartite, communities, project_organisations, write_graphml
from pipeline.network.export import BIPARTITE_FILE, PROJECTION_FILE


def _graphs():
    B = build_bipartite(*make_tables(random_centres(5), random_countries()))
    return B, project_organisations(B)


def test_graphml_round_trip(tmp_path) -> None:
    B, G = _graphs()
    p1, p2 = write_graphml(B, G, tmp_path, seed=3)
    assert p1.name == BIPARTITE_FILE and p2.name == PROJECTION_FILE

    B2 = nx.read_graphml(p1)
    assert set(B2.nodes) == set(B.nodes)
    assert B2.number_of_edges() == B.number_of_edges()
    org = next(n for n in sorted(B2.nodes) if n.startswith("org:"))
    d = B2.nodes[org]
    assert isinstance(d["name"], str) and isinstance(d["country"], str)
    assert isinstance(d["type"], str)
    assert isinstance(d["centres"], int) and d["centres"] == B.nodes[org]["centres"]
    assert d["bipartite"] == 1

    G2 = nx.read_graphml(p2)
    assert set(G2.nodes) == set(G.nodes)
    comm = communities(G, 3)
    for n, d in G2.nodes(data=True):
        assert isinstance(d["community"], int) and d["community"] == comm[n]
        assert isinstance(d["centres"], int) and d["centres"] == G.nodes[n]["centres"]
        assert {"name", "country", "type"} <= set(d)
    for u, v, w in G2.edges(data="weight"):
        assert isinstance(w, int) and w == G.edges[u, v]["weight"]


def test_graphml_bytes_are_deterministic(tmp_path) -> None:
    B, G = _graphs()
    a = write_graphml(B, G, tmp_path / "a", seed=3)
    B, G = _graphs()
    b = write_graphml(B, G, tmp_path / "b", seed=3)
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()


def test_cli_writes_all_outputs(tmp_path) -> None:
    from pipeline.network.cli import cli

    centres, orgs, links = make_tables(random_centres(5), random_countries())
    for name, df in (
        ("centres.parquet", centres),
        ("organisations.parquet", orgs),
        ("centre_partners.parquet", links),
    ):
        df.to_parquet(tmp_path / name)
    assert cli(["--processed", str(tmp_path), "--seed", "4"]) == 0
    for name in (
        "network_metrics.parquet",
        "network_findings.json",
        "network_lorenz.parquet",
        "network_layout.parquet",
        BIPARTITE_FILE,
        PROJECTION_FILE,
    ):
        assert (tmp_path / name).exists(), name
