"""Tests for pipeline.synthesis.findings: shares by source, bands and agreement."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from synthesis_data import (
    AGREE,
    evidence_table,
    sample_code_counts,
    sample_literature,
    sample_survey_findings,
    sample_themes,
)

from pipeline.interviews.schemas import AT_RISK_CODE
from pipeline.survey.charts import agreement_table
from pipeline.synthesis.findings import (
    _consulted_and_comparison,
    agreement_summary,
    band,
    benefits_risks_table,
    interview_theme_shares,
    survey_theme_shares,
)
from pipeline.synthesis.read import SynthesisInputError
from pipeline.synthesis.schemas import HIDDEN, NOT_MEASURED, UNCERTAIN

LIKERT = (
    "Strongly disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Strongly agree",
)


def test_band_thresholds() -> None:
    assert band(0.0) == "low"
    assert band(0.19) == "low"
    assert band(0.2) == "medium"
    assert band(0.5) == "high"
    assert band(math.nan) == NOT_MEASURED
    assert band(0.3, low=0.4, high=0.6) == "low"
    with pytest.raises(ValueError):
        band(0.3, low=0.7, high=0.6)


def test_survey_shares_use_the_right_bases() -> None:
    s = survey_theme_shares(sample_survey_findings(), sample_themes(), AGREE, "Yes", k=1)
    s = s.set_index("theme")
    assert s.loc["expertise", "survey_share"] == pytest.approx(6 / 8)  # of those who chose any
    assert s.loc["expertise", "survey_label"] == "6 of 8"
    assert s.loc["ip", "survey_share"] == pytest.approx(1 / 6)  # no-answer excluded
    assert s.loc["safety", "survey_share"] == pytest.approx(1 / 9)
    assert math.isnan(s.loc["reputation", "survey_share"])
    assert s.loc["reputation", "survey_status"] == NOT_MEASURED


def test_survey_drivers_base_is_those_who_answered_when_the_findings_give_it() -> None:
    findings = {**sample_survey_findings(), "drivers_answered": 7}
    s = survey_theme_shares(findings, sample_themes(), AGREE, "Yes").set_index("theme")
    assert s.loc["expertise", "survey_base"] == 7


def test_small_survey_counts_are_hidden_with_what_is_derived_from_them() -> None:
    s = survey_theme_shares(sample_survey_findings(), sample_themes(), AGREE, "Yes", k=5)
    s = s.set_index("theme")
    ip = s.loc["ip"]  # 1 agreed of 6 who answered
    assert ip["survey_status"] == "primary" and pd.isna(ip["survey_raising"])
    assert math.isnan(ip["survey_share"]) and ip["survey_label"] == "<5 of 6"
    # a reader knows only that 1 to 4 of 6 agreed
    assert (ip["survey_min"], ip["survey_max"]) == pytest.approx((1 / 6, 4 / 6))
    # felt at risk is a whole-sample exception: shown even though 1 < k
    assert s.loc["safety", "survey_status"] == "shown"
    assert s.loc["safety", "survey_raising"] == 1


def test_agreement_hidden_when_it_would_reveal_a_hidden_cell() -> None:
    findings = sample_survey_findings()
    counts = (1, 7, 18, 14, 2)
    findings["challenges_likert"] = {
        "Protecting IP": [{"label": a, "count": n} for a, n in zip(LIKERT, counts, strict=True)]
    }
    s = survey_theme_shares(findings, sample_themes(), AGREE, "Yes", k=5).set_index("theme")
    # 16 agreed is not small, but 16 - 14 shown would give away the hidden 2
    assert s.loc["ip", "survey_status"] == "secondary"
    assert s.loc["ip", "survey_label"] == "* of 42"
    assert (s.loc["ip", "survey_min"], s.loc["ip", "survey_max"]) == (0.0, 1.0)


def test_survey_statuses_match_the_survey_chapter_agreement_table() -> None:
    """The synthesis hides exactly the challenge cells the survey chapter hides."""
    likert = {
        "A": [{"label": lab, "count": n} for lab, n in zip(LIKERT, (3, 14, 20, 4, 0), strict=True)],
        "B": [{"label": lab, "count": n} for lab, n in zip(LIKERT, (1, 7, 18, 14, 2), strict=True)],
        "C": [{"label": lab, "count": n} for lab, n in zip(LIKERT, (0, 2, 12, 23, 6), strict=True)],
        "D": [{"label": lab, "count": n} for lab, n in zip(LIKERT, (0, 3, 21, 13, 4), strict=True)],
    }
    findings = {"survey_responses": 45, "challenges_likert": likert, "at_risk_counts": {}}
    themes = pd.DataFrame(
        [(c, c, "risk", "challenge", c, "") for c in likert],
        columns=["theme", "label", "kind", "survey_question", "survey_item", "interview_code_id"],
    )
    ours = survey_theme_shares(findings, themes, AGREE, "Yes", k=5).set_index("theme")
    chapter = agreement_table(likert, k=5).set_index("Challenge")
    marks = {"primary": "<5", "secondary": "*"}
    for item in likert:
        expected = chapter.at[item, "Agreed"]
        status = ours.at[item, "survey_status"]
        assert marks.get(status, str(ours.at[item, "survey_raising"])) == expected, item
        assert pd.isna(ours.at[item, "survey_raising"]) == (status != "shown")
    assert set(ours["survey_status"]) == {"primary", "secondary", "shown"}


def test_small_interview_counts_are_hidden_except_felt_at_risk() -> None:
    themes = sample_themes()
    themes.loc[2, "interview_code_id"] = AT_RISK_CODE
    counts = sample_code_counts().replace({"rsk_safe": AT_RISK_CODE})
    counts.loc[len(counts)] = ["rsk_small", 3]
    themes.loc[3, "interview_code_id"] = "rsk_small"
    i = interview_theme_shares(counts, 20, themes, k=5).set_index("theme")
    assert i.loc["safety", "interview_status"] == "shown"  # 2 of 20, but exempt
    assert i.loc["reputation", "interview_status"] == "primary"
    assert i.loc["reputation", "interview_label"] == "<5 of 20"
    assert math.isnan(i.loc["reputation", "interview_share"])


def test_survey_unknown_item_is_an_error() -> None:
    themes = sample_themes()
    themes.loc[0, "survey_item"] = "Nope"
    with pytest.raises(SynthesisInputError, match="theme expertise: survey driver 'Nope'"):
        survey_theme_shares(sample_survey_findings(), themes, AGREE, "Yes")


def test_interview_shares_and_unknown_code() -> None:
    i = interview_theme_shares(sample_code_counts(), 20, sample_themes(), k=1).set_index("theme")
    assert i.loc["expertise", "interview_share"] == pytest.approx(0.75)
    assert i.loc["ip", "interview_share"] == 0
    themes = sample_themes()
    themes.loc[1, "interview_code_id"] = "missing_code"
    with pytest.raises(SynthesisInputError, match="interview code 'missing_code'"):
        interview_theme_shares(sample_code_counts(), 20, themes)


def test_benefits_risks_table_levels_and_comparison() -> None:
    t = evidence_table().set_index("theme")
    assert t.loc["expertise", "comparison"] == "consultations stress more"
    # IP: the survey count is hidden (1 of 6), the interviews raised it in none of 20;
    # 1 to 4 of 6 could be anything from low to high, so neither level nor comparison is known
    assert t.loc["ip", "survey_level"] == HIDDEN
    assert t.loc["ip", "consulted_level"] == UNCERTAIN
    assert t.loc["ip", "comparison"] == UNCERTAIN
    assert t.loc["reputation", "survey_level"] == NOT_MEASURED
    assert t.loc["reputation", "consulted_level"] == "medium"  # 9/20 in interviews
    assert t.loc["reputation", "comparison"] == "similar"
    # safety: survey 1 of 9 (exempt, low); interviews 2 of 20 hidden, and 4 of 20 would be
    # medium, so the level stays open
    assert t.loc["safety", "interview_level"] == HIDDEN
    assert t.loc["safety", "consulted_level"] == UNCERTAIN
    # benefits first, then risks by literature emphasis (high first)
    assert list(evidence_table()["theme"]) == ["expertise", "ip", "reputation", "safety"]


def test_a_hidden_count_decides_a_comparison_only_when_every_allowed_count_would() -> None:
    row = evidence_table().set_index("theme").loc["ip"].copy()
    row["literature"] = "high"
    # a hidden 1 to 4 of 60 is low whatever it is: the literature's "high" is more
    row["survey_min"], row["survey_max"] = 1 / 60, 4 / 60
    assert _consulted_and_comparison(row, 0.2, 0.5) == ("low", "literature stresses more")
    # of 6 it could be high: the comparison stays open
    row["survey_min"], row["survey_max"] = 1 / 6, 4 / 6
    assert _consulted_and_comparison(row, 0.2, 0.5) == (UNCERTAIN, UNCERTAIN)


def test_benefits_risks_table_rejects_mismatched_files() -> None:
    themes = sample_themes()
    s = survey_theme_shares(sample_survey_findings(), themes, AGREE, "Yes")
    i = interview_theme_shares(sample_code_counts(), 20, themes)
    with pytest.raises(SynthesisInputError, match="only in mapping \\['reputation'\\]"):
        benefits_risks_table(sample_literature().iloc[:3], themes, s, i)
    lit = sample_literature()
    lit.loc[0, "kind"] = "risk"
    with pytest.raises(SynthesisInputError, match="theme expertise: kind differs"):
        benefits_risks_table(lit, themes, s, i)


def test_agreement_summary_lists_rare_risks() -> None:
    summary = agreement_summary(evidence_table())
    assert summary["literature_stresses_more"] == []
    assert summary["consultations_stress_more"] == ["Access to expertise"]
    assert summary["uncertain"] == ["IP theft", "Safety"]
    # IP: 1 to 4 of 6 could be 67 %; safety: 1 to 4 of 20 could be 20 %: neither is known
    # to be rare
    assert summary["rarely_reported"] == []
    assert summary["benefit_literature_mean"] == 1.0
    assert summary["benefit_consulted_mean"] == 3.0
    # the mean of the consulted levels leaves out the levels hidden counts leave open
    assert summary["risk_consulted_mean"] == 2.0
    table = evidence_table()
    table.loc[table["theme"] == "safety", "interview_max"] = 4 / 40  # as if of 40 interviews
    assert agreement_summary(table)["rarely_reported"] == ["Safety"]
