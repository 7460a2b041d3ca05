"""End-to-end ingestion of the hand-made fixtures: dedup, folding, unknowns, safety, CLI."""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from pipeline.biblio import count_uk_cn_by_year, discover, ingest, iter_works
from pipeline.biblio.cli import cli
from pipeline.biblio.formats import WORK_COLUMNS, WorkRow
from pipeline.biblio.read import safe_child

FIXTURES = Path(__file__).resolve().parent / "fixtures"

EXPECTED = [  # work_id, source_format, doi, year, countries, uk_cn, affiliation_known
    # in input order: files as found (the folder's own files, then nested/), records in file order
    ("pubmed:90000111", "medline", "10.1000/med.1", 2015, ["GB", "HK"], False, True),
    ("pubmed:90000112", "medline", None, 2016, [], None, False),
    ("openalex:W100", "openalex_page", "10.1000/oa.1", 2020, ["CN", "GB"], True, True),
    ("openalex:W101", "openalex_page", None, 2019, [], None, False),
    ("pubmed:90000113", "pubmed_xml", "10.1000/pm.3", 2014, ["CN", "GB"], True, True),
    ("scopus:2-s2.0-1001", "scopus_csv", "10.1000/abc.1", 2019, ["CN", "GB"], True, True),
    ("scopus:2-s2.0-1002", "scopus_csv", None, 2017, [], None, False),
    ("scopus:2-s2.0-1003", "scopus_csv", "10.1000/scopus.3", 2018, ["MO", "US"], False, True),
    ("wos:WOS:000000000000002", "wos_plaintext", None, 2020, ["AU", "GB", "HK"], False, True),
    ("wos:WOS:000000000000003", "wos_plaintext", "10.1000/abc.3", 2021, [], None, False),
    ("openalex:W200", "openalex_jsonl", "10.1000/oa.200", 2021, ["GB", "HK"], False, True),
    ("openalex:W201", "openalex_jsonl", "10.1000/oa.201", 2022, ["CN", "GB", "TW"], True, True),
]
SOURCE_FILES = [
    *["exports/medline.txt"] * 2,
    *["exports/openalex_page.json"] * 2,
    "exports/pubmed.xml",
    *["exports/scopus.csv"] * 3,
    *["exports/wos_plaintext.txt"] * 2,
    *["exports/nested/openalex_part.jsonl.gz"] * 2,
]


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """A copy of the hand-made fixtures (without the generator script and without the real
    exports of ``real/``, which test_new_formats reads)."""
    target = tmp_path / "exports"
    ignore = shutil.ignore_patterns("*.py", "__pycache__", "real")
    shutil.copytree(FIXTURES, target, ignore=ignore)
    return target


def _rows(df: pd.DataFrame) -> list[tuple]:
    out = []
    for r in df.itertuples(index=False):
        uk_cn = None if pd.isna(r.uk_cn) else bool(r.uk_cn)
        doi = None if pd.isna(r.doi) else r.doi
        year = None if pd.isna(r.year) else int(r.year)
        out.append(
            (
                r.work_id,
                r.source_format,
                doi,
                year,
                list(r.countries),
                uk_cn,
                bool(r.affiliation_known),
            )
        )
    return out


