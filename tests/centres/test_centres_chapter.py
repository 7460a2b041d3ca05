"""The centres chapter's assembly helpers: phrases and the findings record."""

from __future__ import annotations

import pandas as pd

from pipeline.centres import chapter


def test_share_text_is_a_rounded_percentage_and_safe_for_zero() -> None:
    assert chapter.share_text(28, 156) == "17.9%"
    assert chapter.share_text(3, 0) == "0.0%"


def test_name_list_reads_like_prose_and_escapes_markdown() -> None:
    assert chapter.name_list([]) == ""
    assert chapter.name_list(["2010"]) == "2010"
    assert chapter.name_list(["2010", "2012"]) == "2010 and 2012"
    assert chapter.name_list(["a", "b", "c"]) == "a, b and c"
    assert chapter.name_list(["*x*"]) != "*x*"  # emphasis in data never renders


def test_stage_findings_adds_the_reproduction_keys() -> None:
    findings = {
        "centres_total": 3,
        "centres_new_by_year": {2010: 1, 2011: 2},
        "centres_cumulative_by_year": {2010: 1, 2011: 3},
        "funders_named_present": ["British Council", "NSFC"],
        "centres_by_province": {"CN-BJ": 2, "CN-TW": 5},
    }
    figures = {
        "funders_named": {"value": ["NSFC", "Newton Fund"]},
        "province_map_bins": {"value": [0, 1, 4]},
    }
    provinces = pd.DataFrame({"code": ["CN-BJ", "CN-SH", "CN-TW"]})
    out = chapter.stage_findings(findings, figures, provinces)
    assert list(out) == sorted(out)
    assert out["centres_new_by_year"] == {"2010": 1, "2011": 2}
    assert out["centres_cumulative_by_year"] == {"2010": 1, "2011": 3}
    assert out["funders_present"] == ["British Council", "NSFC"]
    assert out["funders_named_present"] == ["NSFC"]
    # Shanghai has none (bin 0), Beijing 2 (bin 1); Taiwan (5) is not counted
    assert out["centres_map_bins_filled"] == [0, 1]
    assert findings["centres_new_by_year"] == {2010: 1, 2011: 2}  # input left alone
