"""Tests of the reference registries (data/reference/*.csv) and their resolvers."""

from __future__ import annotations

import itertools
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import registries as reg
from pipeline.registries import (
    FunderResolver,
    OrganisationResolver,
    ProvinceResolver,
    ReferenceDataError,
    classify_research_area,
    load_cities,
    load_funders,
    load_nsi_sectors,
    load_organisations,
    load_provinces,
    load_rules,
    load_topics,
    normalise_name,
    resolve_funder,
    split_aliases,
)

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "data" / "reference"

EXPECTED_COLUMNS = {
    "organisations.csv": [
        "org_id",
        "name",
        "name_zh",
        "country",
        "type",
        "city",
        "province_code",
        "uk_nation",
        "aliases",
    ],
    "provinces.csv": ["code", "name_en", "name_zh", "kind", "coastal", "aliases"],
    "cities.csv": ["city", "city_zh", "country", "province_code", "uk_nation", "aliases"],
    "topics.csv": ["topic", "label", "discipline_group", "default_nsi_sector"],
    "nsi_sectors.csv": ["sector", "label", "in_nsi_act"],
    "research_area_rules.csv": ["rule_id", "kind", "pattern", "target", "priority"],
    "funders.csv": ["funder_id", "name", "name_zh", "country", "aliases"],
}


@pytest.fixture(scope="module")
def orgs() -> pd.DataFrame:
    return load_organisations()


@pytest.fixture(scope="module")
def resolver(orgs: pd.DataFrame) -> OrganisationResolver:
    return OrganisationResolver(orgs)


@pytest.fixture(scope="module")
def provinces() -> ProvinceResolver:
    return ProvinceResolver()


def _raw(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name, dtype=str, keep_default_na=False, encoding="utf-8")


# ----------------------------------------------------------------------------- schemas


@pytest.mark.parametrize("name", sorted(EXPECTED_COLUMNS))
def test_file_columns_exact(name: str) -> None:
    assert list(_raw(name).columns) == EXPECTED_COLUMNS[name]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("organisations.csv", ["org_id"]),
        ("provinces.csv", ["code"]),
        ("topics.csv", ["topic"]),
        ("nsi_sectors.csv", ["sector"]),
        ("research_area_rules.csv", ["rule_id"]),
        ("funders.csv", ["funder_id"]),
        ("cities.csv", ["country", "city"]),
    ],
)
def test_files_sorted_and_ids_unique(name: str, key: list[str]) -> None:
    df = _raw(name)
    assert not df[key[-1]].duplicated().any()
    assert df[key].apply(tuple, axis=1).tolist() == sorted(df[key].apply(tuple, axis=1))
    # no stray whitespace in any cell
    for col in df.columns:
        assert (df[col] == df[col].str.strip()).all(), col


def test_organisations_schema(orgs: pd.DataFrame) -> None:
    assert orgs["org_id"].str.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*").all()
    assert set(orgs["type"]) <= set(reg.ORG_TYPES)
    cities = load_cities()
    city_country = dict(zip(cities["city"], cities["country"], strict=True))
    assert set(orgs["city"]) <= set(city_country), set(orgs["city"]) - set(city_country)
    assert (orgs["city"].map(city_country) == orgs["country"]).all()
    cn = orgs[orgs["country"] == "CN"]
    gb = orgs[orgs["country"] == "GB"]
    codes = set(load_provinces()["code"])
    assert cn["province_code"].isin(codes).all()
    assert (cn["uk_nation"] == "").all()
    assert gb["uk_nation"].isin(reg.UK_NATIONS).all()
    assert (gb["province_code"] == "").all()
    other = orgs[~orgs["country"].isin(["GB", "CN"])]
    assert (other["uk_nation"] == "").all()
    # org province/nation agree with the city registry
    merged = orgs.merge(cities, on="city", suffixes=("", "_city"))
    assert (merged["province_code"] == merged["province_code_city"]).all()
    assert (merged["uk_nation"] == merged["uk_nation_city"]).all()


