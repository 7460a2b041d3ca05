"""Assembly helpers for the centres chapter: the values its prose is glued from and the
findings record it writes.

The chapter's sentences are Markdown with ``{glue:md}`` values; the ``*_prose`` functions
here compute those values (numbers as text, names escaped by :func:`pipeline.report.glue`,
data-dependent words from :mod:`pipeline.wording`). Every helper takes computed values;
nothing here reads a file or types a number.

In a synthetic edition the facts attached to a named organisation are invented, so a
sentence that singles one out names it only when the brief itself names it
(:func:`pipeline.wording.organisation_name`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

import pandas as pd

from pipeline import published, report, wording
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


# ----------------------------------------------------------------------------- prose
def and_list(items: Iterable[Any]) -> str:
    """Plain readable list (``a``, ``a and b``, ``a, b and c``); glue escapes it."""
    names = [str(i) for i in items]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _mean(values: pd.Series) -> float | None:
    return float(values.mean()) if len(values) else None


def _years(years: Iterable[Any]) -> str:
    """``"2014–2019"`` for a run of years, ``"2020"`` for one, ``"none in the data"``."""
    ys = sorted(int(y) for y in years)
    if not ys:
        return "none in the data"
    return str(ys[0]) if ys[0] == ys[-1] else f"{ys[0]}–{ys[-1]}"


def growth_prose(years: pd.DataFrame, era: tuple[int, int]) -> dict[str, Any]:
    """Values for the growth section: totals by period, the busiest years and the change after
    the golden era (mean new centres a year after it against the mean inside it).

    ``years`` is :func:`~pipeline.centres.charts.years_frame`; ``era`` the golden-era years
    (:func:`pipeline.published.golden_era`). The direction word is
    :func:`pipeline.wording.change_word`'s; without a year after the era it reads "cannot be
    compared".
    """
    total = int(years["new"].sum())
    inside = years[(years["year"] >= era[0]) & (years["year"] <= era[1])]
    after = years[years["year"] > era[1]]
    peak = int(years["new"].max()) if len(years) else 0
    era_mean, after_mean = _mean(inside["new"]), _mean(after["new"])
    if era_mean is None or after_mean is None:
        change = "cannot be compared"
    else:
        change = wording.change_word(era_mean, after_mean)
    return {
        "centres_total": total,
        "centres_first": str(int(years["year"].min())),
        "centres_last": str(int(years["year"].max())),
        "era_label": _years(era),
        "era_new": int(inside["new"].sum()),
        "era_share": share_text(int(inside["new"].sum()), total),
        "before_new": int(years.loc[years["year"] < era[0], "new"].sum()),
        "after_new": int(after["new"].sum()),
        "after_label": _years(after["year"]),
        "peak_new": peak,
        "peak_years": and_list(years.loc[years["new"] == peak, "year"]),
        "gap_years": and_list(years.loc[years["new"] == 0, "year"]) or "none",
        "era_mean": f"{era_mean:.1f}" if era_mean is not None else "not available",
        "after_mean": f"{after_mean:.1f}" if after_mean is not None else "not available",
        "after_change": change,
    }


def _quantity(part: int, whole: int) -> str:
    """``"most (121, or 77.6%)"``: a share in words, with its count and percentage."""
    word = wording.share_word(part, whole) if whole else "none"
    return f"{word} ({report.fmt_int(part)}, or {share_text(part, whole)})"


def category_prose(
    disc: pd.DataFrame, topics: pd.DataFrame, sectors: pd.DataFrame, total: int
) -> dict[str, Any]:
    """Values for the discipline, topic and sector sections (frames of
    :mod:`pipeline.centres.charts`)."""
    d = disc.set_index("key")["centres"]
    top3 = topics.head(3)
    act = sectors[sectors["nsi_act"] == "NSI Act sector"]
    mapped, act_total = int(sectors["centres"].sum()), int(act["centres"].sum())
    lead = act.iloc[0] if len(act) else None
    return {
        "stem_centres": _quantity(int(d.get("stem", 0)), total),
        "non_stem_centres": int(d.get("non_stem", 0)),
        "multi_centres": int(d.get("multidisciplinary", 0)),
        "topics_n": len(topics),
        "topics_top": and_list(f"{r.label.lower()} ({r.centres})" for r in top3.itertuples()),
        "topics_top_share": share_text(int(top3["centres"].sum()), total),
        "sectors_mapped": _quantity(mapped, total),
        "sectors_act": _quantity(act_total, total),
        "sector_lead": str(lead["label"]).lower() if lead is not None else "none",
        "sector_lead_n": int(lead["centres"]) if lead is not None else 0,
        "sectors_unmapped": int(total - mapped),
    }


def location_prose(counts: Mapping[str, Any], total: int) -> dict[str, Any]:
    """Values for the location section: each kind of site, and which country has more centres
    with a base in it (twin centres count on both sides)."""
    n = {key: int(counts.get(key, 0)) for key in ("CN", "GB", "both", "virtual")}
    in_cn, in_uk = n["CN"] + n["both"], n["GB"] + n["both"]
    if in_cn == in_uk:
        compare = "as many centres have a base in China as in the UK"
    else:
        first, second = ("China", "the UK") if in_cn > in_uk else ("the UK", "China")
        compare = f"more centres have a base in {first} than in {second}"
    return {
        "loc_china_only": _quantity(n["CN"], total),
        "loc_uk_only": n["GB"],
        "loc_both": n["both"],
        "loc_virtual": n["virtual"],
        "sited_in_china": in_cn,
        "sited_in_uk": in_uk,
        "sited_compare": compare,
    }


def province_prose(
    prov: pd.DataFrame, coastal_codes: Collection[str], based_in_china: int
) -> dict[str, Any]:
    """Values for the province map: spread, the units with most centres, coastal share.

    ``prov`` is :func:`~pipeline.centres.charts.province_frame`; ``based_in_china`` the
    centres sited in China (China only or both).
    """
    counted = prov[prov["kind"] != "disputed"]
    with_centres = counted[counted["centres"] > 0]
    in_china = int(counted["centres"].sum())
    coastal = int(with_centres.loc[with_centres["code"].isin(set(coastal_codes)), "centres"].sum())
    top_n = int(with_centres["centres"].max()) if len(with_centres) else 0
    top = with_centres.loc[with_centres["centres"] == top_n, "province"].tolist()
    return {
        "prov_placed": in_china,
        "prov_units": len(with_centres),
        "prov_units_all": len(counted),
        "prov_top": and_list(top) or "none",
        "prov_top_n": top_n,
        "prov_coastal": _quantity(coastal, in_china) if in_china else "none",
        "prov_unplaced": based_in_china - in_china or "none",
    }


COUNTRY_ADJECTIVES = {"GB": "British", "CN": "Chinese"}


def partner_ranking(partners: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """Every partner organisation with the number of centres it takes part in (either side):
    ``org_id, name, country, centres``, most centres first, then name."""
    per_org = partners.drop_duplicates(["centre_id", "org_id"]).groupby("org_id").size()
    df = (
        per_org.rename("centres")
        .reset_index()
        .merge(organisations[["org_id", "name", "country"]], on="org_id", how="left")
    )
    df["name"] = df["name"].fillna(df["org_id"])
    df["country"] = df["country"].fillna("")
    return df.sort_values(["centres", "name"], ascending=[False, True], kind="mergesort")[
        ["org_id", "name", "country", "centres"]
    ].reset_index(drop=True)


def _country_phrase(code: str) -> str:
    adjective = COUNTRY_ADJECTIVES.get(str(code))
    return f"a {adjective} organisation" if adjective else "an organisation of another country"


def partners_prose(
    ranking: pd.DataFrame,
    edition: wording.Edition,
    named_by_brief: Collection[str],
    top_n: int = 10,
) -> dict[str, Any]:
    """Values for the paragraph on partner organisations of both countries: how many, the one in
    most centres (named only where :func:`~pipeline.wording.organisation_name` allows), its
    country, and how many of the ``top_n`` most involved are British."""
    top = ranking.iloc[0]
    head = ranking.head(top_n)
    stand_in = "the organisation ranked first"
    return {
        "partners_n": len(ranking),
        "partners_top": wording.organisation_name(
            str(top["name"]), edition, named_by_brief, stand_in
        ),
        "partners_top_country": _country_phrase(top["country"]),
        "partners_top_n": int(top["centres"]),
        "partners_top10_uk": int((head["country"] == "GB").sum()),
        "partners_top10_n": len(head),
    }


def uk_prose(
    uk: pd.DataFrame, nations: pd.Series, edition: wording.Edition, named: Collection[str]
) -> dict[str, Any]:
    """Values for the UK partner map: institutions, by nation, the most involved, unmapped."""
    by_nation = nations.value_counts().sort_index().sort_values(ascending=False, kind="stable")
    lead = uk.iloc[0]
    stand_in = "the institution listed first in the table beneath the map"
    return {
        "uk_partners": len(uk),
        "uk_by_nation": and_list(f"{k} {v}" for k, v in by_nation.items()),
        "uk_lead": wording.organisation_name(str(lead["name"]), edition, named, stand_in),
        "uk_lead_n": int(lead["centres"]),
        "uk_no_xy": int((uk["lon"].isna() | uk["lat"].isna()).sum()) or "none",
    }


def funder_prose(
    funders: pd.DataFrame, funders_count: int, no_funder: int, edition: wording.Edition
) -> dict[str, Any]:
    """Values for the funders section. The brief names no funder as leading, so in a synthetic
    edition the funder named most often is not named."""
    by_country = funders.groupby("country")["funder"].count()
    lead = funders.iloc[0]
    stand_in = "the funder drawn first in the chart below"
    return {
        "funders_n": int(funders_count),
        "funders_cn": int(by_country.get("China", 0)),
        "funders_uk": int(by_country.get("UK", 0)),
        "funders_other": int(by_country.get("Other", 0)),
        "funders_lead": wording.organisation_name(str(lead["funder"]), edition, (), stand_in),
        "funders_lead_n": int(lead["centres"]),
        "funders_none": int(no_funder) or "none",
    }
