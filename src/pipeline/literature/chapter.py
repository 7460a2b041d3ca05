"""Assembly helpers for the literature chapter: the values its prose is glued from.

The chapter's sentences are Markdown with ``{glue:md}`` values; these functions compute
them from the cleaned library, the coding and the evidence maps of
:mod:`pipeline.literature.findings`, with data-dependent words from
:mod:`pipeline.wording`. Lists of themes are plain text (``{glue:md}`` escapes them).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import wording
from pipeline.literature.schemas import CodingScheme

__all__ = [
    "accounting_prose",
    "emphasis_prose",
    "library_note",
    "source_type_leaders",
    "synthetic_coding_prose",
    "years_prose",
]


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def accounting_prose(accounting: Mapping[str, Any], n_refs: int, n_coded: int) -> dict[str, Any]:
    """Values for the paragraph on how the exports and the coding sheet were read."""
    lib, cod = accounting["library"], accounting["coding"]
    return {
        "lib_records": int(lib["raw_records"]),
        "lib_kept": int(lib["kept"]),
        "lib_duplicates": int(lib["duplicates"]),
        "lib_rejected": int(lib["rejected"]),
        "coding_file": str(cod["source_file"]),
        "coding_rows": int(cod["raw_rows"]),
        "coding_kept": int(cod["kept"]),
        "coding_duplicates": int(cod["duplicates"]),
        "coding_rejected": int(cod["rejected"]),
        "coding_unmatched": int(cod["unmatched"]),
        "refs_coded": int(n_coded),
        "refs_total": int(n_refs),
    }


def library_note(edition_file: Path | str) -> str:
    """What the library of this edition is, from ``literature/EDITION.yaml`` if there is one.

    The shipped edition's note says its records are real, checked publications and only
    part of the coding is synthetic; without a note the library is the user's own export.
    """
    import yaml

    path = Path(edition_file)
    meta = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    if isinstance(meta, dict) and meta.get("synthetic") == "partial":
        label = str(meta.get("label") or "shipped edition")
        return (
            f"This library is the {label[:1].lower() + label[1:]}: each record is a real "
            "publication whose DOI or web address was checked (the registry and its verification "
            f"notes are in {meta.get('registry', 'the reference folder')}); only part of its "
            "coding is synthetic."
        )
    return "This library is the reference-manager export supplied for this edition."


def synthetic_coding_prose(n_synthetic: int, n_coded: int) -> dict[str, Any]:
    """Values for the sentence on codings checked against nothing but the title."""
    return {
        "coding_synthetic": wording.share_word(n_synthetic, n_coded) if n_coded else "none",
        "coding_synthetic_n": int(n_synthetic),
        "coding_synthetic_where": (
            "marked in the list at the end of this chapter"
            if n_synthetic
            else "so every coding was checked against a text"
        ),
    }


def source_type_leaders(by_type: pd.DataFrame) -> str:
    """``"government sources most often deal with risks (12 of 17); ..."``: per type of
    source, the theme(s) coded most often (plain text)."""
    leaders = []
    for column, group in by_type.groupby("column_label", sort=False):
        most = int(group["references"].max())
        if most:
            names = " and ".join(
                str(t).lower() for t in group.loc[group["references"] == most, "theme_label"]
            )
            total = int(group["column_total"].iloc[0])
            leaders.append(f"{str(column).lower()} sources: {names} ({most} of {total})")
    return "; ".join(leaders) or "no theme was coded"


def years_prose(years: pd.Series) -> dict[str, Any]:
    """Values for the sentence on publication years (``years``: of the coded references)."""
    ys = years.astype(int)
    median = int(ys.median())
    return {
        "years_first": str(int(ys.min())),
        "years_last": str(int(ys.max())),
        "years_median": str(median),
        "years_recent": int((ys >= median).sum()),
    }


def emphasis_prose(
    shares: pd.DataFrame,
    emphasis: pd.DataFrame,
    top_themes: list[str],
    scheme: CodingScheme,
    n_coded: int,
) -> dict[str, Any]:
    """Values for the emphasis section: the broad theme(s) raised most, risks against
    benefits, and the detailed themes raised most and by none."""
    by_code = shares.set_index("code")["references"]
    risk, benefit = int(by_code.get("risk", 0)), int(by_code.get("benefit", 0))
    top3 = emphasis[emphasis["references"] > 0].head(3)
    none = emphasis.loc[emphasis["references"] == 0, "label"]
    return {
        "themes_top": _and([scheme.theme.labels[c].lower() for c in top_themes]) or "none",
        "themes_top_n": int(shares["references"].max()) if len(shares) else 0,
        "themes_coded": int(n_coded),
        "themes_risk": risk,
        "themes_benefit": benefit,
        "themes_lean": wording.comparison_word(
            risk, benefit, "towards risks", "towards benefits", "evenly"
        ),
        "detailed_top_n": len(top3),
        "detailed_top": "; ".join(
            f"{str(r.label).lower()} ({int(r.references)} "
            f"{wording.plural(int(r.references), 'reference')})"
            for r in top3.itertuples(index=False)
        )
        or "none",
        "detailed_none": ", ".join(str(lab).lower() for lab in none) or "none",
    }