def test_organisations_coverage(orgs: pd.DataFrame) -> None:
    counts = orgs["country"].value_counts()
    assert counts["GB"] >= 70
    assert counts["CN"] >= 130
    assert len(orgs[~orgs["country"].isin(["GB", "CN"])]) >= 10
    gb = orgs[orgs["country"] == "GB"]
    assert set(gb["uk_nation"]) == set(reg.UK_NATIONS)
    assert set(gb["type"]) == set(reg.ORG_TYPES)
    cn = orgs[orgs["country"] == "CN"]
    assert set(cn["type"]) == set(reg.ORG_TYPES)
    mainland = load_provinces().query("kind != 'sar' and kind != 'disputed'")
    covered = set(cn["province_code"])
    assert len(set(mainland["code"]) - covered) <= 3  # most inland provinces present
    coastal = set(load_provinces().query("coastal")["code"])
    assert (cn["province_code"].isin(coastal)).sum() >= 60
    by_id = orgs.set_index("org_id")
    assert by_id.loc["gb-cambridge", "name"] == "University of Cambridge"
    assert by_id.loc["gb-edinburgh", ["city", "uk_nation"]].tolist() == ["Edinburgh", "SCT"]
    assert by_id.loc["cn-southeast", ["name", "city", "province_code"]].tolist() == [
        "Southeast University",
        "Nanjing",
        "CN-JS",
    ]
    assert by_id.loc["cn-southeast", "name_zh"] == "东南大学"
    assert by_id.loc["cn-xjtlu", ["city", "province_code"]].tolist() == ["Suzhou", "CN-JS"]
    assert by_id.loc["cn-unnc", ["city", "province_code"]].tolist() == ["Ningbo", "CN-ZJ"]
    assert by_id.loc["hk-hku", "country"] == "HK"
    assert by_id.loc["mo-um", "country"] == "MO"
    assert by_id.loc["tw-ntu", "country"] == "TW"
    # CAS appears exactly once
    assert (orgs["name"] == "Chinese Academy of Sciences").sum() == 1


def test_alias_uniqueness(orgs: pd.DataFrame, resolver: OrganisationResolver) -> None:
    owner: dict[str, str] = {}
    for r in orgs.itertuples(index=False):
        keys = {normalise_name(x) for x in [r.name, r.name_zh, *split_aliases(r.aliases)]}
        for k in keys - {""}:
            assert k not in owner, f"{k!r} claimed by {owner[k]} and {r.org_id}"
            owner[k] = r.org_id
    assert resolver.ambiguous_keys() == {}


def test_alias_cells_well_formed() -> None:
    for name in ("organisations.csv", "provinces.csv", "cities.csv", "funders.csv"):
        for cell in _raw(name)["aliases"]:
            if cell:
                assert "||" not in cell and not cell.startswith("|") and not cell.endswith("|")
                assert all(part == part.strip() for part in cell.split(" | "))


def test_provinces_schema() -> None:
    prov = load_provinces()
    assert len(prov) == 34
    assert set(prov["kind"]) <= set(reg.PROVINCE_KINDS)
    assert prov["coastal"].dtype == bool
    coastal = {
        "CN-LN",
        "CN-HE",
        "CN-TJ",
        "CN-SD",
        "CN-JS",
        "CN-SH",
        "CN-ZJ",
        "CN-FJ",
        "CN-GD",
        "CN-GX",
        "CN-HI",
        "CN-HK",
        "CN-MO",
    }
    assert set(prov.loc[prov["coastal"], "code"]) == coastal
    assert (prov["name_zh"] != "").all()
    kinds = prov.set_index("code")["kind"]
    assert kinds["CN-BJ"] == "municipality" and kinds["CN-GX"] == "autonomous_region"
    assert kinds["CN-HK"] == "sar" and kinds["CN-TW"] == "disputed"
    assert prov.set_index("code").loc["CN-GX", "name_en"] == "Guangxi"
    # every province lists its short code and six-digit adcode as aliases
    for r in prov.itertuples(index=False):
        al = split_aliases(r.aliases)
        assert r.code[3:] in al
        assert any(re.fullmatch(r"\d{6}", a) for a in al)


def test_provinces_match_pycountry() -> None:
    import pycountry  # a declared test dependency: missing is a failure, not a skip

    iso = {s.code for s in pycountry.subdivisions.get(country_code="CN")}
    assert set(load_provinces()["code"]) == iso


def test_cities_schema() -> None:
    cities = load_cities()
    assert not cities["city"].duplicated().any()
    assert len(cities) >= 110
    cn = cities[cities["country"] == "CN"]
    assert cn["province_code"].isin(set(load_provinces()["code"])).all()
    gb = cities[cities["country"] == "GB"]
    assert gb["uk_nation"].isin(reg.UK_NATIONS).all()
    # every mainland province has at least one city (its capital at least)
    assert set(cn["province_code"]) == set(
        load_provinces().query("kind not in ['sar', 'disputed']")["code"]
    )
    # city aliases do not collide with another city's name
    owner: dict[str, str] = {}
    for r in cities.itertuples(index=False):
        for k in {normalise_name(x) for x in [r.city, r.city_zh, *split_aliases(r.aliases)]}:
            if k:
                assert owner.setdefault(k, r.city) == r.city, k


