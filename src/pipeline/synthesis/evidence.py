"""Phase 3 synthesis: benefits set against risks across sources, recommendations, good practice.

Three kinds of evidence are lined up theme by theme:

* the **literature review**, as the brief characterises it: a hand coding kept as data in
  ``data/reference/literature_themes.csv`` (``theme, kind, emphasis, basis``; emphasis is
  ``high``, ``medium`` or ``low`` and ``basis`` cites the page of the brief it paraphrases);
* the **survey**: the share of respondents who picked a driver, agreed (the top two points of
  the agreement scale) that a challenge applied, or answered the first label of the
  felt-at-risk question;
* the **interviews**: the share of interviews in which the code was raised.

Which survey item and which interview code stand for a theme is data too
(``data/reference/evidence_themes.csv``). Survey and interview shares are put on the same
``low / medium / high`` bands as the literature coding (thresholds are parameters), so the
sources can be compared; the shares themselves stay in the table.

The module also draws the recommendations feasibility-by-impact chart, builds the good
practices table, and reads the row accounting, rejects, unresolved names and approximate
years that the data-quality appendix shows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from pipeline import theme

LEVELS: tuple[str, ...] = ("low", "medium", "high")
LEVEL_SCORE: dict[str, int] = {lev: i + 1 for i, lev in enumerate(LEVELS)}
KINDS: tuple[str, ...] = ("benefit", "risk")
SURVEY_QUESTIONS: tuple[str, ...] = ("driver", "challenge", "at_risk")
SOURCES: tuple[str, ...] = ("Literature review", "Survey", "Interviews")
NOT_MEASURED = "not measured"
REJECT_COLUMNS: tuple[str, ...] = ("source_file", "source_row", "column", "value", "reason")
ACCOUNTING_FIELDS: tuple[str, ...] = (
    "source_file",
    "raw",
    "kept",
    "duplicates",
    "rejected",
    "non_data_rows",
)
CHECK_MARK = "\u2713"
CROSS_MARK = "\u2717"

#: Colour-blind-safe palette (Okabe-Ito) for categorical marks.
OKABE_ITO: tuple[str, ...] = theme.OKABE_ITO
#: Sequential blues for low / medium / high, plus grey for "not measured".
LEVEL_COLOURS: dict[str, str] = {
    "low": theme.BLUES[0],
    "medium": theme.BLUES[3],
    "high": theme.BLUES[6],
    NOT_MEASURED: theme.NOT_MEASURED_GREY,
}


class EvidenceInputError(ValueError):
    """An evidence input is missing or malformed; the message names the file, row and column."""


# ------------------------------------------------------------------ reference tables


def _read_csv(path: Path | str, required: tuple[str, ...]) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise EvidenceInputError(f"{p}: file not found")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise EvidenceInputError(f"{p.name}: missing column(s) {', '.join(missing)}")
    return df.apply(lambda s: s.str.strip())


def _check_values(df: pd.DataFrame, name: str, column: str, allowed: tuple[str, ...]) -> None:
    for idx, value in df[column].items():
        if value not in allowed:
            raise EvidenceInputError(
                f"{name}: row {int(idx) + 2}, column {column}: {value!r} is not one of "
                f"{', '.join(allowed)}"
            )


def _check_unique(df: pd.DataFrame, name: str, column: str) -> None:
    dup = df[column].duplicated(keep="first")
    if dup.any():
        idx = int(dup.idxmax())
        raise EvidenceInputError(
            f"{name}: row {idx + 2}, column {column}: duplicate value {df.at[idx, column]!r}"
        )


def load_literature_themes(path: Path | str) -> pd.DataFrame:
    """Read ``literature_themes.csv`` (theme, kind, emphasis, basis), validated, sorted by theme."""
    df = _read_csv(path, ("theme", "kind", "emphasis", "basis"))
    name = Path(path).name
    _check_unique(df, name, "theme")
    _check_values(df, name, "kind", KINDS)
    _check_values(df, name, "emphasis", LEVELS)
    for idx, basis in df["basis"].items():
        if not basis:
            raise EvidenceInputError(f"{name}: row {int(idx) + 2}, column basis: empty")
    return df.sort_values("theme", kind="stable").reset_index(drop=True)


def load_evidence_themes(path: Path | str) -> pd.DataFrame:
    """Read ``evidence_themes.csv``: theme -> survey question/item and interview code.

    Columns ``theme, label, kind, survey_question, survey_item, interview_code_id``;
    ``survey_question`` is ``driver``, ``challenge``, ``at_risk`` or blank (not asked);
    ``survey_item`` names the driver or challenge item; ``interview_code_id`` may be blank.
    """
    cols = ("theme", "label", "kind", "survey_question", "survey_item", "interview_code_id")
    df = _read_csv(path, cols)
    name = Path(path).name
    _check_unique(df, name, "theme")
    _check_values(df, name, "kind", KINDS)
    _check_values(df, name, "survey_question", (*SURVEY_QUESTIONS, ""))
    for idx, row in df.iterrows():
        if row["survey_question"] in ("driver", "challenge") and not row["survey_item"]:
            raise EvidenceInputError(
                f"{name}: row {int(idx) + 2}, column survey_item: empty for a "
                f"{row['survey_question']} question"
            )
    return df.sort_values("theme", kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------ shares by source


def band(share: float | None, low: float = 0.2, high: float = 0.5) -> str:
    """``low`` below ``low``, ``high`` at or above ``high``, else ``medium``; NaN -> not measured."""
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return NOT_MEASURED
    if not 0 <= low <= high <= 1:
        raise ValueError("thresholds must satisfy 0 <= low <= high <= 1")
    if share >= high:
        return "high"
    if share < low:
        return "low"
    return "medium"


def _counts_list(entries: Any) -> dict[str, int]:
    if isinstance(entries, dict):
        return {str(k): int(v) for k, v in entries.items()}
    return {str(e["label"]): int(e["count"]) for e in entries}


def survey_theme_shares(
    survey_findings: Mapping[str, Any],
    themes: pd.DataFrame,
    agree_labels: tuple[str, ...] | None = None,
    at_risk_label: str | None = None,
    no_answer: str = "No answer",
) -> pd.DataFrame:
    """Survey share per theme: ``theme, survey_raising, survey_base, survey_share``.

    ``survey_findings`` is the dict from :func:`pipeline.survey.findings.survey_findings`.
    Drivers: respondents choosing the item over respondents who chose any driver.
    Challenges: respondents in ``agree_labels`` over those who answered the item.
    At risk: respondents answering ``at_risk_label`` over those who answered.
    Themes the survey did not ask about get NaN.
    """
    if agree_labels is None or at_risk_label is None:
        from pipeline.survey.instrument import load_scales

        scales = load_scales()
        agree_labels = agree_labels or tuple(scales["agreement5"].labels[-2:])
        at_risk_label = at_risk_label or scales["yes_no_pnts"].labels[0]
    drivers = {d["driver"]: int(d["count"]) for d in survey_findings.get("drivers_ranked", [])}
    driver_base = int(survey_findings["survey_responses"]) - int(
        survey_findings.get("drivers_no_answer", 0)
    )
    likert = survey_findings.get("challenges_likert", {})
    rows = []
    for t in themes.itertuples(index=False):
        k: float = math.nan
        n: float = math.nan
        if t.survey_question == "driver":
            if t.survey_item not in drivers:
                raise EvidenceInputError(
                    f"evidence themes: theme {t.theme}: survey driver {t.survey_item!r} "
                    "not in the survey findings"
                )
            k, n = drivers[t.survey_item], driver_base
        elif t.survey_question == "challenge":
            if t.survey_item not in likert:
                raise EvidenceInputError(
                    f"evidence themes: theme {t.theme}: survey challenge {t.survey_item!r} "
                    "not in the survey findings"
                )
            counts = _counts_list(likert[t.survey_item])
            k = sum(v for lab, v in counts.items() if lab in agree_labels)
            n = sum(v for lab, v in counts.items() if lab != no_answer)
        elif t.survey_question == "at_risk":
            counts = _counts_list(survey_findings.get("at_risk_counts", {}))
            k = counts.get(at_risk_label, 0)
            n = sum(v for lab, v in counts.items() if lab != no_answer)
        share = k / n if not math.isnan(n) and n > 0 else math.nan
        rows.append(
            {"theme": t.theme, "survey_raising": k, "survey_base": n, "survey_share": share}
        )
    return pd.DataFrame(rows, columns=["theme", "survey_raising", "survey_base", "survey_share"])


def interview_theme_shares(
    code_counts: pd.DataFrame, n_interviews: int, themes: pd.DataFrame
) -> pd.DataFrame:
    """Interview share per theme: ``theme, interviews_raising, interviews_base, interview_share``.

    ``code_counts`` has ``code_id`` and ``interviews_total`` (interviews raising the code),
    as in ``interviews_code_counts.parquet``.
    """
    if "code_id" not in code_counts or "interviews_total" not in code_counts:
        raise EvidenceInputError("interview code counts: need columns code_id, interviews_total")
    counts = dict(zip(code_counts["code_id"], code_counts["interviews_total"], strict=True))
    rows = []
    for t in themes.itertuples(index=False):
        if not t.interview_code_id:
            k: float = math.nan
        elif t.interview_code_id not in counts:
            raise EvidenceInputError(
                f"evidence themes: theme {t.theme}: interview code {t.interview_code_id!r} "
                "not in the interview code counts"
            )
        else:
            k = int(counts[t.interview_code_id])
        share = k / n_interviews if n_interviews and not math.isnan(k) else math.nan
        rows.append(
            {
                "theme": t.theme,
                "interviews_raising": k,
                "interviews_base": n_interviews,
                "interview_share": share,
            }
        )
    return pd.DataFrame(
        rows, columns=["theme", "interviews_raising", "interviews_base", "interview_share"]
    )


def benefits_risks_table(
    literature: pd.DataFrame,
    themes: pd.DataFrame,
    survey: pd.DataFrame,
    interviews: pd.DataFrame,
    low: float = 0.2,
    high: float = 0.5,
) -> pd.DataFrame:
    """One row per theme: how prominent it is in the literature, the survey and the interviews.

    Columns: ``theme, label, kind, literature, survey_share, survey_level, interview_share,
    interview_level, consulted_level, comparison``. ``consulted_level`` is the higher of the
    survey and interview levels; ``comparison`` says whether the literature stresses the theme
    more than, about as much as, or less than the people consulted. Sorted by kind, then by
    literature emphasis (high first), then label.
    """
    lit_themes = set(literature["theme"])
    map_themes = set(themes["theme"])
    if lit_themes != map_themes:
        raise EvidenceInputError(
            "literature and evidence theme files disagree: "
            f"only in literature {sorted(lit_themes - map_themes)}, "
            f"only in mapping {sorted(map_themes - lit_themes)}"
        )
    df = themes[["theme", "label", "kind"]].merge(
        literature[["theme", "kind", "emphasis"]], on="theme", suffixes=("", "_lit")
    )
    bad = df[df["kind"] != df["kind_lit"]]
    if len(bad):
        raise EvidenceInputError(
            f"theme {bad['theme'].iloc[0]}: kind differs between the literature and mapping files"
        )
    df = df.drop(columns="kind_lit").rename(columns={"emphasis": "literature"})
    df = df.merge(survey[["theme", "survey_share"]], on="theme", how="left")
    df = df.merge(interviews[["theme", "interview_share"]], on="theme", how="left")
    df["survey_level"] = [band(s, low, high) for s in df["survey_share"]]
    df["interview_level"] = [band(s, low, high) for s in df["interview_share"]]

    def consulted(row: pd.Series) -> str:
        levels = [v for v in (row["survey_level"], row["interview_level"]) if v in LEVEL_SCORE]
        return max(levels, key=LEVEL_SCORE.__getitem__) if levels else NOT_MEASURED

    df["consulted_level"] = df.apply(consulted, axis=1)

    def compare(row: pd.Series) -> str:
        if row["consulted_level"] not in LEVEL_SCORE:
            return NOT_MEASURED
        diff = LEVEL_SCORE[row["literature"]] - LEVEL_SCORE[row["consulted_level"]]
        if diff > 0:
            return "literature stresses more"
        if diff < 0:
            return "consultations stress more"
        return "similar"

    df["comparison"] = df.apply(compare, axis=1)
    df["_k"] = df["kind"].map({k: i for i, k in enumerate(KINDS)})
    df["_e"] = -df["literature"].map(LEVEL_SCORE)
    df = df.sort_values(["_k", "_e", "label"], kind="stable").drop(columns=["_k", "_e"])
    cols = [
        "theme",
        "label",
        "kind",
        "literature",
        "survey_share",
        "survey_level",
        "interview_share",
        "interview_level",
        "consulted_level",
        "comparison",
    ]
    return df[cols].reset_index(drop=True)


def agreement_summary(table: pd.DataFrame, rare_below: float = 0.2) -> dict[str, Any]:
    """Where the sources agree and differ, as lists of theme labels (in table order).

    ``rarely_reported``: risks whose measured shares in every consulted source are below
    ``rare_below``. Also the mean literature and consulted scores by kind (1 = low, 3 = high).
    """
    out: dict[str, Any] = {}
    for key in ("literature stresses more", "similar", "consultations stress more"):
        out[key.replace(" ", "_")] = table.loc[table["comparison"] == key, "label"].tolist()
    rare = []
    for row in table[table["kind"] == "risk"].itertuples(index=False):
        shares = [s for s in (row.survey_share, row.interview_share) if not pd.isna(s)]
        if shares and max(shares) < rare_below:
            rare.append(row.label)
    out["rarely_reported"] = rare
    for kind in KINDS:
        sub = table[table["kind"] == kind]
        lit = sub["literature"].map(LEVEL_SCORE)
        con = sub["consulted_level"].map(LEVEL_SCORE).dropna()
        out[f"{kind}_literature_mean"] = float(lit.mean()) if len(lit) else math.nan
        out[f"{kind}_consulted_mean"] = float(con.mean()) if len(con) else math.nan
    return out


def _share_text(share: float) -> str:
    return "not asked" if pd.isna(share) else f"{100 * share:.0f}%"


def benefits_risks_long(table: pd.DataFrame) -> pd.DataFrame:
    """The table in long form for the dot matrix: ``label, kind, row, source, level, score, text``."""
    rows = []
    for r in table.itertuples(index=False):
        row_label = f"{r.label} ({r.kind})"
        rows.append((r.label, r.kind, row_label, SOURCES[0], r.literature, r.literature))
        rows.append(
            (r.label, r.kind, row_label, SOURCES[1], r.survey_level, _share_text(r.survey_share))
        )
        rows.append(
            (
                r.label,
                r.kind,
                row_label,
                SOURCES[2],
                r.interview_level,
                _share_text(r.interview_share),
            )
        )
    out = pd.DataFrame(rows, columns=["label", "kind", "row", "source", "level", "text"])
    out["score"] = out["level"].map(LEVEL_SCORE).fillna(0).astype(int)
    return out


def benefits_risks_chart(long: pd.DataFrame, width: int = 330) -> alt.LayerChart:
    """Heat-map style dot matrix: themes down, sources across, shade = low/medium/high."""
    order = list(dict.fromkeys(long["row"]))
    domain = [*LEVELS, NOT_MEASURED]
    base = alt.Chart(long).encode(
        x=alt.X("source:N", sort=list(SOURCES), title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "level:N",
            scale=alt.Scale(domain=domain, range=[LEVEL_COLOURS[d] for d in domain]),
            legend=alt.Legend(title="Prominence"),
        ),
        tooltip=[
            alt.Tooltip("label:N", title="Theme"),
            alt.Tooltip("source:N", title="Source"),
            alt.Tooltip("level:N", title="Prominence"),
            alt.Tooltip("text:N", title="Value"),
        ],
    )
    labels = base.mark_text(fontSize=11).encode(
        text="text:N",
        color=alt.condition(alt.datum.level == "high", alt.value("white"), alt.value("black")),
    )
    return (cells + labels).properties(width=width, height=alt.Step(24))


# ------------------------------------------------------------------ recommendations


def is_illustrative(recommendations: pd.DataFrame) -> bool:
    """True when any recommendation's scores are marked ``illustrative``."""
    return bool((recommendations["score_status"] == "illustrative").any())


