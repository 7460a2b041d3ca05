"""The committed boundary layers: complete, valid, small, and joined to provinces.csv."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

REPO = Path(__file__).resolve().parents[2]
GEO = REPO / "data" / "reference" / "geo"
CHINA = GEO / "china_provinces.geojson"
UK = GEO / "uk_outline.geojson"
MAX_BYTES = 1_000_000


def _province_codes() -> list[str]:
    with (REPO / "data" / "reference" / "provinces.csv").open(encoding="utf-8") as fh:
        return sorted(r["code"] for r in csv.DictReader(fh))


@pytest.fixture(scope="module")
def china() -> dict:
    return json.loads(CHINA.read_text(encoding="utf-8"))


def test_one_feature_per_province_code(china: dict) -> None:
    codes = [f["properties"]["code"] for f in china["features"]]
    assert codes == sorted(codes)
    assert codes == _province_codes()


def test_geometries_valid_and_properties(china: dict) -> None:
    for f in china["features"]:
        p = f["properties"]
        geom = shape(f["geometry"])
        assert geom.is_valid and not geom.is_empty, p["code"]
        assert geom.bounds[1] >= 18.0 - 1e-9, p["code"]
        assert p["name_en"] and p["category"] in {"province-level", "SAR", "not included"}
        assert geom.buffer(0.01).contains(Point(p["label_lon"], p["label_lat"])), p["code"]


def test_special_units_flagged(china: dict) -> None:
    cat = {f["properties"]["code"]: f["properties"]["category"] for f in china["features"]}
    assert cat.pop("CN-TW") == "not included"
    assert cat.pop("CN-HK") == "SAR" and cat.pop("CN-MO") == "SAR"
    assert set(cat.values()) == {"province-level"}


def test_names_match_provinces_csv(china: dict) -> None:
    with (REPO / "data" / "reference" / "provinces.csv").open(encoding="utf-8") as fh:
        names = {r["code"]: r["name_en"] for r in csv.DictReader(fh)}
    assert {f["properties"]["code"]: f["properties"]["name_en"] for f in china["features"]} == (
        names
    )


def test_other_countries_land_removed(china: dict) -> None:
    mainland = [
        shape(f["geometry"]) for f in china["features"] if f["properties"]["code"] != "CN-TW"
    ]
    kinmen, tawang, nanjing = Point(118.35, 24.45), Point(91.86, 27.59), Point(118.78, 32.06)
    assert not any(g.contains(kinmen) for g in mainland)
    assert not any(g.contains(tawang) for g in mainland)
    assert any(g.contains(nanjing) for g in mainland)
    taiwan = next(
        shape(f["geometry"]) for f in china["features"] if f["properties"]["code"] == "CN-TW"
    )
    assert taiwan.buffer(0.01).contains(kinmen)


def test_files_small_and_rounded() -> None:
    assert CHINA.stat().st_size < MAX_BYTES
    assert UK.stat().st_size < MAX_BYTES / 5
    text = CHINA.read_text(encoding="utf-8")
    # No coordinate carries more than three decimals.
    import re

    assert not re.search(r"\d\.\d{4,}", text)


def test_uk_outline() -> None:
    uk = json.loads(UK.read_text(encoding="utf-8"))
    assert len(uk["features"]) == 1
    geom = shape(uk["features"][0]["geometry"])
    assert geom.is_valid
    for lon, lat in [(-0.13, 51.51), (-3.19, 55.95), (-3.18, 51.48), (-5.93, 54.6)]:
        assert geom.buffer(0.05).contains(Point(lon, lat))


def test_city_coordinates_cover_cities_csv() -> None:
    coords = GEO / "city_coordinates.csv"
    with (REPO / "data" / "reference" / "cities.csv").open(encoding="utf-8") as fh:
        cities = {(r["city"], r["country"]) for r in csv.DictReader(fh)}
    with coords.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    have = {(r["city"], r["country"]) for r in rows}
    assert cities <= have
    for r in rows:
        assert -180 <= float(r["lon"]) <= 180 and -90 <= float(r["lat"]) <= 90
