"""Write the reference edition of the literature input.

The registry ``data/reference/literature/references.csv`` lists real, checkable
publications on UK–China research collaboration and research security, each with the
DOI or web address that was checked and what was found there. This module writes them
out as a review team would hold them: most in one RIS export (``library.ris``), a
colleague's BibTeX file (``library_colleague.bib``) and a small CSL-JSON export from a
shared group library (``library_group.json``). A publication held in two of them is a
realistic duplicate: the second copy spells its DOI in capitals and its title in title
case, as another reference manager would, so the cleaning's duplicate detection has
work to do.

Beside them it writes the coding sheet (``coding_PARTLY_SYNTHETIC.csv``) from the
edition's hand coding (``edition_coding.csv`` in this package: themes, source type,
country and what each coding was checked against, an abstract, a landing page, or
nothing, i.e. synthetic), with each reference's title added for the reader, and the
``EDITION.yaml`` note saying which part is synthetic.

``python -m pipeline literature edition --out data/raw/literature`` rewrites the five
files; the same registry and coding give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from pipeline.io import atomic_write_text
from pipeline.registries import reference_dir

REGISTRY = Path("literature") / "references.csv"
FILES = {"ris": "library.ris", "bib": "library_colleague.bib", "json": "library_group.json"}
CODING_FILE = "coding_PARTLY_SYNTHETIC.csv"
EDITION_CODING = Path(__file__).with_name("edition_coding.csv")
EDITION_NOTE = """\
# Reference edition of the literature input (Phase 1 literature review).
# The LIBRARY is real: every record is a real, checkable publication whose DOI or web
# address was verified; what was checked and what was found is recorded per reference in
# data/reference/literature/references.csv (see the README there).
# The CODING is partly synthetic: {coding} says, per reference, whether
# its themes were checked against the abstract, against the landing page, or not checked
# at all (coding_basis = synthetic); the chapter shows which.
# Replace these files with your own export(s) and coding sheet and delete this file.
synthetic: partial
label: Reference edition of the literature library (real publications, partly synthetic coding)
library_files: [{files}]
coding_file: {coding}
synthetic_part: theme coding of rows whose coding_basis is synthetic
generator: python -m pipeline literature edition --out data/raw/literature
registry: data/reference/literature/references.csv
"""
_RIS_TYPE = {"article": "JOUR", "report": "RPRT", "government": "GOVDOC", "webpage": "ELEC",
             "news": "NEWS", "book": "BOOK"}  # fmt: skip
_BIB_TYPE = {"article": "article", "report": "techreport", "book": "book"}
_CSL_TYPE = {"article": "article-journal", "report": "report", "government": "report",
             "webpage": "webpage", "news": "article-newspaper", "book": "book"}  # fmt: skip
_SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "with",
    ]
)


def load_registry(ref_dir: Path | str | None = None) -> list[dict[str, str]]:
    """The registry rows (all values as text), in key order."""
    path = reference_dir(ref_dir) / REGISTRY
    with path.open(encoding="utf-8", newline="") as fh:
        return sorted(csv.DictReader(fh), key=lambda r: r["key"])


def _names(row: dict[str, str]) -> list[str]:
    return [n.strip() for n in row["authors"].split("|") if n.strip()]


def _title_case(title: str) -> str:
    words = title.split(" ")
    out = [w if i and w.lower() in _SMALL else w[:1].upper() + w[1:] for i, w in enumerate(words)]
    return " ".join(out)


def _variant(row: dict[str, str], first_copy: bool) -> dict[str, str]:
    """A second reference manager's copy: DOI in capitals, title in title case."""
    if first_copy:
        return row
    return {**row, "doi": row["doi"].upper(), "title": _title_case(row["title"])}


def ris_record(row: dict[str, str]) -> str:
    """One RIS record, tags in the order a reference manager writes them."""
    lines = [f"TY  - {_RIS_TYPE[row['entry_type']]}", f"TI  - {row['title']}"]
    lines += [f"AU  - {name}" for name in _names(row)]
    start, _, end = row["pages"].partition("-")
    for tag, value in (
        ("T2", row["container"]), ("PB", row["publisher"]), ("VL", row["volume"]),
        ("IS", row["issue"]), ("SP", start), ("EP", end), ("SN", row["number"]),
        ("PY", row["year"]), ("DA", row["date"]), ("DO", row["doi"]), ("UR", row["url"]),
        ("ID", row["key"]),
    ):  # fmt: skip
        if value:
            lines.append(f"{tag}  - {value}")
    return "\n".join([*lines, "ER  - ", ""])


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%#_$])", r"\\\1", text)


