"""The reference register of public facts: clean, fully matched, every source in the notes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.registers import clean_registers
from pipeline.registers.read import read_register

REPO = Path(__file__).resolve().parents[2]
REGISTER = REPO / "data" / "reference" / "registers" / "public_lists.csv"
NOTES = REPO / "data" / "reference" / "registers" / "VERIFICATION.md"
RAW = REPO / "data" / "raw" / "registers" / "public_lists.csv"


@pytest.fixture(scope="module")
def result():
    return clean_registers([REGISTER])


def test_reference_register_cleans_without_loss(result) -> None:
    acc = result.accounting
    assert acc["raw_rows"] == acc["kept"] > 0
    assert acc["duplicates"] == acc["rejected"] == 0
    assert result.review.empty, result.review
    assert result.entries["org_id"].notna().all()


def test_every_entry_has_a_source_listed_in_the_notes(result) -> None:
    notes = NOTES.read_text(encoding="utf-8")
    headings = set(re.findall(r"^### (.+)$", notes, flags=re.MULTILINE))
    for r in result.entries.itertuples(index=False):
        assert f"{r.organisation} — {r.list_name}" in headings, r.organisation
        for url in re.findall(r"https?://\S+", r.source):
            assert url.rstrip(").;,") in notes, url
        for citation in re.findall(r"\d+ FR \d+", r.source):
            assert citation in notes, citation
    assert len(headings) == len(result.entries)


def test_entity_list_entries_carry_a_federal_register_citation_and_date(result) -> None:
    el = result.entries[result.entries["list_name"].str.contains("Entity List")]
    assert len(el) > 0
    assert el["source"].str.contains(r"\d+ FR \d+ \(", regex=True).all()
    assert el["date_listed"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()


def test_the_edition_input_is_the_reference_register() -> None:
    assert RAW.read_bytes() == REGISTER.read_bytes()
    (table,) = read_register(RAW)
    assert not table.warnings


def test_write_edition_copies_the_reference_register(tmp_path: Path) -> None:
    from pipeline.registers.clean import write_edition

    (path,) = write_edition(tmp_path / "registers", seed=1)
    assert path.read_bytes() == REGISTER.read_bytes()
