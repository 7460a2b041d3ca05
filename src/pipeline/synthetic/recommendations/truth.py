"""The study's recommendations and good practices as clean tables (project's own wording).

Titles and practices are short paraphrases, not quotations. The brief shows a feasibility
and an impact rating for each recommendation only as a graphic; the scores come from the
workshop's scoring sheet (:mod:`pipeline.workshop`), so this table holds no score. Themes and groups are the synthesis schema's vocabulary
(:mod:`pipeline.synthesis.schemas`); both tables are validated against its schemas.

Theme assignment follows the brief's recommendations pages: 1-3 under enabling
connections, 4-5 sustaining the benefits, 6-8 mitigating challenges and 9-10 investing
in the future (the brief prints the last three themes side by side, which is why the
numbering runs 4-5, then 9-10 in the middle column, then 6-8).
"""

from __future__ import annotations

import pandas as pd

from pipeline.synthesis.schemas import GOOD_PRACTICES_SCHEMA, RECOMMENDATIONS_SCHEMA

# (id, theme, title) -- paraphrased in the project's own words.
RECOMMENDATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "enabling connections",
        "Fund events where researchers meet prospective partners and start projects themselves",
    ),
    (
        2,
        "enabling connections",
        "Use twinned UK and Chinese city regions as a base for local research ties",
    ),
    (
        3,
        "enabling connections",
        "Pool know-how across UK institutions so newcomers find a first link easier",
    ),
    (
        4,
        "sustaining the benefits",
        "Make the exchange between UK and Chinese partners more balanced in both directions",
    ),
    (
        5,
        "sustaining the benefits",
        "Support steady contact with partners so ties deepen and trust grows over time",
    ),
    (
        6,
        "mitigating challenges",
        "Improve knowledge about China among academics and the wider public",
    ),
    (
        7,
        "mitigating challenges",
        "Build and maintain one shared library of guidance on working with China",
    ),
    (
        8,
        "mitigating challenges",
        "Learn from how other countries and sectors manage collaboration risk",
    ),
    (
        9,
        "investing in the future",
        "Back early career researchers to grow the next cohort engaging with China",
    ),
    (
        10,
        "investing in the future",
        "Steer new joint work towards fields where both countries stand to gain",
    ),
)

# (group, practice, linked interview code_id) -- paraphrased in the project's own words.
GOOD_PRACTICES: tuple[tuple[str, str, str], ...] = (
    (
        "building connections and partnerships",
        "Visit often and keep talking between projects so that trust between individuals lasts",
        "gp_personal_networks",
    ),
    (
        "building connections and partnerships",
        (
            "Learn how research and universities in China are organised before choosing whom to "
            "approach"
        ),
        "gp_understanding_landscape",
    ),
    (
        "building connections and partnerships",
        (
            "Stay in touch with former visiting doctoral students and fellows as a ready-made "
            "community"
        ),
        "gp_alumni_networks",
    ),
    (
        "building connections and partnerships",
        (
            "Grow Chinese language skills in the team to balance the relationship and depend less "
            "on interpreters"
        ),
        "gp_mandarin",
    ),
    (
        "mitigating potential risks",
        (
            "Send every partnership proposal, whatever the country, through one central "
            "review that also flags risks"
        ),
        "gp_central_review",
    ),
    (
        "mitigating potential risks",
        (
            "Check open sources and public trackers of defence-linked universities when judging a "
            "partner"
        ),
        "gp_due_diligence",
    ),
    (
        "mitigating potential risks",
        (
            "Involve central offices early, in proportion to the risk, so staff do not break rules "
            "by accident"
        ),
        "gp_central_review",
    ),
    (
        "mitigating potential risks",
        "Be open about subject matter, partners and where money comes from",
        "gp_transparency",
    ),
    (
        "mitigating potential risks",
        "Run proper checks on partners that draw on official guidance and peers' experience",
        "gp_due_diligence",
    ),
    (
        "mitigating potential risks",
        (
            "Take time to write down shared aims and each side's commitments, and revisit them if "
            "they slip"
        ),
        "gp_expectations_agreed",
    ),
    (
        "mitigating potential risks",
        (
            "Respect the partner's context and treat learning as two-way instead of exporting a UK "
            "agenda"
        ),
        "gp_cultural_sensitivity",
    ),
    (
        "knowledge sharing",
        "Trade lessons learned with researchers and offices at other UK universities",
        "gp_knowledge_exchange",
    ),
    (
        "knowledge sharing",
        (
            "Ask government bodies and sector networks for advice, such as the embassy, the UKRI "
            "office in China and security advisers"
        ),
        "gp_government_resources",
    ),
    (
        "knowledge sharing",
        (
            "Let China specialists, experienced collaborators and central offices inform "
            "each other so guidance stays current"
        ),
        "gp_internal_feedback",
    ),
)


def recommendations_frame() -> pd.DataFrame:
    """The recommendations: ``id, theme, title`` (their scores come from the workshop)."""
    rows = [{"id": rid, "theme": theme, "title": title} for rid, theme, title in RECOMMENDATIONS]
    frame = pd.DataFrame(rows).sort_values("id", kind="stable").reset_index(drop=True)
    RECOMMENDATIONS_SCHEMA.validate(frame)
    return frame


def good_practices_frame() -> pd.DataFrame:
    """Good practices with their group and linked interview code, numbered gp01..."""
    rows = [
        {"id": f"gp{i:02d}", "group": g, "practice": p, "code_id": c}
        for i, (g, p, c) in enumerate(GOOD_PRACTICES, start=1)
    ]
    frame = pd.DataFrame(rows)
    GOOD_PRACTICES_SCHEMA.validate(frame)
    return frame
