"""Phase 3 synthesis: benefits against risks across sources, good practices, recommendations.

Modules: :mod:`.schemas` (vocabulary and table contracts), :mod:`.read` (validated inputs),
:mod:`.findings` (shares, bands, agreement, :func:`synthesis_findings`), :mod:`.charts` and
:mod:`.chapter` (display tables and wording).
"""

from pipeline.synthesis.findings import synthesis_findings
from pipeline.synthesis.read import (
    SynthesisInputError,
    load_evidence_themes,
    load_good_practices,
    load_literature_themes,
    load_recommendations,
)

__all__ = [
    "SynthesisInputError",
    "load_evidence_themes",
    "load_good_practices",
    "load_literature_themes",
    "load_recommendations",
    "synthesis_findings",
]
