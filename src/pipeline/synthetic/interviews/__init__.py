"""Synthetic NVivo-style export of the interview coding (SYNTHETIC data, not real interviews).

The study coded 40-odd semi-structured interviews in NVivo. The real transcripts and
coding are confidential, so the pipeline ships a synthetic stand-in with the same shape as
an NVivo export, so that the cleaning code, the notebook and the book can run end to end:
``interviews_coding_SYNTHETIC.xlsx`` (a ``Cases`` sheet and a ``Framework matrix`` sheet)
and ``interviews_codebook_SYNTHETIC.csv``.

Every headline count the generator must honour (number of interviews, of distinct
organisations, of interviewees who felt at risk) is read from
``data/reference/published_figures.yaml``, or from a scenario laid over it
(:mod:`pipeline.synthetic.scenario`); nothing here types those numbers.

Parts: :mod:`.codebook` (the codes and their descriptions), :mod:`.truth` (cases and
coding), :mod:`.noise` (spellings as typed, a case exported twice, a note in a count cell)
and :mod:`.writer` (the workbook and codebook files). :func:`make_truth` states what a
correct cleaner must recover.
"""

from __future__ import annotations

from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.interviews.codebook import CODEBOOK, RARE_CODES, CodeDef, codebook_frame
from pipeline.synthetic.interviews.truth import load_targets
from pipeline.synthetic.interviews.writer import (
    CASES_SHEET,
    CODEBOOK_NAME,
    EXPORT_NAME,
    MATRIX_SHEET,
    generate,
    make_truth,
)

__all__ = [
    "CASES_SHEET",
    "CODEBOOK",
    "CODEBOOK_NAME",
    "DEFAULT_SEED",
    "EXPORT_NAME",
    "MATRIX_SHEET",
    "RARE_CODES",
    "CodeDef",
    "codebook_frame",
    "generate",
    "load_targets",
    "make_truth",
]
