"""Charts and display tables for the centres chapter and its cleaning log.

Everything here takes computed values (the findings of
:func:`pipeline.centres.centres_findings` or the cleaned tables) and returns a
sorted :class:`pandas.DataFrame` or an altair chart. Charts carry no title (the
caption goes through :func:`pipeline.report.show_chart`), use English labels,
Okabe–Ito colours (safe for the common colour-vision deficiencies) and are at
most 600 pixels wide. Specs are deterministic: the same numbers give the same
JSON.

Published settings (the golden-era years, the map bins) are read from
``data/reference/published_figures.yaml`` through :mod:`pipeline.published`; no
such value is typed in this module.

Public API::

    years_frame(new_by_year) -> DataFrame[year, new, cumulative]
    growth_chart(years, era, width=560) -> alt.VConcatChart
    counts_frame(counts, labels=None, total=None, order=None) -> DataFrame
    bar_chart(frame, x_title, colour_field=None, colours=None, width=520) -> alt.Chart
    discipline_frame(counts, total) / location_frame(counts, total)
    topic_frame(counts, topics, total) / sector_frame(counts, sectors, total)
    funder_frame(centres, funders) -> DataFrame[funder, country, centres]
    province_frame(counts, provinces, bins) -> DataFrame[code, province, centres, bin]
    uk_partner_frame(centre_partners, organisations) -> DataFrame
    named_present(present, named) -> list[str]
    header_frame(report) -> DataFrame        (cleaning log: header mapping found)
    reason_summary(rejects) -> DataFrame     (cleaning log: rejected rows by kind of reason)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import altair as alt
import pandas as pd

from pipeline import theme
from pipeline.centres.findings import funder_names
from pipeline.maps import NOT_INCLUDED_LABEL, bin_label

__all__ = [
    "BAND_COLOUR",
    "DISCIPLINE_LABELS",
    "FIELD_LABELS",
    "LOCATION_LABELS",
    "bar_chart",
    "counts_frame",
    "discipline_frame",
    "funder_frame",
    "growth_chart",
    "header_frame",
    "location_frame",
    "named_present",
    "province_frame",
    "reason_kind",
    "reason_summary",
    "sector_frame",
    "topic_frame",
    "uk_partner_frame",
    "years_frame",
]

#: Okabe–Ito colours.
BLUE = theme.BLUE
ORANGE = theme.ORANGE
GREEN = theme.GREEN
VERMILION = theme.VERMILION
GREY = theme.GREY
BAND_COLOUR = ORANGE
#: Readable names of the cleaner's codes.
DISCIPLINE_LABELS = {
    "stem": "STEM",
    "non_stem": "Non-STEM",
    "multidisciplinary": "Multidisciplinary",
}
LOCATION_LABELS = {
    "CN": "China",
    "GB": "UK",
    "both": "Both China and UK",
    "virtual": "Virtual",
}
COUNTRY_GROUPS = {"CN": "China", "GB": "UK"}
OTHER_COUNTRY = "Other"
#: What each canonical field of the cleaner holds (order of the cleaning-log table).
FIELD_LABELS = {
    "no": "Running number",
    "name": "Centre name (English)",
    "name_zh": "Centre name (Chinese)",
    "uk_partners": "UK partner institutions",
    "cn_partners": "Chinese partner institutions",
    "other_partners": "Other partner institutions",
    "year": "Year established",
    "city": "City",
    "province": "Province",
    "location": "Physical location",
    "research_area": "Research area",
    "funders": "Funders",
    "website": "Website",
    "status": "Status",
    "notes": "Notes",
}
NOT_FOUND = "(not found)"
MAX_WIDTH = 600


# =========================================================================== growth
def years_frame(new_by_year: Mapping[Any, Any]) -> pd.DataFrame:
    """``year, new, cumulative`` for every year from the first to the last, gaps as 0.

    ``new_by_year`` maps years (int or str, as in the findings JSON) to new centres.
    """
    new: dict[int, int] = {}
    for k, v in new_by_year.items():
        n = int(v)
        if n < 0:
            raise ValueError(f"new centres for {k}: {n} is negative")
        new[int(k)] = new.get(int(k), 0) + n
    if not new:
        return pd.DataFrame({"year": [], "new": [], "cumulative": []}, dtype="int64")
    years = list(range(min(new), max(new) + 1))
    counts = [new.get(y, 0) for y in years]
    running, cum = 0, []
    for n in counts:
        running += n
        cum.append(running)
    return pd.DataFrame({"year": years, "new": counts, "cumulative": cum}, dtype="int64")


def _year_axis(years: list[int], title: str | None) -> alt.Axis:
    return alt.Axis(
        values=years, format="d", labelAngle=-45, labelOverlap=False, title=title, grid=False
    )


def _band(era: tuple[int, int], domain: tuple[float, float], label: bool) -> alt.LayerChart:
    lo = max(era[0] - 0.5, domain[0])
    hi = min(era[1] + 0.5, domain[1])
    band_df = pd.DataFrame(
        {"start": [lo], "end": [hi], "label": [f"{era[0]}–{era[1]}"], "mid": [(lo + hi) / 2]}
    )
    rect = (
        alt.Chart(band_df)
        .mark_rect(color=BAND_COLOUR, opacity=0.18)
        .encode(x=alt.X("start:Q"), x2="end:Q")
    )
    if not label:
        return alt.layer(rect)
    text = (
        alt.Chart(band_df)
        .mark_text(baseline="top", dy=4, fontSize=11, color=theme.BAND_TEXT)
        .encode(x="mid:Q", y=alt.value(2), text="label:N")
    )
    return alt.layer(rect, text)


def growth_chart(years: pd.DataFrame, era: tuple[int, int], width: int = 520) -> alt.VConcatChart:
    """Cumulative centres (line, top) over new centres per year (bars, bottom).

    Both panels share one year axis that lists every year of ``years`` and shade the
    ``era`` period (inclusive years, e.g. from :func:`pipeline.published.golden_era`); the band is clipped to
    the years shown and labelled ``start–end`` in the top panel.
    """
    if years.empty:
        raise ValueError("growth_chart: no years to draw")
    width = min(int(width), MAX_WIDTH)
    df = years[["year", "new", "cumulative"]].astype("int64").sort_values("year")
    df = df.reset_index(drop=True)
    ylist = [int(y) for y in df["year"]]
    domain = (ylist[0] - 0.5, ylist[-1] + 0.5)
    xscale = alt.Scale(domain=list(domain), nice=False, zero=False)
    bars_df = df.assign(x0=df["year"] - 0.38, x1=df["year"] + 0.38)
    in_era = (df["year"] >= era[0]) & (df["year"] <= era[1])
    bars_df["period"] = [f"{era[0]}–{era[1]}" if e else "other years" for e in in_era]

    line = (
        alt.Chart(df)
        .mark_line(color=BLUE, strokeWidth=2.5, point=alt.OverlayMarkDef(color=BLUE, size=30))
        .encode(
            x=alt.X("year:Q", scale=xscale, axis=_year_axis(ylist, None)),
            y=alt.Y("cumulative:Q", title="Centres founded to date (cumulative)"),
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("cumulative:Q", title="Founded to date"),
                alt.Tooltip("new:Q", title="New that year"),
            ],
        )
    )
    top = alt.layer(_band(era, domain, label=True), line).properties(width=width, height=230)

    bars = (
        alt.Chart(bars_df)
        .mark_rect(color=BLUE)
        .encode(
            x=alt.X("x0:Q", scale=xscale, axis=_year_axis(ylist, "Year established")),
            x2="x1:Q",
            y=alt.Y("new:Q", title="New centres"),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("year:Q", title="Year", format="d"),
                alt.Tooltip("new:Q", title="New centres"),
            ],
        )
    )
    bottom = alt.layer(_band(era, domain, label=False), bars).properties(width=width, height=130)
    return alt.vconcat(top, bottom, spacing=12).resolve_scale(x="shared")


# =========================================================================== categories
def counts_frame(
    counts: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    total: int | None = None,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """``key, label, centres, share, text`` for a mapping of category -> count.

    ``share`` is the percentage of ``total`` (default: the sum of the counts), 2 dp;
    ``text`` reads like ``"28 (17.9%)"``. Rows follow ``order`` when given (keys missing
    from ``counts`` count 0), otherwise most centres first, then label.
    """
    labels = labels or {}
    keys = list(order) if order is not None else list(counts)
    rows = []
    for k in keys:
        n = int(counts.get(k, 0) or 0)
        rows.append({"key": str(k), "label": labels.get(k, str(k)), "centres": n})
    df = pd.DataFrame(rows, columns=["key", "label", "centres"])
    df["centres"] = df["centres"].astype("int64")
    denom = int(total) if total is not None else int(df["centres"].sum())
    df["share"] = [round(100.0 * n / denom, 2) if denom else 0.0 for n in df["centres"]]
    df["text"] = [f"{n} ({s:.1f}%)" for n, s in zip(df["centres"], df["share"], strict=True)]
    if order is None:
        df = df.sort_values(["centres", "label"], ascending=[False, True], kind="mergesort")
    return df.reset_index(drop=True)


def bar_chart(
    frame: pd.DataFrame,
    x_title: str,
    *,
    colour_field: str | None = None,
    colours: Mapping[str, str] | None = None,
    colour_title: str | None = None,
    text_field: str = "text",
    width: int = 340,
) -> alt.Chart:
    """Horizontal bars of ``frame.centres`` by ``frame.label`` in the frame's row order.

    Each bar carries ``text_field`` as a label. With ``colour_field`` the bars are coloured
    by that column (``colours`` maps its values to colours, in legend order).
    """
    width = min(int(width), MAX_WIDTH - 200)
    order = [str(v) for v in frame["label"]]
    cols = ["label", "centres", text_field] + ([colour_field] if colour_field else [])
    df = frame[list(dict.fromkeys(cols))].reset_index(drop=True)
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=0))
    top = int(df["centres"].max()) if len(df) else 0
    x = alt.X(
        "centres:Q",
        title=x_title,
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=[0, max(1, math.ceil(top * 1.25))], nice=False),
    )
    tooltip = [alt.Tooltip("label:N", title="Category"), alt.Tooltip("centres:Q", title="Centres")]
    base = alt.Chart(df).encode(y=y, x=x, tooltip=tooltip)
    if colour_field:
        domain = list(colours) if colours else sorted(df[colour_field].astype(str).unique())
        rng = list(colours.values()) if colours else [BLUE, ORANGE, GREEN, VERMILION, GREY]
        colour = alt.Color(
            f"{colour_field}:N",
            scale=alt.Scale(domain=domain, range=rng[: len(domain)]),
            title=colour_title,
            legend=alt.Legend(orient="bottom"),
        )
        bars = base.mark_bar().encode(color=colour)
    else:
        bars = base.mark_bar(color=BLUE)
    text = base.mark_text(align="left", dx=4, fontSize=11, color=theme.TEXT).encode(
        text=f"{text_field}:N"
    )
    height = max(60, 20 * len(df))
    return alt.layer(bars, text).properties(width=width, height=height)


def discipline_frame(counts: Mapping[str, Any], total: int) -> pd.DataFrame:
    """Discipline groups in a fixed order (STEM, non-STEM, multidisciplinary)."""
    return counts_frame(counts, DISCIPLINE_LABELS, total=total, order=list(DISCIPLINE_LABELS))


def location_frame(counts: Mapping[str, Any], total: int) -> pd.DataFrame:
    """Physical location in a fixed order (China, UK, both, virtual)."""
    return counts_frame(counts, LOCATION_LABELS, total=total, order=list(LOCATION_LABELS))


def topic_frame(counts: Mapping[str, Any], topics: pd.DataFrame, total: int) -> pd.DataFrame:
    """Topic counts with registry labels and discipline group (``topics.csv``)."""
    labels = dict(zip(topics["topic"].astype(str), topics["label"].astype(str), strict=True))
    df = counts_frame(counts, labels, total=total)
    group = dict(
        zip(topics["topic"].astype(str), topics["discipline_group"].astype(str), strict=True)
    )
    df["discipline_group"] = [
        DISCIPLINE_LABELS.get(group.get(k, ""), "Unclassified") for k in df["key"]
    ]
    return df


def sector_frame(counts: Mapping[str, Any], sectors: pd.DataFrame, total: int) -> pd.DataFrame:
    """NSI sector counts with registry labels and whether the sector is one of the Act's."""
    labels = dict(zip(sectors["sector"].astype(str), sectors["label"].astype(str), strict=True))
    in_act = {
        str(s): str(v).strip().lower() == "true"
        for s, v in zip(sectors["sector"], sectors["in_nsi_act"], strict=True)
    }
    df = counts_frame(counts, labels, total=total)
    df["nsi_act"] = ["NSI Act sector" if in_act.get(k, False) else "Other" for k in df["key"]]
    return df


