"""The interview codebook: the codes a coder applied, with the project's own descriptions.

Each code carries, for the synthetic truth, the share of cases in each discipline group
that raise it. The themes are the interviews schema's (:data:`pipeline.interviews.schemas.THEMES`);
their folder names in NVivo paths are :data:`THEME_FOLDERS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from pipeline.interviews.schemas import AT_RISK_CODE, THEMES

#: NVivo folder of each theme, in the schema's theme order
THEME_FOLDERS: dict[str, str] = dict(
    zip(THEMES, ("Drivers", "Benefits", "Challenges", "Risks", "Good practices"), strict=True)
)
#: codes raised by only one or two cases (actual incidents)
RARE_CODES: tuple[str, ...] = ("rsk_ip_theft", "rsk_dual_use")


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
        return f"{THEME_FOLDERS[self.theme]}\\{self.path}"


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
