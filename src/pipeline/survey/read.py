"""Read a survey export whatever its header layout, encoding or delimiter.

Supported layouts (detected from the rows themselves):

* ``qualtrics-3row`` -- Qualtrics' current CSV: row 1 column ids, row 2 the
  question text, row 3 ``{"ImportId": ...}`` JSON;
* ``qualtrics-2row`` -- the legacy layout: ids and question text, no ImportId row;
* ``plain`` -- an ordinary CSV with one header row.

Encodings (:func:`pipeline.io.decode_text`): UTF-8 with or without a byte-order
mark, UTF-16 (with a BOM, or without one when the NUL pattern gives it away); a
file that is UTF-8 nowhere is read as GB18030 (the GBK/GB2312 that Chinese-locale
spreadsheet programs write) or Windows-1252, reported with a
:class:`SurveyEncodingWarning` and recorded in ``RawExport.warnings``. A file
that is UTF-8 on some lines only is refused, naming the lines. Cells of any
length are read (the csv module's 128 KiB default limit is raised). Delimiters:
comma, semicolon or tab, taken from the header line.

Every data row keeps ``source_row``: the physical line number (1-based) on
which the record starts, so a message or a reject points at the right line
even when a quoted answer spans several lines. A record whose number of fields
is not the header's is never padded or cut to fit: it is listed in
``RawExport.malformed`` with its lines (both halves of a record cut in two by an
unquoted line break are one malformed record).
"""

from __future__ import annotations

import codecs
import json
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipeline.io import (
    CsvSyntaxError,
    EncodingError,
    Span,
    csv_text_spans,
    decode_text,
    find_input,
    split_field_counts,
)
from pipeline.survey.instrument import Question, Scale, load_questions, load_scales


class SurveyInputError(ValueError):
    """A survey export that cannot be read or cleaned as it stands."""


class SurveyEncodingWarning(UserWarning):
    """The export was not UTF-8/UTF-16 and was decoded with a fallback encoding."""


#: Where the pipeline looks for the export, and the kinds of file it picks there.
RAW_DIR = "data/raw/survey"
INPUT_SUFFIXES = (".csv", ".tsv", ".txt")

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}

# Qualtrics ids of the embedded metadata columns and their row-2 text.
METADATA_TEXT = {
    "StartDate": "Start Date",
    "EndDate": "End Date",
    "Status": "Response Type",
    "IPAddress": "IP Address",
    "Progress": "Progress",
    "Duration (in seconds)": "Duration (in seconds)",
    "Finished": "Finished",
    "RecordedDate": "Recorded Date",
    "ResponseId": "Response ID",
    "RecipientLastName": "Recipient Last Name",
    "RecipientFirstName": "Recipient First Name",
    "RecipientEmail": "Recipient Email",
    "ExternalReference": "External Data Reference",
    "LocationLatitude": "Location Latitude",
    "LocationLongitude": "Location Longitude",
    "DistributionChannel": "Distribution Channel",
    "UserLanguage": "User Language",
}

BOOL_VALUES = {"true", "false", "1", "0", "yes", "no"}
QUALTRICS_STATUS = {
    "ip address",
    "survey preview",
    "survey test",
    "imported",
    "spam",
    "preview spam",
    "imported spam",
    "offline",
    "offline survey preview",
    "edited",
}


@dataclass
class RawExport:
    """A parsed export: header information plus the data rows as text."""

    path: Path
    columns: list[str]
    question_text: dict[str, str]
    import_ids: dict[str, str]
    rows: list[list[str]]
    source_rows: list[int]
    layout: str
    encoding: str
    delimiter: str
    malformed: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def raw_rows(self) -> int:
        """Number of data records in the file (parsed plus malformed)."""
        return len(self.rows) + len(self.malformed)

    def frame(self) -> pd.DataFrame:
        """The data rows as an all-text DataFrame with a ``source_row`` column."""
        df = pd.DataFrame(self.rows, columns=self.columns, dtype=object)
        if df.empty:
            df = pd.DataFrame({c: pd.Series(dtype=object) for c in self.columns})
        df.insert(0, "source_row", pd.Series(self.source_rows, dtype="int64"))
        return df


