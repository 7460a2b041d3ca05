"""Assembly helpers for the bibliometric chapter: the values its prose is glued from.

The chapter's sentences are Markdown with ``{glue:md}`` values; these functions compute
them from the yearly table (:func:`pipeline.biblio.findings.yearly_table`), the field mix
and the leading institutions, with the data-dependent words chosen by
:mod:`pipeline.wording`. In a synthetic edition an institution is named in a sentence that
ranks it only when the brief itself names it (:func:`pipeline.wording.organisation_name`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import pandas as pd

from pipeline import report, wording

__all__ = [
    "agreement_note",
    "fields_prose",
    "institutions_prose",
    "share_summary",
    "yearly_prose",
]


def _count(yearly: pd.DataFrame, year: int) -> int:
    return int(yearly.loc[yearly["year"] == year, "uk_cn_works"].iloc[0])


def _after_era(yearly: pd.DataFrame, era_end: int, era_last: int | None) -> str:
    """How the last year compares with the era's last year, or why it cannot be said."""
    after = yearly[yearly["year"] > era_end]
    if not len(after) or era_last is None:
        return "the series ends within the shaded years"
    year, n = int(after["year"].iloc[-1]), int(after["uk_cn_works"].iloc[-1])
    change = f"{report.fmt_pct(100.0 * abs(n - era_last) / era_last)} "
    change += "above" if n > era_last else "below"
    if wording.direction(era_last, n) == "flat":
        return f"in {year} the count was about the same as in {era_end} ({change})"
    return f"in {year} the count stood {change} its {era_end} level"


def yearly_prose(yearly: pd.DataFrame, era: tuple[int, int]) -> dict[str, Any]:
    """Values for the co-publications-per-year paragraph: first and last year, the change
    between them in words and as a ratio, the peak, and the shaded (golden-era) years."""
    first, last = int(yearly["year"].min()), int(yearly["year"].max())
    first_n, last_n = _count(yearly, first), _count(yearly, last)
    peak = yearly.loc[yearly["uk_cn_works"].idxmax()]
    in_era = yearly[(yearly["year"] >= era[0]) & (yearly["year"] <= era[1])]
    era_first = int(in_era["uk_cn_works"].iloc[0]) if len(in_era) else None
    era_last = int(in_era["uk_cn_works"].iloc[-1]) if len(in_era) else None
    return {
        "years_first": str(first),
        "years_last": str(last),
        "copubs_first": first_n,
        "copubs_last": last_n,
        "copubs_change": wording.change_word(first_n, last_n, up="grew", down="fell"),
        "copubs_ratio": wording.times_phrase(first_n, last_n, "papers") if first_n else "",
        "copubs_peak_year": str(int(peak["year"])),
        "copubs_peak": int(peak["uk_cn_works"]),
        "era_label": f"{era[0]}–{era[1]}",
        "era_first": era_first if era_first is not None else "no count",
        "era_last": era_last if era_last is not None else "no count",
        "after_era": _after_era(yearly, era[1], era_last),
    }


def share_summary(yearly: pd.DataFrame) -> str:
    """The paragraph on co-publications as a share of UK output, or why there is none.

    Without a yearly count of all UK papers the share cannot be computed, so the paragraph's
    presence depends on the inputs and it is assembled here; the direction word is
    :func:`pipeline.wording.change_word`'s.
    """
    df = yearly.dropna(subset=["share_of_uk"])
    if df.empty:
        return (
            "No yearly count of all UK papers was found, so the share of UK output cannot be "
            "computed for this edition."
        )
    y0, y1 = int(df["year"].iloc[0]), int(df["year"].iloc[-1])
    s0, s1 = float(df["share_of_uk"].iloc[0]), float(df["share_of_uk"].iloc[-1])
    peak = df.loc[df["share_of_uk"].idxmax()]
    change = wording.change_word(s0, s1)
    meaning = {
        "rose": "collaboration with China grew faster than UK publishing as a whole, so its "
        "growth is not just a by-product of more publishing overall",
        "fell": "collaboration with China lost ground against UK publishing as a whole",
        "stayed about the same": "collaboration with China kept pace with UK publishing as a whole",
    }[change]
    return (
        f"In {y0} about one UK paper in {report.fmt_int(round(100 / s0))} had a Chinese "
        f"co-author ({report.fmt_pct(s0, 2)}); the share was highest in {int(peak['year'])}, "
        f"at {report.fmt_pct(peak['share_of_uk'], 2)} (about one in "
        f"{report.fmt_int(round(100 / peak['share_of_uk']))}), and was {report.fmt_pct(s1, 2)} "
        f"in {y1}. Over the period the share {change}: {meaning}."
    )


def fields_prose(fields: pd.DataFrame, social_share: float, top: int = 5) -> dict[str, Any]:
    """Values for the field-mix paragraph (``fields``: :func:`~findings.field_mix`)."""
    head = fields.head(top)
    total = int(fields["works"].sum())
    social = round(total * social_share / 100)
    return {
        "fields_n": len(fields),
        "fields_top_n": len(head),
        "fields_top": ", ".join(str(f) for f in head["field"]),
        "fields_top_share": report.fmt_pct(head["share"].sum()),
        "fields_social": f"{wording.share_word(social, total)} ({report.fmt_pct(social_share)})",
    }


def institutions_prose(
    lead_uk: pd.DataFrame,
    lead_cn: pd.DataFrame,
    tables: tuple[str, str],
    edition: wording.Edition,
    named_by_brief: Collection[str],
) -> dict[str, Any]:
    """Values for the paragraphs on the leading institutions of each country.

    ``tables`` are the numbers of the UK and Chinese tables; in a synthetic edition an
    institution the brief does not name is called "the institution ranked first in Table N".
    """
    top_cn, top_uk = lead_cn.iloc[0], lead_uk.iloc[0]
    next_cn = lead_cn.iloc[1] if len(lead_cn) > 1 else top_cn
    last_uk = lead_uk.iloc[-1]

    def name(row: Any, table: str) -> str:
        stand_in = f"the institution ranked first in Table {table}"
        return wording.organisation_name(str(row["institution"]), edition, named_by_brief, stand_in)

    return {
        "cn_top": name(top_cn, tables[1]),
        "cn_top_share": report.fmt_pct(top_cn["share"]),
        "cn_lead": wording.lead_phrase(top_cn["share"], next_cn["share"]),
        "cn_next_share": report.fmt_pct(next_cn["share"]),
        "uk_top": name(top_uk, tables[0]),
        "uk_top_share": report.fmt_pct(top_uk["share"]),
        "uk_listed": len(lead_uk),
        "uk_last_share": report.fmt_pct(last_uk["share"]),
        "uk_ratio": f"{float(top_uk['share']) / float(last_uk['share']):.1f}",
        "uk_spread": wording.spread_phrase(top_uk["share"], last_uk["share"]),
    }


def agreement_note(edition: wording.Edition) -> str:
    """What agreement with the published figures means for this edition."""
    if edition.calibrated_to_brief:
        return (
            "Agreement here is by construction: the synthetic inputs were calibrated to the "
            "published figures. With a real OpenAlex extract, expect visible differences and "
            "read them as a difference between databases."
        )
    if edition.synthetic:
        return (
            "The synthetic inputs of this edition were calibrated to an invented scenario, not "
            "to the published figures, so the differences here are by design and say nothing "
            "about either database."
        )
    return (
        "Where they differ, the gap reflects the two databases' coverage and affiliation "
        "matching as much as any change in collaboration."
    )
