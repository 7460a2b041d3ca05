"""A joint display per theme: the literature, the survey, the interviews and interviewees'
own words side by side (issue 16 item 5).

Joint displays are the mixed-methods convention for setting qualitative and quantitative
evidence about the same theme next to each other. Here each benefit or risk of
``data/reference/evidence_themes.csv`` gets one row:

* the **literature's emphasis**: the share of coded references of the project's literature
  library that raise the theme (:func:`pipeline.literature.findings.emphasis_by_theme`), put
  on low / medium / high bands by :func:`literature_levels`. This computed level, not a typed
  one, is what the synthesis compares with the consultations; the brief's own
  characterisation (``literature_themes.csv``) is kept beside it for reference;
* the **survey** and **interview** shares, as the benefits-and-risks table holds them (with
  disclosure control already applied);
* up to two **approved excerpts** from the interview code that stands for the theme
  (:mod:`pipeline.interviews.excerpts`: only excerpts a reviewer approved, from codes raised
  in at least k interviews).
"""

from __future__ import annotations

import pandas as pd

from pipeline.synthesis.chapter import share_text
from pipeline.synthesis.findings import band
from pipeline.synthesis.read import SynthesisInputError

__all__ = ["LITERATURE_HIGH", "LITERATURE_LOW", "joint_display", "literature_levels"]

#: Bands of the literature's share of coded references raising a theme: a reference raises a
#: few of the detailed themes only, so its shares run lower than the consultations'.
LITERATURE_LOW, LITERATURE_HIGH = 0.1, 0.2


def literature_levels(
    emphasis: pd.DataFrame,
    typed: pd.DataFrame,
    low: float = LITERATURE_LOW,
    high: float = LITERATURE_HIGH,
) -> pd.DataFrame:
    """``theme, kind, emphasis, share, references, coded_references, brief_emphasis``: the
    computed emphasis of each theme of ``typed`` (``literature_themes.csv``, which also gives
    its kind and the brief's characterisation as ``brief_emphasis``)."""
    computed = emphasis.set_index("theme")
    missing = sorted(set(typed["theme"]) - set(computed.index))
    if missing:
        raise SynthesisInputError(
            f"themes {', '.join(missing)} are not evidence themes of the literature coding "
            "scheme (data/reference/literature/coding_scheme.csv)"
        )
    out = typed[["theme", "kind"]].copy()
    for column in ("share", "references", "coded_references"):
        out[column] = out["theme"].map(computed[column])
    out["emphasis"] = [band(s, low, high) for s in out["share"]]
    out["brief_emphasis"] = typed["emphasis"].to_numpy()
    return out


def _literature_text(row: pd.Series) -> str:
    if pd.isna(row["share"]):
        return "no coded reference"
    # counts, not a percentage: a percentage here could read as one of people hidden elsewhere
    return (
        f"{int(row['references'])} of {int(row['coded_references'])} references, {row['emphasis']}"
    )


def _quotes(excerpts: pd.DataFrame, code_id: str, per_theme: int) -> str:
    texts = excerpts.loc[excerpts["code_id"] == code_id, "text"].head(per_theme)
    return " / ".join(f"“{t}”" for t in texts)


def joint_display(
    evidence: pd.DataFrame,
    literature: pd.DataFrame,
    themes: pd.DataFrame,
    excerpts: pd.DataFrame,
    per_theme: int = 2,
) -> pd.DataFrame:
    """One row per theme of ``evidence`` (:func:`benefits_risks_table`), in its order: the
    literature (``literature_levels``), the brief's characterisation, the survey and interview
    shares, and up to ``per_theme`` approved excerpts of the theme's interview code."""
    lit = literature.set_index("theme")
    code_of = themes.set_index("theme")["interview_code_id"]
    rows = []
    for r in evidence.itertuples(index=False):
        code = code_of.get(r.theme)
        rows.append({"Theme": r.label, "Kind": r.kind,
                     "Literature (share of references)": _literature_text(lit.loc[r.theme]),
                     "Brief's characterisation": lit.loc[r.theme, "brief_emphasis"],
                     "Survey": share_text(r, "survey"), "Interviews": share_text(r, "interview"),
                     "In interviewees' words": _quotes(excerpts, code, per_theme) if code else ""})  # fmt: skip
    return pd.DataFrame(rows)
