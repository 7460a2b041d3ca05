"""Phase 2 interviews: read, clean and summarise an NVivo-style interview coding export."""

from pipeline.interviews.clean import InterviewsResult, clean_interviews, run, write_outputs
from pipeline.interviews.findings import compute_findings
from pipeline.interviews.read import InterviewsInputError, read_codebook, read_export

__all__ = [
    "InterviewsInputError",
    "InterviewsResult",
    "clean_interviews",
    "compute_findings",
    "read_codebook",
    "read_export",
    "run",
    "write_outputs",
]