def _decode(data: bytes, path: Path) -> tuple[str, str, str | None]:
    """Decode export bytes: ``(text, encoding name, warning or None)``.

    Raises :class:`SurveyInputError` naming the file and the lines for mixed encodings.
    """
    try:
        text, encoding, warning = decode_text(data)
    except EncodingError as exc:
        raise SurveyInputError(f"{path}: {exc}") from exc
    return text, encoding, (f"{path}: {warning}" if warning else None)


def decode(data: bytes, path: Path) -> tuple[str, str]:
    """Decode export bytes, returning ``(text, encoding name)``.

    A fallback encoding (anything but UTF-8/UTF-16) issues a :class:`SurveyEncodingWarning`.
    """
    text, encoding, warning = _decode(data, path)
    if warning:
        warnings.warn(warning, SurveyEncodingWarning, stacklevel=2)
    return text, encoding


def _first_line(text: str) -> str:
    in_quote = False
    for i, ch in enumerate(text):
        if ch == '"':
            in_quote = not in_quote
        elif ch in "\r\n" and not in_quote:
            return text[:i]
    return text


def detect_delimiter(text: str) -> str:
    """Pick comma, semicolon or tab: whichever occurs most outside quotes in the header."""
    line = re.sub(r'"[^"]*"', "", _first_line(text))
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ","


