"""The synthetic centres truth reproduces every published centres/network figure.

Each published figure gets its own test. Targets are read from
``data/reference/published_figures.yaml``; no figure is typed here.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.centres.schemas import CENTRE_COLUMNS, PARTNER_LINK_COLUMNS
from pipeline.synthetic.centres import TRUTH_COLUMNS, TRUTH_PARTNER_COLUMNS, make_truth

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "data" / "reference"
SEED = 20220301


@pytest.fixture(scope="module")
def fig() -> dict:
    doc = yaml.safe_load((REF / "published_figures.yaml").read_text(encoding="utf-8"))
    return doc["figures"]


@pytest.fixture(scope="module")
def truth():
    return make_truth(SEED)


@pytest.fixture(scope="module")
def orgs() -> pd.DataFrame:
    return pd.read_csv(REF / "organisations.csv", dtype=str, keep_default_na=False).set_index(
        "org_id"
    )


@pytest.fixture(scope="module")
def degrees(truth) -> pd.Series:
    """Centres joined per organisation, most connected first (ties by org_id)."""
    d = truth.partners.groupby("org_id").size().rename("centres").reset_index()
    d = d.sort_values(["centres", "org_id"], ascending=[False, True], kind="mergesort")
    return d.set_index("org_id")["centres"]


def v(fig: dict, key: str):
    return fig[key]["value"]


# --- structure -----------------------------------------------------------------------


def test_columns(truth) -> None:
    assert list(truth.centres.columns) == list(TRUTH_COLUMNS)
    assert list(truth.partners.columns) == list(TRUTH_PARTNER_COLUMNS)
    # the truth speaks the cleaner's vocabulary: its columns, a name key for the centre id
    # and the research-area text for the source row
    assert [c for c in TRUTH_COLUMNS if c in CENTRE_COLUMNS] == [
        c for c in CENTRE_COLUMNS if c not in ("centre_id", "source_row")
    ]
    assert TRUTH_PARTNER_COLUMNS[1:] == tuple(PARTNER_LINK_COLUMNS[1:])
    assert truth.centres["truth_key"].is_unique
    assert set(truth.partners["truth_key"]) == set(truth.centres["truth_key"])


def test_targets_come_from_the_yaml(truth, fig) -> None:
    for key in ("centres_total", "topic_counts", "nsi_sector_counts", "top_connected"):
        assert truth.targets[key] == v(fig, key)


# --- counts and years ------------------------------------------------------------------


def test_centres_total(truth, fig) -> None:
    assert len(truth.centres) == v(fig, "centres_total")


def test_first_and_last_year(truth, fig) -> None:
    years = truth.centres["year_established"]
    assert years.min() == v(fig, "centres_first_year")
    assert years.max() == v(fig, "centres_last_year")


def test_years_without_new_centres(truth, fig) -> None:
    years = set(truth.centres["year_established"])
    for y in v(fig, "centres_years_without_new"):
        assert y not in years
    first, last = v(fig, "centres_first_year"), v(fig, "centres_last_year")
    skip = set(v(fig, "centres_years_without_new"))
    assert years == {y for y in range(first, last + 1) if y not in skip}


def test_golden_era_growth_then_sharp_fall(truth, fig) -> None:
    g0, g1 = v(fig, "golden_era")
    counts = truth.centres["year_established"].value_counts()
    peak = counts.max()
    peak_years = set(counts[counts == peak].index)
    assert peak_years <= set(range(g0 + 2, g1)), peak_years  # e.g. 2016-2018
    assert counts[g0] <= counts[g0 + 1] <= counts[g0 + 2]  # growth into the era
    assert counts[g0] > counts[counts.index < g0].max()  # more than any pre-era year
    assert counts[g1] <= 0.75 * peak  # clearly lower in the era's last year
    later = counts[counts.index > g1]
    assert len(later) and (later < counts[g1]).all()  # lower still afterwards


def test_year_approximate_is_boolean_and_sometimes_true(truth) -> None:
    col = truth.centres["year_approximate"]
    assert col.map(type).eq(bool).all()
    assert col.any() and not col.all()


# --- disciplines, topics and sectors ----------------------------------------------------


def test_discipline_share_stem(truth, fig) -> None:
    share = (truth.centres["discipline_group"] == "stem").mean() * 100
    assert abs(share - v(fig, "discipline_share_stem")) <= fig["discipline_share_stem"]["tolerance"]


def test_discipline_share_non_stem(truth, fig) -> None:
    share = (truth.centres["discipline_group"] == "non_stem").mean() * 100
    assert (
        abs(share - v(fig, "discipline_share_non_stem"))
        <= fig["discipline_share_non_stem"]["tolerance"]
    )


def test_discipline_share_multidisciplinary(truth, fig) -> None:
    share = (truth.centres["discipline_group"] == "multidisciplinary").mean() * 100
    key = "discipline_share_multidisciplinary"
    assert abs(share - v(fig, key)) <= fig[key]["tolerance"]


def test_discipline_group_matches_topic_registry(truth) -> None:
    topics = pd.read_csv(REF / "topics.csv", dtype=str, keep_default_na=False)
    group = dict(zip(topics["topic"], topics["discipline_group"], strict=True))
    assert (truth.centres["topic"].map(group) == truth.centres["discipline_group"]).all()


def test_topic_counts(truth, fig) -> None:
    counts = truth.centres["topic"].value_counts()
    for topic, n in v(fig, "topic_counts").items():
        assert counts[topic] == n, topic


def test_other_topics_strictly_smaller(truth, fig) -> None:
    published = v(fig, "topic_counts")
    counts = truth.centres["topic"].value_counts()
    others = counts[~counts.index.isin(list(published))]
    assert others.max() < min(published.values())


def test_nsi_sector_counts(truth, fig) -> None:
    counts = truth.centres["nsi_sector"].dropna().value_counts().to_dict()
    assert counts == v(fig, "nsi_sector_counts")


def test_non_stem_centres_have_no_sector(truth) -> None:
    c = truth.centres
    assert c.loc[c["discipline_group"] == "non_stem", "nsi_sector"].isna().all()


def test_sector_surplus_sits_on_multidisciplinary_centres(truth, fig) -> None:
    c = truth.centres
    n_stem = int((c["discipline_group"] == "stem").sum())
    surplus = sum(v(fig, "nsi_sector_counts").values()) - n_stem
    assert c.loc[c["discipline_group"] == "stem", "nsi_sector"].notna().all()
    multi = c[c["discipline_group"] == "multidisciplinary"]
    assert int(multi["nsi_sector"].notna().sum()) == surplus


# --- places ----------------------------------------------------------------------------


def test_more_centres_in_china_than_uk(truth) -> None:
    loc = truth.centres["location"].value_counts()
    assert set(loc.index) == {"CN", "GB", "both", "virtual"}
    assert loc["CN"] > loc["GB"]


def test_place_fields_by_location(truth) -> None:
    c = truth.centres
    located = c["location"].isin(["CN", "both"])
    assert c.loc[located, "province_code"].notna().all()
    assert c.loc[located, "city"].notna().all()
    assert c.loc[~located, "province_code"].isna().all()
    assert c.loc[c["location"] == "virtual", "city"].isna().all()


def test_province_map_bins_all_filled(truth, fig) -> None:
    provinces = pd.read_csv(REF / "provinces.csv", dtype=str, keep_default_na=False)
    c = truth.centres
    per = c[c["location"].isin(["CN", "both"])]["province_code"].value_counts()
    per = per.reindex(provinces["code"], fill_value=0)
    lows = sorted(v(fig, "province_map_bins"))
    bins = {max(i for i, b in enumerate(lows) if n >= b) for n in per}
    assert bins == set(range(len(lows)))


def test_china_located_centres_concentrate_on_the_coast(truth) -> None:
    provinces = pd.read_csv(REF / "provinces.csv", dtype=str, keep_default_na=False)
    developed = set(
        provinces.loc[
            (provinces["coastal"] == "true") | (provinces["kind"] == "municipality"), "code"
        ]
    )
    c = truth.centres[truth.centres["location"].isin(["CN", "both"])]
    assert c["province_code"].isin(developed).mean() > 0.5


def test_lead_chinese_partner_in_the_centre_province(truth, orgs) -> None:
    p = truth.partners.merge(truth.centres[["truth_key", "province_code", "location"]])
    p = p[p["location"].isin(["CN", "both"]) & (p["side"] == "CN")]
    p = p.assign(org_province=p["org_id"].map(orgs["province_code"]))
    ok = p.groupby("truth_key").apply(
        lambda g: (g["org_province"] == g["province_code"]).any(), include_groups=False
    )
    n_located = truth.centres["location"].isin(["CN", "both"]).sum()
    assert len(ok) == n_located and ok.all()


# --- partners and the network ------------------------------------------------------------


def test_partners_exist_and_sides_follow_country(truth, orgs) -> None:
    p = truth.partners
    assert p["org_id"].isin(orgs.index).all()
    country = p["org_id"].map(orgs["country"])
    expected = country.map(lambda c: "UK" if c == "GB" else "CN" if c == "CN" else "other")
    assert (expected == p["side"]).all()
    assert not p.duplicated(["truth_key", "org_id"]).any()


def test_partner_counts_per_centre(truth) -> None:
    per = truth.partners.groupby(["truth_key", "side"]).size().unstack(fill_value=0)
    assert per["UK"].between(1, 3).all()
    assert per["CN"].between(1, 3).all()
    assert per["other"].between(0, 1).all()
    assert 0 < (per["other"] > 0).sum() < 0.1 * len(per)


def test_organisations_share_cn(truth, orgs, fig) -> None:
    ids = truth.partners["org_id"].unique()
    share = (orgs.loc[ids, "country"] == "CN").mean()
    assert (
        abs(share - v(fig, "organisations_share_cn")) <= fig["organisations_share_cn"]["tolerance"]
    )


def test_organisations_share_uk(truth, orgs, fig) -> None:
    ids = truth.partners["org_id"].unique()
    share = (orgs.loc[ids, "country"] == "GB").mean()
    assert (
        abs(share - v(fig, "organisations_share_uk")) <= fig["organisations_share_uk"]["tolerance"]
    )


def test_top_fifth_share_of_links(degrees, fig) -> None:
    target, tol = v(fig, "top_fifth_share_of_links"), fig["top_fifth_share_of_links"]["tolerance"]
    n = len(degrees)
    for k in (math.ceil(n / 5), n // 5):  # either rounding rule stays within tolerance
        share = degrees.iloc[:k].sum() / degrees.sum()
        assert abs(share - target) <= tol, (k, share)


def test_top_connected_in_published_order(degrees, orgs, fig) -> None:
    names = v(fig, "top_connected")
    top = [orgs.loc[o, "name"] for o in degrees.index[: len(names)]]
    assert top == names
    vals = list(degrees.iloc[: len(names) + 1])
    assert all(a > b for a, b in itertools.pairwise(vals))  # strict, no ties


def test_top10_uk_count(degrees, orgs, fig) -> None:
    assert degrees.iloc[9] > degrees.iloc[10]  # rank 10 is unambiguous
    uk = (orgs.loc[degrees.index[:10], "country"] == "GB").sum()
    assert uk == v(fig, "top10_uk_count")


# --- funders ------------------------------------------------------------------------------


def test_funders_named_present(truth, fig) -> None:
    present = {f for fs in truth.centres["funders"] for f in fs}
    for name in v(fig, "funders_named"):
        assert name in present, name


def test_funders_are_canonical_registry_names(truth) -> None:
    funders = pd.read_csv(REF / "funders.csv", dtype=str, keep_default_na=False)
    known = set(funders["name"])
    lists = truth.centres["funders"]
    assert lists.map(lambda fs: isinstance(fs, list) and 1 <= len(fs) <= 3).all()
    assert {f for fs in lists for f in fs} <= known


# --- research areas and names -------------------------------------------------------------


def _classifier():
    """The registry's rule semantics, written out independently of the generator."""
    rules = pd.read_csv(REF / "research_area_rules.csv", dtype=str, keep_default_na=False)
    topics = pd.read_csv(REF / "topics.csv", dtype=str, keep_default_na=False).set_index("topic")
    compiled = [
        (r.kind, re.compile(r.pattern, re.IGNORECASE), int(r.priority), r.rule_id, r.target)
        for r in rules.itertuples()
    ]

    def earliest(kind: str, text: str) -> str | None:
        hits = []
        for k, pat, prio, rid, target in compiled:
            if k == kind and (m := pat.search(text)):
                hits.append(((m.start(), prio, rid), target))
        return min(hits)[1] if hits else None

    def classify(text: str) -> tuple[str, str, str | None]:
        topic = earliest("topic", text) or "unclassified"
        group = topics.loc[topic, "discipline_group"] if topic in topics.index else ""
        if group == "non_stem" or not group:
            return topic, group, None
        sector = earliest("nsi_sector", text) or topics.loc[topic, "default_nsi_sector"] or None
        return topic, group, sector

    return classify


