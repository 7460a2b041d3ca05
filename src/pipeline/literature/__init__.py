"""Phase 1 literature: a reference-manager export and its coding sheet, cleaned and mapped.

``clean_literature`` reads RIS, BibTeX or CSL-JSON exports and a coding sheet (themes,
source type, country, basis of the coding) into tidy tables with full row accounting;
``pipeline.literature.findings`` builds the evidence maps and the emphasis by theme;
``pipeline.literature.bibliography`` writes the book's ``.bib`` file from the cleaned
references.
"""

from pipeline.literature.clean import (
    CleanParams,
    LiteratureResult,
    clean_literature,
    write_outputs,
)
from pipeline.literature.schemas import LiteratureInputError, load_coding_scheme

__all__ = [
    "CleanParams",
    "LiteratureInputError",
    "LiteratureResult",
    "clean_literature",
    "load_coding_scheme",
    "write_outputs",
]
