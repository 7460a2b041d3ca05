"""Safe, deterministic file output shared by every stage.

Everything the pipeline writes goes through these helpers so that

* a crash or an interrupted ``dvc repro`` never leaves a half-written file in
  ``data/processed`` (we write to a temporary file in the same folder and
  ``os.replace`` it into place, which is atomic on POSIX);
* the same inputs give the same bytes (sorted JSON keys, no index in parquet,
  fixed zip timestamps for ``.xlsx``);
* no text taken from the data becomes a live spreadsheet formula in a CSV or
  XLSX we produce (cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR
  are prefixed with a single quote, as OWASP recommends for CSV injection).

It is also the one home of what every input reader needs before it parses a file: the
checks that refuse an ``.xlsx`` too big to open safely or encrypted (:func:`check_xlsx`),
the decoding of text exports that never guesses silently (:func:`decode_text`), and the
check that every CSV record has as many fields as the header (:func:`split_field_counts`).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import math
import mmap
import os
import secrets
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:  # pandas is imported where it is used: a light CLI path stays light
    import pandas as pd

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Longest CSV cell the readers accept: exports carry long free-text cells, so the csv
#: module's default (131,072 characters) is raised to the largest value a 32-bit C
#: long holds (valid on every platform).
CSV_FIELD_LIMIT = 2**31 - 1
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _new_temp_file(target: Path) -> Path:
    """Create an empty, uniquely named file beside ``target`` and return its path.

    It is opened with mode ``0o666`` so the process umask applies, exactly as for a plain
    ``open(path, "w")``: the output gets the permissions any other file written by the user
    gets (``tempfile.mkstemp`` would make it private, mode 600).
    """
    for _ in range(100):
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"{target}: could not create a temporary file beside it")


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; move it into place only on success.

    The file ends up with the mode a normal ``open()`` would give it (``0o666`` less the
    umask), so outputs are readable like any other file the user writes.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = _new_temp_file(target)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


@contextlib.contextmanager
def csv_field_limit(limit: int = CSV_FIELD_LIMIT) -> Iterator[None]:
    """Let the csv module read cells of up to ``limit`` characters inside the block.

    The limit is global to the csv module; it is restored on leaving the block, so
    reading an export does not change it for the rest of the process.
    """
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, limit))
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def csv_records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """``(line, values)`` for each record of a ``csv.reader``: the file line it starts on.

    A quoted cell can span lines, so the line is what an editor shows, not the
    record's position; blank records are passed through (callers skip them).
    """
    end = reader.line_num
    for values in reader:
        start, end = end + 1, reader.line_num
        yield start, values


class CsvSyntaxError(ValueError):
    """CSV text the csv module cannot parse; ``line`` is where the rejected record starts."""

    def __init__(self, line: int, error: csv.Error) -> None:
        super().__init__(f"line {line}: {error}")
        self.line = line
        self.error = error


#: One CSV record: the line it starts on, the line it ends on, and its values.
Span = tuple[int, int, list[str]]


def csv_text_spans(text: str, delimiter: str) -> list[Span]:
    """Every record of CSV ``text`` as ``(first line, last line, values)``; cells of any length.

    A quoted cell can hold line breaks, so a record can cover several physical lines.
    Blank records are kept (the caller decides whether they count). Raises
    :class:`CsvSyntaxError` naming the line of the record the csv module rejected.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    spans: list[Span] = []
    end = 0
    try:
        with csv_field_limit():
            for values in reader:
                spans.append((end + 1, reader.line_num, values))
                end = reader.line_num
    except csv.Error as exc:
        raise CsvSyntaxError(end + 1, exc) from exc
    return spans


def csv_text_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every record of CSV ``text`` as ``(line it starts on, values)`` (see :func:`csv_text_spans`)."""
    return [(first, values) for first, _, values in csv_text_spans(text, delimiter)]


@dataclass(frozen=True)
class BadRecord:
    """A CSV record whose number of fields is not the header's: its lines and the reason."""

    first_line: int
    last_line: int
    reason: str


def field_count(values: Sequence[str], width: int) -> int:
    """Fields of a record, not counting blank cells past the header's ``width``."""
    n = len(values)
    while n > width and not values[n - 1].strip():
        n -= 1
    return n


def _lines(first: int, last: int) -> str:
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _blank_record(values: Sequence[str]) -> bool:
    return not any(v.strip() for v in values)


