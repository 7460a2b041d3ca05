"""Tests for pipeline.biblio.chapter: the glue behind the bibliometric notebooks."""

from __future__ import annotations

import gzip
import itertools
import json
import math
from pathlib import Path
from typing import ClassVar

import pandas as pd
import pytest
import yaml

from pipeline import published
from pipeline.biblio.chapter import (
    ACCOUNTING_COLUMNS,
    affiliation_summary,
    centres_per_org,
    clean_bibliometrics,
    comparison_set,
    count_phrase,
    describe_rho,
    estimated_copubs_by_year,
    find_group_by,
    group_by_role,
    log_domain,
    place_labels,
    read_sample_meta,
    scatter_frame,
    sources_table,
    spearman_table,
    yearly_table,
)

REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- fixtures
def _work(wid: str, doi: str | None, year: int, codes: list[str], field: str = "Chemistry"):
    names = {"GB": "University of Leeds", "CN": "Fudan University", "US": "Stanford University"}
    return {
        "id": f"https://openalex.org/{wid}",
        "doi": f"https://doi.org/{doi}" if doi else None,
        "publication_year": year,
        "authorships": [
            {
                "countries": [c],
                "institutions": [{"country_code": c, "display_name": names[c]}],
            }
            for c in codes
        ],
        "primary_topic": {"field": {"display_name": field}},
    }


