"""Small synthesis inputs shared by the synthesis tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.synthesis.findings import (
    benefits_risks_table,
    interview_theme_shares,
    survey_theme_shares,
)

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "data" / "reference"
RAW_SYNTH = ROOT / "data" / "raw" / "synthesis"
AGREE = ("Somewhat agree", "Strongly agree")


def sample_themes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("expertise", "Access to expertise", "benefit", "driver", "Expertise", "drv_x"),
            ("ip", "IP theft", "risk", "challenge", "Protecting IP", "rsk_ip"),
            ("safety", "Safety", "risk", "at_risk", "", "rsk_safe"),
            ("reputation", "Reputation", "risk", "", "", "rsk_rep"),
        ],
        columns=["theme", "label", "kind", "survey_question", "survey_item", "interview_code_id"],
    )


def sample_literature() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("expertise", "benefit", "low", "p. 9"),
            ("ip", "risk", "high", "p. 11"),
            ("safety", "risk", "low", "p. 11"),
            ("reputation", "risk", "medium", "p. 11"),
        ],
        columns=["theme", "kind", "emphasis", "basis"],
    )


def sample_survey_findings() -> dict:
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


def sample_code_counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "code_id": ["drv_x", "rsk_ip", "rsk_safe", "rsk_rep"],
            "interviews_total": [15, 0, 2, 9],
        }
    )


def evidence_table() -> pd.DataFrame:
    """The benefits-and-risks table of the small inputs above."""
    t = sample_themes()
    s = survey_theme_shares(sample_survey_findings(), t, AGREE, "Yes")
    i = interview_theme_shares(sample_code_counts(), 20, t)
    return benefits_risks_table(sample_literature(), t, s, i)
