"""Findings on hand-made tables, and small-cell suppression."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.disclosure import suppress
from pipeline.survey.findings import survey_findings
from pipeline.survey.instrument import load_scales


def _responses() -> pd.DataFrame:
    sf = load_scales()["straightforward4"]
    risk = load_scales()["yes_no_pnts"]
    return pd.DataFrame(
        {
            "response_id": pd.Series(["R001", "R002", "R003", "R004"], dtype="string"),
            "org_id": pd.Series(["gb-a", "gb-a", "gb-b", "unresolved"], dtype="string"),
            "straightforward": pd.Categorical(
                [
                    "Very straightforward",
                    "Not at all straightforward",
                    "Somewhat straightforward",
                    None,
                ],
                categories=list(sf.labels),
                ordered=True,
            ),
            "at_risk": pd.Categorical(
                ["Yes", "No", "Prefer not to say", "No"], categories=list(risk.labels)
            ),
            "drivers_n": pd.array([2, 1, 0, 1], dtype="Int64"),
        }
    )


def _long() -> pd.DataFrame:
    rows = [
        ("R001", "Q4", "drivers", "Access to funding"),
        ("R001", "Q4", "drivers", "Attracting students"),
        ("R002", "Q4", "drivers", "Attracting students"),
        ("R004", "Q4", "drivers", "Access to funding"),
    ]
    return pd.DataFrame(rows, columns=["response_id", "question_id", "question_key", "value"])


def test_headline_findings() -> None:
    f = survey_findings(_responses(), _long())
    assert f["survey_responses"] == 4
    assert f["survey_organisations"] == 2
    assert f["survey_unresolved_organisation_responses"] == 1
    assert f["survey_straightforward_n"] == 3
    assert f["survey_very_straightforward_share"] == pytest.approx(33.3)
    assert f["survey_not_straightforward_share"] == pytest.approx(33.3)
    assert f["at_risk_survey_respondents"] == 1
    assert f["drivers_no_answer"] == 1
    # denominators: the respondents who answered each question
    assert f["drivers_answered"] == 3
    assert f["at_risk_answered"] == 4
    labels = [d["label"] for d in f["straightforward_counts"]]
    assert labels == [
        "Not at all straightforward",
        "Not very straightforward",
        "Somewhat straightforward",
        "Very straightforward",
        "No answer",
    ]


def test_drivers_ranked_ties_by_name() -> None:
    ranked = survey_findings(_responses(), _long())["drivers_ranked"]
    assert ranked[0] == {"driver": "Access to funding", "count": 2}
    assert ranked[1] == {"driver": "Attracting students", "count": 2}
    zeros = [d["driver"] for d in ranked if d["count"] == 0]
    assert zeros == sorted(zeros)


def test_suppress_crosstab() -> None:
    tab = pd.DataFrame(
        {"Academic": [12, 3, 0, 15], "Total": [14, 4, 1, 19]},
        index=["STEM", "Social sciences", "Other", "Total"],
    )
    out = suppress(tab, 5)
    assert out.loc["Social sciences", "Academic"] == "<5"
    assert out.loc["Other", "Academic"] == 0  # zeros stay
    assert out.loc["STEM", "Academic"] == 12
    assert out.loc["Other", "Total"] == "<5"  # a margin of few people is still small
    assert out.loc["Total", "Total"] == 19  # the grand total stays
    assert tab.loc["Social sciences", "Academic"] == 3  # input untouched


def test_suppress_k_and_series() -> None:
    s = pd.Series({"Yes": 1, "No": 30, "Total": 3})
    out = suppress(s, k=3)
    assert out["Yes"] == "<3" and out["No"] == 30 and out["Total"] == 3
    assert suppress(pd.DataFrame({"a": [4]}), k=10).iloc[0, 0] == "<10"
    with pytest.raises(ValueError):
        suppress(s, k=0)
