"""Tests for pipeline.reproduction: published figures set beside computed findings."""

from __future__ import annotations

from pipeline import reproduction

PUBLISHED = {
    "sources": {"brief": {"citation": "RAND brief"}},
    "figures": {
        "count": {"value": 100, "computed": "a.count", "tolerance": 2, "source": "brief"},
        "share": {"value": 0.5, "computed": "a.share", "tolerance": 0},
        "ranking": {"value": ["Alpha Univ", "Beta"], "computed": "a.top"},
        "table": {"value": {"UK": 3, "China": 4}, "computed": "a.by_country", "tolerance": 0},
        "missing": {"value": 1, "computed": "a.nothing"},
        "text_only": {"value": 7},
    },
}


def test_check_compares_numbers_lists_and_tables() -> None:
    findings = {
        "a": {
            "count": 101.5,
            "share": 0.6,
            "top": [{"name": "Alpha Univ"}, {"name": "Beta"}, {"name": "Gamma"}],
            "by_country": {"uk": 3, "china": 5},
        }
    }
    table = reproduction.check(findings, PUBLISHED).set_index("figure")
    assert "text_only" not in table.index
    assert table.loc["count", "match"] and table.loc["count", "source"] == "RAND brief"
    assert not table.loc["share", "match"]
    assert table.loc["share", "reason"] == "differs by 0.1 (tolerance 0)"
    assert table.loc["ranking", "match"]
    assert not table.loc["table", "match"]
    assert table.loc["table", "reason"] == "China: 5 (published 4)"
    assert table.loc["table", "computed"] == {"UK": 3, "China": 5}
    assert table.loc["missing", "reason"] == "not computed"
    metrics = reproduction.as_metrics(table.reset_index())
    assert metrics["figures_checked"] == 5 and metrics["figures_matching"] == 2
    assert not metrics["all_match"]


def test_lists_must_open_the_ranking() -> None:
    figs = {"figures": {"r": {"value": ["A", "B"], "computed": "top"}}}
    for top, ok, reason in [
        (["A", "B", "C"], True, ""),
        (["B", "A"], True, ""),
        (["B", "C", "A"], False, "order differs"),
        (["A", "C"], False, "missing: B"),
        ("A", False, "computed value is not a list"),
    ]:
        row = reproduction.check({"top": top}, figs).iloc[0]
        assert (row["match"], row["reason"]) == (ok, reason), top


def test_display_table_marks_each_figure() -> None:
    findings = {"a": {"count": 100, "share": 0.6}}
    shown = reproduction.display_table(reproduction.check(findings, PUBLISHED))
    assert list(shown.columns) == [
        "figure",
        "published",
        "computed",
        "unit",
        "match",
        "reason",
        "where",
    ]
    marks = dict(zip(shown["figure"], shown["match"], strict=True))
    assert marks["count"] == "✓ match" and marks["share"] == "✗ differs"
    published = dict(zip(shown["figure"], shown["published"], strict=True))
    assert published["table"] == "{'UK': 3, 'China': 4}" and published["count"] == "100"
