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
    """A published table against a computed one, key by key (keys compared loosely).

    Every published key must be computed and match; keys the publication does not give
    (other topics, other years) are not compared.
    """
    if not isinstance(computed, dict):
        return False, f"computed value is not a table ({_type_name(computed)})"
    misses = []
    comp = {_norm_key(k): v for k, v in computed.items()}
    for key, value in published.items():
        norm = _norm_key(key)
        if norm not in comp:
            misses.append(f"{key}: missing")
            continue
        ok, _ = _compare(value, comp[norm], tolerance)
        if not ok:
            misses.append(f"{key}: {comp[norm]} (published {value})")
    return (not misses), "; ".join(misses)


def _compare_list(published: list, computed: Any, tolerance: float) -> tuple[bool, str]:
    """A published list against a computed one, element by element and in order.

    A computed *ranking* (a list of records with a ``name``) must open with the published
    list, in the published order: a brief names the top three of a longer ranking. A list
    of plain values (years, bins, names) must equal the published list, same length and
    same order.
    """
    if not isinstance(computed, list):
        return False, f"computed value is not a list ({_type_name(computed)})"
    ranking = bool(computed) and all(isinstance(c, dict) for c in computed)
    if ranking:
        if any("name" not in c for c in computed):
            return False, "computed ranking has an entry without a name"
        computed = [c["name"] for c in computed]
    head = computed[: len(published)] if ranking else computed
    if len(head) != len(published):
        return False, f"{len(computed)} computed, {len(published)} published"
    for i, (pub, got) in enumerate(zip(published, head, strict=True)):
        ok, _ = _compare(pub, got, tolerance)
        if not ok:
            return False, f"position {i + 1}: {got} (published {pub})"
    return True, ""


def _type_name(value: Any) -> str:
    return "missing" if value is None else type(value).__name__


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _compare_value(published: Any, computed: Any, tolerance: float) -> tuple[bool, str]:
    """A published number against a computed one within ``tolerance``; text exactly
    (case and punctuation aside). A value of another type never matches."""
    if computed is None:
        return False, "not computed"
    if _is_number(published):
        if not _is_number(computed):
            return False, f"computed value is not a number ({_type_name(computed)})"
        diff = abs(float(computed) - float(published))
        if math.isnan(diff):
            return False, "not a number"
        if diff <= float(tolerance) + 1e-9:
            return True, ""
        return False, f"differs by {diff:g} (tolerance {tolerance:g})"
    if isinstance(published, str):
        if not isinstance(computed, str):
            return False, f"computed value is not text ({_type_name(computed)})"
        return (_norm_key(computed) == _norm_key(published)), "values differ"
    return False, f"published value of unsupported type {_type_name(published)}"


def _compare(published: Any, computed: Any, tolerance: float) -> tuple[bool, str]:
    """Return (match, reason-if-not)."""
    if isinstance(published, dict):
        return _compare_table(published, computed, tolerance)
    if isinstance(published, list):
        return _compare_list(published, computed, tolerance)
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


def what_agreement_shows(summary: dict[str, Any], *, synthetic: bool) -> str:
    """What the check proves on this edition, as a Markdown sentence or two.

    A synthetic edition is generated from the published figures, so agreement there is by
    construction: the check then shows that the pipeline carries those figures through every
    stage end to end, not that the study was reproduced. On real inputs the check is the
    reproduction of the study, and a difference is a finding about the inputs.
    """
    if synthetic:
        return (
            "These inputs are a synthetic edition calibrated to the published figures, so "
            "agreement here is by construction: it shows that the pipeline carries the figures "
            "from the raw files through every stage to the book end to end, not that the study "
            "has been reproduced."
        )
    if summary["all_match"]:
        return (
            "These are user-supplied inputs, so this is the reproduction of the study: "
            "every published figure is recovered from them."
        )
    return (
        "These are user-supplied inputs, so this is the reproduction of the study: each "
        "figure marked as differing is a finding about these inputs (or about the study), "
        "not a fault of the check."
    )
