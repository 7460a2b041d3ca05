"""The workshop input: cleaning, summaries, disclosure of small groups, the synthetic sheet
and the command line (issue 16 item 6). Hostile sheets are in tests/hostile/manifest.yaml."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.synthetic.workshop import PARTICIPANTS_BY_TYPE, generate, sheet_frame
from pipeline.workshop import apply_scores, clean_workshop, score_summary, type_agreement
from pipeline.workshop.cli import cli
from pipeline.workshop.findings import TOO_FEW

HEADER = "participant,organisation_type,recommendation,feasibility,impact,comment\n"


def _scores(rows: list[tuple[str, str, int, int, int]]) -> pd.DataFrame:
    cols = ["participant_key", "organisation_type", "recommendation", "feasibility", "impact"]
    return pd.DataFrame(rows, columns=cols)


def test_summary_gives_medians_and_quartiles() -> None:
    scores = _scores(
        [(f"w{i:03d}", "university", 1, f, 6 - f) for i, f in enumerate([1, 2, 3, 4, 5])]
    )
    row = score_summary(scores, k=5).iloc[0]
    assert row["participants"] == 5
    assert (row["feasibility_median"], row["feasibility_q1"], row["feasibility_q3"]) == (3, 2, 4)
    assert row["impact_median"] == 3


def test_a_recommendation_scored_by_fewer_than_k_is_not_summarised() -> None:
    scores = _scores([(f"w{i:03d}", "funder", 2, 5, 5) for i in range(4)])
    row = score_summary(scores, k=5).iloc[0]
    assert row["participants"] == 4 and pd.isna(row["feasibility_median"])
    recs = pd.DataFrame({"id": [2], "theme": ["t"], "title": ["x"]})
    applied = apply_scores(recs, score_summary(scores, k=5)).iloc[0]
    assert applied["score_status"] == TOO_FEW and pd.isna(applied["impact"])


def test_types_agree_only_within_the_gap_and_small_types_are_left_out() -> None:
    rows = [(f"u{i}", "university", 1, 4, 4) for i in range(5)]
    rows += [(f"g{i}", "government", 1, 2, 4) for i in range(5)]  # feasibility 2 points apart
    rows += [(f"b{i}", "business", 1, 5, 1) for i in range(2)]  # too few to compare
    out = type_agreement(_scores(rows), k=5).iloc[0]
    assert out["types_compared"] == 2
    assert (out["feasibility_gap"], out["impact_gap"]) == (2, 0)
    assert not out["agree"]
    alone = type_agreement(_scores(rows[:5]), k=5).iloc[0]
    assert alone["types_compared"] == 1 and pd.isna(alone["agree"])


def test_apply_scores_replaces_placeholders_with_medians() -> None:
    scores = _scores([(f"w{i}", "university", 3, 4, 2) for i in range(6)])
    recs = pd.DataFrame(
        {
            "id": [3],
            "theme": ["t"],
            "title": ["x"],
            "feasibility": [1],
            "impact": [5],
            "score_status": ["illustrative"],
        }
    )
    out = apply_scores(recs, score_summary(scores, k=5)).iloc[0]
    assert (out["feasibility"], out["impact"], out["participants"]) == (4, 2, 6)
    assert out["score_status"] == "assessed"


def test_labels_and_comments_stay_out_of_the_scores(tmp_path: Path) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(HEADER + "Ann Example,university,1,4,5,ring me\nBo,funder,1,3,3,\n", "utf-8")
    result = clean_workshop(sheet, [1])
    assert list(result.scores["participant_key"]) == ["w001", "w002"]
    assert "Ann Example" not in result.scores.to_csv() + result.rejects.to_csv()
    assert list(result.comments["comment"]) == ["ring me"]


def test_the_synthetic_sheet_is_seeded_and_plants_its_problems(tmp_path: Path) -> None:
    assert sheet_frame(7).equals(sheet_frame(7)) and not sheet_frame(7).equals(sheet_frame(8))
    result = clean_workshop(generate(tmp_path)[0], range(1, 11))
    acc = result.accounting
    assert acc["participants"] == sum(PARTICIPANTS_BY_TYPE.values())
    assert (acc["duplicates"], acc["rejected"], acc["blank_rows"]) == (1, 1, 1)
    assert acc["kept"] == acc["participants"] * 10
    assert result.comments["comment"].str.contains("@").any()


def test_cli_cleans_a_sheet_and_refuses_a_bad_one(tmp_path: Path, capsys) -> None:
    recs = tmp_path / "recs.csv"
    recs.write_text("id,theme,title\n1,enabling connections,Fund events\n", "utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(HEADER + "P1,university,1,4,5,hello\n", "utf-8")
    args = ["clean", "--sheet", str(sheet), "--recommendations", str(recs),
            "--out", str(tmp_path / "out"), "--restricted", str(tmp_path / "private")]  # fmt: skip
    assert cli(args) == 0
    assert (tmp_path / "out" / "workshop_scores.parquet").is_file()
    assert "hello" in (tmp_path / "private" / "workshop_comments.csv").read_text("utf-8")
    sheet.write_text("participant,recommendation\nP1,1\n", "utf-8")
    assert cli(args) == 1
    assert "missing column" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["0", "6", "4.5", "high", ""])
def test_scores_outside_the_scale_are_rejected(tmp_path: Path, value: str) -> None:
    sheet = tmp_path / "s.csv"
    sheet.write_text(HEADER + f"P1,university,1,{value},3,\n", "utf-8")
    result = clean_workshop(sheet, [1])
    assert result.scores.empty and list(result.rejects["column"]) == ["feasibility"]


def test_the_chart_leaves_out_recommendations_with_too_few_scores() -> None:
    from pipeline.workshop.charts import score_ranges_chart, score_ranges_long

    rows = [(f"w{i}", "university", 1, 4, 2) for i in range(6)]
    rows += [(f"w{i}", "university", 2, 1, 1) for i in range(3)]
    summary = score_summary(_scores(rows), k=5)
    recs = pd.DataFrame({"id": [1, 2], "title": ["First", "Second"]})
    long = score_ranges_long(summary, recs)
    assert set(long["label"]) == {"1. First"} and set(long["score"]) == {"Feasibility", "Impact"}
    spec = score_ranges_chart(summary, recs).to_dict()
    assert "Second" not in str(spec)
