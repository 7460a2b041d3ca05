"""The screen on hand-made registers and centres with known answers.

Centres, partners and sectors are in ``registers_helpers.centres_tables`` / ``sectors``; each
test builds the register it needs and states the expected rows.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from registers_helpers import LIST_A, LIST_B, centres_tables, entry, resolver, sectors, write_csv

from pipeline.registers import clean_registers, screen
from pipeline.registers.findings import (
    centres_invented,
    country_key,
    select_lists,
    timing,
    write_screen,
)


def _entries(tmp_path: Path, rows: list[list[str]]) -> pd.DataFrame:
    return clean_registers([write_csv(tmp_path / "reg.csv", rows)], resolver=resolver()).entries


def _screen(tmp_path: Path, rows: list[list[str]], **kw: object):
    centres, partners, orgs = centres_tables()
    return screen(_entries(tmp_path, rows), centres, partners, orgs, sectors(), **kw)


def test_timing_against_the_founding_year() -> None:
    assert timing(2009, 2010) == "listed before founding"
    assert timing(2010, 2010) == "listed in founding year"
    assert timing(2020, 2010) == "listed after founding"
    assert timing(pd.NA, 2010) == "listing date not given"
    assert timing(None, 2010) == "listing date not given"


def test_country_key_folds_hong_kong_and_macao_only_when_asked() -> None:
    assert country_key("HK") == "HK"
    assert country_key("hk", fold_hk_mo=True) == "CN"
    assert country_key("MO", fold_hk_mo=True) == "CN"
    assert country_key("TW", fold_hk_mo=True) == "TW"
    assert country_key(None) is None


def test_listing_dates_before_and_after_founding(tmp_path: Path) -> None:
    s = _screen(
        tmp_path,
        [
            entry("Alpha University of Technology", date="2009-05-01"),  # C0001 founded 2010
            entry("Beta Institute of Physics", date="2015"),  # C0002 founded 2015
            entry("GPU", date="18 December 2020", lst=LIST_B),  # alias; C0004 founded 2020
            entry("Delta Normal University", date="2021-01-15"),  # C0005 founded 2012
            entry("Omega College London", country="GB", lst=LIST_B),  # no date; 4 centres
        ],
    )
    got = {(r.centre_id, r.org_id): r.timing for r in s.listed.itertuples()}
    assert got[("C0001", "cn-alpha")] == "listed before founding"
    assert got[("C0002", "cn-beta")] == "listed in founding year"
    assert got[("C0004", "cn-gamma")] == "listed in founding year"
    assert got[("C0005", "cn-delta")] == "listed after founding"
    assert got[("C0003", "gb-omega")] == "listing date not given"
    assert len(s.listed) == 8  # 4 Chinese partners + Omega in 4 centres
    assert s.findings["centres_with_listed_partner"] == 5
    assert s.findings["listed_partners"] == 5
    years = s.by_year.set_index("year")
    assert years.loc[2010, "partner_listed_by_founding"] == 1  # Omega has no date
    assert years.loc[2012, "with_listed_partner"] == 1
    assert years.loc[2012, "partner_listed_by_founding"] == 0
    assert years.loc[2011, "centres_founded"] == 0  # every year is present


def test_sensitive_sectors_come_first(tmp_path: Path) -> None:
    s = _screen(tmp_path, [entry("Omega College London", country="GB")])
    order = list(dict.fromkeys(s.listed["centre_id"]))
    # sensitive sectors (materials C0001 2010, C0005 2012) first, then the rest by year
    assert order == ["C0001", "C0005", "C0002", "C0003"]
    assert s.listed["sensitive_sector"].tolist()[:2] == [True, True]
    assert s.findings["centres_with_listed_partner_in_sensitive_sector"] == 2
    sector = s.by_sector.set_index("sector")
    assert sector.loc["advanced_materials", "with_listed_partner"] == 2
    assert sector.loc["no_sector", "label"] == "No NSI sector"
    assert sector.loc["synthetic_biology", "without_listed_partner"] == 1
    assert list(s.by_sector["sensitive_sector"]) == [True, True, False, False]


def test_near_misses_are_never_counted(tmp_path: Path) -> None:
    s = _screen(tmp_path, [entry("Alpha Universty of Technology"), entry("Zeta Academy")])
    assert s.listed.empty
    assert s.findings["centres_with_listed_partner"] == 0
    assert set(s.unmatched["status"]) == {
        "not matched to the organisation registry (see the review list)"
    }


def test_hong_kong_and_macao_count_with_china_only_when_folded(tmp_path: Path) -> None:
    rows = [
        entry("Kappa University of Hong Kong", country="CN"),
        entry("Mu University of Macao", country="China"),
        entry("KUHK", country="HK", lst=LIST_B),
    ]
    apart = _screen(tmp_path, rows)
    assert apart.listed["entry_id"].tolist() == ["E0003"]  # only the HK-coded entry counts
    assert sorted(apart.review["entry_id"]) == ["E0001", "E0002"]
    assert "fold_hk_mo" in apart.review["issue"].iloc[0]
    status = apart.unmatched.set_index("entry_id")["status"]
    assert status["E0001"].startswith("country differs")
    folded = _screen(tmp_path, rows, fold_hk_mo=True)
    assert sorted(folded.listed["entry_id"]) == ["E0001", "E0002", "E0003"]
    assert folded.review.empty
    assert folded.findings["centres_with_listed_partner"] == 2


def test_lists_parameter_selects_registers(tmp_path: Path) -> None:
    rows = [
        entry("Alpha University of Technology", lst=LIST_A),
        entry("Beta Institute of Physics", lst=LIST_B),
    ]
    only_b = _screen(tmp_path, rows, lists=["test list b"])
    assert only_b.listed["org_id"].tolist() == ["cn-beta"]
    assert only_b.by_list["list_name"].tolist() == [LIST_B]
    entries = _entries(tmp_path, rows)
    assert len(select_lists(entries, "all")) == 2
    with pytest.raises(ValueError, match="no list named"):
        select_lists(entries, ["Test List C"])


def test_by_list_counts_entries_partners_and_centres(tmp_path: Path) -> None:
    s = _screen(
        tmp_path,
        [
            entry("Omega College London", country="GB", category="c1"),
            entry("Alpha University of Technology", category="c1"),
            entry("Zeta Academy", category="c2"),
        ],
    )
    table = s.by_list.set_index("category")
    assert table.loc["c1", ["entries", "partners", "centres"]].tolist() == [2, 2, 4]
    assert table.loc["c2", ["entries", "partners", "centres"]].tolist() == [1, 0, 0]


def test_registered_organisation_without_a_centre_is_listed_as_unmatched(tmp_path: Path) -> None:
    centres, partners, orgs = centres_tables()
    partners = partners[partners["org_id"] != "cn-beta"]
    entries = _entries(tmp_path, [entry("BIP")])
    s = screen(entries, centres, partners, orgs, sectors())
    assert s.unmatched["status"].tolist() == ["in the registry, but not a partner of any centre"]


def test_synthetic_edition_marks_every_row(tmp_path: Path) -> None:
    s = _screen(tmp_path, [entry("Omega College London", country="GB")], synthetic=True)
    assert len(s.listed) == 4 and s.listed["centre_invented"].all()
    assert (
        not _screen(tmp_path, [entry("Omega College London", country="GB")])
        .listed["centre_invented"]
        .any()
    )


def test_centres_invented_from_the_accounting(tmp_path: Path) -> None:
    assert centres_invented({"source_file": "centres_SYNTHETIC.xlsx"})
    assert not centres_invented({"source_file": "centres.xlsx"})
    assert centres_invented({"source_file": "centres.xlsx"}, "true")
    assert not centres_invented({"source_file": "centres_SYNTHETIC.xlsx"}, False)
    with pytest.raises(FileNotFoundError):
        centres_invented(tmp_path / "missing.json")
    with pytest.raises(ValueError, match="synthetic"):
        centres_invented({}, "maybe")


def test_findings_cover_every_sector_and_files_are_stable(tmp_path: Path) -> None:
    s = _screen(tmp_path, [entry("Alpha University of Technology")])
    assert s.findings["centres_with_listed_partner_by_sector"] == {
        "advanced_materials": 1,
        "engineering": 0,
        "no_sector": 0,
        "synthetic_biology": 0,
    }
    one = [p.read_bytes() for p in write_screen(s, tmp_path / "one")]
    two = [p.read_bytes() for p in write_screen(s, tmp_path / "two")]
    assert one == two
