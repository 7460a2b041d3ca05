"""The joint display (issue 16 item 5): the literature's emphasis computed from the library,
shares as the disclosure rules left them, approved excerpts of the theme's code."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.interviews.chapter import excerpt_table
from pipeline.synthesis.joint import joint_display, literature_levels
from pipeline.synthesis.read import SynthesisInputError

TYPED = pd.DataFrame(
    {
        "theme": ["geo", "ip"],
        "kind": ["risk", "risk"],
        "emphasis": ["high", "high"],
        "basis": ["p. 1", "p. 2"],
    }
)
EMPHASIS = pd.DataFrame(
    {
        "theme": ["geo", "ip", "other"],
        "label": ["G", "I", "O"],
        "references": [16, 3, 1],
        "coded_references": [52, 52, 52],
        "share": [16 / 52, 3 / 52, 1 / 52],
    }
)


def test_levels_are_computed_from_the_library_and_keep_the_brief_beside_them() -> None:
    levels = literature_levels(EMPHASIS, TYPED, low=0.1, high=0.2).set_index("theme")
    assert levels.loc["geo", "emphasis"] == "high" and levels.loc["ip", "emphasis"] == "low"
    assert levels.loc["ip", "brief_emphasis"] == "high"
    assert levels.loc["geo", "references"] == 16


def test_a_theme_the_coding_scheme_lacks_is_named() -> None:
    typed = pd.concat([TYPED, TYPED.assign(theme="nowhere")])
    with pytest.raises(SynthesisInputError, match="nowhere"):
        literature_levels(EMPHASIS, typed)


def _evidence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme": ["geo", "ip"],
            "label": ["Geopolitics", "IP theft"],
            "kind": ["risk", "risk"],
            "survey_status": ["shown", "primary"],
            "survey_share": [0.6, float("nan")],
            "survey_label": ["24 of 40", "<5 of 42"],
            "interview_status": ["shown", "shown"],
            "interview_share": [0.5, 0.1],
            "interview_label": ["20 of 40", "4 of 40"],
        }
    )


def test_joint_display_sets_the_sources_side_by_side_with_approved_excerpts() -> None:
    themes = pd.DataFrame({"theme": ["geo", "ip"], "interview_code_id": ["chl_geo", "rsk_ip"]})
    excerpts = pd.DataFrame(
        {"excerpt_id": ["a", "b", "c"], "code_id": ["chl_geo"] * 3, "text": ["one", "two", "x"]}
    )
    levels = literature_levels(EMPHASIS, TYPED, low=0.1, high=0.2)
    table = joint_display(_evidence(), levels, themes, excerpts).set_index("Theme")
    assert (
        table.loc["Geopolitics", "Literature (share of references)"] == "16 of 52 references, high"
    )
    assert table.loc["Geopolitics", "In interviewees' words"] == "“one” / “two”"
    assert table.loc["IP theft", "Survey"] == "hidden (<5 of 42)"
    assert table.loc["IP theft", "In interviewees' words"] == ""


def test_excerpt_table_quotes_per_code_in_code_order() -> None:
    counts = pd.DataFrame(
        {
            "code_id": ["b1", "a1"],
            "code_path": ["Risks\\IP", "Benefits\\Trust"],
            "theme": ["risks", "benefits"],
        }
    )
    excerpts = pd.DataFrame({"code_id": ["b1", "a1", "a1"], "text": ["x", "y", "z"]})
    table = excerpt_table(excerpts, counts, per_code=1)
    assert table.values.tolist() == [["Benefits", "Trust", "“y”"], ["Risks", "IP", "“x”"]]
