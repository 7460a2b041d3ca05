"""Triangulation findings: do the organisations that host centres also co-publish most?

Steps:

1. :func:`match_institutions` resolves each institution name found in the per-work table
   to a registry ``org_id`` through :class:`pipeline.registries.OrganisationResolver`
   (exact name, then alias, then fuzzy with a safety margin; never a guess between two).
2. :func:`copubs_per_organisation` counts, per ``org_id``, the sampled UK–China works with
   at least one author there, and scales the count by ``1 / sampling_rate``.
3. :func:`triangulate` joins those counts to the number of centres each organisation hosts,
   computes Spearman's rank correlation (``scipy.stats.spearmanr``) and lists the
   organisations whose two ranks disagree most, in both directions.

Everything is sorted with explicit tie-breaks so that reruns give identical tables.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline.triangulation.read import CENTRES_COLUMNS, sort_by_centres

__all__ = [
    "CATEGORY_FEW_CENTRES",
    "CATEGORY_MANY_CENTRES",
    "TriangulationResult",
    "centres_per_org_from_counts",
    "comparison_set",
    "copubs_per_organisation",
    "describe_rho",
    "largest_without_centres",
    "match_institutions",
    "not_uk_cn_count",
    "spearman",
    "spearman_table",
    "triangulate",
    "triangulation_findings",
    "unmatched_institutions",
]

CATEGORY_MANY_CENTRES = "many centres, few co-publications"
CATEGORY_FEW_CENTRES = "few centres, many co-publications"
COPUBS_COLUMNS = ["org_id", "copubs_in_sample", "copubs_estimated"]
SPEARMAN_COLUMNS = ["group", "n", "rho", "p_value"]


def _resolver(resolver: Any) -> Any:
    if resolver is None:
        from pipeline.registries import OrganisationResolver

        return OrganisationResolver()
    return resolver


def _names(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def _known_not_uk_cn(works: pd.DataFrame) -> pd.Series:
    """True for works flagged ``uk_cn`` False (unknown ones are not)."""
    return works["uk_cn"].map(lambda v: v is not None and not pd.isna(v) and not v)


def _selected(works: pd.DataFrame, uk_cn_only: bool) -> pd.DataFrame:
    if "institutions" not in works.columns:
        raise ValueError("works table has no 'institutions' column")
    if uk_cn_only and "uk_cn" in works.columns:
        # drop works known NOT to be UK-China; keep True and unknown (null) ones
        return works[~_known_not_uk_cn(works).astype(bool)]
    return works


def not_uk_cn_count(works: pd.DataFrame) -> int:
    """Works whose recorded affiliations no longer include both countries (``uk_cn`` False)."""
    return int(_known_not_uk_cn(works).sum())


# --------------------------------------------------------------------------- matching


def match_institutions(names: Iterable[str], resolver: Any = None) -> pd.DataFrame:
    """Resolve distinct institution names: columns ``institution, org_id, method, score,
    candidate`` (``method`` in exact/alias/fuzzy/unresolved), sorted by name."""
    res = _resolver(resolver)
    rows = []
    for name in sorted({n for n in (str(x).strip() for x in names) if n}):
        r = res.resolve(name)
        rows.append(
            {
                "institution": name,
                "org_id": r.org_id,
                "method": r.method,
                "score": float(r.score),
                "candidate": r.candidate,
            }
        )
    return pd.DataFrame(rows, columns=["institution", "org_id", "method", "score", "candidate"])


def copubs_per_organisation(
    works: pd.DataFrame,
    resolver: Any = None,
    sampling_rate: float = 1.0,
    *,
    uk_cn_only: bool = True,
) -> pd.DataFrame:
    """Co-publications per registry organisation: ``org_id, copubs_in_sample,
    copubs_estimated``.

    A work counts once for an organisation however many of its institution names resolve
    to it. ``copubs_estimated`` is ``copubs_in_sample / sampling_rate`` rounded (use the
    sample's ``sampling_rate``; 1.0 for a complete extract). With ``uk_cn_only`` (default)
    works flagged ``uk_cn`` False are left out (unknown ones are kept: they were retrieved
    by a UK–China query). Names that do not resolve are not counted; see
    :func:`unmatched_institutions`. Sorted by count (descending), then ``org_id``.
    """
    if not 0.0 < sampling_rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {sampling_rate}")
    sel = _selected(works, uk_cn_only)
    res = _resolver(resolver)
    memo: dict[str, str | None] = {}
    counts: Counter[str] = Counter()
    for value in sel["institutions"]:
        orgs = set()
        for name in _names(value):
            if name not in memo:
                memo[name] = res.resolve(name).org_id
            if memo[name]:
                orgs.add(memo[name])
        counts.update(orgs)
    rows = [
        {"org_id": org, "copubs_in_sample": k, "copubs_estimated": round(k / sampling_rate)}
        for org, k in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=COPUBS_COLUMNS).astype(
        {"copubs_in_sample": "int64", "copubs_estimated": "int64"}
    )


def unmatched_institutions(
    works: pd.DataFrame, resolver: Any = None, *, uk_cn_only: bool = True
) -> pd.DataFrame:
    """Institution names that did not resolve, for review: ``institution, works, candidate,
    score`` (the resolver's best suggestion), sorted by works (descending), then name."""
    sel = _selected(works, uk_cn_only)
    counts: Counter[str] = Counter()
    for value in sel["institutions"]:
        counts.update(set(_names(value)))
    matched = match_institutions(counts, resolver)
    out = matched[matched["org_id"].isna()].copy()
    out["works"] = out["institution"].map(counts).astype("int64")
    out = out.sort_values(["works", "institution"], ascending=[False, True], kind="stable")
    return out[["institution", "works", "candidate", "score"]].reset_index(drop=True)


# --------------------------------------------------------------------------- organisations


def centres_per_org_from_counts(counts: Mapping[str, int], resolver: Any = None) -> pd.DataFrame:
    """Build ``org_id, name, country, centres`` from ``{org_id: centres}`` using the
    registry for names and countries (unknown org_ids raise ``KeyError``)."""
    res = _resolver(resolver)
    rows = []
    for org_id in sorted(counts):
        info = res.get(org_id)
        rows.append(
            {
                "org_id": org_id,
                "name": info.get("name", ""),
                "country": info.get("country", ""),
                "centres": int(counts[org_id]),
            }
        )
    return pd.DataFrame(rows, columns=["org_id", "name", "country", "centres"])


def comparison_set(
    hosts: pd.DataFrame,
    copubs: pd.DataFrame,
    *,
    include_non_hosts: bool = True,
    countries: Iterable[str] = ("GB", "CN"),
    resolver: Any = None,
) -> pd.DataFrame:
    """The organisations to compare: ``org_id, name, country, type, centres``.

    Every centre host is in. With ``include_non_hosts``, registry organisations of
    ``countries`` that appear in ``copubs`` but host no centre are added with
    ``centres = 0``, so that large co-publishers without centres are not left out.
    """
    base = hosts.reindex(columns=CENTRES_COLUMNS).copy()
    if include_non_hosts:
        res = _resolver(resolver)
        wanted = {c.upper() for c in countries}
        extra = []
        for org_id in sorted(set(copubs["org_id"]) - set(base["org_id"])):
            info = res.get(org_id)
            if str(info.get("country", "")).upper() in wanted:
                extra.append(
                    {
                        "org_id": org_id,
                        "name": info.get("name", ""),
                        "country": info.get("country", ""),
                        "type": info.get("type", ""),
                        "centres": 0,
                    }
                )
        if extra:
            base = pd.concat([base, pd.DataFrame(extra)], ignore_index=True)
    return sort_by_centres(base)


def largest_without_centres(
    compared: pd.DataFrame, copubs: pd.DataFrame, n: int = 5
) -> pd.DataFrame:
    """The ``n`` largest co-publishers among the organisations of ``compared`` with no centre."""
    outside = compared[compared["centres"] == 0].merge(copubs, on="org_id")
    return outside.sort_values(["copubs_estimated", "org_id"], ascending=[False, True]).head(n)


# --------------------------------------------------------------------------- rank comparison


def spearman(x: Iterable[float], y: Iterable[float]) -> dict[str, Any]:
    """Spearman's rank correlation: ``{rho, p_value, n}``; rho and p are None when fewer
    than three pairs or when either variable is constant. Rounded to 6 dp."""
    from scipy.stats import spearmanr

    xs, ys = list(x), list(y)
    if len(xs) != len(ys):
        raise ValueError(f"x and y differ in length ({len(xs)} vs {len(ys)})")
    n = len(xs)
    if n < 3 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return {"rho": None, "p_value": None, "n": n}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = spearmanr(xs, ys)
    rho, p = float(result.statistic), float(result.pvalue)
    if math.isnan(rho):
        return {"rho": None, "p_value": None, "n": n}
    return {"rho": round(rho, 6), "p_value": round(p, 6), "n": n}


@dataclass
class TriangulationResult:
    """What :func:`triangulate` returns.

    ``table``: one row per organisation (see :func:`triangulate`); ``spearman``:
    ``{rho, p_value, n}`` over all organisations; ``spearman_by_country``: the same per
    country; ``many_centres_few_copubs`` and ``few_centres_many_copubs``: outlier rows of
    ``table``, most extreme first; ``min_rank_gap``: the rank difference that makes an
    outlier.
    """

    table: pd.DataFrame
    spearman: dict[str, Any]
    spearman_by_country: dict[str, dict[str, Any]] = field(default_factory=dict)
    many_centres_few_copubs: pd.DataFrame = field(default_factory=pd.DataFrame)
    few_centres_many_copubs: pd.DataFrame = field(default_factory=pd.DataFrame)
    min_rank_gap: float = 0.0

    def outlier_ids(self) -> dict[str, list[str]]:
        """Outlier ``org_id`` lists keyed by category."""
        return {
            CATEGORY_MANY_CENTRES: list(self.many_centres_few_copubs["org_id"]),
            CATEGORY_FEW_CENTRES: list(self.few_centres_many_copubs["org_id"]),
        }


def triangulation_findings(result: TriangulationResult) -> dict[str, Any]:
    """``{"centres_copubs_spearman": {rho, p_value, n}}`` for ``metrics/findings``."""
    return {"centres_copubs_spearman": dict(result.spearman)}


def _check_centres(centres_per_org: pd.DataFrame) -> pd.DataFrame:
    need = {"org_id", "centres"}
    missing = need - set(centres_per_org.columns)
    if missing:
        raise ValueError(f"centres_per_org: missing column(s) {sorted(missing)}")
    df = centres_per_org.copy()
    for col in ("name", "country"):
        if col not in df.columns:
            df[col] = ""
    dup = df["org_id"][df["org_id"].duplicated()]
    if not dup.empty:
        raise ValueError(f"centres_per_org: org_id {dup.iloc[0]!r} appears more than once")
    bad = pd.to_numeric(df["centres"], errors="coerce")
    wrong = df.index[bad.isna() | (bad < 0)]
    if len(wrong):
        i = wrong[0]
        raise ValueError(
            f"centres_per_org row {int(i) + 1}, column 'centres': "
            f"{df.loc[i, 'centres']!r} is not a count"
        )
    df["centres"] = bad.astype("int64")
    return df[["org_id", "name", "country", "centres"]]


def _ranked_table(base: pd.DataFrame, copubs: pd.DataFrame, gap: float | None, share: float):
    """Centres joined to co-publications, with ranks, rank gap and outlier category; and
    the gap that makes an outlier."""
    cp = copubs.copy()
    for col in COPUBS_COLUMNS:
        if col not in cp.columns:
            raise ValueError(f"copubs: missing column {col!r}")
    table = base.merge(cp[COPUBS_COLUMNS], on="org_id", how="left")
    for col in ("copubs_in_sample", "copubs_estimated"):
        table[col] = table[col].fillna(0).astype("int64")
    table["rank_centres"] = table["centres"].rank(ascending=False, method="average")
    table["rank_copubs"] = table["copubs_estimated"].rank(ascending=False, method="average")
    table["rank_gap"] = table["rank_copubs"] - table["rank_centres"]
    gap = float(gap) if gap is not None else max(1.0, math.ceil(len(table) * share))
    table["category"] = ""
    table.loc[table["rank_gap"] >= gap, "category"] = CATEGORY_MANY_CENTRES
    table.loc[table["rank_gap"] <= -gap, "category"] = CATEGORY_FEW_CENTRES
    table = table.sort_values(
        ["centres", "copubs_estimated", "org_id"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    return table, gap


def triangulate(
    centres_per_org: pd.DataFrame,
    copubs: pd.DataFrame,
    *,
    min_rank_gap: float | None = None,
    gap_share: float = 0.25,
    top: int = 10,
) -> TriangulationResult:
    """Compare centres hosted with co-publications, organisation by organisation.

    ``centres_per_org``: ``org_id, name, country, centres`` - the organisations to compare
    (include zero-centre rows to bring publishers without centres in). ``copubs``: output
    of :func:`copubs_per_organisation`; organisations missing from it get 0.

    ``table`` columns: ``org_id, name, country, centres, copubs_in_sample,
    copubs_estimated, rank_centres, rank_copubs`` (1 = most; ties share the average rank,
    as Spearman does), ``rank_gap`` (rank_copubs - rank_centres: positive when the
    organisation ranks higher on centres than on co-publications) and ``category``.
    Sorted by centres (descending), co-publications (descending), ``org_id``.

    An organisation is an outlier when ``|rank_gap| >= min_rank_gap`` (default:
    ``gap_share`` of the number of organisations, at least 1); each list keeps the
    ``top`` largest gaps (ties: more centres / more co-publications first, then org_id).
    """
    table, gap = _ranked_table(_check_centres(centres_per_org), copubs, min_rank_gap, gap_share)
    many = table[table["category"] == CATEGORY_MANY_CENTRES].sort_values(
        ["rank_gap", "centres", "org_id"], ascending=[False, False, True], kind="stable"
    )
    few = table[table["category"] == CATEGORY_FEW_CENTRES].sort_values(
        ["rank_gap", "copubs_estimated", "org_id"], ascending=[True, False, True], kind="stable"
    )
    by_country = {
        str(cc): spearman(grp["centres"], grp["copubs_estimated"])
        for cc, grp in sorted(table.groupby("country", sort=True), key=lambda kv: str(kv[0]))
        if str(cc)
    }
    return TriangulationResult(
        table=table,
        spearman=spearman(table["centres"], table["copubs_estimated"]),
        spearman_by_country=by_country,
        many_centres_few_copubs=many.head(top).reset_index(drop=True),
        few_centres_many_copubs=few.head(top).reset_index(drop=True),
        min_rank_gap=gap,
    )


def spearman_table(
    overall: Mapping[str, Any], by_country: Mapping[str, Mapping[str, Any]]
) -> pd.DataFrame:
    """Spearman results as rows: ``group, n, rho, p_value`` (overall first, then countries)."""
    rows = [{"group": "all organisations", **{k: overall.get(k) for k in ("n", "rho", "p_value")}}]
    for cc in sorted(by_country):
        rows.append({"group": cc, **{k: by_country[cc].get(k) for k in ("n", "rho", "p_value")}})
    out = pd.DataFrame(rows, columns=SPEARMAN_COLUMNS)
    out["n"] = out["n"].astype("int64")
    return out


def describe_rho(rho: float | None, p_value: float | None, alpha: float = 0.05) -> str:
    """Plain words for a rank correlation: strength, direction and whether it is significant.

    Strength by ``|rho|``: below 0.1 "no", below 0.3 "weak", below 0.6 "moderate",
    otherwise "strong". ``None`` (too few organisations) gives "not computed".
    """
    if rho is None or (isinstance(rho, float) and math.isnan(rho)):
        return "not computed (fewer than three organisations, or no variation)"
    size = abs(float(rho))
    if size < 0.1:
        words = "no clear"
    else:
        strength = "weak" if size < 0.3 else "moderate" if size < 0.6 else "strong"
        words = f"a {strength} {'positive' if rho > 0 else 'negative'}"
    signif = (
        "statistically significant"
        if p_value is not None and float(p_value) < alpha
        else "not statistically significant"
    )
    return f"{words} rank association, {signif} at the {alpha:g} level"
