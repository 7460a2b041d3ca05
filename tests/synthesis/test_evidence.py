"""Tests for pipeline.synthesis.evidence (benefits vs risks, recommendations, data quality)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import altair as alt
import pandas as pd
import pytest

from pipeline.synthesis import evidence as ev
from pipeline.synthesis.tables import load_good_practices, load_recommendations

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "data" / "reference"
RAW_SYNTH = ROOT / "data" / "raw" / "synthesis"
AGREE = ("Somewhat agree", "Strongly agree")


def _themes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("expertise", "Access to expertise", "benefit", "driver", "Expertise", "drv_x"),
            ("ip", "IP theft", "risk", "challenge", "Protecting IP", "rsk_ip"),
            ("safety", "Safety", "risk", "at_risk", "", "rsk_safe"),
            ("reputation", "Reputation", "risk", "", "", "rsk_rep"),
        ],
        columns=["theme", "label", "kind", "survey_question", "survey_item", "interview_code_id"],
    )


def _literature() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("expertise", "benefit", "low", "p. 9"),
            ("ip", "risk", "high", "p. 11"),
            ("safety", "risk", "low", "p. 11"),
            ("reputation", "risk", "medium", "p. 11"),
        ],
        columns=["theme", "kind", "emphasis", "basis"],
    )


def _survey_findings() -> dict:
    return {
        "survey_responses": 10,
        "drivers_no_answer": 2,
        "drivers_ranked": [{"driver": "Expertise", "count": 6}, {"driver": "Other", "count": 1}],
        "challenges_likert": {
            "Protecting IP": [
                {"label": "Strongly disagree", "count": 5},
                {"label": "Somewhat agree", "count": 1},
                {"label": "Strongly agree", "count": 0},
                {"label": "No answer", "count": 4},
            ]
        },
        "at_risk_counts": {"Yes": 1, "No": 8, "No answer": 1},
    }


def _code_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code_id": ["drv_x", "rsk_ip", "rsk_safe", "rsk_rep"],
            "interviews_total": [15, 0, 2, 9],
        }
    )


# ------------------------------------------------------------------ reference files


def test_shipped_reference_files_load_and_agree() -> None:
    lit = ev.load_literature_themes(REF / "literature_themes.csv")
    themes = ev.load_evidence_themes(REF / "evidence_themes.csv")
    assert set(lit["theme"]) == set(themes["theme"])
    assert set(lit["kind"]) == {"benefit", "risk"}
    # every basis cites a page of the brief
    assert lit["basis"].str.contains(r"RBA1839-1 pp?\. \d", regex=True).all()
    merged = lit.merge(themes, on="theme", suffixes=("_lit", "_map"))
    assert (merged["kind_lit"] == merged["kind_map"]).all()


def test_shipped_mapping_matches_codebook_and_survey_instrument() -> None:
    from pipeline.survey.instrument import load_questions, load_scales

    themes = ev.load_evidence_themes(REF / "evidence_themes.csv")
    codebook = pd.read_csv(
        ROOT / "data" / "raw" / "interviews" / "interviews_codebook_SYNTHETIC.csv"
    )
    codes = set(codebook["code_id"])
    assert set(themes["interview_code_id"]) - {""} <= codes
    items = {q.item for q in load_questions() if q.item}
    drivers = set(load_scales()["drivers"].labels)
    for t in themes.itertuples(index=False):
        if t.survey_question == "challenge":
            assert t.survey_item in items
        elif t.survey_question == "driver":
            assert t.survey_item in drivers


def test_literature_bad_emphasis_names_row_and_column(tmp_path: Path) -> None:
    p = tmp_path / "lit.csv"
    p.write_text("theme,kind,emphasis,basis\na,risk,high,p. 1\nb,risk,huge,p. 2\n")
    with pytest.raises(ev.EvidenceInputError, match=r"lit.csv: row 3, column emphasis"):
        ev.load_literature_themes(p)


def test_literature_duplicate_theme_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "lit.csv"
    p.write_text("theme,kind,emphasis,basis\na,risk,high,p. 1\na,risk,low,p. 2\n")
    with pytest.raises(ev.EvidenceInputError, match="row 3, column theme: duplicate"):
        ev.load_literature_themes(p)
    with pytest.raises(ev.EvidenceInputError, match="file not found"):
        ev.load_literature_themes(tmp_path / "absent.csv")


def test_mapping_requires_item_for_challenge(tmp_path: Path) -> None:
    p = tmp_path / "map.csv"
    p.write_text(
        "theme,label,kind,survey_question,survey_item,interview_code_id\na,A,risk,challenge,,c1\n"
    )
    with pytest.raises(ev.EvidenceInputError, match="row 2, column survey_item"):
        ev.load_evidence_themes(p)


# ------------------------------------------------------------------ shares and table


def test_band_thresholds() -> None:
    assert ev.band(0.0) == "low"
    assert ev.band(0.19) == "low"
    assert ev.band(0.2) == "medium"
    assert ev.band(0.5) == "high"
    assert ev.band(math.nan) == ev.NOT_MEASURED
    assert ev.band(0.3, low=0.4, high=0.6) == "low"
    with pytest.raises(ValueError):
        ev.band(0.3, low=0.7, high=0.6)


def test_survey_shares_use_the_right_bases() -> None:
    s = ev.survey_theme_shares(_survey_findings(), _themes(), AGREE, "Yes").set_index("theme")
    assert s.loc["expertise", "survey_share"] == pytest.approx(6 / 8)  # of those who chose any
    assert s.loc["ip", "survey_share"] == pytest.approx(1 / 6)  # no-answer excluded
    assert s.loc["safety", "survey_share"] == pytest.approx(1 / 9)
    assert math.isnan(s.loc["reputation", "survey_share"])


def test_survey_unknown_item_is_an_error() -> None:
    themes = _themes()
    themes.loc[0, "survey_item"] = "Nope"
    with pytest.raises(ev.EvidenceInputError, match="theme expertise: survey driver 'Nope'"):
        ev.survey_theme_shares(_survey_findings(), themes, AGREE, "Yes")


def test_interview_shares_and_unknown_code() -> None:
    i = ev.interview_theme_shares(_code_counts(), 20, _themes()).set_index("theme")
    assert i.loc["expertise", "interview_share"] == pytest.approx(0.75)
    assert i.loc["ip", "interview_share"] == 0
    themes = _themes()
    themes.loc[1, "interview_code_id"] = "missing_code"
    with pytest.raises(ev.EvidenceInputError, match="interview code 'missing_code'"):
        ev.interview_theme_shares(_code_counts(), 20, themes)


def _table() -> pd.DataFrame:
    themes = _themes()
    s = ev.survey_theme_shares(_survey_findings(), themes, AGREE, "Yes")
    i = ev.interview_theme_shares(_code_counts(), 20, themes)
    return ev.benefits_risks_table(_literature(), themes, s, i)


def test_benefits_risks_table_levels_and_comparison() -> None:
    t = _table().set_index("theme")
    assert t.loc["expertise", "comparison"] == "consultations stress more"
    assert t.loc["ip", "comparison"] == "literature stresses more"
    assert t.loc["ip", "consulted_level"] == "low"
    assert t.loc["reputation", "survey_level"] == ev.NOT_MEASURED
    assert t.loc["reputation", "consulted_level"] == "medium"  # 9/20 in interviews
    assert t.loc["reputation", "comparison"] == "similar"
    # benefits first, then risks by literature emphasis (high first)
    assert list(_table()["theme"]) == ["expertise", "ip", "reputation", "safety"]


def test_benefits_risks_table_rejects_mismatched_files() -> None:
    themes = _themes()
    s = ev.survey_theme_shares(_survey_findings(), themes, AGREE, "Yes")
    i = ev.interview_theme_shares(_code_counts(), 20, themes)
    with pytest.raises(ev.EvidenceInputError, match="only in mapping \\['reputation'\\]"):
        ev.benefits_risks_table(_literature().iloc[:3], themes, s, i)
    lit = _literature()
    lit.loc[0, "kind"] = "risk"
    with pytest.raises(ev.EvidenceInputError, match="theme expertise: kind differs"):
        ev.benefits_risks_table(lit, themes, s, i)


def test_agreement_summary_lists_rare_risks() -> None:
    summary = ev.agreement_summary(_table())
    assert summary["literature_stresses_more"] == ["IP theft"]
    assert summary["consultations_stress_more"] == ["Access to expertise"]
    assert summary["rarely_reported"] == ["IP theft", "Safety"]
    assert summary["benefit_literature_mean"] == 1.0
    assert summary["benefit_consulted_mean"] == 3.0


def test_long_form_and_chart_are_deterministic() -> None:
    long = ev.benefits_risks_long(_table())
    assert len(long) == 4 * 3
    assert set(long["source"]) == set(ev.SOURCES)
    rep = long[(long["label"] == "Reputation") & (long["source"] == "Survey")].iloc[0]
    assert rep["text"] == "not asked" and rep["score"] == 0
    spec1 = ev.benefits_risks_chart(long).to_dict()
    spec2 = ev.benefits_risks_chart(ev.benefits_risks_long(_table())).to_dict()
    assert json.dumps(spec1, sort_keys=True) == json.dumps(spec2, sort_keys=True)


# ------------------------------------------------------------------ recommendations


def _recs() -> pd.DataFrame:
    return load_recommendations(RAW_SYNTH / "recommendations_SYNTHETIC_SCORES.csv")


def test_jitter_separates_overlapping_points_deterministically() -> None:
    recs = pd.DataFrame(
        {
            "id": [3, 1, 2, 4],
            "theme": ["a", "a", "b", "b"],
            "title": ["t3", "t1", "t2", "t4"],
            "feasibility": [5, 5, 5, 2],
            "impact": [5, 5, 5, 1],
            "score_status": ["illustrative"] * 4,
        }
    )
    j = ev.jitter_recommendations(recs, step=0.3)
    assert list(j["id"]) == [1, 2, 3, 4]
    pts = list(zip(j["x"].round(6), j["y"].round(6), strict=True))
    assert len(set(pts)) == 4
    # the lone point stays on its score; the group stays centred on its score
    assert (j.loc[3, "x"], j.loc[3, "y"]) == (2.0, 1.0)
    assert j.loc[:2, "x"].mean() == pytest.approx(5.0, abs=0.3)
    # no point moves more than one step-grid away from its score
    assert ((j["x"] - j["feasibility"]).abs() <= 0.3).all()
    j2 = ev.jitter_recommendations(recs.sample(frac=1, random_state=1), step=0.3)
    pd.testing.assert_frame_equal(j, j2)


def test_recommendations_chart_labels_illustrative_scores() -> None:
    recs = _recs()
    chart = ev.recommendations_chart(recs)
    spec = json.dumps(chart.to_dict())
    assert ev.is_illustrative(recs)
    assert "illustrative scores" in spec
    assert '"tooltip"' in spec and '"title"' in spec
    assessed = recs.assign(score_status="assessed")
    assert not ev.is_illustrative(assessed)
    assert "illustrative scores" not in json.dumps(ev.recommendations_chart(assessed).to_dict())
    assert isinstance(chart, alt.LayerChart)


def test_recommendations_table_has_every_recommendation() -> None:
    recs = _recs()
    t = ev.recommendations_table(recs)
    assert list(t["No."]) == sorted(recs["id"])
    assert list(t.columns) == ["No.", "Theme", "Recommendation", "Feasibility", "Impact", "Scores"]


# ------------------------------------------------------------------ good practices


def test_good_practices_tables() -> None:
    gp = load_good_practices(RAW_SYNTH / "good_practices.csv")
    by_group = ev.good_practices_by_group(gp)
    assert by_group["practices"].sum() == len(gp)
    assert by_group["group"].iloc[0] == "building connections and partnerships"
    counts = pd.DataFrame({"code_id": ["gp_personal_networks"], "interviews_total": [10]})
    table = ev.good_practices_table(gp, counts, 40)
    assert len(table) == len(gp)
    assert table.loc[0, "Interviews raising it"] == "25%"
    assert (table["Interviews raising it"] == "").sum() == len(gp) - 1
    assert "Interviews raising it" not in ev.good_practices_table(gp).columns


# ------------------------------------------------------------------ data quality


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_read_accounting_normalises_each_layout(tmp_path: Path) -> None:
    _write(
        tmp_path / "row_accounting.json",
        json.dumps(
            {
                "centres": 10,
                "duplicates": 1,
                "non_data_rows": 2,
                "raw_rows": 15,
                "rejected": 2,
                "source_file": "c.xlsx",
            }
        ),
    )
    _write(
        tmp_path / "i" / "acc.json",
        json.dumps(
            {
                "source_files": {"export": "i.xlsx"},
                "cases_sheet": {"raw_rows": 5, "kept": 4, "duplicates": 1, "rejected": 0},
                "matrix_cells": {"raw_cells": 8, "kept": 7, "rejected": 1},
            }
        ),
    )
    _write(
        tmp_path / "b.json",
        json.dumps(
            {
                "raw": 9,
                "kept": 6,
                "duplicates_doi": 2,
                "duplicates_id": 0,
                "rejected": 0,
                "source_files": ["w1.jsonl", "w2.csv"],
            }
        ),
    )
    files = {
        "centres": "row_accounting.json",
        "cases": "i/acc.json#cases_sheet",
        "cells": "i/acc.json#matrix_cells",
        "biblio": "b.json",
    }
    acc = ev.read_accounting(files, tmp_path).set_index("input")
    assert acc.loc["centres", "kept"] == 10 and acc.loc["centres", "non_data_rows"] == 2
    assert acc.loc["centres", "balanced"]
    assert acc.loc["cases", "source_file"] == "i.xlsx"
    assert acc.loc["cells", "duplicates"] == 0 and acc.loc["cells", "balanced"]
    assert acc.loc["biblio", "source_file"] == "w1.jsonl, w2.csv"
    assert not acc.loc["biblio", "balanced"] and acc.loc["biblio", "check"] == ev.CROSS_MARK
    with pytest.raises(AssertionError, match="biblio: raw 9 != kept 6"):
        ev.assert_accounting(acc.reset_index())
    ev.assert_accounting(acc.reset_index().iloc[:3])


def test_missing_accounting_file_or_key_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ev.EvidenceInputError, match="absent.json: file not found"):
        ev.read_accounting({"x": "absent.json"}, tmp_path)
    _write(tmp_path / "a.json", json.dumps({"kept": 1}))
    with pytest.raises(ev.EvidenceInputError, match="no key 'cases'"):
        ev.read_accounting({"x": "a.json#cases"}, tmp_path)
    with pytest.raises(ev.EvidenceInputError, match="accounting has no raw, rejected count"):
        ev.read_accounting({"x": "a.json"}, tmp_path)


def test_read_rejects_stacks_inputs_and_keeps_hostile_values_as_text(tmp_path: Path) -> None:
    _write(
        tmp_path / "r1.csv",
        "source_file,source_row,column,value,reason\nf.xlsx,10,A,'=1+1,formula\n"
        "f.xlsx,9,B,<script>x</script>,bad\n",
    )
    _write(tmp_path / "s" / "r2.csv", "source_file,source_row,column,value,reason\n")
    rej = ev.read_rejects({"centres": "r1.csv", "survey": "s/r2.csv"}, tmp_path)
    assert list(rej.columns) == ["input", *ev.REJECT_COLUMNS]
    assert list(rej["source_row"]) == ["9", "10"]
    assert "<script>x</script>" in set(rej["value"])
    _write(tmp_path / "bad.csv", "file,row\n")
    with pytest.raises(ev.EvidenceInputError, match="bad.csv: missing column"):
        ev.read_rejects({"x": "bad.csv"}, tmp_path)
    with pytest.raises(ev.EvidenceInputError, match="file not found"):
        ev.read_rejects({"x": "nope.csv"}, tmp_path)


def test_read_unresolved_handles_each_layout(tmp_path: Path) -> None:
    _write(
        tmp_path / "u.csv",
        "source_row,column,value,best_candidate,score\n8,UK partner(s),Northmoor,X [gb-x],53.3\n",
    )
    _write(
        tmp_path / "s.csv",
        "organisation_text,n_responses,response_ids,best_candidate,score\nUni of Nowhere,2,R1,,\n",
    )
    _write(tmp_path / "i.json", json.dumps({"unresolved_organisations": ["Mystery Lab"]}))
    u = ev.read_unresolved(
        {"centres": "u.csv", "survey": "s.csv", "interviews": "i.json#unresolved_organisations"},
        tmp_path,
    )
    assert list(u["name"]) == ["Northmoor", "Uni of Nowhere", "Mystery Lab"]
    assert u.loc[0, "where"] == "row 8, UK partner(s)" and u.loc[0, "score"] == "53"
    assert u.loc[1, "where"] == "2 response(s)"


def test_approximate_years() -> None:
    centres = pd.DataFrame(
        {
            "centre_id": ["C2", "C1", "C3"],
            "name": ["b", "a", "c"],
            "year_established": [2010, 2005, 2012],
            "year_approximate": [True, True, False],
            "source_row": [4, 3, 5],
        }
    )
    out = ev.approximate_years(centres)
    assert list(out["centre_id"]) == ["C1", "C2"]
    with pytest.raises(ev.EvidenceInputError, match="year_approximate"):
        ev.approximate_years(centres.drop(columns="year_approximate"))


def test_edition_is_synthetic(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", json.dumps({"source_file": "survey_export_SYNTHETIC.csv"}))
    _write(tmp_path / "b.json", json.dumps({"source_files": {"export": "real.xlsx"}}))
    assert ev.edition_is_synthetic(["x/recs.csv"], [tmp_path / "a.json"])
    assert not ev.edition_is_synthetic(["x/recs.csv"], [tmp_path / "b.json"])
    assert ev.edition_is_synthetic(["x/recs_SYNTHETIC_SCORES.csv"], [])
    with pytest.raises(ev.EvidenceInputError, match="file not found"):
        ev.edition_is_synthetic([], [tmp_path / "missing.json"])