def _cut_in_two(n: int, m: int, width: int, single_field_ok: bool) -> bool:
    """Whether records of ``n`` and ``m`` fields are the two halves of one record."""
    if width < 2 or n + m != width + 1:
        return False
    return not (single_field_ok and 1 in (n, m))


def split_field_counts(
    spans: Sequence[Span], width: int, *, single_field_ok: bool = False
) -> tuple[list[Span], list[BadRecord]]:
    """Split CSV records into those with the header's ``width`` fields and those without.

    A record with too few or too many fields is never padded or cut to fit: its cells would
    land under the wrong columns. Blank records pass (the caller counts them), as do blank
    cells past the last column. Two records in a row whose fields add up to one more than
    the header are one record cut in two by an unquoted line break (inside any cell, the
    last included): they are reported as one bad record covering both lines. With
    ``single_field_ok`` a record of one field passes (a note below a table, judged by the
    caller), and so is never taken for half of a cut record.
    """
    good: list[Span] = []
    bad: list[BadRecord] = []
    i = 0
    while i < len(spans):
        first, last, values = spans[i]
        if _blank_record(values):
            good.append(spans[i])
            i += 1
            continue
        n = field_count(values, width)
        after = spans[i + 1] if i + 1 < len(spans) else None
        if after and not _blank_record(after[2]):
            m = field_count(after[2], width)
            if _cut_in_two(n, m, width, single_field_ok):
                reason = (
                    f"record cut in two by a line break: {_lines(first, after[1])} hold {n} "
                    f"and {m} fields where the header has {width}; quote the cell that holds "
                    "the line break, or remove it"
                )
                bad.append(BadRecord(first, after[1], reason))
                i += 2
                continue
        if n == width or (single_field_ok and n == 1):
            good.append(spans[i])
        else:
            reason = f"{n} fields where the header has {width} ({_lines(first, last)})"
            bad.append(BadRecord(first, last, reason))
        i += 1
    return good, bad


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 ``text`` (with ``\\n`` line endings) to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def to_jsonable(obj: Any) -> Any:
    """Convert numpy/pandas scalars and containers into plain JSON types."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set)):
        items = sorted(obj) if isinstance(obj, set) else obj
        return [to_jsonable(v) for v in items]
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return obj.item()
    pd = sys.modules.get("pandas")  # no pandas loaded: obj cannot be a pandas value
    if pd is not None and isinstance(obj, pd.Timestamp):
        return obj.isoformat()
    if (pd is not None and obj is pd.NA) or (isinstance(obj, float) and math.isnan(obj)):
        return None
    return obj


def dumps_json(obj: Any) -> str:
    """Deterministic JSON text: sorted keys, two-space indent, trailing newline."""
    return json.dumps(to_jsonable(obj), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    """Write ``obj`` as deterministic JSON, atomically."""
    return atomic_write_text(path, dumps_json(obj))


def neutralise_formula(value: Any) -> Any:
    """Prefix a string that a spreadsheet would run as a formula with a single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``df`` whose text cells cannot become live formulas."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise_formula)
    out.columns = [neutralise_formula(c) for c in out.columns]
    return out


def atomic_write_csv(path: str | os.PathLike[str], df: pd.DataFrame) -> Path:
    """Write ``df`` as UTF-8 CSV (no index), formula-safe and atomic."""
    buf = io.StringIO()
    neutralise_frame(df).to_csv(buf, index=False, lineterminator="\n")
    return atomic_write_text(path, buf.getvalue())


def atomic_write_rows_csv(
    path: str | os.PathLike[str], header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Path:
    """Write ``rows`` under ``header`` as CSV, formula-safe and atomic, without pandas.

    The text is what :func:`atomic_write_csv` writes for the same table (``None``
    as an empty cell, minimal quoting, ``\\n`` line endings).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([neutralise_formula(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise_formula(v) for v in row])
    return atomic_write_text(path, buf.getvalue())


def atomic_write_parquet(path: str | os.PathLike[str], df: pd.DataFrame) -> Path:
    """Write ``df`` as parquet (pyarrow, no index, no pandas timestamps), atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression="zstd")
    return Path(path)


