"""The due-diligence screen: which centres have a partner on a register, in which NSI sector.

Inputs are the cleaned tables (``centres``, ``centre_partners``, ``organisations`` from the
centres cleaner; register ``entries`` from :func:`pipeline.registers.clean_registers`) and the
NSI sector registry. Everything here is a pure function of those frames and three parameters:

* ``lists`` - which registers to screen against (``None``/``"all"``, or list names);
* ``fold_hk_mo`` - whether Hong Kong and Macao organisations count with mainland China when a
  register entry's country is compared with the organisation's (an entry for country ``CN``
  matching a Hong Kong university is kept only when this is true; otherwise the pair is listed
  for review and not counted);
* ``synthetic`` - whether the centres are invented (the synthetic edition): every row of the
  screen then says so.

A partner is *listed* when its registry id is the id a register entry resolved to (exact name or
alias; near matches are never applied) and the countries agree. The listing year is set against
the centre's founding year: a listing after the centre was founded says nothing about what was
known when the partnership began.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.io import atomic_write_csv, atomic_write_parquet
from pipeline.registers import schemas
from pipeline.registries import normalise_name

__all__ = [
    "NO_SECTOR",
    "NO_SECTOR_LABEL",
    "Screen",
    "by_list",
    "by_sector",
    "by_year",
    "centres_invented",
    "country_key",
    "listed_partners",
    "registers_findings",
    "screen",
    "select_lists",
    "timing",
    "unmatched_entries",
    "write_screen",
]

NO_SECTOR = "no_sector"
NO_SECTOR_LABEL = "No NSI sector"
HK_MO = ("HK", "MO")


@dataclass
class Screen:
    """The screen's tables and findings (see :func:`screen`)."""

    listed: pd.DataFrame
    by_list: pd.DataFrame
    by_sector: pd.DataFrame
    by_year: pd.DataFrame
    unmatched: pd.DataFrame
    review: pd.DataFrame
    findings: dict[str, Any]
    params: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- small pieces
def country_key(code: Any, fold_hk_mo: bool = False) -> str | None:
    """The country code used for comparison: HK and MO become CN when ``fold_hk_mo``."""
    if code is None or (isinstance(code, float) and pd.isna(code)) or not str(code).strip():
        return None
    text = str(code).strip().upper()
    return "CN" if fold_hk_mo and text in HK_MO else text


def timing(year_listed: Any, year_established: int) -> str:
    """Where the listing falls against the founding year (one of ``schemas.TIMINGS``)."""
    if year_listed is None or pd.isna(year_listed):
        return "listing date not given"
    if int(year_listed) < int(year_established):
        return "listed before founding"
    if int(year_listed) == int(year_established):
        return "listed in founding year"
    return "listed after founding"


