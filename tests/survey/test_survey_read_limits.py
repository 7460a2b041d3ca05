"""Reader guards: fallback encodings warn, cells beyond csv's default limit are read, and a
file that is not the survey (or lacks a required question) is refused by name."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from pipeline.survey import SurveyInputError, clean_export
from pipeline.survey.read import SurveyEncodingWarning, decode, parse_text

HEADER = "ResponseId,Q1,Q2,Q3,Q7_TEXT\n"


def test_utf8_decodes_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        text, enc = decode("Q1\n合作\n".encode(), Path("x.csv"))
    assert (text, enc) == ("Q1\n合作\n", "utf-8")


def test_gbk_bytes_decode_as_gb18030_with_a_warning() -> None:
    with pytest.warns(SurveyEncodingWarning, match=r"x\.csv.*gb18030"):
        text, enc = decode("Q1\n合作伙伴很好\n".encode("gbk"), Path("x.csv"))
    assert enc == "gb18030"
    assert "合作伙伴很好" in text


def test_cp1252_still_read_with_a_warning() -> None:
    # 0xE9 followed by an ASCII letter is not valid GB18030 but is 'é' in cp1252.
    with pytest.warns(SurveyEncodingWarning, match="cp1252"):
        text, enc = decode("Q1\nCaf\u00e9 x\n".encode("cp1252"), Path("x.csv"))
    assert enc == "cp1252"
    assert "Café x" in text


def test_cell_beyond_csv_default_limit_is_read() -> None:
    big = "y" * 300_000
    raw = parse_text(f'{HEADER}R_1,Org,Professor,Physics,"{big}"\n', Path("x.csv"))
    assert raw.rows[0][-1] == big


def test_file_without_instrument_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "centres.csv"
    path.write_text("Centre name,Host institution\nA,B\n", encoding="utf-8")
    with pytest.raises(SurveyInputError, match=r"centres\.csv.*does not look like the survey"):
        clean_export(path)


def test_missing_required_questions_are_named(tmp_path: Path) -> None:
    path = tmp_path / "partial.csv"
    path.write_text("ResponseId,Q1,Q7_TEXT\nR_1,University of Leeds,fine\n", encoding="utf-8")
    with pytest.raises(SurveyInputError, match=r"partial\.csv.*Q2 \(role.*Q3 \(discipline") as e:
        clean_export(path)
    assert "Q1 (" not in str(e.value)
