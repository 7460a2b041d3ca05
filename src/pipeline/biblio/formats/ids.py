"""What each database's own work identifiers look like.

A record whose identifier does not have its database's shape is quarantined: most often it
is a sign that the row's fields slipped against the header (a Scopus row whose ``EID``
column says ``Scopus``), and such a record must never be kept, nor counted as a duplicate
of another that slipped the same way.
"""

from __future__ import annotations

import re

from pipeline.biblio.formats import Reject

__all__ = ["ID_SHAPES", "id_reject", "looks_like"]

#: Database -> (pattern a whole identifier matches, how the shape is described in reasons).
ID_SHAPES: dict[str, tuple[re.Pattern[str], str]] = {
    "scopus": (re.compile(r"2-s2\.0-[0-9A-Za-z]+"), "a Scopus EID (2-s2.0-…)"),
    # WOS:000071120800010, or another Web of Science database's prefix (MEDLINE:, CSCD:,
    # BCI:, ...); very old exports give the 15 digits alone
    "wos": (
        re.compile(r"[A-Z][A-Z0-9]{1,11}:[0-9A-Za-z.\-]+|\d{15}"),
        "a Web of Science accession number (WOS:…)",
    ),
    "pubmed": (re.compile(r"\d{1,9}"), "a PubMed identifier (PMID: digits)"),
    "openalex": (re.compile(r"W\d+"), "an OpenAlex work id (W…)"),
    "dimensions": (re.compile(r"pub\.\d+"), "a Dimensions publication id (pub.…)"),
    "lens": (
        re.compile(r"\d{3}-\d{3}-\d{3}-\d{3}-\d{2}[0-9Xx]"),
        "a Lens ID (000-000-000-000-000)",
    ),
}


def looks_like(kind: str, value: str) -> bool:
    """Whether ``value`` has the shape of a ``kind`` identifier (see :data:`ID_SHAPES`)."""
    return bool(ID_SHAPES[kind][0].fullmatch(value))


def id_reject(kind: str, value: str, label: str, row: int, column: str) -> Reject | None:
    """A :class:`Reject` naming the value when ``value`` is not a ``kind`` identifier."""
    if looks_like(kind, value):
        return None
    return Reject(
        label,
        row,
        column,
        value[:80],
        f"{value[:40]!r} in column {column!r} does not look like {ID_SHAPES[kind][1]}",
    )
