"""The screen's chart and display tables."""

from __future__ import annotations

import json
from pathlib import Path

from registers_helpers import centres_tables, entry, resolver, sectors, write_csv

from pipeline import theme
from pipeline.registers import clean_registers, screen
from pipeline.registers.charts import (
    INVENTED_MARK,
    STATUS_LISTED,
    STATUS_NOT_LISTED,
    listed_table,
    review_table,
    sector_split_chart,
    sector_split_frame,
    sector_table,
)


def _screen(tmp_path: Path, synthetic: bool = False):
    rows = [entry("Omega College London", country="GB"), entry("Alpha Universty of Technology")]
    r = clean_registers([write_csv(tmp_path / "reg.csv", rows)], resolver=resolver())
    centres, partners, orgs = centres_tables()
    return r, screen(r.entries, centres, partners, orgs, sectors(), synthetic=synthetic)


def test_split_frame_adds_up_to_the_centres(tmp_path: Path) -> None:
    _, s = _screen(tmp_path)
    frame = sector_split_frame(s.by_sector)
    assert frame["centres"].sum() == 5
    assert set(frame["status"]) == {STATUS_LISTED, STATUS_NOT_LISTED}
    listed = frame[frame["status"] == STATUS_LISTED].set_index("label")["centres"]
    assert listed["Advanced materials (NSI Act)"] == 2
    assert listed["General engineering"] == 1
    assert frame["label"].iloc[0].endswith("(NSI Act)")


def test_chart_uses_theme_colours_and_is_deterministic(tmp_path: Path) -> None:
    _, s = _screen(tmp_path)
    spec = sector_split_chart(sector_split_frame(s.by_sector)).to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["range"] == [theme.ORANGE, theme.BLUE]
    assert scale["domain"] == [STATUS_LISTED, STATUS_NOT_LISTED]
    again = sector_split_chart(sector_split_frame(s.by_sector)).to_dict()
    assert json.dumps(spec, sort_keys=True) == json.dumps(again, sort_keys=True)


def test_every_row_says_the_centre_is_invented_in_a_synthetic_edition(tmp_path: Path) -> None:
    _, s = _screen(tmp_path, synthetic=True)
    table = listed_table(s.listed)
    assert len(table) == 4
    assert table["Centre"].str.startswith(INVENTED_MARK).all()
    # the invented names join real partners' names: none may appear beside a listing
    assert not set(s.listed["centre"]) & set(table["Centre"])
    assert table["Centre"].tolist() == [f"{INVENTED_MARK} {c}" for c in s.listed["centre_id"]]
    assert table["NSI sector"].iloc[0] == "Advanced materials (NSI Act)"
    _, real = _screen(tmp_path)
    assert not listed_table(real.listed)["Centre"].str.contains(INVENTED_MARK, regex=False).any()


def test_review_and_sector_tables(tmp_path: Path) -> None:
    r, s = _screen(tmp_path)
    review = review_table(r.review, s.review)
    assert review["Closest registry organisation"].tolist() == ["Alpha University of Technology"]
    assert review["Where"].tolist() == ["reg.csv, row 3"]
    table = sector_table(s.by_sector)
    assert table["Centres"].sum() == 5
    assert table["In the NSI Act"].tolist()[:2] == ["yes", "yes"]