def test_topics_and_sectors_schema() -> None:
    topics = load_topics()
    sectors = load_nsi_sectors()
    assert 20 <= len(topics) <= 35
    assert {"engineering", "materials_science", "environment_ecology"} <= set(topics["topic"])
    assert set(topics["discipline_group"]) == set(reg.DISCIPLINE_GROUPS)
    nsi_act = {
        "advanced_materials",
        "advanced_robotics",
        "artificial_intelligence",
        "civil_nuclear",
        "communications",
        "computing_hardware",
        "critical_suppliers_to_government",
        "cryptographic_authentication",
        "data_infrastructure",
        "defence",
        "energy",
        "military_and_dual_use",
        "quantum_technologies",
        "satellite_and_space_technologies",
        "suppliers_to_emergency_services",
        "synthetic_biology",
        "transport",
    }
    assert set(sectors.loc[sectors["in_nsi_act"], "sector"]) == nsi_act
    assert set(sectors.loc[~sectors["in_nsi_act"], "sector"]) == {"engineering"}
    assert set(topics["default_nsi_sector"]) - {""} <= set(sectors["sector"])
    # the brief's named sectors and topics are registry ids
    figures = yaml.safe_load((REF / "published_figures.yaml").read_text(encoding="utf-8"))
    assert set(figures["figures"]["nsi_sector_counts"]["value"]) <= set(sectors["sector"])
    assert set(figures["figures"]["topic_counts"]["value"]) <= set(topics["topic"])


def test_rules_schema() -> None:
    rules = load_rules()
    assert set(rules["kind"]) == set(reg.RULE_KINDS)
    assert rules["priority"].dtype.kind == "i"
    topics = load_topics()
    sectors = load_nsi_sectors()
    assert set(rules.loc[rules["kind"] == "topic", "target"]) == set(topics["topic"])
    assert set(rules.loc[rules["kind"] == "nsi_sector", "target"]) == set(sectors["sector"])
    for p in rules["pattern"]:
        re.compile(p, re.IGNORECASE)


def test_funders_schema() -> None:
    funders = load_funders()
    orgs = load_organisations().set_index("org_id")
    assert funders["funder_id"].isin(orgs.index).all()
    assert (funders.set_index("funder_id")["name"] == orgs.loc[funders["funder_id"], "name"]).all()
    figures = yaml.safe_load((REF / "published_figures.yaml").read_text(encoding="utf-8"))
    named = figures["figures"]["funders_named"]["value"]
    assert set(named) <= set(funders["name"])
    assert len(funders) >= 23


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("The University of Cambridge", "university of cambridge"),
        ("  Univ.  of   CAMBRIDGE ", "university of cambridge"),
        ("King's College London", "kings college london"),
        ("UK Centre for Ecology & Hydrology", "uk centre for ecology and hydrology"),
        ("中国地质大学（北京）", "中国地质大学 北京"),
        ("Xi'an Jiaotong-Liverpool University", "xian jiaotong liverpool university"),
        (None, ""),
        ("", ""),
    ],
)
def test_normalise_name(raw: str | None, key: str) -> None:
    assert normalise_name(raw) == key


# ----------------------------------------------------------------------------- orgs


