"""Downloads of figures and tables: the files, their bytes, labels, records and the workbook."""

import json
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import altair as alt
import pandas as pd
import pytest

from pipeline import catalog, downloads, report
from pipeline.biblio.records import by_field, by_funder, work_records
from pipeline.centres.records import centre_records, records

SOURCE = "Source: Synthetic reference edition (synthetic data, not the study's data)."


def _chart(label="a"):
    df = pd.DataFrame({"x": [label, "b"], "y": [1, 2]})
    return alt.Chart(df).mark_bar().encode(x="x:N", y="y:Q")


def _records(categories=("A", "B", "A")):
    return downloads.Records(
        pd.DataFrame(
            {
                "centre_id": [f"C{i}" for i in range(len(categories))],
                "Topic": list(categories),
                "source_file": "centres/centres.xlsx",
                "source_row": range(5, 5 + len(categories)),
            }
        ),
        by="Topic",
        unit="centres",
    )


@pytest.fixture
def chapter(tmp_path, monkeypatch):
    """A chapter whose figures and tables are written to ``tmp_path/stage``."""
    shown = []
    monkeypatch.setattr(report, "_display", shown.append)
    report.chapter("phase2_centres", downloads=tmp_path / "phase2_centres")
    yield tmp_path / "phase2_centres", shown
    report._STATE.downloads = None


def _bundle_html(obj) -> str:
    return obj._repr_mimebundle_().get("text/html", "")


