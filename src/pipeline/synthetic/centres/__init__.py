"""Synthetic UK-China joint research centres: seeded truth tables and a messy workbook.

The real centres database is confidential, so the pipeline ships a synthetic stand-in
that behaves like a hand-kept spreadsheet. It is made in two steps.

1. :func:`make_truth` (:mod:`.truth`) builds the *truth*: one clean row per centre and one
   row per partner organisation, calibrated so that every centres/network figure listed in
   ``data/reference/published_figures.yaml`` comes out exactly (counts) or within the
   published tolerance (shares). The calibration targets are read from that file (through
   :mod:`pipeline.published`), with a scenario's overlay when one is given
   (:mod:`pipeline.synthetic.scenario`), and nowhere else; this package types none. The
   counts are drawn in :mod:`.calibrate`, the partner network in :mod:`.partners`,
   funders, names and research-area texts in :mod:`.labels`, from wording in
   :mod:`.phrases` and registry tables in :mod:`.registry`.
2. :func:`write_workbook` (:mod:`.writer`) renders the truth as ``centres_SYNTHETIC.xlsx``
   through the documented noise model :data:`NOISE_MODEL` (:mod:`.noise`: name variants,
   mixed separators, year and province formats) and the sheet layout (:mod:`.layout`:
   duplicates, spacer rows, trailing notes and a few invalid rows), so the cleaner in
   :mod:`pipeline.centres` has realistic mess to undo. The tests compare the cleaner's
   output with the truth.
"""

from __future__ import annotations

from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.centres.layout import (
    FIRST_DATA_ROW,
    HEADER,
    WorkbookPlan,
    expected_accounting,
    plan_workbook,
)
from pipeline.synthetic.centres.noise import NOISE_MODEL, NoiseModel, noise_rng
from pipeline.synthetic.centres.truth import (
    TRUTH_COLUMNS,
    TRUTH_PARTNER_COLUMNS,
    CentresTruth,
    make_truth,
)
from pipeline.synthetic.centres.writer import (
    CREATOR,
    NOTES_SHEET,
    SHEET_NAME,
    WORKBOOK_NAME,
    generate,
    write_workbook,
)

__all__ = [
    "CREATOR",
    "DEFAULT_SEED",
    "FIRST_DATA_ROW",
    "HEADER",
    "NOISE_MODEL",
    "NOTES_SHEET",
    "SHEET_NAME",
    "TRUTH_COLUMNS",
    "TRUTH_PARTNER_COLUMNS",
    "WORKBOOK_NAME",
    "CentresTruth",
    "NoiseModel",
    "WorkbookPlan",
    "expected_accounting",
    "generate",
    "make_truth",
    "noise_rng",
    "plan_workbook",
    "write_workbook",
]
