"""Small literature inputs written into a test's temporary folder."""

from __future__ import annotations

import csv
from pathlib import Path

CODING_HEADER = ["ref_id", "title", "themes", "evidence_themes", "source_type", "country",
                 "coding_basis"]  # fmt: skip


def ris(*records: dict[str, str | list[str]]) -> str:
    """RIS text: each record a mapping tag -> value (or list of values); TY first, ER added."""
    chunks = []
    for record in records:
        lines = []
        for tag, value in record.items():
            for v in value if isinstance(value, list) else [value]:
                lines.append(f"{tag}  - {v}")
        chunks.append("\n".join([*lines, "ER  - ", ""]))
    return "\n".join(chunks)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def coding(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CODING_HEADER)
        writer.writerows(rows)
    return path


ARTICLE = {"TY": "JOUR", "TI": "The rise of UK–China research collaboration",
           "AU": ["Adams, Jonathan", "Johnson, Jo"], "T2": "Science and Public Policy",
           "PY": "2022", "DO": "10.1093/scipol/scab069", "ID": "adams"}  # fmt: skip
REPORT = {"TY": "RPRT", "TI": "Exploring research engagement with China", "AU": "RAND Europe",
          "PB": "RAND Corporation", "PY": "2022", "SN": "RRA1839-1",
          "UR": "https://www.rand.org/pubs/research_reports/RRA1839-1.html", "ID": "rand"}  # fmt: skip
CODED = [
    ["adams", "", "benefit; risk", "expertise", "peer-reviewed", "UK", "abstract"],
    ["rand", "", "risk; good practice", "dual_use; geopolitics", "think tank", "GB", "synthetic"],
]
