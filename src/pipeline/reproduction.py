"""The reproduction check: published figures beside the values computed from data/raw.

Reads ``data/reference/published_figures.yaml`` (the one place published
figures are typed) and ``metrics/findings.json``; every figure with a
``computed`` key is compared within its tolerance. The result is a table for
the appendix and ``metrics/reproduction.json`` for ``dvc metrics diff``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import catalog, published
from pipeline.findings import lookup
from pipeline.io import repo_root
from pipeline.quality import CHECK_MARK, CROSS_MARK

PUBLISHED = catalog.path("reference.published_figures")


def load_published(root: Path | None = None) -> dict[str, Any]:
    """The published-figures document of the project at ``root``."""
    return published.load_document((root or repo_root()) / PUBLISHED)


def _norm_key(s: Any) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in str(s).lower()).strip("_")


def _compare_table(published: dict, computed: Any, tolerance: float) -> tuple[bool, str]:
    """A published table against a computed one, key by key (keys compared loosely)."""
    if not isinstance(computed, dict):
        return False, "computed value is not a table"
    misses = []
    comp = {_norm_key(k): v for k, v in computed.items()}
    for key, value in published.items():
        got = comp.get(_norm_key(key))
        ok, _ = _compare(value, got, tolerance)
        if not ok:
            misses.append(f"{key}: {got} (published {value})")
    return (not misses), "; ".join(misses)


def _compare_list(published: list, computed: Any) -> tuple[bool, str]:
    """A published list against a computed ranking: it must open the ranking, or hold the
    same names."""
    if isinstance(computed, list) and computed and isinstance(computed[0], dict):
        computed = [c.get("name", c) for c in computed]
    if not isinstance(computed, list):
        return False, "computed value is not a list"
    pub_norm = [_norm_key(p) for p in published]
    comp_norm = [_norm_key(c) for c in computed]
    # an ordered published list must open the computed ranking
    if comp_norm[: len(pub_norm)] == pub_norm or sorted(pub_norm) == sorted(comp_norm):
        return True, ""
    missing = [p for p in published if _norm_key(p) not in comp_norm]
    if missing and set(pub_norm) <= set(comp_norm):
        return False, "order differs"
    return False, "missing: " + ", ".join(map(str, missing)) if missing else "order differs"


def _compare_value(published: Any, computed: Any, tolerance: float) -> tuple[bool, str]:
    """A published number against a computed one, within ``tolerance``."""
    if computed is None:
        return False, "not computed"
    try:
        diff = abs(float(computed) - float(published))
    except (TypeError, ValueError):
        return (str(computed) == str(published)), "values differ"
    if math.isnan(diff):
        return False, "not a number"
    if diff <= float(tolerance) + 1e-9:
        return True, ""
    return False, f"differs by {diff:g} (tolerance {tolerance:g})"


def _compare(published: Any, computed: Any, tolerance: float) -> tuple[bool, str]:
    """Return (match, reason-if-not)."""
    if isinstance(published, dict):
        return _compare_table(published, computed, tolerance)
    if isinstance(published, list):
        return _compare_list(published, computed)
    return _compare_value(published, computed, tolerance)


def check(findings: dict[str, Any], published: dict[str, Any]) -> pd.DataFrame:
    """One row per published figure that has a computed counterpart."""
    rows = []
    sources = published.get("sources", {})
    for fid, fig in published["figures"].items():
        key = fig.get("computed")
        if not key:
            continue
        try:
            value = lookup(findings, key)
        except KeyError:
            value = None
        match, reason = _compare(fig["value"], value, float(fig.get("tolerance", 0)))
        if isinstance(value, dict) and isinstance(fig["value"], dict):
            comp = {_norm_key(k): v for k, v in value.items()}
            value = {k: comp.get(_norm_key(k)) for k in fig["value"]}
        rows.append(
            {
                "figure": fid,
                "published": fig["value"],
                "computed": value,
                "unit": fig.get("unit", ""),
                "tolerance": fig.get("tolerance", 0),
                "match": bool(match),
                "reason": reason,
                "source": sources.get(fig.get("source"), {}).get("citation", fig.get("source", "")),
                "where": fig.get("where", ""),
                "findings_key": key,
            }
        )
    return pd.DataFrame(rows)


def as_metrics(table: pd.DataFrame) -> dict[str, Any]:
    """A flat, diff-friendly summary for ``metrics/reproduction.json``."""
    return {
        "figures_checked": len(table),
        "figures_matching": int(table["match"].sum()) if len(table) else 0,
        "all_match": bool(table["match"].all()) if len(table) else False,
        "match": {row.figure: bool(row.match) for row in table.itertuples()},
    }


def display_table(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`check`'s table for the appendix: figure, published, computed, unit, match,
    reason and where the figure appears, values as text."""
    return table.assign(
        match=table["match"].map({True: f"{CHECK_MARK} match", False: f"{CROSS_MARK} differs"}),
        published=table["published"].map(str),
        computed=table["computed"].map(str),
    )[["figure", "published", "computed", "unit", "match", "reason", "where"]]