def normalise_zip(path: str | os.PathLike[str]) -> Path:
    """Rewrite a zip container (``.xlsx``) with fixed timestamps and sorted entries.

    openpyxl stamps each zip entry with the current time; rewriting makes the
    same workbook content give the same bytes.
    """
    src = Path(path)
    with zipfile.ZipFile(src) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    # ``[Content_Types].xml`` must stay first for some readers.
    entries.sort(key=lambda e: (e[0] != "[Content_Types].xml", e[0]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zout:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)
    return atomic_write_bytes(src, buf.getvalue())


def atomic_write_workbook(
    path: str | os.PathLike[str], wb: Any, *, creator: str, title: str, timestamp: Any
) -> Path:
    """Write the openpyxl workbook ``wb`` atomically with fixed metadata (byte-stable).

    ``openpyxl`` would stamp the "modified" property with the current time and the zip
    entries with the current date; this writes ``timestamp`` (a ``datetime``) as both
    "created" and "modified", then normalises the container (:func:`normalise_zip`).
    """
    from openpyxl.writer.excel import ExcelWriter

    props = wb.properties
    props.creator = creator
    props.lastModifiedBy = creator
    props.title = title
    props.created = timestamp
    props.modified = timestamp
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
        normalise_zip(tmp)
    return Path(path)


def repo_root() -> Path:
    """The repository root (the folder holding ``dvc.yaml``), from the cwd or the package."""
    env = os.environ.get("PIPELINE_ROOT")
    if env:
        return Path(env).resolve()
    for base in (Path.cwd(), *Path.cwd().parents):
        if (base / "dvc.yaml").exists() and (base / "src" / "pipeline").exists():
            return base
    return Path(__file__).resolve().parents[2]


def find_input(
    value: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    suffixes: tuple[str, ...],
    *,
    what: str,
    param: str,
) -> Path:
    """Resolve a stage's input: a path, or ``"auto"`` for the single matching file in ``folder``.

    With ``"auto"`` a user who drops their own file into the input's folder
    needs no edit. Hidden files and Excel lock files (``~$...``) are ignored.
    Raises ``FileNotFoundError`` when nothing matches and ``ValueError`` when
    several files do, naming them and the parameter to set.
    """
    if str(value).strip().lower() != "auto":
        path = Path(value)
        if not path.is_file():
            raise FileNotFoundError(f"{what}: {path}: no such file (parameter `{param}`)")
        return path
    base = Path(folder)
    if not base.is_dir():
        raise FileNotFoundError(f"{what}: folder {base} does not exist")
    found = sorted(
        p
        for p in base.iterdir()
        if p.is_file() and p.suffix.lower() in suffixes and not p.name.startswith((".", "~$"))
    )
    kinds = " or ".join(suffixes)
    if not found:
        raise FileNotFoundError(
            f"{what}: no {kinds} file in {base}; put the file there or set the parameter "
            f"`{param}` to its path"
        )
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise ValueError(
            f"{what}: several candidate files in {base} ({names}); keep one there or set the "
            f"parameter `{param}` to the one to use"
        )
    return found[0]


def read_params(path: str | os.PathLike[str], section: str) -> dict[str, Any]:
    """The options a stage receives from a params file: ``common`` overlaid by ``section``.

    This is what ``python -m pipeline notebook <stage>`` injects, so a command-line tool
    given the project's ``params.yaml`` and its stage's section runs with the pipeline's
    settings. A missing section is an error (a silent fall-back to defaults would hide a
    typo).
    """
    p = Path(path)
    data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    if section not in data:
        sections = ", ".join(sorted(str(k) for k in data)) or "none"
        raise ValueError(f"{p}: no section {section!r} (sections: {sections})")
    return {**(data.get("common") or {}), **(data[section] or {})}


def stage_settings(
    defaults: Mapping[str, Any],
    params: str | os.PathLike[str] | None,
    section: str,
    overrides: Mapping[str, Any],
) -> dict[str, Any]:
    """Settings of a command-line run of a stage's step, most specific last.

    ``defaults`` (the pipeline's own defaults), then -- when a params file is given -- the
    keys of its ``section`` (over ``common``, see :func:`read_params`) that ``defaults``
    names, then each of ``overrides`` (the options typed on the command line) that is not
    None.
    """
    settings = dict(defaults)
    if params is not None:
        stage = read_params(params, section)
        settings.update({k: v for k, v in stage.items() if k in settings})
    settings.update({k: v for k, v in overrides.items() if v is not None})
    return settings


# --------------------------------------------------------------------------- xlsx limits
#: Most bytes the parts of an ``.xlsx`` may inflate to, in total, for a reader to open it. A
#: workbook of tens of thousands of rows inflates to tens of MiB; a "decompression bomb" (a
#: few MB on disk that inflate to gigabytes) is refused before any parser allocates memory.
XLSX_MAX_UNCOMPRESSED = 512 * 2**20
#: Largest inflation ratio (uncompressed / compressed size) of one part bigger than
#: :data:`XLSX_RATIO_GRACE`; worksheet XML usually compresses 5-30 times.
XLSX_MAX_RATIO = 100
XLSX_RATIO_GRACE = 2**20
#: Most parts (zip entries) an ``.xlsx`` may hold.
XLSX_MAX_PARTS = 10_000
#: The first bytes of an OLE compound file ([MS-CFB] 2.2): legacy .xls, and encrypted
#: (password-protected) .xlsx, which Office stores as an OLE file holding the encrypted zip.
OLE_SIGNATURE = bytes.fromhex("d0cf11e0a1b11ae1")


class XlsxRefused(ValueError):
    """An ``.xlsx`` that is not opened; the message says why, with the numbers (no file name)."""


def human_bytes(n: int) -> str:
    """``n`` bytes in binary units (``4.0 GiB``, ``512.0 MiB``, ``900 bytes``)."""
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def ole_has_stream(path: str | os.PathLike[str], name: str) -> bool:
    """Whether the OLE compound file at ``path`` has a directory entry for stream ``name``.

    Directory entries ([MS-CFB] 2.6) are 128 bytes and sit in sectors of 512 or 4096 bytes, so
    each starts at a multiple of 128: a UTF-16LE name with its NUL terminator in the first 64
    bytes, the name's length in bytes (terminator included) at byte 64, the object type at
    byte 66 (2 = stream). Every such slot is checked instead of following the sector chains:
    only a stream's own data could imitate an entry, and any OLE file is refused anyway.
    """
    want = name.encode("utf-16-le") + b"\0\0"
    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        at = data.find(want)
        while at != -1:
            length = int.from_bytes(data[at + 64 : at + 66], "little")
            if at % 128 == 0 and length == len(want) and data[at + 66 : at + 67] == b"\x02":
                return True
            at = data.find(want, at + 1)
    return False


def _ole_reason(path: Path) -> str:
    if ole_has_stream(path, "EncryptionInfo"):
        return (
            "an encrypted (password-protected) workbook: Office stores it as an OLE compound "
            "file holding an EncryptionInfo stream, which cannot be read without the password; "
            "remove the password in Excel (File > Info > Protect Workbook > Encrypt with "
            "Password, clear it), save, and run again"
        )
    return (
        "an OLE compound file (a legacy .xls workbook or another older Office file) under an "
        ".xlsx name, not an .xlsx workbook; open it in Excel and save it as .xlsx"
    )


def _check_parts(
    parts: list[zipfile.ZipInfo], size: int, max_uncompressed: int, max_ratio: float, max_parts: int
) -> None:
    refused = "refused before opening (a decompression bomb, or too large to read safely)"
    if len(parts) > max_parts:
        raise XlsxRefused(f"it holds {len(parts):,} parts (limit {max_parts:,}); {refused}")
    total = sum(p.file_size for p in parts)
    if total > max_uncompressed:
        raise XlsxRefused(
            f"its parts would inflate to {human_bytes(total)} from {human_bytes(size)} on disk "
            f"(limit {human_bytes(max_uncompressed)}); {refused}"
        )
    for part in parts:
        ratio = part.file_size / max(1, part.compress_size)
        if part.file_size > XLSX_RATIO_GRACE and ratio > max_ratio:
            raise XlsxRefused(
                f"part {part.filename!r} would inflate {ratio:,.0f} times, from "
                f"{human_bytes(part.compress_size)} to {human_bytes(part.file_size)} (limit "
                f"{max_ratio:g} times for parts over {human_bytes(XLSX_RATIO_GRACE)}); {refused}"
            )


def check_xlsx(
    path: str | os.PathLike[str],
    *,
    max_uncompressed: int = XLSX_MAX_UNCOMPRESSED,
    max_ratio: float = XLSX_MAX_RATIO,
    max_parts: int = XLSX_MAX_PARTS,
) -> None:
    """Refuse an ``.xlsx`` that no reader should open, before any parser reads it.

    Raises :class:`XlsxRefused` (the reason, with the numbers) for an empty file, an OLE
    compound file (an encrypted workbook is named as such), a file that is not a zip
    container, and a zip whose parts are too many, would inflate to more than
    ``max_uncompressed`` bytes in total, or would inflate more than ``max_ratio`` times (parts
    over :data:`XLSX_RATIO_GRACE`). The sizes are those the zip's directory declares: Python's
    zipfile, which openpyxl reads through, never inflates a part past its declared size (a
    part that holds more fails its CRC check), so they bound what a reader can allocate.
    """
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        raise XlsxRefused("the file is empty (0 bytes)")
    with p.open("rb") as fh:
        head = fh.read(len(OLE_SIGNATURE))
    if head == OLE_SIGNATURE:
        raise XlsxRefused(_ole_reason(p))
    try:
        with zipfile.ZipFile(p) as zf:
            parts = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise XlsxRefused(
            f"not a zip container, which every .xlsx is ({exc}); the file may be cut short, "
            "damaged, or not a workbook"
        ) from exc
    _check_parts(parts, size, max_uncompressed, max_ratio, max_parts)


# --------------------------------------------------------------------------- text decoding
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Encodings tried, in order, for text that is UTF-8 nowhere. GB18030 (a superset of the
#: GBK/GB2312 that Chinese-locale programs write) accepts only well-formed byte pairs, so it
#: goes first; Windows-1252 accepts almost any byte, so it comes last.
LEGACY_ENCODINGS = ("gb18030", "cp1252")
ENCODING_NAMES = {"gb18030": "GB18030/GBK (gb18030)", "cp1252": "Windows-1252 (cp1252)"}
#: Share of the distinct non-ASCII characters of a GB18030 reading that must be common
#: Chinese (in GB2312) for the reading to be believed: Western text in Windows-1252 can
#: decode as GB18030 too ("Müller" gives "M黮ler"), but into rare characters.
GB_PLAUSIBLE_SHARE = 0.9


class EncodingError(ValueError):
    """Text whose encoding cannot be told safely; ``lines`` are the physical lines at fault."""

    def __init__(self, message: str, lines: Sequence[int] = ()) -> None:
        super().__init__(message)
        self.lines = list(lines)


def _utf16_by_nuls(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` when NUL bytes fall on every other byte (UTF-16 without a BOM)."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / len(sample[0::2])
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _decode_marked(data: bytes) -> tuple[str, str] | None:
    """Text whose encoding a byte-order mark or the UTF-16 NUL pattern gives away."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                if enc == "utf-32":
                    continue  # UTF-16 LE text starting with U+0000 looks like UTF-32
                if enc == "utf-8-sig":
                    bad = _utf8_lines(data)[1]
                    raise EncodingError(_mixed_message(bad), [n for n, _ in bad]) from exc
                raise EncodingError(f"marked as {enc} but byte {exc.start} is not") from exc
    enc = _utf16_by_nuls(data)
    if enc is None:
        return None
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"looks like UTF-16 (NUL bytes between characters) but byte {exc.start} is not "
            "valid UTF-16; save the file as UTF-8"
        ) from exc


def _utf8_lines(data: bytes) -> tuple[list[int], list[tuple[int, int]]]:
    """Lines with non-ASCII text that are valid UTF-8, and ``(line, byte)`` of those that are not."""
    good: list[int] = []
    bad: list[tuple[int, int]] = []
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append((number, exc.start + 1))
        else:
            good.append(number)
    return good, bad


def _where(bad: Sequence[tuple[int, int]]) -> str:
    shown = ", ".join(f"line {n} at byte {b}" for n, b in bad[:5])
    return shown + (f" and {len(bad) - 5} more lines" if len(bad) > 5 else "")


def _mixed_message(bad: Sequence[tuple[int, int]]) -> str:
    return (
        f"mixed encodings: the file is UTF-8 but {_where(bad)} "
        f"{'is' if len(bad) == 1 else 'are'} not (typically text pasted from a program that "
        "writes Windows-1252 or GBK); read in any one encoding, some lines would be garbled - "
        "save the file as UTF-8 (in Excel: Save As > CSV UTF-8) and run again"
    )


def _plausible_chinese(text: str) -> bool:
    wide = {ch for ch in text if ord(ch) > 127}
    common = 0
    for ch in wide:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        common += 1
    return common >= GB_PLAUSIBLE_SHARE * len(wide)


def _legacy(data: bytes, encoding: str) -> str | None:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if encoding == "gb18030" and not _plausible_chinese(text):
        return None
    return text


def decode_text(data: bytes) -> tuple[str, str, str | None]:
    """Decode the bytes of a text export: ``(text, encoding, warning or None)``.

    * a byte-order mark names the encoding (UTF-8, UTF-16, UTF-32; it is not part of the
      text); without one, UTF-16 is told by its NUL bytes, and then UTF-8 is tried;
    * text that is UTF-8 on some lines but not on others is refused with an
      :class:`EncodingError` naming the lines that are not: read in any one encoding, some
      lines would be garbled (UTF-8 Chinese names turn into "å…‰" in Windows-1252);
    * text that is UTF-8 nowhere is read in the first of :data:`LEGACY_ENCODINGS` that
      decodes it cleanly (and, for GB18030, into plausible Chinese), with a warning naming
      the encoding; text that none of them reads is refused.
    """
    marked = _decode_marked(data)
    if marked is not None:
        return marked[0], marked[1], None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    good, bad = _utf8_lines(data)
    if good and len(good) >= len(bad):
        raise EncodingError(_mixed_message(bad), [n for n, _ in bad])
    for encoding in LEGACY_ENCODINGS:
        text = _legacy(data, encoding)
        if text is None:
            continue
        if good and encoding != "gb18030":  # the UTF-8 lines would be garbled
            raise EncodingError(_mixed_message(bad), [n for n, _ in bad])
        warning = (
            f"not UTF-8 ({_where(bad[:1])}); read as {ENCODING_NAMES[encoding]} - check that "
            "non-ASCII text reads correctly, or save the file as UTF-8"
        )
        return text, encoding, warning
    raise EncodingError(
        f"not UTF-8 ({_where(bad[:1])}), nor GB18030 or Windows-1252; save the file as UTF-8",
        [bad[0][0]],
    )


# ---------------------------------------------------------------------------- small sheets
def _sheet_column(name: object) -> str:
    return "_".join(str(name).strip().lower().replace("_", " ").split())


def read_sheet_text(
    path: str | os.PathLike[str], *, sheet: str, error: type[Exception] = ValueError
) -> pd.DataFrame:
    """A small sheet typed by people (CSV in UTF-8, or one sheet of an ``.xlsx``) as text.

    Every cell is stripped text; column names are lower case with words joined by ``_``
    (``"Organisation type"`` -> ``organisation_type``); ``source_row`` is the row number a
    spreadsheet shows (header = 1); wholly blank rows are left out and counted in
    ``attrs["blank_rows"]``. A workbook is read from its only sheet, else from the sheet named
    ``sheet``. Anything unreadable raises ``error`` naming the file (and line or sheets).
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise error(f"{p}: file not found")
    if p.suffix.lower() == ".xlsx":
        raw = _xlsx_sheet_text(p, sheet, error)
    elif p.suffix.lower() == ".csv":
        data = p.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise error(
                f"{p.name}: line {line}: not UTF-8 (byte {exc.start}); save the sheet as "
                "CSV UTF-8 and run again"
            ) from exc
        try:
            raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.EmptyDataError, pd.errors.ParserError) as exc:
            raise error(f"{p.name}: not a readable CSV ({exc})") from exc
    else:
        raise error(f"{p.name}: not a CSV or XLSX file")
    raw.columns = [_sheet_column(c) for c in raw.columns]
    frame = raw.fillna("").astype(str).apply(lambda s: s.str.strip())
    frame.insert(0, "source_row", range(2, len(frame) + 2))
    blank = (frame.drop(columns="source_row") == "").all(axis=1)
    rows = frame[~blank].reset_index(drop=True)
    rows.attrs["blank_rows"] = int(blank.sum())
    return rows


def _xlsx_sheet_text(p: Path, sheet: str, error: type[Exception]) -> pd.DataFrame:
    import pandas as pd

    try:
        check_xlsx(p)
    except XlsxRefused as exc:
        raise error(f"{p.name}: {exc}") from exc
    sheets = pd.ExcelFile(p, engine="openpyxl").sheet_names
    if len(sheets) != 1 and sheet not in sheets:
        raise error(
            f"{p.name}: {len(sheets)} sheets ({', '.join(sheets)}) and none is named "
            f"{sheet!r}; rename the sheet to read {sheet!r}"
        )
    name = sheets[0] if len(sheets) == 1 else sheet
    return pd.read_excel(p, sheet_name=name, dtype=str, keep_default_na=False)