@pytest.mark.parametrize(
    ("name", "org_id", "method"),
    [
        ("University of Cambridge", "gb-cambridge", "exact"),
        ("The University of Cambridge", "gb-cambridge", "exact"),
        ("Univ. of Cambridge", "gb-cambridge", "exact"),
        ("  university OF   cambridge  ", "gb-cambridge", "exact"),
        ("Cambridge University", "gb-cambridge", "alias"),
        ("Southeast University", "cn-southeast", "exact"),
        ("东南大学", "cn-southeast", "exact"),
        ("SEU", "cn-southeast", "alias"),
        ("seu", "cn-southeast", "alias"),
        ("University of Edinburgh", "gb-edinburgh", "exact"),
        ("UCL", "gb-ucl", "alias"),
        ("LSE", "gb-lse", "alias"),
        ("KCL", "gb-kcl", "alias"),
        ("SJTU", "cn-sjtu", "alias"),
        ("ZJU", "cn-zju", "alias"),
        ("USTC", "cn-ustc", "alias"),
        ("HUST", "cn-hust", "alias"),
        ("Beijing University", "cn-peking", "alias"),
        ("Peking University", "cn-peking", "exact"),
        ("Tsinghua", "cn-tsinghua", "alias"),
        ("Qinghua University", "cn-tsinghua", "alias"),
        ("清华大学", "cn-tsinghua", "exact"),
        ("Xian Jiaotong-Liverpool University", "cn-xjtlu", "exact"),
        ("Institute of Botany CAS", "cn-cas-ib", "alias"),
        ("CAS", "cn-cas", "alias"),
        ("The Chinese University of Hong Kong", "hk-cuhk", "exact"),
        ("HKU", "hk-hku", "alias"),
    ],
)
def test_org_resolution(
    resolver: OrganisationResolver, name: str, org_id: str, method: str
) -> None:
    res = resolver.resolve(name)
    assert (res.org_id, res.method) == (org_id, method)
    assert res.score == 100.0 and res.resolved


@pytest.mark.parametrize(
    ("name", "org_id"),
    [
        ("Univeristy of Edinburgh", "gb-edinburgh"),
        ("Southeast Universty", "cn-southeast"),
        ("Harbin Institute of Technolgy", "cn-hit"),
        ("Univresity of Cambridge", "gb-cambridge"),
    ],
)
def test_org_fuzzy_typo_accepted(resolver: OrganisationResolver, name: str, org_id: str) -> None:
    res = resolver.resolve(name)
    assert res.method == "fuzzy" and res.org_id == org_id
    assert res.score >= resolver.threshold


@pytest.mark.parametrize(
    "name",
    [
        "University of Atlantis",
        "Gotham Institute of Advanced Widgets",
        "XYZU",
        "",
        None,
        "Zzyzx Polytechnic",
    ],
)
def test_org_unknown_unresolved(resolver: OrganisationResolver, name: str | None) -> None:
    res = resolver.resolve(name)
    assert res.org_id is None and res.method == "unresolved" and not res.resolved


@pytest.mark.parametrize(
    ("name", "both"),
    [
        ("China University of Geosciences", {"cn-cug", "cn-cugb"}),
        ("China Univ. of Geosciences", {"cn-cug", "cn-cugb"}),
    ],
)
def test_org_two_close_candidates_unresolved(
    resolver: OrganisationResolver, name: str, both: set[str]
) -> None:
    res = resolver.resolve(name)
    assert res.org_id is None and res.method == "unresolved"
    assert res.candidate in both  # offered for review, not chosen
    assert res.score >= resolver.threshold  # close enough that only the margin stops it


def test_org_margin_rule_on_custom_registry() -> None:
    base = "National Institute of Advanced Industrial Science and Technology"
    df = pd.DataFrame(
        {
            "org_id": ["x-east", "x-west"],
            "name": [f"{base} East", f"{base} West"],
            "name_zh": ["", ""],
            "country": ["GB", "GB"],
            "type": ["research_institute"] * 2,
            "city": ["London", "London"],
            "province_code": ["", ""],
            "uk_nation": ["ENG", "ENG"],
            "aliases": ["", ""],
        }
    )
    r = OrganisationResolver(df)
    res = r.resolve(base)
    assert res.score >= r.threshold and res.method == "unresolved" and res.org_id is None
    assert r.resolve(f"{base} Eastt").org_id == "x-east"


def test_org_short_abbreviation_never_fuzzed(resolver: OrganisationResolver) -> None:
    assert resolver.resolve("SEUU").org_id is None
    assert resolver.resolve("UCLL").org_id is None


def test_org_resolver_ambiguous_custom_registry() -> None:
    df = pd.DataFrame(
        {
            "org_id": ["a-one", "b-two"],
            "name": ["Alpha Institute", "Beta Institute"],
            "name_zh": ["", ""],
            "country": ["GB", "GB"],
            "type": ["university"] * 2,
            "city": ["London", "London"],
            "province_code": ["", ""],
            "uk_nation": ["ENG", "ENG"],
            "aliases": ["AI", "AI"],
        }
    )
    r = OrganisationResolver(df)
    assert r.ambiguous_keys() == {"ai": ["a-one", "b-two"]}
    assert r.resolve("AI").org_id is None
    assert r.resolve("Alpha Institute").org_id == "a-one"


