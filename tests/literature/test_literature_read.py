"""Reading RIS, BibTeX and CSL-JSON exports: records keep their file and line; faults are named."""

from __future__ import annotations

from pathlib import Path

import pytest
from literature_helpers import ARTICLE, REPORT, ris, write

from pipeline.literature.read import (
    LibraryRead,
    decode_text,
    parse_year,
    read_bibtex,
    read_coding,
    read_csl_json,
    read_library,
    read_ris,
)
from pipeline.literature.schemas import LiteratureInputError


def test_ris_records_keep_line_and_fields() -> None:
    out = LibraryRead()
    found = read_ris(ris(ARTICLE, REPORT), "lib.ris", out)
    assert found == 2 and not out.rejects
    first, second = out.records
    assert (first.source_row, second.source_row) == (1, 11)
    assert first.fields["authors"] == [
        {"family": "Adams", "given": "Jonathan"},
        {"family": "Johnson", "given": "Jo"},
    ]
    assert first.fields["container"] == "Science and Public Policy"
    assert second.fields["authors"] == [{"literal": "RAND Europe"}]
    assert second.fields["number"] == "RRA1839-1"
    assert second.fields["entry_type"] == "report"


def test_ris_missing_er_is_rejected_not_merged_into_the_next_record() -> None:
    text = "TY  - JOUR\nTI  - First\nPY  - 2020\n\n" + ris(REPORT)
    out = LibraryRead()
    assert read_ris(text, "lib.ris", out) == 2
    assert [r.fields["title"] for r in out.records] == [REPORT["TI"]]
    (reject,) = out.rejects
    assert (reject["source_row"], reject["column"]) == (1, "ER")
    assert "missing ER" in reject["reason"]


def test_ris_unknown_tag_is_noted_and_malformed_tag_line_rejects_the_record() -> None:
    unknown = {**ARTICLE, "ZZ": "vendor field"}
    malformed = ris(REPORT).replace("PB  - RAND", "PB - RAND")
    out = LibraryRead()
    read_ris(ris(unknown) + "\n" + malformed, "lib.ris", out)
    assert [n["column"] for n in out.notes] == ["ZZ"]
    assert "unknown RIS tag 'ZZ'" in out.notes[0]["reason"]
    assert len(out.records) == 1 and len(out.rejects) == 1
    assert "malformed tag line" in out.rejects[0]["reason"]
    assert "PB - RAND" in out.rejects[0]["value"]


def test_ris_continuation_line_that_looks_like_a_tag_is_kept() -> None:
    record = ris({**ARTICLE, "AB": "Collaboration across two countries."}).replace(
        "countries.", "countries.\nUK - China links grew."
    )
    out = LibraryRead()
    read_ris(record, "lib.ris", out)
    assert not out.rejects and len(out.records) == 1


def test_ris_text_outside_records_is_noted() -> None:
    out = LibraryRead()
    read_ris("Exported from a reference manager\n\n" + ris(ARTICLE), "lib.ris", out)
    assert len(out.records) == 1
    assert out.notes[0]["source_row"] == 1 and "outside any record" in out.notes[0]["reason"]


def test_bibtex_names_accents_and_failed_blocks() -> None:
    text = (
        '@article{a,\n  author = {M{\\"u}ller, J{\\"o}rg and Jo Johnson and {RAND Europe}},\n'
        "  title = {The rise of {UK}--{China} research \\& more},\n  journal = {J},\n"
        "  year = {2021},\n  number = {3}\n}\n\n"
        "@techreport{b,\n  title = {Unbalanced {brace,\n  year = {2020}\n}\n"
    )
    out = LibraryRead()
    assert read_bibtex(text, "lib.bib", out) == 2
    (record,) = out.records
    assert record.fields["authors"] == [
        {"family": "Müller", "given": "Jörg"},
        {"family": "Johnson", "given": "Jo"},
        {"literal": "RAND Europe"},
    ]
    assert record.fields["title"] == "The rise of UK–China research & more"
    assert record.fields["issue"] == "3" and record.fields["number"] is None
    (reject,) = out.rejects
    assert reject["source_row"] == 9 and "not parsed" in reject["reason"]