def funder_frame(centres: pd.DataFrame, funders: pd.DataFrame | None = None) -> pd.DataFrame:
    """``funder, country, centres``: how many centres name each funder (each centre once).

    ``country`` is China / UK / Other from the funder registry (``funders.csv``: ``name``,
    ``country``); names the registry lacks count as Other. Most centres first, then name.
    """
    counts: Counter[str] = Counter()
    for v in centres["funders"]:
        counts.update(set(funder_names(v)))
    country: dict[str, str] = {}
    if funders is not None and len(funders):
        country = dict(
            zip(funders["name"].astype(str), funders["country"].astype(str), strict=True)
        )
    rows = [
        {
            "funder": name,
            "country": COUNTRY_GROUPS.get(country.get(name, ""), OTHER_COUNTRY),
            "centres": int(n),
        }
        for name, n in counts.items()
    ]
    df = pd.DataFrame(rows, columns=["funder", "country", "centres"])
    df["centres"] = df["centres"].astype("int64")
    return df.sort_values(
        ["centres", "funder"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def _name_key(s: Any) -> str:
    return re.sub(r"\s+", " ", str(s)).strip().casefold()


def named_present(present: Sequence[str], named: Sequence[str]) -> list[str]:
    """The names of ``named`` that occur in ``present`` (case and spacing ignored).

    Kept in the order of ``named``; used for the reproduction check, which sets the funders a
    publication names beside the funders found in the data.
    """
    found = {_name_key(p) for p in present}
    return [str(n) for n in named if _name_key(n) in found]


# =========================================================================== maps
def province_frame(
    counts: Mapping[str, Any], provinces: pd.DataFrame, bins: Sequence[int]
) -> pd.DataFrame:
    """One row per province-level unit: ``code, province, kind, centres, bin``.

    Units are those of ``provinces.csv`` (``code``, ``name_en``, ``kind``); Taiwan (kind
    ``disputed``) is listed as "Not included" with no count, matching the map. Most centres
    first, then code. Raises ``ValueError`` for a code in ``counts`` that the registry lacks.
    """
    known = set(provinces["code"].astype(str))
    unknown = sorted(set(map(str, counts)) - known)
    if unknown:
        raise ValueError(f"province counts: code(s) not in provinces.csv: {', '.join(unknown)}")
    rows = []
    for r in provinces.sort_values("code").itertuples(index=False):
        code, kind = str(r.code), str(r.kind)
        name = str(r.name_en) + (" SAR" if kind == "sar" else "")
        if kind == "disputed":
            rows.append(
                {
                    "code": code,
                    "province": name,
                    "kind": kind,
                    "centres": pd.NA,
                    "bin": NOT_INCLUDED_LABEL,
                }
            )
            continue
        n = int(counts.get(code, 0) or 0)
        rows.append(
            {
                "code": code,
                "province": name,
                "kind": kind,
                "centres": n,
                "bin": bin_label(n, list(bins)),
            }
        )
    df = pd.DataFrame(rows, columns=["code", "province", "kind", "centres", "bin"])
    df["centres"] = df["centres"].astype("Int64")
    df["_n"] = df["centres"].fillna(-1).astype("int64")
    df = df.sort_values(["_n", "code"], ascending=[False, True], kind="mergesort")
    return df.drop(columns="_n").reset_index(drop=True)


def uk_partner_frame(centre_partners: pd.DataFrame, organisations: pd.DataFrame) -> pd.DataFrame:
    """UK partner institutions: ``org_id, name, city, uk_nation, centres``.

    ``centres`` counts distinct centres per organisation among links on the UK side. Most
    centres first, then name.
    """
    uk = centre_partners[centre_partners["side"] == "UK"]
    per_org = uk.drop_duplicates(["centre_id", "org_id"]).groupby("org_id").size()
    per_org = per_org.rename("centres").reset_index()
    orgs = organisations[["org_id", "name", "city", "uk_nation"]]
    df = per_org.merge(orgs, on="org_id", how="left")
    df["name"] = df["name"].fillna(df["org_id"])
    df["centres"] = df["centres"].astype("int64")
    df = df[["org_id", "name", "city", "uk_nation", "centres"]]
    return df.sort_values(
        ["centres", "name"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


# =========================================================================== cleaning log
def header_frame(report: Mapping[str, Any]) -> pd.DataFrame:
    """``field, meaning, header``: which header of the file the cleaner used for each field.

    ``report`` is the cleaner's report (``CentresResult.report``, or
    ``centres_cleaning_report.json``) with ``columns`` mapping canonical field -> header text.
    Known fields come first in a fixed order (missing ones read "(not found)"), then any other
    mapped field by name.
    """
    columns = {str(k): str(v) for k, v in dict(report.get("columns") or {}).items()}
    rows = [
        {"field": k, "meaning": meaning, "header": columns.get(k, NOT_FOUND)}
        for k, meaning in FIELD_LABELS.items()
    ]
    rows += [
        {"field": k, "meaning": k, "header": columns[k]}
        for k in sorted(columns)
        if k not in FIELD_LABELS
    ]
    return pd.DataFrame(rows, columns=["field", "meaning", "header"])


_CLOSEST_TAIL = re.compile(r"\s*\(closest.*$", re.DOTALL)
_FROM_GROUP = re.compile(r"\s*\(from [^)]*\)")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_LEADING_YEAR = re.compile(r"^(year established) -?\d+(?:\.\d+)?")


def reason_kind(reason: str) -> str:
    """A reason without its row-specific details (values, closest-match hints).

    ``"unknown province 'Xx' (closest known: ...)"`` -> ``"unknown province '…'"``;
    ``"year established 1950 (from 'c. 1950') is outside [1978, 2022]"`` ->
    ``"year established … is outside [1978, 2022]"``.
    """
    text = _CLOSEST_TAIL.sub("", str(reason))
    text = _FROM_GROUP.sub("", text)
    text = _QUOTED.sub("'…'", text)
    text = _LEADING_YEAR.sub(r"\1 …", text)
    return re.sub(r"\s+", " ", text).strip()


def reason_summary(rejects: pd.DataFrame) -> pd.DataFrame:
    """``reason, rows``: rejected rows per kind of reason (a row with two problems counts
    under both), most rows first, then reason."""
    if rejects.empty:
        return pd.DataFrame({"reason": [], "rows": []}).astype({"rows": "int64"})
    kinds = rejects.assign(reason=[reason_kind(r) for r in rejects["reason"]])
    df = (
        kinds.drop_duplicates(["source_row", "reason"])
        .groupby("reason", sort=True)
        .size()
        .rename("rows")
        .reset_index()
    )
    df["rows"] = df["rows"].astype("int64")
    return df.sort_values(
        ["rows", "reason"], ascending=[False, True], kind="mergesort"
    ).reset_index(drop=True)


def bins_filled(counts: dict[str, int], bounds: list[int], codes: list[str]) -> list[int]:
    """Lower bounds of the map bins that hold at least one province.

    ``counts`` maps province codes to centres (provinces absent from it have
    none); ``bounds`` are the bins' lower bounds (e.g. none, 1-3, 4-6 ...);
    ``codes`` are every province-level unit shown on the map.
    """
    ordered = sorted(int(b) for b in bounds)
    filled = set()
    for code in codes:
        n = int(counts.get(code, 0))
        filled.add(max(b for b in ordered if b <= n))
    return [b for b in ordered if b in filled]
