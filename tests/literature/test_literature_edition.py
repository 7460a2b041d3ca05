"""The reference edition: written from the verified registry, every reference checkable."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from pipeline.io import repo_root
from pipeline.literature import clean_literature, load_coding_scheme
from pipeline.literature.bibliography import bibtex_string
from pipeline.literature.cli import cli
from pipeline.literature.edition import FILES, load_registry, render, write_edition

ROOT = repo_root()
RAW = ROOT / "data" / "raw" / "literature"
CODING = RAW / "coding_PARTLY_SYNTHETIC.csv"


@pytest.fixture(scope="module")
def registry() -> list[dict[str, str]]:
    return load_registry()


@pytest.fixture(scope="module")
def cleaned():
    return clean_literature(RAW, CODING)


def test_committed_edition_is_what_the_generator_writes(registry, tmp_path: Path) -> None:
    for name, text in render(registry).items():
        assert (RAW / name).read_text(encoding="utf-8") == text, f"{name} differs from the registry"
    written = {p.name: p.read_bytes() for p in write_edition(tmp_path)}
    committed = {p.name: p.read_bytes() for p in RAW.iterdir() if p.name != "README.md"}
    assert written == committed


def test_registry_rows_are_complete_and_verified(registry) -> None:
    assert 40 <= len(registry) <= 80
    assert len({r["key"] for r in registry}) == len(registry)
    for row in registry:
        assert row["doi"] or row["url"], row["key"]
        for column in ("title", "authors", "year", "checked", "found", "seen"):
            assert row[column].strip(), (row["key"], column)
        identifier = row["doi"] or row["url"]
        bare = re.sub(r"^https?://(www\.)?", "", identifier)
        assert bare in row["checked"], (row["key"], "the identifier cited is not the one checked")
        assert set(row["export"].split()) <= set(FILES), row["key"]


def test_every_bibliography_entry_resolves_to_a_checked_identifier(cleaned, registry) -> None:
    checked = {(r["doi"] or "").lower() for r in registry} | {r["url"] for r in registry}
    refs = cleaned.references
    for ref in refs.itertuples(index=False):
        assert (ref.doi and ref.doi in checked) or (ref.url and ref.url in checked), ref.ref_key
    bib = bibtex_string(refs)
    assert bib.count("\n@") == len(refs) == len(registry)


def test_edition_accounting_and_coding(cleaned, registry) -> None:
    acc = cleaned.accounting
    copies = sum(len(r["export"].split()) for r in registry)
    assert acc["library"]["raw_records"] == copies
    assert acc["library"]["duplicates"] == copies - len(registry)
    assert acc["library"]["rejected"] == 0 and cleaned.rejects.empty
    assert acc["references_without_coding"] == 0
    basis = cleaned.references["coding_basis"].value_counts().to_dict()
    assert basis.get("synthetic", 0) >= 1 and basis.get("abstract", 0) >= 1
    scheme = load_coding_scheme()
    assert set(cleaned.references["source_type"]) == set(scheme.source_type.labels)


def test_coding_sheet_and_edition_note_mark_the_synthetic_part() -> None:
    note = yaml.safe_load((RAW / "EDITION.yaml").read_text(encoding="utf-8"))
    assert note["synthetic"] == "partial" and note["coding_file"] == CODING.name
    assert "SYNTHETIC" in CODING.name
    with CODING.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    synthetic = [r for r in rows if r["coding_basis"] == "synthetic"]
    assert synthetic and all(r["notes"] for r in synthetic)


def test_cli_clean_and_edition(tmp_path: Path, capsys) -> None:
    assert cli(["clean", str(RAW), "--coding", str(CODING), "--out", str(tmp_path / "o")]) == 0
    assert "records: " in capsys.readouterr().out
    assert (tmp_path / "o" / "literature.bib").exists()
    assert cli(["edition", "--out", str(tmp_path / "e")]) == 0
    for name in [*FILES.values(), CODING.name, "EDITION.yaml"]:
        assert (tmp_path / "e" / name).read_bytes() == (RAW / name).read_bytes()
    (tmp_path / "bad.ris").write_bytes("TY  - JOUR\nTI  - caf\u00e9\n".encode("cp1252"))
    assert cli(["clean", str(tmp_path / "bad.ris"), "--coding", str(CODING), "--out",
                str(tmp_path / "x")]) == 1  # fmt: skip
    assert "not UTF-8" in capsys.readouterr().err
