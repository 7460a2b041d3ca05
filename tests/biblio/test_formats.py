"""Format detection and per-format readers on the project's hand-made fixtures."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from pipeline.biblio import detect_format, iter_works, read_group_by
from pipeline.biblio.formats import Reject, WorkRow, normalise_doi, parse_year

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def works(name: str, **kw) -> list[tuple]:
    """(work_id, doi, year, countries, uk_cn, affiliation_known) of a fixture's works."""
    return [
        (w.work_id, w.doi, w.year, w.countries, w.uk_cn, w.affiliation_known)
        for w in iter_works(FIXTURES / name, **kw)
        if isinstance(w, WorkRow)
    ]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("wos_plaintext.txt", "wos_plaintext"),
        ("wos_tab_utf16.txt", "wos_tab"),
        ("scopus.csv", "scopus_csv"),
        ("medline.txt", "medline"),
        ("pubmed.xml", "pubmed_xml"),
        ("openalex_page.json", "openalex_page"),
        ("openalex_group_by.json", "openalex_group_by"),
        ("nested/openalex_part.jsonl.gz", "openalex_jsonl"),
        ("make_fixtures.py", None),
    ],
)
def test_detect_format(name: str, fmt: str | None) -> None:
    assert detect_format(FIXTURES / name) == fmt


def test_detect_plain_jsonl_and_utf8_tab(tmp_path: Path) -> None:
    jsonl = tmp_path / "works.jsonl"
    jsonl.write_text('{"id": "https://openalex.org/W1", "authorships": []}\n{"id": "W2"}\n')
    assert detect_format(jsonl) == "openalex_jsonl"
    tab = tmp_path / "tab.txt"
    tab.write_text("\ufeffPT\tAU\tUT\nJ\tA, B\tWOS:1\n", encoding="utf-8")
    assert detect_format(tab) == "wos_tab"
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert detect_format(empty) is None


def test_utf16_fixture_really_is_utf16() -> None:
    assert (FIXTURES / "wos_tab_utf16.txt").read_bytes()[:2] in (
        codecs.BOM_UTF16_LE,
        codecs.BOM_UTF16_BE,
    )


WOS_EXPECTED = [
    ("wos:WOS:000000000000001", "10.1000/abc.1", 2019, ["CN", "GB"], True, True),
    ("wos:WOS:000000000000002", None, 2020, ["AU", "GB", "HK"], False, True),
    ("wos:WOS:000000000000003", "10.1000/abc.3", 2021, [], None, False),
]


def test_wos_plaintext() -> None:
    assert works("wos_plaintext.txt") == WOS_EXPECTED
    rows = [w for w in iter_works(FIXTURES / "wos_plaintext.txt")]
    assert rows[0].institutions == ["Tsinghua Univ", "Univ Oxford"]
    assert rows[0].field == "Physics, Applied"
    assert rows[2].field == "Economics"  # no WC: falls back to SC
    assert {r.source_format for r in rows} == {"wos_plaintext"}


def test_wos_tab_utf16_gives_the_same_works() -> None:
    assert works("wos_tab_utf16.txt") == WOS_EXPECTED


def test_wos_fold_hk_mo() -> None:
    rows = works("wos_plaintext.txt", fold_hk_mo=True)
    assert rows[1][3] == ["AU", "CN", "GB"]
    assert rows[1][4] is True


def test_scopus_csv_with_embedded_newlines_and_reject() -> None:
    items = list(iter_works(FIXTURES / "scopus.csv"))
    rows = [i for i in items if isinstance(i, WorkRow)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.work_id, r.doi, r.year, r.countries, r.uk_cn) for r in rows] == [
        ("scopus:2-s2.0-1001", "10.1000/abc.1", 2019, ["CN", "GB"], True),
        ("scopus:2-s2.0-1002", None, 2017, [], None),
        ("scopus:2-s2.0-1003", "10.1000/scopus.3", 2018, ["MO", "US"], False),
    ]
    assert rows[0].institutions == ["Peking University", "University of Edinburgh"]
    assert rows[2].institutions == ["Harvard University", "University of Macau"]
    assert len(rejects) == 1
    # the fourth record starts on line 7: records 1 and 3 have a title over two lines
    assert (rejects[0].source_file, rejects[0].source_row, rejects[0].column) == (
        "scopus.csv",
        7,
        "EID",
    )


def test_medline() -> None:
    assert works("medline.txt") == [
        ("pubmed:90000111", "10.1000/med.1", 2015, ["GB", "HK"], False, True),
        ("pubmed:90000112", None, 2016, [], None, False),
    ]


