"""Tests for pipeline.synthesis.chapter: display tables and wording."""

from __future__ import annotations

import pandas as pd
from synthesis_data import RAW_SYNTH, evidence_table

from pipeline.synthesis.chapter import (
    benefits_risks_display,
    good_practices_table,
    level_scale_text,
    lower_first,
    name_list,
    recommendations_table,
    share_phrase,
    share_text,
)
from pipeline.synthesis.findings import QUICK_WIN_MIN, good_practices_by_group, quick_wins
from pipeline.synthesis.read import load_good_practices, load_recommendations


def _recs() -> pd.DataFrame:
    return load_recommendations(RAW_SYNTH / "recommendations.csv")


def test_recommendations_table_has_every_recommendation() -> None:
    recs = _recs()
    recs = recs.assign(feasibility=3.5, impact=4.0, participants=12)
    recs.loc[recs["id"] == 1, ["feasibility", "impact"]] = float("nan")
    t = recommendations_table(recs)
    assert list(t["No."]) == sorted(recs["id"])
    assert list(t.columns) == [
        "No.", "Theme", "Recommendation", "Feasibility (median)", "Impact (median)", "Participants"
    ]  # fmt: skip
    assert t.loc[0, "Feasibility (median)"] == "" and t.loc[1, "Feasibility (median)"] == "3.5"


# ------------------------------------------------------------------ good practices


def test_good_practices_tables() -> None:
    gp = load_good_practices(RAW_SYNTH / "good_practices.csv")
    by_group = good_practices_by_group(gp)
    assert by_group["practices"].sum() == len(gp)
    assert by_group["group"].iloc[0] == "building connections and partnerships"
    counts = pd.DataFrame({"code_id": ["gp_personal_networks"], "interviews_total": [10]})
    table = good_practices_table(gp, counts, 40)
    assert len(table) == len(gp)
    assert table.loc[0, "Interviews raising it"] == "25% (10 of 40)"
    assert (table["Interviews raising it"] == "").sum() == len(gp) - 1
    counts["interviews_total"] = 3  # raised in fewer than k interviews: hidden, share too
    table = good_practices_table(gp, counts, 40, k=5)
    assert table.loc[0, "Interviews raising it"] == "hidden (<5 of 40)"
    assert "Interviews raising it" not in good_practices_table(gp).columns


def test_share_text_states_the_denominator_and_never_a_hidden_share() -> None:
    rows = evidence_table().set_index("theme")
    expertise, ip, reputation = (rows.loc[t] for t in ("expertise", "ip", "reputation"))
    assert share_text(expertise, "survey") == "75% (6 of 8)"
    assert share_text(expertise, "survey", with_count=False) == "75%"
    assert share_text(ip, "survey") == "hidden (<5 of 6)"
    assert share_text(ip, "survey", with_count=False) == "hidden"
    assert share_text(reputation, "survey") == "not asked"


def test_lower_first_keeps_acronyms() -> None:
    assert lower_first("Access to expertise") == "access to expertise"
    assert lower_first("IP theft") == "IP theft"
    assert lower_first("UK reputation") == "UK reputation"


def test_name_list_joins_escaped_names() -> None:
    assert name_list([]) == "none"
    assert name_list(["Safety"]) == "safety"
    assert name_list(["Safety", "IP theft", "Reputation"]) == "safety, IP theft and reputation"
    assert name_list(["A_b*"]) == "a\\_b\\*"


def test_benefits_risks_display_headers_and_shares() -> None:
    shown = benefits_risks_display(evidence_table())
    assert list(shown.columns) == [
        "Theme",
        "Kind",
        "Literature emphasis",
        "Survey share",
        "Interview share",
        "Literature against those consulted",
    ]
    row = shown.set_index("Theme").loc["Reputation"]
    assert row["Survey share"] == "not asked" and row["Interview share"] == "45% (9 of 20)"


def test_share_phrase_writes_shown_hidden_and_unmeasured_shares() -> None:
    from types import SimpleNamespace

    from pipeline.disclosure import PRIMARY, SHOWN
    from pipeline.synthesis.schemas import NOT_MEASURED

    shown = SimpleNamespace(survey_status=SHOWN, survey_share=6 / 42, survey_label="6 of 42")
    hidden = SimpleNamespace(survey_status=PRIMARY, survey_share=None, survey_label="<5 of 41")
    absent = SimpleNamespace(survey_status=NOT_MEASURED)
    assert share_phrase(shown, "survey", "respondents") == "14% of respondents (6 of 42)"
    assert (
        share_phrase(hidden, "survey", "respondents") == "a hidden share of respondents (<5 of 41)"
    )
    assert share_phrase(absent, "survey", "respondents") == "not asked of respondents"


def test_level_scale_and_quick_wins_follow_the_stated_thresholds() -> None:
    assert level_scale_text() == "1 (low) to 3 (high)"
    recs = pd.DataFrame(
        {"id": [3, 1, 2, 4], "feasibility": [5, 4, 3, 4], "impact": [4, 5, 5, QUICK_WIN_MIN - 1]}
    )
    assert list(quick_wins(recs)["id"]) == [1, 3]
    assert list(quick_wins(recs, minimum=5)["id"]) == []
