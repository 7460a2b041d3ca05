"""PubMed XML (``PubmedArticleSet``) exports, read incrementally with ``iterparse``.

Fields used: ``MedlineCitation/PMID``, the DOI from ``ArticleIdList`` or
``ELocationID``, the year of ``PubDate`` (or ``MedlineDate``, or
``ArticleDate``), and ``AffiliationInfo/Affiliation`` of every author. Each
``PubmedArticle`` element is cleared once read, so memory stays flat.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, parse_year

__all__ = ["iter_records"]


def _text(elem: ET.Element | None) -> str:
    return "".join(elem.itertext()).strip() if elem is not None else ""


def _doi(article: ET.Element) -> str | None:
    for aid in article.iterfind("./PubmedData/ArticleIdList/ArticleId"):
        if aid.get("IdType") == "doi" and _text(aid):
            return _text(aid)
    for loc in article.iterfind(".//Article/ELocationID"):
        if loc.get("EIdType") == "doi" and _text(loc):
            return _text(loc)
    return None


def _year(article: ET.Element) -> int | None:
    pub = article.find(".//Article/Journal/JournalIssue/PubDate")
    if pub is not None:
        year = parse_year(_text(pub.find("Year"))) or parse_year(_text(pub.find("MedlineDate")))
        if year:
            return year
    return parse_year(_text(article.find(".//Article/ArticleDate/Year")))


def iter_records(
    path: Path, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream works from a PubMed XML file; ``source_row`` counts ``PubmedArticle`` elements.

    A file that is not well-formed XML (truncated, or an entity-expansion attack, which
    the parser refuses) keeps the articles read before the fault and gives one reject
    naming the line where parsing stopped.
    """
    label = label or path.name
    try:
        yield from _iter(path, fold_hk_mo, label)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        yield Reject(label, line, "", "", f"XML not well formed, rest of file skipped: {exc}")


def _iter(path: Path, fold_hk_mo: bool, label: str) -> Iterator[WorkRow | Reject]:
    index = 0
    root = None
    for event, elem in ET.iterparse(path, events=("start", "end")):
        if root is None:
            root = elem
        if event != "end" or elem.tag != "PubmedArticle":
            continue
        index += 1
        pmid = _text(elem.find("./MedlineCitation/PMID"))
        if not pmid:
            yield Reject(label, index, "PMID", "", "PubmedArticle without PMID")
        else:
            addresses: list[str] = []
            for aff in elem.iterfind(".//AuthorList/Author/AffiliationInfo/Affiliation"):
                addresses.extend(split_addresses(_text(aff)))
            yield make_row(
                work_id=f"pubmed:{pmid}",
                source_format="pubmed_xml",
                doi=_doi(elem),
                year=_year(elem),
                addresses=addresses or None,
                fold_hk_mo=fold_hk_mo,
                source_row=index,
            )
        elem.clear()
        root.clear()  # drop the emptied article elements too: memory stays flat
