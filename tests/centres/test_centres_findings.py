"""centres_findings on a known small result, from memory and from the parquet tables."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from centres_helpers import row, write_xlsx

from pipeline.centres import centres_findings, write_outputs


def _rows() -> list[dict[str, Any]]:
    return [
        row(
            {
                "Centre name": "A",
                "Year established": 2010,
                "Research area": "Advanced materials",
                "Funder(s)": "NSFC",
            }
        ),
        row(
            {
                "Centre name": "B",
                "Year established": 2010,
                "Research area": "Solar materials",
                "City": "Nanjing",
                "Province": "Jiangsu",
                "Funder(s)": "UKRI; Wellcome Trust",
            }
        ),
        row(
            {
                "Centre name": "C",
                "Year established": 2013,
                "Research area": "History",
                "Physical location": "UK",
                "City": "London",
                "Province": None,
                "Funder(s)": "",
            }
        ),
        row(
            {
                "Centre name": "D",
                "Year established": "2013/14",
                "Research area": "Sustainable cities",
                "Physical location": "Both",
                "City": "Suzhou",
                "Province": "JS",
                "Funder(s)": "British Council",
            }
        ),
        row(
            {
                "Centre name": "E",
                "Year established": 2014,
                "Research area": "Mechanical engineering",
                "Physical location": "online",
                "City": None,
                "Province": None,
            }
        ),
    ]


EXPECTED = {
    "centres_total": 5,
    "centres_first_year": 2010,
    "centres_last_year": 2014,
    "centres_new_by_year": {2010: 2, 2011: 0, 2012: 0, 2013: 2, 2014: 1},
    "centres_cumulative_by_year": {2010: 2, 2011: 2, 2012: 2, 2013: 4, 2014: 5},
    "centres_years_without_new": [2011, 2012],
    "discipline_group_counts": {"multidisciplinary": 1, "non_stem": 1, "stem": 3},
    "discipline_group_shares": {"multidisciplinary": 20.0, "non_stem": 20.0, "stem": 60.0},
    "topic_counts": {
        "arts_humanities": 1,
        "engineering": 1,
        "materials_science": 2,
        "sustainable_development": 1,
    },
    "nsi_sector_counts": {"advanced_materials": 1, "energy": 1, "engineering": 1},
    "centres_by_location": {"CN": 2, "GB": 1, "both": 1, "virtual": 1},
    "centres_by_province": {"CN-BJ": 1, "CN-JS": 2},
    "funders_count": 4,
    "funders_named_present": [
        "British Council",
        "National Natural Science Foundation of China",
        "UK Research and Innovation",
    ],
}


def test_findings_from_result_and_parquet(
    tmp_path: Path, clean: Callable[..., Any], ref_dir: Path
) -> None:
    r = clean(write_xlsx(tmp_path / "f.xlsx", _rows()))
    f = centres_findings(r, ref_dir=ref_dir)
    assert f == EXPECTED
    for key, value in f.items():
        assert key == key.lower() and " " not in key
        if isinstance(value, dict):
            assert list(value) == sorted(value)
    write_outputs(r, tmp_path / "out")
    assert centres_findings(tmp_path / "out", ref_dir=ref_dir) == EXPECTED
    tables = (r.centres, r.organisations, r.centre_partners)
    assert centres_findings(tables, ref_dir=ref_dir) == EXPECTED


def test_findings_of_empty_result(tmp_path: Path, clean: Callable[..., Any]) -> None:
    r = clean(write_xlsx(tmp_path / "e.xlsx", []))
    f = centres_findings(r)
    assert f["centres_total"] == 0 and f["centres_first_year"] is None
    assert f["centres_new_by_year"] == {} and f["discipline_group_shares"]["stem"] == 0.0
    assert f["centres_by_location"] == {"CN": 0, "GB": 0, "both": 0, "virtual": 0}
