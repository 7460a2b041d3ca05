"""Evidence maps and emphasis: counts with their denominators, uncoded references left out."""

from __future__ import annotations

import pandas as pd
import pytest
from literature_helpers import ARTICLE, CODED, REPORT, coding, ris, write

from pipeline.literature import CleanParams, clean_literature, load_coding_scheme
from pipeline.literature import charts as lc
from pipeline.literature import findings as lf

UNCODED = {"TY": "NEWS", "TI": "A news story", "AU": "BBC News", "PY": "2019", "ID": "news"}


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lit")
    lib = write(tmp / "lib.ris", ris(ARTICLE, REPORT, UNCODED))
    return clean_literature([lib], coding(tmp / "c.csv", CODED), CleanParams())


@pytest.fixture(scope="module")
def scheme():
    return load_coding_scheme()


def test_theme_shares_count_coded_references_only(result, scheme) -> None:
    shares = lf.theme_shares(result.references, result.codes, scheme).set_index("code")
    assert shares["coded_references"].unique().tolist() == [2]
    assert shares.loc["risk", ["references", "share"]].tolist() == [2, 1.0]
    assert shares.loc["benefit", "references"] == 1 and shares.loc["benefit", "share"] == 0.5
    assert shares.loc["challenge", "references"] == 0
    assert list(shares.index[:1]) == ["risk"]
    assert set(shares.index) == set(scheme.theme.labels)


def test_emphasis_by_theme_lists_every_evidence_theme(result, scheme) -> None:
    emphasis = lf.emphasis_by_theme(result.references, result.codes, scheme).set_index("theme")
    assert set(emphasis.index) == set(scheme.evidence_theme.labels)
    assert emphasis.loc["geopolitics", ["references", "coded_references"]].tolist() == [1, 2]
    assert emphasis.loc["data_access", "share"] == 0.0


def test_evidence_maps_by_source_type_and_year(result, scheme) -> None:
    by_type = lf.evidence_map(result.references, result.codes, scheme)
    assert sorted(set(by_type["column"])) == ["peer_reviewed", "think_tank"]
    assert len(by_type) == len(scheme.theme.labels) * 2
    cell = by_type.set_index(["theme", "column"]).loc[("good_practice", "think_tank")]
    assert (cell["references"], cell["column_total"], cell["share"]) == (1, 1, 1.0)
    by_year = lf.evidence_map(result.references, result.codes, scheme, by="year")
    assert set(by_year["column"]) == {"2022"}  # the uncoded 2019 story is in no map
    assert by_year.groupby("column")["column_total"].first().to_dict() == {"2022": 2}


def test_compute_findings(result, scheme) -> None:
    f = lf.compute_findings(result.references, result.codes, scheme, result.accounting)
    assert f["literature_references"] == 3 and f["literature_coded"] == 2
    assert f["literature_coding_synthetic"] == 1
    assert f["literature_top_themes"] == ["risk"]
    assert f["literature_theme_shares"]["risk"] == 1.0
    assert f["literature_source_types"] == {"peer_reviewed": 1, "think_tank": 1}
    assert (f["literature_year_first"], f["literature_year_last"]) == (2019, 2022)


def test_charts_and_tables(result, scheme) -> None:
    by_type = lf.evidence_map(result.references, result.codes, scheme)
    spec = lc.evidence_map_chart(by_type, "Source type").to_dict()
    assert spec["layer"][0]["mark"]["type"] == "rect"
    table = lc.evidence_map_table(by_type, "Source type")
    assert table.iloc[-1].tolist() == ["Coded references", 1, 1]
    assert list(table.columns) == ["Theme \\ Source type", "Peer-reviewed", "Think tank"]
    shares = lf.theme_shares(result.references, result.codes, scheme)
    bars = lc.emphasis_chart(shares).to_dict()
    values = next(iter(bars["datasets"].values()))
    assert {v["text"] for v in values} >= {"2 of 2", "1 of 2", "0 of 2"}
    listing = lc.references_table(result.references, scheme)
    assert listing["Coding"].tolist() == ["not coded", "Abstract", "Synthetic"]
    assert listing.loc[1, "Author"] == "Adams and Johnson"
    assert isinstance(lc.emphasis_table(shares), pd.DataFrame)
