"""Bibliometric analysis: UK–China co-publications per year, share of UK output, field mix,
leading institutions, and the comparison with the published Web of Science figures.

Inputs are the outputs of the ingestion step (:mod:`pipeline.biblio.ingest`):

* OpenAlex ``group_by=publication_year`` responses, as the data frame returned by
  :func:`pipeline.biblio.read_group_by` (columns ``key, key_display_name, count``), the raw
  response dict, a path to the JSON file, or a plain ``{year: count}`` mapping;
* the per-work table (columns ``work_id, source_format, doi, year, countries,
  institutions, field, uk_cn, affiliation_known``).

The published figures are read from ``data/reference/published_figures.yaml``; no number
from them is written here. OpenAlex is not Web of Science: the two databases index
different journals and match affiliations differently, so the comparison table says which
database each side comes from and expects differences.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import published

__all__ = [
    "COMPUTED_DATABASE",
    "copubs_by_year",
    "copubs_share_of_uk_by_year",
    "field_mix",
    "findings",
    "institutions_in",
    "leading_institutions",
    "published_vs_computed",
    "year_counts",
]

#: The database the pipeline's own counts come from (the bundled extracts are OpenAlex).
COMPUTED_DATABASE = "OpenAlex"
UNKNOWN_FIELD = "Unknown"

GroupByLike = pd.DataFrame | Mapping[Any, Any] | str | Path


# --- group_by responses ----------------------------------------------------------------------
def _as_year(value: Any, where: str) -> int:
    text = str(value).strip()
    text = text.removesuffix(".0")
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(f"{where}: group key {value!r} is not a publication year")
    return int(text)


def year_counts(group_by: GroupByLike) -> dict[int, int]:
    """``{year: count}`` (sorted by year) from any accepted form of a group_by response.

    Raises ``ValueError`` naming the offending key when a key is not a four-digit year,
    a year appears twice, or a count is negative.
    """
    where = "group_by"
    if isinstance(group_by, str | Path):
        from pipeline.biblio import read_group_by

        where = str(group_by)
        group_by = read_group_by(Path(group_by))
    pairs: list[tuple[Any, Any]]
    if isinstance(group_by, pd.DataFrame):
        missing = {"key", "count"} - set(group_by.columns)
        if missing:
            raise ValueError(f"{where}: missing column(s) {sorted(missing)}")
        pairs = list(zip(group_by["key"], group_by["count"], strict=True))
    elif isinstance(group_by, Mapping) and "group_by" in group_by:
        pairs = [(g.get("key"), g.get("count")) for g in group_by["group_by"]]
    elif isinstance(group_by, Mapping):
        pairs = list(group_by.items())
    else:
        raise TypeError(f"unsupported group_by input: {type(group_by).__name__}")
    out: dict[int, int] = {}
    for row, (key, count) in enumerate(pairs, start=1):
        year = _as_year(key, f"{where}, group {row}")
        if year in out:
            raise ValueError(f"{where}, group {row}: year {year} appears twice")
        n = int(count)
        if n < 0:
            raise ValueError(f"{where}, group {row}: negative count {n} for {year}")
        out[year] = n
    return dict(sorted(out.items()))


def copubs_by_year(group_by_uk_cn: GroupByLike) -> dict[int, int]:
    """UK–China co-publications per publication year (``{year: works}``, sorted)."""
    return year_counts(group_by_uk_cn)


def copubs_share_of_uk_by_year(uk: GroupByLike, uk_cn: GroupByLike) -> dict[int, float]:
    """UK–China works as a percentage of all UK works, per year (2 dp).

    Only years present in both inputs are returned. A year with no UK works, or with
    more UK–China works than UK works, is an input error (``ValueError`` naming the year).
    """
    uk_counts, cn_counts = year_counts(uk), year_counts(uk_cn)
    out: dict[int, float] = {}
    for year in sorted(set(uk_counts) & set(cn_counts)):
        total, joint = uk_counts[year], cn_counts[year]
        if total <= 0:
            raise ValueError(f"UK works for {year} is {total}: cannot compute a share")
        if joint > total:
            raise ValueError(f"{year}: UK-China works ({joint}) exceed UK works ({total})")
        out[year] = round(100.0 * joint / total, 2)
    return out


# --- per-work table ----------------------------------------------------------------------------
def _filter_works(works: pd.DataFrame, uk_cn_only: bool) -> pd.DataFrame:
    if uk_cn_only and "uk_cn" in works.columns:
        flag = works["uk_cn"].map(lambda v: v is not None and not pd.isna(v) and bool(v))
        return works[flag.astype(bool)]
    return works


def field_mix(works: pd.DataFrame, uk_cn_only: bool = False) -> pd.DataFrame:
    """Works per research field: columns ``field, works, share`` (share in percent, 2 dp).

    Works without a field are counted under ``"Unknown"``. Sorted by works (descending),
    then field name. With ``uk_cn_only`` only works flagged ``uk_cn`` True are counted.
    """
    if "field" not in works.columns:
        raise ValueError("works table has no 'field' column")
    sel = _filter_works(works, uk_cn_only)
    fields = sel["field"].map(
        lambda v: (
            UNKNOWN_FIELD
            if v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip()
            else str(v).strip()
        )
    )
    counts = Counter(fields)
    total = sum(counts.values())
    rows = [
        {"field": f, "works": n, "share": round(100.0 * n / total, 2) if total else 0.0}
        for f, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=["field", "works", "share"]).astype({"works": "int64"})


def _as_list(value: Any) -> list[str]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if v is not None and str(v).strip()]


def _country_lookup(institution_country: Any) -> Callable[[str], str | None]:
    """A function name -> ISO2 country (or None) from a mapping, a callable or a resolver."""
    if institution_country is None:
        from pipeline.registries import OrganisationResolver

        institution_country = OrganisationResolver()
    if isinstance(institution_country, Mapping):
        mapping = dict(institution_country)
        return lambda name: mapping.get(name)
    if hasattr(institution_country, "resolve") and hasattr(institution_country, "get"):
        resolver = institution_country

        def via_registry(name: str) -> str | None:
            res = resolver.resolve(name)
            return resolver.get(res.org_id)["country"] if res.org_id else None

        return via_registry
    if callable(institution_country):
        return institution_country
    raise TypeError("institution_country must be a mapping, a callable or a resolver")


def leading_institutions(
    works: pd.DataFrame,
    country: str,
    sampling_rate: float,
    n: int = 15,
    *,
    institution_country: Any = None,
    uk_cn_only: bool = False,
) -> pd.DataFrame:
    """The ``n`` institutions of ``country`` on most sampled works, with population estimates.

    The per-work table lists institution names only, so each name's country comes from
    ``institution_country``: a ``{name: ISO2}`` mapping, a callable, or an
    ``OrganisationResolver`` (default: the reference registry). Going through the registry
    also corrects a wrong country code that OpenAlex attached to a known institution.
    Names whose country is unknown are left out.

    Columns: ``rank, institution, works_in_sample, estimated_works`` (works in sample
    divided by ``sampling_rate``, rounded), ``estimated_low, estimated_high`` (approximate
    95 % interval of that estimate under uniform sampling) and ``share`` (percent of the
    sampled works counted that include the institution, 2 dp). Sorted by works in sample
    (descending), then name; a work counts once per institution.
    """
    if not 0.0 < sampling_rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {sampling_rate}")
    if "institutions" not in works.columns:
        raise ValueError("works table has no 'institutions' column")
    lookup = _country_lookup(institution_country)
    sel = _filter_works(works, uk_cn_only)
    counts: Counter[str] = Counter()
    for value in sel["institutions"]:
        counts.update(set(_as_list(value)))
    country_of = {name: lookup(name) for name in sorted(counts)}
    wanted = country.upper()
    ranked = sorted(
        ((name, k) for name, k in counts.items() if (country_of[name] or "").upper() == wanted),
        key=lambda kv: (-kv[1], kv[0]),
    )[: max(n, 0)]
    total = len(sel)
    rows = []
    for rank, (name, k) in enumerate(ranked, start=1):
        est = k / sampling_rate
        half = 1.96 * math.sqrt(k * (1.0 - sampling_rate)) / sampling_rate
        rows.append(
            {
                "rank": rank,
                "institution": name,
                "works_in_sample": k,
                "estimated_works": round(est),
                "estimated_low": max(k, round(est - half)),
                "estimated_high": round(est + half),
                "share": round(100.0 * k / total, 2) if total else 0.0,
            }
        )
    cols = [
        "rank",
        "institution",
        "works_in_sample",
        "estimated_works",
        "estimated_low",
        "estimated_high",
        "share",
    ]
    return pd.DataFrame(rows, columns=cols)


# --- published figures --------------------------------------------------------------------------
def _database(citation: str) -> str:
    for name in ("Web of Science", "Scopus", "OpenAlex", "Dimensions"):
        if name.lower() in citation.lower():
            return name
    return "unknown"


def published_vs_computed(
    copubs: Mapping[int, int],
    share: Mapping[int, float] | None = None,
    figures_path: str | Path | None = None,
    computed_database: str = COMPUTED_DATABASE,
) -> pd.DataFrame:
    """Set the published bibliometric figures beside the pipeline's own values.

    Every figure in ``published_figures.yaml`` whose ``computed`` key is
    ``copubs_by_year.<year>`` or ``copubs_share_of_uk_by_year.<year>`` gets a row:
    ``figure, year, unit, published, published_database, published_source, computed,
    computed_database, difference`` (computed - published), ``tolerance``,
    ``within_tolerance`` (None when the pipeline has no value for that year) and ``note``.
    The published counts come from Web of Science and the computed ones from OpenAlex
    (by default), so differences reflect coverage as well as method.
    """
    doc = published.load_document(figures_path)
    sources = doc.get("sources", {})
    series: dict[str, Mapping[int, Any]] = {
        "copubs_by_year": copubs,
        "copubs_share_of_uk_by_year": share or {},
    }
    rows = []
    for fig_id, fig in sorted(doc["figures"].items()):
        key = str(fig.get("computed") or "")
        name, _, year_text = key.partition(".")
        if name not in series or not year_text.isdigit():
            continue
        year = int(year_text)
        source = sources.get(fig.get("source"), {})
        citation = str(source.get("citation", fig.get("source", "")))
        published_db = _database(citation)
        value = series[name].get(year)
        computed = None if value is None else float(value)
        diff = None if computed is None else round(computed - float(fig["value"]), 2)
        tol = float(fig.get("tolerance", 0))
        within = None if diff is None else abs(diff) <= tol
        same_db = published_db == computed_database
        note = (
            f"Published: {published_db} ({fig.get('where', '')}); computed: "
            f"{computed_database}. "
            + (
                "Same database."
                if same_db
                else f"{computed_database} is not {published_db}: coverage and affiliation "
                "matching differ, so the two need not agree."
            )
        )
        rows.append(
            {
                "figure": fig_id,
                "year": year,
                "unit": fig.get("unit", ""),
                "published": float(fig["value"]),
                "published_database": published_db,
                "published_source": citation,
                "computed": computed,
                "computed_database": computed_database,
                "difference": diff,
                "tolerance": tol,
                "within_tolerance": within,
                "note": note,
            }
        )
    cols = [
        "figure",
        "year",
        "unit",
        "published",
        "published_database",
        "published_source",
        "computed",
        "computed_database",
        "difference",
        "tolerance",
        "within_tolerance",
        "note",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["figure"], kind="stable").reset_index(drop=True)


def findings(
    uk: GroupByLike,
    uk_cn: GroupByLike,
    spearman: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Findings for ``metrics/findings``: ``copubs_by_year``, ``copubs_share_of_uk_by_year``
    (year keys as strings, as in the published figures' ``computed`` paths) and, when given,
    ``centres_copubs_spearman`` (``{rho, p_value, n}`` from the triangulation)."""
    out: dict[str, Any] = {
        "copubs_by_year": {str(y): n for y, n in copubs_by_year(uk_cn).items()},
        "copubs_share_of_uk_by_year": {
            str(y): s for y, s in copubs_share_of_uk_by_year(uk, uk_cn).items()
        },
    }
    if spearman is not None:
        out["centres_copubs_spearman"] = {k: spearman.get(k) for k in ("rho", "p_value", "n")}
    return out


def institutions_in(works: pd.DataFrame) -> list[str]:
    """Sorted distinct institution names of the per-work table."""
    names: set[str] = set()
    for value in works.get("institutions", pd.Series(dtype=object)):
        names.update(_as_list(value))
    return sorted(names)
