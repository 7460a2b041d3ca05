"""Display tables and wording for the synthesis chapter (``phase3_synthesis``).

The findings themselves come from :mod:`pipeline.synthesis.findings`; this module only
shapes them for the book: tables with English headers, shares as percentages, and lists of
theme names written as prose.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.disclosure import SHOWN, share_of
from pipeline.report import md_escape
from pipeline.synthesis.schemas import GOOD_PRACTICE_GROUPS, LEVEL_SCORE, LEVELS, NOT_MEASURED

__all__ = [
    "benefits_risks_display",
    "good_practices_table",
    "level_scale_text",
    "lower_first",
    "name_list",
    "recommendations_table",
    "resource_links",
    "resources_table",
    "share_phrase",
    "share_text",
]


def share_text(row: Any, source: str, *, with_count: bool = True) -> str:
    """One source's share of a benefits-and-risks row as text, as disclosure control allows.

    ``source`` is ``"survey"`` or ``"interview"``. Shown: ``"88% (37 of 42)"`` (or ``"88%"``
    without the count); hidden: ``"hidden (<5 of 41)"``; not asked: ``"not asked"``.
    """
    status = getattr(row, f"{source}_status")
    if status == NOT_MEASURED:
        return "not asked"
    pct = f"{100 * getattr(row, f'{source}_share'):.0f}%" if status == SHOWN else "hidden"
    return f"{pct} ({getattr(row, f'{source}_label')})" if with_count else pct


def share_phrase(row: Any, source: str, people: str) -> str:
    """A source's share written into a sentence: ``"2% of survey respondents (1 of 42)"``;
    hidden, ``"a hidden share of interviews (<5 of 40)"``; ``"not asked of ..."`` when the
    source did not measure the theme. ``people`` names the denominator's people."""
    status = getattr(row, f"{source}_status")
    if status == NOT_MEASURED:
        return f"not asked of {people}"
    label = getattr(row, f"{source}_label")
    if status != SHOWN:
        return f"a hidden share of {people} ({label})"
    return f"{100 * getattr(row, f'{source}_share'):.0f}% of {people} ({label})"


def level_scale_text() -> str:
    """The literature's scale as prose: ``"1 (low) to 3 (high)"``."""
    first, last = LEVELS[0], LEVELS[-1]
    return f"{LEVEL_SCORE[first]} ({first}) to {LEVEL_SCORE[last]} ({last})"


def lower_first(label: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (UK, IP)."""
    first = label.split(" ", 1)[0]
    return label if first.isupper() else label[:1].lower() + label[1:]


def name_list(items: list[str]) -> str:
    """Theme labels as escaped prose: ``"a, b and c"`` (first letters lowered), ``"none"``."""
    items = [md_escape(lower_first(i)) for i in items]
    if not items:
        return "none"
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def benefits_risks_display(evidence: pd.DataFrame) -> pd.DataFrame:
    """The benefits-and-risks table with English headers; shares with their denominators."""
    rows = list(evidence.itertuples(index=False))
    return pd.DataFrame(
        {
            "Theme": evidence["label"],
            "Kind": evidence["kind"],
            "Literature emphasis": evidence["literature"],
            "Survey share": [share_text(r, "survey") for r in rows],
            "Interview share": [share_text(r, "interview") for r in rows],
            "Literature against those consulted": evidence["comparison"],
        }
    )


def recommendations_table(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The recommendations as a display table: No., theme, recommendation, the workshop's
    median feasibility and impact (blank when too few participants scored it) and how many
    participants scored it."""
    df = recommendations.sort_values(["id"], kind="stable")

    def score(values: pd.Series) -> pd.Series:
        return values.map(lambda v: "" if pd.isna(v) else f"{float(v):g}")

    return pd.DataFrame(
        {
            "No.": df["id"].astype(int),
            "Theme": df["theme"].str.capitalize(),
            "Recommendation": df["title"],
            "Feasibility (median)": score(df["feasibility"]),
            "Impact (median)": score(df["impact"]),
            "Participants": df["participants"].astype(int),
        }
    ).reset_index(drop=True)


def good_practices_table(
    good_practices: pd.DataFrame,
    code_counts: pd.DataFrame | None = None,
    n_interviews: int | None = None,
    group_order: tuple[str, ...] | None = None,
    k: int = 5,
) -> pd.DataFrame:
    """Good practices by group, with the share of interviews raising the linked code.

    Columns ``Group, Practice`` and, when ``code_counts``/``n_interviews`` are given,
    ``Interviews raising it``: the share of all interviews with its count (``"42% (17 of
    40)"``), hidden below ``k`` as the interview chapter hides it (:mod:`pipeline.disclosure`),
    blank when the practice has no code. Rows follow ``group_order`` (default: the synthesis
    order), then id.
    """
    if group_order is None:
        group_order = GOOD_PRACTICE_GROUPS
    rank = {g: i for i, g in enumerate(group_order)}
    df = good_practices.copy()
    df["_g"] = df["group"].map(rank).fillna(len(rank))
    df = df.sort_values(["_g", "id"], kind="stable").reset_index(drop=True)
    out = pd.DataFrame({"Group": df["group"].str.capitalize(), "Practice": df["practice"]})
    if code_counts is not None and n_interviews:
        counts = dict(zip(code_counts["code_id"], code_counts["interviews_total"], strict=True))

        def share(code: Any) -> str:
            if pd.isna(code) or code not in counts:
                return ""
            return share_of(counts[code], n_interviews, k).text()

        out["Interviews raising it"] = [share(c) for c in df["code_id"]]
    return out


def resources_table(resources: pd.DataFrame) -> pd.DataFrame:
    """The resources the good practices name: resource, provider, the practices it serves
    (their ids) and whether a web address was checked (the addresses follow the table as a
    list, where long ones can wrap)."""
    return pd.DataFrame(
        {
            "Resource": resources["name"],
            "Provided by": resources["provider"],
            "Serves practices": resources["good_practice_ids"].str.replace(" | ", ", "),
            "Web address checked": resources["url"].notna().map({True: "yes", False: "no"}),
        }
    ).reset_index(drop=True)


def resource_links(resources: pd.DataFrame) -> str:
    """The checked web addresses as a Markdown list: ``- name: <url>``."""
    rows = resources.dropna(subset=["url"])
    return "\n".join(f"- {md_escape(r.name)}: <{r.url}>" for r in rows.itertuples(index=False))
