"""Phase 2: the UK–China joint research centres table (read, clean, validate, summarise).

Public API::

    from pipeline.centres import clean_centres, write_outputs, compute_findings
    result = clean_centres(Path("data/raw/centres_SYNTHETIC.xlsx"))
    write_outputs(result, Path("data/processed"))
    findings = compute_findings(result)
"""

from pipeline.centres.clean import (
    CleanResult,
    classify_research_area,
    clean_centres,
    normalise_location,
    parse_year,
    split_names,
    write_outputs,
)
from pipeline.centres.findings import compute_findings
from pipeline.centres.read import CentresInputError, read_table

__all__ = [
    "CentresInputError",
    "CleanResult",
    "classify_research_area",
    "clean_centres",
    "compute_findings",
    "normalise_location",
    "parse_year",
    "read_table",
    "split_names",
    "write_outputs",
]
