"""Tests for pipeline.biblio.read: the yearly group_by files and the sample's metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from biblio_data import make_raw_folder, write_group_by

from pipeline import published
from pipeline.biblio.read import classify, discover, find_group_by, group_by_role, read_sample_meta

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture()
def raw_folder(tmp_path: Path) -> Path:
    return make_raw_folder(tmp_path)


def test_group_by_role_from_filter_and_name(tmp_path: Path) -> None:
    write_group_by(tmp_path / "x.json", "authorships.countries:GB", {2000: 1})
    write_group_by(
        tmp_path / "y.json", "institutions.country_code:gb|cn,authorships.countries:CN", {}
    )
    write_group_by(tmp_path / "uk_cn_counts.json", None, {2000: 1})
    write_group_by(tmp_path / "uk_counts.json", None, {2000: 1})
    write_group_by(tmp_path / "z.json", "authorships.countries:GB", {2000: 1}, group="type")
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
    write_group_by(raw_folder / "again.json", "authorships.countries:GB", {2015: 1})
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


def test_golden_era_comes_from_published_figures() -> None:
    path = REPO / "data" / "reference" / "published_figures.yaml"
    expected = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]["golden_era"]["value"]
    assert published.golden_era(published.load_figures(path)) == tuple(expected)


def test_classify_sorts_files_by_what_they_hold(raw_folder: Path) -> None:
    (raw_folder / "notes.txt").write_text("nothing bibliographic here\n")
    skipped: list[tuple[str, str]] = []
    group_by: dict = {}
    jsonl, others = classify(discover([raw_folder]), skipped, group_by)
    assert [f.label for f in jsonl] == [
        "bibliometrics/a_works.jsonl",
        "bibliometrics/b_works.jsonl.gz",
    ]
    assert all(f.format == "openalex_jsonl" for f in jsonl)
    assert others == []
    assert sorted(group_by) == ["bibliometrics/gb_by_year.json", "bibliometrics/gbcn_by_year.json"]
    assert list(group_by["bibliometrics/gb_by_year.json"]["count"]) == [100, 120]
    assert ("bibliometrics/notes.txt", "format not recognised") in skipped
