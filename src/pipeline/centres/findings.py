"""Aggregates of the cleaned centres that the Phase 2 chapter reports.

:func:`compute_findings` takes a :class:`~pipeline.centres.clean.CleanResult`, a folder holding the
three parquet tables, or a ``(centres, organisations, centre_partners)`` tuple of frames, and
returns a plain dict (snake_case keys, every nested dict sorted by key) ready for
``metrics/findings.json``.
"""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd

DISCIPLINE_GROUPS = ("multidisciplinary", "non_stem", "stem")
LOCATIONS = ("CN", "GB", "both", "virtual")


def load_tables(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read centres, organisations and centre_partners parquet files from ``folder``."""
    base = Path(folder)
    return (
        pd.read_parquet(base / "centres.parquet"),
        pd.read_parquet(base / "organisations.parquet"),
        pd.read_parquet(base / "centre_partners.parquet"),
    )


def _as_tables(source: Any) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    if isinstance(source, (str, Path)):
        return load_tables(source)
    if isinstance(source, tuple) and len(source) == 3:
        return source  # type: ignore[return-value]
    if isinstance(source, dict):
        return source["centres"], source["organisations"], source["centre_partners"]
    return source.centres, source.organisations, source.centre_partners


def _known_funders(ref_dir: Path | None) -> set[str]:
    try:
        from pipeline.registries import load_funders

        return set(load_funders(ref_dir)["name"].astype(str))
    except (ImportError, OSError, KeyError):  # no registry: every funder name counts
        return set()


def _funder_list(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    return [str(x) for x in list(v) if str(x)]


def compute_findings(source: Any, *, ref_dir: Path | None = None) -> dict[str, Any]:
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
    years = [int(y) for y in centres["year_established"].dropna()]
    new = Counter(years)
    first = min(years) if years else None
    last = max(years) if years else None
    new_by_year: dict[int, int] = {}
    cumulative: dict[int, int] = {}
    if first is not None and last is not None:
        running = 0
        for y in range(first, last + 1):
            new_by_year[y] = new.get(y, 0)
            running += new_by_year[y]
            cumulative[y] = running
    without = [y for y, n in new_by_year.items() if n == 0]

    dg = Counter(v for v in centres["discipline_group"] if isinstance(v, str) and v)
    dg_counts = {g: int(dg.get(g, 0)) for g in DISCIPLINE_GROUPS}
    dg_shares = {
        g: (round(100.0 * dg_counts[g] / total, 2) if total else 0.0) for g in DISCIPLINE_GROUPS
    }
    topics = Counter(v for v in centres["topic"] if isinstance(v, str) and v)
    sectors = Counter(v for v in centres["nsi_sector"] if isinstance(v, str) and v)
    locs = Counter(v for v in centres["location"] if isinstance(v, str) and v)
    by_location = {k: int(locs.get(k, 0)) for k in sorted(LOCATIONS)}
    in_china = centres[centres["location"].isin(["CN", "both"])]
    provinces = Counter(v for v in in_china["province_code"] if isinstance(v, str) and v)

    funder_names: set[str] = set()
    for v in centres["funders"]:
        funder_names.update(_funder_list(v))
    known = _known_funders(ref_dir)
    named_present = sorted(n for n in funder_names if not known or n in known)

    return {
        "centres_total": int(total),
        "centres_first_year": first,
        "centres_last_year": last,
        "centres_new_by_year": dict(sorted(new_by_year.items())),
        "centres_cumulative_by_year": dict(sorted(cumulative.items())),
        "centres_years_without_new": without,
        "discipline_group_counts": dict(sorted(dg_counts.items())),
        "discipline_group_shares": dict(sorted(dg_shares.items())),
        "topic_counts": {k: int(v) for k, v in sorted(topics.items())},
        "nsi_sector_counts": {k: int(v) for k, v in sorted(sectors.items())},
        "centres_by_location": by_location,
        "centres_by_province": {k: int(v) for k, v in sorted(provinces.items())},
        "funders_count": len(funder_names),
        "funders_named_present": named_present,
    }
