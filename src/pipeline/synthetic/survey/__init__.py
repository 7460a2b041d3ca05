"""Synthetic survey export in Qualtrics' CSV layout, calibrated to the published figures.

The real survey data are confidential, so the pipeline ships a synthetic export with the
same shape and the same headline figures (or, given a scenario, the scenario's:
:mod:`pipeline.synthetic.scenario`). :func:`generate` writes
``survey_export_SYNTHETIC.csv``; :func:`make_truth` returns what the cleaning must recover
from it (one row per valid response); :func:`personal_values` lists every personal value
written, for leak tests.

Parts: :mod:`.truth` (who answered what, calibrated to the published figures),
:mod:`.noise` (fake personal data, typed spellings, previews, unfinished and spam rows)
and :mod:`.writer` (the Qualtrics layout and bytes).
"""

from __future__ import annotations

from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.survey.truth import count_for_share, load_targets
from pipeline.synthetic.survey.writer import (
    FILENAME,
    generate,
    make_truth,
    personal_values,
    render,
)

__all__ = [
    "DEFAULT_SEED",
    "FILENAME",
    "count_for_share",
    "generate",
    "load_targets",
    "make_truth",
    "personal_values",
    "render",
]
