"""Recognise the format of a bibliographic export from its first bytes.

Formats (the names used in reports and in the ``source_format`` column):

``openalex_page``     OpenAlex API results page: a JSON object with ``results``
``openalex_group_by`` OpenAlex ``group_by`` response (counts, not works)
``openalex_jsonl``    OpenAlex works, one JSON object per line
``openalex_csv``      OpenAlex CSV export (dotted column names: ``id``, ``publication_year``,
                      ``authorships.…``)
``wos_plaintext``     Web of Science plain text (``FN``/``VR``/``PT`` tags)
``wos_tab``           Web of Science tab-delimited (header ``PT<TAB>AU...``), UTF-8/UTF-16
``scopus_csv``        Scopus CSV (``Authors``, ``Title``, ``Year``, ..., ``EID``)
``dimensions_csv``    Dimensions CSV (``Publication ID``, ``PubYear``...; a preamble line
                      above the header is allowed)
``lens_csv``          Lens.org CSV (``Lens ID``, ``Publication Year``...)
``medline``           MEDLINE text (``PMID-`` tags)
``pubmed_xml``        PubMed XML (``PubmedArticleSet``, or the older ``MedlineCitationSet``)

Any of them may be gzip-compressed: the decompressed bytes are recognised (a gzip file cut
short is recognised from what it holds before the cut). Besides exports, a *companion*
file is recognised: the sample's side-car metadata (``*.meta.json``, a JSON object), which
is not read as works (:data:`COMPANION`).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

from pipeline.biblio.formats.textio import is_gzip, open_binary, read_head

__all__ = ["COMPANION", "FORMATS", "WORK_FORMATS", "detect_format"]

WORK_FORMATS = (
    "openalex_page",
    "openalex_jsonl",
    "openalex_csv",
    "wos_plaintext",
    "wos_tab",
    "scopus_csv",
    "dimensions_csv",
    "lens_csv",
    "medline",
    "pubmed_xml",
)
FORMATS = (*WORK_FORMATS, "openalex_group_by")
#: The format name of companion files (side-car metadata): recognised, not ingested.
COMPANION = "companion_metadata"

_HEAD_BYTES = 65536
_MAX_JSON_DOC = 512 * 1024 * 1024
_XML_ROOTS = ("<PubmedArticleSet", "<MedlineCitationSet")
#: Columns that identify each CSV format (all must be in the header).
_CSV_HEADERS: tuple[tuple[str, frozenset[str]], ...] = (
    ("scopus_csv", frozenset({"Authors", "Title", "Year", "EID"})),
    ("dimensions_csv", frozenset({"Publication ID", "Title", "PubYear"})),
    ("lens_csv", frozenset({"Lens ID", "Title", "Publication Year"})),
    ("openalex_csv", frozenset({"id", "publication_year"})),
)


def _head_text(path: Path) -> tuple[str, bool]:
    """Decoded first bytes of ``path`` (decompressed) and whether it is gzip-compressed."""
    gz = is_gzip(path)
    raw = read_head(path, _HEAD_BYTES)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text, gz


def _load_json(path: Path) -> object:
    with open_binary(path) as fh:
        return json.loads(fh.read().decode("utf-8-sig"))


def _json_kind(path: Path, head: str) -> str | None:
    first_line = head.split("\n", 1)[0].strip()
    try:
        first = json.loads(first_line)
    except json.JSONDecodeError:
        first = None
    if isinstance(first, dict) and path.name.endswith(".meta.json"):
        return _page_kind(first) or COMPANION
    if isinstance(first, dict):
        if "results" in first or "group_by" in first:
            return _page_kind(first)
        return "openalex_jsonl"
    if path.stat().st_size > _MAX_JSON_DOC:
        return None
    try:
        doc = _load_json(path)
    except (ValueError, UnicodeDecodeError, EOFError, OSError):
        return None
    if not isinstance(doc, dict):
        return None
    kind = _page_kind(doc)
    if kind is None and path.name.endswith(".meta.json"):
        return COMPANION
    return kind


def _page_kind(doc: dict) -> str | None:
    results, groups = doc.get("results"), doc.get("group_by")
    if isinstance(results, list) and results:
        return "openalex_page"
    if isinstance(groups, list) and groups:
        return "openalex_group_by"
    if isinstance(results, list):
        return "openalex_page"
    if isinstance(groups, list):
        return "openalex_group_by"
    return None


def _csv_kind(head: str) -> str | None:
    """The CSV format whose columns the first or the second line names."""
    try:
        lines = list(zip(range(2), csv.reader(io.StringIO(head)), strict=False))
    except csv.Error:
        return None
    for _, row in lines:
        names = {h.strip().lstrip("\ufeff") for h in row}
        for fmt, needed in _CSV_HEADERS:
            if needed <= names and (fmt != "openalex_csv" or _has_authorships(names)):
                return fmt
    return None


def _has_authorships(names: set[str]) -> bool:
    return any(n.startswith("authorships.") for n in names)


def _text_kind(head: str) -> str | None:
    """Tagged text formats (Web of Science, MEDLINE) and XML from the first lines."""
    stripped = head.lstrip()
    if stripped.startswith("<"):
        return "pubmed_xml" if any(root in head for root in _XML_ROOTS) else None
    first_line = stripped.split("\n", 1)[0].rstrip("\r")
    if first_line.startswith("PT\t"):
        return "wos_tab"
    if re.match(r"^(FN |VR |PT )", stripped) and re.search(r"^ER\s*$|^PT ", head, re.MULTILINE):
        return "wos_plaintext"
    if re.search(r"^PMID- ", head, re.MULTILINE):
        return "medline"
    return None


def detect_format(path: Path) -> str | None:
    """Return the format name of ``path`` (see module docstring) or ``None`` if unrecognised.

    A companion file gives :data:`COMPANION`.
    """
    path = Path(path)
    head, _gz = _head_text(path)
    stripped = head.lstrip()
    if not stripped:
        return None
    if stripped.startswith("{"):
        return _json_kind(path, stripped)
    return _text_kind(head) or _csv_kind(stripped)
