"""Reproducible evidence pipeline for UK–China research engagement (RAND RRA1839-1 rebuild)."""

import sys

__version__ = "0.1.0"

# jsonschema (imported by altair for chart validation and by nbformat for notebooks)
# registers its "iri"/"iri-reference" format checks only when the optional package
# rfc3987-syntax imports; that package compiles an Earley grammar at import, about a
# second in every stage's runner and kernel. Neither the Vega-Lite schema nor the
# notebook schema uses those two formats, so it is kept out: a None entry in
# sys.modules makes its import fail, which jsonschema treats as "not installed".
# (It is installed as part of jsonschema[format-nongpl], which jupyter-events requires.)
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
