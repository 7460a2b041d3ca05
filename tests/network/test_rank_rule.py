"""The ranking rule is stated once (``RANK_RULE``), printed by the chapter and the methods
appendix alike, and is the rule ``rank_order`` applies."""

import json
import re

import pandas as pd

from pipeline.io import repo_root
from pipeline.network.metrics import RANK_RULE, rank_order


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_rank_order_breaks_ties_as_the_rule_says():
    df = pd.DataFrame(
        {
            "org_id": ["o1", "o2", "o3", "o4"],
            "name": ["Beta", "Alpha", "Gamma", "Delta"],
            "centres": [3, 3, 3, 5],
            "weighted_degree": [4, 4, 9, 1],
        }
    )
    ranked = rank_order(df)
    # most centres first; then more pairings; then by name
    assert ranked["name"].tolist() == ["Delta", "Gamma", "Alpha", "Beta"]
    assert "number of centres" in RANK_RULE and "pairings" in RANK_RULE and "name" in RANK_RULE


def test_appendix_states_the_same_rule():
    """§8.1 and appendix B.4 once gave two different tie-breaks."""
    appendix = (repo_root() / "book" / "appendix_methods.md").read_text(encoding="utf-8")
    assert RANK_RULE in _squash(appendix.replace("\n  ", " "))


def test_the_network_chapter_prints_the_rule_from_code():
    nb = json.loads((repo_root() / "notebooks" / "phase3_network.ipynb").read_text("utf-8"))
    code = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    prose = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert 'report.glue("rank_rule", RANK_RULE)' in code
    assert "{glue:md}`rank_rule`" in prose
    assert "ties are broken" not in prose.lower()  # stated only through the glue
