"""Assembly helpers for the centres chapter: the phrases its text is built from and the
findings record it writes.

Every helper takes computed values; nothing here reads a file or types a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from pipeline import published, report
from pipeline.centres.charts import bins_filled, named_present

#: Province-level units drawn on the map but outside its counts (Taiwan).
NOT_COUNTED = ("CN-TW",)


def share_text(part: int, whole: int) -> str:
    """A share of centres as a percentage string, ``"17.9%"`` (0% when ``whole`` is 0)."""
    return report.fmt_pct(100.0 * part / whole if whole else 0.0)


def name_list(items: Iterable[str]) -> str:
    """Escaped, readable list: ``a``, ``a and b``, ``a, b and c`` (empty for no items)."""
    names = [report.md_escape(i) for i in items]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def stage_findings(
    findings: Mapping[str, Any], figures: Mapping[str, Any], provinces: pd.DataFrame
) -> dict[str, Any]:
    """The chapter's findings record: the computed findings plus what the reproduction check
    sets beside the published figures.

    Year keys become strings (JSON object keys); ``funders_present`` keeps every registry
    funder found, ``funders_named_present`` only those the publication names; and
    ``centres_map_bins_filled`` lists the map classes that hold a province.
    """
    named = [str(x) for x in figures.get("funders_named", {}).get("value", [])]
    out = dict(findings)
    for key in ("centres_new_by_year", "centres_cumulative_by_year"):
        out[key] = {str(k): int(v) for k, v in findings[key].items()}
    out["funders_present"] = findings["funders_named_present"]
    out["funders_named_present"] = named_present(findings["funders_named_present"], named)
    codes = provinces.loc[~provinces["code"].isin(NOT_COUNTED), "code"].tolist()
    bins = published.province_bins(figures)
    out["centres_map_bins_filled"] = bins_filled(findings["centres_by_province"], bins, codes)
    return dict(sorted(out.items()))
