"""Interview charts and tables: breakdowns of people hide small counts; totals stay exact."""

from __future__ import annotations

import json
from typing import Any

import altair as alt
import pandas as pd
import pytest

from pipeline.interviews import charts as ic
from pipeline.interviews.schemas import GROUP_IDS

GROUPS = list(GROUP_IDS.values())


def _records(chart: alt.TopLevelMixin) -> list[dict[str, Any]]:
    spec = chart.to_dict()
    out: list[dict[str, Any]] = []
    for values in spec.get("datasets", {}).values():
        out.extend(values)
    return out


def _cases() -> pd.DataFrame:
    groups = (
        ["STEM"] * 10
        + ["Social sciences"] * 4
        + ["Arts and humanities"] * 3
        + ["Support services"] * 3
    )
    types = (["Russell Group"] * 7 + ["Teaching-focused"] * 3) + ["Russell Group"] * 10
    return pd.DataFrame(
        {
            "case_id": [f"INT-{i:02d}" for i in range(1, 21)],
            "discipline_group": groups,
            "institution_type": types,
        }
    )


def _code_counts() -> pd.DataFrame:
    rows = [
        # code_id, path, theme, total, stem, soc, arts, support
        ("ben_complementarity", "Benefits\\Complementarity", "benefits", 10, 8, 1, 0, 1),
        (
            "ben_differing_perspectives",
            "Benefits\\Differing perspectives",
            "benefits",
            9,
            2,
            4,
            3,
            0,
        ),
        ("drv_expertise", "Drivers\\Access to expertise", "drivers", 12, 6, 2, 2, 2),
        ("drv_funding", "Drivers\\Funding", "drivers", 6, 3, 1, 1, 1),
        ("rsk_felt_at_risk", "Risks\\Felt at risk", "risks", 2, 0, 1, 1, 0),
        ("gp_mandarin", "Good practices\\Mandarin", "good_practices", 7, 3, 2, 1, 1),
        ("gp_due_diligence", "Good practices\\Due diligence", "good_practices", 3, 1, 1, 1, 0),
    ]
    return pd.DataFrame(
        rows, columns=["code_id", "code_path", "theme", "interviews_total", *GROUPS]
    )


def test_interview_code_label_is_last_path_part() -> None:
    assert ic.code_label("Challenges\\Barriers to entry\\Language and culture") == (
        "Language and culture"
    )
    assert ic.code_label("Funding") == "Funding"


def test_interview_interviewees_table_suppresses_but_keeps_grand_total() -> None:
    t = ic.interviewees_table(_cases(), k=5).set_index("Discipline group")
    assert t.at["STEM", "Teaching-focused"] == "<5"
    # the STEM total (10) is shown, so the lone small cell gets a complement
    assert t.at["STEM", "Russell Group"] == "*"
    assert t.at["Social sciences", "Total"] == "<5"
    assert t.at["Total", "Teaching-focused"] == "<5"
    assert t.at["Total", "Total"] == 20
    assert list(t.index)[:4] == list(GROUP_IDS)
    # institution types with nobody are left out
    assert "Research institute" not in t.columns


def test_interview_codes_by_theme_data_orders_and_suppresses() -> None:
    d = ic.codes_by_theme_data(_code_counts(), ["drivers", "risks"], k=5, total=20)
    assert d["code_id"].tolist() == ["drv_expertise", "drv_funding", "rsk_felt_at_risk"]
    assert d["theme_label"].tolist() == ["Drivers", "Drivers", "Risks"]
    assert d["label"].tolist() == ["12", "6", "<5"]
    assert d["share"].iloc[0] == 60.0 and pd.isna(d["share"].iloc[2])
    assert pd.isna(d["count"].iloc[2])


def test_interview_codes_by_theme_rejects_unknown_theme() -> None:
    with pytest.raises(ValueError, match="unknown theme"):
        ic.codes_by_theme_data(_code_counts(), ["gossip"])


def test_interview_codes_by_theme_chart_is_faceted_and_hides_small_values() -> None:
    chart = ic.codes_by_theme_chart(_code_counts(), ["drivers", "benefits", "risks"], k=5)
    spec = chart.to_dict()
    assert "facet" in spec and spec["facet"]["row"]["field"] == "theme_label"
    recs = _records(chart)
    assert len(recs) == 5
    assert all("count" not in r for r in recs)
    risk = next(r for r in recs if r["code_id"] == "rsk_felt_at_risk")
    assert risk["label"] == "<5" and risk["plot_count"] == 2.5


def test_interview_group_contrast_data_shares_and_suppression() -> None:
    d = ic.group_contrast_data(
        _code_counts(), _cases(), ["ben_complementarity", "ben_differing_perspectives"], k=5
    )
    comp_stem = d[(d["code_id"] == "ben_complementarity") & (d["group"] == "STEM")].iloc[0]
    assert comp_stem["n"] == 10 and comp_stem["share"] == 80.0 and not comp_stem["suppressed"]
    comp_ssh = d[(d["code_id"] == "ben_complementarity") & (d["group"] != "STEM")].iloc[0]
    assert comp_ssh["n"] == 7 and comp_ssh["suppressed"] and pd.isna(comp_ssh["share"])
    assert comp_ssh["plot_share"] == pytest.approx(100 * 2.5 / 7, abs=1e-3)
    diff_ssh = d[(d["code_id"] == "ben_differing_perspectives") & (d["group"] != "STEM")].iloc[0]
    assert diff_ssh["count"] == 7 and diff_ssh["share"] == 100.0
    assert ic.share_phrase(comp_stem, 5) == "80% (8 of 10 interviews)"
    assert ic.share_phrase(comp_ssh, 5) == "fewer than 5 of 7 interviews"


