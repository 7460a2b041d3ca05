"""Tests for pipeline.synthesis.chapter: display tables and wording."""

from __future__ import annotations

import pandas as pd
from synthesis_data import RAW_SYNTH, evidence_table

from pipeline.synthesis.chapter import (
    benefits_risks_display,
    good_practices_table,
    lower_first,
    name_list,
    recommendations_table,
    share_text,
)
from pipeline.synthesis.findings import good_practices_by_group
from pipeline.synthesis.read import load_good_practices, load_recommendations


def _recs() -> pd.DataFrame:
    return load_recommendations(RAW_SYNTH / "recommendations_SYNTHETIC_SCORES.csv")


def test_recommendations_table_has_every_recommendation() -> None:
    recs = _recs()
    t = recommendations_table(recs)
    assert list(t["No."]) == sorted(recs["id"])
    assert list(t.columns) == ["No.", "Theme", "Recommendation", "Feasibility", "Impact", "Scores"]


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
