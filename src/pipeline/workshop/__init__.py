"""The workshop input: how participants scored the recommendations (issue 16 item 6).

At the study's closing workshop each participant scored every draft recommendation for
feasibility and impact on 1-5 scales. The scoring sheet (``data/raw/workshop/``) is read
(:mod:`~pipeline.workshop.read`), checked row by row (:mod:`~pipeline.workshop.clean`),
summarised per recommendation (:mod:`~pipeline.workshop.findings`) and drawn
(:mod:`~pipeline.workshop.charts`); ``python -m pipeline workshop clean`` is the stage
(:mod:`~pipeline.workshop.cli`). Participants' names never leave the cleaning step and their
comments go only to the restricted review folder.
"""

from pipeline.workshop.clean import WorkshopResult, clean_workshop, write_outputs
from pipeline.workshop.findings import apply_scores, score_summary, type_agreement
from pipeline.workshop.read import WorkshopInputError, read_scores

__all__ = [
    "WorkshopInputError",
    "WorkshopResult",
    "apply_scores",
    "clean_workshop",
    "read_scores",
    "score_summary",
    "type_agreement",
    "write_outputs",
]
