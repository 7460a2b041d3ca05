"""Headline figures computed from the cleaned interview tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.interviews.schemas import AT_RISK_CODE, GROUP_IDS


def _organisation_keys(cases: pd.DataFrame) -> pd.Series:
    """One key per organisation given: the registry id, or the cleaner's opaque key of an
    unresolved name (one per spelling)."""
    return cases["org_key"].dropna()


def interviews_findings(
    cases: pd.DataFrame,
    codes_long: pd.DataFrame,
    codebook: pd.DataFrame | None = None,
    at_risk_code: str = AT_RISK_CODE,
) -> dict[str, Any]:
    """Findings keyed as in ``published_figures.yaml`` (``computed`` fields).

    * ``interviews_total``: cases kept;
    * ``interview_organisations``: distinct organisations (registry ids; an unresolved
      name counts once under its normalised spelling);
    * ``at_risk_interviewees``: cases with at least one reference to ``at_risk_code``;
    * ``code_counts``: code_id -> cases raising it (every codebook code, if given);
    * ``code_counts_by_group``: discipline-group id -> code_id -> cases raising it.
    """
    coded = codes_long[codes_long["references"] > 0]
    all_codes = sorted(set(codebook["code_id"]) if codebook is not None else set(coded["code_id"]))
    per_code = coded.groupby("code_id")["case_id"].nunique()
    code_counts = {c: int(per_code.get(c, 0)) for c in all_codes}
    merged = coded.merge(cases[["case_id", "discipline_group"]], on="case_id", how="left")
    by_group: dict[str, dict[str, int]] = {}
    for label, gid in GROUP_IDS.items():
        sub = merged[merged["discipline_group"] == label].groupby("code_id")["case_id"].nunique()
        by_group[gid] = {c: int(sub.get(c, 0)) for c in all_codes}
    at_risk = coded.loc[coded["code_id"] == at_risk_code, "case_id"].nunique()
    return {
        "interviews_total": int(cases["case_id"].nunique()),
        "interview_organisations": int(_organisation_keys(cases).nunique()),
        "at_risk_interviewees": int(at_risk),
        "code_counts": code_counts,
        "code_counts_by_group": by_group,
        "interviews_by_group": {
            gid: int((cases["discipline_group"] == label).sum()) for label, gid in GROUP_IDS.items()
        },
    }


def group_share(findings: dict[str, Any], code_id: str, group_ids: list[str]) -> float:
    """Share of interviews in ``group_ids`` that raise ``code_id`` (0 when the groups are empty)."""
    n = sum(findings["interviews_by_group"][g] for g in group_ids)
    k = sum(findings["code_counts_by_group"][g].get(code_id, 0) for g in group_ids)
    return k / n if n else 0.0


def code_shares_by_group(
    cases: pd.DataFrame, codes_long: pd.DataFrame, codebook: pd.DataFrame
) -> pd.DataFrame:
    """Long table for charts: code_id, code_path, theme, group, interviews, raising, share.

    ``share`` is the fraction of the group's interviews that raise the code (0 when the
    group has no interviews). Sorted by theme, code_id and group.
    """
    f = interviews_findings(cases, codes_long, codebook)
    rows = []
    for code in codebook.itertuples(index=False):
        for gid in GROUP_IDS.values():
            n = f["interviews_by_group"][gid]
            k = f["code_counts_by_group"][gid][code.code_id]
            rows.append(
                {
                    "code_id": code.code_id,
                    "code_path": code.code_path,
                    "theme": code.theme,
                    "group": gid,
                    "interviews": n,
                    "raising": k,
                    "share": k / n if n else 0.0,
                }
            )
    out = pd.DataFrame(rows)
    return out.sort_values(["theme", "code_id", "group"], kind="stable").reset_index(drop=True)
