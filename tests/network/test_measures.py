"""Every network measure on small graphs whose answers are known by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from network_tables import make_tables

from pipeline.network import (
    analyse,
    build_bipartite,
    communities,
    composition,
    gini,
    lorenz_curve,
    network_findings,
    organisation_metrics,
    project_organisations,
    top_count,
    top_share,
)

STAR = {"c1": ["H", "L1"], "c2": ["H", "L2"], "c3": ["H", "L3"], "c4": ["H", "L4"]}
PATH = {"c1": ["A", "B"], "c2": ["B", "C"], "c3": ["C", "D"]}
PAIRS = {"c1": ["A", "B"], "c2": ["C", "D"]}


def _metrics(spec: dict[str, list[str]], countries: dict[str, str] | None = None) -> pd.DataFrame:
    B = build_bipartite(*make_tables(spec, countries))
    return organisation_metrics(B, project_organisations(B), seed=1).set_index("org_id")


def test_bipartite_nodes_and_attributes() -> None:
    B = build_bipartite(*make_tables(STAR, {"H": "CN"}))
    assert B.number_of_nodes() == 4 + 5
    assert B.number_of_edges() == 8
    assert B.nodes["centre:c1"]["bipartite"] == 0
    hub = B.nodes["org:H"]
    assert hub["bipartite"] == 1 and hub["country"] == "CN" and hub["centres"] == 4
    assert hub["name"] == "Org H" and hub["type"] == "university"


def test_bipartite_rejects_unknown_ids() -> None:
    centres, orgs, links = make_tables(PATH)
    bad = pd.concat([links, pd.DataFrame([{"centre_id": "c1", "org_id": "ZZ", "side": "UK"}])])
    with pytest.raises(ValueError, match="row 6.*org_id.*ZZ"):
        build_bipartite(centres, orgs, bad)
    bad = pd.concat([links, pd.DataFrame([{"centre_id": "c9", "org_id": "A", "side": "UK"}])])
    with pytest.raises(ValueError, match="centre_id.*c9"):
        build_bipartite(centres, orgs, bad)


def test_duplicate_partner_rows_count_once() -> None:
    centres, orgs, links = make_tables(PATH)
    B = build_bipartite(centres, orgs, pd.concat([links, links]))
    assert B.nodes["org:B"]["centres"] == 2


def test_projection_weights() -> None:
    spec = {"c1": ["A", "B", "C"], "c2": ["A", "B"], "c3": ["D"]}
    G = project_organisations(build_bipartite(*make_tables(spec)))
    assert sorted(G.nodes) == ["A", "B", "C", "D"]
    assert G.edges["A", "B"]["weight"] == 2
    assert G.edges["A", "B"]["distance"] == pytest.approx(0.5)
    assert G.edges["A", "C"]["weight"] == 1
    assert G.degree("D") == 0
    assert G.nodes["A"]["centres"] == 2


def test_star() -> None:
    m = _metrics(STAR)
    assert m.loc["H", "centres"] == 4
    assert m.loc["H", "weighted_degree"] == 4
    assert m.loc["H", "degree"] == 4
    assert m.loc["H", "betweenness"] == pytest.approx(1.0)
    for leaf in ["L1", "L2", "L3", "L4"]:
        assert m.loc[leaf, "centres"] == 1
        assert m.loc[leaf, "betweenness"] == 0.0
    assert m.loc["H", "rank"] == 1
    # Leaves tie on centres and weighted degree: name order decides.
    assert list(m.sort_values("rank").index) == ["H", "L1", "L2", "L3", "L4"]


def test_path() -> None:
    m = _metrics(PATH)
    assert m["betweenness"].to_dict() == pytest.approx({"A": 0, "B": 2 / 3, "C": 2 / 3, "D": 0})
    assert m["degree"].to_dict() == {"A": 1, "B": 2, "C": 2, "D": 1}
    assert list(m.sort_values("rank").index) == ["B", "C", "A", "D"]


def test_betweenness_uses_inverse_weight_as_distance() -> None:
    # A-B share one centre (distance 1); A-C and C-B share four each (0.25 + 0.25 < 1),
    # so the shortest A-B path runs through C.
    spec = {"ab": ["A", "B"]}
    spec.update({f"ac{i}": ["A", "C"] for i in range(4)})
    spec.update({f"cb{i}": ["B", "C"] for i in range(4)})
    m = _metrics(spec)
    assert m.loc["C", "betweenness"] == pytest.approx(1.0)
    assert m.loc["A", "betweenness"] == 0.0
    assert m.loc["C", "weighted_degree"] == 8


def test_two_disjoint_pairs() -> None:
    m = _metrics(PAIRS)
    assert (m["betweenness"] == 0).all()
    assert m["community"].to_dict() == {"A": 0, "B": 0, "C": 1, "D": 1}
    G = project_organisations(build_bipartite(*make_tables(PAIRS)))
    assert communities(G, seed=3) == {"A": 0, "B": 0, "C": 1, "D": 1}


def test_communities_numbered_by_size() -> None:
    spec = {"c1": ["A", "B"], "c2": ["C", "D", "E"], "c3": ["C", "D"], "c4": ["D", "E"]}
    G = project_organisations(build_bipartite(*make_tables(spec)))
    comm = communities(G, seed=0)
    assert comm == {"A": 1, "B": 1, "C": 0, "D": 0, "E": 0}


def test_metrics_columns_and_order() -> None:
    B = build_bipartite(*make_tables(PATH))
    m = organisation_metrics(B, project_organisations(B), seed=0)
    assert list(m.columns[:10]) == [
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
    assert list(m["rank"]) == [1, 2, 3, 4]


def test_betweenness_sampling_above_threshold() -> None:
    B = build_bipartite(*make_tables(PATH))
    G = project_organisations(B)
    m = organisation_metrics(B, G, seed=0, exact_max_nodes=2, sample_k=3)
    assert (m["betweenness_method"] == "sampled-k3").all()
    again = organisation_metrics(B, G, seed=0, exact_max_nodes=2, sample_k=3)
    pd.testing.assert_frame_equal(m, again)


def test_gini_known_values() -> None:
    assert gini([3, 3, 3, 3]) == 0.0
    assert gini([0, 0, 0, 0, 5]) == pytest.approx(4 / 5)
    assert gini([0] * 9 + [1]) == pytest.approx(9 / 10)
    assert gini([1, 2, 3, 4, 5]) == pytest.approx(4 / 15)
    assert gini([]) == 0.0
    with pytest.raises(ValueError):
        gini([1, -1])


def test_top_share_ceil_rule() -> None:
    assert top_count(5) == 1
    assert top_count(7) == 2
    assert top_count(10) == 2
    assert top_share([1, 1, 1, 1, 6]) == pytest.approx(0.6)
    assert top_share([1, 1, 1, 1, 1, 2, 3]) == pytest.approx(0.5)
    assert top_share([2, 2, 2, 2, 2]) == pytest.approx(0.2)
    assert top_share([5, 0, 0, 0, 0]) == 1.0
    assert top_share([1, 2, 3], fraction=1.0) == 1.0


def test_lorenz_curve() -> None:
    lc = lorenz_curve([5, 0, 0, 0, 0])
    assert list(lc.columns) == ["share_of_orgs", "share_of_links"]
    assert lc["share_of_orgs"].tolist() == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert lc["share_of_links"].tolist() == pytest.approx([0, 0, 0, 0, 0, 1.0])
    eq = lorenz_curve([2, 2, 2, 2])
    assert eq["share_of_links"].tolist() == pytest.approx(eq["share_of_orgs"].tolist())
    assert lorenz_curve([1, 3])["share_of_links"].tolist() == pytest.approx([0, 0.25, 1.0])


def test_composition_and_findings() -> None:
    countries = {"H": "GB", "L1": "CN", "L2": "CN", "L3": "CN", "L4": "US"}
    m = _metrics(STAR, countries).reset_index()
    comp = composition(m)
    assert comp["organisations_total"] == 5
    assert comp["organisations_share_cn"] == 0.6
    assert comp["organisations_share_uk"] == 0.2
    assert comp["mean_links_uk"] == 4.0
    assert comp["mean_links_cn"] == 1.0
    assert comp["top10_uk_count"] == 1
    assert comp["top_connected"][0] == {"name": "Org H", "country": "GB", "centres": 4}
    assert [t["name"] for t in comp["top_connected"]] == [
        "Org H",
        "Org L1",
        "Org L2",
        "Org L3",
        "Org L4",
    ]
    f = network_findings(m)
    assert f["top_fifth_share_of_links"] == 0.5  # 4 of 8 links
    assert f["gini_links"] == round(gini([4, 1, 1, 1, 1]), 4)
    assert f["top_connected"][0] == "Org H"
    for key in [
        "organisations_total",
        "organisations_share_cn",
        "organisations_share_uk",
        "top_connected",
        "top10_uk_count",
        "top_fifth_share_of_links",
        "gini_links",
        "mean_links_uk",
        "mean_links_cn",
    ]:
        assert key in f
    for key in ["organisations_share_cn", "top_fifth_share_of_links", "gini_links"]:
        assert f[key] == round(f[key], 4) and not math.isnan(f[key])


def test_analyse_bundle() -> None:
    res = analyse(*make_tables(PATH), seed=5)
    assert res.metrics["rank"].tolist() == [1, 2, 3, 4]
    assert res.findings["organisations_total"] == 4
    assert len(res.lorenz) == 5


def test_empty_tables_give_empty_results() -> None:
    centres, orgs, links = make_tables({})
    links = pd.DataFrame(columns=["centre_id", "org_id", "side"])
    res = analyse(centres, orgs, links, seed=0)
    assert res.metrics.empty
    assert res.findings["organisations_total"] == 0
    assert res.findings["top_connected"] == []
    assert res.findings["gini_links"] == 0.0