def test_ingest_fixtures_exact(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out" / "works.parquet"
    report = ingest([data_dir], out, progress=False)
    df = pd.read_parquet(out)
    assert list(df.columns) == [*WORK_COLUMNS, "source_file"]
    assert _rows(df) == EXPECTED
    assert df["source_file"].tolist() == SOURCE_FILES
    assert report.per_format == {
        "medline": 2,
        "openalex_jsonl": 3,
        "openalex_page": 2,
        "pubmed_xml": 2,
        "scopus_csv": 3,
        "wos_plaintext": 3,
        "wos_tab": 3,
    }
    assert (
        report.raw,
        report.rejected,
        report.duplicates_doi,
        report.duplicates_id,
        report.kept,
    ) == (19, 1, 4, 2, 12)
    assert report.raw == report.kept + report.duplicates + report.rejected
    kept_per_file = {f["file"]: (f["works"], f["kept"], f["duplicates"]) for f in report.files}
    assert kept_per_file == {
        "exports/medline.txt": (2, 2, 0),
        "exports/openalex_page.json": (2, 2, 0),
        "exports/pubmed.xml": (2, 1, 1),
        "exports/scopus.csv": (3, 3, 0),
        "exports/wos_plaintext.txt": (3, 2, 1),
        "exports/wos_tab_utf16.txt": (3, 0, 3),
        "exports/nested/openalex_part.jsonl.gz": (3, 2, 1),
    }
    # the group_by response is returned apart, not counted as works
    assert list(report.group_by) == ["exports/openalex_group_by.json"]
    assert report.group_by["exports/openalex_group_by.json"]["count"].tolist() == [12, 7]
    # rejects: table and CSV beside the output, with file, row and column named
    rejects = pd.read_csv(out.with_name("works_rejects.csv"))
    assert rejects[["source_file", "source_row", "column", "reason"]].values.tolist() == [
        ["exports/scopus.csv", 7, "EID", "missing Scopus EID"]
    ]
    assert list(report.rejects.columns) == [
        "source_file",
        "source_row",
        "column",
        "value",
        "reason",
    ]
    # the hidden file in nested/ was not read, and the report says so
    assert not any(".hidden" in f["file"] for f in report.files)
    hidden = [s for s in report.skipped if ".hidden" in s[0]]
    assert hidden and all(reason.startswith("hidden file") for _, reason in hidden)
    inst = df.set_index("work_id")["institutions"]
    assert list(inst["openalex:W201"]) == [
        "Fudan University",
        "National Taiwan University",
        "University of York",
    ]
    assert df.set_index("work_id").loc["openalex:W201", "field"] == "Physics and Astronomy"


def test_ingest_is_deterministic(data_dir: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "works.parquet", tmp_path / "b" / "works.parquet"
    ingest([data_dir], a, progress=False)
    ingest([data_dir], b, progress=False)
    assert a.read_bytes() == b.read_bytes()
    assert (
        a.with_name("works_rejects.csv").read_bytes()
        == b.with_name("works_rejects.csv").read_bytes()
    )


def test_fold_hk_mo(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "works.parquet"
    ingest([data_dir], out, fold_hk_mo=True, progress=False)
    df = pd.read_parquet(out).set_index("work_id")
    assert list(df.loc["openalex:W200", "countries"]) == ["CN", "GB"]
    assert bool(df.loc["openalex:W200", "uk_cn"]) is True
    assert list(df.loc["scopus:2-s2.0-1003", "countries"]) == ["CN", "US"]
    assert list(df.loc["wos:WOS:000000000000002", "countries"]) == ["AU", "CN", "GB"]
    assert list(df.loc["openalex:W201", "countries"]) == ["CN", "GB", "TW"]  # TW never folded
    assert int(df["uk_cn"].sum()) == 7


def test_unknown_affiliation_is_null_never_false(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "works.parquet"
    ingest([data_dir], out, progress=False)
    df = pd.read_parquet(out)
    unknown = df[~df["affiliation_known"]]
    assert len(unknown) == 4
    assert unknown["uk_cn"].isna().all()
    assert df.loc[df["affiliation_known"], "uk_cn"].notna().all()


def test_dedup_keeps_first_in_file_order(tmp_path: Path) -> None:
    # the same works twice in one folder, plus the same DOI under another id
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "wos_plaintext.txt", folder / "a.txt")
    shutil.copy(FIXTURES / "wos_tab_utf16.txt", folder / "b.txt")
    report = ingest([folder], tmp_path / "w.parquet", progress=False)
    assert (report.raw, report.duplicates_doi, report.duplicates_id, report.kept) == (6, 2, 1, 3)
    df = pd.read_parquet(tmp_path / "w.parquet")
    assert set(df["source_format"]) == {"wos_plaintext"}  # a.txt comes first


def _unusual_works() -> list[dict]:
    """The fixture works plus ids, DOIs, names, codes and funders that take the slow or
    unusual paths of the SQL."""
    page = json.loads((FIXTURES / "openalex_page.json").read_text())
    with gzip.open(FIXTURES / "nested" / "openalex_part.jsonl.gz", "rt") as fh:
        works = page["results"] + [json.loads(line) for line in fh]
    works.append(
        {
            "id": "https://openalex.org/W9",
            "doi": "",
            "publication_year": None,
            "authorships": [{"institutions": [{"country_code": "mo", "display_name": " X "}]}],
            "grants": [{"funder_display_name": "NSFC"}, {"funder_display_name": None}],
        }
    )
    institutions = [
        {"country_code": "gb", "display_name": "Zürich Inst"},
        {"country_code": "", "display_name": ""},
        {"country_code": None, "display_name": "  "},
        {"country_code": "CN", "display_name": "北京大学"},
        {"country_code": "GB", "display_name": "Zurich Inst"},
        {"country_code": "hk", "display_name": "Ångström Lab"},
        {"country_code": "GB", "display_name": " Zurich Inst"},
    ]
    works.append(
        {
            "id": " https://openalex.org/works/W10 ",
            "doi": "HTTPS://DX.DOI.ORG/10.1/AbC ",
            "publication_year": 2001,
            "authorships": [
                {"institutions": institutions, "countries": ["gb", "", "US"]},
                {"institutions": [], "countries": ["tw"]},
                {"institutions": None},
            ],
            "primary_topic": {"field": {"display_name": "  Medicine "}},
            "funders": [{"display_name": " Royal Society "}, {"display_name": "12345"}],
            "awards": [{"funder_display_name": "A Local Fund"}],
        }
    )
    works.append({"id": "W11", "doi": "doi: 10.2/X", "authorships": None})
    return works


def test_page_and_jsonl_routes_agree(tmp_path: Path) -> None:
    """The Python reader (API pages) and the DuckDB route (JSONL) give identical rows."""
    src = tmp_path / "w.jsonl"
    src.write_text("".join(json.dumps(w) + "\n" for w in _unusual_works()))
    for fold in (False, True):
        out = tmp_path / f"w{fold}.parquet"
        report = ingest([src], out, fold_hk_mo=fold, progress=False)
        assert report.duplicates_doi == 1
        df = pd.read_parquet(out)
        duck = {
            r[0]: (*r[2:], list(inst), field, list(funders))
            for r, inst, field, funders in zip(
                _rows(df), df["institutions"], df["field"], df["funders"], strict=True
            )
        }
        py = {
            w.work_id: (
                w.doi,
                w.year,
                w.countries,
                w.uk_cn,
                w.affiliation_known,
                w.institutions,
                w.field,
                w.funders,
            )
            for w in iter_works(src, "openalex_jsonl", fold_hk_mo=fold)
            if isinstance(w, WorkRow)
        }
        py.pop("openalex:W202")  # the DOI duplicate of W100
        assert duck == py
        assert duck["openalex:W10"][0] == "10.1/abc"
        assert duck["openalex:W10"][5] == ["Zurich Inst", "Zürich Inst", "Ångström Lab", "北京大学"]
        assert duck["openalex:W10"][7] == ["A Local Fund", "Royal Society"]
        assert duck["openalex:W9"][7] == ["National Natural Science Foundation of China"]
        assert duck["openalex:W11"][0] == "10.2/x"


def test_malformed_jsonl_line_is_rejected_with_line_number(tmp_path: Path) -> None:
    src = tmp_path / "bad.jsonl"
    src.write_text(
        '{"id": "https://openalex.org/W1", "authorships": []}\n'
        "{not json\n"
        '{"doi": "10.1/no-id"}\n'
        '{"id": "https://openalex.org/W2", "authorships": []}\n'
    )
    good = tmp_path / "good.jsonl"
    good.write_text('{"id": "https://openalex.org/W3"}\n')
    report = ingest([src, good], tmp_path / "w.parquet", progress=False)
    assert report.kept == 3
    assert report.rejected == 2
    assert report.rejects[["source_row", "column"]].values.tolist() == [[2, ""], [3, "id"]]
    assert report.raw == report.kept + report.duplicates + report.rejected


def test_path_traversal_never_escapes(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    root = tmp_path / "root"
    root.mkdir()
    outside = tmp_path / "secret.txt"
    shutil.copy(FIXTURES / "wos_plaintext.txt", outside)
    assert safe_child(root, "../../etc/passwd") is None
    assert safe_child(root, "../secret.txt") is None
    assert safe_child(root, "sub/../ok.txt") == (root / "ok.txt").resolve()
    (root / "link.txt").symlink_to(outside)
    shutil.copy(FIXTURES / "medline.txt", root / "medline.txt")
    skipped: list[tuple[str, str]] = []
    files = discover([root], skipped)
    assert [f.label for f in files] == ["root/medline.txt"]
    assert skipped == [("link.txt", "resolves outside the input folder")]
    assert "resolves outside" in caplog.text


def test_path_traversal_in_a_folder_listing(tmp_path: Path, monkeypatch) -> None:
    """A listing that returns a '../..' name (e.g. a hostile file system) is skipped."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(FIXTURES / "medline.txt", root / "medline.txt")
    real_walk = os.walk

    def evil_walk(top, *a, **kw):
        for dirpath, dirnames, filenames in real_walk(top, *a, **kw):
            yield dirpath, dirnames, [*filenames, "../../etc/passwd"]

    monkeypatch.setattr(os, "walk", evil_walk)
    skipped: list[tuple[str, str]] = []
    files = discover([root], skipped)
    assert [f.label for f in files] == ["root/medline.txt"]
    assert skipped and skipped[0][1] == "resolves outside the input folder"


def test_count_uk_cn_by_year(data_dir: Path) -> None:
    df = count_uk_cn_by_year([data_dir / "nested" / "openalex_part.jsonl.gz"])
    assert df.to_dict("records") == [
        {"year": 2020, "works": 1, "uk_cn": 0},
        {"year": 2021, "works": 1, "uk_cn": 0},
        {"year": 2022, "works": 1, "uk_cn": 1},
    ]
    folded = count_uk_cn_by_year([data_dir / "nested"], fold_hk_mo=True)
    assert folded["uk_cn"].tolist() == [0, 1, 1]
    every = count_uk_cn_by_year([data_dir])  # all formats, no de-duplication
    assert int(every["works"].sum()) == 18
    # W100, W201, PMID 113, Scopus 1001 and WOS 1 twice (plain text and tab)
    assert int(every["uk_cn"].sum()) == 6


def test_cli(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli.parquet"
    code = cli(["ingest", str(data_dir), "--out", str(out), "--no-progress", "--fold-hk-mo"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "openalex_jsonl" in printed and "duplicates by DOI" in printed
    assert "kept                       12" in printed
    assert int(pd.read_parquet(out)["uk_cn"].sum()) == 7
    with pytest.raises(SystemExit):
        cli(["--help"])


def test_progress_goes_to_stderr(data_dir: Path, tmp_path: Path, capsys) -> None:
    ingest([data_dir], tmp_path / "w.parquet", progress=True)
    captured = capsys.readouterr()
    assert "bibliographic files" in captured.err
    assert "openalex jsonl" in captured.err
    assert captured.out == ""


def test_quotes_in_paths(tmp_path: Path) -> None:
    folder = tmp_path / "it's here"
    folder.mkdir()
    shutil.copy(FIXTURES / "nested" / "openalex_part.jsonl.gz", folder / "O'Brien.jsonl.gz")
    shutil.copy(FIXTURES / "medline.txt", folder / "d'Arcy.txt")
    report = ingest([folder], folder / "out's.parquet", progress=False)
    assert report.kept == 5
    assert len(pd.read_parquet(folder / "out's.parquet")) == 5


def _jsonl_parts(folder: Path, parts: int = 3, per_part: int = 40) -> list[Path]:
    """Small OpenAlex JSONL parts (gzip and plain) with ids that do not sort in line order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for p in range(parts):
        lines = []
        for i in range(per_part):
            n = (p * per_part + i) * 7919 % 1000  # scrambled ids: line order != id order
            codes = [["GB", "CN"], ["US"], [], ["cn", "GB", "HK"]][(p + i) % 4]
            lines.append(
                json.dumps(
                    {
                        "id": f"https://openalex.org/W{n}",
                        "doi": f"https://doi.org/10.9/{p}.{i}",
                        "publication_year": 2000 + i % 20,
                        "authorships": [
                            {"institutions": [{"country_code": c, "display_name": f"Org {c}"}]}
                            for c in codes
                        ],
                    }
                )
            )
        text = "\n".join(lines) + "\n"
        if p % 2:
            path = folder / f"part_{p}.jsonl"
            path.write_text(text)
        else:
            path = folder / f"part_{p}.jsonl.gz"
            path.write_bytes(gzip.compress(text.encode(), mtime=0))
        paths.append(path)
    return paths


def test_snapshot_slice_fast_path_keeps_line_order(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """JSONL parts only, no duplicates: one DuckDB pass whose output is moved into place."""
    parts = _jsonl_parts(tmp_path / "snap")
    fast = tmp_path / "fast" / "works.parquet"
    caplog.set_level("INFO", logger="pipeline.biblio.engine")
    report = ingest([tmp_path / "snap"], fast, progress=False)
    assert "staged parquet becomes works.parquet" in caplog.text
    caplog.clear()
    assert (report.raw, report.kept, report.duplicates) == (120, 120, 0)
    df = pd.read_parquet(fast)
    expected_ids = []
    for path in parts:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt") as fh:
            expected_ids += ["openalex:" + json.loads(line)["id"].rsplit("/", 1)[1] for line in fh]
    assert df["work_id"].tolist() == expected_ids  # file order, then line order
    assert df["source_file"].tolist() == [f"snap/{p.name}" for p in parts for _ in range(40)]
    assert not list(fast.parent.glob("biblio_ingest_*"))  # staging folder cleaned up
    # the general path (several staged chunks, rewritten) gives the same table
    slow = tmp_path / "slow" / "works.parquet"
    ingest([tmp_path / "snap"], slow, progress=False, chunk_files=1)
    assert "staged parquet becomes" not in caplog.text
    pd.testing.assert_frame_equal(pd.read_parquet(slow), df)
    # and a rerun gives the same bytes
    again = tmp_path / "again" / "works.parquet"
    ingest([tmp_path / "snap"], again, progress=False)
    assert again.read_bytes() == fast.read_bytes()


def test_progress_bar_reports_bytes_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _jsonl_parts(tmp_path / "snap")
    quiet, shown = tmp_path / "q" / "works.parquet", tmp_path / "p" / "works.parquet"
    ingest([tmp_path / "snap"], quiet, progress=False)
    ingest([tmp_path / "snap"], shown, progress=True)
    assert "openalex jsonl" in capsys.readouterr().err
    assert quiet.read_bytes() == shown.read_bytes()


def test_same_named_folders_get_distinct_labels(tmp_path: Path) -> None:
    for side in ("a", "b"):
        (tmp_path / side / "exports").mkdir(parents=True)
        shutil.copy(FIXTURES / "medline.txt", tmp_path / side / "exports" / "medline.txt")
    files = discover([tmp_path / "a" / "exports", tmp_path / "b" / "exports"])
    assert [f.label for f in files] == ["exports/medline.txt", "exports/medline.txt (2)"]
    report = ingest(
        [tmp_path / "a" / "exports", tmp_path / "b" / "exports"],
        tmp_path / "w.parquet",
        progress=False,
    )
    by_file = {f["file"]: (f["works"], f["kept"]) for f in report.files}
    assert by_file == {"exports/medline.txt": (2, 2), "exports/medline.txt (2)": (2, 0)}


def test_sorted_distinct_methods_agree() -> None:
    """The fast histogram route sorts exactly as Python does on this DuckDB, or is not used."""
    import duckdb

    from pipeline.biblio.formats.openalex import (
        SORTED_DISTINCT,
        sorted_distinct_method,
        sql_list,
    )

    con = duckdb.connect()
    assert sorted_distinct_method(con) == "histogram"  # the pinned DuckDB keeps keys sorted
    values = ["b", "a", "", "B", "é", "a", "Ωmega", "北京", "z", "Z", "10", "9", "a "]
    for template in SORTED_DISTINCT.values():
        got = con.execute(f"SELECT {template.format(x=sql_list(values))}").fetchone()[0]
        assert got == sorted(set(values))
    empty = con.execute(f"SELECT {SORTED_DISTINCT['histogram'].format(x='[]::VARCHAR[]')}")
    assert empty.fetchone()[0] == []


def test_hidden_files_and_folders_are_reported_not_read(tmp_path: Path) -> None:
    root = tmp_path / "exports"
    (root / ".git").mkdir(parents=True)
    shutil.copy(FIXTURES / "medline.txt", root / "medline.txt")
    shutil.copy(FIXTURES / "medline.txt", root / ".git" / "medline.txt")
    (root / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    skipped: list[tuple[str, str]] = []
    files = discover([root], skipped)
    assert [f.label for f in files] == ["exports/medline.txt"]
    assert sorted(skipped) == [
        (".DS_Store", "hidden file (name begins with '.')"),
        (".git", "hidden folder (name begins with '.')"),
    ]


def test_interrupt_while_showing_progress_stops_the_query(tmp_path: Path) -> None:
    """An exception in the progress loop (as Ctrl-C would raise) interrupts DuckDB first."""
    import threading

    from pipeline.biblio.engine import connect, execute

    class Boom(Exception):
        pass

    class BrokenBar:
        def update(self, n: float) -> None:
            raise Boom

    con = connect()
    calls: list[str] = []
    real_interrupt = con.interrupt

    class Spy:
        def __getattr__(self, name: str):
            if name == "interrupt":
                calls.append(name)
                return real_interrupt
            return getattr(con, name)

    slow = "SELECT count(*) FROM range(3000000000) t(i) WHERE i % 7 = 3"
    with pytest.raises(Boom):
        execute(Spy(), slow, BrokenBar(), 1.0)
    assert calls == ["interrupt"]
    assert not [t for t in threading.enumerate() if t.name == "duckdb-ingest"]
    con.close()