def test_a_chart_writes_images_data_and_an_index(chapter):
    folder, shown = chapter
    data = pd.DataFrame({"Category": ["a", "b"], "Centres": [1, 2]})
    n = report.show_chart(_chart(), caption="Centres by *x*\\_y.", alt_text="t", data=data)
    names = {p.name for p in folder.iterdir()}
    stem = f"figure-{n}"
    assert {f"{stem}.{ext}" for ext in ("png", "svg", "csv", "xlsx")} <= names
    assert (folder / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (folder / f"{stem}.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    frame = pd.read_csv(folder / f"{stem}.csv")
    assert list(frame.columns) == ["Category", "Centres", "edition"]
    assert set(frame["edition"]) == {"synthetic"}
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert index["items"][0]["number"] == n
    assert index["items"][0]["caption"] == "Centres by *x*_y."
    html = _bundle_html(shown[0])
    assert "base64" not in html  # the page carries no image data
    assert f'src="../../downloads/phase2_centres/{stem}.png"' in html
    for ext in ("png", "svg", "csv", "xlsx"):
        assert f'href="../../downloads/phase2_centres/{stem}.{ext}"' in html


def test_a_chart_without_data_downloads_the_rows_of_its_spec(chapter):
    folder, _ = chapter
    n = report.show_chart(_chart("q"), caption="c", alt_text="t")
    frame = pd.read_csv(folder / f"figure-{n}.csv")
    assert frame["x"].tolist() == ["q", "b"] and frame["y"].tolist() == [1, 2]


def test_spec_frame_stacks_datasets_and_drops_shapes():
    spec = {
        "datasets": {"d1": [{"a": 1}], "d2": [{"b": 2}]},
        "layer": [
            {
                "data": {
                    "values": [
                        {"type": "Feature", "properties": {"name": "X"}, "geometry": {"c": [1]}}
                    ]
                }
            }
        ],
    }
    frame = downloads.spec_frame(spec)
    assert "properties.name" in frame.columns and "geometry" not in frame.columns
    assert sorted(frame["dataset"].unique()) == [1, 2, 3]


def test_a_numbered_table_writes_csv_and_xlsx_and_links_them(chapter):
    folder, shown = chapter
    n = report.show_table(pd.DataFrame({"a": [1]}), caption="One table.")
    assert (folder / f"table-{n}.csv").is_file() and (folder / f"table-{n}.xlsx").is_file()
    assert f'href="../../downloads/phase2_centres/table-{n}.csv"' in _bundle_html(shown[-1])
    report.show_table(pd.DataFrame({"a": [1]}), caption="Not numbered.", numbered=False)
    assert len(list(folder.glob("table-*.csv"))) == 1


def test_every_download_is_labelled_with_the_edition_and_loads_with_pandas(tmp_path):
    folder = downloads.Folder.start("s", tmp_path / "s", SOURCE, label="L", synthetic=True)
    frame = pd.DataFrame({"edition": ["2019"], "n": [3], "names": [["a", "b"]]})
    folder.add_table("1.1", "T", frame)
    csv = pd.read_csv(tmp_path / "s/table-1.1.csv")
    assert list(csv.columns) == ["edition", "n", "names", "edition (download)"]
    assert csv["edition (download)"].tolist() == ["synthetic"]
    assert csv["names"].tolist() == ["a; b"]
    xlsx = pd.read_excel(tmp_path / "s/table-1.1.xlsx")
    assert xlsx.columns[-1] == "edition (download)" and xlsx.iloc[0, -1] == "synthetic"
    # the full source line is written once, beside the files
    assert (tmp_path / "s/README.txt").read_text(encoding="utf-8").startswith(SOURCE)
    index = json.loads((tmp_path / "s/index.json").read_text(encoding="utf-8"))
    assert index["source"] == SOURCE and index["edition"]["tag"] == "synthetic"
    user = downloads.Folder.start("u", tmp_path / "u", "Source: mine.", label="M", synthetic=False)
    user.add_table("1.1", "T", frame)
    assert pd.read_csv(tmp_path / "u/table-1.1.csv").iloc[0, -1] == "user-supplied"


WRITE = """
import sys
from pathlib import Path
import pandas as pd
from pipeline import downloads
folder = downloads.Folder.start("s", Path(sys.argv[1]), "Source: x", label="L", synthetic=True)
folder.add_table("1.1", "T", pd.DataFrame({"a": [1, 2], "b": ["x", None]}))
downloads.write_workbook(Path(sys.argv[1]) / "book.xlsx", [("A", pd.DataFrame({"a": [1]}))],
                         title="t")
"""


def test_the_same_tables_give_the_same_bytes_in_two_processes(tmp_path):
    for run in ("one", "two"):
        subprocess.run([sys.executable, "-c", WRITE, str(tmp_path / run)], check=True)
    for name in ("table-1.1.csv", "table-1.1.xlsx", "book.xlsx", "index.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    with zipfile.ZipFile(tmp_path / "one/book.xlsx") as z:
        core = z.read("docProps/core.xml").decode()
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "2000-01-01T00:00:00Z" in core


def test_a_chart_gives_the_same_files_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "_display", lambda obj: None)
    digests = []
    for run in ("one", "two"):
        report.chapter("phase2_centres", downloads=tmp_path / run)
        report.show_chart(_chart(), caption="c", alt_text="t", records=_records())
        digests.append({p.name: p.read_bytes() for p in (tmp_path / run).iterdir()})
    report._STATE.downloads = None
    assert digests[0] == digests[1]


def _payload(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8").split("=", 2)[-1].rstrip().rstrip(";"))


def test_records_filter_lists_the_categories_and_loads_its_rows(chapter):
    folder, shown = chapter
    hostile = ("<b>x</b>", "B", "<b>x</b>")
    report.show_chart(_chart(), caption="c", alt_text="t", records=_records(hostile))
    html = _bundle_html(shown[0])
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert html.count("<option") == 3  # "all" and the two categories
    assert "downloads/phase2_centres/records-centres.js" in html
    assert 'href="../../downloads/phase2_centres/records-centres.csv"' in html
    script = (folder / "records-centres.js").read_text(encoding="utf-8")
    payload = _payload(folder / "records-centres.js")
    # a column with one value throughout is given once
    assert payload["columns"] == ["centre_id", "Topic", "source_row"]
    assert payload["same"] == {"source_file": "centres/centres.xlsx"}
    assert [r[1] for r in payload["rows"]] == list(hostile)
    assert "<" not in script
    lineage = pd.read_csv(folder / "records-centres.csv")
    assert lineage["source_row"].tolist() == [5, 6, 7]
    assert lineage.columns[-1] == "edition" and set(lineage["edition"]) == {"synthetic"}


def test_figures_counting_the_same_records_share_one_file(chapter):
    folder, shown = chapter
    rows = _records().frame.assign(Funders=["F1; F2", "", "F2"], Kind="same")
    by_topic = downloads.Records(rows, by="Topic", unit="centres")
    by_kind = downloads.Records(rows, by="Kind", unit="centres")
    by_funder = downloads.Records(rows, by="Funders", unit="centres", sep="; ")
    for behind in (by_topic, by_kind, by_funder):
        report.show_chart(_chart(), caption="c", alt_text="t", records=behind)
    assert sorted(p.name for p in folder.glob("records-*")) == [
        "records-centres.csv",
        "records-centres.js",
    ]
    # a column a figure filters on stays a column, even with one value throughout
    assert _payload(folder / "records-centres.js")["same"] == {
        "source_file": "centres/centres.xlsx"
    }
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [i["records"]["filter"] for i in index["items"]] == ["Topic", "Kind", "Funders"]
    assert {i["records"]["file"] for i in index["items"]} == {"records-centres.csv"}
    funder_box = _bundle_html(shown[-2])
    assert "The 2 centres behind" in funder_box  # the centres naming a funder
    assert funder_box.count("<option") == 3
    with pytest.raises(ValueError, match="different records"):
        report.show_chart(_chart(), caption="c", alt_text="t", records=_records(("A",)))


def test_a_figure_counts_the_records_holding_its_categories():
    rows = _records(("A", "B", "A")).frame.assign(Funders=["F1; F2", "F3", ""])
    shown = downloads.Records(rows, by="Funders", sep="; ", categories=("F2", "F3"))
    assert shown.options() == ["F2", "F3"] and shown.counted() == 2
    every = downloads.Records(rows, by="Funders", sep="; ")
    assert every.options() == ["F1", "F2", "F3"] and every.counted() == 2
    assert downloads.Records(rows, by="Topic", name="Centres 2").stem == "records-centres-2"


def test_records_about_people_are_refused():
    frame = pd.DataFrame({"Topic": ["a"], "source_file": ["f"], "source_row": [1]})
    for column in ("respondent_id", "Email", "Interviewee"):
        with pytest.raises(ValueError, match="people"):
            downloads.Records(frame.assign(**{column: ["x"]}), by="Topic")
    with pytest.raises(ValueError, match="source_row"):
        downloads.Records(frame.drop(columns=["source_row"]), by="Topic")


def _centres():
    return pd.DataFrame(
        {
            "centre_id": ["C2", "C1"],
            "name": ["Centre B", "Centre A"],
            "name_zh": [None, "甲"],
            "year_established": [2010, 2005],
            "status": ["Active", "Closed"],
            "location": ["CN", "GB"],
            "province_code": ["CN-BJ", None],
            "city": ["Beijing", "Leeds"],
            "topic": ["physics", "physics"],
            "discipline_group": ["stem", "stem"],
            "nsi_sector": ["advanced_materials", None],
            "funders": [["F1", "F2"], []],
            "source_row": [6, 5],
        }
    )


REFS = {
    "topics": pd.DataFrame({"topic": ["physics"], "label": ["Physics"]}),
    "nsi_sectors": pd.DataFrame({"sector": ["advanced_materials"], "label": ["Materials"]}),
    "provinces": pd.DataFrame({"code": ["CN-BJ"], "name_en": ["Beijing"]}),
}


def test_centre_records_carry_labels_and_lineage_and_no_personal_columns():
    rows = centre_records(_centres(), REFS, "centres.xlsx")
    assert rows["centre_id"].tolist() == ["C1", "C2"]
    assert rows["source_file"].unique().tolist() == ["centres/centres.xlsx"]
    assert rows["source_row"].tolist() == [5, 6]
    assert not [c for c in rows.columns if downloads.PERSONAL.search(c)]
    province = records(rows, "Province-level unit")
    assert province.options() == ["Beijing"] and province.counted() == 1  # counted centres only
    funders = records(rows, "Funders")
    assert funders.options() == ["F1", "F2"] and funders.counted() == 1
    partners = pd.DataFrame({"centre_id": ["C1", "C2", "C1"], "org_id": ["gb-x", "cn-y", "gb-a"]})
    partners["side"] = ["UK", "CN", "UK"]
    orgs = pd.DataFrame({"org_id": ["gb-x", "cn-y", "gb-a"], "name": ["Uni X", "Uni Y", "Uni A"]})
    rows = centre_records(_centres(), REFS, "centres.xlsx", partners=partners, organisations=orgs)
    assert rows["UK partners"].tolist() == ["Uni A; Uni X", ""]
    uk = records(rows, "UK partners")
    assert uk.options() == ["Uni A", "Uni X"] and uk.counted() == 1
    assert uk.stem == province.stem == "records-centres"  # one file for the chapter
    with pytest.raises(ValueError, match="no column"):
        records(rows, "Funder")


def test_work_records_name_their_export_and_id():
    works = pd.DataFrame(
        {
            "work_id": ["openalex:W1", "openalex:W2", "openalex:W3"],
            "doi": ["10.1/a", None, "10.1/c"],
            "year": [2001, 2002, 2003],
            "countries": [["CN", "GB"], ["CN", "GB"], ["GB"]],
            "field": ["Physics", None, "Physics"],
            "uk_cn": [True, True, False],
            "funders": [["F1"], [], ["F1"]],
            "source_file": "bibliometrics/x.jsonl",
        }
    )
    rows = work_records(works)
    assert rows["source_id"].tolist() == ["openalex:W1", "openalex:W2"]  # UK–China only
    assert by_field(rows).frame["Field"].tolist() == ["Physics", "Unknown"]
    funded = by_funder(rows, ["F1"])
    assert funded.options() == ["F1"] and funded.counted() == 1
    assert funded.stem == by_field(rows).stem == "records-works"


def test_links_from_a_chapter_page_reach_its_folder_in_the_html_book():
    page = PurePosixPath(catalog.path("generated.phase2_centres").as_posix()).parent
    href = downloads.relative_href("phase2_centres")
    served = catalog.path("downloads.phase2_centres").relative_to(
        catalog.path("project.book_files")
    )
    resolved = Path(*(page / href).parts)
    parts: list[str] = []
    for part in resolved.parts:
        parts = parts[:-1] if part == ".." else [*parts, part]
    assert Path(*parts) == served


def test_the_workbook_lists_every_numbered_table_with_the_edition(tmp_path, monkeypatch):
    root = tmp_path
    (root / "data/raw").mkdir(parents=True)
    (root / "data/raw/EDITION.yaml").write_text("synthetic: true\nlabel: Test edition\n")
    (root / "_toc.yml").write_text(
        "parts:\n  - numbered: true\n    chapters:\n      - file: book/generated/a\n"
        "      - file: book/generated/b\n"
    )
    for stage, caption in (("a", "First *table*."), ("b", "Second.")):
        folder = downloads.Folder.start(
            stage, catalog.locate(f"downloads.{stage}", root), SOURCE, label="L", synthetic=True
        )
        folder.add_table("1.1" if stage == "a" else "2.1", caption, pd.DataFrame({"v": [1]}))
        folder.add_figure(
            "9.9",
            "not a table",
            {"png": b"", "svg": "<svg/>", "data": pd.DataFrame({"v": [1]})},
        )
    path = downloads.build_workbook(root)
    sheets = pd.read_excel(path, sheet_name=None)
    assert list(sheets) == ["Contents", "Table 1.1", "Table 2.1"]
    contents = sheets["Contents"]
    assert contents["caption"].tolist() == ["First *table*.", "Second."]
    assert contents["edition"].str.contains("Test edition .synthetic data", regex=True).all()
    first = path.read_bytes()
    assert downloads.build_workbook(root).read_bytes() == first


def _pixels(png: bytes) -> bytes:
    import struct
    import zlib

    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + size]
        idat += body if kind == b"IDAT" else b""
        header = body if kind == b"IHDR" else header
        pos += 12 + size
    return header + zlib.decompress(idat)


def test_chart_pngs_are_compacted_without_losing_a_pixel():
    import vl_convert as vlc

    spec = report._spec(_chart(), "a source line")
    raw = vlc.vegalite_to_png(spec, scale=2)
    small = report.compact_png(raw)
    assert len(small) < len(raw)
    assert _pixels(small) == _pixels(raw)
    assert report.compact_png(small) == small


def test_long_record_sets_send_repeated_values_as_codes_the_page_decodes():
    n = downloads.CODE_MIN_ROWS
    frame = pd.DataFrame(
        {"id": [f"W{i}" for i in range(n)], "Field": ["Physics", "Engineering"] * (n // 2)}
    )
    payload = downloads.filter_payload(frame, ["Field"])
    assert payload["codes"] == {"1": ["Engineering", "Physics"]}
    decoded = [[r[0], payload["codes"]["1"][r[1]]] for r in payload["rows"]]
    assert decoded == frame.astype(str).values.tolist()
    # short sets and columns of mostly distinct values stay as text
    assert downloads.filter_payload(frame.head(10), ["Field"])["codes"] == {}
    assert "decode(d)" in downloads._FILTER_JS


def test_columns_kept_for_the_csv_stay_out_of_the_page_table(chapter):
    folder, _ = chapter
    base = _records()
    rows = base.frame.assign(DOI=["10.1/a", "10.1/b", "10.1/c"])
    records = downloads.Records(rows, by="Topic", unit="centres", csv_only=("DOI",))
    report.show_chart(_chart(), caption="c", alt_text="t", records=records)
    assert "DOI" in pd.read_csv(folder / "records-centres.csv").columns
    assert "DOI" not in _payload(folder / "records-centres.js")["columns"]
