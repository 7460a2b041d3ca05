"""Phase 3 synthesis: recommendations and good practices as validated tables."""

from pipeline.synthesis.tables import (
    TablesInputError,
    compute_findings,
    load_good_practices,
    load_recommendations,
)

__all__ = ["TablesInputError", "compute_findings", "load_good_practices", "load_recommendations"]
