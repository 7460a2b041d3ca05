"""What the literature library says, as numbers: evidence maps and emphasis by theme.

Every share here has its denominator beside it. The denominator is the number of
**coded** references (a reference the coding sheet does not cover is in the
bibliography but in no map); a reference counts once per theme however many of its
passages touch it, and may count under several themes.

Public API::

    theme_shares(refs, codes, scheme, field="theme") -> DataFrame
    emphasis_by_theme(refs, codes, scheme) -> DataFrame     # for the joint display
    evidence_map(refs, codes, scheme, by="source_type") -> DataFrame
    compute_findings(refs, codes, scheme, accounting) -> dict
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.literature.schemas import CodingScheme

MAP_COLUMNS = [
    "theme",
    "theme_label",
    "column",
    "column_label",
    "references",
    "column_total",
    "share",
]


def _coded(refs: pd.DataFrame) -> pd.DataFrame:
    return refs[refs["coded"].astype(bool)]


def theme_shares(
    refs: pd.DataFrame, codes: pd.DataFrame, scheme: CodingScheme, field: str = "theme"
) -> pd.DataFrame:
    """Per code of ``field`` (``theme`` or ``evidence_theme``): references coded with it.

    Columns ``code, label, references, coded_references, share`` (share in 0..1, None
    when nothing is coded), every code of the vocabulary listed (zeros included), in
    the order of decreasing share, ties by code.
    """
    vocab = scheme.vocabulary(field)
    coded_keys = set(_coded(refs)["ref_key"])
    sub = codes[(codes["field"] == field) & codes["ref_key"].isin(coded_keys)]
    counts = sub.groupby("code")["ref_key"].nunique()
    n = len(coded_keys)
    rows = [
        {
            "code": code,
            "label": label,
            "references": int(counts.get(code, 0)),
            "coded_references": n,
            "share": (int(counts.get(code, 0)) / n) if n else None,
        }
        for code, label in vocab.labels.items()
    ]
    out = pd.DataFrame(rows, columns=["code", "label", "references", "coded_references", "share"])
    out = out.sort_values(["references", "code"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def emphasis_by_theme(
    refs: pd.DataFrame, codes: pd.DataFrame, scheme: CodingScheme
) -> pd.DataFrame:
    """The literature's emphasis on each detailed theme, ready for the joint display.

    One row per theme of ``evidence_themes.csv`` (``theme, label, references,
    coded_references, share``): the share of coded references that raise the theme,
    with its numerator and denominator, so that it can be set beside the survey's
    agreement and the share of interviews raising the same theme.
    """
    out = theme_shares(refs, codes, scheme, field="evidence_theme")
    return out.rename(columns={"code": "theme"})


def evidence_map(
    refs: pd.DataFrame,
    codes: pd.DataFrame,
    scheme: CodingScheme,
    by: str = "source_type",
) -> pd.DataFrame:
    """Themes × ``by`` (``source_type``, ``country`` or ``year``): counts of references.

    Long table with ``theme, theme_label, column, column_label, references,
    column_total, share``: ``column_total`` is the number of coded references in that
    column, ``share`` the fraction of them coded with the theme. Every theme × column
    pair is present (zeros included); columns run in vocabulary order (years ascending).
    """
    coded = _coded(refs)
    themes = codes[(codes["field"] == "theme") & codes["ref_key"].isin(coded["ref_key"])]
    value_of = dict(zip(coded["ref_key"], coded[by], strict=True))
    if by == "year":
        columns = [(str(y), str(y)) for y in sorted(coded["year"].unique())]
        value_of = {k: str(v) for k, v in value_of.items()}
    else:
        labels = scheme.vocabulary(by).labels
        columns = [(c, labels[c]) for c in labels if c in set(coded[by])]
    totals = pd.Series(list(value_of.values()), dtype=object).value_counts()
    pairs = themes.assign(column=themes["ref_key"].map(value_of))
    counts = pairs.groupby(["code", "column"])["ref_key"].nunique()
    rows = []
    for theme, theme_label in scheme.theme.labels.items():
        for column, column_label in columns:
            n = int(counts.get((theme, column), 0))
            total = int(totals.get(column, 0))
            rows.append([theme, theme_label, column, column_label, n, total,
                         n / total if total else None])  # fmt: skip
    return pd.DataFrame(rows, columns=MAP_COLUMNS)


def _counts(series: pd.Series) -> dict[str, int]:
    return {str(k): int(v) for k, v in series.value_counts().sort_index().items()}


def compute_findings(
    refs: pd.DataFrame,
    codes: pd.DataFrame,
    scheme: CodingScheme,
    accounting: dict[str, Any],
) -> dict[str, Any]:
    """The chapter's computed values (``literature_*`` keys, plain JSON types)."""
    coded = _coded(refs)
    shares = theme_shares(refs, codes, scheme)
    share = {r.code: round(float(r.share), 4) for r in shares.itertuples() if r.share is not None}
    most = int(shares["references"].max()) if len(shares) else 0
    top = sorted(shares.loc[shares["references"] == most, "code"]) if most else []
    lib = accounting["library"]
    return {
        "literature_records_read": int(lib["raw_records"]),
        "literature_references": len(refs),
        "literature_duplicates": int(lib["duplicates"]),
        "literature_rejected": int(lib["rejected"]),
        "literature_coded": len(coded),
        "literature_coding_synthetic": int((coded["coding_basis"] == "synthetic").sum()),
        "literature_coding_basis": _counts(coded["coding_basis"]),
        "literature_source_types": _counts(coded["source_type"]),
        "literature_countries": _counts(coded["country"]),
        "literature_year_first": int(refs["year"].min()) if len(refs) else None,
        "literature_year_last": int(refs["year"].max()) if len(refs) else None,
        "literature_theme_shares": share,
        "literature_top_themes": [str(c) for c in top],
    }
