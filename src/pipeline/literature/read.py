"""Read reference-manager exports (RIS, BibTeX, CSL-JSON) into plain records.

Zotero, EndNote and Mendeley all export these three formats. Each file is read on
its own; every record keeps the file and the line it starts on, so that a problem
can be pointed at in an editor:

* **RIS** (``.ris``, or EndNote's ``.txt``): records run from a ``TY  -`` line to an
  ``ER  -`` line. The file is split into records here (a record whose ``ER`` line is
  missing is rejected, never merged into the next one), and each record is parsed
  with :mod:`rispy`. Tags rispy does not know are reported, not silently dropped; a
  line that looks like a tag but is not laid out as one (two capitals, two spaces,
  hyphen, space) rejects its record when the tag is one RIS defines (``TI - ...``),
  as it would otherwise be glued onto the previous field; other lines are continuations.
* **BibTeX** (``.bib``): parsed with :mod:`bibtexparser` 2.x; blocks it cannot parse
  (unbalanced braces, a missing ``=``, a repeated key) are rejected with its reason.
  Names are split with BibTeX's rules; a braced name (``{RAND Europe}``) is kept as
  an organisation. LaTeX accents are decoded.
* **CSL-JSON** (``.json``): a JSON array of items; each item is located in the file
  so that a rejected item names its line.

Text must be UTF-8 (with or without a byte-order mark) or UTF-16 with a BOM. Any
other encoding stops with an error naming the file and the first byte that is not
UTF-8, unless an encoding is given explicitly.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.literature.schemas import LiteratureInputError

LIBRARY_SUFFIXES = (".ris", ".bib", ".json", ".txt")
RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)$")
RIS_LOOSE_TAG = re.compile(r"^([A-Z][A-Z0-9]) ?-(?: |$)|^([A-Z][A-Z0-9]) {1,4}-\S")
YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|2\d\d\d)(?!\d)")

_RIS_TYPES = {
    "JOUR": "article", "EJOUR": "article", "JFULL": "article", "INPR": "article",
    "RPRT": "report", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book",
    "CHAP": "chapter", "ECHAP": "chapter", "ELEC": "webpage", "BLOG": "webpage",
    "ICOMM": "webpage", "DATA": "webpage", "DBASE": "webpage", "NEWS": "news",
    "MGZN": "news", "GOVDOC": "government", "HEAR": "government", "BILL": "government",
    "STAT": "government", "LEGAL": "government", "CONF": "conference",
    "CPAPER": "conference", "THES": "thesis",
}  # fmt: skip
_BIBTEX_TYPES = {
    "article": "article", "techreport": "report", "report": "report", "book": "book",
    "inbook": "chapter", "incollection": "chapter", "misc": "webpage", "online": "webpage",
    "electronic": "webpage", "www": "webpage", "inproceedings": "conference",
    "conference": "conference", "phdthesis": "thesis", "mastersthesis": "thesis",
    "thesis": "thesis",
}  # fmt: skip
_CSL_TYPES = {
    "article-journal": "article", "article": "article", "report": "report", "book": "book",
    "chapter": "chapter", "webpage": "webpage", "post-weblog": "webpage", "post": "webpage",
    "dataset": "webpage", "article-newspaper": "news", "article-magazine": "news",
    "legislation": "government", "bill": "government", "hearing": "government",
    "regulation": "government", "paper-conference": "conference", "thesis": "thesis",
}  # fmt: skip


@dataclass
class Record:
    """One record of an export, with its fields in a format-independent shape.

    ``fields`` keys: ``ref_id``, ``entry_type``, ``title``, ``authors`` (a list of
    ``{"family", "given"}`` or ``{"literal"}`` dicts), ``year_text``, ``container``,
    ``publisher``, ``volume``, ``issue``, ``pages``, ``number``, ``doi``, ``url``;
    missing values are None.
    """

    source_file: str
    source_row: int
    source_format: str
    fields: dict[str, Any]


@dataclass
class LibraryRead:
    """What reading the export files gave: records, rejected records and notes."""

    records: list[Record] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)

    def reject(self, source: str, row: int, column: str, value: Any, reason: str) -> None:
        self.rejects.append(_issue(source, row, column, value, reason))

    def note(self, source: str, row: int, column: str, value: Any, reason: str) -> None:
        self.notes.append(_issue(source, row, column, value, reason))


def _issue(source: str, row: int, column: str, value: Any, reason: str) -> dict[str, Any]:
    text = "" if value is None else str(value)
    return {
        "source_file": source,
        "source_row": int(row),
        "column": column,
        "value": text[:200],
        "reason": reason,
    }


# --------------------------------------------------------------------------- decoding
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, source: str, encoding: str = "auto") -> tuple[str, str]:
    """Decode a text export; return ``(text, encoding)``, line ends normalised to ``\\n``.

    ``encoding="auto"`` accepts UTF-8 (BOM optional) and BOM-marked UTF-16/32 and stops
    with an error naming the file, line and byte offset at anything else: guessing a
    legacy code page would put wrong letters into author names without a trace.
    """
    if encoding.lower() != "auto":
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise LiteratureInputError(f"{source}: cannot decode as {encoding}: {exc}") from exc
        return _newlines(text.removeprefix("\ufeff")), encoding
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _newlines(data.decode(name).removeprefix("\ufeff")), name
            except UnicodeDecodeError:
                continue
    try:
        return _newlines(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LiteratureInputError(
            f"{source}: line {line}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}); export the library again as UTF-8 (Zotero and Mendeley do by "
            "default; in EndNote choose Unicode UTF-8 as the output encoding), or set the "
            "encoding explicitly (e.g. cp1252 or gb18030)"
        ) from exc


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def sniff_format(text: str, suffix: str) -> str | None:
    """``ris``, ``bibtex`` or ``csl-json`` from the file's first content, else None."""
    head = text.lstrip()[:2000]
    if suffix == ".bib" or head.startswith("@") or re.search(r"(?m)^\s*@\w+\s*[{(]", head):
        return "bibtex"
    if head.startswith(("[", "{")):
        return "csl-json"
    if re.search(r"(?m)^TY  -", head):
        return "ris"
    return None


