"""Builders for hostile inputs that used to change a result without a word (issue 19).

Workbooks with hidden or competing sheets, coding columns whose path is not in the codebook,
files in mixed encodings, encrypted and legacy (OLE) workbooks under an ``.xlsx`` name, and
workbooks that would inflate past the readers' limits. Like the builders of :mod:`.corpus`
(which registers these in its ``BUILDERS``), each is ``build_<name>(dest: Path) -> Path`` and
deterministic.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .corpus import (
    CASES_HEADER,
    CENTRES_HEADER,
    CENTRES_ROWS,
    CODEBOOK,
    GOOD_CASES,
    GOOD_MATRIX,
    MATRIX_CODES,
    _csv_bytes,
    _fix_zip,
    _interviews,
    _save,
    _survey_text,
    _workbook,
)
from .ole import compound_file

STALE_ROW: list[Any] = ["Old Joint Centre", None, "University of Leeds", "Zhejiang University"]
STALE_ROW += [1999, "Hangzhou", "Zhejiang", "Physics", None, "Active"]


# --------------------------------------------------------------------------- sheets
def _centres_sheets(path: Path, sheets: list[tuple[str, list[list[Any]], str]]) -> Path:
    """A workbook with one centres table per ``(title, rows, state)``; state visible/hidden."""
    wb = _workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        ws.append(CENTRES_HEADER)
        for r in rows:
            ws.append(r)
        ws.sheet_state = state
    return _save(wb, path)


def build_centres_hidden_stale_first_sheet(dest: Path) -> Path:
    """A hidden, out-of-date first sheet (1 centre) before the visible current one (3)."""
    return _centres_sheets(
        dest / "hidden_stale_first.xlsx",
        [("Centres (2019)", [STALE_ROW], "hidden"), ("Centres", CENTRES_ROWS, "visible")],
    )


def build_centres_two_complete_sheets(dest: Path) -> Path:
    """Two visible sheets that both hold a complete centres table."""
    return _centres_sheets(
        dest / "two_sheets.xlsx",
        [("Centres 2019", [STALE_ROW], "visible"), ("Centres 2022", CENTRES_ROWS, "visible")],
    )


def build_centres_only_hidden_sheet(dest: Path) -> Path:
    """The only centres table sits on a hidden sheet; the visible one is a cover note."""
    wb = _workbook()
    wb.active.title = "Read me"
    wb.active.append(["The list is on another sheet."])
    ws = wb.create_sheet("Centres")
    ws.append(CENTRES_HEADER)
    for r in CENTRES_ROWS:
        ws.append(r)
    ws.sheet_state = "hidden"
    return _save(wb, dest / "only_hidden.xlsx")


def _interview_sheets(path: Path, case_sheets: list[tuple[str, list[list[Any]], str]]) -> Path:
    """An export whose case sheets are ``(title, cases, state)``, then the framework matrix."""
    wb = _workbook()
    wb.remove(wb.active)
    for title, cases, state in case_sheets:
        ws = wb.create_sheet(title)
        ws.append(CASES_HEADER)
        for r in cases:
            ws.append(r)
        ws.sheet_state = state
    ms = wb.create_sheet("Framework matrix")
    ms.append(["Case", *MATRIX_CODES])
    for r in GOOD_MATRIX:
        ms.append(r)
    return _save(wb, path)


def build_interviews_hidden_stale_case_sheet(dest: Path) -> Path:
    """A hidden, older case sheet (one case) beside the visible current one."""
    return _interview_sheets(
        dest / "hidden_case_sheet.xlsx",
        [("Cases (2019)", GOOD_CASES[:1], "hidden"), ("Cases", GOOD_CASES, "visible")],
    )


def build_interviews_two_case_sheets(dest: Path) -> Path:
    """Two visible sheets that could both be the case sheet."""
    return _interview_sheets(
        dest / "two_case_sheets.xlsx",
        [("Cases", GOOD_CASES[:1], "visible"), ("Cases 2022", GOOD_CASES, "visible")],
    )


def build_interviews_only_hidden_case_sheet(dest: Path) -> Path:
    """The only case sheet is hidden."""
    return _interview_sheets(dest / "hidden_only.xlsx", [("Cases", GOOD_CASES, "hidden")])


# --------------------------------------------------------------------------- code paths
def build_interviews_code_other_branch(dest: Path) -> Path:
    """A column 'Risks\\Funding' whose last segment matches the codebook's Challenges\\Funding."""
    headers = [f"Nodes\\{MATRIX_CODES[0]}", "Nodes\\Risks\\Funding"]
    return _interviews(dest, "other_branch.xlsx", matrix_header=headers)


def build_interviews_code_notes_folder(dest: Path) -> Path:
    """An interviewer-notes column whose last segment is a codebook code (Risks\\Felt at risk)."""
    book = CODEBOOK.read_text("utf-8").rstrip("\n") + "\n"
    book += "rsk_felt_at_risk,Risks\\Felt at risk,risks,Felt at risk while working with China.\n"
    (dest / "codebook_with_risk.csv").write_text(book, "utf-8")
    headers = [f"Nodes\\{MATRIX_CODES[0]}", "Nodes\\Interviewer notes\\Felt at risk"]
    return _interviews(dest, "notes_folder.xlsx", matrix_header=headers)


