"""Bibliometric ingestion: exports from OpenAlex, Web of Science, Scopus, MEDLINE and PubMed.

Public API::

    from pipeline.biblio import ingest, count_uk_cn_by_year, read_group_by, detect_format

    report = ingest([Path("data/raw/biblio")], Path("data/processed/works.parquet"))
    print(report.summary())

See :mod:`pipeline.biblio.ingest` for the flow and :mod:`pipeline.biblio.countries`
for the address rules.
"""

from pipeline.biblio.countries import (
    address_country,
    countries_from_addresses,
    fold_codes,
    split_addresses,
)
from pipeline.biblio.detect import FORMATS, WORK_FORMATS, detect_format
from pipeline.biblio.formats import WORK_COLUMNS, Reject, WorkRow, normalise_doi
from pipeline.biblio.ingest import (
    REJECT_COLUMNS,
    IngestReport,
    count_uk_cn_by_year,
    discover,
    ingest,
    iter_works,
    read_group_by,
)

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
