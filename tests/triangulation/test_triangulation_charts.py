"""Tests for pipeline.triangulation.charts: labelled points and the scatter chart."""

from __future__ import annotations

import itertools
import math

import pandas as pd

from pipeline import theme
from pipeline.triangulation.charts import (
    GROUP_COLOURS,
    log_domain,
    place_labels,
    scatter_data,
    scatter_frame,
    triangulation_chart,
    zero_floor,
)


def test_scatter_frame_labels_top_and_outliers() -> None:
    table = pd.DataFrame(
        {
            "org_id": list("abcde"),
            "name": ["A", "B", "C", "D", "E"],
            "country": ["GB", "CN", "GB", "US", "CN"],
            "centres": [9, 5, 1, 0, 0],
            "copubs_estimated": [10, 1, 50, 40, 0],
            "rank_gap": [1.0, 3.0, -2.0, -3.0, 0.0],
            "category": [
                "",
                "many centres, few co-publications",
                "",
                "few centres, many co-publications",
                "",
            ],
        }
    )
    out = scatter_frame(table, label_top=1, label_outliers=1).set_index("org_id")
    assert out.loc["a", "label"] == "A"  # most centres
    assert out.loc["c", "label"] == "C"  # most co-publications
    assert out.loc["b", "label"] == "B" and out.loc["d", "label"] == "D"  # outliers
    assert out.loc["e", "label"] == ""
    assert out["group"].tolist() == ["UK", "China", "UK", "Other", "China"]


def test_log_domain_and_label_placement_avoid_overlap() -> None:
    assert log_domain([450, 17040]) == (200.0, 20000.0)
    assert log_domain([]) == (1.0, 10.0)
    df = pd.DataFrame(
        {"x": [1, 1, 1, 50], "y": [1000, 1010, 990, 1000], "label": ["Alpha", "Beta", "Gamma", "Z"]}
    )
    out = place_labels(
        df, x="x", y="y", x_domain=(0, 50), y_domain=(100, 10000), width=500, height=300
    )
    ys = sorted(out.loc[out["x"] == 1, "label_y"])
    # three labels at the same spot end up on three different lines
    pix = sorted(300 - (math.log10(v) - 2) / 2 * 300 for v in ys)
    assert min(b - a for a, b in itertools.pairwise(pix)) >= 11.9
    assert out.loc[3, "align"] == "right"  # would run off the right edge


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "org_id": list("abcd"),
            "name": ["Alpha University", "Beta Institute", "Gamma College", "Delta Lab"],
            "country": ["GB", "CN", "GB", "CN"],
            "centres": [6, 3, 0, 0],
            "copubs_in_sample": [10, 0, 40, 2],
            "copubs_estimated": [200, 0, 800, 40],
            "rank_centres": [1.0, 2.0, 3.5, 3.5],
            "rank_copubs": [2.0, 4.0, 1.0, 3.0],
            "rank_gap": [1.0, 2.0, -2.5, -0.5],
            "category": ["", "many centres, few co-publications", "", ""],
        }
    )


def test_zero_floor_draws_unsampled_organisations_at_half_a_paper() -> None:
    assert zero_floor(0.1) == 5
    assert zero_floor(1.0) == 1


def test_scatter_data_lifts_zeros_to_the_floor_and_places_labels() -> None:
    frame = scatter_data(_table(), zero_floor(0.05), label_top=1, label_outliers=1)
    assert frame["plot_copubs"].tolist() == [200, 10, 800, 40]
    assert frame["copubs_estimated"].tolist() == [200, 0, 800, 40]
    assert set(frame.loc[frame["label"] != "", "org_id"]) == {"a", "b", "c"}
    assert set(frame["align"]) <= {"left", "right"}
    assert list(frame.columns[-3:]) == ["plot_copubs", "label_y", "align"]


def test_triangulation_chart_layers_and_scales() -> None:
    frame = scatter_data(_table(), zero_floor(0.05), label_top=1, label_outliers=1)
    spec = triangulation_chart(frame).to_dict()
    leaders, points, left, right = spec["layer"]
    assert leaders["mark"]["color"] == theme.LEADER_LINE
    assert points["encoding"]["color"]["scale"]["range"] == GROUP_COLOURS
    assert points["encoding"]["y"]["scale"] == {
        "type": "log",
        "domain": [10.0, 1000.0],
        "nice": False,
    }
    assert points["encoding"]["x"]["scale"]["domain"] == [0, 6 * 1.05]
    assert left["mark"]["align"] == "left" and right["mark"]["align"] == "right"
    assert (spec["width"], spec["height"]) == (540, 380)
