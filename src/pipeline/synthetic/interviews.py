"""Synthetic NVivo-style export of the interview coding (SYNTHETIC data, not real interviews).

The study coded 40-odd semi-structured interviews in NVivo. The real transcripts and
coding are confidential, so the pipeline ships a synthetic stand-in with the same shape
as an NVivo export, so that the cleaning code, the notebook and the book can run end to end:

``data/raw/interviews_coding_SYNTHETIC.xlsx``
    sheet ``Cases``: one row per interview case (case id, organisation as written by
    the coder, discipline group, institution type, role);
    sheet ``Framework matrix``: one row per case, one column per code, with the code
    hierarchy in the header (``Nodes\\Drivers\\Access to expertise and human capital``)
    and the number of coding references in each cell (blank means none).
``data/raw/interviews_codebook_SYNTHETIC.csv``
    ``code_id, code_path, theme, description``.

Every headline count the generator must honour (number of interviews, of distinct
organisations, of interviewees who felt at risk) is read from
``data/reference/published_figures.yaml``; nothing here types those numbers.
The export is deliberately a little untidy, as real exports are: a title block above
each header row, organisation names spelt as the coder typed them (canonical names
or aliases from the registry), one case exported twice and one cell holding a note
instead of a count. :func:`make_truth` states what a correct cleaner must recover.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from pipeline.io import atomic_write_bytes, atomic_write_csv, normalise_zip

DEFAULT_SEED = 20220301  # params.yaml common.seed
EXPORT_NAME = "interviews_coding_SYNTHETIC.xlsx"
CODEBOOK_NAME = "interviews_codebook_SYNTHETIC.csv"
CASES_SHEET = "Cases"
MATRIX_SHEET = "Framework matrix"
FIXED_TIME = dt.datetime(2022, 1, 1, 0, 0, 0)
CREATOR = "pipeline.synthetic.interviews (SYNTHETIC)"

THEMES: dict[str, str] = {
    "drivers": "Drivers",
    "benefits": "Benefits",
    "challenges": "Challenges",
    "risks": "Risks",
    "good_practices": "Good practices",
}
GROUPS: tuple[str, ...] = ("STEM", "Social sciences", "Arts and humanities", "Support services")
GROUP_SHARES: tuple[float, ...] = (0.40, 0.225, 0.125, 0.25)
INSTITUTION_TYPES: tuple[str, ...] = (
    "Russell Group",
    "Other research-intensive",
    "Teaching-focused",
    "Research institute",
)
AT_RISK_CODE = "rsk_felt_at_risk"
RARE_CODES: tuple[str, ...] = ("rsk_ip_theft", "rsk_dual_use")

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


@dataclass(frozen=True)
class CodeDef:
    """One node of the codebook with the share of cases in each group that raise it."""

    code_id: str
    path: str  # hierarchy below the theme folder, backslash separated
    theme: str
    description: str
    rates: tuple[float, float, float, float]  # STEM, social sciences, arts/humanities, support

    @property
    def code_path(self) -> str:
        """Full NVivo path including the theme folder."""
        return f"{THEMES[self.theme]}\\{self.path}"


# Descriptions are the project's own wording of what a coder looked for.
CODEBOOK: tuple[CodeDef, ...] = (
    CodeDef(
        "drv_expertise",
        "Access to expertise and human capital",
        "drivers",
        "Interviewee wants to work with strong Chinese scientists, teams or students.",
        (0.80, 0.60, 0.50, 0.50),
    ),
    CodeDef(
        "drv_global_challenges",
        "Global challenges",
        "drivers",
        "Motivation is a shared problem such as climate, health or pandemics that no "
        "single country solves.",
        (0.60, 0.40, 0.20, 0.30),
    ),
    CodeDef(
        "drv_data_infrastructure",
        "Access to data and infrastructure",
        "drivers",
        "China offers samples, field sites, cohorts or facilities hard to find in the UK.",
        (0.50, 0.50, 0.30, 0.20),
    ),
    CodeDef(
        "drv_economic_reputational",
        "Economic and reputational benefits",
        "drivers",
        "Money, student recruitment or international standing motivate the link.",
        (0.30, 0.20, 0.20, 0.70),
    ),
    CodeDef(
        "ben_complementarity",
        "Complementarity",
        "benefits",
        "Each side contributes skills or kit the other lacks.",
        (0.75, 0.20, 0.20, 0.30),
    ),
    CodeDef(
        "ben_differing_perspectives",
        "Differing perspectives",
        "benefits",
        "Working together exposes researchers to other viewpoints and interpretations.",
        (0.15, 0.70, 0.80, 0.20),
    ),
    CodeDef(
        "ben_high_quality_outputs",
        "High-quality outputs",
        "benefits",
        "Joint work yields stronger papers, citations or advances in the field.",
        (0.60, 0.40, 0.40, 0.30),
    ),
    CodeDef(
        "ben_trust_relationships",
        "Trust and long-term relationships",
        "benefits",
        "Lasting personal trust is named as what makes the partnership pay off.",
        (0.50, 0.60, 0.60, 0.50),
    ),
    CodeDef(
        "chl_funding",
        "Funding",
        "challenges",
        "Too little money, or competition for scarce joint funding schemes.",
        (0.60, 0.50, 0.60, 0.40),
    ),
    CodeDef(
        "chl_geopolitics",
        "Geopolitics",
        "challenges",
        "Strategic rivalry between states damages or blocks the collaboration.",
        (0.50, 0.60, 0.50, 0.60),
    ),
    CodeDef(
        "chl_covid19",
        "COVID-19",
        "challenges",
        "Pandemic travel limits and disconnection slowed or stopped joint work.",
        (0.60, 0.60, 0.60, 0.50),
    ),
    CodeDef(
        "chl_uk_policy_ambiguity",
        "UK policy ambiguity",
        "challenges",
        "Unclear government position or guidance leaves institutions unsure what is allowed.",
        (0.30, 0.30, 0.20, 0.80),
    ),
    CodeDef(
        "chl_shrinking_space",
        "Shrinking research space in China",
        "challenges",
        "Topics, archives or fieldwork in China have become off limits or risky.",
        (0.10, 0.60, 0.60, 0.20),
    ),
    CodeDef(
        "chl_academic_freedom",
        "Academic freedom and integrity",
        "challenges",
        "Worries about censorship, self-censorship or research misconduct.",
        (0.30, 0.50, 0.60, 0.40),
    ),
    CodeDef(
        "chl_barriers_language_culture",
        "Barriers to entry\\Language and culture",
        "challenges",
        "Language, etiquette and reliance on intermediaries make a first link hard.",
        (0.50, 0.50, 0.40, 0.40),
    ),
    CodeDef(
        "chl_data_access",
        "Data access",
        "challenges",
        "Data or participants promised by partners prove hard to obtain or export.",
        (0.30, 0.50, 0.30, 0.10),
    ),
    CodeDef(
        AT_RISK_CODE,
        "Felt at risk",
        "risks",
        "Interviewee reports feeling personally unsafe, physically or online, while "
        "working in China.",
        (0.0, 0.0, 0.0, 0.0),
    ),
    CodeDef(
        "rsk_ip_theft",
        "IP theft",
        "risks",
        "An actual case of intellectual property being taken is described.",
        (0.0, 0.0, 0.0, 0.0),
    ),
    CodeDef(
        "rsk_dual_use",
        "Dual-use transfer",
        "risks",
        "Research with possible military use is reported to have passed to a partner.",
        (0.0, 0.0, 0.0, 0.0),
    ),
    CodeDef(
        "rsk_reputational",
        "Reputational risk",
        "risks",
        "Fear of bad press or of being linked to a problematic partner.",
        (0.20, 0.30, 0.20, 0.60),
    ),
    CodeDef(
        "gp_personal_networks",
        "Personal networks",
        "good_practices",
        "Visiting often and keeping in touch to build trust person to person.",
        (0.50, 0.50, 0.40, 0.30),
    ),
    CodeDef(
        "gp_understanding_landscape",
        "Understanding the landscape",
        "good_practices",
        "Learning how Chinese research is organised before picking partners.",
        (0.30, 0.40, 0.40, 0.40),
    ),
    CodeDef(
        "gp_alumni_networks",
        "Alumni networks",
        "good_practices",
        "Keeping former visiting students and fellows as a community of contacts.",
        (0.30, 0.20, 0.20, 0.30),
    ),
    CodeDef(
        "gp_mandarin",
        "Mandarin",
        "good_practices",
        "Team members speak Chinese so the partnership does not hinge on interpreters.",
        (0.10, 0.40, 0.50, 0.10),
    ),
    CodeDef(
        "gp_central_review",
        "Central review process",
        "good_practices",
        "A central office screens partnership proposals early, for every country alike.",
        (0.20, 0.20, 0.10, 0.70),
    ),
    CodeDef(
        "gp_due_diligence",
        "Due diligence",
        "good_practices",
        "Checking partners against guidance, trackers and open sources before signing.",
        (0.20, 0.20, 0.10, 0.70),
    ),
    CodeDef(
        "gp_transparency",
        "Transparency",
        "good_practices",
        "Being open about topics, partners and money to protect reputation.",
        (0.20, 0.30, 0.30, 0.40),
    ),
    CodeDef(
        "gp_expectations_agreed",
        "Expectations agreed",
        "good_practices",
        "Setting out aims and each side's commitments in writing at the start.",
        (0.30, 0.30, 0.20, 0.30),
    ),
    CodeDef(
        "gp_cultural_sensitivity",
        "Cultural sensitivity",
        "good_practices",
        "Adapting to the partner's context rather than exporting a UK agenda.",
        (0.20, 0.40, 0.50, 0.20),
    ),
    CodeDef(
        "gp_knowledge_exchange",
        "Knowledge exchange",
        "good_practices",
        "Swapping experience and advice with peers at other UK institutions.",
        (0.20, 0.20, 0.20, 0.40),
    ),
    CodeDef(
        "gp_government_resources",
        "Using government resources",
        "good_practices",
        "Asking embassy, funder or security advisory offices for help.",
        (0.20, 0.20, 0.10, 0.60),
    ),
    CodeDef(
        "gp_internal_feedback",
        "Internal feedback",
        "good_practices",
        "China specialists and central offices inform each other to keep guidance current.",
        (0.10, 0.10, 0.10, 0.50),
    ),
)


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[3]


def load_targets(figures_path: Path | None = None) -> dict[str, int]:
    """Read the interview targets from ``published_figures.yaml`` (the only place they live)."""
    path = figures_path or _repo_root() / "data" / "reference" / "published_figures.yaml"
    figures = yaml.safe_load(path.read_text(encoding="utf-8"))["figures"]
    keys = ("interviews_total", "interview_organisations", "at_risk_interviewees")
    return {k: int(figures[k]["value"]) for k in keys}


def codebook_frame() -> pd.DataFrame:
    """The codebook as a table (code_id, code_path, theme, description), sorted by code_id."""
    rows = [
        {
            "code_id": c.code_id,
            "code_path": c.code_path,
            "theme": c.theme,
            "description": c.description,
        }
        for c in CODEBOOK
    ]
    return pd.DataFrame(rows).sort_values("code_id", kind="stable").reset_index(drop=True)


def _apportion(total: int, shares: tuple[float, ...]) -> list[int]:
    """Split ``total`` into integer parts proportional to ``shares`` (largest remainder)."""
    raw = [total * s / sum(shares) for s in shares]
    parts = [int(np.floor(x)) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _uk_organisations() -> pd.DataFrame:
    """UK universities and research institutes from the registry, sorted by org_id."""
    from pipeline.registries import load_organisations

    orgs = load_organisations()
    uk = orgs[(orgs["country"] == "GB") & orgs["type"].isin(["university", "research_institute"])]
    return uk.sort_values("org_id", kind="stable").reset_index(drop=True)


def _spellings(org: pd.Series, resolver: Any) -> list[str]:
    """Canonical name plus the aliases that the registry resolver maps back to this org."""
    names = [str(org["name"])]
    aliases = str(org.get("aliases") or "")
    for alias in [a.strip() for a in aliases.split("|") if a.strip()]:
        if not alias.isascii():
            continue
        res = resolver.resolve(alias)
        if res.org_id == org["org_id"] and alias not in names:
            names.append(alias)
    return names


def _institution_type(org: pd.Series, rng: np.random.Generator) -> str:
    if org["type"] == "research_institute":
        return "Research institute"
    if org["name"] in RUSSELL_GROUP:
        return "Russell Group"
    return "Other research-intensive" if rng.random() < 0.5 else "Teaching-focused"


def _build(seed: int) -> dict[str, Any]:
    """Build the clean truth tables and the untidy export rows for ``seed``."""
    from pipeline.registries import OrganisationResolver, load_organisations

    targets = load_targets()
    n_cases = targets["interviews_total"]
    n_orgs = targets["interview_organisations"]
    n_risk = targets["at_risk_interviewees"]
    if n_orgs > n_cases:
        raise ValueError("interview_organisations exceeds interviews_total")
    if n_risk > n_cases:
        raise ValueError("at_risk_interviewees exceeds interviews_total")
    rng = np.random.default_rng(seed)

    uk = _uk_organisations()
    if len(uk) < n_orgs:
        raise ValueError(
            f"registry has {len(uk)} UK universities/institutes; "
            f"the interview target needs {n_orgs}"
        )
    resolver = OrganisationResolver(load_organisations())
    chosen = uk.iloc[np.sort(rng.choice(len(uk), size=n_orgs, replace=False))].reset_index(
        drop=True
    )
    inst_type = {row["org_id"]: _institution_type(row, rng) for _, row in chosen.iterrows()}
    spell = {row["org_id"]: _spellings(row, resolver) for _, row in chosen.iterrows()}
    # Every chosen organisation gets one case; the rest go to random organisations.
    org_of_case = list(chosen["org_id"]) + list(
        rng.choice(chosen["org_id"].to_numpy(), size=n_cases - n_orgs, replace=True)
    )
    rng.shuffle(org_of_case)

    sizes = _apportion(n_cases, GROUP_SHARES)
    groups = [g for g, k in zip(GROUPS, sizes, strict=True) for _ in range(k)]
    rng.shuffle(groups)

    width = max(2, len(str(n_cases)))
    case_ids = [f"INT-{i + 1:0{width}d}" for i in range(n_cases)]
    cases = []
    for cid, oid, grp in zip(case_ids, org_of_case, groups, strict=True):
        names = spell[oid]
        written = (
            names[0] if (len(names) == 1 or rng.random() < 0.6) else str(rng.choice(names[1:]))
        )
        roles = ACADEMIC_ROLES
        if grp == "Support services":
            roles = SUPPORT_ROLES
            if inst_type[oid] == "Research institute":
                roles = tuple(r for r in SUPPORT_ROLES if "vice-chancellor" not in r)
        cases.append(
            {
                "case_id": cid,
                "organisation": written,
                "org_id": oid,
                "discipline_group": grp,
                "institution_type": inst_type[oid],
                "role": str(rng.choice(roles)),
            }
        )
    cases_df = pd.DataFrame(cases)

    # Coding: for each code and group, exactly round(rate * n) cases of the group raise it.
    refs = pd.DataFrame(0, index=case_ids, columns=[c.code_id for c in CODEBOOK], dtype=int)
    members = {g: [c for c, gg in zip(case_ids, groups, strict=True) if gg == g] for g in GROUPS}

    def refcount() -> int:
        return int(min(9, 1 + rng.poisson(1.2)))

    for code in CODEBOOK:
        for g, rate in zip(GROUPS, code.rates, strict=True):
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

    # Untidiness: one case exported twice, and one empty cell holding a coder's note.
    dup_case = str(rng.choice(case_ids))
    zero_cells = [(c, k) for c in case_ids for k in refs.columns if refs.loc[c, k] == 0]
    note_case, note_code = zero_cells[int(rng.integers(len(zero_cells)))]
    matrix_order = list(case_ids)
    rng.shuffle(matrix_order)
    return {
        "targets": targets,
        "cases": cases_df,
        "refs": refs,
        "dup_case": dup_case,
        "note_cell": (note_case, note_code),
        "matrix_order": matrix_order,
    }


def make_truth(seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """What a correct cleaner must recover from the export generated with ``seed``.

    Keys: interviews_total, interview_organisations, at_risk_interviewees, code_counts
    (code_id -> cases raising it), code_counts_by_group (group -> code_id -> cases),
    org_ids (sorted), cases (DataFrame: case_id, org_id, discipline_group, ...),
    duplicate_cases, rejected_cells.
    """
    b = _build(seed)
    refs: pd.DataFrame = b["refs"]
    cases: pd.DataFrame = b["cases"]
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
    t = b["targets"]
    assert truth["interviews_total"] == t["interviews_total"]
    assert truth["interview_organisations"] == t["interview_organisations"]
    assert truth["at_risk_interviewees"] == t["at_risk_interviewees"]
    return truth


def _workbook_bytes(b: dict[str, Any]) -> bytes:
    """Lay the tables out as an NVivo-like workbook, with fixed metadata."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    cases: pd.DataFrame = b["cases"]
    refs: pd.DataFrame = b["refs"]
    dup = b["dup_case"]
    note_case, note_code = b["note_cell"]

    wb = Workbook()
    ws = wb.active
    ws.title = CASES_SHEET
    ws.append(
        [("Case classification sheet - SYNTHETIC data generated for testing, not real interviews")]
    )
    ws.append([])
    ws.append(["Case", "Organisation", "Discipline group", "Institution type", "Role"])
    case_rows = [
        [r.case_id, r.organisation, r.discipline_group, r.institution_type, r.role]
        for r in cases.itertuples()
    ]
    case_rows.append(next(r for r in case_rows if r[0] == dup))
    for row in case_rows:
        ws.append(row)

    wm = wb.create_sheet(MATRIX_SHEET)
    wm.append(["Framework Matrix: interviews - coding references per case (SYNTHETIC)"])
    wm.append([])
    codes = list(CODEBOOK)
    wm.append(["Case"] + [f"Nodes\\{c.code_path}" for c in codes])
    order = list(b["matrix_order"])
    order.insert(order.index(dup) + 1, dup)
    for cid in order:
        row: list[Any] = [cid]
        for c in codes:
            v = int(refs.loc[cid, c.code_id])
            if cid == note_case and c.code_id == note_code:
                row.append("see memo")
            else:
                row.append(v if v > 0 else None)
        wm.append(row)

    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.title = "Interview coding export (SYNTHETIC)"
    props.created = FIXED_TIME
    props.modified = FIXED_TIME
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # save_workbook would stamp "modified" with now
    return buf.getvalue()


def generate(out_dir: Path | str, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the synthetic export and codebook into ``out_dir``; return their paths (sorted)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    b = _build(seed)
    xlsx = atomic_write_bytes(out / EXPORT_NAME, _workbook_bytes(b))
    normalise_zip(xlsx)
    csv = atomic_write_csv(out / CODEBOOK_NAME, codebook_frame())
    return sorted([xlsx, csv])


def cli(argv: list[str] | None = None) -> int:
    """``generate-interviews``: write the synthetic interview export and codebook."""
    parser = argparse.ArgumentParser(
        prog="generate-interviews",
        description="Write the SYNTHETIC NVivo-style interview coding export and codebook.",
    )
    parser.add_argument(
        "--out",
        default=str(_repo_root() / "data" / "raw" / "interviews"),
        help="output folder (default: data/raw)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    for path in generate(Path(args.out), args.seed):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(cli())
