"""Less common inputs: unknown organisations and groups, orphan rows, formulas, shipped data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from interviews_helpers import REPO, copy_generated, figure
from openpyxl import load_workbook

from pipeline.interviews import clean_interviews, interviews_findings, write_outputs
from pipeline.synthetic.interviews import CASES_SHEET, CODEBOOK_NAME, EXPORT_NAME, MATRIX_SHEET

RAW = REPO / "data" / "raw" / "interviews"


def _first_data_row(ws) -> int:
    for row in ws.iter_rows(min_row=1, max_row=10):
        if row[0].value == "Case":
            return row[0].row + 1
    raise AssertionError("no header row")


def test_unknown_organisation_is_kept_and_listed(tmp_path: Path) -> None:
    copy_generated(tmp_path)
    path = tmp_path / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb[CASES_SHEET]
    r = _first_data_row(ws)
    ws.cell(row=r, column=2).value = "Hogwarts School of Witchcraft"
    wb.save(path)
    res = clean_interviews(path, tmp_path / CODEBOOK_NAME)
    assert res.unresolved["organisation_text"].tolist() == ["Hogwarts School of Witchcraft"]
    key = res.unresolved["org_key"].iloc[0]
    row = res.cases[res.cases["org_key"] == key].iloc[0]
    assert pd.isna(row["org_id"]) and row["org_match_method"] == "unresolved"
    assert key == "unresolved-01" and "organisation_raw" not in res.cases.columns
    assert res.accounting["unresolved_names"] == 1
    f = interviews_findings(res.cases, res.codes_long, res.codebook)
    assert f["interviews_total"] == figure("interviews_total")


def test_unknown_discipline_group_is_a_rejected_cell(tmp_path: Path) -> None:
    copy_generated(tmp_path)
    path = tmp_path / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb[CASES_SHEET]
    r = _first_data_row(ws)
    ws.cell(row=r, column=3).value = "Astrology"
    ws.cell(row=r + 1, column=3).value = "social science"  # a synonym, accepted
    wb.save(path)
    res = clean_interviews(path, tmp_path / CODEBOOK_NAME)
    rej = res.rejects
    hit = rej[rej["reason"] == "unknown discipline group"]
    assert hit[["source_row", "value"]].values.tolist() == [[r, "Astrology"]]
    assert hit.iloc[0]["column"] == "Cases!C (Discipline group)"
    assert res.cases["discipline_group"].isna().sum() == 1
    assert len(res.cases) == figure("interviews_total")


def test_matrix_row_for_unknown_case_is_rejected_and_accounted(tmp_path: Path) -> None:
    copy_generated(tmp_path)
    path = tmp_path / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb[MATRIX_SHEET]
    ws.append(["INT-999", 1, 2])
    ws.append([None, 1])  # a row without a case id
    wb.save(path)
    res = clean_interviews(path, tmp_path / CODEBOOK_NAME)
    block = res.accounting["matrix_rows"]
    assert block["rejected"] == 2
    assert block["raw_rows"] == block["kept"] + block["duplicates"] + block["rejected"]
    reasons = set(res.rejects["reason"])
    assert {"case not on the case sheet", "missing case id"} <= reasons
    assert "INT-999" not in set(res.codes_long["case_id"])


def test_formula_in_a_count_cell_is_rejected_and_written_inert(tmp_path: Path) -> None:
    copy_generated(tmp_path)
    path = tmp_path / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb[MATRIX_SHEET]
    r = _first_data_row(ws)
    ws.cell(row=r, column=2).value = "=1+1"
    wb.save(path)
    res = clean_interviews(path, tmp_path / CODEBOOK_NAME)
    hit = res.rejects[res.rejects["reason"] == "formula instead of a reference count"]
    assert len(hit) == 1
    write_outputs(res, tmp_path / "out")
    text = (tmp_path / "out" / "interviews_rejects.csv").read_text()
    assert ",'=1+1," in text
    assert ",=1+1," not in text


def test_committed_edition_reproduces_the_published_figures() -> None:
    """The files shipped in data/raw, cleaned, give the published interview figures."""
    res = clean_interviews(RAW / EXPORT_NAME, RAW / CODEBOOK_NAME)
    f = interviews_findings(res.cases, res.codes_long, res.codebook)
    for key in ("interviews_total", "interview_organisations", "at_risk_interviewees"):
        assert f[key] == figure(key), key


def test_matrix_with_blank_corner_and_numbered_row_labels(tmp_path: Path) -> None:
    """NVivo matrix-query style: blank top-left cell, rows labelled '1 : INT-01'."""
    copy_generated(tmp_path)
    path = tmp_path / EXPORT_NAME
    wb = load_workbook(path)
    ws = wb[MATRIX_SHEET]
    r = _first_data_row(ws)
    ws.cell(row=r - 1, column=1).value = None
    for i, row in enumerate(ws.iter_rows(min_row=r, max_row=ws.max_row), start=1):
        if row[0].value:
            row[0].value = f"{i} : {row[0].value}"
    wb.save(path)
    res = clean_interviews(path, tmp_path / CODEBOOK_NAME)
    f = interviews_findings(res.cases, res.codes_long, res.codebook)
    assert f["at_risk_interviewees"] == figure("at_risk_interviewees")
    assert res.accounting["matrix_rows"]["kept"] == figure("interviews_total")
