"""The good-practice resources registry (issue 16 item 7): valid, tied to existing practices,
literature keys that exist, and a web address only where one was checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline import catalog
from pipeline.io import repo_root
from pipeline.synthesis.read import (
    SynthesisInputError,
    load_good_practice_resources,
    load_good_practices,
)

ROOT = repo_root()
RESOURCES = ROOT / catalog.path("reference.good_practice_resources")


def _practices() -> pd.DataFrame:
    return load_good_practices(ROOT / catalog.path("raw.good_practices"))


def test_every_resource_serves_a_practice_and_addresses_are_checked() -> None:
    resources = load_good_practice_resources(RESOURCES, _practices()["id"])
    assert len(resources) >= 5
    with_url = resources[resources["url"].notna()]
    assert len(with_url) >= 3
    assert with_url["verified"].str.match(r"^\d{4}-\d{2}-\d{2}: ").all()
    assert resources.loc[resources["url"].isna(), "verified"].str.startswith("no web").all()


def test_literature_keys_name_references_of_the_library() -> None:
    resources = load_good_practice_resources(RESOURCES, _practices()["id"])
    refs = pd.read_csv(ROOT / catalog.path("reference.literature") / "references.csv", dtype=str)
    keys = set(refs.iloc[:, 0])
    assert set(resources["literature_key"].dropna()) <= keys


def test_an_unknown_practice_is_named_with_its_row(tmp_path: Path) -> None:
    bad = tmp_path / "r.csv"
    bad.write_text(RESOURCES.read_text("utf-8").replace("gp06", "gp99"), "utf-8")
    with pytest.raises(SynthesisInputError, match=r"row 2, column good_practice_ids: gp99"):
        load_good_practice_resources(bad, _practices()["id"])


def test_the_display_table_lists_each_resource_with_its_practices() -> None:
    from pipeline.synthesis.chapter import resources_table

    resources = load_good_practice_resources(RESOURCES, _practices()["id"])
    table = resources_table(resources)
    assert len(table) == len(resources)
    row = table[table["Resource"] == "Trusted Research guidance"].iloc[0]
    assert row["Serves practices"] == "gp09, gp13" and row["Web address checked"] == "yes"
    from pipeline.synthesis.chapter import resource_links

    links = resource_links(resources)
    assert "<https://www.npsa.gov.uk/trusted-research>" in links
    assert links.count("\n") == resources["url"].notna().sum() - 1
