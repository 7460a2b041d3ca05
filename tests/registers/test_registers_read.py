"""Reading register files: header variants, encodings, delimiters, sheets, clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from registers_helpers import HEADER, entry, write_csv

from pipeline.registers.read import RegistersInputError, match_header, read_register


def _xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


def test_header_variants_map_to_fields() -> None:
    assert match_header("ORGANIZATION") == "organisation"
    assert match_header(" a.k.a. ") == "aliases"
    assert match_header("Source (URL or citation)") == "source"
    assert match_header("Listed on") == "date_listed"
    assert match_header("Budget code") is None


def test_csv_rows_keep_their_line_numbers_and_skip_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "reg.csv"
    path.write_text(
        "A title line\n"
        + ",".join(HEADER)
        + "\n"
        + ",".join(entry("Alpha University of Technology"))
        + "\n"
        + ",,,,,,\n"
        + ",".join(entry("Beta Institute of Physics"))
        + "\n",
        encoding="utf-8",
    )
    (table,) = read_register(path)
    assert table.header_row == 2
    assert [n for n, _ in table.rows] == [3, 5]
    assert table.blank_rows == 1
    assert table.rows[1][1]["organisation"] == "Beta Institute of Physics"


def test_semicolon_utf16_with_bom_is_read(tmp_path: Path) -> None:
    text = ";".join(HEADER) + "\r\n" + ";".join(entry("Alpha University of Technology")) + "\r\n"
    path = tmp_path / "reg.csv"
    path.write_bytes(text.encode("utf-16"))
    (table,) = read_register(path)
    assert table.rows[0][1]["list_name"] == "Test List A"


def test_extra_column_is_reported_not_used(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "reg.csv",
        [[*entry("Alpha University of Technology"), "x"]],
        header=[*HEADER, "Internal note"],
    )
    (table,) = read_register(path)
    assert any("Internal note" in w for w in table.warnings)
    assert "Internal note" not in table.columns.values()


def test_missing_required_columns_name_file_and_columns(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "short.csv",
        [["Alpha University of Technology", "CN"]],
        header=["Organisation name", "Country"],
    )
    with pytest.raises(RegistersInputError) as err:
        read_register(path)
    msg = str(err.value)
    for part in ("short.csv", "'List name'", "'Category'", "'Source'", "header row 1"):
        assert part in msg


@pytest.mark.parametrize("content", [b"", b"  \n\n", b"\xef\xbb\xbf"])
def test_empty_files_are_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    with pytest.raises(RegistersInputError, match="empty.csv: the file is empty"):
        read_register(path)


def test_workbook_register_on_second_sheet_and_dates_as_cells(tmp_path: Path) -> None:
    row = entry("Alpha University of Technology")
    row[5] = dt.datetime(2020, 12, 18)
    path = _xlsx(tmp_path / "book.xlsx", {"Read me": [["see next sheet"]], "Lists": [HEADER, row]})
    (table,) = read_register(path)
    assert table.label == "book.xlsx!Lists"
    assert table.rows[0][0] == 2
    assert table.rows[0][1]["date_listed"] == dt.datetime(2020, 12, 18)


def test_workbook_without_a_register_names_its_sheets(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "budget.xlsx", {"Budget": [["Cost code", "Amount"], ["A", 1]]})
    with pytest.raises(RegistersInputError) as err:
        read_register(path)
    assert "budget.xlsx" in str(err.value)
    assert "'Budget'" in str(err.value)


def test_corrupt_workbook_and_unknown_types_are_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(RegistersInputError, match="bad.xlsx: cannot open"):
        read_register(bad)
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    with pytest.raises(RegistersInputError, match="unsupported file type '.pdf'"):
        read_register(pdf)
    with pytest.raises(RegistersInputError, match="file not found"):
        read_register(tmp_path / "missing.csv")