# --------------------------------------------------------------------------- shared
def parse_year(text: str | None) -> int | None:
    """The first four-digit year in ``text`` (``2021///``, ``2021-03-09``), else None."""
    if not text:
        return None
    match = YEAR.search(str(text))
    return int(match.group(1)) if match else None


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if str(v).strip()), None)
        if value is None:
            return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def person(name: str) -> dict[str, str]:
    """``Family, Given`` as a person; anything without a comma as an organisation."""
    name = re.sub(r"\s+", " ", name).strip()
    if "," in name:
        family, _, given = name.partition(",")
        return {"family": family.strip(), "given": given.strip()}
    return {"literal": name}


def _pages(start: Any, end: Any) -> str | None:
    start, end = _clean(start), _clean(end)
    if start and end:
        return f"{start}-{end}"
    return start or end


# --------------------------------------------------------------------------- RIS
def _ris_blocks(lines: list[str]) -> Iterator[tuple[str, int, list[str]]]:
    """Yield ``(kind, line, lines)``: ``record``, ``unclosed`` or ``stray`` blocks."""
    current: list[str] | None = None
    start = 0
    stray: list[str] = []
    stray_start = 0
    for number, line in enumerate(lines, start=1):
        tag = RIS_TAG.match(line)
        if tag and tag.group(1) == "TY":
            if current is not None:
                yield "unclosed", start, current
            if stray:
                yield "stray", stray_start, stray
                stray = []
            current, start = [line], number
        elif current is not None:
            current.append(line)
            if tag and tag.group(1) == "ER":
                yield "record", start, current
                current = None
        elif line.strip():
            if not stray:
                stray_start = number
            stray.append(line)
    if current is not None:
        yield "unclosed", start, current
    if stray:
        yield "stray", stray_start, stray


def _ris_line_problems(lines: list[str], start: int) -> tuple[list[tuple[int, str]], str | None]:
    """Unknown tags (line, tag) and the first malformed tag line of a record, if any."""
    from rispy.config import TAG_KEY_MAPPING

    unknown: list[tuple[int, str]] = []
    for offset, line in enumerate(lines):
        tag = RIS_TAG.match(line)
        if tag:
            if tag.group(1) not in TAG_KEY_MAPPING or tag.group(1) == "UK":
                unknown.append((start + offset, tag.group(1)))
        elif (loose := RIS_LOOSE_TAG.match(line)) and (loose.group(1) or loose.group(2)) in (
            set(TAG_KEY_MAPPING) - {"UK"}
        ):
            # a known tag laid out wrongly; other text is a continuation line ("UK - China ...")
            return unknown, f"line {start + offset}: {line.strip()[:40]!r}"
    return unknown, None