def jitter_recommendations(recommendations: pd.DataFrame, step: float = 0.18) -> pd.DataFrame:
    """Add plotting positions ``x, y`` that spread recommendations sharing a score cell.

    Points with the same (feasibility, impact) are laid on a small centred grid in id order,
    ``step`` apart, so the spread is deterministic and no point hides another.
    """
    df = recommendations.sort_values("id", kind="stable").reset_index(drop=True).copy()
    df["x"] = df["feasibility"].astype(float)
    df["y"] = df["impact"].astype(float)
    for idx in df.groupby(["feasibility", "impact"], sort=True).groups.values():
        members = sorted(idx, key=lambda i: int(df.at[i, "id"]))
        n = len(members)
        if n == 1:
            continue
        cols = math.ceil(math.sqrt(n))
        rows = math.ceil(n / cols)
        for i, m in enumerate(members):
            r, c = divmod(i, cols)
            df.at[m, "x"] += (c - (cols - 1) / 2) * step
            df.at[m, "y"] -= (r - (rows - 1) / 2) * step
    return df


def recommendations_chart(
    recommendations: pd.DataFrame, step: float = 0.18, size: int = 420
) -> alt.LayerChart:
    """Feasibility (x) by impact (y); numbered points, colour and shape by theme, tooltips.

    Axis titles say "illustrative scores" when any score is illustrative.
    """
    df = jitter_recommendations(recommendations, step)
    df["label"] = df["id"].astype(str)
    note = " (illustrative scores)" if is_illustrative(recommendations) else ""
    themes = sorted(df["theme"].unique())
    scale_x = alt.Scale(domain=[0.5, 5.5], nice=False)
    scale_y = alt.Scale(domain=[0.5, 5.5], nice=False)
    axis = {"values": [1, 2, 3, 4, 5], "tickMinStep": 1, "format": "d"}
    base = alt.Chart(df).encode(
        x=alt.X("x:Q", scale=scale_x, axis=alt.Axis(**axis), title=f"Feasibility{note}"),
        y=alt.Y("y:Q", scale=scale_y, axis=alt.Axis(**axis), title=f"Impact{note}"),
        tooltip=[
            alt.Tooltip("id:Q", title="No."),
            alt.Tooltip("title:N", title="Recommendation"),
            alt.Tooltip("theme:N", title="Theme"),
            alt.Tooltip("feasibility:Q", title="Feasibility"),
            alt.Tooltip("impact:Q", title="Impact"),
            alt.Tooltip("score_status:N", title="Scores"),
        ],
    )
    points = base.mark_point(size=420, filled=True, opacity=0.85).encode(
        color=alt.Color(
            "theme:N",
            scale=alt.Scale(domain=themes, range=list(OKABE_ITO[: len(themes)])),
            legend=alt.Legend(title="Theme", orient="bottom", columns=2),
        ),
        shape=alt.Shape("theme:N", scale=alt.Scale(domain=themes), legend=None),
    )
    numbers = base.mark_text(fontSize=11, fontWeight="bold", color="white").encode(text="label:N")
    return (points + numbers).properties(width=size, height=size)