def test_bibtex_repeated_key_is_rejected() -> None:
    text = "@misc{k, title={One}, year={2020}}\n@misc{k, title={Two}, year={2021}}\n"
    out = LibraryRead()
    assert read_bibtex(text, "lib.bib", out) == 2
    assert [r.fields["title"] for r in out.records] == ["One"]
    assert out.rejects[0]["source_row"] == 2


def test_csl_json_items_lines_and_non_objects() -> None:
    text = (
        '[\n  {"id": "x", "type": "report", "title": "T", "author": [{"literal": "Org"}],\n'
        '   "issued": {"date-parts": [[2021, 4]]}, "DOI": "10.1/abc"},\n  42,\n'
        '  {"id": "y", "type": "article-journal", "title": "U", "issued": {"raw": "2019"}}\n]'
    )
    out = LibraryRead()
    assert read_csl_json(text, "lib.json", out) == 3
    assert [(r.source_row, r.fields["year_text"]) for r in out.records] == [
        (2, "2021"),
        (5, "2019"),
    ]
    assert out.rejects[0]["source_row"] == 4 and "not a JSON object" in out.rejects[0]["reason"]


def test_csl_json_syntax_error_names_line_and_column() -> None:
    with pytest.raises(LiteratureInputError, match=r"lib\.json: line 4, column 1: invalid JSON"):
        read_csl_json('[\n  {"id": "x"},\n  {"id": \n', "lib.json", LibraryRead())


def test_decoding_rules() -> None:
    assert decode_text("é\r\n".encode("utf-8-sig"), "f")[0] == "é\n"
    assert decode_text("é".encode("utf-16"), "f") == ("é", "utf-16")
    with pytest.raises(LiteratureInputError, match=r"f: line 2: not UTF-8 \(byte 0xe9"):
        decode_text("ok\ncaf\u00e9".encode("cp1252"), "f")
    assert decode_text("café".encode("cp1252"), "f", "cp1252")[0] == "café"


@pytest.mark.parametrize(
    ("text", "year"),
    [("2021///", 2021), ("2021/03/09/", 2021), ("c. 2019", 2019), ("n.d.", None), (None, None)],
)
def test_parse_year(text: str | None, year: int | None) -> None:
    assert parse_year(text) == year


def test_read_library_folder_sniffs_formats_and_rejects_unknown_content(tmp_path: Path) -> None:
    write(tmp_path / "a.ris", ris(ARTICLE))
    write(tmp_path / "b.txt", ris(REPORT))  # EndNote writes RIS as .txt
    write(tmp_path / "notes.md", "ignored: not an export suffix")
    got = read_library(tmp_path)
    assert [f["format"] for f in got.files] == ["ris", "ris"]
    write(tmp_path / "c.txt", "just some notes\n")
    with pytest.raises(LiteratureInputError, match="c.txt: not a RIS, BibTeX or CSL-JSON"):
        read_library(tmp_path)


def test_coding_sheet_header_aliases_and_missing_columns(tmp_path: Path) -> None:
    sheet = write(tmp_path / "c.csv", "Citation key;Themes;Source type;Country;Basis;Notes\n"
                  "adams;benefit;media;UK;abstract;x\n\n")  # fmt: skip
    got = read_coding(sheet)
    assert got.rows == [(2, {"ref_id": "adams", "themes": "benefit", "source_type": "media",
                             "country": "UK", "coding_basis": "abstract"})]  # fmt: skip
    assert got.ignored_columns == ["Notes"]
    bad = write(tmp_path / "d.csv", "ref_id,themes\nadams,benefit\n")
    with pytest.raises(LiteratureInputError, match="d.csv: header row 1: missing column"):
        read_coding(bad)


def test_coding_sheet_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append([None])
    ws.append(["ref_id", "themes", "source_type", "country", "coding_basis"])
    ws.append(["adams", "risk", "government", "GB", "synthetic"])
    wb.save(tmp_path / "c.xlsx")
    got = read_coding(tmp_path / "c.xlsx")
    assert got.rows == [(3, {"ref_id": "adams", "themes": "risk", "source_type": "government",
                             "country": "GB", "coding_basis": "synthetic"})]  # fmt: skip