def select_lists(entries: pd.DataFrame, lists: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The entries of the chosen lists (``None`` or ``"all"``: every list).

    List names are compared like organisation names (case, spacing and punctuation ignored).
    A name that is on no register raises ``ValueError`` naming the lists there are, so a typo
    in the parameter cannot silently empty the screen.
    """
    if lists is None or (isinstance(lists, str) and lists.strip().lower() == "all"):
        return entries.reset_index(drop=True)
    wanted = [lists] if isinstance(lists, str) else list(lists)
    keys = entries["list_name"].map(normalise_name)
    unknown = [w for w in wanted if normalise_name(w) not in set(keys)]
    if unknown:
        known = ", ".join(repr(x) for x in sorted(set(entries["list_name"])))
        raise ValueError(f"registers: no list named {unknown} (lists present: {known})")
    chosen = {normalise_name(w) for w in wanted}
    return entries[keys.isin(chosen)].reset_index(drop=True)


def _sectors(sectors: pd.DataFrame) -> tuple[dict[str, str], set[str]]:
    labels = dict(zip(sectors["sector"].astype(str), sectors["label"].astype(str), strict=True))
    labels[NO_SECTOR] = NO_SECTOR_LABEL
    flags = sectors["in_nsi_act"].map(lambda v: v if isinstance(v, bool) else str(v) == "true")
    sensitive = set(sectors.loc[flags.astype(bool), "sector"].astype(str))
    return labels, sensitive


def _sector_key(value: Any) -> str:
    return str(value) if isinstance(value, str) and value else NO_SECTOR


# --------------------------------------------------------------------------- the screen
def _links(
    entries: pd.DataFrame, centre_partners: pd.DataFrame, organisations: pd.DataFrame
) -> pd.DataFrame:
    """Centre-partner links whose organisation is the organisation of a register entry."""
    matched = entries[entries["org_id"].notna()].drop(columns=["organisation", "country"])
    matched = matched.rename(columns={"source_file": "entry_file", "source_row": "entry_row"})
    orgs = organisations[["org_id", "name", "country"]].rename(columns={"name": "organisation"})
    links = centre_partners[["centre_id", "org_id"]].merge(matched, on="org_id", how="inner")
    links = links.merge(orgs, on="org_id", how="left")
    entry_country = entries.set_index("entry_id")["country"]
    links["entry_country"] = links["entry_id"].map(entry_country)
    return links


def listed_partners(
    entries: pd.DataFrame,
    centres: pd.DataFrame,
    centre_partners: pd.DataFrame,
    organisations: pd.DataFrame,
    sectors: pd.DataFrame,
    *,
    fold_hk_mo: bool = False,
    synthetic: bool = False,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(listed, country_review)``: the screen's rows, and pairs set aside for their country.

    ``listed`` has one row per centre, listed partner and register entry (columns of
    :data:`~pipeline.registers.schemas.LISTED_DTYPES`), centres with a partner in a sensitive
    (NSI Act) sector first, then by founding year and centre.
    """
    labels, sensitive = _sectors(sectors)
    links = _links(entries, centre_partners, organisations)
    ours = links["country"].map(lambda c: country_key(c, fold_hk_mo))
    theirs = links["entry_country"].map(lambda c: country_key(c, fold_hk_mo))
    agree = theirs.isna() | (ours == theirs)
    review = _country_review(links[~agree], fold_hk_mo)
    keep = links[agree]
    info = centres.set_index("centre_id")[["name", "year_established", "nsi_sector"]]
    keep = keep.join(info, on="centre_id").rename(columns={"name": "centre"})
    keys = keep["nsi_sector"].map(_sector_key)
    keep = keep.assign(
        centre_invented=bool(synthetic),
        sector_label=keys.map(labels).fillna(keys),
        sensitive_sector=keys.isin(sensitive),
        timing=[
            timing(y, e) for y, e in zip(keep["year_listed"], keep["year_established"], strict=True)
        ],
    )
    listed = schemas.typed(keep, schemas.LISTED_DTYPES).sort_values(
        [
            "sensitive_sector",
            "year_established",
            "centre_id",
            "organisation",
            "list_name",
            "entry_id",
        ],
        ascending=[False, True, True, True, True, True],
        kind="mergesort",
    )
    return schemas.validate_listed(listed.reset_index(drop=True)), review


def _country_review(pairs: pd.DataFrame, fold_hk_mo: bool) -> pd.DataFrame:
    hint = "" if fold_hk_mo else "; set fold_hk_mo to count Hong Kong and Macao with China"
    rows = [
        {
            "entry_id": r.entry_id,
            "organisation": r.organisation,
            "list_name": r.list_name,
            "issue": f"country differs: the register says {r.entry_country}, the organisation "
            f"registry says {r.country}{hint if r.country in HK_MO else ''}; not counted",
        }
        for r in pairs.drop_duplicates(["entry_id"]).itertuples(index=False)
    ]
    cols = ["entry_id", "organisation", "list_name", "issue"]
    return pd.DataFrame(rows, columns=cols).sort_values("entry_id").reset_index(drop=True)


# --------------------------------------------------------------------------- summaries
def by_list(entries: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """Per list and category: entries, partners found among the centres, centres concerned."""
    base = entries.groupby(["list_name", "category"], sort=True).size().rename("entries")
    hits = listed.groupby(["list_name", "category"], sort=True).agg(
        partners=("org_id", "nunique"), centres=("centre_id", "nunique")
    )
    out = base.to_frame().join(hits, how="left").fillna(0).astype("int64")
    return out.reset_index()


def by_sector(centres: pd.DataFrame, listed: pd.DataFrame, sectors: pd.DataFrame) -> pd.DataFrame:
    """Per NSI sector: centres, centres with a listed partner, without, and the share with one.

    Sensitive (NSI Act) sectors come first, then the sectors with most centres with a listed
    partner; centres without a sector form their own row.
    """
    labels, sensitive = _sectors(sectors)
    keys = centres["nsi_sector"].map(_sector_key)
    total = keys.value_counts()
    hit_ids = set(listed["centre_id"])
    with_listed = keys[centres["centre_id"].isin(hit_ids)].value_counts()
    out = pd.DataFrame({"sector": total.index.astype(str)})
    out["label"] = out["sector"].map(labels).fillna(out["sector"])
    out["sensitive_sector"] = out["sector"].isin(sensitive)
    out["centres"] = out["sector"].map(total).astype("int64")
    out["with_listed_partner"] = out["sector"].map(with_listed).fillna(0).astype("int64")
    out["without_listed_partner"] = out["centres"] - out["with_listed_partner"]
    share = 100.0 * out["with_listed_partner"] / out["centres"]
    out["share_with_listed_partner"] = share.round(1)
    out = out.sort_values(
        ["sensitive_sector", "with_listed_partner", "centres", "label"],
        ascending=[False, False, False, True],
        kind="mergesort",
    )
    return out.reset_index(drop=True)


def by_year(centres: pd.DataFrame, listed: pd.DataFrame) -> pd.DataFrame:
    """Per founding year (every year from first to last): centres founded, those with a listed
    partner, and among them those whose partner was already listed by the founding year."""
    years = centres["year_established"].astype(int)
    cols = ["year", "centres_founded", "with_listed_partner", "partner_listed_by_founding"]
    if years.empty:
        return pd.DataFrame(columns=cols, dtype="int64")
    early = listed["timing"].isin(["listed before founding", "listed in founding year"])
    by_founding = set(listed.loc[early, "centre_id"])
    hit = centres["centre_id"].isin(set(listed["centre_id"]))
    known = centres["centre_id"].isin(by_founding)
    rows = [
        {
            "year": y,
            "centres_founded": int((years == y).sum()),
            "with_listed_partner": int(((years == y) & hit).sum()),
            "partner_listed_by_founding": int(((years == y) & known).sum()),
        }
        for y in range(int(years.min()), int(years.max()) + 1)
    ]
    return pd.DataFrame(rows, columns=cols).astype("int64")


def unmatched_entries(
    entries: pd.DataFrame, listed: pd.DataFrame, centre_partners: pd.DataFrame, review: pd.DataFrame
) -> pd.DataFrame:
    """Register entries that found no centre partner, each with the reason."""
    partners = set(centre_partners["org_id"])
    set_aside = set(review["entry_id"])
    rest = entries[~entries["entry_id"].isin(set(listed["entry_id"]))]

    def status(r: Any) -> str:
        if r.org_id is None or pd.isna(r.org_id):
            return "not matched to the organisation registry (see the review list)"
        if r.entry_id in set_aside:
            return "country differs from the registry (see the review list)"
        if r.org_id not in partners:
            return "in the registry, but not a partner of any centre"
        return "not counted"

    out = rest[["entry_id", "organisation", "list_name", "category", "org_id"]].copy()
    out["status"] = [status(r) for r in rest.itertuples(index=False)]
    return out.reset_index(drop=True)


def registers_findings(
    centres: pd.DataFrame, listed: pd.DataFrame, sector_table: pd.DataFrame
) -> dict[str, Any]:
    """The chapter's findings (plain JSON types, nested dicts sorted by key)."""
    sensitive = listed[listed["sensitive_sector"]]
    by_sector_counts = dict(
        zip(sector_table["sector"], sector_table["with_listed_partner"], strict=True)
    )
    return {
        "centres_screened": len(centres),
        "centres_with_listed_partner": int(listed["centre_id"].nunique()),
        "centres_with_listed_partner_by_sector": {
            str(k): int(v) for k, v in sorted(by_sector_counts.items())
        },
        "centres_with_listed_partner_in_sensitive_sector": int(sensitive["centre_id"].nunique()),
        "listed_partners": int(listed["org_id"].nunique()),
    }


def screen(
    entries: pd.DataFrame,
    centres: pd.DataFrame,
    centre_partners: pd.DataFrame,
    organisations: pd.DataFrame,
    sectors: pd.DataFrame,
    *,
    lists: str | Iterable[str] | None = None,
    fold_hk_mo: bool = False,
    synthetic: bool = False,
) -> Screen:
    """Screen every centre's partners against the chosen registers (see the module docstring)."""
    chosen = select_lists(entries, lists)
    listed, review = listed_partners(
        chosen,
        centres,
        centre_partners,
        organisations,
        sectors,
        fold_hk_mo=fold_hk_mo,
        synthetic=synthetic,
    )
    sector_table = by_sector(centres, listed, sectors)
    params: Mapping[str, Any] = {
        "lists": "all" if lists is None else lists,
        "fold_hk_mo": bool(fold_hk_mo),
        "synthetic": bool(synthetic),
    }
    return Screen(
        listed=listed,
        by_list=by_list(chosen, listed),
        by_sector=sector_table,
        by_year=by_year(centres, listed),
        unmatched=unmatched_entries(chosen, listed, centre_partners, review),
        review=review,
        findings=registers_findings(centres, listed, sector_table),
        params=dict(params),
    )


# --------------------------------------------------------------------------- files
SCREEN_FILES = {
    "listed": "registers_listed_partners.csv",
    "listed_parquet": "registers_listed_partners.parquet",
    "by_list": "registers_by_list.csv",
    "by_sector": "registers_by_sector.csv",
    "by_year": "registers_by_year.csv",
    "unmatched": "registers_unmatched.csv",
    "review": "registers_country_review.csv",
}


def centres_invented(accounting: str | Path | Mapping[str, Any], setting: Any = "auto") -> bool:
    """Whether the centres are invented: ``setting`` true/false, or ``"auto"``.

    With ``"auto"`` the answer comes from the centres cleaner's row accounting (its JSON file
    or the dict itself): the synthetic edition's input file carries ``SYNTHETIC`` in its name.
    """
    if isinstance(setting, bool):
        return setting
    text = str(setting).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    if text != "auto":
        raise ValueError(f"synthetic: expected auto, true or false, not {setting!r}")
    if not isinstance(accounting, Mapping):
        path = Path(accounting)
        if not path.is_file():
            raise FileNotFoundError(f"{path}: centres row accounting not found")
        accounting = json.loads(path.read_text(encoding="utf-8"))
    return "SYNTHETIC" in str(accounting.get("source_file", ""))


def write_screen(result: Screen, out_dir: str | Path) -> list[Path]:
    """Write the screen's tables (CSV, and the listed partners also as parquet), atomically."""
    out = Path(out_dir)
    tables = {
        "listed": result.listed,
        "by_list": result.by_list,
        "by_sector": result.by_sector,
        "by_year": result.by_year,
        "unmatched": result.unmatched,
        "review": result.review,
    }
    paths = [atomic_write_csv(out / SCREEN_FILES[k], df) for k, df in tables.items()]
    paths.append(atomic_write_parquet(out / SCREEN_FILES["listed_parquet"], result.listed))
    return paths
