"""Synthetic OpenAlex extracts for UK–China co-publications (clearly labelled SYNTHETIC).

The bibliometric phase of the pipeline reads OpenAlex work objects and OpenAlex
``group_by`` responses. Real extracts are large and licensed differently from this
repository, so the repository ships a small synthetic stand-in that has the same shape
and is calibrated to the published Web of Science figures kept in
``data/reference/published_figures.yaml`` (read through :mod:`pipeline.published`,
never typed), or to a scenario's values for them (:mod:`pipeline.synthetic.scenario`).

:func:`generate` writes four files into ``data/raw/bibliometrics/``: a uniform per-year
sample (:data:`SAMPLING_RATE`, 5 %: about 6,500 works, about 1.5 MB) of UK–China
co-published works as OpenAlex work objects, its side-car metadata, and two
``group_by=publication_year`` responses (UK works, UK–China works), 2000–2021.

Parts: :mod:`.truth` (yearly counts and the works), :mod:`.institutions` (fake ids,
weighted pools, the draws), :mod:`.banks` (weights and wording), :mod:`.noise` (missing
and second affiliations, mis-attributed country codes), :mod:`.funding` (funding
acknowledgements, which are calibrated to nothing published: invented weights over the
registry's funders) and :mod:`.writer` (the files).
Every sampled work has at least one GB and one CN country code, except the deliberately
mis-attributed ones that :func:`make_truth` lists.

The sample depends on ``organisations.csv`` and ``funders.csv``: when the registry changes, rerun
``python -m pipeline reference generate --only bibliometrics`` and commit the new files (a
test compares the committed files with a fresh run). Nothing here touches the network.
"""

from __future__ import annotations

from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.biblio.institutions import fake_openalex_institution_id, fake_ror
from pipeline.synthetic.biblio.truth import (
    CALIBRATION_KEYS,
    SAMPLING_RATE,
    YEARS,
    load_calibration,
    make_truth,
    yearly_counts,
)
from pipeline.synthetic.biblio.writer import (
    GENERATOR,
    GROUP_BY_UK_CN_NAME,
    GROUP_BY_UK_NAME,
    META_NAME,
    SAMPLE_FILTER,
    SAMPLE_NAME,
    SNAPSHOT_DATE,
    UK_FILTER,
    default_out_dir,
    generate,
)

__all__ = [
    "CALIBRATION_KEYS",
    "DEFAULT_SEED",
    "GENERATOR",
    "GROUP_BY_UK_CN_NAME",
    "GROUP_BY_UK_NAME",
    "META_NAME",
    "SAMPLE_FILTER",
    "SAMPLE_NAME",
    "SAMPLING_RATE",
    "SNAPSHOT_DATE",
    "UK_FILTER",
    "YEARS",
    "default_out_dir",
    "fake_openalex_institution_id",
    "fake_ror",
    "generate",
    "load_calibration",
    "make_truth",
    "yearly_counts",
]
