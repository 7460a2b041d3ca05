"""The study's recommendations and good practices as data tables (project's own wording).

``recommendations.csv``
    id, theme, title: the study's recommendations, paraphrased (their feasibility and impact
    scores come from the workshop's scoring sheet, :mod:`pipeline.synthetic.workshop`).
``good_practices.csv``
    id, group, practice, code_id: the good practices the interviewees described, grouped
    as in the brief, each linked to the interview code that captures it.

Parts: :mod:`.truth` (the tables) and :mod:`.writer` (the files). There is no noise part:
these tables are typed by an analyst, not exported, and are read as they are.
"""

from __future__ import annotations

from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.recommendations.truth import (
    GOOD_PRACTICES,
    RECOMMENDATIONS,
    good_practices_frame,
    recommendations_frame,
)
from pipeline.synthetic.recommendations.writer import (
    GOOD_PRACTICES_NAME,
    RECOMMENDATIONS_NAME,
    generate,
)

__all__ = [
    "DEFAULT_SEED",
    "GOOD_PRACTICES",
    "GOOD_PRACTICES_NAME",
    "RECOMMENDATIONS",
    "RECOMMENDATIONS_NAME",
    "generate",
    "good_practices_frame",
    "recommendations_frame",
]
