"""PubMed XML exports, read incrementally with ``iterparse``, plain or gzip-compressed.

Two layouts: ``PubmedArticleSet`` (what PubMed exports and distributes today, one
``PubmedArticle`` per work) and the older ``MedlineCitationSet`` (MEDLINE baseline files
up to 2016, one ``MedlineCitation`` per work, with ``DeleteCitation`` lists that are not
works). Fields used: the ``PMID`` (digits), the DOI from ``ArticleIdList`` or
``ELocationID``, the year of ``PubDate`` (or ``MedlineDate``, or ``ArticleDate``), every
author's ``AffiliationInfo/Affiliation`` (or the older ``Article/Affiliation``), and the
funders: ``GrantList/Grant/Agency``. Each work's element is cleared once read, so memory
stays flat.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from pipeline.biblio.countries import split_addresses
from pipeline.biblio.formats import Reject, WorkRow, make_row, parse_year
from pipeline.biblio.formats.ids import id_reject
from pipeline.biblio.formats.textio import GZIP_ERRORS, ShortReads, open_binary
from pipeline.biblio.funders import clean_funder_name

__all__ = ["ROOTS", "iter_records"]

#: Root element -> (element of one work, path of its PMID within that element).
ROOTS = {
    "PubmedArticleSet": ("PubmedArticle", "./MedlineCitation/PMID"),
    "MedlineCitationSet": ("MedlineCitation", "./PMID"),
}
_AFFILIATIONS = (".//AuthorList/Author/AffiliationInfo/Affiliation", ".//Article/Affiliation")


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
    """Stream works from a PubMed XML file; ``source_row`` counts the work elements.

    A file that is not well-formed XML (truncated, or an entity-expansion attack, which
    the parser refuses) keeps the works read before the fault and gives one reject
    naming the line where parsing stopped; a gzip file cut short keeps the works before
    the cut and gives one reject naming the file.
    """
    label = label or path.name
    state = {"index": 0}
    try:
        yield from _iter(path, fold_hk_mo, label, state)
    except ET.ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        yield Reject(label, line, "", "", f"XML not well formed, rest of file skipped: {exc}")
    except GZIP_ERRORS as exc:
        yield Reject(
            label,
            state["index"] + 1,
            "",
            "",
            f"{label}: compressed data end early or are damaged ({exc}); "
            "the works before this point are kept, the rest of the file is lost",
        )


def _work(elem: ET.Element, pmid_path: str, label: str, index: int, fold_hk_mo: bool):
    pmid = _text(elem.find(pmid_path))
    if not pmid:
        return Reject(label, index, "PMID", "", f"{elem.tag} without PMID")
    bad_id = id_reject("pubmed", pmid, label, index, "PMID")
    if bad_id is not None:
        return bad_id
    addresses: list[str] = []
    for where in _AFFILIATIONS:
        for aff in elem.iterfind(where):
            addresses.extend(split_addresses(_text(aff)))
    agencies = [clean_funder_name(_text(a)) for a in elem.iterfind(".//GrantList/Grant/Agency")]
    return make_row(
        work_id=f"pubmed:{pmid}",
        source_format="pubmed_xml",
        doi=_doi(elem),
        year=_year(elem),
        addresses=addresses or None,
        fold_hk_mo=fold_hk_mo,
        source_row=index,
        funders=agencies,
    )


def _iter(path: Path, fold_hk_mo: bool, label: str, state: dict[str, int]):
    root = None
    unit, pmid_path = ROOTS["PubmedArticleSet"]
    with open_binary(path) as fh:
        for event, elem in ET.iterparse(ShortReads(fh), events=("start", "end")):
            if root is None:
                root = elem
                unit, pmid_path = ROOTS.get(elem.tag, ROOTS["PubmedArticleSet"])
            if event != "end" or elem.tag != unit:
                continue
            state["index"] += 1
            yield _work(elem, pmid_path, label, state["index"], fold_hk_mo)
            elem.clear()
            root.clear()  # drop the emptied work elements too: memory stays flat
