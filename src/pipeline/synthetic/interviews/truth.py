"""Interview truth: who was interviewed and which codes each interview raised.

The number of interviews, of distinct organisations and of interviewees who felt at risk
are the scenario's values of those figures (:mod:`pipeline.synthetic.scenario`; by default
the published figures); nothing here types them. How often each code comes up in each
discipline group is the codebook's (:data:`CODEBOOK`), unless the scenario's
``interviews.code_rates`` setting changes it.
The discipline groups and institution types are the interviews schema's vocabulary
(:mod:`pipeline.interviews.schemas`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.interviews.schemas import AT_RISK_CODE, GROUP_IDS
from pipeline.registries import load_organisations
from pipeline.synthetic.common import largest_remainder
from pipeline.synthetic.interviews.codebook import CODEBOOK, RARE_CODES
from pipeline.synthetic.scenario import Scenario, load_scenario

#: the published figures the interviews are calibrated to
TARGET_KEYS = ("interviews_total", "interview_organisations", "at_risk_interviewees")
#: discipline groups (the schema's labels, in its order) and their shares of the cases
GROUPS: tuple[str, ...] = tuple(GROUP_IDS)
GROUP_SHARES: tuple[float, ...] = (0.40, 0.225, 0.125, 0.25)


# Universities in the Russell Group (public membership list); used only to label the
# synthetic cases' institution type plausibly.
RUSSELL_GROUP: frozenset[str] = frozenset(
    {
        "University of Birmingham",
        "University of Bristol",
        "University of Cambridge",
        "Cardiff University",
        "Durham University",
        "University of Edinburgh",
        "University of Exeter",
        "University of Glasgow",
        "Imperial College London",
        "King's College London",
        "University of Leeds",
        "University of Liverpool",
        "London School of Economics and Political Science",
        "University of Manchester",
        "Newcastle University",
        "University of Nottingham",
        "University of Oxford",
        "Queen Mary University of London",
        "Queen's University Belfast",
        "University of Sheffield",
        "University of Southampton",
        "University College London",
        "University of Warwick",
        "University of York",
    }
)

ACADEMIC_ROLES: tuple[str, ...] = (
    "Professor",
    "Associate professor",
    "Reader",
    "Senior lecturer",
    "Lecturer",
    "Research fellow",
)
SUPPORT_ROLES: tuple[str, ...] = (
    "Head of international partnerships",
    "Research security lead",
    "Director of research services",
    "Export control manager",
    "International strategy officer",
    "Pro-vice-chancellor (international)",
)


def load_targets(scenario: str | Path | Scenario | None = None) -> dict[str, int]:
    """The interview figures the generator calibrates to: the scenario's (default: published)."""
    values = load_scenario(scenario).values()
    return {k: int(values[k]) for k in TARGET_KEYS}


def checked_targets(scenario: str | Path | Scenario | None = None) -> dict[str, int]:
    """:func:`load_targets`, refusing targets that cannot all hold at once."""
    targets = load_targets(scenario)
    if targets["interview_organisations"] > targets["interviews_total"]:
        raise ValueError("interview_organisations exceeds interviews_total")
    if targets["at_risk_interviewees"] > targets["interviews_total"]:
        raise ValueError("at_risk_interviewees exceeds interviews_total")
    return targets


def uk_organisations() -> pd.DataFrame:
    """UK universities and research institutes from the registry, sorted by org_id."""
    orgs = load_organisations()
    uk = orgs[(orgs["country"] == "GB") & orgs["type"].isin(["university", "research_institute"])]
    return uk.sort_values("org_id", kind="stable").reset_index(drop=True)


def institution_type(org: pd.Series, rng: np.random.Generator) -> str:
    """The institution type of a case's organisation (universities outside the Russell
    Group are labelled at random)."""
    if org["type"] == "research_institute":
        return "Research institute"
    if org["name"] in RUSSELL_GROUP:
        return "Russell Group"
    return "Other research-intensive" if rng.random() < 0.5 else "Teaching-focused"


def choose_organisations(rng: np.random.Generator, n_orgs: int) -> pd.DataFrame:
    """``n_orgs`` distinct UK organisations, in registry order."""
    uk = uk_organisations()
    if len(uk) < n_orgs:
        raise ValueError(
            f"registry has {len(uk)} UK universities/institutes; "
            f"the interview target needs {n_orgs}"
        )
    picked = np.sort(rng.choice(len(uk), size=n_orgs, replace=False))
    return uk.iloc[picked].reset_index(drop=True)


def case_organisations(rng: np.random.Generator, chosen: pd.DataFrame, n_cases: int) -> list:
    """The organisation of every case: each chosen one once, the rest at random, shuffled."""
    org_of_case = list(chosen["org_id"]) + list(
        rng.choice(chosen["org_id"].to_numpy(), size=n_cases - len(chosen), replace=True)
    )
    rng.shuffle(org_of_case)
    return org_of_case