def _ris_fields(entry: dict[str, Any]) -> dict[str, Any]:
    names = entry.get("authors") or entry.get("first_authors") or []
    urls = [u for u in entry.get("urls") or [] if str(u).strip()]
    entry_type = _RIS_TYPES.get(str(entry.get("type_of_reference", "")).upper(), "other")
    # SN holds a report's number for reports and official documents, an ISSN otherwise
    number = entry.get("issn") if entry_type in ("report", "government") else None
    return {
        "ref_id": _clean(entry.get("id")),
        "entry_type": entry_type,
        "title": _clean(entry.get("title") or entry.get("primary_title")),
        "authors": [person(n) for n in names if str(n).strip()],
        "year_text": _clean(
            entry.get("year") or entry.get("publication_year") or entry.get("date")
        ),
        "container": _clean(
            entry.get("secondary_title") or entry.get("journal_name")
            or entry.get("alternate_title3") or entry.get("alternate_title1")
        ),
        "publisher": _clean(entry.get("publisher")),
        "volume": _clean(entry.get("volume")),
        "issue": _clean(entry.get("number")),
        "pages": _pages(entry.get("start_page"), entry.get("end_page")),
        "number": _clean(number),
        "doi": _clean(entry.get("doi")),
        "url": _clean(urls),
    }  # fmt: skip


def read_ris(text: str, source: str, out: LibraryRead) -> int:
    """Read RIS text into ``out``; return the number of records found (kept + rejected)."""
    import rispy

    found = 0
    for kind, start, lines in _ris_blocks(text.split("\n")):
        if kind == "stray":
            out.note(source, start, "", lines[0], "text outside any record (no TY line) ignored")
            continue
        found += 1
        if kind == "unclosed":
            out.reject(source, start, "ER", lines[0], "record not closed: missing ER line")
            continue
        unknown, malformed = _ris_line_problems(lines, start)
        if malformed:
            out.reject(source, start, "", malformed, "malformed tag line (expected 'XX  - ')")
            continue
        for line, tag in unknown:
            out.note(source, line, tag, tag, f"unknown RIS tag {tag!r}: its value was ignored")
        entry = rispy.loads("\n".join(lines), skip_unknown_tags=True)[0]
        out.records.append(Record(source, start, "ris", _ris_fields(entry)))
    return found


# --------------------------------------------------------------------------- BibTeX
def _latex_decoder():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text()


