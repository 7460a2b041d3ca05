"""Survey cleaning: read Qualtrics-style exports, anonymise, recode, summarise.

Public API::

    from pipeline.survey import clean_export, run, survey_findings, write_outputs

Modules: ``read`` (export -> rows), ``instrument`` (questions and scales), ``anonymise``
(personal data out), ``rules`` (inclusion rules, answer labels), ``tables`` (the outputs),
``clean`` (the steps in order), ``schemas``, ``findings``, ``charts`` and ``cli``.
"""

from pipeline.survey.clean import CleanParams, SurveyResult, clean_export, run, write_outputs
from pipeline.survey.findings import survey_findings
from pipeline.survey.read import SurveyInputError, read_export, resolve_input

__all__ = [
    "CleanParams",
    "SurveyInputError",
    "SurveyResult",
    "clean_export",
    "read_export",
    "resolve_input",
    "run",
    "survey_findings",
    "write_outputs",
]
