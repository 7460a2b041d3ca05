"""Tests for pipeline.biblio.charts: the Phase 1 chapter's charts."""

from __future__ import annotations

import json

import pandas as pd

from pipeline import theme
from pipeline.biblio.charts import (
    copubs_chart,
    field_chart,
    leading_institutions_chart,
    share_chart,
)
from pipeline.biblio.findings import yearly_table

YEARLY = yearly_table({2010: 1000, 2011: 1100, 2012: 1000}, {2010: 10, 2011: 44, 2012: 30, 2013: 8})


def _data(spec: dict, layer: dict) -> list[dict]:
    return spec["datasets"][layer["data"]["name"]]


def test_copubs_chart_shades_the_era_over_the_years_shown() -> None:
    spec = copubs_chart(YEARLY, (2011, 2012)).to_dict()
    shade, bars, label = spec["layer"]
    assert shade["mark"]["color"] == theme.ORANGE and label["mark"]["color"] == theme.ERA_BAND_TEXT
    assert _data(spec, shade) == [{"start": 2010.5, "end": 2012.5, "label": "2011–2012"}]
    assert shade["encoding"]["x"]["scale"]["domain"] == [2009.5, 2013.5]
    assert bars["encoding"]["x"]["scale"]["domain"] == [2009.5, 2013.5]
    assert [r["uk_cn_works"] for r in _data(spec, bars)] == [10, 44, 30, 8]
    assert (spec["width"], spec["height"]) == (560, 300)


def test_share_chart_draws_only_years_with_a_share() -> None:
    spec = share_chart(YEARLY, (2011, 2012)).to_dict()
    line = spec["layer"][1]
    assert line["mark"]["color"] == theme.GREEN
    assert [r["year"] for r in _data(spec, line)] == [2010, 2011, 2012]
    # the year axis still spans every year of the series
    assert line["encoding"]["x"]["scale"]["domain"] == [2009.5, 2013.5]


def test_field_chart_height_grows_with_fields() -> None:
    few = pd.DataFrame({"field": ["A"], "works": [1], "share": [100.0]})
    many = pd.DataFrame({"field": list("ABCDEFGHIJ"), "works": [1] * 10, "share": [10.0] * 10})
    assert field_chart(few).to_dict()["height"] == 120
    assert field_chart(many).to_dict()["height"] == 160


def test_leading_institutions_chart_shows_ten_per_country_on_one_scale() -> None:
    def lead(prefix: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "rank": range(1, 13),
                "institution": [f"{prefix} {i}" for i in range(12)],
                "works_in_sample": range(12, 0, -1),
                "estimated_works": range(120, 0, -10),
                "estimated_low": range(110, -10, -10),
                "estimated_high": range(130, 10, -10),
                "share": [1.0] * 12,
            }
        )

    spec = leading_institutions_chart(lead("UK"), lead("CN")).to_dict()
    assert spec["resolve"] == {"scale": {"x": "shared"}}
    uk, cn = spec["vconcat"]
    assert uk["layer"][0]["mark"]["color"] == theme.BLUE
    assert cn["layer"][0]["mark"]["color"] == theme.VERMILION
    assert len(spec["datasets"][uk["data"]["name"]]) == 10
    again = leading_institutions_chart(lead("UK"), lead("CN")).to_dict()
    assert json.dumps(spec, sort_keys=True) == json.dumps(again, sort_keys=True)