def test_resolve_many_and_get(resolver: OrganisationResolver) -> None:
    out = resolver.resolve_many(["SEU", "Nowhere University of Nothing"])
    assert list(out.columns) == ["input", "org_id", "method", "score", "candidate"]
    assert out["org_id"].tolist()[0] == "cn-southeast"
    assert pd.isna(out["org_id"].tolist()[1])
    assert resolver.get("cn-southeast")["city"] == "Nanjing"


def test_every_registry_name_and_alias_resolves_to_itself(
    orgs: pd.DataFrame, resolver: OrganisationResolver
) -> None:
    for r in orgs.itertuples(index=False):
        for n in [r.name, r.name_zh, *split_aliases(r.aliases)]:
            if n:
                assert resolver.resolve(n).org_id == r.org_id, n


# ----------------------------------------------------------------------------- provinces


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Jiangsu", "CN-JS"),
        ("jiangsu", "CN-JS"),
        ("Jiangsu Province", "CN-JS"),
        ("Jiangsu Sheng", "CN-JS"),
        ("江苏", "CN-JS"),
        ("江苏省", "CN-JS"),
        ("CN-JS", "CN-JS"),
        ("JS", "CN-JS"),
        ("320000", "CN-JS"),
        ("Beijing Shi", "CN-BJ"),
        ("北京市", "CN-BJ"),
        ("Guangxi Zhuang Autonomous Region", "CN-GX"),
        ("广西壮族自治区", "CN-GX"),
        ("Guangxi Zhuangzu Zizhiqu", "CN-GX"),
        ("Inner Mongolia", "CN-NM"),
        ("Nei Mongol", "CN-NM"),
        ("Tibet", "CN-XZ"),
        ("Xizang", "CN-XZ"),
        ("Shaanxi", "CN-SN"),
        ("Shanxi", "CN-SX"),
        ("Hong Kong SAR", "CN-HK"),
        ("Macau", "CN-MO"),
        ("Ningxia Hui Autonomous Region", "CN-NX"),
        ("新疆维吾尔自治区", "CN-XJ"),
        ("Shanghai Municipality", "CN-SH"),
    ],
)
def test_province_resolution(provinces: ProvinceResolver, value: str, code: str) -> None:
    got, method = provinces.resolve(value)
    assert got == code and method in {"code", "name", "alias"}


def test_province_from_city(provinces: ProvinceResolver) -> None:
    assert provinces.resolve("", city="Nanjing") == ("CN-JS", "city")
    assert provinces.resolve(None, city="南京市") == ("CN-JS", "city")
    assert provinces.resolve("Nanjing") == ("CN-JS", "city")
    assert provinces.resolve("", city="Canton") == ("CN-GD", "city")
    assert provinces.resolve("", city="London") == (None, "unresolved")
    assert provinces.resolve("", city=None) == (None, "unresolved")
    assert provinces.city_province("Suzhou") == "CN-JS"


def test_province_fuzzy_suggestion_but_unresolved(provinces: ProvinceResolver) -> None:
    assert provinces.resolve("Jiangsuu") == (None, "unresolved")
    code, score = provinces.suggest("Jiangsuu")
    assert code == "CN-JS" and score > 80
    assert provinces.resolve("Atlantis Province") == (None, "unresolved")


def test_every_city_resolves_to_its_province(provinces: ProvinceResolver) -> None:
    cities = load_cities()
    for r in cities[cities["province_code"] != ""].itertuples(index=False):
        assert provinces.resolve("", city=r.city) == (r.province_code, "city")


# ----------------------------------------------------------------------------- funders


@pytest.mark.parametrize(
    ("name", "fid"),
    [
        ("NSFC", "cn-nsfc"),
        ("National Natural Science Foundation of China", "cn-nsfc"),
        ("国家自然科学基金委员会", "cn-nsfc"),
        ("Natural Science Foundation of China", "cn-nsfc"),
        ("CAS", "cn-cas"),
        ("MOST", "cn-most"),
        ("Jiangsu Science and Technology Department", "cn-jiangsu-dost"),
        ("UKRI", "gb-ukri"),
        ("Innovate UK", "gb-innovate-uk"),
        ("RCUK", "gb-rcuk"),
        ("The British Council", "gb-british-council"),
        ("Newton Fund", "gb-newton-fund"),
        ("EPSRC", "gb-epsrc"),
    ],
)
def test_funder_resolution(name: str, fid: str) -> None:
    assert resolve_funder(name).org_id == fid
    assert resolve_funder(name).funder_id == fid