# --------------------------------------------------------------------------- encodings
WESTERN_NAME = "Müller-Lüdenscheidt Laboratory"  # its cp1252 bytes also decode as GB18030


def build_centres_utf8_with_cp1252_row(dest: Path) -> Path:
    """UTF-8 with Chinese names, except line 4, pasted in from a Windows-1252 program."""
    rows = [list(r) for r in CENTRES_ROWS]
    rows[2][0] = "Université de Genève Centre"
    lines = _csv_bytes([CENTRES_HEADER, *rows]).split(b"\r\n")
    lines[3] = lines[3].decode("utf-8").encode("cp1252")
    path = dest / "centres_mixed.csv"
    path.write_bytes(b"\r\n".join(lines))
    return path


def build_centres_cp1252_western(dest: Path) -> Path:
    """A whole file in Windows-1252 whose accented name would also read as GB18030."""
    rows = [list(r) for r in CENTRES_ROWS]
    for r in rows:
        r[1] = None  # Chinese names cannot be written in cp1252
    rows[0][0] = WESTERN_NAME
    path = dest / "centres_cp1252.csv"
    path.write_bytes(_csv_bytes([CENTRES_HEADER, *rows], "cp1252"))
    return path


def build_survey_bom_with_cp1252_row(dest: Path) -> Path:
    """A UTF-8 export (with BOM) whose line 5 holds a comment saved as Windows-1252."""
    lines = _survey_text().encode("utf-8").split(b"\r\n")
    assert b"Good partners." in lines[4]
    lines[4] = lines[4].replace(b"Good partners.", "Café meetings helped.".encode("cp1252"))
    path = dest / "survey_bom_cp1252_row.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines))
    return path


def build_survey_utf8_with_gbk_row(dest: Path) -> Path:
    """UTF-8 (no BOM) with Chinese comments, one of them (line 6) saved as GBK."""
    lines = _survey_text().split("\r\n")
    lines[4] = lines[4].replace("Good partners.", "合作伙伴很好")
    lines[5] = lines[5].rstrip(",") + ",数据共享困难"
    data = [line.encode("gbk" if i == 5 else "utf-8") for i, line in enumerate(lines)]
    path = dest / "survey_utf8_gbk_row.csv"
    path.write_bytes(b"\r\n".join(data))
    return path


def build_survey_cp1252_whole(dest: Path) -> Path:
    """A whole export in Windows-1252 (read, with a warning naming the encoding)."""
    path = dest / "survey_cp1252.csv"
    path.write_bytes(_survey_text().replace("Good partners.", "Café meetings.").encode("cp1252"))
    return path


# --------------------------------------------------------------------------- containers
def _encrypted(path: Path) -> Path:
    info = struct.pack("<HHI", 4, 4, 0x40).ljust(4096, b"\0")  # agile encryption, version 4.4
    package = bytes((i * 131 + 7) % 256 for i in range(8192))  # stands in for cipher text
    path.write_bytes(compound_file([("EncryptionInfo", info), ("EncryptedPackage", package)]))
    return path


def build_centres_encrypted_xlsx(dest: Path) -> Path:
    """A password-protected workbook: an OLE compound file with an EncryptionInfo stream."""
    return _encrypted(dest / "encrypted.xlsx")


def build_interviews_encrypted_xlsx(dest: Path) -> Path:
    """A password-protected coding export."""
    return _encrypted(dest / "encrypted.xlsx")


def build_centres_legacy_xls_named_xlsx(dest: Path) -> Path:
    """A legacy .xls (an OLE file with a Workbook stream) renamed to .xlsx."""
    path = dest / "legacy_renamed.xlsx"
    path.write_bytes(compound_file([("Workbook", b"\x09\x08".ljust(4096, b"\0"))]))
    return path


def _declare_size(path: Path, part: str, size: int) -> Path:
    """Rewrite the uncompressed size the zip directory declares for ``part`` (a lying header).

    Central directory entries start ``PK\\x01\\x02``; the uncompressed size is at byte 24, the
    name's length at byte 28 and the name at byte 46.
    """
    data = bytearray(path.read_bytes())
    name = part.encode()
    at = data.index(b"PK\x01\x02")
    while bytes(data[at + 46 : at + 46 + struct.unpack_from("<H", data, at + 28)[0]]) != name:
        at = data.index(b"PK\x01\x02", at + 4)
    struct.pack_into("<I", data, at + 24, size)
    path.write_bytes(bytes(data))
    return path


def build_centres_inflates_to_4gib(dest: Path) -> Path:
    """A small workbook whose sheet part says it inflates to 4 GiB (a decompression bomb)."""
    from .corpus import centres_workbook

    path = centres_workbook(dest / "bomb.xlsx")
    return _declare_size(path, "xl/worksheets/sheet1.xml", 0xFFFFF000)


def build_interviews_high_ratio_part(dest: Path) -> Path:
    """A good export plus an 8 MiB part of zeros that compresses about a thousand times."""
    path = _interviews(dest, "high_ratio.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("xl/media/image1.bin", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, b"\0" * (8 * 2**20))
    return _fix_zip(path)


BUILDERS: dict[str, Callable[[Path], Path]] = {
    name[len("build_") :]: fn for name, fn in globals().items() if name.startswith("build_")
}
