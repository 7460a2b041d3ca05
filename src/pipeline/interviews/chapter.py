"""Assembly helpers for the interview chapter: the values its prose is glued from.

The chapter's sentences are Markdown; these functions compute what goes into them from the
protected tables of :mod:`pipeline.interviews.charts` (so a count hidden there is never
stated in prose) and choose the data-dependent words through :mod:`pipeline.wording`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from pipeline import report, wording
from pipeline.disclosure import PRIMARY
from pipeline.interviews.charts import share_phrase

__all__ = ["contrast_prose", "excerpt_table", "risk_prose", "top_codes"]


def top_codes(theme_data: pd.DataFrame) -> str:
    """``"drivers: **X** (12 interviews); benefits: ..."``: the code raised in most interviews
    of each theme, among the codes whose count is shown (escaped Markdown)."""
    shown = theme_data[~theme_data["suppressed"].astype(bool)]
    tops = shown.groupby("theme", sort=False).head(1)
    if tops.empty:
        return "no code was raised in enough interviews to be shown"
    return "; ".join(
        f"{report.md_escape(str(r['theme_label']).lower())}: **{report.md_escape(r['code'])}** "
        f"({report.md_escape(r['label'])} {wording.plural(int(r['count']), 'interview')})"
        for r in tops.to_dict("records")
    )


def _share_range(cell: Mapping[str, Any], k: int) -> tuple[float, float] | None:
    """What the chapter lets a reader know of a cell's share: ``(low, high)`` in percent.

    Shown: the share itself. Hidden as small (``"<k"``) in a group of known size: between
    one and ``k - 1`` interviews of it. A complementary cell or a group too small to show
    tells nothing (``None``).
    """
    if not bool(cell["suppressed"]):
        return float(cell["share"]), float(cell["share"])
    n = cell["n"]
    if cell["status"] != PRIMARY or n is None or pd.isna(n):
        return None
    return 100.0 / int(n), 100.0 * (k - 1) / int(n)


def _lean(contrast: pd.DataFrame, code: str, groups: Sequence[str], k: int) -> str:
    """Which group raised ``code`` more often, judged only from what the chapter shows."""
    cells = contrast[contrast["code_id"] == code].set_index("group")
    ranges = [_share_range(cells.loc[g], k) for g in groups[:2]]
    if ranges[0] is None or ranges[1] is None:
        return "the two cannot be compared here, as a cell is hidden"
    (lo_a, hi_a), (lo_b, hi_b) = ranges
    if lo_a == hi_a and lo_b == hi_b and wording.direction(lo_b, lo_a) == "flat":
        return "about as often in both groups"
    if lo_a > hi_b:
        return f"more often in {_group_name(groups[0])}"
    if lo_b > hi_a:
        return f"more often in {_group_name(groups[1])}"
    return "the two cannot be compared here, as a hidden cell could lie on either side"


def _group_name(group: str) -> str:
    return group if group.isupper() else "the " + group[:1].lower() + group[1:]


def contrast_prose(
    contrast: pd.DataFrame, codes: Sequence[str], groups: Sequence[str], k: int
) -> dict[str, Any]:
    """Values for the STEM / social sciences and humanities comparison of two benefits.

    ``contrast`` is :func:`~pipeline.interviews.charts.group_contrast_data`; for each code
    ``c`` (``c0``, ``c1`` in the order of ``codes``) and group ``g`` (``g0``, ``g1``):
    ``contrast_c<i>_g<j>`` (the share phrase) and ``contrast_c<i>_lean`` (which group raised
    it more often, or that the two cannot be compared). A hidden cell is compared only
    through what the chapter already shows of it (fewer than ``k`` of a known group size);
    two shown shares within :data:`pipeline.wording.STABLE_BAND` of each other are "about as
    often".
    """
    out: dict[str, Any] = {}
    for i, code in enumerate(codes):
        for j, group in enumerate(groups):
            cell = contrast[(contrast["code_id"] == code) & (contrast["group"] == group)]
            if cell.empty:
                raise KeyError(f"no contrast cell for code {code!r} and group {group!r}")
            out[f"contrast_c{i}_g{j}"] = share_phrase(cell.iloc[0], k)
        out[f"contrast_c{i}_lean"] = _lean(contrast, code, groups, k)
    return out


def risk_prose(interviews: Mapping[str, Any], survey_said: int, survey_answered: int) -> dict:
    """Values for the felt-at-risk sentence: overall counts of each source, shown as they are.

    ``survey_answered`` is the respondents who answered the survey's question
    (:func:`pipeline.survey.findings.question_bases`), the same base the survey chapter uses.
    """

    def said(n: int) -> str:
        return "none" if int(n) == 0 else report.fmt_int(n)

    return {
        "risk_interviews_said": said(interviews["at_risk_interviewees"]),
        "risk_interviews_total": int(interviews["interviews_total"]),
        "risk_survey_said": said(survey_said),
        "risk_survey_answered": int(survey_answered),
    }


def excerpt_table(
    excerpts: pd.DataFrame, code_counts: pd.DataFrame, per_code: int = 2
) -> pd.DataFrame:
    """``Theme, Code, Excerpt``: up to ``per_code`` approved excerpts per code, in the order of
    the code table (theme, then code path). ``excerpts`` holds only what the cleaning step may
    publish (approved, redacted, from codes raised in at least k interviews)."""
    codes = code_counts.sort_values(["theme", "code_path"], kind="stable")
    rows = []
    for code in codes.itertuples(index=False):
        texts = excerpts.loc[excerpts["code_id"] == code.code_id, "text"].head(per_code)
        for text in texts:
            rows.append({"Theme": code.theme.replace("_", " ").capitalize(),
                         "Code": code.code_path.split("\\")[-1], "Excerpt": f"“{text}”"})  # fmt: skip
    return pd.DataFrame(rows, columns=["Theme", "Code", "Excerpt"])
