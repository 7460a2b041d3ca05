"""The synthetic centres workbook: byte-stable, laid out as specified, and messy in every
documented way. The workbook is read back with openpyxl and each kind of mess detected."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.synthetic.centres import (
    FIRST_DATA_ROW,
    HEADER,
    NOISE_MODEL,
    SHEET_NAME,
    generate,
    make_truth,
    plan_workbook,
)

REPO = Path(__file__).resolve().parents[2]
REF = REPO / "data" / "reference"
SEED = 20220301
COL = {h: i for i, h in enumerate(HEADER)}
SEPARATORS = ("; ", " / ", " and ", ", ", " & ", "、", "\n")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cjk(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("centres"), seed=SEED)[0]


@pytest.fixture(scope="module")
def sheet(book):
    wb = openpyxl.load_workbook(book)
    return wb[SHEET_NAME]


@pytest.fixture(scope="module")
def rows(sheet) -> list[tuple]:
    """Worksheet rows from the first data row, padded to the header width."""
    out = []
    for r in sheet.iter_rows(min_row=FIRST_DATA_ROW, max_col=len(HEADER), values_only=True):
        out.append(tuple(r))
    return out


@pytest.fixture(scope="module")
def data_rows(rows) -> list[tuple]:
    """Rows with a centre name and a year or a partner (centres, duplicates, invalid rows)."""
    return [
        r
        for r in rows
        if r[COL["Centre name"]]
        and any(
            r[COL[h]] is not None
            for h in ("UK partner(s)", "Chinese partner(s)", "Year established", "Research area")
        )
    ]


@pytest.fixture(scope="module")
def truth():
    return make_truth(SEED)


@pytest.fixture(scope="module")
def orgs() -> pd.DataFrame:
    return pd.read_csv(REF / "organisations.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def partner_tokens(data_rows) -> list[str]:
    """Every partner name written in the three partner columns, split on the separators."""
    out = []
    for r in data_rows:
        for h in ("UK partner(s)", "Chinese partner(s)", "Other partner(s)"):
            cell = r[COL[h]]
            if cell:
                out += [t for t in re.split(r"; | / | and |, | & |、|\n", cell) if t.strip()]
    return out


# --- bytes and layout -------------------------------------------------------------------


def test_same_seed_same_bytes(book, tmp_path) -> None:
    again = generate(tmp_path, seed=SEED)[0]
    assert _sha(again) == _sha(book)


def test_different_seed_different_bytes(book, tmp_path) -> None:
    other = generate(tmp_path, seed=SEED + 1)[0]
    assert _sha(other) != _sha(book)


def test_fixed_metadata(book) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.properties.created == wb.properties.modified == dt.datetime(2022, 3, 1)
    assert "synthetic" in wb.properties.creator


def test_layout(sheet, book) -> None:
    assert "SYNTHETIC" in sheet["A1"].value
    assert sheet["A2"].value and sheet["A3"].value is None
    header = [c.value for c in sheet[4]][: len(HEADER)]
    assert header == list(HEADER)
    assert all(c.font.bold for c in sheet[4][: len(HEADER)])
    assert sheet.freeze_panes == "C5"
    assert sheet.column_dimensions["B"].width > 20
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [SHEET_NAME, "Notes"]
    assert "SYNTHETIC" in " ".join(str(c.value) for c in wb["Notes"]["A"])


def test_no_formulas(sheet) -> None:
    for row in sheet.iter_rows(min_row=1):
        for c in row:
            assert c.data_type != "f"


# --- partner spellings ------------------------------------------------------------------


def test_alias_variants(partner_tokens, orgs) -> None:
    aliases = {a.strip() for cell in orgs["aliases"] for a in cell.split("|") if a.strip()}
    names = set(orgs["name"])
    assert any(t in aliases and t not in names for t in partner_tokens)


def test_the_prefix(partner_tokens, orgs) -> None:
    names = set(orgs["name"])
    assert any(t.startswith("The ") and t[4:] in names for t in partner_tokens)


def test_univ_abbreviation(partner_tokens) -> None:
    assert any("Univ." in t for t in partner_tokens)


def test_case_noise(partner_tokens, orgs) -> None:
    names = set(orgs["name"])
    lowered = {n.lower(): n for n in names}
    assert any(t not in names and t.lower() in lowered for t in partner_tokens)


def test_space_noise(partner_tokens) -> None:
    assert any("  " in t or t != t.strip() for t in partner_tokens)


def test_chinese_partner_names(partner_tokens, orgs) -> None:
    zh = set(orgs["name_zh"]) - {""}
    assert any(t in zh for t in partner_tokens)


def test_each_separator(data_rows) -> None:
    cells = [
        r[COL[h]] for r in data_rows for h in ("UK partner(s)", "Chinese partner(s)") if r[COL[h]]
    ]
    for sep in SEPARATORS:
        assert any(sep in c for c in cells), repr(sep)


def test_other_partner_column_used(data_rows) -> None:
    assert any(r[COL["Other partner(s)"]] for r in data_rows)


# --- years, places, research areas --------------------------------------------------------


def test_year_formats(data_rows) -> None:
    years = [r[COL["Year established"]] for r in data_rows]
    text = [y for y in years if isinstance(y, str)]
    assert any(isinstance(y, int) for y in years)
    assert any(re.fullmatch(r"\d{4}", y) for y in text)
    assert any(re.fullmatch(r"\d{4}/\d{2}", y) for y in text)
    assert any(re.fullmatch(r"\d{4}-\d{4}", y) for y in text)
    assert any(re.fullmatch(r"c\. \d{4}", y) for y in text)
    assert any(re.fullmatch(r"ca \d{4}", y) for y in text)
    assert any(re.fullmatch(r"around \d{4}", y) for y in text)
    assert any(re.fullmatch(r"\d{4}\?", y) for y in text)
    assert any(re.fullmatch(r"\d{4} \(renewed \d{4}\)", y) for y in text)


def test_date_typed_year_cell(sheet) -> None:
    col = COL["Year established"] + 1
    cells = [sheet.cell(row=r, column=col) for r in range(FIRST_DATA_ROW, sheet.max_row + 1)]
    dates = [c for c in cells if c.is_date]
    assert dates and all(isinstance(c.value, dt.datetime) for c in dates)


def test_province_formats(data_rows) -> None:
    provinces = pd.read_csv(REF / "provinces.csv", dtype=str, keep_default_na=False)
    cells = [r[COL["Province"]] for r in data_rows if r[COL["Province"]]]
    assert any(c in set(provinces["name_en"]) for c in cells)
    assert any(_cjk(c) for c in cells)
    assert any(c in set(provinces["code"]) for c in cells)
    assert any(re.search(r"(Province|Sheng|Shi|Municipality)$", c) for c in cells)


def test_blank_province_with_city_in_china(data_rows, truth) -> None:
    located = dict(zip(truth.centres["name"], truth.centres["location"], strict=True))
    blank = [
        r
        for r in data_rows
        if located.get(r[COL["Centre name"]]) in ("CN", "both")
        and r[COL["Province"]] is None
        and r[COL["City"]]
    ]
    assert blank


def test_provinces_resolve_to_truth(data_rows, truth) -> None:
    from pipeline.registries import ProvinceResolver

    resolver = ProvinceResolver()
    want = dict(zip(truth.centres["name"], truth.centres["province_code"], strict=True))
    for r in data_rows:
        name = r[COL["Centre name"]]
        if want.get(name):
            code, _ = resolver.resolve(r[COL["Province"]], city=r[COL["City"]])
            assert code == want[name], (r[COL["Province"]], r[COL["City"]])


def test_chinese_city_and_location_variants(data_rows) -> None:
    assert any(r[COL["City"]] and _cjk(r[COL["City"]]) for r in data_rows)
    locs = {r[COL["Physical location"]] for r in data_rows}
    assert {"China", "UK", "Both", "Virtual"} <= locs
    assert locs - {"China", "UK", "Both", "Virtual"}


def test_multi_topic_research_areas(data_rows) -> None:
    rules = pd.read_csv(REF / "research_area_rules.csv", dtype=str, keep_default_na=False)
    topic_rules = [
        (re.compile(r.pattern, re.IGNORECASE), r.target)
        for r in rules.itertuples()
        if r.kind == "topic"
    ]
    multi = [
        r
        for r in data_rows
        if r[COL["Research area"]]
        and len({t for p, t in topic_rules if p.search(r[COL["Research area"]])}) >= 2
    ]
    assert multi


def test_funder_aliases_and_status_variants(data_rows) -> None:
    funders = pd.read_csv(REF / "funders.csv", dtype=str, keep_default_na=False)
    aliases = {a.strip() for cell in funders["aliases"] for a in cell.split("|") if a.strip()}
    cells = " | ".join(r[COL["Funder(s)"]] or "" for r in data_rows)
    assert any(a in cells for a in aliases if len(a) > 3)
    status = {r[COL["Status"]] for r in data_rows}
    assert {"Active", "active", None} <= status


# --- rows that are not (clean) centres ----------------------------------------------------


def test_duplicate_rows(data_rows) -> None:
    counts = pd.Series([tuple(map(str, r)) for r in data_rows]).value_counts()
    assert int((counts - 1).sum()) == NOISE_MODEL.duplicate_rows  # extra exact copies


def test_blank_spacer_rows(rows) -> None:
    last_data = max(i for i, r in enumerate(rows) if r[COL["Centre name"]])
    spacers = [i for i, r in enumerate(rows[:last_data]) if all(v is None for v in r)]
    assert len(spacers) >= NOISE_MODEL.spacer_rows


def test_trailing_notes(rows) -> None:
    tail = rows[-len(NOISE_MODEL.trailing_notes) :]
    assert all(r[0] and all(v is None for v in r[1:]) for r in tail)
    assert tail[0][0].startswith("Source:") and tail[-1][0].startswith("Last checked")


def test_invalid_row_without_year_or_partner(data_rows) -> None:
    bad = [
        r
        for r in data_rows
        if r[COL["Year established"]] is None
        and not any(r[COL[h]] for h in ("UK partner(s)", "Chinese partner(s)", "Other partner(s)"))
    ]
    assert len(bad) == NOISE_MODEL.invalid_no_year_no_partner


def test_invalid_row_with_only_unknown_partners(data_rows, truth) -> None:
    from pipeline.registries import OrganisationResolver

    resolver = OrganisationResolver()
    names = set(truth.centres["name"])
    strays = [
        r
        for r in data_rows
        if r[COL["Centre name"]] not in names
        and (r[COL["UK partner(s)"]] or r[COL["Chinese partner(s)"]])
    ]
    assert len(strays) == NOISE_MODEL.invalid_unknown_partners
    for r in strays:
        for h in ("UK partner(s)", "Chinese partner(s)"):
            assert not resolver.resolve(r[COL[h]]).resolved


def test_accounting_matches_the_sheet(rows, data_rows, truth) -> None:
    acc = plan_workbook(truth, SEED).accounting
    assert acc["raw_rows"] == len(rows)
    assert acc["raw_rows"] == (
        acc["centres"] + acc["duplicates"] + acc["rejected"] + acc["non_data_rows"]
    )
    assert len(data_rows) == acc["centres"] + acc["duplicates"] + acc["rejected"]


def test_cleaner_recovers_the_truth(book, truth) -> None:
    """Integration: the cleaner gives back the truth tables exactly."""
    from pipeline.centres.clean import clean_centres

    res = clean_centres(book)
    acc = plan_workbook(truth, SEED).accounting
    for k in ("raw_rows", "non_data_rows", "centres", "duplicates", "rejected"):
        assert res.accounting[k] == acc[k], k
    got = res.centres.set_index("name").sort_index()
    want = truth.centres.set_index("name").sort_index()
    for col in ("year_established", "year_approximate", "location", "topic", "nsi_sector"):
        a = got[col].where(got[col].notna(), None).replace("", None)
        b = want[col].where(want[col].notna(), None)
        assert list(a) == list(b), col
    cp = res.centre_partners.merge(res.centres[["centre_id", "name"]], on="centre_id")
    assert set(zip(cp["name"], cp["org_id"], strict=True)) == set(
        zip(truth.partners["truth_key"], truth.partners["org_id"], strict=True)
    )


# --- scale ---------------------------------------------------------------------------------


def test_scale_100_is_fast(tmp_path) -> None:
    start = time.perf_counter()
    path = generate(tmp_path, seed=SEED, scale=100)[0]
    elapsed = time.perf_counter() - start
    assert path.name == "centres_SYNTHETIC_x100.xlsx"
    assert elapsed < 60
    wb = openpyxl.load_workbook(path, read_only=True)
    n = wb[SHEET_NAME].max_row - FIRST_DATA_ROW + 1
    truth = make_truth(SEED, scale=100)
    assert n == plan_workbook(truth, SEED).accounting["raw_rows"]
    assert len(truth.centres) == 100 * len(make_truth(SEED).centres)


def test_bundled_workbook_is_current(book) -> None:
    """The committed synthetic workbook equals a fresh generation (regenerate if not)."""
    bundled = REPO / "data" / "raw" / "centres" / "centres_SYNTHETIC.xlsx"
    assert bundled.exists(), f"{bundled} is committed; regenerate it if it went missing"
    assert _sha(bundled) == _sha(book), (
        "data/raw/centres/centres_SYNTHETIC.xlsx is stale: run "
        "`python -m pipeline reference generate --only centres`"
    )
