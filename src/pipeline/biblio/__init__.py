"""Bibliometrics: exports from OpenAlex, Web of Science, Scopus, Dimensions, Lens.org, MEDLINE
and PubMed (any of them gzip-compressed).

Modules, in the shape every input area shares:

* :mod:`.read` - find the files, recognise their formats, stream their works, read the
  yearly ``group_by`` counts and the sample's metadata (with :mod:`.detect`,
  :mod:`.formats` and :mod:`.countries` as the reading machinery);
* :mod:`.ingest` (with :mod:`.engine`, its DuckDB steps, and :mod:`.staging`, where it keeps
  its intermediate files: beside the output folder, never in it) - one deduplicated
  per-work table;
* :mod:`.funders` - the funders each work acknowledges, resolved against the registry;
* :mod:`.clean` - the cleaning stage: ingest, account for every record, write the rejects;
* :mod:`.schemas` - the tables' columns and types;
* :mod:`.findings` - co-publications per year, share of UK output, fields, leading
  institutions, the funders acknowledged (by side, over time, beside the centres'), the
  published figures beside the computed ones;
* :mod:`.charts` - the Phase 1 chapter's charts;
* :mod:`.cli` - ``python -m pipeline biblio ingest``.

Public API::

    from pipeline.biblio import ingest, count_uk_cn_by_year, read_group_by, detect_format

    report = ingest([Path("data/raw/biblio")], Path("data/processed/works.parquet"))
    print(report.summary())

Importing the package loads neither pandas nor pyarrow, so the command line starts quickly.
"""

from pipeline.biblio.countries import (
    address_country,
    countries_from_addresses,
    fold_codes,
    split_addresses,
)
from pipeline.biblio.detect import FORMATS, WORK_FORMATS, detect_format
from pipeline.biblio.formats import Reject, WorkRow, normalise_doi
from pipeline.biblio.ingest import IngestReport, count_uk_cn_by_year, ingest
from pipeline.biblio.read import discover, iter_works, read_group_by
from pipeline.biblio.schemas import REJECT_COLUMNS, WORK_COLUMNS

__all__ = [
    "FORMATS",
    "REJECT_COLUMNS",
    "WORK_COLUMNS",
    "WORK_FORMATS",
    "IngestReport",
    "Reject",
    "WorkRow",
    "address_country",
    "count_uk_cn_by_year",
    "countries_from_addresses",
    "detect_format",
    "discover",
    "fold_codes",
    "ingest",
    "iter_works",
    "normalise_doi",
    "read_group_by",
    "split_addresses",
]
