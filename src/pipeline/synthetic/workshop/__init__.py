"""A synthetic workshop scoring sheet (``workshop/scores_SYNTHETIC.csv``).

Invented participants, labelled ``Participant NN``, from five kinds of organisation score
each recommendation for feasibility and impact on 1-5 scales. Each recommendation has a
seeded consensus profile; kinds of organisation lean one way or the other and individuals
scatter around it, so medians, spreads and disagreements all occur. The sheet carries, on
purpose, what real sheets carry: comments (one with an e-mail address, which must reach only
the restricted folder), a participant scoring a recommendation twice, a score out of range and
a blank row.

Parts: :mod:`.truth` (participants and their scores) and :mod:`.writer` (the file, with the
planted problems).
"""

from __future__ import annotations

from pipeline.synthetic.workshop.truth import PARTICIPANTS_BY_TYPE, scores_frame
from pipeline.synthetic.workshop.writer import SHEET_NAME, generate, sheet_frame

__all__ = ["PARTICIPANTS_BY_TYPE", "SHEET_NAME", "generate", "scores_frame", "sheet_frame"]
