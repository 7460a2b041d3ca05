"""Survey cleaning: read Qualtrics-style exports, anonymise, recode, summarise.

Public API::

    from pipeline.survey import clean_export, run, compute_findings, suppress
"""

from pipeline.disclosure import suppress
from pipeline.survey.clean import CleanParams, CleanResult, clean_export, run, write_outputs
from pipeline.survey.findings import compute_findings
from pipeline.survey.read import SurveyInputError, read_export

__all__ = [
    "CleanParams",
    "CleanResult",
    "SurveyInputError",
    "clean_export",
    "compute_findings",
    "read_export",
    "run",
    "suppress",
    "write_outputs",
]
