"""Cleaning tests on small workbooks/CSVs against a tiny fixed registry (see centres_helpers)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from centres_helpers import HEADER, assert_accounting, row, run_fresh, write_csv, write_xlsx

from pipeline.centres import CentresInputError, write_outputs
from pipeline.centres.clean import OUTPUT_FILES

Clean = Callable[..., Any]


def _mixed_rows() -> list[dict[str, Any]]:
    return [
        row(),
        row(
            {
                "Centre name": "Centre for Sustainable Energy",
                "Chinese name": "可持续能源中心",
                "UK partner(s)": "School of Oriental and African Studies and "
                "Imperial College of Science, Technology & Medicine",
                "Chinese partner(s)": "SEU、清华",
                "Year established": "c. 2012",
                "City": "Nanjing",
                "Province": "",
                "Physical location": "UK & China",
                "Research area": "Sustainable energy systems",
                "Funder(s)": "Jiangsu Science and Technology Department / Wellcome Trust",
                "Status": "active",
            }
        ),
        {},  # blank spacer row
        row(
            {
                "Centre name": "Edinburgh-Tsinghua Humanities Lab",
                "UK partner(s)": "Edinburgh University",
                "Chinese partner(s)": "Tsinghua",
                "Year established": "2018/19",
                "City": "Edinburgh",
                "Province": None,
                "Physical location": "Scotland",
                "Research area": "History and humanities",
                "Funder(s)": "British Council",
            }
        ),
        row(
            {
                "Centre name": "Virtual AI Network",
                "Other partner(s)": "MIT",
                "Year established": dt.datetime(2020, 5, 4),
                "City": None,
                "Province": None,
                "Physical location": "online",
                "Research area": "Materials informatics; machine learning",
                "Funder(s)": "UKRI",
            }
        ),
    ]


def test_clean_basic_workbook(tmp_path: Path, clean: Clean) -> None:
    p = write_xlsx(tmp_path / "c.xlsx", _mixed_rows(), trailing_notes=["Source: test"])
    r = clean(p)
    acc = r.accounting
    assert acc == {
        "source_file": "c.xlsx",
        "raw_rows": 6,
        "non_data_rows": 2,
        "centres": 4,
        "duplicates": 0,
        "rejected": 0,
        "unresolved_names": 0,
    }
    c = r.centres.set_index("name")
    assert list(r.centres["centre_id"]) == ["C0001", "C0002", "C0003", "C0004"]
    # ids ranked by (year, normalised name)
    assert c.loc["Centre for Sustainable Energy", "centre_id"] == "C0001"
    assert c.loc["Virtual AI Network", "centre_id"] == "C0004"
    e = c.loc["Centre for Sustainable Energy"]
    assert (e["year_established"], bool(e["year_approximate"])) == (2012, True)
    assert (e["location"], e["province_code"], e["city"]) == ("both", "CN-JS", "Nanjing")
    assert (e["topic"], e["discipline_group"], e["nsi_sector"]) == (
        "sustainable_development",
        "multidisciplinary",
        "energy",
    )
    assert list(e["funders"]) == [
        "Jiangsu Provincial Department of Science and Technology",
        "Wellcome Trust",
    ]
    assert e["status"] == "Active" and e["name_zh"] == "可持续能源中心"
    h = c.loc["Edinburgh-Tsinghua Humanities Lab"]
    assert (h["year_established"], h["location"], h["province_code"]) == (2018, "GB", None)
    assert (h["topic"], h["discipline_group"], h["nsi_sector"]) == (
        "arts_humanities",
        "non_stem",
        None,
    )
    v = c.loc["Virtual AI Network"]
    assert (v["year_established"], v["location"], v["nsi_sector"]) == (
        2020,
        "virtual",
        "artificial_intelligence",
    )
    links = r.centre_partners.merge(r.centres[["centre_id", "name"]])
    got = {(n, o, s) for n, o, s in links[["name", "org_id", "side"]].itertuples(index=False)}
    assert ("Centre for Sustainable Energy", "gb-soas", "UK") in got
    assert ("Centre for Sustainable Energy", "gb-imperial", "UK") in got
    assert ("Centre for Sustainable Energy", "cn-southeast", "CN") in got
    assert ("Centre for Sustainable Energy", "cn-tsinghua", "CN") in got
    assert ("Virtual AI Network", "us-mit", "other") in got
    assert set(r.organisations["org_id"]) == set(r.centre_partners["org_id"])
    # unknown funder kept verbatim and flagged for review
    assert (
        (r.review["value"] == "Wellcome Trust") & r.review["issue"].str.contains("funder")
    ).any()


def test_empty_file_is_a_clear_error(tmp_path: Path, clean: Clean) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    with pytest.raises(CentresInputError, match=r"empty\.csv.*empty"):
        clean(tmp_path / "empty.csv")
    (tmp_path / "blank.csv").write_text("\n\n  \n")
    with pytest.raises(CentresInputError, match="empty"):
        clean(tmp_path / "blank.csv")
    openpyxl.Workbook().save(tmp_path / "empty.xlsx")
    with pytest.raises(CentresInputError, match=r"empty\.xlsx.*empty"):
        clean(tmp_path / "empty.xlsx")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_header_only_gives_empty_valid_result(tmp_path: Path, clean: Clean, suffix: str) -> None:
    p = tmp_path / f"h.{suffix}"
    write_csv(p, []) if suffix == "csv" else write_xlsx(p, [])
    r = clean(p)
    assert r.accounting["raw_rows"] == 0 and r.accounting["centres"] == 0
    assert r.centres.empty and r.rejects.empty
    paths = write_outputs(r, tmp_path / "out", restricted=tmp_path / "restricted")
    back = pd.read_parquet(tmp_path / "out" / "centres.parquet")
    assert back.empty and list(back.columns) == list(r.centres.columns)
    assert len(paths) == 10  # 9 shared files and the restricted list of unresolved names


def test_missing_required_column_names_column_and_file(tmp_path: Path, clean: Clean) -> None:
    header = [h for h in HEADER if h != "Year established"]
    p = write_xlsx(tmp_path / "noyear.xlsx", [row()], header=header)
    with pytest.raises(CentresInputError) as exc:
        clean(p)
    msg = str(exc.value)
    assert "noyear.xlsx" in msg and "'Year established'" in msg
    assert "looked for" in msg and "found columns" in msg and "Centre name" in msg
    p2 = write_csv(
        tmp_path / "nopartner.csv",
        [row()],
        header=["Centre name", "Year established", "City"],
    )
    with pytest.raises(CentresInputError, match=r"nopartner\.csv: missing required column"):
        clean(p2)


def test_unrelated_table_is_not_given_a_header_row(tmp_path: Path, clean: Clean) -> None:
    """No row has a known column name: the error quotes the first non-blank row as such."""
    p = tmp_path / "budget.csv"
    p.write_text("\n\nQuarterly budget,,\nItem,Cost,Owner\nPaper,3,Ann\n")
    with pytest.raises(CentresInputError) as exc:
        clean(p)
    msg = str(exc.value)
    assert "budget.csv: missing required column 'Centre name'" in msg
    assert "no header row found" in msg
    assert "first non-blank row (row 3) reads: Quarterly budget" in msg
    assert "header row 3" not in msg and "found columns" not in msg


def test_hostile_rows(tmp_path: Path, clean: Clean) -> None:
    rows = [
        row(),  # row 5 kept
        row({"Centre name": "Bad province", "Province": "Jiangsuu"}),  # 6 rejected
        row({"Centre name": "Future centre", "Year established": 2035}),  # 7 rejected
        row(),  # 8 duplicate of 5
        row({"Centre name": "<script>alert('x')</script><b>Lab</b>"}),  # 9 kept verbatim
        row({"Centre name": '=HYPERLINK("http://evil.example","Click")'}),  # 10 kept
        row(
            {
                "Centre name": "Invented",
                "UK partner(s)": "Hogwarts School",
                "Chinese partner(s)": "Xanadu Institute",
            }
        ),  # 11 rejected: nothing resolves
        {"No.": 8, "Centre name": "Only a name"},  # 12 rejected: no year, no partner
        row({"Centre name": None}),  # 13 rejected: missing name
        row({"Centre name": "Half known", "UK partner(s)": "Cambridge University; Hogwarts"}),
        row({"Centre name": "Unknown city", "City": "Atlantis", "Province": None}),  # kept
    ]
    p = write_xlsx(tmp_path / "hostile.xlsx", rows, trailing_notes=["Last checked 2022"])
    r = clean(p)
    acc = r.accounting
    assert (acc["centres"], acc["duplicates"], acc["rejected"], acc["non_data_rows"]) == (
        5,
        1,
        5,
        1,
    )
    rej = r.rejects.set_index("source_row")
    assert "closest known: Jiangsu (CN-JS)" in rej.loc[6, "reason"]
    assert rej.loc[6, "column"] == "Province" and rej.loc[6, "value"] == "Jiangsuu"
    assert "2035" in rej.loc[7, "reason"] and "outside" in rej.loc[7, "reason"]
    assert "no partner resolves" in rej.loc[11, "reason"]
    assert rej.loc[12, "reason"] == "no year and no partner"
    assert rej.loc[13, "reason"] == "missing centre name"
    assert list(r.duplicates["source_row"]) == [8]
    assert list(r.duplicates["duplicate_of_row"]) == [5]
    names = set(r.centres["name"])
    assert "<script>alert('x')</script><b>Lab</b>" in names
    assert '=HYPERLINK("http://evil.example","Click")' in names
    # the half-known row is kept; its unknown partner goes to review
    assert "Half known" in names
    unres = r.unresolved
    assert {"Hogwarts", "Hogwarts School", "Xanadu Institute"} <= set(unres["value"])
    atl = r.centres.set_index("name").loc["Unknown city"]
    assert atl["location"] == "CN" and atl["province_code"] is None
    assert any("Atlantis" in w for w in r.warnings)

    out = tmp_path / "out"
    write_outputs(r, out)
    text = (out / "centres.csv").read_text(encoding="utf-8")
    assert '\'=HYPERLINK(""http://evil.example"",""Click"")' in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    back = pd.read_parquet(out / "centres.parquet")
    assert '=HYPERLINK("http://evil.example","Click")' in set(back["name"])
    assert "<script>alert('x')</script><b>Lab</b>" in set(back["name"])
    rej_csv = pd.read_csv(out / "centres_rejects.csv")
    assert set(rej_csv.columns) == {"source_file", "source_row", "column", "value", "reason"}
    assert rej_csv["source_row"].nunique() == acc["rejected"]
    dup_csv = pd.read_csv(out / "centres_duplicates.csv")
    assert list(dup_csv["source_row"]) == [8]
    acc_json = json.loads((out / "centres_accounting.json").read_text())
    assert acc_json == acc


def test_year_bounds_and_threshold_are_parameters(tmp_path: Path, clean: Clean) -> None:
    p = write_xlsx(tmp_path / "y.xlsx", [row({"Year established": 2030})])
    assert clean(p).accounting["rejected"] == 1
    r = clean(p, year_max=2035)
    assert r.accounting["centres"] == 1 and int(r.centres["year_established"][0]) == 2030


def test_formula_cells_cached_value_or_text(tmp_path: Path, clean: Clean) -> None:
    p = write_xlsx(
        tmp_path / "f.xlsx",
        [
            row({"Year established": "=2010+5"}),
            row({"Centre name": "Cached", "Year established": "=2000+13"}),
        ],
    )
    # openpyxl saves no cached values; give the second formula one, as Excel would
    import zipfile

    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>2000+13</f><v />", b"<f>2000+13</f><v>2013</v>")
    with zipfile.ZipFile(p, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    r = clean(p)
    assert r.accounting["centres"] == 1 and r.accounting["rejected"] == 1
    assert int(r.centres["year_established"][0]) == 2013  # cached value used
    assert "=2010+5" in set(r.rejects["value"])  # uncached: formula text, not evaluated
    assert "formula" in r.rejects["reason"][0]


def test_unknown_extra_columns_are_ignored_with_warning(tmp_path: Path, clean: Clean) -> None:
    header = [*HEADER, "Favourite colour"]
    p = write_xlsx(tmp_path / "x.xlsx", [row({"Favourite colour": "blue"})], header=header)
    r = clean(p)
    assert r.accounting["centres"] == 1
    assert r.report["ignored_columns"] == ["Favourite colour"]
    assert any("Favourite colour" in w for w in r.warnings)


def _comparable(r: Any) -> pd.DataFrame:
    cols = [
        "centre_id",
        "name",
        "year_established",
        "year_approximate",
        "location",
        "province_code",
        "city",
        "topic",
        "discipline_group",
        "nsi_sector",
    ]
    df = r.centres[cols].copy()
    df["funders"] = r.centres["funders"].map(tuple)
    return df


def test_reordered_csv_with_other_spellings_matches_xlsx(tmp_path: Path, clean: Clean) -> None:
    rows = [r for r in _mixed_rows() if r]
    rows[0]["Year established"] = "2015"
    rows[3]["Year established"] = "2020-05-04"
    xr = clean(write_xlsx(tmp_path / "a.xlsx", rows))
    order = list(reversed(HEADER))
    rename = {
        "Centre name": "Name of centre",
        "UK partner(s)": "UK Institution(s)",
        "Chinese partner(s)": "Chinese Partner Institution(s)",
        "Year established": "Year founded",
        "Physical location": "LOCATION",
        "Research area": "Research field",
        "Funder(s)": "Funded by",
    }
    for enc, delim in (("utf-8-sig", ";"), ("gbk", ","), ("utf-16", "\t")):
        cp = write_csv(
            tmp_path / f"b_{enc}.csv",
            rows,
            header=order,
            rename=rename,
            encoding=enc,
            delimiter=delim,
        )
        cr = clean(cp)
        pd.testing.assert_frame_equal(_comparable(xr), _comparable(cr))
        pd.testing.assert_frame_equal(xr.centre_partners, cr.centre_partners)
        assert cr.accounting["centres"] == xr.accounting["centres"]


def test_gbk_csv_with_chinese_names(tmp_path: Path, clean: Clean) -> None:
    rows = [
        row(
            {
                "Centre name": "中英先进材料联合研究中心",
                "Chinese name": "中英先进材料联合研究中心",
                "UK partner(s)": "剑桥大学; University of Cambridge",
                "Chinese partner(s)": "北京大学、东南大学",
                "City": "南京",
                "Province": "江苏省",
                "Research area": "Advanced materials",
            }
        ),
    ]
    p = write_csv(tmp_path / "gbk.csv", rows, encoding="gbk")
    r = clean(p)
    c = r.centres.iloc[0]
    assert c["name"] == "中英先进材料联合研究中心"
    assert (c["province_code"], c["city"]) == ("CN-JS", "Nanjing")
    assert set(r.centre_partners["org_id"]) == {"gb-cambridge", "cn-peking", "cn-southeast"}
    assert list(r.unresolved["value"]) == ["剑桥大学"]


CLEAN_IN_A_PROCESS = """
import sys
from pathlib import Path
from pipeline.centres import clean_centres, write_outputs
write_outputs(clean_centres(sys.argv[1], ref_dir=Path(sys.argv[2])), Path(sys.argv[3]))
"""


def test_outputs_are_deterministic_and_sorted(tmp_path: Path, clean: Clean, ref_dir: Path) -> None:
    """Two separate processes with different hash seeds (so different set orders) agree."""
    p = write_xlsx(tmp_path / "d.xlsx", _mixed_rows())
    digests = []
    for k, hashseed in enumerate((1, 2)):
        out = tmp_path / f"out{k}"
        run_fresh(CLEAN_IN_A_PROCESS, p, ref_dir, out, hashseed=hashseed)
        digests.append({q.name: hashlib.sha256(q.read_bytes()).hexdigest() for q in out.iterdir()})
        assert not list(out.glob("*.tmp")) and not list(out.glob(".*"))
    assert digests[0] == digests[1] and len(digests[0]) == len(OUTPUT_FILES)
    r = clean(p)
    assert list(r.centres["centre_id"]) == sorted(r.centres["centre_id"])
    cp = r.centre_partners
    assert list(zip(cp["centre_id"], cp["org_id"])) == sorted(zip(cp["centre_id"], cp["org_id"]))


def test_excel_serial_year_in_workbook(tmp_path: Path, clean: Clean) -> None:
    p = write_xlsx(tmp_path / "s.xlsx", [row({"Year established": 42430})])
    assert int(clean(p).centres["year_established"][0]) == 2016


def test_source_rows_are_spreadsheet_rows(tmp_path: Path, clean: Clean) -> None:
    rows = [row(), {}, row({"Centre name": "Later", "Year established": "never"})]
    r = clean(write_xlsx(tmp_path / "n.xlsx", rows))
    assert int(r.centres["source_row"][0]) == 5
    assert list(r.rejects["source_row"]) == [7]
    assert "'never'" in r.rejects["reason"][0]
    assert_accounting(r)


def test_cli_writes_outputs_and_fails_cleanly(
    tmp_path: Path, ref_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pipeline.centres.cli import cli

    p = write_xlsx(tmp_path / "cli.xlsx", [row(), row(), row({"Year established": 2035})])
    where = ["--out", str(tmp_path / "o"), "--restricted", str(tmp_path / "r")]
    code = cli([str(p), *where, "--ref-dir", str(ref_dir)])
    out = capsys.readouterr().out
    assert code == 0
    assert "centres kept:     1" in out and "duplicates:       1" in out
    assert "rejected:         1" in out and "outside" in out
    assert (tmp_path / "o" / "centres.parquet").exists()
    (tmp_path / "bad.csv").write_text("Colour,Size\nred,1\n")
    code = cli(
        [
            "clean",
            str(tmp_path / "bad.csv"),
            "--out",
            str(tmp_path / "o2"),
            "--ref-dir",
            str(ref_dir),
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "bad.csv" in err and "missing required column" in err
    assert not (tmp_path / "o2").exists()


def test_fuzzy_threshold_parameter(tmp_path: Path, clean: Clean) -> None:
    p = write_xlsx(tmp_path / "fz.xlsx", [row({"UK partner(s)": "Univeristy of Edinburgh"})])
    loose = clean(p, fuzzy_threshold=90)
    assert set(loose.centre_partners["org_id"]) == {"gb-edinburgh", "cn-peking"}
    assert loose.unresolved.empty
    strict = clean(p, fuzzy_threshold=99)
    assert set(strict.centre_partners["org_id"]) == {"cn-peking"}
    u = strict.unresolved.iloc[0]
    assert u["value"] == "Univeristy of Edinburgh"
    assert u["best_candidate"] == "University of Edinburgh [gb-edinburgh]"
    assert 90 <= u["score"] < 99