def test_research_area_text_classifies_back(truth) -> None:
    classify = _classifier()
    for row in truth.centres.itertuples():
        got = classify(row.research_area_text)
        want = (row.topic, row.discipline_group, row.nsi_sector)
        assert got == want, (row.research_area_text, got, want)


def test_research_area_text_uses_rules_of_the_cleaner(truth) -> None:
    from pipeline.registries import classify_research_area

    for row in truth.centres.itertuples():
        res = classify_research_area(row.research_area_text)
        assert res.topic == row.topic
        assert (res.nsi_sector or None) == row.nsi_sector


def test_some_research_areas_name_several_topics(truth) -> None:
    rules = pd.read_csv(REF / "research_area_rules.csv", dtype=str, keep_default_na=False)
    topic_rules = [
        (re.compile(r.pattern, re.IGNORECASE), r.target)
        for r in rules.itertuples()
        if r.kind == "topic"
    ]
    multi = [
        t
        for t in truth.centres["research_area_text"]
        if len({tg for p, tg in topic_rules if p.search(t)}) >= 2
    ]
    assert len(multi) >= 10


def test_names_unique_realistic_some_chinese(truth) -> None:
    names = truth.centres["name"]
    assert names.str.lower().is_unique
    assert names.str.contains("Centre|Laboratory|Institute").all()
    assert names.str.contains("–").mean() > 0.5
    zh = truth.centres["name_zh"].dropna()
    assert 0 < len(zh) < len(names) and zh.is_unique
    assert zh.map(lambda s: any("\u4e00" <= ch <= "\u9fff" for ch in s)).all()


def test_status_values(truth) -> None:
    assert set(truth.centres["status"]) <= {"Active", "Closed", "Dormant", "Unknown"}
    assert truth.centres["status"].value_counts().idxmax() == "Active"


# --- determinism and scale ------------------------------------------------------------------


def test_same_seed_same_truth() -> None:
    a, b = make_truth(SEED), make_truth(SEED)
    pd.testing.assert_frame_equal(a.centres, b.centres)
    pd.testing.assert_frame_equal(a.partners, b.partners)


def test_different_seed_different_truth(truth) -> None:
    other = make_truth(SEED + 1)
    assert list(other.centres["name"]) != list(truth.centres["name"])


def test_scale_multiplies_centres(truth) -> None:
    big = make_truth(SEED, scale=3)
    assert len(big.centres) == 3 * len(truth.centres)
    assert big.centres["truth_key"].is_unique
    assert len(big.partners) == 3 * len(truth.partners)
    assert big.scale == 3