def test_funder_fuzzy_and_unknown() -> None:
    fr = FunderResolver()
    assert fr.resolve("National Natural Science Fundation of China").method == "fuzzy"
    assert fr.resolve("Ministry of Magic").org_id is None
    assert fr.ambiguous_keys() == {}
    out = fr.resolve_many(["UKRI"])
    assert out["funder_id"].tolist() == ["gb-ukri"]


# ----------------------------------------------------------------------------- rules


def test_every_topic_and_sector_label_pair_classifies_as_intended() -> None:
    """The generator writes "<topic label>; <sector label>": it must round-trip."""
    topics = load_topics()
    sectors = load_nsi_sectors()
    for t, s in itertools.product(topics.itertuples(index=False), sectors.itertuples(index=False)):
        c = classify_research_area(f"{t.label}; {s.label}")
        assert c.topic == t.topic, (t.label, s.label, c)
        assert c.discipline_group == t.discipline_group
        want = "" if t.discipline_group == "non_stem" else s.sector
        assert c.nsi_sector == want, (t.label, s.label, c)


def test_topic_label_alone_gets_default_sector() -> None:
    for t in load_topics().itertuples(index=False):
        c = classify_research_area(t.label)
        assert c.topic == t.topic
        want = "" if t.discipline_group == "non_stem" else t.default_nsi_sector
        assert c.nsi_sector == want, (t.label, c)


@pytest.mark.parametrize(
    ("text", "topic", "sector"),
    [
        ("Environmental engineering and water treatment", "engineering", "engineering"),
        ("Advanced materials", "materials_science", "advanced_materials"),
        ("Materials for batteries", "energy", "advanced_materials"),
        ("Crop genomics", "agriculture_food", "synthetic_biology"),
        ("Quantum physics", "physics", "quantum_technologies"),
        ("Contemporary Chinese history", "arts_humanities", ""),
        ("Climate change adaptation", "environment_ecology", ""),
        ("Machine learning for medical imaging", "medicine_health", "artificial_intelligence"),
    ],
)
def test_realistic_texts(text: str, topic: str, sector: str) -> None:
    c = classify_research_area(text)
    assert (c.topic, c.nsi_sector) == (topic, sector), c


def test_unclassified_and_blank() -> None:
    c = classify_research_area("Widgets and sprockets")
    assert c.topic == reg.UNCLASSIFIED and c.discipline_group == "" and c.topic_rule is None
    assert classify_research_area(None).topic == reg.UNCLASSIFIED
    assert classify_research_area(float("nan")).topic == reg.UNCLASSIFIED


def test_tie_break_lower_priority_wins() -> None:
    c = classify_research_area("Environmental engineering")
    assert c.topic == "engineering" and c.topic_rule == "top-engineering-02"


# ----------------------------------------------------------------------------- errors, paths


def test_bad_file_error_names_file_row_column(tmp_path: Path) -> None:
    for f in REF.glob("*.csv"):
        shutil.copy(f, tmp_path / f.name)
    df = _raw("organisations.csv")
    df.loc[3, "type"] = "spaceship"
    df.to_csv(tmp_path / "organisations.csv", index=False)
    with pytest.raises(ReferenceDataError) as exc:
        load_organisations(tmp_path)
    msg = str(exc.value)
    assert "organisations.csv" in msg and "row 5" in msg and "'type'" in msg
    assert exc.value.row == 5 and exc.value.column == "type"


def test_env_override_and_missing_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PIPELINE_REFERENCE_DIR", str(tmp_path))
    assert reg.reference_dir() == tmp_path
    with pytest.raises(ReferenceDataError, match="not found"):
        load_provinces()
    monkeypatch.delenv("PIPELINE_REFERENCE_DIR")
    assert reg.reference_dir() == reg.REFERENCE_DIR
    assert reg.REFERENCE_DIR.resolve() == REF.resolve()


def test_loaders_return_independent_copies() -> None:
    a = load_organisations()
    a.loc[0, "name"] = "changed"
    assert load_organisations().loc[0, "name"] != "changed"


def test_cached_default_resolvers() -> None:
    a = reg.get_organisation_resolver()
    assert a is reg.get_organisation_resolver()
    assert a.resolve("SEU").org_id == "cn-southeast"
    assert reg.get_province_resolver().resolve("江苏省") == ("CN-JS", "alias")
    reg.clear_caches()
    assert reg.get_organisation_resolver() is not a
