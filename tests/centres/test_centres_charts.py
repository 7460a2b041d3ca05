"""Spec-level tests of the centres chapter charts and display frames."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from pipeline import published
from pipeline.centres import charts, read

REPO = Path(__file__).resolve().parents[2]
FIGURES = REPO / "data" / "reference" / "published_figures.yaml"


def _walk(node: Any) -> list[dict]:
    """Every dict in a nested spec."""
    out: list[dict] = []
    if isinstance(node, dict):
        out.append(node)
        for v in node.values():
            out.extend(_walk(v))
    elif isinstance(node, list):
        for v in node:
            out.extend(_walk(v))
    return out


def _datasets(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def _marks(spec: dict) -> list[str]:
    out = []
    for d in _walk(spec):
        m = d.get("mark")
        if isinstance(m, str):
            out.append(m)
        elif isinstance(m, dict) and "type" in m:
            out.append(m["type"])
    return out


# --------------------------------------------------------------------------- inputs
def test_resolve_input_auto_single(tmp_path: Path) -> None:
    (tmp_path / "my_centres.xlsx").write_bytes(b"x")
    (tmp_path / "README.md").write_text("notes")
    (tmp_path / "~$my_centres.xlsx").write_bytes(b"lock")
    (tmp_path / ".hidden.csv").write_text("a")
    assert read.resolve_input("auto", tmp_path) == tmp_path / "my_centres.xlsx"
    assert read.resolve_input(" AUTO ", tmp_path) == tmp_path / "my_centres.xlsx"


def test_resolve_input_auto_none_or_several(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no .xlsx or .csv"):
        read.resolve_input("auto", tmp_path)
    (tmp_path / "a.xlsx").write_bytes(b"x")
    (tmp_path / "b.CSV").write_text("x")
    with pytest.raises(ValueError, match=r"several candidate files .*a\.xlsx, b\.CSV"):
        read.resolve_input("auto", tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        read.resolve_input("auto", tmp_path / "missing")


def test_resolve_input_explicit_path(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a")
    assert read.resolve_input(str(f)) == f
    with pytest.raises(FileNotFoundError, match="nope.xlsx"):
        read.resolve_input(tmp_path / "nope.xlsx")


# --------------------------------------------------------------------------- published
def test_published_settings_come_from_the_yaml() -> None:
    doc = yaml.safe_load(FIGURES.read_text(encoding="utf-8"))["figures"]
    figures = published.load_figures(FIGURES)
    assert published.golden_era(figures) == tuple(doc["golden_era"]["value"])
    assert published.province_bins(figures) == list(doc["province_map_bins"]["value"])


def test_published_settings_validate() -> None:
    with pytest.raises(ValueError, match="golden_era"):
        published.golden_era({"golden_era": {"value": [2020, 2010]}})
    with pytest.raises(ValueError, match="golden_era"):
        published.golden_era({})
    with pytest.raises(ValueError, match="province_map_bins"):
        published.province_bins({"province_map_bins": {"value": []}})


# --------------------------------------------------------------------------- growth
def test_years_frame_fills_gaps_and_accumulates() -> None:
    df = charts.years_frame({"2003": 2, 2004: 1, "2006": 3})
    assert df["year"].tolist() == [2003, 2004, 2005, 2006]
    assert df["new"].tolist() == [2, 1, 0, 3]
    assert df["cumulative"].tolist() == [2, 3, 3, 6]
    assert charts.years_frame({}).empty
    with pytest.raises(ValueError, match="negative"):
        charts.years_frame({2001: -1})


def _growth_spec(era: tuple[int, int]) -> dict:
    years = charts.years_frame({2003: 2, 2004: 2, 2006: 4, 2010: 6, 2015: 9})
    return charts.growth_chart(years, era).to_dict()


def test_growth_chart_encodings_and_every_year() -> None:
    spec = _growth_spec((2007, 2012))
    assert len(spec["vconcat"]) == 2
    encs = [d["encoding"] for d in _walk(spec) if "encoding" in d]
    ys = {e["y"]["field"] for e in encs if isinstance(e.get("y"), dict) and "field" in e["y"]}
    assert {"cumulative", "new"} <= ys
    assert "line" in _marks(spec) and "rect" in _marks(spec)
    # every year from first to last is in the data and labelled on the axis
    rows = [r for ds in _datasets(spec) for r in ds if "cumulative" in r]
    assert sorted({r["year"] for r in rows}) == list(range(2003, 2016))
    axes = [e["x"]["axis"] for e in encs if isinstance(e.get("x"), dict) and "axis" in e["x"]]
    assert axes and all(a["values"] == list(range(2003, 2016)) for a in axes)
    assert all(a["labelOverlap"] is False for a in axes)
    # in each dataset, every year once and cumulative is the running sum of new
    for ds in _datasets(spec):
        if not ds or "cumulative" not in ds[0]:
            continue
        ds = sorted(ds, key=lambda r: r["year"])
        assert [r["year"] for r in ds] == list(range(2003, 2016))
        running = 0
        for r in ds:
            running += r["new"]
            assert r["cumulative"] == running


def test_growth_chart_band_follows_the_parameter() -> None:
    for era in [(2007, 2012), (2004, 2005)]:
        spec = _growth_spec(era)
        bands = [r for ds in _datasets(spec) for r in ds if "start" in r and "end" in r]
        assert bands, "no golden-era band in the spec"
        for b in bands:
            assert b["start"] == era[0] - 0.5 and b["end"] == era[1] + 0.5
            assert b["label"] == f"{era[0]}–{era[1]}"
    # a period running past the data is clipped to the years shown
    spec = _growth_spec((2012, 2030))
    band = next(r for ds in _datasets(spec) for r in ds if "start" in r and "end" in r)
    assert band["end"] == 2015.5


def test_growth_chart_is_deterministic_and_narrow() -> None:
    a = json.dumps(_growth_spec((2007, 2012)), sort_keys=True)
    b = json.dumps(_growth_spec((2007, 2012)), sort_keys=True)
    assert a == b
    spec = json.loads(a)
    widths = [d["width"] for d in _walk(spec) if isinstance(d.get("width"), int)]
    assert widths and max(widths) <= 600
    assert "title" not in spec


def test_growth_chart_uses_yaml_era() -> None:
    era = published.golden_era(published.load_figures(FIGURES))
    years = charts.years_frame({era[0] - 2: 1, era[1] + 2: 1})
    spec = charts.growth_chart(years, era).to_dict()
    band = next(r for ds in _datasets(spec) for r in ds if "start" in r and "end" in r)
    assert (band["start"], band["end"]) == (era[0] - 0.5, era[1] + 0.5)


# --------------------------------------------------------------------------- categories
def test_counts_frame_order_and_shares() -> None:
    df = charts.counts_frame({"b": 1, "a": 3, "c": 1}, {"a": "Alpha"}, total=10)
    assert df["key"].tolist() == ["a", "b", "c"]
    assert df["label"].tolist() == ["Alpha", "b", "c"]
    assert df["share"].tolist() == [30.0, 10.0, 10.0]
    assert df["text"].iloc[0] == "3 (30.0%)"
    fixed = charts.discipline_frame({"stem": 3}, total=4)
    assert fixed["label"].tolist() == ["STEM", "Non-STEM", "Multidisciplinary"]
    assert fixed["centres"].tolist() == [3, 0, 0]
    loc = charts.location_frame({"virtual": 1, "CN": 2}, total=3)
    assert loc["key"].tolist() == ["CN", "GB", "both", "virtual"]
    assert loc["centres"].tolist() == [2, 0, 0, 1]


def test_bar_chart_spec() -> None:
    df = charts.counts_frame({"x": 5, "y": 2, "z": 9})
    spec = charts.bar_chart(df, "Centres").to_dict()
    encs = [d["encoding"] for d in _walk(spec) if "encoding" in d]
    assert any(e["y"]["field"] == "label" and e["y"]["sort"] == ["z", "x", "y"] for e in encs)
    assert any(e.get("x", {}).get("field") == "centres" for e in encs)
    assert any(e.get("text", {}).get("field") == "text" for e in encs)
    assert set(_marks(spec)) == {"bar", "text"}
    coloured = charts.bar_chart(
        df.assign(group=["A", "B", "A"]),
        "Centres",
        colour_field="group",
        colours={"A": "#000000", "B": "#ffffff"},
    ).to_dict()
    colour = next(e["color"] for e in _walk(coloured) if isinstance(e.get("color"), dict))
    assert colour["scale"] == {"domain": ["A", "B"], "range": ["#000000", "#ffffff"]}
    assert json.dumps(spec, sort_keys=True) == json.dumps(
        charts.bar_chart(df, "Centres").to_dict(), sort_keys=True
    )


def test_topic_and_sector_frames() -> None:
    topics = pd.DataFrame(
        {
            "topic": ["eng", "law"],
            "label": ["Engineering", "Law"],
            "discipline_group": ["stem", "non_stem"],
        }
    )
    t = charts.topic_frame({"law": 1, "eng": 4}, topics, total=5)
    assert t["label"].tolist() == ["Engineering", "Law"]
    assert t["discipline_group"].tolist() == ["STEM", "Non-STEM"]
    sectors = pd.DataFrame(
        {
            "sector": ["energy", "engineering"],
            "label": ["Energy", "General engineering"],
            "in_nsi_act": [True, False],
        }
    )
    s = charts.sector_frame({"engineering": 2, "energy": 3}, sectors, total=10)
    assert s["nsi_act"].tolist() == ["NSI Act sector", "Other"]


def test_funder_frame_counts_each_centre_once() -> None:
    centres = pd.DataFrame(
        {"funders": [["Royal Society", "Royal Society", "NSFC"], ["NSFC"], [], None]}
    )
    registry = pd.DataFrame({"name": ["Royal Society", "NSFC"], "country": ["GB", "CN"]})
    df = charts.funder_frame(centres, registry)
    assert df.to_dict("records") == [
        {"funder": "NSFC", "country": "China", "centres": 2},
        {"funder": "Royal Society", "country": "UK", "centres": 1},
    ]
    assert charts.funder_frame(centres)["country"].tolist() == ["Other", "Other"]


# --------------------------------------------------------------------------- maps
def test_province_frame_bins_and_taiwan() -> None:
    provinces = pd.DataFrame(
        {
            "code": ["CN-BJ", "CN-HK", "CN-JS", "CN-TW"],
            "name_en": ["Beijing", "Hong Kong", "Jiangsu", "Taiwan"],
            "kind": ["municipality", "sar", "province", "disputed"],
        }
    )
    df = charts.province_frame({"CN-JS": 5, "CN-HK": 1}, provinces, [0, 1, 4])
    assert df["code"].tolist() == ["CN-JS", "CN-HK", "CN-BJ", "CN-TW"]
    assert df["province"].tolist()[1] == "Hong Kong SAR"
    assert df["bin"].tolist() == ["4+", "1–3", "No joint centres", "Not included"]
    assert pd.isna(df["centres"].iloc[3])
    with pytest.raises(ValueError, match="CN-XX"):
        charts.province_frame({"CN-XX": 1}, provinces, [0, 1])


def test_uk_partner_frame() -> None:
    links = pd.DataFrame(
        {
            "centre_id": ["C1", "C1", "C2", "C2", "C3"],
            "org_id": ["gb-a", "cn-x", "gb-a", "gb-b", "gb-b"],
            "side": ["UK", "CN", "UK", "UK", "UK"],
        }
    )
    orgs = pd.DataFrame(
        {
            "org_id": ["gb-a", "gb-b", "cn-x"],
            "name": ["Alpha", "Beta", "X"],
            "city": ["Leeds", "Cardiff", "Beijing"],
            "uk_nation": ["ENG", "WLS", None],
        }
    )
    df = charts.uk_partner_frame(links, orgs)
    assert df[["name", "centres"]].values.tolist() == [["Alpha", 2], ["Beta", 2]]
    assert df.columns.tolist() == ["org_id", "name", "city", "uk_nation", "centres"]


# --------------------------------------------------------------------------- cleaning log
def test_header_frame_lists_found_and_missing_fields() -> None:
    report = {"columns": {"name": "Name of centre", "year": "Est.", "extra_field": "Extra"}}
    df = charts.header_frame(report)
    got = dict(zip(df["field"], df["header"], strict=True))
    assert got["name"] == "Name of centre" and got["year"] == "Est."
    assert got["funders"] == charts.NOT_FOUND
    assert df["field"].tolist()[: len(charts.FIELD_LABELS)] == list(charts.FIELD_LABELS)
    assert df["field"].tolist()[-1] == "extra_field"


def test_reason_summary_groups_row_specific_reasons() -> None:
    rejects = pd.DataFrame(
        {
            "source_row": [5, 5, 9, 12, 14],
            "reason": [
                "unknown province 'Jiansu' (closest known: 'Jiangsu' (91))",
                "no year and no partner",
                "unknown province 'Xx' (closest known: 'Anhui' (40))",
                "year established 1950 (from 'c. 1950') is outside [1978, 2022]",
                "year established 2031 is outside [1978, 2022]",
            ],
        }
    )
    df = charts.reason_summary(rejects)
    assert df.to_dict("records") == [
        {"reason": "unknown province '…'", "rows": 2},
        {"reason": "year established … is outside [1978, 2022]", "rows": 2},
        {"reason": "no year and no partner", "rows": 1},
    ]
    assert charts.reason_summary(rejects.iloc[0:0]).empty


def test_named_present_keeps_named_order() -> None:
    present = ["Royal Society", "british council ", "Innovate UK"]
    named = ["Innovate UK", "Newton Fund", "British Council"]
    assert charts.named_present(present, named) == ["Innovate UK", "British Council"]
    assert charts.named_present([], named) == []


def test_bins_filled_counts_provinces_without_centres_in_the_first_bin() -> None:
    counts = {"CN-JS": 14, "CN-BJ": 5, "CN-ZJ": 2}
    codes = ["CN-JS", "CN-BJ", "CN-ZJ", "CN-XZ"]
    assert charts.bins_filled(counts, [0, 1, 4, 7, 10, 13], codes) == [0, 1, 4, 13]
    assert charts.bins_filled({}, [0, 1], ["CN-XZ"]) == [0]


def test_growth_axis_says_what_the_line_counts() -> None:
    """Closed centres stay in the running total: the axis once said "in existence" while the
    chapter said "ever founded"."""
    spec = _growth_spec((2007, 2012))
    titles = [
        e["y"].get("title", "")
        for e in (d["encoding"] for d in _walk(spec) if "encoding" in d)
        if isinstance(e.get("y"), dict) and e["y"].get("field") == "cumulative"
    ]
    assert titles and all("founded" in t and "existence" not in t for t in titles)


def test_bar_labels_are_never_cut() -> None:
    """Long funder names were cut to "Guangdong Provincial Department of Science and Tech…"."""
    frame = charts.counts_frame({"a": 3, "b": 1}, {"a": "A very long funder name " * 4})
    spec = charts.bar_chart(frame, "Centres").to_dict()
    limits = [
        e["y"]["axis"]["labelLimit"]
        for e in (d["encoding"] for d in _walk(spec) if "encoding" in d)
        if isinstance(e.get("y"), dict) and "axis" in e["y"]
    ]
    assert limits and all(limit == 0 for limit in limits)


def test_bars_follow_the_order_the_prose_ranks() -> None:
    """The topic chart once claimed an order its bars did not follow: the bars are drawn in
    the frame's row order, which is the count ranking the chapter's prose reads from."""
    frame = charts.counts_frame({"a": 1, "b": 5, "c": 3}, {"a": "A", "b": "B", "c": "C"})
    assert frame["label"].tolist() == ["B", "C", "A"]
    spec = charts.bar_chart(frame, "Centres").to_dict()
    sorts = [
        e["y"]["sort"]
        for e in (d["encoding"] for d in _walk(spec) if "encoding" in d)
        if isinstance(e.get("y"), dict) and "sort" in e["y"]
    ]
    assert sorts and all(s == ["B", "C", "A"] for s in sorts)
