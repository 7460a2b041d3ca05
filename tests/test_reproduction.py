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


def _row(published: object, computed: object, tolerance: float = 0) -> tuple[bool, str]:
    figs = {"figures": {"f": {"value": published, "computed": "x", "tolerance": tolerance}}}
    row = reproduction.check({"x": computed}, figs).iloc[0]
    return bool(row["match"]), str(row["reason"])


def _ranking(*names: str) -> list[dict]:
    return [{"name": n, "centres": 10 - i} for i, n in enumerate(names)]


def test_a_ranking_must_open_with_the_published_names_in_order() -> None:
    assert _row(["A", "B"], _ranking("A", "B", "C")) == (True, "")
    # the same names in another order do not reproduce a ranking
    assert _row(["A", "B"], _ranking("B", "A")) == (False, "position 1: B (published A)")
    assert _row(["A", "B", "C"], _ranking("C", "B", "A"))[0] is False
    assert _row(["A", "B"], _ranking("B", "C", "A")) == (False, "position 1: B (published A)")
    assert _row(["A", "B"], _ranking("A", "C")) == (False, "position 2: C (published B)")
    assert _row(["A", "B"], _ranking("A")) == (False, "1 computed, 2 published")
    assert _row(["A", "B"], "A") == (False, "computed value is not a list (str)")
    assert _row(["A"], [{"centres": 3}]) == (False, "computed ranking has an entry without a name")


def test_a_list_of_values_must_equal_the_published_list() -> None:
    assert _row([2005], [2005]) == (True, "")
    assert _row([2005], [2005, 2012]) == (False, "2 computed, 1 published")
    assert _row([0, 1, 4], [0, 4, 1]) == (False, "position 2: 4 (published 1)")
    assert _row([0, 1, 4], [0, 1, 4]) == (True, "")
    assert _row([1.0, 2.0], [1.04, 2.0], tolerance=0.05) == (True, "")


def test_a_number_outside_its_tolerance_fails() -> None:
    assert _row(100, 102, tolerance=2) == (True, "")
    assert _row(100, 102.5, tolerance=2) == (False, "differs by 2.5 (tolerance 2)")
    assert _row(0.6667, 0.6, tolerance=0.05)[0] is False
    assert _row(10, float("nan"))[0] is False


def test_a_value_of_the_wrong_type_fails() -> None:
    assert _row(10, "10") == (False, "computed value is not a number (str)")
    assert _row(1, True) == (False, "computed value is not a number (bool)")
    assert _row(10, [10]) == (False, "computed value is not a number (list)")
    assert _row("Ten", 10) == (False, "computed value is not text (int)")
    assert _row({"UK": 3}, [3]) == (False, "computed value is not a table (list)")
    assert _row({"UK": 3}, {"uk": "3"}) == (False, "UK: 3 (published 3)")


def test_a_missing_key_fails() -> None:
    assert _row({"UK": 3, "China": 4}, {"uk": 3}) == (False, "China: missing")
    assert _row({"UK": 3}, {"uk": 3, "china": 9}) == (True, "")  # extra keys are not compared
    figs = {"figures": {"f": {"value": 1, "computed": "not.there"}}}
    row = reproduction.check({"x": 1}, figs).iloc[0]
    assert (bool(row["match"]), row["reason"]) == (False, "not computed")
    metrics = reproduction.as_metrics(reproduction.check({"x": 1}, figs))
    assert metrics["all_match"] is False and metrics["match"] == {"f": False}


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


def test_the_appendix_says_what_agreement_shows_on_each_edition() -> None:
    full = {"all_match": True}
    synthetic = reproduction.what_agreement_shows(full, synthetic=True)
    assert "by construction" in synthetic and "end to end" in synthetic
    assert "reproduction of the study" not in synthetic
    real = reproduction.what_agreement_shows(full, synthetic=False)
    assert "reproduction of the study" in real and "by construction" not in real
    differs = reproduction.what_agreement_shows({"all_match": False}, synthetic=False)
    assert "finding" in differs and differs != real
