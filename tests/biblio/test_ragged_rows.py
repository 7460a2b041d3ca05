"""Rows whose field count differs from the header's, and ids that do not look like the
format's: realigned when the shift can be proven, quarantined with a reason otherwise,
never counted as duplicates."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pandas as pd
import pytest

from pipeline.biblio import ingest, iter_works
from pipeline.biblio.formats import Reject, WorkRow

SHARED = Path(
    os.environ.get("PIPELINE_SHARED_DIR") or Path(__file__).resolve().parents[2] / ".." / "shared"
)
LITSTUDY = SHARED / "fixtures" / "bibliometrics" / "scopus_csv" / "litstudy_scopus.csv"

HEADER = ["Authors", "Title", "Year", "DOI", "Link", "Affiliations", "Funding Details"]
HEADER += ["Funding Text 1", "References", "Source", "EID"]


def _link(eid: str) -> str:
    return f"https://www.scopus.com/inward/record.uri?eid={eid}&partnerID=40"


def _row(eid: str, year: str = "2019", text2: str | None = None) -> list[str]:
    row = ["A B.", "T", year, "10.1/" + eid[-3:], _link(eid), "Univ Leeds, Leeds, UK"]
    row += ["Royal Society", "Funded by the Royal Society."]
    if text2 is not None:
        row.append(text2)
    return [*row, "Ref (2001)", "Scopus", eid]


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.mark.skipif(not LITSTUDY.is_file(), reason="shared sample exports absent")
def test_litstudy_scopus_rows_are_realigned_not_duplicates(tmp_path: Path) -> None:
    with open(LITSTUDY, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    assert len(header) == 45
    assert sorted({len(r) for r in body}) == [45, 46]
    assert sum(len(r) == 46 for r in body) == 56
    # independently: the EID is the last field of every row, and in its Link
    eids = [r[-1] for r in body]
    assert all(f"eid={e}&" in r[header.index("Link")] for e, r in zip(eids, body, strict=True))
    report = ingest([LITSTUDY], tmp_path / "works.parquet", progress=False)
    assert (report.raw, report.kept, report.duplicates, report.rejected) == (58, 58, 0, 0)
    works = pd.read_parquet(tmp_path / "works.parquet")
    assert list(works["work_id"]) == [f"scopus:{e}" for e in eids]
    assert list(works["year"]) == [int(r[header.index("Year")]) for r in body]
    # the funders come from "Funding Details", not from a shifted column
    first = works.set_index("work_id").loc["scopus:2-s2.0-85123480963", "funders"]
    assert "Politechnika Poznańska" in list(first)


def test_extra_funding_text_field_is_realigned(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.csv", [_row("2-s2.0-101"), _row("2-s2.0-102", text2="More text")])
    works = list(iter_works(path))
    assert [w.work_id for w in works] == ["scopus:2-s2.0-101", "scopus:2-s2.0-102"]
    assert all(isinstance(w, WorkRow) and w.year == 2019 for w in works)
    assert works[1].funders == ["Royal Society"]


def test_extra_field_that_cannot_be_placed_is_quarantined(tmp_path: Path) -> None:
    # no "Funding Text N" column: nothing says where the extra field belongs
    header = [h for h in HEADER if h != "Funding Text 1"]
    rows = [[v for i, v in enumerate(_row("2-s2.0-201")) if i != 7]]
    rows.append(rows[0][:4] + ["stray"] + rows[0][4:-1] + ["2-s2.0-202"])
    path = _write(tmp_path / "bad.csv", rows, header)
    report = ingest([path], tmp_path / "out" / "w.parquet", progress=False)
    assert (report.raw, report.kept, report.rejected, report.duplicates) == (2, 1, 1, 0)
    [reject] = report.reject_rows
    assert reject.source_row == 3
    for part in ("line 3", "bad.csv", "expected 10 fields", "found 11"):
        assert part in reject.reason


def test_shift_that_fails_a_check_is_quarantined(tmp_path: Path) -> None:
    # the EID in the last column is not the one in the Link: the shift is not proven
    row = _row("2-s2.0-301", text2="extra")
    row[4] = _link("2-s2.0-999")
    path = _write(tmp_path / "s.csv", [row])
    [item] = list(iter_works(path))
    assert isinstance(item, Reject)
    assert "expected 11 fields (as in the header), found 12" in item.reason


def test_short_rows_are_quarantined_and_blank_trailing_fields_are_not(tmp_path: Path) -> None:
    short = _row("2-s2.0-401")[:-2]
    trailing = [*_row("2-s2.0-402"), "", " "]
    path = _write(tmp_path / "s.csv", [short, trailing])
    items = list(iter_works(path))
    assert isinstance(items[0], Reject)
    assert "expected 11 fields (as in the header), found 9" in items[0].reason
    assert isinstance(items[1], WorkRow) and items[1].work_id == "scopus:2-s2.0-402"


def test_rows_slipped_the_same_way_are_never_duplicates(tmp_path: Path) -> None:
    header = [h for h in HEADER if h != "Funding Text 1"]
    slipped = ["A B.", "T", "2019", "", "", "x", "y", "Ref", "extra", "Scopus", "2-s2.0-1"]
    path = _write(tmp_path / "s.csv", [slipped, slipped[:-1] + ["2-s2.0-2"]], header)
    report = ingest([path], tmp_path / "out" / "w.parquet", progress=False)
    assert (report.kept, report.duplicates, report.rejected) == (0, 0, 2)


@pytest.mark.parametrize(
    ("fmt", "text", "column", "shape"),
    [
        (
            "scopus.csv",
            "Authors,Title,Year,Affiliations,EID\nA,T,2019,x,Scopus\n",
            "EID",
            "Scopus EID",
        ),
        ("wos.txt", "PT\tUT\tPY\nJ\tJournal of Things\t2019\n", "UT", "Web of Science"),
        ("m.txt", "PMID- 12a4\nDP  - 2019\n", "PMID", "PubMed identifier"),
        (
            "oa.jsonl",
            '{"id": "https://openalex.org/A123", "publication_year": 2019}\n',
            "id",
            "OpenAlex work id",
        ),
    ],
)
def test_ids_that_do_not_look_like_the_formats_are_quarantined(
    tmp_path: Path, fmt: str, text: str, column: str, shape: str
) -> None:
    path = tmp_path / fmt
    path.write_text(text, encoding="utf-8")
    report = ingest([path], tmp_path / "out" / "w.parquet", progress=False)
    assert (report.kept, report.rejected) == (0, 1)
    [reject] = report.reject_rows
    assert reject.column == column
    assert shape in reject.reason and "does not look like" in reject.reason


def test_wos_tab_row_with_an_extra_field_is_quarantined(tmp_path: Path) -> None:
    path = tmp_path / "wos.txt"
    path.write_text(
        "PT\tUT\tPY\tC1\nJ\tWOS:000000000000001\t2019\tUniv Leeds, Leeds, England\t\n"
        "J\tstray\tWOS:000000000000002\t2020\tUniv York, York, England\n",
        encoding="utf-8",
    )
    items = list(iter_works(path))
    assert isinstance(items[0], WorkRow)  # a trailing tab is normal
    assert isinstance(items[1], Reject) and "found 5" in items[1].reason
