"""Display tables and wording for the triangulation chapter (``phase3_triangulation``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from pipeline.report import md_escape
from pipeline.triangulation.findings import TriangulationResult, describe_rho, spearman_table

__all__ = [
    "COUNTRY_LABELS",
    "countries_text",
    "organisation_labels",
    "outliers_table",
    "scatter_table",
    "spearman_display",
    "unmatched_display",
    "with_labels",
]

#: Short English names of the countries the chapter mentions.
COUNTRY_LABELS = {
    "GB": "UK",
    "CN": "China",
    "HK": "Hong Kong",
    "MO": "Macao",
    "TW": "Taiwan",
    "SG": "Singapore",
    "US": "United States",
}
#: Columns the organisation tables share.
ORG_COLUMNS = [
    "name",
    "country",
    "centres",
    "copubs_in_sample",
    "copubs_estimated",
    "rank_centres",
    "rank_copubs",
]
#: Display headers of the organisation tables.
HEADERS = {
    "name": "organisation",
    "copubs_in_sample": "papers in sample",
    "copubs_estimated": "estimated papers",
    "rank_centres": "rank (centres)",
    "rank_copubs": "rank (papers)",
    "rank_gap": "rank gap",
}


def countries_text(codes: Iterable[str]) -> str:
    """``"the UK and China"``: the compared countries as escaped prose."""
    return " and ".join(md_escape({"GB": "the UK"}.get(c, COUNTRY_LABELS.get(c, c))) for c in codes)


def organisation_labels(
    organisations: pd.DataFrame, *, synthetic: bool, keep: Iterable[str] = ()
) -> dict[str, str]:
    """``org_id -> name`` to show for each organisation of ``organisations``, in its order.

    On real inputs every organisation keeps its registry name. In a synthetic edition the
    values beside a name are simulated, so a named real organisation would carry invented
    claims ("many centres but few papers"): each is shown as a pseudonym numbered within its
    country in the order given (``"UK organisation 3"``), except the names in ``keep`` (the
    organisations the brief itself names).
    """
    kept = set(keep)
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for org_id, name, country in organisations[["org_id", "name", "country"]].itertuples(
        index=False
    ):
        if org_id in labels:
            continue
        if not synthetic or name in kept:
            labels[org_id] = str(name)
            continue
        seen[country] = seen.get(country, 0) + 1
        labels[org_id] = (
            f"{COUNTRY_LABELS.get(country, country or 'Other')} organisation {seen[country]}"
        )
    return labels


def with_labels(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """``frame`` with ``name`` replaced by the shown label of its ``org_id``; an organisation
    without a label is an error (it would otherwise be shown under its real name)."""
    missing = sorted(set(frame["org_id"]) - set(labels))
    if missing:
        raise KeyError(f"no display label for organisation(s) {missing[:3]}")
    return frame.assign(name=frame["org_id"].map(labels))


def scatter_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the triangulation chart, with display headers."""
    headers = {k: v for k, v in HEADERS.items() if k != "name"}
    return frame[[*ORG_COLUMNS, "category"]].rename(columns=headers)


def _rho_text(v: Any) -> str:
    return "" if pd.isna(v) else f"{v:.3f}"


def _p_text(v: Any) -> str:
    return "" if pd.isna(v) else ("< 0.001" if v < 0.001 else f"{v:.3f}")


def spearman_display(
    result: TriangulationResult, alternative: TriangulationResult, alternative_label: str
) -> pd.DataFrame:
    """Spearman's rho overall, per country and for the alternative comparison, in words."""
    table = spearman_table(result.spearman, result.spearman_by_country)
    other = spearman_table(alternative.spearman, {}).assign(group=alternative_label)
    table = pd.concat([table, other], ignore_index=True)
    table["reading"] = [describe_rho(r, p) for r, p in zip(table["rho"], table["p_value"])]
    table["rho"] = table["rho"].map(_rho_text)
    table["p_value"] = table["p_value"].map(_p_text)
    table["group"] = table["group"].map(lambda g: COUNTRY_LABELS.get(g, g))
    return table.rename(columns={"group": "organisations", "n": "number", "p_value": "p-value"})


def outliers_table(outliers: pd.DataFrame) -> pd.DataFrame:
    """Organisations whose two ranks disagree, with display headers."""
    return outliers[[*ORG_COLUMNS, "rank_gap"]].rename(columns=HEADERS)


def unmatched_display(unmatched: pd.DataFrame, resolver: Any, n: int = 15) -> pd.DataFrame:
    """The ``n`` most frequent unmatched institution names with the closest registry name."""
    show = unmatched.head(n).rename(
        columns={
            "institution": "institution (as recorded)",
            "works": "papers in sample",
            "candidate": "closest registry name",
            "score": "similarity",
        }
    )
    show["closest registry name"] = show["closest registry name"].map(
        lambda c: resolver.get(c).get("name", c) if isinstance(c, str) and c else ""
    )
    show["similarity"] = show["similarity"].round(1)
    return show
