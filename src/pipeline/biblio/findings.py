"""Bibliometric findings: UK–China co-publications per year, share of UK output, field mix,
leading institutions, the funders the co-publications acknowledge (beside those the joint
centres name), and the comparison with the published Web of Science figures.

Inputs are the outputs of the ingestion and reading steps:

* OpenAlex ``group_by=publication_year`` responses, in any form
  :func:`pipeline.biblio.read.year_counts` accepts;
* the per-work table (columns ``work_id, source_format, doi, year, countries,
  institutions, field, uk_cn, affiliation_known, funders``);
* for the funders, the funder registry (``funders.csv``: each funder's country, hence its
  side: UK, China or other) and the centres table's ``funders`` lists.

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
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline import published
from pipeline.biblio.read import year_counts
from pipeline.biblio.schemas import (
    COMPARISON_COLUMNS,
    FIELD_MIX_COLUMNS,
    FUNDER_COLUMNS,
    FUNDER_OVERLAP_COLUMNS,
    FUNDER_YEAR_COLUMNS,
    LEADING_COLUMNS,
    YEARLY_COLUMNS,
)

if TYPE_CHECKING:
    from pipeline.biblio.read import GroupByLike

__all__ = [
    "COMPUTED_DATABASE",
    "FUNDER_SIDES",
    "SOCIAL_SCIENCE_FIELDS",
    "bibliometrics_findings",
    "centre_funder_counts",
    "copubs_by_year",
    "copubs_share_of_uk_by_year",
    "estimated_copubs_by_year",
    "field_mix",
    "funder_findings",
    "funder_overlap",
    "funder_shares",
    "funder_side_change",
    "funder_sides_by_year",
    "funder_table",
    "institutions_in",
    "leading_institutions",
    "published_vs_computed",
    "social_science_share",
    "yearly_table",
]

#: The database the pipeline's own counts come from (the bundled extracts are OpenAlex).
COMPUTED_DATABASE = "OpenAlex"
UNKNOWN_FIELD = "Unknown"
#: OpenAlex field names of the social sciences, humanities, economics and business.
SOCIAL_SCIENCE_FIELDS = frozenset(
    {
        "Social Sciences",
        "Arts and Humanities",
        "Economics, Econometrics and Finance",
        "Business, Management and Accounting",
        "Psychology",
        "Decision Sciences",
    }
)


# --- yearly series -----------------------------------------------------------------------------
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


def estimated_copubs_by_year(works: pd.DataFrame, sampling_rate: float = 1.0) -> dict[int, int]:
    """UK–China works per year from the per-work table, scaled by ``1 / sampling_rate``.

    A fallback for when no UK–China ``group_by`` response is available: only works
    flagged ``uk_cn`` True with a known year count. Sorted by year.
    """
    if not 0.0 < sampling_rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {sampling_rate}")
    flag = works["uk_cn"].map(lambda v: v is not None and not pd.isna(v) and bool(v))
    years = works.loc[flag.astype(bool), "year"].dropna().astype(int)
    return {int(y): round(n / sampling_rate) for y, n in sorted(years.value_counts().items())}


def yearly_table(uk: Mapping[int, int] | None, uk_cn: Mapping[int, int]) -> pd.DataFrame:
    """``year, uk_works, uk_cn_works, share_of_uk`` (percent, 2 dp) sorted by year.

    Years of ``uk_cn`` are kept; ``uk_works`` and ``share_of_uk`` are empty where the UK
    count is missing. The share agrees with :func:`copubs_share_of_uk_by_year`.
    """
    share = copubs_share_of_uk_by_year(dict(uk), dict(uk_cn)) if uk else {}
    rows = [
        {
            "year": int(y),
            "uk_works": (uk or {}).get(y),
            "uk_cn_works": int(n),
            "share_of_uk": share.get(y),
        }
        for y, n in sorted(uk_cn.items())
    ]
    out = pd.DataFrame(rows, columns=YEARLY_COLUMNS)
    out["uk_works"] = out["uk_works"].astype("Int64")
    out["share_of_uk"] = out["share_of_uk"].astype("float64")
    return out


def bibliometrics_findings(copubs: Mapping[int, int], share: Mapping[int, float]) -> dict[str, Any]:
    """Findings for ``metrics/findings``: ``copubs_by_year`` and ``copubs_share_of_uk_by_year``
    (year keys as strings, as in the published figures' ``computed`` paths)."""
    return {
        "copubs_by_year": {str(y): int(n) for y, n in copubs.items()},
        "copubs_share_of_uk_by_year": {str(y): float(s) for y, s in share.items()},
    }


# --- per-work table ----------------------------------------------------------------------------
def _filter_works(works: pd.DataFrame, uk_cn_only: bool) -> pd.DataFrame:
    if uk_cn_only and "uk_cn" in works.columns:
        flag = works["uk_cn"].map(lambda v: v is not None and not pd.isna(v) and bool(v))
        return works[flag.astype(bool)]
    return works


def _field_name(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or not str(v).strip():
        return UNKNOWN_FIELD
    return str(v).strip()


def field_mix(works: pd.DataFrame, uk_cn_only: bool = False) -> pd.DataFrame:
    """Works per research field: columns ``field, works, share`` (share in percent, 2 dp).

    Works without a field are counted under ``"Unknown"``. Sorted by works (descending),
    then field name. With ``uk_cn_only`` only works flagged ``uk_cn`` True are counted.
    """
    if "field" not in works.columns:
        raise ValueError("works table has no 'field' column")
    counts = Counter(_filter_works(works, uk_cn_only)["field"].map(_field_name))
    total = sum(counts.values())
    rows = [
        {"field": f, "works": n, "share": round(100.0 * n / total, 2) if total else 0.0}
        for f, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=FIELD_MIX_COLUMNS).astype({"works": "int64"})


def social_science_share(fields: pd.DataFrame) -> float:
    """Percent of the works of a :func:`field_mix` table in :data:`SOCIAL_SCIENCE_FIELDS`."""
    return float(fields.loc[fields["field"].isin(SOCIAL_SCIENCE_FIELDS), "share"].sum())


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


def _institution_row(rank: int, name: str, k: int, sampling_rate: float, total: int) -> dict:
    """One leading institution: works in the sample and the population estimate."""
    est = k / sampling_rate
    half = 1.96 * math.sqrt(k * (1.0 - sampling_rate)) / sampling_rate
    return {
        "rank": rank,
        "institution": name,
        "works_in_sample": k,
        "estimated_works": round(est),
        "estimated_low": max(k, round(est - half)),
        "estimated_high": round(est + half),
        "share": round(100.0 * k / total, 2) if total else 0.0,
    }


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
    rows = [
        _institution_row(rank, name, k, sampling_rate, len(sel))
        for rank, (name, k) in enumerate(ranked, start=1)
    ]
    return pd.DataFrame(rows, columns=LEADING_COLUMNS)


def institutions_in(works: pd.DataFrame) -> list[str]:
    """Sorted distinct institution names of the per-work table."""
    names: set[str] = set()
    for value in works.get("institutions", pd.Series(dtype=object)):
        names.update(_as_list(value))
    return sorted(names)


# --- published figures --------------------------------------------------------------------------
def _database(citation: str) -> str:
    for name in ("Web of Science", "Scopus", "OpenAlex", "Dimensions"):
        if name.lower() in citation.lower():
            return name
    return "unknown"


def _comparison_note(published_db: str, where: str, computed_database: str) -> str:
    same_db = published_db == computed_database
    return f"Published: {published_db} ({where}); computed: {computed_database}. " + (
        "Same database."
        if same_db
        else f"{computed_database} is not {published_db}: coverage and affiliation "
        "matching differ, so the two need not agree."
    )


def _comparison_row(
    fig_id: str, fig: Mapping[str, Any], year: int, value: Any, citation: str, computed_db: str
) -> dict[str, Any]:
    """One published figure beside the computed value for its year."""
    published_db = _database(citation)
    computed = None if value is None else float(value)
    diff = None if computed is None else round(computed - float(fig["value"]), 2)
    tol = float(fig.get("tolerance", 0))
    return {
        "figure": fig_id,
        "year": year,
        "unit": fig.get("unit", ""),
        "published": float(fig["value"]),
        "published_database": published_db,
        "published_source": citation,
        "computed": computed,
        "computed_database": computed_db,
        "difference": diff,
        "tolerance": tol,
        "within_tolerance": None if diff is None else abs(diff) <= tol,
        "note": _comparison_note(published_db, fig.get("where", ""), computed_db),
    }


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
        name, _, year_text = str(fig.get("computed") or "").partition(".")
        if name not in series or not year_text.isdigit():
            continue
        year = int(year_text)
        source = sources.get(fig.get("source"), {})
        citation = str(source.get("citation", fig.get("source", "")))
        value = series[name].get(year)
        rows.append(_comparison_row(fig_id, fig, year, value, citation, computed_database))
    out = pd.DataFrame(rows, columns=COMPARISON_COLUMNS)
    return out.sort_values(["figure"], kind="stable").reset_index(drop=True)


# --- funders ------------------------------------------------------------------------------------
#: The sides a funder can be on, in the order charts and tables show them.
FUNDER_SIDES = ("UK", "China", "Other", "Not in registry")
_SIDE_OF_COUNTRY = {"GB": "UK", "CN": "China"}


def _funder_countries(ref_dir: Path | str | None = None) -> dict[str, str]:
    """``{canonical funder name: ISO2 country}`` from the funder registry."""
    from pipeline.registries import load_funders

    table = load_funders(ref_dir)
    return dict(zip(table["name"], table["country"].str.upper(), strict=True))


def funder_side(name: str, countries: Mapping[str, str]) -> str:
    """UK, China or Other by the registry's country; names it lacks are 'Not in registry'."""
    if name not in countries:
        return FUNDER_SIDES[3]
    return _SIDE_OF_COUNTRY.get(countries[name], FUNDER_SIDES[2])


def _uk_cn_works(works: pd.DataFrame) -> pd.DataFrame:
    if "funders" not in works.columns:
        raise ValueError("works table has no 'funders' column")
    return _filter_works(works, True)


def funder_table(works: pd.DataFrame, ref_dir: Path | str | None = None) -> pd.DataFrame:
    """Funders acknowledged by the UK–China works: ``funder, works, resolved, country, side``.

    ``works`` counts each work once per funder; ``resolved`` says whether the registry
    knows the name (then ``country`` is the registry's, and ``side`` UK / China / Other);
    names it does not know keep ``side`` 'Not in registry'. Most works first, then name.
    """
    sel = _uk_cn_works(works)
    countries = _funder_countries(ref_dir)
    counts: Counter[str] = Counter()
    for value in sel["funders"]:
        counts.update(set(_as_list(value)))
    rows = [
        {
            "funder": name,
            "works": int(n),
            "resolved": name in countries,
            "country": countries.get(name),
            "side": funder_side(name, countries),
        }
        for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return pd.DataFrame(rows, columns=FUNDER_COLUMNS).astype({"works": "int64"})


def funder_shares(table: pd.DataFrame, total_works: int, n: int | None = None) -> pd.DataFrame:
    """The first ``n`` rows of a :func:`funder_table` as ``funder, side, works, share``
    (percent of the ``total_works`` UK–China works counted, 2 dp)."""
    top = table if n is None else table.head(n)
    out = top[["funder", "side", "works"]].copy()
    out["share"] = [_pct(int(w), total_works) for w in out["works"]]
    return out.reset_index(drop=True)


def _work_sides(value: Any, countries: Mapping[str, str]) -> set[str]:
    return {funder_side(n, countries) for n in _as_list(value)}


def funder_sides_by_year(works: pd.DataFrame, ref_dir: Path | str | None = None) -> pd.DataFrame:
    """UK–China works acknowledging a funder of each side, per year: ``year, side, works,
    share`` (share: percent of that year's UK–China works, 2 dp; a work naming funders on
    two sides counts on both). Works with an unknown year are left out."""
    sel = _uk_cn_works(works).dropna(subset=["year"])
    countries = _funder_countries(ref_dir)
    rows = []
    for year, group in sel.groupby(sel["year"].astype(int)):
        sides: Counter[str] = Counter()
        for value in group["funders"]:
            sides.update(_work_sides(value, countries))
        for side in FUNDER_SIDES:
            n = int(sides.get(side, 0))
            rows.append({"year": int(year), "side": side, "works": n, "share": _pct(n, len(group))})
    return pd.DataFrame(rows, columns=FUNDER_YEAR_COLUMNS).astype({"works": "int64"})


def funder_side_change(by_year: pd.DataFrame, window: int = 3) -> pd.DataFrame:
    """How each side's share moved: the mean yearly share over the first and the last
    ``window`` years of ``funder_sides_by_year`` (single years of a sample are noisy).

    Columns ``side, first_years, last_years, first_share, last_share, change`` (shares and
    change in percent / percentage points, 1 dp); one row per side, in
    :data:`FUNDER_SIDES` order.
    """
    years = sorted(by_year["year"].unique())
    head, tail = years[:window], years[-window:]
    span = f"{head[0]}–{head[-1]}" if len(head) > 1 else str(head[0]) if head else ""
    tail_span = f"{tail[0]}–{tail[-1]}" if len(tail) > 1 else str(tail[0]) if tail else ""
    rows = []
    for side in FUNDER_SIDES:
        of_side = by_year[by_year["side"] == side].set_index("year")["share"]
        first = round(float(of_side.reindex(head).mean()), 1) if head else float("nan")
        last = round(float(of_side.reindex(tail).mean()), 1) if tail else float("nan")
        rows.append(
            {
                "side": side,
                "first_years": span,
                "last_years": tail_span,
                "first_share": first,
                "last_share": last,
                "change": round(last - first, 1),
            }
        )
    return pd.DataFrame(rows)


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 2) if total else 0.0


def centre_funder_counts(centres: pd.DataFrame) -> dict[str, int]:
    """Centres naming each funder (each centre once), from the centres table's ``funders``."""
    if "funders" not in centres.columns:
        raise ValueError("centres table has no 'funders' column")
    counts: Counter[str] = Counter()
    for value in centres["funders"]:
        counts.update(set(_as_list(value)))
    return dict(sorted(counts.items()))


def funder_overlap(
    table: pd.DataFrame,
    centre_counts: Mapping[str, int],
    total_works: int,
    ref_dir: Path | str | None = None,
) -> pd.DataFrame:
    """Every funder acknowledged by co-publications or named by centres, side by side:
    ``funder, side, works, share`` (percent of the ``total_works`` UK–China works),
    ``centres``, ``in_both``. Funders on both lists first, then by works, centres and name."""
    works_of = dict(zip(table["funder"], table["works"], strict=True))
    countries = _funder_countries(ref_dir)
    rows = []
    for name in sorted(set(works_of) | set(centre_counts)):
        works = int(works_of.get(name, 0))
        centres = int(centre_counts.get(name, 0))
        rows.append(
            {
                "funder": name,
                "side": funder_side(name, countries),
                "works": works,
                "share": _pct(works, total_works),
                "centres": centres,
                "in_both": bool(works and centres),
            }
        )
    out = pd.DataFrame(rows, columns=FUNDER_OVERLAP_COLUMNS)
    out = out.astype({"works": "int64", "centres": "int64", "in_both": "bool"})
    return out.sort_values(
        ["in_both", "works", "centres", "funder"], ascending=[False, False, False, True]
    ).reset_index(drop=True)


def funder_findings(
    works: pd.DataFrame,
    table: pd.DataFrame,
    overlap: pd.DataFrame,
    ref_dir: Path | str | None = None,
) -> dict[str, Any]:
    """Counts behind the funder section: UK–China works in the sample, how many acknowledge
    a funder, a funder on each side, distinct funders (and how many the registry lacks),
    funders named by centres, and how many are on both lists (with the Jaccard index,
    percent) and the share of acknowledging works that name at least one centre funder."""
    sel = _uk_cn_works(works)
    countries = _funder_countries(ref_dir)
    acknowledging = [set(_as_list(v)) for v in sel["funders"] if _as_list(v)]
    sides: Counter[str] = Counter()
    for names in acknowledging:
        sides.update({funder_side(n, countries) for n in names})
    centre_names = set(overlap.loc[overlap["centres"] > 0, "funder"])
    both = set(overlap.loc[overlap["in_both"], "funder"])
    union = set(table["funder"]) | centre_names
    with_centre_funder = sum(1 for names in acknowledging if names & centre_names)
    return {
        "copub_funders_uk_cn_works": len(sel),
        "copub_funders_works_acknowledging": len(acknowledging),
        "copub_funders_works_by_side": {s: int(sides.get(s, 0)) for s in FUNDER_SIDES},
        "copub_funders_distinct": len(table),
        "copub_funders_not_in_registry": int((~table["resolved"].astype(bool)).sum()),
        "copub_funders_named_by_centres": len(centre_names),
        "copub_funders_in_both": len(both),
        "copub_funders_jaccard_pct": _pct(len(both), len(union)),
        "copub_funders_works_naming_a_centre_funder": with_centre_funder,
        "copub_funders_works_naming_a_centre_funder_pct": _pct(
            with_centre_funder, len(acknowledging)
        ),
    }
