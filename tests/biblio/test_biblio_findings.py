"""Tests of pipeline.biblio.findings on small hand-made inputs with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from pipeline.biblio.findings import (
    bibliometrics_findings,
    copubs_by_year,
    copubs_share_of_uk_by_year,
    estimated_copubs_by_year,
    field_mix,
    leading_institutions,
    published_vs_computed,
    social_science_share,
    yearly_table,
)
from pipeline.biblio.read import year_counts

REPO = Path(__file__).resolve().parents[2]
FIGURES_PATH = REPO / "data" / "reference" / "published_figures.yaml"
FIGURES = yaml.safe_load(FIGURES_PATH.read_text(encoding="utf-8"))["figures"]
RAW = REPO / "data" / "raw" / "bibliometrics"


def _response(counts: dict[int, int]) -> dict:
    groups = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "meta": {"count": sum(counts.values()), "groups_count": len(groups)},
        "results": [],
        "group_by": [{"key": str(y), "key_display_name": str(y), "count": n} for y, n in groups],
    }


UK = {2018: 1000, 2019: 1200, 2020: 800}
UK_CN = {2019: 150, 2018: 100, 2017: 5}


def test_copubs_by_year_accepts_every_form(tmp_path: Path) -> None:
    expected = {2017: 5, 2018: 100, 2019: 150}
    frame = pd.DataFrame(
        {
            "key": ["2019", "2018", "2017"],
            "key_display_name": ["2019", "2018", "2017"],
            "count": [150, 100, 5],
        }
    )
    path = tmp_path / "gb.json"
    path.write_text(json.dumps(_response(UK_CN)), encoding="utf-8")
    for form in (_response(UK_CN), UK_CN, frame, path, str(path)):
        got = copubs_by_year(form)
        assert got == expected and list(got) == sorted(got)


def test_year_counts_rejects_bad_keys() -> None:
    with pytest.raises(ValueError, match="not a publication year"):
        year_counts({"GB": 3})
    with pytest.raises(ValueError, match="appears twice"):
        year_counts(pd.DataFrame({"key": ["2019", "2019"], "count": [1, 2]}))
    with pytest.raises(ValueError, match="negative"):
        year_counts({2019: -1})


def test_share_of_uk_known_answer() -> None:
    # 100/1000 = 10 %, 150/1200 = 12.5 %; 2017 and 2020 are not in both inputs
    assert copubs_share_of_uk_by_year(UK, UK_CN) == {2018: 10.0, 2019: 12.5}
    assert copubs_share_of_uk_by_year({2019: 3}, {2019: 1}) == {2019: 33.33}
    with pytest.raises(ValueError, match="exceed"):
        copubs_share_of_uk_by_year({2019: 1}, {2019: 2})
    with pytest.raises(ValueError, match="cannot compute"):
        copubs_share_of_uk_by_year({2019: 0}, {2019: 0})


def _works() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "work_id": ["w1", "w2", "w3", "w4", "w5"],
            "field": ["Engineering", "Medicine", "Engineering", None, "Engineering"],
            "institutions": [
                np.array(["Uni A", "Inst X"]),
                ["Uni A", "Uni B", "Inst X", "Inst Y"],
                ["Uni B", "Inst X", "Inst X"],  # a repeated name counts once
                [],
                None,
            ],
            "uk_cn": [True, True, True, None, False],
        }
    )


COUNTRY = {"Uni A": "GB", "Uni B": "GB", "Inst X": "CN", "Inst Y": "CN"}


def test_field_mix_known_answer() -> None:
    mix = field_mix(_works())
    assert mix.to_dict("records") == [
        {"field": "Engineering", "works": 3, "share": 60.0},
        {"field": "Medicine", "works": 1, "share": 20.0},
        {"field": "Unknown", "works": 1, "share": 20.0},
    ]
    only = field_mix(_works(), uk_cn_only=True)
    assert only["works"].tolist() == [2, 1] and only["share"].tolist() == [66.67, 33.33]


def test_leading_institutions_known_answer() -> None:
    gb = leading_institutions(_works(), "GB", sampling_rate=0.5, institution_country=COUNTRY)
    assert gb["institution"].tolist() == ["Uni A", "Uni B"]  # tie 2-2 broken by name
    assert gb["works_in_sample"].tolist() == [2, 2]
    assert gb["estimated_works"].tolist() == [4, 4]
    assert gb["share"].tolist() == [40.0, 40.0]  # 2 of 5 works
    assert (gb["estimated_low"] <= gb["estimated_works"]).all()
    assert (gb["estimated_high"] >= gb["estimated_works"]).all()
    cn = leading_institutions(_works(), "cn", 0.1, n=1, institution_country=COUNTRY.get)
    assert len(cn) == 1
    row = cn.iloc[0]
    assert (row["rank"], row["institution"], row["works_in_sample"]) == (1, "Inst X", 3)
    assert row["estimated_works"] == 30 and row["share"] == 60.0
    # 95 % interval: 30 +- 1.96 * sqrt(3 * 0.9) / 0.1
    assert row["estimated_high"] == round(30 + 1.96 * (3 * 0.9) ** 0.5 / 0.1)
    assert row["estimated_low"] == 3  # the interval never goes below what was seen
    # complete extract: no uncertainty
    full = leading_institutions(_works(), "CN", 1.0, institution_country=COUNTRY)
    assert (full["estimated_low"] == full["estimated_high"]).all()
    with pytest.raises(ValueError, match="sampling_rate"):
        leading_institutions(_works(), "GB", 0.0, institution_country=COUNTRY)


def test_leading_institutions_through_registry() -> None:
    works = pd.DataFrame(
        {
            "institutions": [
                ["University of Cambridge", "Southeast University"],
                ["The University of Cambridge", "Nowhere Institute of Nothing"],
            ]
        }
    )
    gb = leading_institutions(works, "GB", 1.0)
    # exact and alias forms both resolve to GB; each is listed under its own spelling
    assert set(gb["institution"]) <= {"University of Cambridge", "The University of Cambridge"}
    assert "University of Cambridge" in set(gb["institution"])
    cn = leading_institutions(works, "CN", 1.0)
    assert cn["institution"].tolist() == ["Southeast University"]


def test_published_vs_computed_reads_the_yaml() -> None:
    keys = ["copubs_2000", "copubs_2010", "copubs_2019"]
    copubs = {int(FIGURES[k]["computed"].split(".")[1]): FIGURES[k]["value"] for k in keys}
    share_fig = FIGURES["copubs_share_of_uk_2019"]
    share = {2019: share_fig["value"] + 1.0}  # off by more than the tolerance
    table = published_vs_computed(copubs, share, figures_path=FIGURES_PATH)
    assert sorted(table["figure"]) == sorted([*keys, "copubs_share_of_uk_2019"])
    by = table.set_index("figure")
    for k in keys:
        assert by.loc[k, "published"] == FIGURES[k]["value"]
        assert by.loc[k, "difference"] == 0 and by.loc[k, "within_tolerance"]
    assert not by.loc["copubs_share_of_uk_2019", "within_tolerance"]
    assert by.loc["copubs_share_of_uk_2019", "difference"] == pytest.approx(1.0)
    assert set(table["published_database"]) == {"Web of Science"}
    assert set(table["computed_database"]) == {"OpenAlex"}
    assert table["note"].str.contains("OpenAlex is not Web of Science").all()
    # a year the pipeline has no value for
    partial = published_vs_computed({}, None, figures_path=FIGURES_PATH)
    assert partial["computed"].isna().all() and partial["within_tolerance"].isna().all()


def test_findings_keys_and_string_years() -> None:
    copubs = copubs_by_year(UK_CN)
    out = bibliometrics_findings(copubs, copubs_share_of_uk_by_year(UK, UK_CN))
    assert set(out) == {"copubs_by_year", "copubs_share_of_uk_by_year"}
    assert out["copubs_by_year"] == {"2017": 5, "2018": 100, "2019": 150}
    assert out["copubs_share_of_uk_by_year"] == {"2018": 10.0, "2019": 12.5}
    assert all(type(v) is float for v in out["copubs_share_of_uk_by_year"].values())
    assert bibliometrics_findings({}, {}) == {
        "copubs_by_year": {},
        "copubs_share_of_uk_by_year": {},
    }


def test_bundled_extracts_hit_the_published_figures() -> None:
    """End to end on the committed synthetic group_by files (read with the ingestion reader)."""
    assert RAW.is_dir(), f"{RAW} is committed and missing"
    uk = RAW / "openalex_group_by_uk_by_year_SYNTHETIC.json"
    uk_cn = RAW / "openalex_group_by_uk_cn_by_year_SYNTHETIC.json"
    table = published_vs_computed(
        copubs_by_year(uk_cn), copubs_share_of_uk_by_year(uk, uk_cn), FIGURES_PATH
    )
    assert len(table) == 4 and table["within_tolerance"].all()


def test_yearly_table() -> None:
    out = yearly_table({2000: 200, 2001: 300}, {2000: 20, 2001: 30, 2002: 5})
    assert out.columns.tolist() == ["year", "uk_works", "uk_cn_works", "share_of_uk"]
    assert out["share_of_uk"].tolist()[:2] == [10.0, 10.0]
    assert pd.isna(out["share_of_uk"].iloc[2]) and pd.isna(out["uk_works"].iloc[2])
    no_uk = yearly_table(None, {2000: 1})
    assert no_uk["share_of_uk"].isna().all()


def test_estimated_copubs_by_year() -> None:
    works = pd.DataFrame({"year": [2000, 2000, 2001, 2001], "uk_cn": [True, True, False, None]})
    assert estimated_copubs_by_year(works, 0.5) == {2000: 4}
    with pytest.raises(ValueError):
        estimated_copubs_by_year(works, 0)


def test_social_science_share_sums_the_social_fields() -> None:
    fields = pd.DataFrame(
        {
            "field": ["Medicine", "Social Sciences", "Psychology", "Engineering"],
            "works": [5, 2, 1, 2],
            "share": [50.0, 20.0, 10.0, 20.0],
        }
    )
    assert social_science_share(fields) == 30.0
    assert social_science_share(fields.iloc[[0, 3]]) == 0.0
