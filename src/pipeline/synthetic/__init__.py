"""The synthetic reference edition: seeded generators of every raw input.

The repository ships synthetic stand-ins for the study's confidential inputs, calibrated
to the published figures (read through :mod:`pipeline.published`, never typed here) and
labelled SYNTHETIC. ``python -m pipeline reference generate`` writes them all
(:mod:`pipeline.synthetic.generate`). What the generators calibrate to is a *scenario*
(:mod:`pipeline.synthetic.scenario`): ``reference``, the brief's figures, by default, or a
file such as ``data/reference/scenarios/contrast.yaml`` laid over them (``--scenario
contrast``: an invented world that differs from the brief on every headline, for testing
that the book follows its data). One subpackage per input, each in the same three parts:

* ``truth`` - the calibrated clean tables (what a correct cleaner must recover);
* ``noise`` - the documented mess model that makes the file look hand-kept or exported;
* ``writer`` - the bytes on disk (fixed metadata, so the same seed gives the same bytes).

=====================  ==========================================================
``centres``            the joint research centres workbook (.xlsx)
``survey``             the survey export (Qualtrics CSV)
``interviews``         the NVivo-style interview coding export and codebook
``biblio``             OpenAlex sample (JSONL.gz), its metadata, group_by counts
``recommendations``    recommendations and good practices
=====================  ==========================================================

Each generator takes its vocabulary from the schema of the package that reads the input
(``pipeline.centres``, ``pipeline.interviews``, ``pipeline.synthesis``, ...) and its
names from :mod:`pipeline.registries`; nothing in the pipeline imports the generators.
"""

from __future__ import annotations

DEFAULT_SEED = 20220301
"""The seed of the committed edition; equal to ``common.seed`` in ``params.yaml`` (tested)."""
