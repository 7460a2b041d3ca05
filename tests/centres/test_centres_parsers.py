"""Unit tests of the centres parsers: years, splitting, locations, headers, encodings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from centres_helpers import HEADER, row, write_csv, write_xlsx

from pipeline.centres.fields import (
    normalise_location,
    normalise_status,
    parse_year,
    split_names,
)
from pipeline.centres.read import (
    CentresInputError,
    find_header_row,
    header_key,
    match_header,
    read_table,
)
from pipeline.io import decode_text


# ----------------------------------------------------------------------------- years
@pytest.mark.parametrize(
    ("value", "year", "approx"),
    [
        (2015, 2015, False),
        (2015.0, 2015, False),
        ("2015", 2015, False),
        (" 2015 ", 2015, False),
        ("2015.0", 2015, False),
        ("2015/16", 2015, False),
        ("2015/2016", 2015, False),
        ("2015-2016", 2015, False),
        ("2015–16", 2015, False),
        ("2015 - 2016", 2015, False),
        ("c. 2012", 2012, True),
        ("c 2012", 2012, True),
        ("ca 2012", 2012, True),
        ("ca. 2012", 2012, True),
        ("circa 2012", 2012, True),
        ("around 2012", 2012, True),
        ("Around 2012", 2012, True),
        ("approx. 2012", 2012, True),
        ("2012?", 2012, True),
        ("~2012", 2012, True),
        ("2012 (renewed 2017)", 2012, False),
        ("2012年", 2012, False),
        ("2016-03-01", 2016, False),
        ("01/03/2016", 2016, False),
        ("March 2016", 2016, False),
        (dt.datetime(2016, 3, 1), 2016, False),
        (dt.date(2011, 9, 30), 2011, False),
        (42430, 2016, False),  # Excel serial for 2016-03-01
        (42430.5, 2016, False),
        ("42430", 2016, False),
        (1978, 1978, False),
        (2022, 2022, False),
    ],
)
def test_parse_year_formats(value: object, year: int, approx: bool) -> None:
    p = parse_year(value)
    assert p.problem is None, p.problem
    assert (p.year, p.approximate, p.missing) == (year, approx, False)


@pytest.mark.parametrize("value", [None, "", "   ", "n/a", "N/A", "unknown", "-", "?", "TBC"])
def test_parse_year_missing(value: object) -> None:
    p = parse_year(value)
    assert p.missing and p.year is None and p.problem is None


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (2035, "outside [1978, 2022]"),
        ("2035", "outside"),
        ("c. 1960", "outside"),
        (1977, "outside"),
        ("soon", "not a recognisable year"),
        ("15/16", "not a recognisable year"),
        (12.5, "neither a year nor an Excel date"),
        (500, "neither a year nor an Excel date"),
        (True, "not a year"),
    ],
)
def test_parse_year_problems(value: object, fragment: str) -> None:
    p = parse_year(value)
    assert p.year is None and not p.missing
    assert p.problem is not None and fragment in p.problem


def test_parse_year_bounds_are_parameters() -> None:
    assert parse_year(2030, 1978, 2035).year == 2030
    assert parse_year(1990, 2000, 2022).problem is not None
    assert "2035" in (parse_year("c. 2035").problem or "")


# ----------------------------------------------------------------------------- splitting
KNOWN = {
    "university of cambridge",
    "peking university",
    "school of oriental and african studies",
    "imperial college of science, technology & medicine",
    "southeast university",
    "清华大学",
    "jiangsu science and technology department",
    "nsfc",
}


def _known(s: str) -> bool:
    return " ".join(s.casefold().split()) in KNOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("University of Cambridge", ["University of Cambridge"]),
        (
            "University of Cambridge; Peking University",
            ["University of Cambridge", "Peking University"],
        ),
        (
            "University of Cambridge / Peking University",
            ["University of Cambridge", "Peking University"],
        ),
        (
            "University of Cambridge, Peking University",
            ["University of Cambridge", "Peking University"],
        ),
        (
            "University of Cambridge & Peking University",
            ["University of Cambridge", "Peking University"],
        ),
        (
            "University of Cambridge and Peking University",
            ["University of Cambridge", "Peking University"],
        ),
        (
            "University of Cambridge\nPeking University",
            ["University of Cambridge", "Peking University"],
        ),
        ("东南大学、清华大学", ["东南大学", "清华大学"]),
        ("School of Oriental and African Studies", ["School of Oriental and African Studies"]),
        (
            "School of Oriental and African Studies and University of Cambridge",
            ["School of Oriental and African Studies", "University of Cambridge"],
        ),
        (
            "Imperial College of Science, Technology & Medicine, Peking University",
            ["Imperial College of Science, Technology & Medicine", "Peking University"],
        ),
        (
            "Jiangsu Science and Technology Department and NSFC",
            ["Jiangsu Science and Technology Department", "NSFC"],
        ),
        # unknown multi-word names are not cut up on " and "
        ("Institute of Arts and Crafts", ["Institute of Arts and Crafts"]),
        ("University of Cambridge;; ", ["University of Cambridge"]),
        ("University of Cambridge; University of Cambridge", ["University of Cambridge"]),
        ("", []),
        (None, []),
    ],
)
def test_split_names(text: str | None, expected: list[str]) -> None:
    assert split_names(text, _known) == expected


# ----------------------------------------------------------------------------- location/status
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("China", "CN"),
        ("PRC", "CN"),
        ("Mainland China", "CN"),
        ("mainland china", "CN"),
        ("中国", "CN"),
        ("UK", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Both", "both"),
        ("UK & China", "both"),
        ("China and the UK", "both"),
        ("Virtual", "virtual"),
        ("online", "virtual"),
        ("virtual centre", "virtual"),
        ("", None),
        (None, None),
        ("Mars", None),
    ],
)
def test_normalise_location(text: str | None, code: str | None) -> None:
    assert normalise_location(text) == code


def test_normalise_status() -> None:
    assert normalise_status("active") == "Active"
    assert normalise_status(" CLOSED ") == "Closed"
    assert normalise_status("Merged 2019") == "Merged 2019"
    assert normalise_status("") == "Unknown"
    assert normalise_status(None) == "Unknown"


# ----------------------------------------------------------------------------- headers
@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Centre name", "name"),
        ("CENTRE  NAME", "name"),
        ("Name of centre", "name"),
        ("Centre", "name"),
        ("UK Partners", "uk_partners"),
        ("UK institution(s)", "uk_partners"),
        ("uk_partners", "uk_partners"),
        ("China partner(s)", "cn_partners"),
        ("Chinese Partner Institution(s)", "cn_partners"),
        ("Est.", "year"),
        ("Year founded", "year"),
        ("Established", "year"),
        ("Location", "location"),
        ("Physical location", "location"),
        ("Research field", "research_area"),
        ("Research area(s)", "research_area"),
        ("Discipline", "research_area"),
        ("Funding", "funders"),
        ("Funded by", "funders"),
        ("Funder(s)", "funders"),
        ("No.", "no"),
        ("Favourite colour", None),
        (None, None),
    ],
)
def test_match_header(text: str | None, field: str | None) -> None:
    assert match_header(text) == field


def test_header_key_ignores_case_space_punctuation() -> None:
    assert header_key(" UK partner(s) ") == header_key("uk-partners") == "ukpartners"


def test_find_header_row_below_titles() -> None:
    rows = [
        ["UK-China joint research centres database", None],
        ["Maintained by someone; year of publication 2022", None],
        [None, None],
        HEADER,
        [1, "A centre"],
    ]
    assert find_header_row(rows) == (3, len({match_header(h) for h in HEADER}))


# ----------------------------------------------------------------------------- encodings
@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gbk", "gb18030"]
)
def test_csv_encodings_round_trip(tmp_path: Path, encoding: str) -> None:
    rows = [row({"Centre name": "中英联合研究中心", "Chinese partner(s)": "北京大学"})]
    p = write_csv(tmp_path / f"c_{encoding}.csv", rows, encoding=encoding)
    t = read_table(p)
    assert t.rows[0][1]["name"] == "中英联合研究中心"
    assert t.rows[0][1]["cn_partners"] == "北京大学"
    assert t.rows[0][0] == 2  # line 2 of the file


def test_decode_order() -> None:
    assert decode_text("é,a".encode())[1] == "utf-8"
    assert decode_text("北京,a".encode("gbk"))[1] == "gb18030"
    assert decode_text("Café, Zoë".encode("cp1252"))[1] == "cp1252"
    assert decode_text("x".encode("utf-16"))[1] == "utf-16"
    assert decode_text(b"\xef\xbb\xbfx")[1] == "utf-8-sig"


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiters(tmp_path: Path, delimiter: str) -> None:
    rows = [row({"UK partner(s)": "Cambridge, Edinburgh; SOAS"})]
    p = write_csv(tmp_path / "d.csv", rows, delimiter=delimiter)
    t = read_table(p)
    assert t.delimiter == delimiter
    assert t.rows[0][1]["uk_partners"] == "Cambridge, Edinburgh; SOAS"


def test_csv_embedded_newlines_keep_line_numbers(tmp_path: Path) -> None:
    rows = [
        row({"UK partner(s)": "University of Cambridge\nUniversity of Edinburgh"}),
        row({"Centre name": "Second"}),
    ]
    t = read_table(write_csv(tmp_path / "n.csv", rows))
    assert [n for n, _ in t.rows] == [2, 4]  # the first record spans lines 2-3
    assert "\n" in t.rows[0][1]["uk_partners"]


def test_xlsx_rows_numbers_and_sheet_choice(tmp_path: Path) -> None:
    p = write_xlsx(tmp_path / "w.xlsx", [row(), row({"Centre name": "B"})])
    t = read_table(p)
    assert t.sheet == "Centres" and t.header_row == 4
    assert [n for n, _ in t.rows] == [5, 6]


def test_xlsx_header_on_second_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Readme"
    wb.active.append(["Read me first"])
    ws = wb.create_sheet("Data")
    ws.append(HEADER)
    ws.append([row().get(h) for h in HEADER])
    wb.save(tmp_path / "two.xlsx")
    t = read_table(tmp_path / "two.xlsx")
    assert t.sheet == "Data" and t.rows[0][0] == 2


def test_xlsx_no_matching_sheet_names_file_and_sheets(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Readme"
    wb.active.append(["Just notes", "nothing else"])
    wb.create_sheet("Other").append(["Colour", "Size"])
    wb.save(tmp_path / "none.xlsx")
    with pytest.raises(CentresInputError) as exc:
        read_table(tmp_path / "none.xlsx")
    msg = str(exc.value)
    assert "none.xlsx" in msg and "Readme" in msg and "Other" in msg
    assert "missing required column" in msg


def test_xlsx_formula_cells_give_text_when_uncached(tmp_path: Path) -> None:
    r = row(Website='=HYPERLINK("http://example.org","site")')
    t = read_table(write_xlsx(tmp_path / "f.xlsx", [r]))
    assert t.rows[0][1]["website"] == '=HYPERLINK("http://example.org","site")'


def test_xlsx_datetime_cell_kept_for_year_parser(tmp_path: Path) -> None:
    r = row({"Year established": dt.datetime(2016, 3, 1)})
    t = read_table(write_xlsx(tmp_path / "d.xlsx", [r]))
    assert parse_year(t.rows[0][1]["year"]).year == 2016


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(CentresInputError, match="not found"):
        read_table(tmp_path / "absent.csv")
    (tmp_path / "x.json").write_text("{}")
    with pytest.raises(CentresInputError, match="unsupported"):
        read_table(tmp_path / "x.json")


def test_excel_sep_hint_line(tmp_path: Path) -> None:
    p = write_csv(tmp_path / "s.csv", [row(), row({"Centre name": "B"})], delimiter=";")
    p.write_bytes(b"sep=;\r\n" + p.read_bytes())
    t = read_table(p)
    assert t.delimiter == ";" and [n for n, _ in t.rows] == [3, 4]


def test_duplicate_header_is_reported(tmp_path: Path) -> None:
    header = [*HEADER, "UK institution(s)"]
    t = read_table(write_xlsx(tmp_path / "d.xlsx", [row()], header=header))
    assert t.ignored_columns == ["UK institution(s)"]
    assert "same field as column 'UK partner(s)'" in t.warnings[0]


def test_cp1252_csv(tmp_path: Path) -> None:
    p = write_csv(
        tmp_path / "w.csv", [row({"Centre name": "Café Zoë – Centre"})], encoding="cp1252"
    )
    t = read_table(p)
    assert t.encoding == "cp1252" and t.rows[0][1]["name"] == "Café Zoë – Centre"


def test_control_characters_are_dropped(tmp_path: Path) -> None:
    from pipeline.centres.read import cell_text

    p = write_csv(tmp_path / "nul.csv", [row(), row({"Centre name": "bad\x00na\x07me"})])
    t = read_table(p)
    assert cell_text(t.rows[1][1]["name"]) == "badname"
    assert cell_text("a\tb\nc") == "a b\nc"