def case_groups(rng: np.random.Generator, n_cases: int) -> list[str]:
    """The discipline group of every case, in the published-like proportions, shuffled."""
    sizes = largest_remainder(n_cases, GROUP_SHARES)
    groups = [g for g, k in zip(GROUPS, sizes, strict=True) for _ in range(k)]
    rng.shuffle(groups)
    return groups


def role(rng: np.random.Generator, group: str, inst_type: str) -> str:
    """The interviewee's role: academic, or a support role fitting the institution."""
    roles = ACADEMIC_ROLES
    if group == "Support services":
        roles = SUPPORT_ROLES
        if inst_type == "Research institute":
            roles = tuple(r for r in SUPPORT_ROLES if "vice-chancellor" not in r)
    return str(rng.choice(roles))


def code_rates(scenario: str | Path | Scenario | None = None) -> dict[str, tuple[float, ...]]:
    """Each code's share of cases raising it per group: the codebook's, or the scenario's.

    The felt-at-risk and rare codes are counted, not drawn at a rate, so a scenario cannot
    set theirs (ValueError, as for a code the codebook lacks).
    """
    rates = {c.code_id: tuple(c.rates) for c in CODEBOOK}
    given = load_scenario(scenario).assumption("interviews", "code_rates", {})
    counted = {AT_RISK_CODE, *RARE_CODES}
    bad = sorted(k for k in given if k not in rates or k in counted)
    if bad:
        raise ValueError(
            f"interviews.code_rates: {bad} are not codes drawn at a rate "
            f"(the codebook's codes except {sorted(counted)})"
        )
    rates.update({k: tuple(float(x) for x in v) for k, v in given.items()})
    return rates


def coding(
    rng: np.random.Generator,
    case_ids: list[str],
    groups: list[str],
    n_risk: int,
    rates: dict[str, tuple[float, ...]] | None = None,
) -> pd.DataFrame:
    """Coding references per case and code: for each code and group, exactly
    round(rate * n) cases of the group raise it (``rates``: :func:`code_rates`, by default
    the codebook's); felt-at-risk and rare codes as counted."""
    refs = pd.DataFrame(0, index=case_ids, columns=[c.code_id for c in CODEBOOK], dtype=int)
    members = {g: [c for c, gg in zip(case_ids, groups, strict=True) if gg == g] for g in GROUPS}
    rates = rates or {c.code_id: tuple(c.rates) for c in CODEBOOK}

    def refcount() -> int:
        return int(min(9, 1 + rng.poisson(1.2)))

    for code in CODEBOOK:
        for g, rate in zip(GROUPS, rates[code.code_id], strict=True):
            pool = members[g]
            k = round(rate * len(pool))
            for cid in rng.choice(pool, size=k, replace=False) if k else []:
                refs.loc[cid, code.code_id] = refcount()
    weight_risk = np.array(
        [3.0 if g in ("Social sciences", "Arts and humanities") else 1.0 for g in groups]
    )
    for cid in rng.choice(case_ids, size=n_risk, replace=False, p=weight_risk / weight_risk.sum()):
        refs.loc[cid, AT_RISK_CODE] = refcount()
    weight_tech = np.array([3.0 if g == "STEM" else 1.0 for g in groups])
    for code_id in RARE_CODES:
        k = int(rng.integers(1, 3))
        for cid in rng.choice(case_ids, size=k, replace=False, p=weight_tech / weight_tech.sum()):
            refs.loc[cid, code_id] = 1
    return refs


def summarise(cases: pd.DataFrame, refs: pd.DataFrame, targets: dict[str, int]) -> dict[str, Any]:
    """What a correct cleaner must recover (see :func:`pipeline.synthetic.interviews.make_truth`)."""
    raised = refs > 0
    by_group: dict[str, dict[str, int]] = {}
    for g in GROUPS:
        ids = cases.loc[cases["discipline_group"] == g, "case_id"]
        by_group[g] = {k: int(v) for k, v in raised.loc[list(ids)].sum().sort_index().items()}
    truth = {
        "interviews_total": len(cases),
        "interview_organisations": int(cases["org_id"].nunique()),
        "at_risk_interviewees": int(raised[AT_RISK_CODE].sum()),
        "code_counts": {k: int(v) for k, v in raised.sum().sort_index().items()},
        "code_counts_by_group": by_group,
        "org_ids": sorted(cases["org_id"].unique()),
        "cases": cases.sort_values("case_id").reset_index(drop=True),
        "references": refs,
        "duplicate_cases": 1,
        "rejected_cells": 1,
    }
    for key in TARGET_KEYS:
        if truth[key] != targets[key]:
            raise AssertionError(f"{key}: {truth[key]} generated, {targets[key]} targeted")
    return truth
