"""Cleaning registers: parsing, matching to the registry, duplicates, rejects, accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from registers_helpers import LIST_A, LIST_B, entry, resolver, write_csv

from pipeline.registers.clean import (
    clean_registers,
    discover_inputs,
    match_names,
    parse_country,
    parse_date,
    split_alias_cell,
    write_outputs,
)


@pytest.mark.parametrize(
    ("value", "iso", "year"),
    [
        ("2020", "2020", 2020),
        ("2020-12", "2020-12", 2020),
        ("2020-12-18", "2020-12-18", 2020),
        ("2020/12/18", "2020-12-18", 2020),
        ("18/12/2020", "2020-12-18", 2020),
        ("18 December 2020", "2020-12-18", 2020),
        ("Dec 18, 2020", "2020-12-18", 2020),
        ("December 2020", "2020-12", 2020),
        (2015.0, "2015", 2015),
        (dt.datetime(2015, 2, 18, 0, 0), "2015-02-18", 2015),
        (dt.date(2001, 5, 14), "2001-05-14", 2001),
        ("", None, None),
        (None, None, None),
    ],
)
def test_dates_are_read_as_precisely_as_given(
    value: object, iso: str | None, year: int | None
) -> None:
    assert parse_date(value) == (iso, year, None)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("sometime in 2020", "not a recognisable date"),
        ("2020-13-01", "not a valid calendar date"),
        ("31/02/2020", "not a valid calendar date"),
        ("Smarch 2020", "not a recognisable date"),
        ("1850", "outside"),
        ("2999-01-01", "outside"),
    ],
)
def test_bad_dates_give_a_reason(value: str, reason: str) -> None:
    iso, year, err = parse_date(value)
    assert iso is None and year is None
    assert err is not None and reason in err


def test_countries_codes_and_names() -> None:
    assert parse_country("cn") == ("CN", None)
    assert parse_country("People's Republic of China") == ("CN", None)
    assert parse_country("Hong Kong SAR") == ("HK", None)
    assert parse_country("Macau") == ("MO", None)
    assert parse_country("") == (None, None)
    code, err = parse_country("Atlantis")
    assert code is None and "unknown country 'Atlantis'" in err


def test_alias_cells_split_on_bars_semicolons_and_lines() -> None:
    assert split_alias_cell("AUT | Alpha Tech; AT\nAUT") == ["AUT", "Alpha Tech", "AT"]
    assert split_alias_cell(None) == []


def test_exact_and_alias_matches_apply_fuzzy_ones_do_not() -> None:
    r = resolver()
    assert match_names(["Alpha University of Technology"], r).org_id == "cn-alpha"
    via_alias = match_names(["Some other spelling", "AUT"], r)
    assert (via_alias.org_id, via_alias.method) == ("cn-alpha", "alias")
    near = match_names(["Alpha Universty of Technology"], r)  # one letter missing
    assert near.org_id is None and near.near and near.candidate == "cn-alpha"
    far = match_names(["Zeta Academy"], r)
    assert far.org_id is None and not far.near


def test_a_name_matching_two_organisations_is_a_conflict() -> None:
    assert match_names(["Shared Name"], resolver()).conflict == ("cn-delta", "cn-gamma")
    mixed = match_names(["Alpha University of Technology", "BIP"], resolver())
    assert mixed.conflict == ("cn-alpha", "cn-beta")


def _clean(tmp_path: Path, rows: list[list[str]], **kw: object):
    path = write_csv(tmp_path / "reg.csv", rows)
    return clean_registers([path], resolver=resolver(), **kw)


def test_known_register_gives_known_tables(tmp_path: Path) -> None:
    rows = [
        entry("Alpha University of Technology", "AUT", date="2020-12-18"),  # line 2: kept
        entry("Alpha Tech", lst=LIST_A),  # 3: duplicate of line 2 (same org via alias, list A)
        entry("Alpha University of Technology", lst=LIST_B),  # 4: kept (other list)
        entry("Shared Name"),  # 5: rejected, two organisations
        entry("Beta Institute of Physics", date="soon"),  # 6: rejected, bad date
        entry("", lst=LIST_B),  # 7: rejected, no name
        entry("Gamma Polytechnc University"),  # 8: kept, near match for review
        entry("Zeta Academy", country="Atlantis"),  # 9: rejected, unknown country
        entry("Zeta Academy"),  # 10: kept, unmatched
    ]
    r = _clean(tmp_path, rows)
    acc = r.accounting
    assert (acc["raw_rows"], acc["kept"], acc["duplicates"], acc["rejected"]) == (9, 4, 1, 4)
    assert list(r.entries["source_row"]) == [2, 4, 8, 10]
    assert list(r.entries["org_id"].fillna("-")) == ["cn-alpha", "cn-alpha", "-", "-"]
    assert r.duplicates.iloc[0][["source_row", "duplicate_of_row"]].tolist() == [3, 2]
    assert "date_listed" in r.duplicates.iloc[0]["differs"]
    reasons = dict(zip(r.rejects["source_row"], r.rejects["reason"], strict=True))
    assert "Delta Normal University (cn-delta)" in reasons[5]
    assert "Gamma Polytechnic University (cn-gamma)" in reasons[5]
    assert "not a recognisable date 'soon'" in reasons[6]
    assert reasons[7] == "missing organisation name"
    assert "unknown country" in reasons[9]
    review = r.review.set_index("source_row")
    assert review.loc[8, "candidate"] == "cn-gamma"
    assert review.loc[8, "issue"].startswith("near match, not applied")
    assert review.loc[10, "issue"].startswith("no registry organisation matches")


def test_threshold_decides_what_counts_as_a_near_match(tmp_path: Path) -> None:
    rows = [entry("Gamma Polytechnc University")]
    strict = clean_registers([write_csv(tmp_path / "a.csv", rows)], resolver=resolver(99.5))
    assert not strict.review["issue"].iloc[0].startswith("near match")
    assert strict.entries["org_id"].isna().all()


def test_every_problem_of_a_row_is_listed(tmp_path: Path) -> None:
    r = _clean(tmp_path, [["Alpha University of Technology", "", "", "", "", "2020-99", ""]])
    assert sorted(r.rejects["column"]) == ["Category", "Date listed", "List name", "Source"]
    assert r.accounting["rejected"] == 1


def test_several_files_share_one_duplicate_check(tmp_path: Path) -> None:
    a = write_csv(tmp_path / "a.csv", [entry("Beta Institute of Physics")])
    b = write_csv(tmp_path / "b.csv", [entry("BIP")])
    r = clean_registers(discover_inputs(tmp_path), resolver=resolver())
    assert [t["source_file"] for t in r.accounting["tables"]] == ["a.csv", "b.csv"]
    assert r.duplicates.iloc[0][["source_file", "duplicate_of_file"]].tolist() == ["b.csv", "a.csv"]
    assert discover_inputs(tmp_path, [b.name]) == [b]
    assert a.exists()


def test_discover_inputs_reports_missing_files(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no .csv or .xlsx file"):
        discover_inputs(tmp_path)
    with pytest.raises(FileNotFoundError, match="nope.csv"):
        discover_inputs(tmp_path, ["nope.csv"])


def test_outputs_are_deterministic_and_formula_safe(tmp_path: Path) -> None:
    rows = [
        entry('=HYPERLINK("http://x")', source="@SUM(A1)"),
        entry("Alpha University of Technology"),
    ]
    r = _clean(tmp_path, rows)
    first = [p.read_bytes() for p in write_outputs(r, tmp_path / "one")]
    second = [p.read_bytes() for p in write_outputs(r, tmp_path / "two")]
    assert first == second
    text = (tmp_path / "one" / "registers_entries.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
