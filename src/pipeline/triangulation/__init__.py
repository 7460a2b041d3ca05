"""Phase 3 triangulation: do the organisations that host UK–China centres also co-publish most?

It sets the centres each organisation takes part in (from the centres and network stages)
against its estimated UK–China co-publications (from the bibliometric sample):

* :mod:`.read` - centres per organisation, from the network metrics or the centres tables;
* :mod:`.findings` - name matching, co-publications per organisation, the rank comparison
  (Spearman's rho, outliers), :func:`triangulation_findings`;
* :mod:`.charts` - the centres-against-co-publications scatter with non-overlapping labels;
* :mod:`.chapter` - display tables and wording for the chapter.
"""

from pipeline.triangulation.findings import (
    TriangulationResult,
    copubs_per_organisation,
    triangulate,
    triangulation_findings,
)
from pipeline.triangulation.read import centres_per_org

__all__ = [
    "TriangulationResult",
    "centres_per_org",
    "copubs_per_organisation",
    "triangulate",
    "triangulation_findings",
]
