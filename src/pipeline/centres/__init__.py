"""Phase 2: the UK–China joint research centres table (read, clean, validate, summarise).

Public API::

    from pipeline.centres import clean_centres, write_outputs, centres_findings
    result = clean_centres(Path("data/raw/centres/centres_SYNTHETIC.xlsx"))
    write_outputs(result, Path("data/processed"))
    findings = centres_findings(result)

Modules: ``read`` (file -> raw cells), ``fields`` (parse one cell), ``resolve`` (names ->
registry ids), ``rows`` (one row -> centre or reject), ``clean`` (the whole file -> tables),
``schemas``, ``findings``, ``charts`` and ``cli``.
"""

from pipeline.centres.clean import CentresResult, check_accounting, clean_centres, write_outputs
from pipeline.centres.fields import normalise_location, parse_year, split_names
from pipeline.centres.findings import centres_findings
from pipeline.centres.read import CentresInputError, read_table, resolve_input
from pipeline.centres.resolve import classify_research_area

__all__ = [
    "CentresInputError",
    "CentresResult",
    "centres_findings",
    "check_accounting",
    "classify_research_area",
    "clean_centres",
    "normalise_location",
    "parse_year",
    "read_table",
    "resolve_input",
    "split_names",
    "write_outputs",
]