def _write_jsonl(path: Path, lines: list[str], gz: bool = False) -> None:
    text = "\n".join(lines) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def _group_by(path: Path, flt: str | None, counts: dict[int, int], group: str = "publication_year"):
    doc = {
        "group_by": [
            {"key": str(y), "key_display_name": str(y), "count": n} for y, n in counts.items()
        ],
        "meta": {"group_by": group, **({"filter": flt} if flt else {})},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


@pytest.fixture()
def raw_folder(tmp_path: Path) -> Path:
    """Two OpenAlex files (one gz) overlapping by DOI and by id, one bad line, side files."""
    root = tmp_path / "bibliometrics"
    root.mkdir()
    a = [
        json.dumps(_work("W1", "10.1/a", 2015, ["GB", "CN"])),
        json.dumps(_work("W2", "10.1/b", 2016, ["GB", "CN"], "Physics")),
        json.dumps(_work("W3", None, 2016, ["GB", "US"])),
        json.dumps(_work("W4", None, 2017, [])),
    ]
    b = [
        json.dumps(_work("W1", "10.1/a", 2015, ["GB", "CN"])),  # same id and DOI as in a
        json.dumps(_work("W9", "10.1/B", 2016, ["GB", "CN"])),  # same DOI as W2 (case)
        "{not json",
        json.dumps(_work("W5", "10.1/c", 2018, ["GB", "CN"])),
    ]
    _write_jsonl(root / "a_works.jsonl", a)
    _write_jsonl(root / "b_works.jsonl.gz", b, gz=True)
    _group_by(root / "gb_by_year.json", "authorships.countries:GB", {2015: 100, 2016: 120})
    _group_by(
        root / "gbcn_by_year.json",
        "authorships.countries:GB,authorships.countries:CN",
        {2015: 10, 2016: 30},
    )
    meta = {"sampling_rate": 0.5, "sampling": "uniform"}
    (root / "sample.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return root


# --------------------------------------------------------------------------- cleaning
def test_clean_accounts_for_every_record_per_file(raw_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "processed"
    res = clean_bibliometrics(
        raw_folder, out / "works.parquet", out / "acc.json", out / "rejects.csv"
    )
    per = res.per_file.set_index("source_file")
    assert list(res.per_file.columns) == ACCOUNTING_COLUMNS
    a, b = "bibliometrics/a_works.jsonl", "bibliometrics/b_works.jsonl.gz"
    assert per.loc[a, ["raw", "duplicates", "kept", "rejected"]].tolist() == [4, 0, 4, 0]
    # b: W1 duplicate (DOI and id), W9 duplicate by DOI of W2, one bad line, W5 kept
    assert per.loc[b, ["raw", "duplicates", "kept", "rejected"]].tolist() == [4, 2, 1, 1]
    acc = json.loads((out / "acc.json").read_text())
    assert acc["totals"]["raw"] == 8
    assert acc["totals"]["raw"] == (
        acc["totals"]["kept"] + acc["totals"]["duplicates"] + acc["totals"]["rejected"]
    )
    for f in acc["files"].values():
        assert f["raw"] == f["kept"] + f["duplicates"] + f["rejected"]
    assert sorted(acc["group_by_files"]) == [
        "bibliometrics/gb_by_year.json",
        "bibliometrics/gbcn_by_year.json",
    ]
    rejects = pd.read_csv(out / "rejects.csv")
    assert list(rejects.columns) == ["source_file", "source_row", "column", "value", "reason"]
    assert rejects[["source_file", "source_row"]].values.tolist() == [[b, 3]]
    works = pd.read_parquet(out / "works.parquet")
    assert len(works) == 5
    # only the declared outputs are left in the output folder
    assert sorted(p.name for p in out.iterdir()) == ["acc.json", "rejects.csv", "works.parquet"]


def test_clean_writes_header_only_rejects_and_is_repeatable(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    _write_jsonl(root / "w.jsonl", [json.dumps(_work("W1", "10.1/a", 2015, ["GB", "CN"]))])
    out = tmp_path / "out"
    paths = (out / "works.parquet", out / "acc.json", out / "rej.csv")
    clean_bibliometrics(root, *paths)
    first = [p.read_bytes() for p in paths[1:]]
    clean_bibliometrics(root, *paths)
    assert [p.read_bytes() for p in paths[1:]] == first
    assert paths[2].read_text().strip() == "source_file,source_row,column,value,reason"


def test_sources_table_names_every_file(raw_folder: Path, tmp_path: Path) -> None:
    res = clean_bibliometrics(
        raw_folder, tmp_path / "w.parquet", tmp_path / "a.json", tmp_path / "r.csv"
    )
    table = sources_table(res.report)
    assert len(table) == 5
    assert table["source_file"].is_monotonic_increasing
    meta = table[table["source_file"].str.endswith(".meta.json")].iloc[0]
    assert "sampling rate" in meta["role"]


def test_affiliation_unknown_is_never_not_uk_cn() -> None:
    works = pd.DataFrame(
        {
            "source_format": ["x", "x", "x", "y"],
            "uk_cn": [True, False, None, None],
            "affiliation_known": [True, True, False, False],
        }
    )
    out = affiliation_summary(works).set_index("source_format")
    assert out.loc["x"].tolist() == [3, 1, 1, 1]
    assert out.loc["y"].tolist() == [1, 0, 0, 1]
    assert out.loc["total"].tolist() == [4, 1, 1, 2]


# --------------------------------------------------------------------------- phase 1
def test_group_by_role_from_filter_and_name(tmp_path: Path) -> None:
    _group_by(tmp_path / "x.json", "authorships.countries:GB", {2000: 1})
    _group_by(tmp_path / "y.json", "institutions.country_code:gb|cn,authorships.countries:CN", {})
    _group_by(tmp_path / "uk_cn_counts.json", None, {2000: 1})
    _group_by(tmp_path / "uk_counts.json", None, {2000: 1})
    _group_by(tmp_path / "z.json", "authorships.countries:GB", {2000: 1}, group="type")
    (tmp_path / "bad.json").write_text("[1, 2]")
    assert group_by_role(tmp_path / "x.json") == "uk"
    assert group_by_role(tmp_path / "y.json") == "uk_cn"
    assert group_by_role(tmp_path / "uk_cn_counts.json") == "uk_cn"
    assert group_by_role(tmp_path / "uk_counts.json") == "uk"
    assert group_by_role(tmp_path / "z.json") is None
    assert group_by_role(tmp_path / "bad.json") is None


def test_find_group_by(raw_folder: Path, tmp_path: Path) -> None:
    found = find_group_by(raw_folder)
    assert found["uk"].name == "gb_by_year.json"
    assert found["uk_cn"].name == "gbcn_by_year.json"
    assert find_group_by(raw_folder, uk_cn="other.json")["uk_cn"] == Path("other.json")
    _group_by(raw_folder / "again.json", "authorships.countries:GB", {2015: 1})
    with pytest.raises(ValueError, match="two group_by files"):
        find_group_by(raw_folder)
    assert find_group_by(tmp_path / "missing") == {"uk": None, "uk_cn": None}


def test_read_sample_meta(raw_folder: Path, tmp_path: Path) -> None:
    meta = read_sample_meta(raw_folder)
    assert meta["sampling_rate"] == 0.5
    assert meta["source"] == "sample.meta.json"
    assert read_sample_meta(raw_folder, 0.25)["sampling_rate"] == 0.25
    assert read_sample_meta(tmp_path / "none")["sampling_rate"] == 1.0
    (raw_folder / "other.meta.json").write_text(json.dumps({"sampling_rate": 0.1}))
    with pytest.raises(ValueError, match="disagree"):
        read_sample_meta(raw_folder)
    with pytest.raises(ValueError, match="sampling_rate"):
        read_sample_meta(tmp_path, 1.5)


def test_yearly_table() -> None:
    out = yearly_table({2000: 200, 2001: 300}, {2000: 20, 2001: 30, 2002: 5})
    assert out.columns.tolist() == ["year", "uk_works", "uk_cn_works", "share_of_uk"]
    assert out["share_of_uk"].tolist()[:2] == [10.0, 10.0]
    assert pd.isna(out["share_of_uk"].iloc[2]) and pd.isna(out["uk_works"].iloc[2])
    no_uk = yearly_table(None, {2000: 1})
    assert no_uk["share_of_uk"].isna().all()


def test_golden_era_comes_from_published_figures() -> None:
    path = REPO / "data" / "reference" / "published_figures.yaml"
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]["golden_era"]["value"]
    assert published.golden_era(published.load_figures(path)) == tuple(expected)


def test_estimated_copubs_by_year() -> None:
    works = pd.DataFrame({"year": [2000, 2000, 2001, 2001], "uk_cn": [True, True, False, None]})
    assert estimated_copubs_by_year(works, 0.5) == {2000: 4}
    with pytest.raises(ValueError):
        estimated_copubs_by_year(works, 0)


# --------------------------------------------------------------------------- phase 3
def test_centres_per_org_from_metrics_or_links(tmp_path: Path) -> None:
    metrics = pd.DataFrame(
        {
            "org_id": ["b", "a"],
            "name": ["B", "A"],
            "country": ["CN", "GB"],
            "type": ["university"] * 2,
            "centres": [1, 3],
            "rank": [2, 1],
        }
    )
    metrics.to_parquet(tmp_path / "m.parquet")
    out, source = centres_per_org(tmp_path / "m.parquet")
    assert out["org_id"].tolist() == ["a", "b"] and source.endswith("m.parquet")

    metrics.drop(columns=["centres"]).to_parquet(tmp_path / "m2.parquet")
    links = pd.DataFrame({"centre_id": ["C1", "C1", "C2", "C2"], "org_id": ["a", "b", "a", "a"]})
    links.to_parquet(tmp_path / "p.parquet")
    metrics.drop(columns=["centres", "rank"]).to_parquet(tmp_path / "o.parquet")
    out, source = centres_per_org(
        tmp_path / "m2.parquet", tmp_path / "p.parquet", tmp_path / "o.parquet"
    )
    assert dict(zip(out["org_id"], out["centres"])) == {"a": 2, "b": 1}
    assert "p.parquet" in source
    with pytest.raises(FileNotFoundError):
        centres_per_org(tmp_path / "absent.parquet")


class _FakeResolver:
    rows: ClassVar[dict[str, dict[str, str]]] = {
        "x": {"name": "X Univ", "country": "GB", "type": "university"},
        "y": {"name": "Y Univ", "country": "CN", "type": "university"},
        "z": {"name": "Z Univ", "country": "US", "type": "university"},
    }

    def get(self, org_id: str) -> dict[str, str]:
        return self.rows[org_id]


def test_comparison_set_adds_publishers_without_centres() -> None:
    hosts = pd.DataFrame(
        {"org_id": ["a"], "name": ["A"], "country": ["GB"], "type": ["u"], "centres": [2]}
    )
    copubs = pd.DataFrame(
        {
            "org_id": ["x", "y", "z", "a"],
            "copubs_in_sample": [5, 4, 3, 1],
            "copubs_estimated": [10, 8, 6, 2],
        }
    )
    out = comparison_set(hosts, copubs, resolver=_FakeResolver())
    assert out["org_id"].tolist() == ["a", "x", "y"]
    assert out.set_index("org_id").loc["x", "centres"] == 0
    only = comparison_set(hosts, copubs, include_non_hosts=False, resolver=_FakeResolver())
    assert only["org_id"].tolist() == ["a"]


def test_spearman_table_and_reading() -> None:
    out = spearman_table(
        {"rho": 0.5, "p_value": 0.01, "n": 10}, {"GB": {"rho": None, "p_value": None, "n": 2}}
    )
    assert out["group"].tolist() == ["all organisations", "GB"]
    assert out["n"].tolist() == [10, 2]
    assert describe_rho(0.5, 0.01).startswith("a moderate positive")
    assert "not statistically significant" in describe_rho(-0.2, 0.4)
    assert describe_rho(-0.7, 0.001).startswith("a strong negative")
    assert describe_rho(0.05, 0.9).startswith("no clear")
    assert describe_rho(None, None).startswith("not computed")


def test_scatter_frame_labels_top_and_outliers() -> None:
    table = pd.DataFrame(
        {
            "org_id": list("abcde"),
            "name": ["A", "B", "C", "D", "E"],
            "country": ["GB", "CN", "GB", "US", "CN"],
            "centres": [9, 5, 1, 0, 0],
            "copubs_estimated": [10, 1, 50, 40, 0],
            "rank_gap": [1.0, 3.0, -2.0, -3.0, 0.0],
            "category": [
                "",
                "many centres, few co-publications",
                "",
                "few centres, many co-publications",
                "",
            ],
        }
    )
    out = scatter_frame(table, label_top=1, label_outliers=1).set_index("org_id")
    assert out.loc["a", "label"] == "A"  # most centres
    assert out.loc["c", "label"] == "C"  # most co-publications
    assert out.loc["b", "label"] == "B" and out.loc["d", "label"] == "D"  # outliers
    assert out.loc["e", "label"] == ""
    assert out["group"].tolist() == ["UK", "China", "UK", "Other", "China"]


def test_log_domain_and_label_placement_avoid_overlap() -> None:
    assert log_domain([450, 17040]) == (200.0, 20000.0)
    assert log_domain([]) == (1.0, 10.0)
    df = pd.DataFrame(
        {"x": [1, 1, 1, 50], "y": [1000, 1010, 990, 1000], "label": ["Alpha", "Beta", "Gamma", "Z"]}
    )
    out = place_labels(
        df, x="x", y="y", x_domain=(0, 50), y_domain=(100, 10000), width=500, height=300
    )
    ys = sorted(out.loc[out["x"] == 1, "label_y"])
    # three labels at the same spot end up on three different lines
    pix = sorted(300 - (math.log10(v) - 2) / 2 * 300 for v in ys)
    assert min(b - a for a, b in itertools.pairwise(pix)) >= 11.9
    assert out.loc[3, "align"] == "right"  # would run off the right edge


def test_count_phrase() -> None:
    assert count_phrase(1, "centre") == "1 centre"
    assert count_phrase(1250, "paper") == "1,250 papers"
    assert count_phrase(0, "university", "universities") == "0 universities"