def test_pubmed_xml_combined_affiliation() -> None:
    assert works("pubmed.xml") == [
        ("pubmed:90000112", "10.1000/med.2", 2016, [], None, False),
        ("pubmed:90000113", "10.1000/pm.3", 2014, ["CN", "GB"], True, True),
    ]
    rows = list(iter_works(FIXTURES / "pubmed.xml"))
    # the institution, not its institute or school, is named
    assert rows[1].institutions == ["Fudan University", "Imperial College"]


def test_openalex_page() -> None:
    assert works("openalex_page.json") == [
        ("openalex:W100", "10.1000/oa.1", 2020, ["CN", "GB"], True, True),
        ("openalex:W101", None, 2019, [], None, False),
    ]
    rows = list(iter_works(FIXTURES / "openalex_page.json"))
    assert rows[0].field == "Medicine"
    assert rows[0].institutions == ["University of Leeds", "Zhejiang University"]


def test_openalex_jsonl_gz_python_reader() -> None:
    assert works("nested/openalex_part.jsonl.gz") == [
        ("openalex:W200", "10.1000/oa.200", 2021, ["GB", "HK"], False, True),
        ("openalex:W201", "10.1000/oa.201", 2022, ["CN", "GB", "TW"], True, True),
        ("openalex:W202", "10.1000/oa.1", 2020, ["GB"], False, True),
    ]


def test_group_by() -> None:
    df = read_group_by(FIXTURES / "openalex_group_by.json")
    assert list(df.columns) == ["key", "key_display_name", "count"]
    assert df.to_dict("records") == [
        {"key": "GB", "key_display_name": "United Kingdom", "count": 12},
        {"key": "CN", "key_display_name": "China", "count": 7},
    ]
    with pytest.raises(ValueError, match="not a recognised"):
        list(iter_works(FIXTURES / "openalex_group_by.json"))


def test_doi_and_year_normalisation() -> None:
    assert normalise_doi(" https://doi.org/10.1000/ABC ") == "10.1000/abc"
    assert normalise_doi("http://dx.doi.org/10.1/X") == "10.1/x"
    assert normalise_doi("doi:10.1/Y") == "10.1/y"
    assert normalise_doi("") is None
    assert normalise_doi(None) is None
    assert parse_year("2016 Jan 15") == 2016
    assert parse_year("2014 Dec-2015 Jan") == 2014
    assert parse_year("n/a") is None


def test_wos_plaintext_truncated_record_is_rejected(tmp_path: Path) -> None:
    f = tmp_path / "cut.txt"
    f.write_text("FN Web of Science\nVR 1.0\nPT J\nUT WOS:1\nER\n\nPT J\nUT WOS:2\n")
    items = list(iter_works(f))
    assert [type(i).__name__ for i in items] == ["WorkRow", "Reject"]
    assert items[1].source_row == 7
    assert items[1].column == "ER"


def test_medline_blank_line_ends_a_record_without_pmid(tmp_path: Path) -> None:
    f = tmp_path / "m.txt"
    f.write_text(
        "PMID- 1\nDP  - 2015\nAD  - Univ A, Leeds, UK.\n\n"
        "DP  - 2016\nTI  - No PMID here.\nAD  - Fudan University, Shanghai, China.\n\n"
        "PMID- 3\nDP  - 2017\n"
    )
    items = list(iter_works(f, "medline"))
    assert [type(i).__name__ for i in items] == ["WorkRow", "Reject", "WorkRow"]
    assert items[0].countries == ["GB"]  # the next record's China is not attached to it
    assert (items[1].source_row, items[1].column) == (5, "PMID")


@pytest.mark.parametrize("value", ["in press", "n.d.", ""])
def test_bad_years_keep_the_work_with_year_unknown(
    tmp_path: Path, value: str, caplog: pytest.LogCaptureFixture
) -> None:
    f = tmp_path / "s.csv"
    f.write_text(
        "Authors,Title,Year,DOI,Affiliations,EID\n"
        f'A.,T,{value},10.1/x,"Univ Leeds, Leeds, United Kingdom",2-s2.0-1\n'
    )
    [row] = list(iter_works(f))
    assert isinstance(row, WorkRow)
    assert row.year is None
    if value:
        assert "s.csv row 2 column Year" in caplog.text  # line 2: the header is line 1


@pytest.mark.parametrize("value", ["3021", "-2019", "+2019", "0", "1499"])
def test_impossible_numeric_years_are_quarantined(tmp_path: Path, value: str) -> None:
    f = tmp_path / "s.csv"
    f.write_text(
        "Authors,Title,Year,DOI,Affiliations,EID\n"
        f'A.,T,{value},10.1/x,"Univ Leeds, Leeds, United Kingdom",2-s2.0-1\n'
        'B.,U,2019.0,10.1/y,"Univ Leeds, Leeds, United Kingdom",2-s2.0-2\n'
    )
    bad, good = list(iter_works(f))
    assert isinstance(bad, Reject)
    assert (bad.source_file, bad.source_row, bad.column, bad.value) == ("s.csv", 2, "Year", value)
    assert "impossible publication year" in bad.reason
    assert isinstance(good, WorkRow) and good.year == 2019


