"""Tests for pipeline.triangulation.chapter: display tables and wording."""

from __future__ import annotations

import pandas as pd

from pipeline.triangulation.chapter import (
    countries_text,
    outliers_table,
    scatter_table,
    spearman_display,
    unmatched_display,
)
from pipeline.triangulation.findings import TriangulationResult


def test_countries_text_names_the_uk_first_and_escapes() -> None:
    assert countries_text(["GB", "CN"]) == "the UK and China"
    assert countries_text(["HK"]) == "Hong Kong"
    assert countries_text(["X_Y"]) == "X\\_Y"


def test_spearman_display_reads_each_row() -> None:
    result = TriangulationResult(
        table=pd.DataFrame(),
        spearman={"rho": 0.4567, "p_value": 0.0004, "n": 20},
        spearman_by_country={"GB": {"rho": None, "p_value": None, "n": 2}},
    )
    other = TriangulationResult(
        table=pd.DataFrame(), spearman={"rho": -0.2, "p_value": 0.3, "n": 30}
    )
    shown = spearman_display(result, other, "adding co-publishers without centres")
    assert list(shown.columns) == ["organisations", "number", "rho", "p-value", "reading"]
    assert shown["organisations"].tolist() == [
        "all organisations",
        "UK",
        "adding co-publishers without centres",
    ]
    assert shown["rho"].tolist() == ["0.457", "", "-0.200"]
    assert shown["p-value"].tolist() == ["< 0.001", "", "0.300"]
    assert shown["reading"].iloc[0].startswith("a moderate positive")
    assert shown["reading"].iloc[1].startswith("not computed")


def _orgs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "org_id": ["a"],
            "name": ["A"],
            "country": ["GB"],
            "centres": [3],
            "copubs_in_sample": [1],
            "copubs_estimated": [10],
            "rank_centres": [1.0],
            "rank_copubs": [5.0],
            "rank_gap": [4.0],
            "category": ["many centres, few co-publications"],
        }
    )


def test_outliers_and_scatter_tables_have_display_headers() -> None:
    assert list(outliers_table(_orgs()).columns) == [
        "organisation",
        "country",
        "centres",
        "papers in sample",
        "estimated papers",
        "rank (centres)",
        "rank (papers)",
        "rank gap",
    ]
    assert list(scatter_table(_orgs()).columns) == [
        "name",
        "country",
        "centres",
        "papers in sample",
        "estimated papers",
        "rank (centres)",
        "rank (papers)",
        "category",
    ]


class _Registry:
    def get(self, org_id: str) -> dict[str, str]:
        return {"x": {"name": "X University"}}[org_id]


def test_unmatched_display_names_the_closest_entry() -> None:
    unmatched = pd.DataFrame(
        {
            "institution": ["Xx Univ", "Nowhere Lab", "Third"],
            "works": [3, 2, 1],
            "candidate": ["x", None, ""],
            "score": [81.26, 40.04, 10.0],
        }
    )
    shown = unmatched_display(unmatched, _Registry(), n=2)
    assert shown["closest registry name"].tolist() == ["X University", ""]
    assert shown["similarity"].tolist() == [81.3, 40.0]
    assert list(shown.columns) == [
        "institution (as recorded)",
        "papers in sample",
        "closest registry name",
        "similarity",
    ]
