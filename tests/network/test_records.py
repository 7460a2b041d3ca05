"""The organisations behind the network figures: labels, lineage, and no registry id for a
pseudonym."""

import pandas as pd
import pytest

from pipeline.network.records import organisation_records, records

SHOWN = pd.DataFrame(
    {
        "org_id": ["gb-a", "cn-b", "sg-c"],
        "name": ["UK organisation 1", "Beta University", "Other organisation 1"],
        "country": ["GB", "CN", "SG"],
        "centres": [2, 1, 1],
        "community": [0, 0, 1],
        "rank": [1, 2, 3],
    }
)
PARTNERS = pd.DataFrame(
    {
        "centre_id": ["C1", "C2", "C1", "C2", "C2"],
        "org_id": ["gb-a", "gb-a", "cn-b", "sg-c", "sg-c"],
        "side": ["UK", "UK", "CN", "Other", "Other"],
    }
)
CENTRES = pd.DataFrame({"centre_id": ["C1", "C2"], "source_row": [7, 5]})


def test_each_organisation_names_the_centre_rows_it_comes_from() -> None:
    table = organisation_records(SHOWN, PARTNERS, CENTRES, "c.xlsx", synthetic=False)
    assert table["org_id"].tolist() == ["gb-a", "cn-b", "sg-c"]
    assert table["source_row"].tolist() == ["5; 7", "7", "5"]
    assert table["Country"].tolist() == ["UK", "China", "Singapore"]
    assert set(table["source_file"]) == {"centres/c.xlsx"}  # its path under data/raw
    rec = records(table)
    assert rec.stem == "records-organisations" and rec.by == "Country"


def test_a_synthetic_edition_gives_no_registry_id_beside_a_pseudonym() -> None:
    table = organisation_records(SHOWN, PARTNERS, CENTRES, "centres/c.xlsx", synthetic=True)
    assert "org_id" not in table.columns
    assert not table.astype(str).apply(lambda col: col.str.contains("gb-a")).any().any()
    assert table["Organisation"].tolist() == SHOWN["name"].tolist()


def test_records_refuse_a_table_without_lineage() -> None:
    table = organisation_records(SHOWN, PARTNERS, CENTRES, "c.xlsx", synthetic=True)
    with pytest.raises(ValueError, match="source_row"):
        records(table.drop(columns=["source_row"]))