def test_impossible_years_in_wos_and_medline_are_quarantined(tmp_path: Path) -> None:
    wos = tmp_path / "w.txt"
    wos.write_text(
        "FN Web of Science\nVR 1.0\nPT J\nPY 3021\nUT WOS:1\nER\n\nPT J\nPY 2018\nUT WOS:2\nER\n"
    )
    items = list(iter_works(wos))
    assert [type(i).__name__ for i in items] == ["Reject", "WorkRow"]
    assert (items[0].column, items[0].value) == ("PY", "3021")
    med = tmp_path / "m.txt"
    med.write_text("PMID- 1\nDP  - -2019\n\nPMID- 2\nDP  - 2015 Mar\n")
    items = list(iter_works(med, "medline"))
    assert [type(i).__name__ for i in items] == ["Reject", "WorkRow"]
    assert (items[0].source_row, items[0].column) == (1, "DP")
    assert items[1].year == 2015


TRUNCATED_XML = (
    '<?xml version="1.0"?>\n<PubmedArticleSet>\n'
    "<PubmedArticle><MedlineCitation><PMID>5</PMID></MedlineCitation></PubmedArticle>\n"
    "<PubmedArticle><MedlineCitation><PMID>6</PMID>\n"
)
_ENTITIES = "".join(f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10}">' for i in range(1, 8))
ENTITY_BOMB_XML = (
    '<?xml version="1.0"?>\n'
    f'<!DOCTYPE PubmedArticleSet [<!ENTITY e0 "aaaaaaaaaa">{_ENTITIES}]>\n'
    "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>&e7;</PMID>"
    "</MedlineCitation></PubmedArticle></PubmedArticleSet>\n"
)


@pytest.mark.parametrize(("text", "kept"), [(TRUNCATED_XML, 1), (ENTITY_BOMB_XML, 0)])
def test_pubmed_xml_faults_become_a_reject(tmp_path: Path, text: str, kept: int) -> None:
    f = tmp_path / "p.xml"
    f.write_text(text)
    items = list(iter_works(f, "pubmed_xml"))
    assert sum(isinstance(i, WorkRow) for i in items) == kept
    assert isinstance(items[-1], Reject)
    assert "XML not well formed" in items[-1].reason


def test_gbk_scopus_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "gbk.csv"
    text = (
        "Authors,Title,Year,DOI,Affiliations,EID\n"
        'A.,T,2019,10.1/x,"北京大学物理学院, Peking University, Beijing, China; '
        'Univ Leeds, Leeds, United Kingdom",2-s2.0-1\n'
    )
    f.write_bytes(text.encode("gbk"))
    assert detect_format(f) == "scopus_csv"
    [row] = list(iter_works(f))
    assert row.countries == ["CN", "GB"]
    assert "北京大学物理学院" not in row.institutions  # the university is preferred
    assert row.institutions == ["Peking University", "Univ Leeds"]


def test_csv_exports_read_long_cells_and_leave_the_csv_limit_alone(tmp_path: Path) -> None:
    """A cell past the csv module's default limit is read; the global limit is restored."""
    import csv

    default = 131072  # the csv module's own limit (other readers may have raised it)
    original = csv.field_size_limit(default)
    long_title = "x" * (default + 10)
    scopus = tmp_path / "long.csv"
    scopus.write_text(
        "Authors,Title,Year,DOI,Affiliations,EID\n"
        f'A.,"{long_title}",2020,10.1/a,"Fudan University, Shanghai, China",2-s2.0-9\n',
        encoding="utf-8",
    )
    tab = tmp_path / "long_tab.txt"
    tab.write_text(
        f"PT\tUT\tTI\tPY\tC1\nJ\tWOS:1\t{long_title}\t2020\tUniv Leeds, Leeds, England\n"
    )
    try:
        assert [w.work_id for w in iter_works(scopus, "scopus_csv")] == ["scopus:2-s2.0-9"]
        assert [w.work_id for w in iter_works(tab, "wos_tab")] == ["wos:WOS:1"]
        assert csv.field_size_limit() == default
    finally:
        csv.field_size_limit(original)


def test_wos_tab_rejects_name_the_file_line(tmp_path: Path) -> None:
    tab = tmp_path / "tab.txt"
    tab.write_text(
        "PT\tUT\tTI\tPY\tC1\n"
        "J\tWOS:1\tOne\t2020\tUniv Leeds, Leeds, England\n"
        "\n"
        "J\tWOS:2\tTwo\tin press\tUniv Leeds, Leeds, England\n"
    )
    items = list(iter_works(tab, "wos_tab"))
    assert [(i.source_row, type(i).__name__) for i in items] == [(2, "WorkRow"), (4, "WorkRow")]