def _bibtex_names(raw: str, decode) -> list[dict[str, str]]:
    """Split a BibTeX name list; braced names are organisations (``{RAND Europe}``)."""
    from bibtexparser.middlewares.names import (
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    names: list[dict[str, str]] = []
    for name in split_multiple_persons_names(raw):
        name = name.strip()
        if name.startswith("{") and name.endswith("}") and name.count("{") == 1:
            names.append({"literal": decode(name[1:-1]).strip()})
            continue
        parts = parse_single_name_into_parts(name)
        family = " ".join([*parts.von, *parts.last, *parts.jr])
        given = " ".join(parts.first)
        if not given and " " in decode(family).strip():
            names.append({"literal": decode(family).strip()})
        else:
            names.append({"family": decode(family).strip(), "given": decode(given).strip()})
    return names


def _bibtex_fields(entry: Any, decode) -> dict[str, Any]:
    raw = {k.lower(): f.value for k, f in entry.fields_dict.items()}

    def text(*keys: str) -> str | None:
        for key in keys:
            value = raw.get(key)
            if value is not None and str(value).strip():
                return _clean(decode(str(value)))
        return None

    names = raw.get("author") or raw.get("editor") or ""
    return {
        "ref_id": _clean(entry.key),
        "entry_type": _BIBTEX_TYPES.get(entry.entry_type.lower(), "other"),
        "title": text("title"),
        "authors": _bibtex_names(str(names), decode) if str(names).strip() else [],
        "year_text": text("year", "date"),
        "container": text("journal", "journaltitle", "booktitle", "howpublished"),
        "publisher": text("institution", "publisher", "organization", "school"),
        "volume": text("volume"),
        "issue": text("number") if entry.entry_type.lower() == "article" else text("issue"),
        "pages": text("pages"),
        "number": None if entry.entry_type.lower() == "article" else text("number"),
        "doi": text("doi"),
        "url": text("url"),
    }


def read_bibtex(text: str, source: str, out: LibraryRead) -> int:
    """Read BibTeX text into ``out``; return the number of entries found (kept + rejected)."""
    import bibtexparser
    from bibtexparser.middlewares.names import InvalidNameError

    library = bibtexparser.parse_string(text)
    decode = _latex_decoder().latex_to_text
    for block in library.failed_blocks:
        error = getattr(block, "error", None)
        reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
        first = (block.raw or "").strip().splitlines()[:1]
        out.reject(source, (block.start_line or 0) + 1, "", first[0] if first else "",
                   f"BibTeX entry not parsed: {reason.strip()}")  # fmt: skip
    for entry in library.entries:
        line = (entry.start_line or 0) + 1
        try:
            fields = _bibtex_fields(entry, decode)
        except InvalidNameError as exc:
            out.reject(source, line, "author", entry.key, f"author list not parseable: {exc}")
            continue
        out.records.append(Record(source, line, "bibtex", fields))
    return len(library.entries) + len(library.failed_blocks)


# --------------------------------------------------------------------------- CSL-JSON
def _csl_year(item: dict[str, Any]) -> str | None:
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return str(parts[0][0])
        return _clean(issued.get("raw") or issued.get("literal"))
    return _clean(issued)


def _csl_names(values: Any) -> list[dict[str, str]]:
    names: list[dict[str, str]] = []
    for value in values if isinstance(values, list) else []:
        if not isinstance(value, dict):
            continue
        if value.get("literal"):
            names.append({"literal": str(value["literal"]).strip()})
        elif value.get("family"):
            family = " ".join(
                str(value.get(k, "")).strip() for k in ("non-dropping-particle", "family")
            ).strip()
            names.append({"family": family, "given": str(value.get("given", "")).strip()})
    return names


def _csl_fields(item: dict[str, Any]) -> dict[str, Any]:
    return {
        "ref_id": _clean(item.get("id")),
        "entry_type": _CSL_TYPES.get(str(item.get("type", "")).lower(), "other"),
        "title": _clean(item.get("title")),
        "authors": _csl_names(item.get("author") or item.get("editor")),
        "year_text": _csl_year(item),
        "container": _clean(item.get("container-title")),
        "publisher": _clean(item.get("publisher") or item.get("authority")),
        "volume": _clean(item.get("volume")),
        "issue": _clean(item.get("issue")),
        "pages": _clean(item.get("page")),
        "number": _clean(item.get("number")),
        "doi": _clean(item.get("DOI") or item.get("doi")),
        "url": _clean(item.get("URL") or item.get("url")),
    }


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\n\r":
        pos += 1
    return pos


def _csl_items(text: str, source: str) -> Iterator[tuple[int, Any]]:
    """Yield ``(line, value)`` for each element of the top-level JSON array."""
    decoder = json.JSONDecoder()
    pos = _skip_space(text, 0)
    if not text.startswith("[", pos):
        raise LiteratureInputError(f"{source}: not a CSL-JSON file (expected a JSON array)")
    pos = _skip_space(text, pos + 1)
    while pos < len(text) and text[pos] != "]":
        line = text.count("\n", 0, pos) + 1
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise LiteratureInputError(
                f"{source}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); "
                "no record of this file was read"
            ) from exc
        yield line, value
        pos = _skip_space(text, pos)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
        elif pos >= len(text) or text[pos] != "]":
            line = text.count("\n", 0, pos) + 1
            raise LiteratureInputError(f"{source}: line {line}: expected ',' or ']' in the array")


def read_csl_json(text: str, source: str, out: LibraryRead) -> int:
    """Read CSL-JSON text into ``out``; return the number of items found (kept + rejected)."""
    found = 0
    for line, item in _csl_items(text, source):
        found += 1
        if not isinstance(item, dict):
            out.reject(source, line, "", json.dumps(item)[:80], "item is not a JSON object")
            continue
        out.records.append(Record(source, line, "csl-json", _csl_fields(item)))
    return found


# --------------------------------------------------------------------------- files
_READERS = {"ris": read_ris, "bibtex": read_bibtex, "csl-json": read_csl_json}


def library_files(paths: list[Path] | Path) -> list[Path]:
    """The export files named by ``paths`` (files, or folders searched for exports), sorted."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    found: list[Path] = []
    for item in map(Path, items):
        if item.is_dir():
            found.extend(
                p for p in sorted(item.iterdir())
                if p.is_file() and p.suffix.lower() in LIBRARY_SUFFIXES
                and not p.name.startswith((".", "~$"))
            )  # fmt: skip
        elif item.is_file():
            found.append(item)
        else:
            raise LiteratureInputError(f"{item}: no such file or folder")
    return sorted(dict.fromkeys(found), key=lambda p: p.name)


def read_library(paths: list[Path] | Path, encoding: str = "auto") -> LibraryRead:
    """Read every export file; records keep their file name and starting line."""
    out = LibraryRead()
    files = library_files(paths)
    if not files:
        raise LiteratureInputError(
            f"no reference library found in {paths} (expected .ris, .bib or .json exports)"
        )
    for path in files:
        data = path.read_bytes()
        if not data.strip():
            raise LiteratureInputError(f"{path.name}: the file is empty")
        text, used = decode_text(data, path.name, encoding)
        kind = sniff_format(text, path.suffix.lower())
        if kind is None:
            raise LiteratureInputError(
                f"{path.name}: not a RIS, BibTeX or CSL-JSON export (no 'TY  -' line, "
                "no '@entry{', no JSON array)"
            )
        before = len(out.rejects)
        found = _READERS[kind](text, path.name, out)
        out.files.append(
            {"file": path.name, "format": kind, "encoding": used, "records": found,
             "rejected": len(out.rejects) - before}
        )  # fmt: skip
    return out


# --------------------------------------------------------------------------- coding sheet
CODING_COLUMNS = {
    "ref_id": ("ref id", "id", "key", "citation key", "reference id", "record id"),
    "doi": ("doi",),
    "title": ("title", "reference", "publication"),
    "themes": ("themes", "theme", "broad themes"),
    "evidence_themes": ("evidence themes", "detailed themes", "subthemes", "sub themes"),
    "source_type": ("source type", "type of source", "source"),
    "country": ("country", "country of authoring organisation", "author country"),
    "coding_basis": ("coding basis", "basis", "coded from"),
}
REQUIRED_CODING = ("themes", "source_type", "country", "coding_basis")


@dataclass
class CodingRead:
    """The coding sheet's data rows as dicts (canonical column names) with their row numbers."""

    source_file: str
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str]


