"""Phase 2 interviews: read, clean and summarise an NVivo-style interview coding export.

Modules: ``read`` (workbook and codebook -> raw cells), ``clean`` (cases, matrix, code
counts, rejects, accounting), ``schemas``, ``findings``, ``charts`` and ``cli``.
"""

from pipeline.interviews.clean import InterviewsResult, clean_interviews, run, write_outputs
from pipeline.interviews.findings import interviews_findings
from pipeline.interviews.read import (
    InterviewsInputError,
    read_codebook,
    read_export,
    resolve_inputs,
)

__all__ = [
    "InterviewsInputError",
    "InterviewsResult",
    "clean_interviews",
    "interviews_findings",
    "read_codebook",
    "read_export",
    "resolve_inputs",
    "run",
    "write_outputs",
]
