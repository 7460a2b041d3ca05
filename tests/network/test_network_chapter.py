"""Chapter helpers of the network stage: output table, findings shape, display tables."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from network_tables import make_tables, random_centres, random_countries

from pipeline.io import atomic_write_csv, atomic_write_parquet
from pipeline.network import analyse, write_graphml
from pipeline.network import chapter as nc
from pipeline.network.charts import COUNTRY_GROUPS, MEASURES, comparison_chart
from pipeline.network.export import BIPARTITE_FILE, PROJECTION_FILE

# Hand-made network: A (GB) in 3 centres, B (CN) in 2, C (CN) in 1, D (US) in 1, E (CN) in 1.
SMALL = {"C1": ["A", "B"], "C2": ["A", "B", "C"], "C3": ["A", "D"], "C4": ["E", "F"]}
SMALL_COUNTRIES = {"A": "GB", "B": "CN", "C": "CN", "D": "US", "E": "CN", "F": "GB"}


def _small():
    return analyse(*make_tables(SMALL, SMALL_COUNTRIES), seed=1)


def _random(seed: int = 3):
    return analyse(*make_tables(random_centres(seed), random_countries()), seed=seed)


def test_metrics_table_columns_order_and_types() -> None:
    res = _random()
    out = nc.metrics_table(res.metrics)
    assert list(out.columns) == nc.METRICS_OUTPUT_COLUMNS
    assert out["rank"].tolist() == list(range(1, len(out) + 1))
    assert out["centres"].is_monotonic_decreasing
    assert out["community"].dtype == "int64" and out["centres"].dtype == "int64"
    assert set(out["org_id"]) == set(res.metrics["org_id"])


def test_metrics_table_rejects_missing_column() -> None:
    with pytest.raises(ValueError, match="betweenness"):
        nc.metrics_table(_small().metrics.drop(columns=["betweenness"]))


def test_chapter_findings_top_connected_objects() -> None:
    res = _random()
    f = nc.chapter_findings(res.findings)
    assert list(f) == nc.FINDINGS_KEYS
    assert "top_connected_detail" not in f
    top = f["top_connected"]
    assert len(top) == 10
    assert all(set(t) == {"name", "country", "centres"} for t in top)
    ranked = res.metrics.sort_values("rank")
    assert [t["name"] for t in top] == ranked["name"].head(10).tolist()
    assert [t["centres"] for t in top] == ranked["centres"].head(10).tolist()
    json.dumps(f)  # JSON-able


def test_chapter_findings_accepts_names_only_with_detail_fallback() -> None:
    f = dict(_small().findings)
    f["top_connected"] = f.pop("top_connected_detail")
    out = nc.chapter_findings(f)
    assert out["top_connected"][0] == {"name": "Org A", "country": "GB", "centres": 3}


def test_country_comparison_small_network() -> None:
    comp = nc.country_comparison(_small().metrics).set_index("group")
    assert list(comp.index) == COUNTRY_GROUPS
    uk, cn, other = (comp.loc[g] for g in COUNTRY_GROUPS)
    # links: A3 F1 (UK 4); B2 C1 E1 (CN 4); D1 (other 1); total 9 over 6 organisations
    assert (uk["organisations"], uk["links"]) == (2, 4)
    assert (cn["organisations"], cn["links"]) == (3, 4)
    assert (other["organisations"], other["links"]) == (1, 1)
    assert uk["share_of_links"] == round(4 / 9, 4)
    assert cn["share_of_orgs"] == 0.5
    assert uk["mean_centres"] == 2.0 and cn["mean_centres"] == round(4 / 3, 4)
    assert comp["in_top"].sum() == 6  # fewer than ten organisations: all are "top"


def test_comparison_display_percent_matches_fmt_pct() -> None:
    comp = pd.DataFrame(
        {
            "group": COUNTRY_GROUPS,
            "organisations": [1, 1, 0],
            "share_of_orgs": [0.3085, 0.6915, 0.0],
            "links": [1, 1, 0],
            "share_of_links": [0.5, 0.5, 0.0],
            "mean_centres": [1.0, 1.0, 0.0],
            "median_centres": [1.0, 1.0, 0.0],
            "in_top": [1, 1, 0],
        }
    )
    disp = nc.comparison_display(comp)
    assert disp["Share of organisations (%)"].tolist()[0] == float(f"{100 * 0.3085:.1f}")


def test_comparison_chart_layers_and_data() -> None:
    spec = comparison_chart(nc.country_comparison(_small().metrics)).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text"]
    data = next(iter(spec["datasets"].values()))
    assert len(data) == 2 * len(COUNTRY_GROUPS)
    assert {d["measure"] for d in data} == set(MEASURES)


def test_community_table_and_summary() -> None:
    res = _small()
    table = nc.community_table(res.metrics, members=2)
    assert table["Organisations"].sum() == len(res.metrics)
    assert table["Community"].tolist() == sorted(table["Community"])
    # C4 (E, F) shares no centre with the rest: its own community
    row = table[table["Largest members"].str.contains("Org E")].iloc[0]
    assert row["Organisations"] == 2
    assert row["Countries"] == "China 1, United Kingdom 1"
    summary = nc.community_summary(res.metrics)
    assert summary["communities"] == len(table)
    assert summary["mixed"] >= 1
    assert summary["largest_size"] == table["Organisations"].max()


def test_top_table_and_top_shares() -> None:
    res = _random()
    top = nc.top_table(res.metrics)
    assert top["Rank"].tolist() == list(range(1, 11))
    assert set(top["Country"]) <= {"United Kingdom", "China", "United States", "Singapore"} | set(
        nc.COUNTRY_NAMES.values()
    )
    shares = nc.top_shares_table(res.metrics, (0.2, 0.1, 0.2))
    assert shares["Most connected"].tolist() == ["10%", "20%"]
    n = len(res.metrics)
    assert shares["Organisations"].tolist() == [-(-n // 10), -(-n // 5)]
    assert shares["Share of links (%)"].iloc[1] == nc.pct1(res.findings["top_fifth_share_of_links"])


def test_lorenz_table() -> None:
    res = _small()
    lor = nc.lorenz_table(res.lorenz)
    assert list(lor.columns) == ["organisations", "share_of_orgs", "share_of_links"]
    assert lor["organisations"].tolist() == list(range(7))
    assert lor.iloc[-1]["share_of_links"] == 1.0 and lor.iloc[0]["share_of_orgs"] == 0.0


def test_labels() -> None:
    assert nc.country_name("GB") == "United Kingdom"
    assert nc.country_name("XX") == "XX"
    assert nc.country_name(None) == "Unknown"
    assert nc.type_label("research_institute") == "Research institute"
    assert nc.type_label(float("nan")) == "Unknown"


def test_empty_network_gives_empty_tables() -> None:
    centres, orgs, _ = make_tables({})
    links = pd.DataFrame(columns=["centre_id", "org_id", "side"])
    res = analyse(centres, orgs, links, seed=0)
    assert nc.metrics_table(res.metrics).empty
    assert nc.top_table(res.metrics).empty
    assert nc.community_table(res.metrics).empty
    assert nc.community_summary(res.metrics)["communities"] == 0
    comp = nc.country_comparison(res.metrics)
    assert comp["organisations"].sum() == 0
    assert nc.top_shares_table(res.metrics)["Organisations"].sum() == 0
    assert len(nc.lorenz_table(res.lorenz)) == 1


def test_stage_outputs_are_deterministic_and_graphml_readable(tmp_path: Path) -> None:
    digests = []
    for run in ("a", "b"):
        res = _random(5)
        out = tmp_path / run
        comm = dict(zip(res.metrics["org_id"], res.metrics["community"], strict=True))
        atomic_write_parquet(out / "m.parquet", nc.metrics_table(res.metrics))
        atomic_write_csv(out / "l.csv", nc.lorenz_table(res.lorenz))
        write_graphml(res.bipartite, res.projection, out, community=comm, seed=5)
        digests.append(
            [
                (out / name).read_bytes()
                for name in ("m.parquet", "l.csv", BIPARTITE_FILE, PROJECTION_FILE)
            ]
        )
    assert digests[0] == digests[1]
    G = nx.read_graphml(tmp_path / "a" / PROJECTION_FILE)
    some = next(iter(G.nodes))
    assert {"name", "country", "type", "centres", "community"} <= set(G.nodes[some])
    B = nx.read_graphml(tmp_path / "a" / BIPARTITE_FILE)
    orgs = [n for n, d in B.nodes(data=True) if d.get("kind") == "organisation"]
    assert {"name", "country", "type", "centres"} <= set(B.nodes[orgs[0]])