def bib_entry(row: dict[str, str]) -> str:
    """One BibTeX entry as a person would keep it (organisations braced)."""
    kind = _BIB_TYPE.get(row["entry_type"], "misc")
    names = " and ".join(n if "," in n else "{" + n + "}" for n in _names(row))
    fields = [("author", names), ("title", _bib_escape(row["title"])),
              ("journal" if kind == "article" else "howpublished", _bib_escape(row["container"])),
              ("institution" if kind == "techreport" else "publisher", _bib_escape(row["publisher"])),
              ("volume", row["volume"]), ("number", row["issue"] or row["number"]),
              ("pages", row["pages"].replace("-", "--")), ("year", row["year"]),
              ("doi", row["doi"]), ("url", row["url"])]  # fmt: skip
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return f"@{kind}{{{row['key']},\n{body}\n}}\n"


def csl_item(row: dict[str, str]) -> dict[str, object]:
    """One CSL-JSON item."""
    authors = [
        {"family": n.partition(",")[0].strip(), "given": n.partition(",")[2].strip()}
        if "," in n else {"literal": n}
        for n in _names(row)
    ]  # fmt: skip
    parts = [int(p) for p in (row["date"] or row["year"]).split("/") if p]
    item: dict[str, object] = {"id": row["key"], "type": _CSL_TYPE[row["entry_type"]],
                               "title": row["title"], "author": authors,
                               "issued": {"date-parts": [parts]}}  # fmt: skip
    for key, column in (("container-title", "container"), ("publisher", "publisher"),
                        ("number", "number"), ("DOI", "doi"), ("URL", "url")):  # fmt: skip
        if row[column]:
            item[key] = row[column]
    return item


def render(rows: list[dict[str, str]]) -> dict[str, str]:
    """File name -> text of the three exports."""
    chunks: dict[str, list] = {kind: [] for kind in FILES}
    for row in rows:
        for n, kind in enumerate(row["export"].split()):
            chunks[kind].append(_variant(row, first_copy=n == 0))
    return {
        FILES["ris"]: "\n".join(ris_record(r) for r in chunks["ris"]),
        FILES["bib"]: "\n".join(bib_entry(r) for r in chunks["bib"]),
        FILES["json"]: json.dumps([csl_item(r) for r in chunks["json"]], indent=2,
                                  ensure_ascii=False) + "\n",
    }  # fmt: skip


def coding_sheet(rows: list[dict[str, str]], coding_path: Path = EDITION_CODING) -> str:
    """The coding sheet's text: the edition's coding with each reference's title added."""
    titles = {r["key"]: r["title"] for r in rows}
    with coding_path.open(encoding="utf-8", newline="") as fh:
        coding = list(csv.DictReader(fh))
    missing = sorted(set(titles) - {c["ref_id"] for c in coding})
    if missing:
        raise ValueError(f"{coding_path.name}: no coding for {', '.join(missing)}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    columns = ["ref_id", "title", "themes", "evidence_themes", "source_type", "country",
               "coding_basis", "notes"]  # fmt: skip
    writer.writerow(columns)
    for row in sorted(coding, key=lambda c: c["ref_id"]):
        writer.writerow([titles[row["ref_id"]] if c == "title" else row[c] for c in columns])
    return buf.getvalue()


def write_edition(out_dir: Path | str, ref_dir: Path | str | None = None) -> list[Path]:
    """Write the exports, the coding sheet and the edition note into ``out_dir``."""
    rows = load_registry(ref_dir)
    texts = render(rows)
    texts[CODING_FILE] = coding_sheet(rows)
    texts["EDITION.yaml"] = EDITION_NOTE.format(coding=CODING_FILE, files=", ".join(FILES.values()))
    return [atomic_write_text(Path(out_dir) / name, text) for name, text in sorted(texts.items())]
