"""Tests for pipeline.triangulation.chapter: display tables and wording."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.triangulation.chapter import (
    countries_text,
    organisation_labels,
    outliers_table,
    scatter_table,
    spearman_display,
    unmatched_display,
    with_labels,
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


def _named_orgs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "org_id": ["o1", "o2", "o3", "o4", "o1"],
            "name": ["University of Cambridge", "Oxford", "Tsinghua", "Imperial", "dup"],
            "country": ["GB", "GB", "CN", "GB", "GB"],
        }
    )


def test_synthetic_edition_shows_pseudonyms_except_the_brief_s_names() -> None:
    labels = organisation_labels(_named_orgs(), synthetic=True, keep=["University of Cambridge"])
    assert labels == {
        "o1": "University of Cambridge",
        "o2": "UK organisation 1",
        "o3": "China organisation 1",
        "o4": "UK organisation 2",
    }
    many = pd.DataFrame({"org_id": ["o4", "o2"], "name": ["Imperial", "Oxford"], "centres": [9, 5]})
    shown = with_labels(many, labels)
    assert list(shown["name"]) == ["UK organisation 2", "UK organisation 1"]
    assert "Oxford" not in shown.to_string() and "Imperial" not in shown.to_string()
    assert list(shown["centres"]) == [9, 5]


def test_real_inputs_keep_registry_names_and_unlabelled_rows_fail() -> None:
    labels = organisation_labels(_named_orgs(), synthetic=False)
    assert labels["o2"] == "Oxford" and labels["o3"] == "Tsinghua"
    with pytest.raises(KeyError, match="o9"):
        with_labels(pd.DataFrame({"org_id": ["o9"], "name": ["Somewhere"]}), labels)
