"""Small bibliometric inputs shared by the biblio tests."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


def work_json(wid: str, doi: str | None, year: int, codes: list[str], field: str = "Chemistry"):
    names = {"GB": "University of Leeds", "CN": "Fudan University", "US": "Stanford University"}
    return {
        "id": f"https://openalex.org/{wid}",
        "doi": f"https://doi.org/{doi}" if doi else None,
        "publication_year": year,
        "authorships": [
            {
                "countries": [c],
                "institutions": [{"country_code": c, "display_name": names[c]}],
            }
            for c in codes
        ],
        "primary_topic": {"field": {"display_name": field}},
    }


def write_jsonl(path: Path, lines: list[str], gz: bool = False) -> None:
    text = "\n".join(lines) + "\n"
    if gz:
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(text)
    else:
        path.write_text(text, encoding="utf-8")


def write_group_by(
    path: Path, flt: str | None, counts: dict[int, int], group: str = "publication_year"
):
    doc = {
        "group_by": [
            {"key": str(y), "key_display_name": str(y), "count": n} for y, n in counts.items()
        ],
        "meta": {"group_by": group, **({"filter": flt} if flt else {})},
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


def make_raw_folder(tmp_path: Path) -> Path:
    """Two OpenAlex files (one gz) overlapping by DOI and by id, one bad line, side files."""
    root = tmp_path / "bibliometrics"
    root.mkdir()
    a = [
        json.dumps(work_json("W1", "10.1/a", 2015, ["GB", "CN"])),
        json.dumps(work_json("W2", "10.1/b", 2016, ["GB", "CN"], "Physics")),
        json.dumps(work_json("W3", None, 2016, ["GB", "US"])),
        json.dumps(work_json("W4", None, 2017, [])),
    ]
    b = [
        json.dumps(work_json("W1", "10.1/a", 2015, ["GB", "CN"])),  # same id and DOI as in a
        json.dumps(work_json("W9", "10.1/B", 2016, ["GB", "CN"])),  # same DOI as W2 (case)
        "{not json",
        json.dumps(work_json("W5", "10.1/c", 2018, ["GB", "CN"])),
    ]
    write_jsonl(root / "a_works.jsonl", a)
    write_jsonl(root / "b_works.jsonl.gz", b, gz=True)
    write_group_by(root / "gb_by_year.json", "authorships.countries:GB", {2015: 100, 2016: 120})
    write_group_by(
        root / "gbcn_by_year.json",
        "authorships.countries:GB,authorships.countries:CN",
        {2015: 10, 2016: 30},
    )
    meta = {"sampling_rate": 0.5, "sampling": "uniform"}
    (root / "sample.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
    return root
