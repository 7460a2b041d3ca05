"""Builders for the hostile inputs that are binary, large or encoding-specific.

Small text inputs are committed under ``tests/hostile/inputs/<kind>/``; anything that would be a
big or opaque file in the repository (a corrupt or truncated workbook, a 10 MB cell, GBK and
UTF-16 bytes, workbooks with merged or misplaced headers, folders with path-traversal names)
is made here, inside the test's temporary folder, from the committed text inputs or from
scratch. Every builder is ``build_<name>(dest: Path) -> Path`` and is deterministic.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
INPUTS = HERE / "inputs"
BIG_CELL_BYTES = 10 * 1024 * 1024
FIXED_TIME = dt.datetime(2020, 1, 1)

#: The centres header as the bundled workbook spells it (a subset of its columns).
CENTRES_HEADER = [
    "Centre name",
    "Chinese name",
    "UK partner(s)",
    "Chinese partner(s)",
    "Year established",
    "City",
    "Province",
    "Research area",
    "Funder(s)",
    "Status",
]
CENTRES_ROWS: list[list[Any]] = [
    [
        "Joint Centre for Photonics",
        "光子联合中心",
        "University of Leeds",
        "Zhejiang University",
        2005,
        "Hangzhou",
        "Zhejiang",
        "Applied physics",
        "NSFC",
        "Active",
    ],
    [
        "Sino-British Centre for Ecology",
        "中英生态中心",
        "University of Edinburgh",
        "Peking University",
        2010,
        "Beijing",
        "Beijing",
        "Ecology",
        "Royal Society",
        "Closed",
    ],
    [
        "UK-China Materials Lab",
        None,
        "University of Oxford",
        "Tsinghua University",
        2015,
        "Beijing",
        "Beijing",
        "Materials science",
        None,
        "Active",
    ],
]

CASES_HEADER = ["Case", "Organisation", "Discipline group", "Institution type", "Role"]


# --------------------------------------------------------------------------- helpers
def _fix_zip(path: Path) -> Path:
    """Rewrite an .xlsx with fixed entry times and sorted entries (same content, same bytes)."""
    with zipfile.ZipFile(path) as zin:
        items = sorted((i.filename, zin.read(i.filename)) for i in zin.infolist())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)
    return path


def _workbook():
    from openpyxl import Workbook

    wb = Workbook()
    wb.properties.creator = "hostile-corpus"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def _save(wb: Any, path: Path) -> Path:
    wb.save(path)
    return _fix_zip(path)


def _csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(
        [["" if c is None else c for c in r] for r in rows]
    )
    return buf.getvalue().encode(encoding)


def centres_workbook(
    path: Path,
    rows: list[list[Any]] | None = None,
    header: list[str] | None = None,
    title_rows: int = 0,
    sheet: str = "Centres",
) -> Path:
    """A small centres workbook: optional title block, header, rows."""
    wb = _workbook()
    ws = wb.active
    ws.title = sheet
    for i in range(title_rows):
        ws.append([f"UK-China centres database (hostile test copy), line {i + 1}"])
    ws.append(header or CENTRES_HEADER)
    for r in CENTRES_ROWS if rows is None else rows:
        ws.append(r)
    return _save(wb, path)


# --------------------------------------------------------------------------- centres
def build_centres_corrupt_xlsx(dest: Path) -> Path:
    """Bytes that are not a zip container at all, under an .xlsx name."""
    path = dest / "corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return path


def build_centres_truncated_xlsx(dest: Path) -> Path:
    """A valid workbook cut in half (an interrupted download or copy)."""
    whole = centres_workbook(dest / "whole.xlsx")
    path = dest / "truncated.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return path


def build_centres_empty_xlsx(dest: Path) -> Path:
    """A zero-byte file named .xlsx."""
    path = dest / "empty.xlsx"
    path.write_bytes(b"")
    return path


def build_centres_text_named_xlsx(dest: Path) -> Path:
    """A CSV saved with an .xlsx extension."""
    path = dest / "really_a_csv.xlsx"
    path.write_bytes(_csv_bytes([CENTRES_HEADER, *CENTRES_ROWS]))
    return path


def build_centres_wrong_sheet_first(dest: Path) -> Path:
    """The data sit on the second sheet; the first is a cover note (the reader must find it)."""
    wb = _workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["This workbook lists centres on the next sheet."])
    notes.append(["Do not edit the header row."])
    data = wb.create_sheet("Centres 2021")
    data.append(CENTRES_HEADER)
    for r in CENTRES_ROWS:
        data.append(r)
    return _save(wb, dest / "wrong_sheet_first.xlsx")


def build_centres_only_wrong_sheet(dest: Path) -> Path:
    """A workbook whose only sheet holds something else (a budget table)."""
    wb = _workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append(["Cost code", "Amount (GBP)", "Approved"])
    ws.append(["A-1", 1000, "yes"])
    ws.append(["A-2", -50, "no"])
    return _save(wb, dest / "only_wrong_sheet.xlsx")


def build_centres_merged_header(dest: Path) -> Path:
    """A merged title block over the header and a merged 'Partners' group cell above it."""
    wb = _workbook()
    ws = wb.active
    ws.title = "Centres"
    ws.append(["UK-China joint research centres"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CENTRES_HEADER))
    group = [None, None, "Partners", None, None, None, None, None, None, None]
    ws.append(group)
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=4)
    ws.append(CENTRES_HEADER)
    # a merged cell inside the data: one city spanning two rows
    for r in CENTRES_ROWS:
        ws.append(r)
    ws.merge_cells(start_row=5, start_column=7, end_row=6, end_column=7)
    return _save(wb, dest / "merged_header.xlsx")


def build_centres_xlsx_formulas_and_dates(dest: Path) -> Path:
    """Live formulas in text cells and real date cells in the year column."""
    rows = [list(r) for r in CENTRES_ROWS]
    rows[0][4] = dt.datetime(2005, 3, 1)
    rows[1][0] = '=HYPERLINK("http://evil.example/","Sino-British Centre for Ecology")'
    rows[2][8] = "=1+1"
    return centres_workbook(dest / "formulas_and_dates.xlsx", rows=rows, title_rows=2)


def build_centres_gbk(dest: Path) -> Path:
    """The centres table saved as GBK by a Chinese-locale spreadsheet program."""
    path = dest / "centres_gbk.csv"
    path.write_bytes(_csv_bytes([CENTRES_HEADER, *CENTRES_ROWS], "gbk"))
    return path


def build_centres_utf16(dest: Path) -> Path:
    """The centres table as UTF-16 with a BOM and tabs ("Unicode text" from Excel)."""
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter="\t", lineterminator="\r\n").writerows(
        [["" if c is None else c for c in r] for r in [CENTRES_HEADER, *CENTRES_ROWS]]
    )
    path = dest / "centres_utf16.txt"
    path.write_bytes(buf.getvalue().encode("utf-16"))
    return path


def build_centres_big_cell(dest: Path) -> Path:
    """A 10 MB research-area cell in the second data row."""
    rows = [list(r) for r in CENTRES_ROWS]
    rows[1][7] = "Ecology " + "x" * BIG_CELL_BYTES
    path = dest / "big_cell.csv"
    path.write_bytes(_csv_bytes([CENTRES_HEADER, *rows]))
    return path


# --------------------------------------------------------------------------- survey
def _survey_text() -> str:
    return (INPUTS / "survey" / "base_utf8_bom.csv").read_bytes().decode("utf-8-sig")


CHINESE_COMMENT = "合作伙伴很好，数据共享困难"


def build_survey_gbk(dest: Path) -> Path:
    """The survey export saved as GBK, with a Chinese free-text answer."""
    path = dest / "survey_gbk.csv"
    path.write_bytes(_survey_text().replace("Good partners.", CHINESE_COMMENT).encode("gbk"))
    return path


def build_survey_utf16(dest: Path) -> Path:
    """The survey export as UTF-16 (with BOM), with a Chinese free-text answer."""
    path = dest / "survey_utf16.csv"
    path.write_bytes(_survey_text().replace("Good partners.", CHINESE_COMMENT).encode("utf-16"))
    return path


def build_survey_big_cell(dest: Path) -> Path:
    """A 10 MB free-text answer in the second response."""
    path = dest / "survey_big_cell.csv"
    path.write_text(_survey_text().replace("Good partners.", "y" * BIG_CELL_BYTES), "utf-8")
    return path


def build_survey_centres_file(dest: Path) -> Path:
    """A centres table handed to the survey cleaner by mistake (no survey column at all)."""
    path = dest / "not_a_survey.csv"
    path.write_bytes(_csv_bytes([CENTRES_HEADER, *CENTRES_ROWS]))
    return path


# --------------------------------------------------------------------------- interviews
CODEBOOK = INPUTS / "interviews" / "codebook.csv"
MATRIX_CODES = ["Benefits\\Complementarity", "Challenges\\Funding"]
GOOD_CASES: list[list[Any]] = [
    ["INT-01", "University of Leeds", "STEM", "Russell Group", "Academic"],
    ["INT-02", "University of Edinburgh", "Social sciences", "Russell Group", "Academic"],
    ["INT-03", "Imperial College London", "STEM", "Russell Group", "Support services"],
]
GOOD_MATRIX: list[list[Any]] = [["INT-01", 2, 0], ["INT-02", 1, 3], ["INT-03", None, 1]]


def interviews_workbook(
    path: Path,
    cases: list[list[Any]] | None = None,
    matrix: list[list[Any]] | None = None,
    cases_header: list[str] | None = None,
    matrix_header: list[str] | None = None,
    sheets: tuple[str, str] = ("Cases", "Framework matrix"),
    merged_title: bool = False,
) -> Path:
    """An NVivo-style export: a case sheet and a framework matrix (with a title block)."""
    wb = _workbook()
    ws = wb.active
    ws.title = sheets[0]
    ws.append(["Case classification export (hostile test copy)"])
    if merged_title:
        ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(cases_header or CASES_HEADER)
    for r in GOOD_CASES if cases is None else cases:
        ws.append(r)
    ms = wb.create_sheet(sheets[1])
    ms.append(["Framework matrix"])
    if merged_title:
        ms.merge_cells("A1:C1")
    ms.append(["Case", *(matrix_header or MATRIX_CODES)])
    for r in GOOD_MATRIX if matrix is None else matrix:
        ms.append(r)
    return _save(wb, path)


def _interviews(dest: Path, name: str, **kw: Any) -> Path:
    return interviews_workbook(dest / name, **kw)


def build_interviews_ok(dest: Path) -> Path:
    """A clean small export (the control case)."""
    return _interviews(dest, "ok.xlsx")


def build_interviews_empty(dest: Path) -> Path:
    """A zero-byte export."""
    path = dest / "empty.xlsx"
    path.write_bytes(b"")
    return path


def build_interviews_corrupt(dest: Path) -> Path:
    """Random-looking bytes under an .xlsx name."""
    path = dest / "corrupt.xlsx"
    path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(4096)))
    return path


def build_interviews_truncated(dest: Path) -> Path:
    """A valid export cut in half."""
    whole = _interviews(dest, "whole.xlsx")
    path = dest / "truncated.xlsx"
    path.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    whole.unlink()
    return path


def build_interviews_wrong_sheets(dest: Path) -> Path:
    """Sheets named after something else: no case sheet to find."""
    return _interviews(dest, "wrong_sheets.xlsx", sheets=("Sheet1", "Framework matrix"))


def build_interviews_missing_column(dest: Path) -> Path:
    """The case sheet lacks the required 'Discipline group' column."""
    header = ["Case", "Organisation", "Institution type", "Role"]
    cases = [[r[0], r[1], r[3], r[4]] for r in GOOD_CASES]
    return _interviews(dest, "missing_column.xlsx", cases=cases, cases_header=header)


def build_interviews_unknown_code(dest: Path) -> Path:
    """A matrix column for a code that the codebook does not hold."""
    return _interviews(
        dest, "unknown_code.xlsx", matrix_header=[MATRIX_CODES[0], "Risks\\Alien abduction"]
    )


def build_interviews_bad_counts(dest: Path) -> Path:
    """Negative, fractional, textual and formula reference counts."""
    matrix = [["INT-01", -2, 0], ["INT-02", 2.5, "three"], ["INT-03", "=1+1", 1]]
    return _interviews(dest, "bad_counts.xlsx", matrix=matrix)


def build_interviews_duplicate_ids(dest: Path) -> Path:
    """The same case twice on the case sheet and twice in the matrix (case and space variants)."""
    cases = [*GOOD_CASES, ["int-01 ", "University of Leeds", "STEM", "Russell Group", "Academic"]]
    matrix = [*GOOD_MATRIX, [" INT-01", 5, 5]]
    return _interviews(dest, "duplicate_ids.xlsx", cases=cases, matrix=matrix)


def build_interviews_unknown_org_and_group(dest: Path) -> Path:
    """An organisation no registry knows and a discipline group outside the scheme."""
    cases = [list(r) for r in GOOD_CASES]
    cases[0][1] = "Hogwarts School of Witchcraft and Wizardry"
    cases[1][2] = "Alchemy"
    return _interviews(dest, "unknown_org_and_group.xlsx", cases=cases)


def build_interviews_html(dest: Path) -> Path:
    """Script payloads in the organisation and role cells."""
    cases = [list(r) for r in GOOD_CASES]
    cases[0][1] = "<script>alert(1)</script>"
    cases[1][1] = "<img src=x onerror=alert(2)>"
    cases[2][4] = '<a href="javascript:alert(3)">Support</a>'
    return _interviews(dest, "html_payloads.xlsx", cases=cases)


def build_interviews_header_only(dest: Path) -> Path:
    """Headers on both sheets and no data rows."""
    return _interviews(dest, "header_only.xlsx", cases=[], matrix=[])


def build_interviews_merged_title(dest: Path) -> Path:
    """Merged title cells above the headers (as NVivo writes them)."""
    return _interviews(dest, "merged_title.xlsx", merged_title=True)


def build_interviews_orphan_and_blank(dest: Path) -> Path:
    """A matrix row for a case not on the case sheet and a case row without an id."""
    cases = [*GOOD_CASES, [None, "University of Leeds", "STEM", "Russell Group", "Academic"]]
    matrix = [*GOOD_MATRIX, ["INT-99", 1, 1]]
    return _interviews(dest, "orphan_and_blank.xlsx", cases=cases, matrix=matrix)


def build_interviews_empty_codebook(dest: Path) -> Path:
    """An empty codebook beside a good export (the case names the codebook)."""
    (dest / "codebook_empty.csv").write_bytes(b"")
    return _interviews(dest, "ok_for_empty_codebook.xlsx")


def build_interviews_codebook_missing_columns(dest: Path) -> Path:
    """A codebook without its code_path column."""
    (dest / "codebook_no_path.csv").write_text(
        "code_id,theme\nben_complementarity,benefits\n", "utf-8"
    )
    return _interviews(dest, "ok_for_bad_codebook.xlsx")


# --------------------------------------------------------------------------- biblio
def build_biblio_path_traversal(dest: Path) -> Path:
    """A folder of extracts with a symlink escaping it and a file named like a traversal.

    ``extracts/`` holds one good Scopus file, a symbolic link ``escape.csv`` pointing at a
    Scopus file outside the folder, and a file literally named ``..%2F..%2Fetc%2Fpasswd.csv``
    plus one named ``..\\..\\evil.csv`` (legal names on POSIX) that stay inside.
    """
    good = (INPUTS / "biblio" / "scopus_ok.csv").read_bytes()
    outside = dest / "outside"
    outside.mkdir()
    secret = outside / "secret_scopus.csv"
    secret.write_bytes(good.replace(b"2-s2.0-H1", b"2-s2.0-SECRET"))
    folder = dest / "extracts"
    folder.mkdir()
    (folder / "scopus_ok.csv").write_bytes(good)
    os.symlink(os.path.relpath(secret, folder), folder / "escape.csv")
    (folder / "..%2F..%2Fetc%2Fpasswd.csv").write_bytes(b"root:x:0:0:root:/root:/bin/sh\n")
    (folder / "..\\..\\evil.csv").write_bytes(good.replace(b"2-s2.0-H", b"2-s2.0-E"))
    return folder


def build_biblio_utf16_wos(dest: Path) -> Path:
    """A Web of Science tab-delimited export in UTF-16 (what WoS writes)."""
    text = (INPUTS / "biblio" / "wos_tab.txt").read_text("utf-8")
    path = dest / "wos_tab_utf16.txt"
    path.write_bytes(text.encode("utf-16"))
    return path


def build_biblio_gbk_scopus(dest: Path) -> Path:
    """A Scopus CSV re-saved as GBK with a Chinese affiliation."""
    text = (INPUTS / "biblio" / "scopus_ok.csv").read_text("utf-8-sig")
    text = text.replace(
        "School of Physics, Peking University", "北京大学物理学院, Peking University"
    )
    path = dest / "scopus_gbk.csv"
    path.write_bytes(text.encode("gbk"))
    return path


def build_biblio_big_cell(dest: Path) -> Path:
    """A Scopus record whose title is 10 MB."""
    text = (INPUTS / "biblio" / "scopus_ok.csv").read_text("utf-8-sig")
    text = text.replace("Optical widgets", "Optical widgets " + "z" * BIG_CELL_BYTES, 1)
    path = dest / "scopus_big_cell.csv"
    path.write_text(text, "utf-8")
    return path


def build_biblio_empty_folder(dest: Path) -> Path:
    """A folder with nothing but an empty file and a hidden file."""
    folder = dest / "nothing"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    return folder


# --------------------------------------------------------------------------- registers
REGISTER_HEADER = [
    "Organisation name",
    "Aliases",
    "Country",
    "List name",
    "Category",
    "Date listed",
    "Source",
]
REGISTER_ROWS: list[list[Any]] = [
    [
        "Tianjin University",
        None,
        "CN",
        "Test list",
        "export control",
        dt.datetime(2020, 12, 18),
        "https://example.org/a",
    ],
    [
        "Harbin Institute of Technology",
        "HIT",
        "CN",
        "Test list",
        "export control",
        2020,
        "https://example.org/a",
    ],
]


def build_registers_wrong_sheet(dest: Path) -> Path:
    """A workbook whose only sheet is a budget, not a register."""
    wb = _workbook()
    ws = wb.active
    ws.title = "Budget"
    ws.append(["Cost code", "Amount (GBP)", "Approved"])
    ws.append(["A-1", 1000, "yes"])
    return _save(wb, dest / "register_wrong_sheet.xlsx")


def build_registers_wrong_sheet_first(dest: Path) -> Path:
    """A cover sheet first, the register (with a spreadsheet date and a year cell) second."""
    wb = _workbook()
    wb.active.title = "Read me"
    wb.active.append(["The register is on the next sheet."])
    data = wb.create_sheet("Lists")
    data.append(REGISTER_HEADER)
    for r in REGISTER_ROWS:
        data.append(r)
    return _save(wb, dest / "register_second_sheet.xlsx")


def build_registers_corrupt_xlsx(dest: Path) -> Path:
    """Bytes that are not a workbook, under an .xlsx name."""
    path = dest / "register_corrupt.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    return path


def build_registers_empty_xlsx(dest: Path) -> Path:
    """A zero-byte .xlsx."""
    path = dest / "register_empty.xlsx"
    path.write_bytes(b"")
    return path


# --------------------------------------------------------------------------- literature
LITERATURE_CODING_HEADER = ["ref_id", "themes", "evidence_themes", "source_type", "country",
                            "coding_basis"]  # fmt: skip
LITERATURE_CODING: dict[str, list[list[str]]] = {
    # the two references every literature input holds (ids ok1 and ok2)
    "default": [
        ["ok1", "benefit; risk", "expertise", "peer-reviewed", "UK", "abstract"],
        ["ok2", "risk | good practice", "dual_use", "think tank", "GB", "landing page"],
    ],
    # a theme code nobody defined, and a source type outside the scheme
    "unknown_theme": [
        ["ok1", "benefit; dragons", "", "peer-reviewed", "UK", "abstract"],
        ["ok2", "risk", "", "tabloid", "GB", "synthetic"],
    ],
}


def literature_coding(dest: Path, variant: str = "default") -> Path:
    """Write the named coding-sheet variant as CSV into ``dest`` and return its path."""
    path = dest / f"coding_{variant}.csv"
    path.write_bytes(_csv_bytes([LITERATURE_CODING_HEADER, *LITERATURE_CODING[variant]]))
    return path


def build_literature_cp1252(dest: Path) -> Path:
    """An EndNote RIS export written in Windows-1252 (accented author name, not UTF-8)."""
    text = (INPUTS / "literature" / "ok.ris").read_text("utf-8")
    text = text.replace("Tester, Ada", "Müller, Zoë")
    path = dest / "endnote_cp1252.ris"
    path.write_bytes(text.encode("cp1252"))
    return path


def build_literature_utf16(dest: Path) -> Path:
    """The RIS export saved as UTF-16 with a byte-order mark (read correctly)."""
    text = (INPUTS / "literature" / "ok.ris").read_text("utf-8")
    path = dest / "utf16.ris"
    path.write_bytes(text.replace("Tester, Ada", "Müller, Zoë").encode("utf-16"))
    return path


def build_literature_endnote_txt_crlf(dest: Path) -> Path:
    """EndNote's RIS as a ``.txt`` file with a UTF-8 BOM and CRLF line ends."""
    text = (INPUTS / "literature" / "ok.ris").read_text("utf-8")
    path = dest / "endnote_export.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    return path


