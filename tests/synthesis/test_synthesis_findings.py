"""Tests for pipeline.synthesis.findings: shares by source, bands and agreement."""

from __future__ import annotations

import math

import pytest
from synthesis_data import (
    AGREE,
    evidence_table,
    sample_code_counts,
    sample_literature,
    sample_survey_findings,
    sample_themes,
)

from pipeline.synthesis.findings import (
    agreement_summary,
    band,
    benefits_risks_table,
    interview_theme_shares,
    survey_theme_shares,
)
from pipeline.synthesis.read import SynthesisInputError
from pipeline.synthesis.schemas import NOT_MEASURED


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
    s = survey_theme_shares(sample_survey_findings(), sample_themes(), AGREE, "Yes").set_index(
        "theme"
    )
    assert s.loc["expertise", "survey_share"] == pytest.approx(6 / 8)  # of those who chose any
    assert s.loc["ip", "survey_share"] == pytest.approx(1 / 6)  # no-answer excluded
    assert s.loc["safety", "survey_share"] == pytest.approx(1 / 9)
    assert math.isnan(s.loc["reputation", "survey_share"])


def test_survey_unknown_item_is_an_error() -> None:
    themes = sample_themes()
    themes.loc[0, "survey_item"] = "Nope"
    with pytest.raises(SynthesisInputError, match="theme expertise: survey driver 'Nope'"):
        survey_theme_shares(sample_survey_findings(), themes, AGREE, "Yes")


def test_interview_shares_and_unknown_code() -> None:
    i = interview_theme_shares(sample_code_counts(), 20, sample_themes()).set_index("theme")
    assert i.loc["expertise", "interview_share"] == pytest.approx(0.75)
    assert i.loc["ip", "interview_share"] == 0
    themes = sample_themes()
    themes.loc[1, "interview_code_id"] = "missing_code"
    with pytest.raises(SynthesisInputError, match="interview code 'missing_code'"):
        interview_theme_shares(sample_code_counts(), 20, themes)


def test_benefits_risks_table_levels_and_comparison() -> None:
    t = evidence_table().set_index("theme")
    assert t.loc["expertise", "comparison"] == "consultations stress more"
    assert t.loc["ip", "comparison"] == "literature stresses more"
    assert t.loc["ip", "consulted_level"] == "low"
    assert t.loc["reputation", "survey_level"] == NOT_MEASURED
    assert t.loc["reputation", "consulted_level"] == "medium"  # 9/20 in interviews
    assert t.loc["reputation", "comparison"] == "similar"
    # benefits first, then risks by literature emphasis (high first)
    assert list(evidence_table()["theme"]) == ["expertise", "ip", "reputation", "safety"]


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
    assert summary["literature_stresses_more"] == ["IP theft"]
    assert summary["consultations_stress_more"] == ["Access to expertise"]
    assert summary["rarely_reported"] == ["IP theft", "Safety"]
    assert summary["benefit_literature_mean"] == 1.0
    assert summary["benefit_consulted_mean"] == 3.0
