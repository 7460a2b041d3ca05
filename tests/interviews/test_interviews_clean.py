"""Cleaning rules: unknown codes, bad counts, duplicates, accounting, outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from interviews_helpers import SEED, cleaned, copy_generated, figure, generated, run_fresh
from openpyxl import load_workbook

from pipeline.interviews import InterviewsInputError, clean_interviews
from pipeline.interviews.clean import parse_reference_count
from pipeline.interviews.read import column_letter, parse_code_header
from pipeline.synthetic.interviews import CODEBOOK_NAME, EXPORT_NAME, MATRIX_SHEET, make_truth


def _header_row(ws) -> int:
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == "Case":
            return row[0].row
    raise AssertionError("no header row")


def _edit_matrix(folder: Path, edit) -> Path:
    path = folder / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb[MATRIX_SHEET]
    edit(ws, _header_row(ws))
    wb.save(path)
    return path


def test_unknown_code_raises_naming_code_file_and_column(tmp_path: Path) -> None:
    copy_generated(tmp_path)

    def edit(ws, h):
        ws.cell(row=h, column=5).value = "Nodes\\Risks\\Espionage"

    path = _edit_matrix(tmp_path, edit)
    with pytest.raises(InterviewsInputError) as err:
        clean_interviews(path, tmp_path / CODEBOOK_NAME)
    msg = str(err.value)
    assert "Espionage" in msg
    assert EXPORT_NAME in msg
    assert "column E" in msg
    assert CODEBOOK_NAME in msg


def test_negative_and_non_numeric_counts_are_rejected_cells(tmp_path: Path) -> None:
    copy_generated(tmp_path)
    where: dict[str, int] = {}

    def edit(ws, h):
        where["row"] = h + 3
        ws.cell(row=h + 3, column=2).value = -2
        ws.cell(row=h + 3, column=3).value = "lots"
        ws.cell(row=h + 4, column=4).value = 1.5

    path = _edit_matrix(tmp_path, edit)
    res = clean_interviews(path, tmp_path / CODEBOOK_NAME)
    rej = res.rejects
    row = where["row"]
    neg = rej[(rej["source_row"] == row) & (rej["reason"] == "negative reference count")]
    assert len(neg) == 1 and neg.iloc[0]["value"] == "-2"
    assert neg.iloc[0]["column"].startswith("Framework matrix!B (")
    assert neg.iloc[0]["source_file"] == EXPORT_NAME
    assert ((rej["source_row"] == row) & (rej["reason"] == "non-numeric reference count")).any()
    assert (rej["reason"] == "reference count is not a whole number").any()
    # the cases stay: still every interview
    assert len(res.cases) == figure("interviews_total")
    assert (res.codes_long["references"] > 0).all()


def test_accounting_balances_and_counts_injected_faults() -> None:
    res = cleaned()
    acc = res.accounting
    truth = make_truth(SEED)
    for block in ("cases_sheet", "matrix_rows"):
        b = acc[block]
        assert b["raw_rows"] == b["kept"] + b["duplicates"] + b["rejected"]
        assert b["duplicates"] == truth["duplicate_cases"]
        assert b["kept"] == figure("interviews_total")
    cells = acc["matrix_cells"]
    assert cells["raw_cells"] == cells["kept"] + cells["rejected"]
    assert cells["rejected"] == truth["rejected_cells"]
    assert acc["unresolved_names"] == 0 and res.unresolved.empty
    assert len(res.rejects) == acc["rejects_rows"]
    assert set(res.rejects.columns) == {"source_file", "source_row", "column", "value", "reason"}


def test_duplicate_case_row_is_counted_once(tmp_path: Path) -> None:
    res = cleaned()
    dups = res.rejects[res.rejects["reason"].str.startswith("duplicate case id")]
    assert len(dups) == 2  # one on each sheet
    assert res.cases["case_id"].is_unique


CLEAN_IN_A_PROCESS = """
import sys
from pipeline.interviews.clean import run
run(sys.argv[1], sys.argv[2], sys.argv[3])
"""


def test_outputs_are_written_and_deterministic(tmp_path: Path) -> None:
    """Two separate processes with different hash seeds (so different set orders) agree."""
    res = cleaned()
    folder = generated()
    for sub, hashseed in (("a", 1), ("b", 2)):
        export, book = folder / EXPORT_NAME, folder / CODEBOOK_NAME
        run_fresh(CLEAN_IN_A_PROCESS, export, book, tmp_path / sub, hashseed=hashseed)
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(
        [
            "interviews_cases.parquet",
            "interviews_codes_long.parquet",
            "interviews_code_counts.parquet",
            "interviews_rejects.csv",
            "interviews_accounting.json",
        ]
    )
    for n in names:
        assert (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes(), n
    counts = pd.read_parquet(tmp_path / "a" / "interviews_code_counts.parquet")
    assert list(counts.columns[:4]) == ["code_id", "code_path", "theme", "interviews_total"]
    assert len(counts) == len(res.codebook)
    acc = json.loads((tmp_path / "a" / "interviews_accounting.json").read_text())
    assert acc["cases_sheet"]["kept"] == figure("interviews_total")


def test_missing_case_column_is_a_clear_error(tmp_path: Path) -> None:
    copy_generated(tmp_path)
    path = tmp_path / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb["Cases"]
    for row in ws.iter_rows(min_row=1, max_row=10):
        for c in row:
            if c.value == "Organisation":
                c.value = "Employer"
    wb.save(path)
    with pytest.raises(InterviewsInputError, match=r"sheet 'Cases'.*organisation"):
        clean_interviews(path, tmp_path / CODEBOOK_NAME)


@pytest.mark.parametrize(
    ("header", "parts"),
    [
        (
            "Nodes\\Drivers\\Access to data and infrastructure",
            ("drivers", "access to data and infrastructure"),
        ),
        ("A : Benefits\\Complementarity", ("benefits", "complementarity")),
        ("Codes\\\\Risks\\  Felt at risk ", ("risks", "felt at risk")),
        ("Complementarity", ("complementarity",)),
    ],
)
def test_parse_code_header(header: str, parts: tuple[str, ...]) -> None:
    assert parse_code_header(header) == parts


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (0, None)),
        ("", (0, None)),
        (3, (3, None)),
        (2.0, (2, None)),
        (" 4 ", (4, None)),
        (-1, (None, "negative reference count")),
        ("-3", (None, "negative reference count")),
        ("n/a", (None, "non-numeric reference count")),
        (True, (None, "non-numeric reference count")),
        (0.5, (None, "reference count is not a whole number")),
    ],
)
def test_parse_reference_count(value: object, expected: tuple[int | None, str | None]) -> None:
    assert parse_reference_count(value) == expected


def test_column_letter() -> None:
    assert [column_letter(i) for i in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]
