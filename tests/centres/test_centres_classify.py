"""Research-area classification by the rules file, and its use in cleaning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from centres_helpers import row, write_xlsx

from pipeline.centres import classify_research_area


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the rule whose match starts earliest wins, whatever its priority
        ("Engineering materials", ("engineering", "stem", "engineering")),
        ("Materials engineering", ("materials_science", "stem", "advanced_materials")),
        # same start: lower priority number wins
        ("Ecology of rivers", ("environment_ecology", "stem", None)),
        # same start and priority: lower rule_id wins
        ("Nature recovery", ("environment_ecology", "stem", None)),
        # an nsi_sector rule beats the topic's default sector
        ("Materials for batteries", ("materials_science", "stem", "energy")),
        ("Engineering for machine learning", ("engineering", "stem", "artificial_intelligence")),
        # non-STEM topics never carry a sector, even when a sector rule matches
        ("History of solar energy", ("arts_humanities", "non_stem", None)),
        # multidisciplinary topics take sector rules but have no default here
        ("Sustainable cities", ("sustainable_development", "multidisciplinary", None)),
        ("Sustainable energy", ("sustainable_development", "multidisciplinary", "energy")),
        # case-insensitive
        ("ADVANCED MATERIALS", ("materials_science", "stem", "advanced_materials")),
        # nothing matches
        ("Basket weaving", ("unclassified", None, None)),
        ("", ("unclassified", None, None)),
    ],
)
def test_classify_research_area(ref_dir: Path, text: str, expected: tuple[Any, ...]) -> None:
    assert classify_research_area(text, ref_dir) == expected


def test_unclassified_and_misplaced_partner_go_to_review(
    tmp_path: Path, clean: Callable[..., Any]
) -> None:
    rows = [
        row({"Research area": "Basket weaving"}),
        row(
            {
                "Centre name": "Swapped",
                "UK partner(s)": "Peking University",
                "Chinese partner(s)": "University of Cambridge",
            }
        ),
    ]
    r = clean(write_xlsx(tmp_path / "u.xlsx", rows))
    assert r.accounting["centres"] == 2
    c = r.centres.set_index("name")
    assert c.loc["Joint Centre for Materials", "topic"] == "unclassified"
    issues = list(r.review["issue"])
    assert any("not classified" in i for i in issues)
    assert sum("typed under" in i for i in issues) == 2
    # the side follows the organisation's country, not the column
    cp = r.centre_partners[r.centre_partners["centre_id"] == c.loc["Swapped", "centre_id"]]
    assert dict(zip(cp["org_id"], cp["side"], strict=True)) == {
        "cn-peking": "CN",
        "gb-cambridge": "UK",
    }