def recommendations_table(recommendations: pd.DataFrame) -> pd.DataFrame:
    """The recommendations as a display table (No., theme, recommendation, scores)."""
    df = recommendations.sort_values(["id"], kind="stable")
    return pd.DataFrame(
        {
            "No.": df["id"].astype(int),
            "Theme": df["theme"].str.capitalize(),
            "Recommendation": df["title"],
            "Feasibility": df["feasibility"].astype(int),
            "Impact": df["impact"].astype(int),
            "Scores": df["score_status"],
        }
    ).reset_index(drop=True)


# ------------------------------------------------------------------ good practices


def good_practices_table(
    good_practices: pd.DataFrame,
    code_counts: pd.DataFrame | None = None,
    n_interviews: int | None = None,
    group_order: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Good practices by group, with the share of interviews raising the linked code.

    Columns ``Group, Practice`` and, when ``code_counts``/``n_interviews`` are given,
    ``Interviews raising it`` (a share of interviews as a rounded percentage, blank when the
    practice has no code). Rows follow ``group_order`` (default: the synthesis order), then id.
    """
    if group_order is None:
        from pipeline.synthesis.tables import GOOD_PRACTICE_GROUPS

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
            return f"{100 * counts[code] / n_interviews:.0f}%"

        out["Interviews raising it"] = [share(c) for c in df["code_id"]]
    return out


def good_practices_by_group(good_practices: pd.DataFrame) -> pd.DataFrame:
    """Number of practices per group (``group, practices``), in the synthesis order."""
    from pipeline.synthesis.tables import GOOD_PRACTICE_GROUPS

    counts = good_practices.groupby("group").size()
    order = [g for g in GOOD_PRACTICE_GROUPS if g in counts.index]
    order += sorted(set(counts.index) - set(order))
    return pd.DataFrame({"group": order, "practices": [int(counts[g]) for g in order]})


# ------------------------------------------------------------------ data quality


def _resolve(processed_dir: Path | str, rel: str) -> tuple[Path, str | None]:
    path, _, key = rel.partition("#")
    full = Path(processed_dir) / path
    if not full.is_file():
        raise EvidenceInputError(
            f"{full}: file not found (an input of the data-quality appendix; run the stage "
            "that writes it first)"
        )
    return full, key or None


def _load_json(full: Path, key: str | None) -> Any:
    try:
        data = json.loads(full.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EvidenceInputError(f"{full.name}: not valid JSON ({exc})") from exc
    if key is not None:
        for part in key.split("."):
            if not isinstance(data, dict) or part not in data:
                raise EvidenceInputError(f"{full.name}: no key {key!r}")
            data = data[part]
    return data


def _first(data: Mapping[str, Any], names: tuple[str, ...]) -> int | None:
    for n in names:
        if n in data and isinstance(data[n], (int, float)) and not isinstance(data[n], bool):
            return int(data[n])
    return None


def normalise_accounting(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Map one accounting record onto ``raw, kept, duplicates, rejected, non_data_rows``.

    Accepts the spellings the cleaners use: ``raw_rows``/``raw``/``raw_cells``/``raw_records``;
    ``kept``/``centres``/``works``; ``duplicates`` or ``duplicates_doi`` + ``duplicates_id``;
    ``rejected``; ``non_data_rows`` (absent = 0).
    """
    raw = _first(data, ("raw_rows", "raw", "raw_cells", "raw_records"))
    kept = _first(data, ("kept", "centres", "works", "rows_kept"))
    rejected = _first(data, ("rejected", "rejects"))
    dups = _first(data, ("duplicates",))
    if dups is None and ("duplicates_doi" in data or "duplicates_id" in data):
        dups = int(data.get("duplicates_doi", 0)) + int(data.get("duplicates_id", 0))
    missing = [n for n, v in (("raw", raw), ("kept", kept), ("rejected", rejected)) if v is None]
    if missing:
        raise EvidenceInputError(f"{name}: accounting has no {', '.join(missing)} count")
    source = normalise_accounting_source(data)
    return {
        "raw": raw,
        "kept": kept,
        "duplicates": dups or 0,
        "rejected": rejected,
        "non_data_rows": _first(data, ("non_data_rows",)) or 0,
        "source_file": source,
    }


def read_accounting(files: Mapping[str, str], processed_dir: Path | str) -> pd.DataFrame:
    """One row per input table: ``input, source_file, raw, kept, duplicates, rejected,
    non_data_rows, balanced, check``.

    ``files`` maps a label to a path under ``processed_dir``; ``path#key`` picks a nested
    record (``interviews/interviews_accounting.json#cases_sheet``). Missing files raise.
    """
    rows = []
    for label, rel in files.items():
        full, key = _resolve(processed_dir, rel)
        data = _load_json(full, key)
        if not isinstance(data, dict):
            raise EvidenceInputError(f"{full.name}: accounting record is not an object")
        rec = normalise_accounting(data, f"{full.name}{'#' + key if key else ''}")
        if rec["source_file"] is None and key is not None:
            parent = _load_json(full, None)
            rec["source_file"] = normalise_accounting_source(parent)
        balanced = rec["raw"] == (
            rec["kept"] + rec["duplicates"] + rec["rejected"] + rec["non_data_rows"]
        )
        rows.append(
            {
                "input": label,
                **{k: rec[k] for k in ACCOUNTING_FIELDS},
                "balanced": balanced,
                "check": CHECK_MARK if balanced else CROSS_MARK,
            }
        )
    return pd.DataFrame(rows)


def normalise_accounting_source(data: Any) -> str | None:
    """The source file(s) named in an accounting record (``source_file`` or ``source_files``)."""
    if not isinstance(data, Mapping):
        return None
    if isinstance(data.get("source_file"), str):
        return data["source_file"]
    files = data.get("source_files")
    if isinstance(files, Mapping):
        return files.get("export")
    if isinstance(files, list) and files:
        return ", ".join(str(f) for f in files)
    return None


def assert_accounting(table: pd.DataFrame) -> None:
    """Raise ``AssertionError`` naming every input whose rows do not add up."""
    bad = table[~table["balanced"]]
    if len(bad):
        details = "; ".join(
            f"{r.input}: raw {r.raw} != kept {r.kept} + duplicates {r.duplicates} + rejected "
            f"{r.rejected} + non-data {r.non_data_rows}"
            for r in bad.itertuples(index=False)
        )
        raise AssertionError(f"row accounting does not balance: {details}")


def read_rejects(files: Mapping[str, str], processed_dir: Path | str) -> pd.DataFrame:
    """All rejects tables stacked: ``input, source_file, source_row, column, value, reason``."""
    frames = []
    for label, rel in files.items():
        full, _ = _resolve(processed_dir, rel)
        df = _read_csv(full, REJECT_COLUMNS)
        df.insert(0, "input", label)
        frames.append(df[["input", *REJECT_COLUMNS]])
    if not frames:
        return pd.DataFrame(columns=["input", *REJECT_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    out["_row"] = pd.to_numeric(out["source_row"], errors="coerce")
    out = out.sort_values(["input", "source_file", "_row", "column"], kind="stable")
    return out.drop(columns="_row").reset_index(drop=True)


def read_unresolved(files: Mapping[str, str], processed_dir: Path | str) -> pd.DataFrame:
    """Organisation names no registry entry matched: ``input, name, where, best_candidate, score``.

    Reads the centres list (``source_row, column, value, ...``), the survey list
    (``organisation_text, n_responses, ...``) or a JSON list (``path#key``).
    """
    cols = ["input", "name", "where", "best_candidate", "score"]
    rows: list[dict[str, Any]] = []
    for label, rel in files.items():
        full, key = _resolve(processed_dir, rel)
        if full.suffix == ".json":
            names = _load_json(full, key)
            if not isinstance(names, list):
                raise EvidenceInputError(f"{full.name}: {key!r} is not a list of names")
            rows += [
                {"input": label, "name": str(n), "where": "", "best_candidate": "", "score": ""}
                for n in names
            ]
            continue
        df = pd.read_csv(full, dtype=str, keep_default_na=False)
        if "value" in df.columns:
            where = [
                f"row {r}, {c}"
                for r, c in zip(df.get("source_row", ""), df.get("column", ""), strict=True)
            ]
            names = df["value"]
        elif "organisation_text" in df.columns:
            where = [f"{n} response(s)" for n in df.get("n_responses", [""] * len(df))]
            names = df["organisation_text"]
        else:
            raise EvidenceInputError(
                f"{full.name}: expected a 'value' or 'organisation_text' column"
            )
        for i, name in enumerate(names):
            score = df["score"].iloc[i] if "score" in df.columns else ""
            try:
                score = f"{float(score):.0f}" if score != "" else ""
            except ValueError:
                pass
            rows.append(
                {
                    "input": label,
                    "name": name,
                    "where": where[i],
                    "best_candidate": df["best_candidate"].iloc[i]
                    if "best_candidate" in df.columns
                    else "",
                    "score": score,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def approximate_years(centres: pd.DataFrame) -> pd.DataFrame:
    """Centres whose founding year is approximate: ``centre_id, name, year_established, source_row``."""
    need = ["centre_id", "name", "year_established", "year_approximate"]
    missing = [c for c in need if c not in centres.columns]
    if missing:
        raise EvidenceInputError(f"centres table: missing column(s) {', '.join(missing)}")
    cols = [c for c in ("centre_id", "name", "year_established", "source_row") if c in centres]
    sub = centres[centres["year_approximate"].fillna(False).astype(bool)]
    return sub[cols].sort_values("centre_id", kind="stable").reset_index(drop=True)


def edition_is_synthetic(
    input_paths: list[Path | str], accounting_paths: list[Path | str] | None = None
) -> bool:
    """True when an input file, or a source file named in an accounting JSON, is synthetic.

    Synthetic reference files carry ``SYNTHETIC`` in their names; a missing accounting file
    raises :class:`EvidenceInputError`.
    """
    names = [Path(p).name for p in input_paths]
    for acc in accounting_paths or []:
        p = Path(acc)
        if not p.is_file():
            raise EvidenceInputError(f"{p}: file not found")
        names.append(normalise_accounting_source(_load_json(p, None)) or "")
    return any("SYNTHETIC" in n for n in names)
