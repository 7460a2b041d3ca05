"""Survey charts and display tables: small counts never reach a chart or table as their value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import pytest

from pipeline import disclosure
from pipeline.survey import charts as sc
from pipeline.survey.clean import SurveyResult
from pipeline.survey.instrument import load_scales

SF = list(load_scales()["straightforward4"].labels)
AGREE = list(load_scales()["agreement5"].labels)


def _records(chart: alt.TopLevelMixin) -> list[dict[str, Any]]:
    """Every inline data record of a chart spec."""
    spec = chart.to_dict()
    out: list[dict[str, Any]] = []
    for values in spec.get("datasets", {}).values():
        out.extend(values)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict) and isinstance(data.get("values"), list):
                out.extend(data["values"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return out


def _sf_counts(values: list[int], no_answer: int = 0) -> list[dict[str, Any]]:
    rows = [{"label": lab, "count": n} for lab, n in zip(SF, values, strict=True)]
    if no_answer:
        rows.append({"label": sc.NO_ANSWER, "count": no_answer})
    return rows


# ------------------------------------------------------------------ mark_suppressed
def test_survey_mark_suppressed_hides_small_counts_and_keeps_zeros() -> None:
    df = pd.DataFrame({"x": ["a", "b", "c", "d"], "count": [0, 1, 4, 5]})
    out = disclosure.mark_suppressed(df, "count", k=5)
    assert out["suppressed"].tolist() == [False, True, True, False]
    assert out["label"].tolist() == ["0", "<5", "<5", "5"]
    assert out["plot_count"].tolist() == [0.0, 2.5, 2.5, 5.0]
    assert out["count"].isna().tolist() == [False, True, True, False]
    assert df["count"].tolist() == [0, 1, 4, 5]  # input untouched


def test_survey_mark_suppressed_rejects_bad_k() -> None:
    with pytest.raises(ValueError, match="k must be"):
        disclosure.mark_suppressed(pd.DataFrame({"count": [1]}), "count", k=0)


def test_survey_suppressed_label_follows_k() -> None:
    assert disclosure.suppressed_label(10) == "<10"


# ------------------------------------------------------------------ diverging bar
def test_survey_diverging_data_without_neutral_splits_at_zero() -> None:
    dist = sc.distribution_frame(_sf_counts([10, 20, 30, 40], no_answer=3))
    data = sc.diverging_data(dist, SF, k=5)
    assert data["label"].tolist() == SF  # "No answer" is not drawn
    assert int(data["n"].iloc[0]) == 100
    assert data["x_start"].iloc[0] == pytest.approx(-30.0)
    assert data.loc[data["label"] == SF[2], "x_start"].iloc[0] == pytest.approx(0.0)
    assert data["x_end"].iloc[-1] == pytest.approx(70.0)
    assert data["share"].tolist() == [10.0, 20.0, 30.0, 40.0]


def test_survey_diverging_data_neutral_straddles_zero() -> None:
    dist = sc.distribution_frame([{"label": lab, "count": 20} for lab in AGREE], item="x")
    data = sc.diverging_data(dist, AGREE, k=5, neutral=AGREE[2])
    neutral = data[data["label"] == AGREE[2]].iloc[0]
    assert neutral["x_start"] == pytest.approx(-10.0)
    assert neutral["x_end"] == pytest.approx(10.0)
    assert data["x_start"].min() == pytest.approx(-50.0)
    assert data["x_end"].max() == pytest.approx(50.0)


def test_survey_diverging_data_hides_a_complement_so_n_does_not_reveal_the_cell() -> None:
    dist = sc.distribution_frame(_sf_counts([3, 20, 30, 40], no_answer=2))
    data = sc.diverging_data(dist, SF, k=5).set_index("label")
    assert data.at[SF[0], "status"] == "primary" and data.at[SF[0], "display"] == "<5"
    # the complement comes from the same side (so the positive subtotal stays exact)
    assert data.at[SF[1], "status"] == "secondary" and data.at[SF[1], "display"] == "*"
    assert data["suppressed"].tolist() == [True, True, False, False]
    assert data[["count", "share"]].iloc[:2].isna().all().all()
    n = 93
    assert int(data["n"].iloc[0]) == n and int(data["no_answer"].iloc[0]) == 2
    # hidden segments are nominal (k / 2 people); shown ones keep their true share of n
    width = data["x_end"] - data["x_start"]
    assert width[SF[0]] == pytest.approx(100 * 2.5 / n, abs=1e-3)
    assert width[SF[1]] == pytest.approx(100 * 2.5 / n, abs=1e-3)
    assert data.at[SF[3], "share"] == round(100 * 40 / n, 1)


def test_survey_protect_line_rules() -> None:
    assert disclosure.protect_line([10, 3, 7, 0], k=5) == ["shown", "primary", "secondary", "shown"]
    assert disclosure.protect_line([10, 3, 7, 0], k=5, total_shown=False) == [
        "shown",
        "primary",
        "shown",
        "shown",
    ]
    # two small cells protect each other
    assert disclosure.protect_line([10, 3, 2], k=5) == ["shown", "primary", "primary"]
    # group preference: complement from the hidden cell's own group
    assert disclosure.protect_line([3, 30, 6, 8], k=5, groups=["a", "a", "b", "b"]) == [
        "primary",
        "secondary",
        "shown",
        "shown",
    ]
    # only zeros left: a zero is hidden rather than nothing
    assert disclosure.protect_line([3, 0], k=5) == ["primary", "secondary"]
    with pytest.raises(ValueError, match="k must be"):
        disclosure.protect_line([1], k=0)


def test_survey_diverging_data_rejects_labels_off_the_scale() -> None:
    dist = pd.DataFrame({"item": [""], "label": ["Maybe"], "count": [3]})
    with pytest.raises(ValueError, match="not on the scale"):
        sc.diverging_data(dist, SF)
    with pytest.raises(ValueError, match="neutral"):
        sc.diverging_data(sc.distribution_frame(_sf_counts([1, 2, 3, 4])), SF, neutral="Meh")


def test_survey_diverging_bar_spec_never_carries_the_small_value() -> None:
    # 3 is the only value below k; its true share is 3 / 93.
    dist = sc.distribution_frame(_sf_counts([3, 20, 30, 40]))
    chart = sc.diverging_bar(dist, SF, k=5)
    recs = [r for r in _records(chart) if "suppressed" in r]
    assert recs, "chart carries its data inline"
    small = [r for r in recs if r["suppressed"]]
    assert {r["display"] for r in small} == {"<5", "*"}
    for rec in small:
        assert "count" not in rec and rec.get("share") is None
        numbers = {v for v in rec.values() if isinstance(v, (int, float))}
        assert round(100 * 3 / 93, 1) not in numbers and 3 not in numbers
    assert all("count" not in r for r in recs)


def test_survey_diverging_bar_legend_names_the_suppressed_key() -> None:
    chart = sc.diverging_bar(sc.distribution_frame(_sf_counts([3, 20, 30, 40])), SF, k=5)
    text = json.dumps(chart.to_dict())
    assert "Hidden (<5 or *)" in text
    assert "strokeDash" in text


def test_survey_likert_matrix_sorts_by_agreement_and_hides_small_cells() -> None:
    likert = {
        "Low": [
            {"label": lab, "count": n} for lab, n in zip(AGREE, [10, 10, 10, 2, 0], strict=True)
        ],
        "High": [
            {"label": lab, "count": n} for lab, n in zip(AGREE, [0, 3, 5, 10, 20], strict=True)
        ]
        + [{"label": sc.NO_ANSWER, "count": 2}],
    }
    chart = sc.likert_matrix(likert, k=5)
    spec = chart.to_dict()
    sorts = [
        layer["encoding"]["y"].get("sort")
        for layer in spec["layer"]
        if "y" in layer.get("encoding", {})
    ]
    assert ["High", "Low"] in sorts
    recs = [r for r in _records(chart) if r.get("suppressed")]
    hidden = {(r["item"], r["label"], r["display"]) for r in recs}
    # "Low": 2 agree is small; the other agreeing answer is 0, so the complement is the
    # smallest non-zero answer of the line
    assert ("Low", AGREE[3], "<5") in hidden and ("Low", AGREE[0], "*") in hidden
    # "High": 3 disagree is small; the complement is the smallest non-zero non-agreeing answer
    assert ("High", AGREE[1], "<5") in hidden and ("High", AGREE[2], "*") in hidden
    assert len(hidden) == 4
    table = sc.likert_table(likert, k=5).set_index("Challenge")
    for item, label, display in hidden:
        assert table.at[item, label] == display
    assert table.at["High", AGREE[0]] == "0"
    assert table.at["High", "Answered"] == "38"
    assert table.at["High", sc.NO_ANSWER] == "<5"
    assert table.at["Low", sc.NO_ANSWER] == "0"


def test_survey_agreement_table_never_reveals_a_hidden_cell() -> None:
    def dist(values: list[int]) -> list[dict[str, Any]]:
        return [{"label": lab, "count": n} for lab, n in zip(AGREE, values, strict=True)]

    likert = {
        "Clear": dist([0, 6, 10, 20, 9]),  # nothing hidden
        "Paired": dist([0, 3, 11, 21, 9]),  # one small disagree, complement on the same side
        "Split": dist([0, 3, 21, 13, 2]),  # one small on each side: agreed would reveal it
        "Few": dist([10, 20, 10, 2, 1]),  # fewer than k agreed
    }
    t = sc.agreement_table(likert, k=5).set_index("Challenge")
    assert t.at["Clear", "Agreed"] == "29"
    assert t.at["Clear", "Share (%)"] == round(100 * 29 / 45, 1)
    assert t.at["Paired", "Agreed"] == "30"
    assert t.at["Split", "Agreed"] == "*" and pd.isna(t.at["Split", "Share (%)"])
    assert t.at["Few", "Agreed"] == "<5" and pd.isna(t.at["Few", "Share (%)"])
    assert list(t.index)[:2] == ["Paired", "Clear"]  # 68.2% before 64.4%


# ------------------------------------------------------------------ drivers
RANKED = [
    {"driver": "Expertise", "count": 30},
    {"driver": "Funding", "count": 12},
    {"driver": "Students", "count": 3},
]


def test_survey_drivers_data_keeps_rank_and_suppresses() -> None:
    d = sc.drivers_data(RANKED, k=5, respondents=40)
    assert d["driver"].tolist() == ["Expertise", "Funding", "Students"]
    assert d["rank"].tolist() == [1, 2, 3]
    assert d["label"].tolist() == ["30", "12", "<5"]
    assert d["share"].iloc[0] == 75.0 and pd.isna(d["share"].iloc[2])


def test_survey_drivers_chart_data_has_no_small_count() -> None:
    chart = sc.drivers_chart(RANKED, k=5, respondents=40)
    recs = [r for r in _records(chart) if "driver" in r]
    assert len(recs) == 3 and all("count" not in r for r in recs)
    students = next(r for r in recs if r["driver"] == "Students")
    assert students["label"] == "<5" and students["plot_count"] == 2.5
    assert chart.to_dict()["layer"][0]["encoding"]["y"]["sort"] == [
        "Expertise",
        "Funding",
        "Students",
    ]


def test_survey_suppressed_ranking_for_findings() -> None:
    out = sc.suppressed_ranking(RANKED, k=5)
    assert out == [
        {"driver": "Expertise", "count": 30},
        {"driver": "Funding", "count": 12},
        {"driver": "Students", "count": "<5"},
    ]
    json.dumps(out)


# ------------------------------------------------------------------ tables
def test_survey_counts_table_total_is_exact() -> None:
    t = sc.counts_table({"STEM": 22, "Social": 9, "Other": 1, "Arts": 0}, k=5, label="Field")
    assert t["Field"].tolist() == ["STEM", "Social", "Other", "Arts", "Total"]
    assert t["Respondents"].tolist() == ["22", "*", "<5", "0", "32"]
    two = sc.counts_table({"A": 22, "B": 2, "C": 1}, k=5)
    assert two["Respondents"].tolist() == ["22", "<5", "<5", "25"]
    no_total = sc.counts_table({"A": 22, "B": 9, "C": 1}, k=5, total=False)
    assert no_total["Respondents"].tolist() == ["22", "9", "<5"]


def test_survey_crosstab_table_suppresses_cells_and_margins_not_grand_total() -> None:
    df = pd.DataFrame(
        {
            "discipline": ["STEM"] * 8 + ["Arts"] * 3 + [None],
            "role": ["Academic"] * 6 + ["Support"] * 2 + ["Academic"] * 3 + ["Academic"],
        }
    )
    t = sc.crosstab_table(
        df, "discipline", "role", k=5, row_order=["STEM", "Arts"], missing="No answer"
    ).set_index("discipline")
    assert t.at["STEM", "Support"] == "<5"
    assert t.at["Arts", "Total"] == "<5"
    assert t.at["No answer", "Academic"] == "<5"
    assert t.at["Total", "Support"] == "<5"
    assert t.at["Total", "Total"] == 12
    assert list(t.index) == ["STEM", "Arts", "No answer", "Total"]
    # STEM row total (8) is shown: Support (2) must not be 8 - Academic
    assert t.at["STEM", "Academic"] == "*"
    # the Total row shows the grand total: Support total must not be 12 - Academic total
    assert t.at["Total", "Academic"] == "*"


def test_survey_protect_table_no_line_has_a_single_hidden_cell() -> None:
    tab = pd.DataFrame(
        [[20, 3, 9], [7, 6, 15], [10, 0, 4]],
        index=["a", "b", "c"],
        columns=["x", "y", "z"],
    )
    tab["Total"] = tab.sum(axis=1)
    tab.loc["Total"] = tab.sum(axis=0)
    status = disclosure.protect_table(tab, k=5)
    assert status.at["Total", "Total"] == "shown"
    for r in tab.index:
        line = status.loc[r]
        if line["Total"] == "shown":
            assert (line.drop("Total") != "shown").sum() != 1, r
    for c in tab.columns:
        line = status[c]
        if line["Total"] == "shown":
            assert (line.drop("Total") != "shown").sum() != 1, c
    assert status.at["a", "y"] == "primary" and status.at["c", "z"] == "primary"


# ------------------------------------------------------------------ synthetic edition
def test_survey_charts_on_cleaned_synthetic_export(
    cleaned: tuple[SurveyResult, dict, list[Path]],
) -> None:
    result, findings, _ = cleaned
    k = 5
    charts = [
        sc.diverging_bar(sc.distribution_frame(findings["straightforward_counts"]), SF, k),
        sc.likert_matrix(findings["challenges_likert"], k),
        sc.drivers_chart(findings["drivers_ranked"], k, findings["survey_responses"]),
    ]
    small_values = {
        int(r["count"])
        for dist in findings["challenges_likert"].values()
        for r in dist
        if 0 < int(r["count"]) < k
    }
    for chart in charts:
        for rec in _records(chart):
            assert "count" not in rec
            if rec.get("suppressed"):
                assert rec.get("label") in (None, *SF, *AGREE) or rec["label"] == "<5"
        assert chart.to_dict()["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    # no chart shows a personal column of the export
    text = json.dumps([c.to_dict() for c in charts])
    for column in result.accounting["columns_dropped_personal"]:
        assert column not in text
    assert small_values  # the synthetic edition does exercise suppression
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(charts[1].to_dict())
    assert "&lt;5" in svg or "<5" in svg
