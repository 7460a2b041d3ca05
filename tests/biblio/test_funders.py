"""Funders: names out of each format's funding fields, resolved against the registry, and
the Phase 1 findings and charts built on them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.biblio import ingest, iter_works
from pipeline.biblio.charts import (
    SIDE_COLOURS,
    funder_overlap_chart,
    funder_sides_chart,
    funders_chart,
)
from pipeline.biblio.findings import (
    FUNDER_SIDES,
    centre_funder_counts,
    funder_findings,
    funder_overlap,
    funder_shares,
    funder_side_change,
    funder_sides_by_year,
    funder_table,
)
from pipeline.biblio.formats import work_funders
from pipeline.biblio.funders import (
    bracketed_names,
    clean_funder_name,
    default_funder_names,
    medline_agency,
    scopus_names,
    split_names,
)

NSFC = "National Natural Science Foundation of China"
EPSRC = "Engineering and Physical Sciences Research Council"


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("National Natural Science Foundation of China [61472087, 61272210]", NSFC),
        ("  Royal   Society. ", "Royal Society"),
        ("National Natural Science Foundation of China (NSFC)", NSFC),
        ("JSPS KAKENHI Grant Number 25249104", "JSPS KAKENHI"),
        ("", ""),
    ],
)
def test_clean_funder_name(raw: str, clean: str) -> None:
    assert clean_funder_name(raw) == clean


def test_each_formats_funding_field_is_split_into_names() -> None:
    assert bracketed_names("Natl Fund [1, 2]; Royal Society; EPSRC [EP/X]") == [
        "Natl Fund",
        "Royal Society",
        "EPSRC",
    ]
    details = f"2016/23/B/ST6/03455; {NSFC}, NSFC: 1, 2; Ministry of Science and Technology, Taiwan"
    assert scopus_names(details) == [NSFC, "Ministry of Science and Technology, Taiwan"]
    assert medline_agency("095806/Wellcome Trust/United Kingdom") == "Wellcome Trust"
    assert medline_agency("MR/N002970/1/MRC_/Medical Research Council/United Kingdom") == (
        "Medical Research Council"
    )
    assert medline_agency("no agency") == ""
    assert medline_agency("R01 GM1/GM/NIGMS NIH HHS/United States") == "NIGMS NIH HHS"
    assert split_names("A|B||C", "|") == ["A", "B", "C"]


@pytest.mark.parametrize(
    ("raw", "resolved"),
    [
        ("NSFC", NSFC),  # alias
        ("国家自然科学基金", NSFC),  # Chinese alias
        ("The National Natural Science Foundation of China", NSFC),
        ("Natl Natural Science Foundation of China", NSFC),  # close spelling
        (
            "Ministry of Science and Technology, Taiwan",
            "Ministry of Science and Technology, Taiwan",
        ),
        ("Ministry of Education - Singapore", "Ministry of Education - Singapore"),
        (
            "Natural Science Foundation of Jiangsu Province",
            "Natural Science Foundation of Jiangsu Province",
        ),
        ("61472087", ""),  # a bare grant number
    ],
)
def test_names_resolve_to_the_registry_or_stay_as_written(raw: str, resolved: str) -> None:
    assert default_funder_names().resolve(raw) == resolved


def test_free_text_names_only_whole_unambiguous_registry_funders() -> None:
    text = (
        "Supported by the National Natural Science Foundation of China (grant 1), EPSRC, the "
        "Royal Society of Chemistry, the Ministry of Education, Culture, Sports, Science and "
        "Technology and the South African Medical Research Council; 国家自然科学基金."
    )
    assert default_funder_names().named_in(text) == [EPSRC, NSFC]


def test_text_is_read_only_when_the_record_lists_no_funder() -> None:
    assert work_funders(["Royal Society"], "Thanks to EPSRC.") == ["Royal Society"]
    assert work_funders([], "Thanks to EPSRC.") == [EPSRC]
    assert work_funders(None, None) == []


def test_funders_of_the_existing_formats(tmp_path: Path) -> None:
    wos = tmp_path / "wos.txt"
    wos.write_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nUT WOS:000000000000009\nPY 2019\n"
        "C1 Univ Leeds, Leeds, England.\nFU National Natural Science Foundation of China\n"
        "   [61472087]; Royal Society\nFX Supported by NSFC and the Royal Society.\nER\nEF\n",
        encoding="utf-8",
    )
    [work] = list(iter_works(wos))
    assert work.funders == [NSFC, "Royal Society"]
    medline = tmp_path / "m.txt"
    medline.write_text(
        "PMID- 1\nDP  - 2015\nGR  - 095806//Wellcome Trust/United Kingdom\n", encoding="utf-8"
    )
    assert next(iter_works(medline)).funders == ["Wellcome Trust"]


def test_openalex_funders_agree_between_duckdb_and_python(tmp_path: Path) -> None:
    works = [
        {
            "id": "https://openalex.org/W1",
            "publication_year": 2019,
            "authorships": [{"countries": ["GB"]}, {"countries": ["CN"]}],
            "grants": [{"funder_display_name": "NSFC"}, {"funder_display_name": "123456"}],
            "funders": [{"display_name": EPSRC}],
        },
        {
            "id": "https://openalex.org/W2",
            "publication_year": 2020,
            "awards": [{"funder_display_name": " Local Fund "}],
        },
        {"id": "https://openalex.org/W3", "publication_year": 2021},
    ]
    path = tmp_path / "in" / "w.jsonl.gz"
    path.parent.mkdir()
    path.write_bytes(gzip.compress("".join(json.dumps(w) + "\n" for w in works).encode()))
    report = ingest([path.parent], tmp_path / "w.parquet", progress=False)
    duck = [list(f) for f in pd.read_parquet(tmp_path / "w.parquet")["funders"]]
    python = [w.funders for w in iter_works(path)]
    assert duck == python == [[EPSRC, NSFC], ["Local Fund"], []]
    assert report.unresolved_funders() == {"Local Fund": 1}
    unresolved = pd.read_csv(tmp_path / "w_unresolved_funders.csv")
    assert unresolved.to_dict("records") == [{"funder": "Local Fund", "works": 1}]


# --------------------------------------------------------------------------- findings

WORKS = pd.DataFrame(
    {
        "year": [2019, 2019, 2020, 2020, 2020],
        "uk_cn": [True, True, True, False, None],
        "funders": [[NSFC, EPSRC], [NSFC], ["Local Fund"], [NSFC], []],
    }
)
CENTRES = pd.DataFrame({"funders": [[NSFC, "Newton Fund"], ["Newton Fund"], None]})


def test_funder_table_counts_uk_china_works_by_side() -> None:
    table = funder_table(WORKS)
    assert table.to_dict("records") == [
        {"funder": NSFC, "works": 2, "resolved": True, "country": "CN", "side": "China"},
        {"funder": EPSRC, "works": 1, "resolved": True, "country": "GB", "side": "UK"},
        {
            "funder": "Local Fund",
            "works": 1,
            "resolved": False,
            "country": None,
            "side": "Not in registry",
        },
    ]
    shares = funder_shares(table, 3, n=2)
    assert shares["share"].tolist() == [66.67, 33.33]


def test_funder_sides_by_year_and_change() -> None:
    by_year = funder_sides_by_year(WORKS).set_index(["year", "side"])
    assert by_year.loc[(2019, "China"), "works"] == 2
    assert by_year.loc[(2019, "UK"), "share"] == 50.0
    assert by_year.loc[(2020, "Not in registry"), "share"] == 100.0
    assert set(by_year.index.get_level_values("side")) == set(FUNDER_SIDES)
    change = funder_side_change(funder_sides_by_year(WORKS), window=1).set_index("side")
    assert change.loc["China", ["first_share", "last_share", "change"]].tolist() == [
        100.0,
        0.0,
        -100.0,
    ]


def test_overlap_with_the_centres_funders() -> None:
    table = funder_table(WORKS)
    counts = centre_funder_counts(CENTRES)
    assert counts == {NSFC: 1, "Newton Fund": 2}
    overlap = funder_overlap(table, counts, 3)
    assert overlap["funder"].tolist()[0] == NSFC and bool(overlap["in_both"].iloc[0])
    newton = overlap.set_index("funder").loc["Newton Fund"]
    assert (newton["works"], newton["centres"], newton["side"]) == (0, 2, "UK")
    found = funder_findings(WORKS, table, overlap)
    assert found["copub_funders_uk_cn_works"] == 3
    assert found["copub_funders_works_acknowledging"] == 3
    assert found["copub_funders_works_by_side"] == {
        "UK": 1,
        "China": 2,
        "Other": 0,
        "Not in registry": 1,
    }
    assert found["copub_funders_in_both"] == 1
    assert found["copub_funders_jaccard_pct"] == 25.0  # 1 of NSFC, EPSRC, Local Fund, Newton
    assert found["copub_funders_works_naming_a_centre_funder_pct"] == 66.67


def test_funder_charts_encode_shares_and_sides() -> None:
    table = funder_table(WORKS)
    spec = funders_chart(funder_shares(table, 3)).to_dict()
    assert spec["encoding"]["x"]["field"] == "share"
    assert spec["encoding"]["color"]["scale"]["domain"] == list(SIDE_COLOURS)
    lines = funder_sides_chart(funder_sides_by_year(WORKS)).to_dict()
    assert lines["encoding"]["y"]["field"] == "share"
    overlap = funder_overlap(table, centre_funder_counts(CENTRES), 3)
    both = funder_overlap_chart(overlap).to_dict()
    assert [p["encoding"]["x"]["field"] for p in both["hconcat"]] == ["share", "centres"]
