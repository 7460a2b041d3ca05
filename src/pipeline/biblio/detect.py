"""Recognise the format of a bibliographic export from its first bytes.

Formats (the names used in reports and in the ``source_format`` column):

``openalex_page``     OpenAlex API results page: a JSON object with ``results``
``openalex_group_by`` OpenAlex ``group_by`` response (counts, not works)
``openalex_jsonl``    OpenAlex works, one JSON object per line, plain or gzip
``wos_plaintext``     Web of Science plain text (``FN``/``VR``/``PT`` tags)
``wos_tab``           Web of Science tab-delimited (header ``PT<TAB>AU...``), UTF-8/UTF-16
``scopus_csv``        Scopus CSV (``Authors``, ``Title``, ``Year``, ..., ``EID``)
``medline``           MEDLINE text (``PMID-`` tags)
``pubmed_xml``        PubMed XML (``PubmedArticleSet``)
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from pathlib import Path

__all__ = ["FORMATS", "WORK_FORMATS", "detect_format"]

WORK_FORMATS = (
    "openalex_page",
    "openalex_jsonl",
    "wos_plaintext",
    "wos_tab",
    "scopus_csv",
    "medline",
    "pubmed_xml",
)
FORMATS = (*WORK_FORMATS, "openalex_group_by")

_HEAD_BYTES = 65536
_MAX_JSON_DOC = 512 * 1024 * 1024
_SCOPUS_REQUIRED = {"Authors", "Title", "Year", "EID"}


def _head_text(path: Path) -> tuple[str, bool]:
    """Decoded first bytes of ``path`` and whether it is gzip-compressed."""
    with open(path, "rb") as fh:
        raw = fh.read(_HEAD_BYTES)
    gz = raw[:2] == b"\x1f\x8b"
    if gz:
        try:
            with gzip.open(path, "rb") as gfh:
                raw = gfh.read(_HEAD_BYTES)
        except (OSError, EOFError):
            return "", True
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text, gz


def _json_kind(path: Path, head: str, gz: bool) -> str | None:
    first_line = head.split("\n", 1)[0].strip()
    try:
        first = json.loads(first_line)
    except json.JSONDecodeError:
        first = None
    if isinstance(first, dict):
        if "results" in first or "group_by" in first:
            return _page_kind(first)
        return "openalex_jsonl"
    if gz or path.stat().st_size > _MAX_JSON_DOC:
        return None
    try:
        with open(path, encoding="utf-8-sig") as fh:
            doc = json.load(fh)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return _page_kind(doc) if isinstance(doc, dict) else None


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


def detect_format(path: Path) -> str | None:
    """Return the format name of ``path`` (see module docstring) or ``None`` if unrecognised."""
    path = Path(path)
    head, gz = _head_text(path)
    stripped = head.lstrip()
    if not stripped:
        return None
    if stripped.startswith("{"):
        return _json_kind(path, head.lstrip(), gz)
    if gz:
        return None
    if stripped.startswith("<"):
        return "pubmed_xml" if "<PubmedArticleSet" in head else None
    first_line = stripped.split("\n", 1)[0].rstrip("\r")
    if first_line.startswith("PT\t"):
        return "wos_tab"
    if re.match(r"^(FN |VR |PT )", stripped) and re.search(r"^ER\s*$|^PT ", head, re.MULTILINE):
        return "wos_plaintext"
    if re.search(r"^PMID- ", head, re.MULTILINE):
        return "medline"
    try:
        header = next(csv.reader(io.StringIO(first_line)))
    except (csv.Error, StopIteration):
        return None
    names = {h.strip() for h in header}
    if _SCOPUS_REQUIRED <= names and names & {"Affiliations", "Authors with affiliations"}:
        return "scopus_csv"
    return None