def _is_import_id_row(row: list[str]) -> bool:
    cells = [c.strip() for c in row if c.strip()]
    if not cells:
        return False
    hits = sum(1 for c in cells if c.startswith("{") and "importid" in c.casefold())
    return hits >= max(1, len(cells) // 2)


def _looks_like_date(value: str) -> bool:
    for fmt in (
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%d/%m/%Y %H:%M",
        "%m/%d/%Y %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d",
        "%d/%m/%Y",
    ):
        try:
            datetime.strptime(value.strip(), fmt)
            return True
        except ValueError:
            continue
    return False


def _is_number(value: str) -> bool:
    try:
        float(value.strip())
        return True
    except ValueError:
        return False


_DATE_COLUMNS = ("StartDate", "EndDate", "RecordedDate")
_NUMBER_COLUMNS = ("Progress", "Duration (in seconds)")


def _metadata_votes(col: str, v: str) -> tuple[int, int]:
    """``(text votes, data votes)`` of a metadata cell: its Qualtrics label, or a value."""
    if v.casefold() == METADATA_TEXT[col].casefold():
        return 2, 0
    if col == "Status":
        return 0, int(v.casefold() in QUALTRICS_STATUS or _is_number(v))
    if col in _DATE_COLUMNS:
        is_value = _looks_like_date(v)
    elif col in _NUMBER_COLUMNS:
        is_value = _is_number(v)
    elif col == "Finished":
        is_value = v.casefold() in BOOL_VALUES
    else:
        return 0, 0
    return int(not is_value), int(is_value)


def _question_votes(q: Question, v: str, scales: dict[str, Scale]) -> tuple[int, int]:
    """``(text votes, data votes)`` of a question cell: its wording, or an answer label."""
    if v == q.text or (q.match and re.search(q.match, v, re.IGNORECASE)):
        return 2, 0
    if q.scale and q.type != "multi" and scales[q.scale].canonical(v) is not None:
        return 0, 1
    return 0, 0


def _is_text_row(row: list[str], columns: list[str]) -> bool:
    """Decide whether ``row`` holds question text (a header) rather than answers."""
    questions = {q.id: q for q in load_questions()}
    scales = load_scales()
    text_votes = data_votes = 0
    for col, value in zip(columns, row, strict=False):
        v = value.strip()
        if not v:
            continue
        if col in METADATA_TEXT:
            text, data = _metadata_votes(col, v)
        elif col in questions:
            text, data = _question_votes(questions[col], v, scales)
        else:
            text, data = int(v == col), 0
        text_votes += text
        data_votes += data
    return text_votes > data_votes


def _unique_columns(header: list[str]) -> list[str]:
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, name in enumerate(header):
        name = name.strip().lstrip("\ufeff") or f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}.{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _records(text: str, path: Path, delimiter: str) -> list[Span]:
    """Non-blank CSV records with the first and last line of each."""
    try:
        spans = csv_text_spans(text, delimiter)
    except CsvSyntaxError as exc:
        raise SurveyInputError(f"{path}: line {exc.line}: cannot parse CSV: {exc.error}") from exc
    return [span for span in spans if span[2] and any(c.strip() for c in span[2])]


@dataclass
class _Header:
    """The header rows of an export: column ids, question text and import ids if present."""

    columns: list[str]
    question_text: dict[str, str] = field(default_factory=dict)
    import_ids: dict[str, str] = field(default_factory=dict)
    rows: int = 1

    @property
    def layout(self) -> str:
        if self.question_text and self.import_ids:
            return "qualtrics-3row"
        if self.question_text:
            return "qualtrics-2row"
        return "qualtrics-ids-importid" if self.import_ids else "plain"


def _header(records: list[Span]) -> _Header:
    """Column ids from the first record; question text and ImportIds from the next two."""
    header = _Header(_unique_columns(records[0][2]))
    for _, _, rec in records[1:3]:
        if _is_import_id_row(rec):
            for col, cell in zip(header.columns, rec, strict=False):
                try:
                    header.import_ids[col] = str(json.loads(cell).get("ImportId", ""))
                except (ValueError, AttributeError):
                    header.import_ids[col] = cell.strip()
        elif header.rows == 1 and _is_text_row(rec, header.columns):
            header.question_text = {c: v.strip() for c, v in zip(header.columns, rec, strict=False)}
        else:
            break
        header.rows += 1
    return header


def _data_rows(
    records: list[Span], n: int
) -> tuple[list[list[str]], list[int], list[tuple[int, str]]]:
    """Rows with the header's ``n`` fields, their lines, and ``(line, reason)`` of the others.

    Blank cells past the header's last column are dropped; a record with any other number
    of fields is set aside whole (see :func:`pipeline.io.split_field_counts`).
    """
    good, bad = split_field_counts(records, n)
    rows = [values[:n] for _, _, values in good]
    source_rows = [first for first, _, _ in good]
    return rows, source_rows, [(b.first_line, b.reason) for b in bad]


def parse_text(text: str, path: Path, encoding: str = "utf-8") -> RawExport:
    """Parse decoded export text into a :class:`RawExport`."""
    empty = f"{path}: the file is empty (expected a header row of column ids)"
    if not text.strip():
        raise SurveyInputError(empty)
    delimiter = detect_delimiter(text)
    records = _records(text, path, delimiter)
    if not records:
        raise SurveyInputError(empty)
    header = _header(records)
    rows, source_rows, malformed = _data_rows(records[header.rows :], len(header.columns))
    return RawExport(
        path=path,
        columns=header.columns,
        question_text=header.question_text,
        import_ids=header.import_ids,
        rows=rows,
        source_rows=source_rows,
        layout=header.layout,
        encoding=encoding,
        delimiter=DELIMITER_NAMES[delimiter],
        malformed=malformed,
    )


def resolve_input(export_path: str | Path = "auto", folder: str | Path = RAW_DIR) -> Path:
    """The export to clean: ``export_path``, or with ``"auto"`` the single export in ``folder``.

    Raises ``FileNotFoundError`` when there is none and ``ValueError`` when there are several
    (see :func:`pipeline.io.find_input`).
    """
    return find_input(
        export_path, folder, INPUT_SUFFIXES, what="survey export", param="export_path"
    )


def read_export(path: str | Path) -> RawExport:
    """Read a survey export file (see the module docstring for what is accepted)."""
    p = Path(path)
    if not p.exists():
        raise SurveyInputError(f"{p}: no such file")
    data = p.read_bytes()
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE):
        raise SurveyInputError(f"{p}: the file is empty (expected a header row of column ids)")
    text, encoding, warning = _decode(data, p)
    raw = parse_text(text, p, encoding)
    if warning:
        warnings.warn(warning, SurveyEncodingWarning, stacklevel=2)
        raw.warnings.append(warning)
    return raw
