"""Tests for pipeline.synthesis.charts: the benefits-and-risks grid and the recommendations."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest
from synthesis_data import RAW_SYNTH, evidence_table

from pipeline.synthesis.charts import (
    benefits_risks_chart,
    benefits_risks_long,
    jitter_recommendations,
    recommendations_chart,
)
from pipeline.synthesis.read import load_recommendations
from pipeline.synthesis.schemas import SOURCES


def test_long_form_and_chart_are_deterministic() -> None:
    long = benefits_risks_long(evidence_table())
    assert len(long) == 4 * 3
    assert set(long["source"]) == set(SOURCES)
    rep = long[(long["label"] == "Reputation") & (long["source"] == "Survey")].iloc[0]
    assert rep["text"] == "not asked" and rep["score"] == 0
    spec1 = benefits_risks_chart(long).to_dict()
    spec2 = benefits_risks_chart(benefits_risks_long(evidence_table())).to_dict()
    assert json.dumps(spec1, sort_keys=True) == json.dumps(spec2, sort_keys=True)


def _recs() -> pd.DataFrame:
    return load_recommendations(RAW_SYNTH / "recommendations.csv")


def test_jitter_separates_overlapping_points_deterministically() -> None:
    recs = pd.DataFrame(
        {
            "id": [3, 1, 2, 4],
            "theme": ["a", "a", "b", "b"],
            "title": ["t3", "t1", "t2", "t4"],
            "feasibility": [5, 5, 5, 2],
            "impact": [5, 5, 5, 1],
        }
    )
    j = jitter_recommendations(recs, step=0.3)
    assert list(j["id"]) == [1, 2, 3, 4]
    pts = list(zip(j["x"].round(6), j["y"].round(6), strict=True))
    assert len(set(pts)) == 4
    # the lone point stays on its score; the group stays centred on its score
    assert (j.loc[3, "x"], j.loc[3, "y"]) == (2.0, 1.0)
    assert j.loc[:2, "x"].mean() == pytest.approx(5.0, abs=0.3)
    # no point moves more than one step-grid away from its score
    assert ((j["x"] - j["feasibility"]).abs() <= 0.3).all()
    j2 = jitter_recommendations(recs.sample(frac=1, random_state=1), step=0.3)
    pd.testing.assert_frame_equal(j, j2)


def test_recommendations_chart_places_median_scores_and_leaves_out_unscored() -> None:
    recs = _recs().assign(feasibility=4.0, impact=3.5, participants=30, score_status="assessed")
    recs.loc[recs["id"] == 2, ["feasibility", "impact"]] = float("nan")
    chart = recommendations_chart(recs)
    spec = json.dumps(chart.to_dict())
    assert "median score" in spec and '"tooltip"' in spec and '"title"' in spec
    labels = {row["label"] for row in chart.to_dict()["datasets"].popitem()[1]}
    assert "2" not in labels and "1" in labels
    assert isinstance(chart, alt.LayerChart)