# --------------------------------------------------------------------------- privacy (issue 19)
def build_interviews_privacy_person_as_organisation(dest: Path) -> Path:
    """A person typed where the organisation belongs, and a role naming someone."""
    cases = [list(r) for r in GOOD_CASES]
    cases[0][1] = "Prof Q. Xu (personal capacity)"
    cases[1][4] = "PA to Prof Zebulon Testperson, zt@example.ac.uk"
    return _interviews(dest, "privacy_person_as_organisation.xlsx", cases=cases)


def _gzip(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0) as fh:
        fh.write(data)
    return buf.getvalue()


def _pubmed_articles(n: int) -> bytes:
    """A PubMed XML export of ``n`` small articles (UK–China on every third)."""
    articles = []
    for i in range(1, n + 1):
        place = "Leeds, UK; Zhejiang University, Hangzhou, China" if i % 3 == 0 else "Leeds, UK"
        # a title that does not compress away, so that half the bytes hold half the articles
        title = hashlib.sha256(str(i).encode()).hexdigest() * 4
        articles.append(
            f"<PubmedArticle><MedlineCitation><PMID>{9100 + i}</PMID><Article>"
            f"<ArticleTitle>{title}</ArticleTitle><Journal>"
            f"<JournalIssue><PubDate><Year>2019</Year></PubDate></JournalIssue></Journal>"
            f"<AuthorList><Author><AffiliationInfo><Affiliation>University of {place}."
            f"</Affiliation></AffiliationInfo></Author></AuthorList></Article></MedlineCitation>"
            "</PubmedArticle>\n"
        )
    body = "".join(articles)
    return f'<?xml version="1.0"?>\n<PubmedArticleSet>\n{body}</PubmedArticleSet>\n'.encode()


