"""A cell far beyond the csv module's default 128 KiB limit is read, and cleaning stays fast."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from pipeline.centres import clean_centres
from pipeline.centres.read import match_header, read_table

HEADER = ["Centre name", "UK partner(s)", "Chinese partner(s)", "Year established", "Research area"]


def _write(path: Path, area: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerow(["Centre A", "University of Leeds", "Zhejiang University", 2010, "Physics"])
        w.writerow(["Centre B", "University of Leeds", "Zhejiang University", 2011, area])
        w.writerow(["Centre C", "University of Leeds", "Zhejiang University", 2012, "Ecology"])
    return path


def test_two_megabyte_cell_is_read_and_cleaned_quickly(tmp_path: Path) -> None:
    area = "Marine science " + "z" * 2_000_000
    path = _write(tmp_path / "long.csv", area)
    table = read_table(path)
    assert [len(r[1]["research_area"]) for r in table.rows] == [7, len(area), 7]
    start = time.perf_counter()
    result = clean_centres(path)
    assert time.perf_counter() - start < 15
    assert len(result.centres) == 3 and result.rejects.empty
    topics = dict(zip(result.centres["source_row"], result.centres["topic"], strict=True))
    assert topics[3] == "marine_science"


def test_a_huge_cell_is_never_a_header() -> None:
    assert match_header("Research area") == "research_area"
    assert match_header("Research area" + " " * 1000) is None