def test_interview_contrast_phrase_picks_the_cell_and_escapes_it() -> None:
    codes = ["ben_complementarity", "ben_differing_perspectives"]
    d = ic.group_contrast_data(_code_counts(), _cases(), codes, k=5)
    other = next(g for g in ic.DEFAULT_CONTRAST if g != "STEM")
    # the phrase goes into Markdown, so its brackets are escaped
    assert ic.contrast_phrase(d, "ben_complementarity", "STEM", 5) == r"80% \(8 of 10 interviews\)"
    assert ic.contrast_phrase(d, "ben_complementarity", other, 5) == (
        "fewer than 5 of 7 interviews"
    )
    with pytest.raises(KeyError, match="nope"):
        ic.contrast_phrase(d, "nope", "STEM", 5)


def test_interview_group_contrast_small_group_is_wholly_suppressed() -> None:
    groups = {"STEM": ("STEM",), "Arts": ("Arts and humanities",)}
    d = ic.group_contrast_data(_code_counts(), _cases(), ["drv_expertise"], groups, k=5)
    arts = d[d["group"] == "Arts"].iloc[0]
    assert pd.isna(arts["n"]) and arts["n_label"] == "<5"
    assert arts["suppressed"] and arts["label"] == "<5" and arts["plot_share"] == 50.0
    assert ic.share_phrase(arts, 5) == "a group of fewer than 5 interviews"
    chart = ic.group_contrast_chart(_code_counts(), _cases(), ["drv_expertise"], groups, k=5)
    text = json.dumps(chart.to_dict())
    assert "Arts (n = <5)" in text and "n = 3" not in text


def test_interview_group_contrast_complement_when_groups_cover_everyone() -> None:
    groups = {
        "STEM": ("STEM",),
        "Others": ("Social sciences", "Arts and humanities", "Support services"),
    }
    # complementarity: STEM 8, others 2 -> the code total (10) is published elsewhere,
    # so STEM must be hidden too
    d = ic.group_contrast_data(_code_counts(), _cases(), ["ben_complementarity"], groups, k=5)
    status = dict(zip(d["group"], d["status"], strict=True))
    assert status == {"STEM": "secondary", "Others": "primary"}
    stem = d[d["group"] == "STEM"].iloc[0]
    assert stem["label"] == "*" and pd.isna(stem["count"]) and pd.isna(stem["share"])
    assert ic.share_phrase(stem, 5) == "a number not shown of 10 interviews"


def test_interview_group_contrast_unknown_code() -> None:
    with pytest.raises(ValueError, match="not in the code counts"):
        ic.group_contrast_data(_code_counts(), _cases(), ["nope"])


def test_interview_group_contrast_chart_data_has_no_small_value() -> None:
    chart = ic.group_contrast_chart(
        _code_counts(), _cases(), ["ben_complementarity", "ben_differing_perspectives"], k=5
    )
    recs = _records(chart)
    assert len(recs) == 4 and all("count" not in r for r in recs)
    small = [r for r in recs if r["suppressed"]]
    assert {r["label"] for r in small} == {"<5"}
    assert all(r["share"] is None for r in small)
    text = json.dumps(chart.to_dict())
    assert "Hidden (<5 or *)" in text and "yOffset" in text


def test_interview_good_practices_table_links_codes() -> None:
    gp = pd.DataFrame(
        {
            "id": ["gp02", "gp01", "gp03"],
            "group": [
                "mitigating potential risks",
                "building connections and partnerships",
                "knowledge sharing",
            ],
            "practice": ["Check partners", "Learn Mandarin", "Talk to peers"],
            "code_id": ["gp_due_diligence", "gp_mandarin", None],
        }
    )
    t = ic.good_practices_table(gp, _code_counts(), k=5)
    assert t["Practice"].tolist() == ["Learn Mandarin", "Check partners", "Talk to peers"]
    assert t["Interviews"].tolist() == ["7", "<5", "not linked"]
    assert t["Interview code"].tolist() == ["Mandarin", "Due diligence", ""]
    assert t["Group"].iloc[0] == "Building connections and partnerships"


def test_interview_risk_table_shows_totals_as_they_are() -> None:
    t = ic.risk_table(50, 1, 40, 4)
    assert t["Reported feeling at risk"].tolist() == [1, 4]
    assert t["Share"].tolist() == ["2.0%", "10.0%"]
    assert ic.risk_table(0, 0, 0, 0)["Share"].tolist() == ["n/a", "n/a"]


def test_interview_charts_on_synthetic_edition() -> None:
    from interviews_helpers import cleaned, findings

    r = cleaned()
    f = findings()
    chart = ic.codes_by_theme_chart(r.code_counts, k=5, total=f["interviews_total"])
    recs = _records(chart)
    assert all("count" not in x for x in recs)
    small = {c for c, n in f["code_counts"].items() if 0 < n < 5}
    shown = {x["code_id"] for x in recs if x["suppressed"]}
    themes = {"drivers", "benefits", "challenges", "risks"}
    theme_of = dict(zip(r.code_counts["code_id"], r.code_counts["theme"], strict=True))
    assert shown == {c for c in small if theme_of[c] in themes}
    table = ic.interviewees_table(r.cases, k=5).set_index("Discipline group")
    assert table.at["Total", "Total"] == f["interviews_total"]
    # no organisation name or role reaches the participants table
    text = table.to_string()
    for name in r.unresolved["organisation_text"].tolist() + r.free_text["text"].tolist():
        assert name not in text
