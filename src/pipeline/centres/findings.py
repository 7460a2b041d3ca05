"""Aggregates of the cleaned centres that the Phase 2 chapter reports.

:func:`centres_findings` takes a :class:`~pipeline.centres.clean.CentresResult`, a folder holding
the three parquet tables, or a ``(centres, organisations, centre_partners)`` tuple of frames, and
returns a plain dict (snake_case keys, every nested dict sorted by key) ready for
``metrics/findings.json``.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import registries
from pipeline.centres.clean import OUTPUT_FILES

DISCIPLINE_GROUPS = ("multidisciplinary", "non_stem", "stem")
LOCATIONS = ("CN", "GB", "both", "virtual")


def load_tables(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read centres, organisations and centre_partners parquet files from ``folder``."""
    base = Path(folder)
    return (
        pd.read_parquet(base / OUTPUT_FILES["centres"]),
        pd.read_parquet(base / OUTPUT_FILES["organisations"]),
        pd.read_parquet(base / OUTPUT_FILES["centre_partners"]),
    )


def load_report(folder: str | Path) -> dict[str, Any]:
    """The cleaning report the cleaner wrote into ``folder`` (source file, header, settings)."""
    return json.loads((Path(folder) / OUTPUT_FILES["report"]).read_text(encoding="utf-8"))


def _as_tables(source: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if isinstance(source, (str, Path)):
        return load_tables(source)
    if isinstance(source, tuple) and len(source) == 3:
        return source  # type: ignore[return-value]
    if isinstance(source, dict):
        return source["centres"], source["organisations"], source["centre_partners"]
    return source.centres, source.organisations, source.centre_partners


def funder_names(v: Any) -> list[str]:
    """The funder names of one ``funders`` cell (a list; blank or NaN gives none)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    return [str(x) for x in list(v) if str(x)]


def _known_funders(ref_dir: Path | None) -> set[str]:
    try:
        return set(registries.load_funders(ref_dir)["name"].astype(str))
    except (OSError, KeyError):  # no registry: every funder name counts
        return set()


def _counter(values: Iterable[Any]) -> Counter[str]:
    return Counter(v for v in values if isinstance(v, str) and v)


def year_findings(centres: pd.DataFrame) -> dict[str, Any]:
    """First and last founding year; new and cumulative centres for every year between."""
    years = [int(y) for y in centres["year_established"].dropna()]
    new = Counter(years)
    first = min(years) if years else None
    last = max(years) if years else None
    new_by_year: dict[int, int] = {}
    cumulative: dict[int, int] = {}
    running = 0
    for y in range(first, last + 1) if years else ():
        new_by_year[y] = new.get(y, 0)
        running += new_by_year[y]
        cumulative[y] = running
    return {
        "centres_first_year": first,
        "centres_last_year": last,
        "centres_new_by_year": dict(sorted(new_by_year.items())),
        "centres_cumulative_by_year": dict(sorted(cumulative.items())),
        "centres_years_without_new": [y for y, n in new_by_year.items() if n == 0],
    }


def category_findings(centres: pd.DataFrame, total: int) -> dict[str, Any]:
    """Centres by discipline group (counts and shares), topic, NSI sector, location, province."""
    dg = _counter(centres["discipline_group"])
    dg_counts = {g: int(dg.get(g, 0)) for g in DISCIPLINE_GROUPS}
    dg_shares = {
        g: (round(100.0 * dg_counts[g] / total, 2) if total else 0.0) for g in DISCIPLINE_GROUPS
    }
    locs = _counter(centres["location"])
    in_china = centres[centres["location"].isin(["CN", "both"])]
    provinces = _counter(in_china["province_code"])
    return {
        "discipline_group_counts": dict(sorted(dg_counts.items())),
        "discipline_group_shares": dict(sorted(dg_shares.items())),
        "topic_counts": {k: int(v) for k, v in sorted(_counter(centres["topic"]).items())},
        "nsi_sector_counts": {
            k: int(v) for k, v in sorted(_counter(centres["nsi_sector"]).items())
        },
        "centres_by_location": {k: int(locs.get(k, 0)) for k in sorted(LOCATIONS)},
        "centres_by_province": {k: int(v) for k, v in sorted(provinces.items())},
    }


def funder_findings(centres: pd.DataFrame, ref_dir: Path | None) -> dict[str, Any]:
    """How many distinct funders are named, and which registry funders occur."""
    names: set[str] = set()
    for v in centres["funders"]:
        names.update(funder_names(v))
    known = _known_funders(ref_dir)
    return {
        "funders_count": len(names),
        "funders_named_present": sorted(n for n in names if not known or n in known),
    }


def centres_findings(source: Any, *, ref_dir: Path | None = None) -> dict[str, Any]:
    """Findings of the centres chapter.

    Keys: centres_total, centres_first_year, centres_last_year, centres_new_by_year and
    centres_cumulative_by_year (every year from first to last, zeros included),
    centres_years_without_new, discipline_group_counts, discipline_group_shares (percent of all
    centres, 2 dp), topic_counts, nsi_sector_counts, centres_by_location (CN/GB/both/virtual),
    centres_by_province (CN-located and both, by ISO code), funders_count (distinct funder
    names), funders_named_present (registry funder names that occur).
    """
    centres, _orgs, _links = _as_tables(source)
    total = len(centres)
    return {
        "centres_total": int(total),
        **year_findings(centres),
        **category_findings(centres, total),
        **funder_findings(centres, ref_dir),
    }