def _header_map(header: list[str]) -> dict[str, int]:
    from pipeline.registries import normalise_name

    spellings = {normalise_name(s): name for name, alts in CODING_COLUMNS.items() for s in alts}
    mapping: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = spellings.get(normalise_name(str(cell or "").replace("_", " ")))
        if name and name not in mapping:
            mapping[name] = index
    return mapping


def _coding_rows(source: str, table: list[tuple[int, list[Any]]]) -> CodingRead:
    """Map a sheet (``(row number, cells)`` in order, header first) onto canonical columns."""
    if not table:
        raise LiteratureInputError(f"{source}: the coding sheet is empty")
    header_row, header = table[0]
    mapping = _header_map(header)
    missing = [c for c in REQUIRED_CODING if c not in mapping]
    if missing or not {"ref_id", "doi", "title"} & set(mapping):
        need = missing or ["one of ref_id, doi, title"]
        raise LiteratureInputError(
            f"{source}: header row {header_row}: missing column(s) {', '.join(need)} "
            f"(found: {', '.join(str(h) for h in header if str(h or '').strip())})"
        )
    used = set(mapping.values())
    ignored = [str(h) for i, h in enumerate(header) if i not in used and str(h or "").strip()]
    rows = []
    for number, cells in table[1:]:
        values = {
            name: _clean(cells[i] if i < len(cells) else None) or "" for name, i in mapping.items()
        }
        if any(values.values()):
            rows.append((number, values))
    return CodingRead(source, rows, ignored)


def _xlsx_table(path: Path) -> list[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/xml errors of a damaged file
        raise LiteratureInputError(f"{path.name}: cannot open the workbook: {exc}") from exc
    try:
        sheet = workbook.worksheets[0]
        table = [
            (number, list(cells))
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
            if any(c is not None and str(c).strip() for c in cells)
        ]
    finally:
        workbook.close()
    return table


def _csv_table(path: Path, encoding: str) -> list[tuple[int, list[Any]]]:
    import csv
    import io

    from pipeline.io import csv_field_limit, csv_records

    text, _ = decode_text(path.read_bytes(), path.name, encoding)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    with csv_field_limit():
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [
            (line, cells) for line, cells in csv_records(reader) if any(c.strip() for c in cells)
        ]


def read_coding(path: Path, encoding: str = "auto") -> CodingRead:
    """Read the coding sheet (``.csv`` or ``.xlsx``; header on its first non-blank row)."""
    path = Path(path)
    if not path.is_file():
        raise LiteratureInputError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _coding_rows(path.name, _xlsx_table(path))
    if suffix in (".csv", ".txt", ".tsv"):
        return _coding_rows(path.name, _csv_table(path, encoding))
    raise LiteratureInputError(f"{path.name}: the coding sheet must be .csv or .xlsx")