def build_biblio_gzip_cut_in_half(dest: Path) -> Path:
    """A gzip-compressed PubMed export of 40 articles whose second half is missing."""
    whole = _gzip(_pubmed_articles(40))
    path = dest / "pubmed_part.xml.gz"
    path.write_bytes(whole[: len(whole) // 2])
    return path


def build_biblio_gzip_medline(dest: Path) -> Path:
    """A whole PubMed export, gzip-compressed (as PubMed distributes its files)."""
    path = dest / "pubmed_whole.xml.gz"
    path.write_bytes(_gzip(_pubmed_articles(6)))
    return path


def build_biblio_with_companion(dest: Path) -> Path:
    """A folder of one Scopus export and the sample's side-car metadata (``*.meta.json``)."""
    folder = dest / "with_meta"
    folder.mkdir()
    (folder / "scopus_ok.csv").write_bytes((INPUTS / "biblio" / "scopus_ok.csv").read_bytes())
    (folder / "sample.meta.json").write_text('{\n  "sampling_rate": 0.05\n}\n', "utf-8")
    return folder


BUILDERS: dict[str, Callable[[Path], Path]] = {
    name[len("build_") :]: fn for name, fn in globals().items() if name.startswith("build_")
}

# the builders of issue 19 (hidden sheets, code paths, mixed encodings, OLE and oversized
# workbooks) live in .silent, which uses the helpers above
from . import silent

BUILDERS.update(silent.BUILDERS)
