"""The synthesis inputs' vocabulary and table contracts.

Two kinds of input feed the Phase 3 synthesis:

* the **recommendations** and **good practices** (``data/raw/synthesis/``), validated with the
  pandera schemas below;
* the **theme files** (``data/reference/literature_themes.csv`` and ``evidence_themes.csv``):
  how the literature review stresses each benefit and risk, and which survey item and interview
  code stand for it. Their columns and allowed values are listed here too.

Every list of allowed values is defined once, here; the synthetic generator and the chapter
take them from this module.
"""

from __future__ import annotations

import pandera.pandas as pa

RECOMMENDATION_THEMES: tuple[str, ...] = (
    "enabling connections",
    "sustaining the benefits",
    "investing in the future",
    "mitigating challenges",
)
GOOD_PRACTICE_GROUPS: tuple[str, ...] = (
    "building connections and partnerships",
    "mitigating potential risks",
    "knowledge sharing",
)

#: Prominence of a theme in a source, weakest first, and its score (1 = low, 3 = high).
LEVELS: tuple[str, ...] = ("low", "medium", "high")
LEVEL_SCORE: dict[str, int] = {lev: i + 1 for i, lev in enumerate(LEVELS)}
#: A theme is a reason to collaborate (benefit) or a concern (risk).
KINDS: tuple[str, ...] = ("benefit", "risk")
#: Survey questions a theme can be measured by.
SURVEY_QUESTIONS: tuple[str, ...] = ("driver", "challenge", "at_risk")
#: The three sources of evidence, in display order.
SOURCES: tuple[str, ...] = ("Literature review", "Survey", "Interviews")
#: Level of a theme a source was not asked about.
NOT_MEASURED = "not measured"
#: Level of a source whose count is hidden by disclosure control (pipeline.disclosure).
HIDDEN = "hidden"
#: A consulted level or comparison that hidden counts leave open.
UNCERTAIN = "cannot tell"

LITERATURE_COLUMNS: tuple[str, ...] = ("theme", "kind", "emphasis", "basis")
EVIDENCE_THEME_COLUMNS: tuple[str, ...] = (
    "theme",
    "label",
    "kind",
    "survey_question",
    "survey_item",
    "interview_code_id",
)

RECOMMENDATIONS_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(int, pa.Check.ge(1), unique=True),
        "theme": pa.Column(str, pa.Check.isin(RECOMMENDATION_THEMES)),
        "title": pa.Column(str, pa.Check.str_length(min_value=3)),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="recommendations",
)

GOOD_PRACTICES_SCHEMA = pa.DataFrameSchema(
    {
        "id": pa.Column(str, pa.Check.str_matches(r"^gp\d+$"), unique=True),
        "group": pa.Column(str, pa.Check.isin(GOOD_PRACTICE_GROUPS)),
        "practice": pa.Column(str, pa.Check.str_length(min_value=3)),
        "code_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"), nullable=True),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="good_practices",
)


#: Kinds of named resource in the good-practice registry.
RESOURCE_KINDS: tuple[str, ...] = ("tracker", "government", "funder", "sector body")

#: ``data/reference/good_practice_resources.csv``: resources the study names in its good
#: practices, each tied to the practices it serves (ids separated by ``" | "``).
RESOURCES_SCHEMA = pa.DataFrameSchema(
    {
        "resource_id": pa.Column(str, pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"), unique=True),
        "name": pa.Column(str, pa.Check.str_length(min_value=3)),
        "provider": pa.Column(str, pa.Check.str_length(min_value=2)),
        "kind": pa.Column(str, pa.Check.isin(RESOURCE_KINDS)),
        "good_practice_ids": pa.Column(str, pa.Check.str_matches(r"^gp\d+( \| gp\d+)*$")),
        "url": pa.Column(str, pa.Check.str_matches(r"^https://\S+$"), nullable=True),
        "literature_key": pa.Column(str, nullable=True),
        "named_in": pa.Column(str),
        "verified": pa.Column(str),
    },
    strict=True,
    ordered=True,
    coerce=True,
    name="good_practice_resources",
)
