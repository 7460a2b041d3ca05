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
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import secrets
import sys
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
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


def csv_text_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Every record of CSV ``text`` as ``(line it starts on, values)``; cells of any length.

    Blank records are kept (the caller decides whether they count). Raises
    :class:`CsvSyntaxError` naming the line of the record the csv module rejected.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    end = 0
    try:
        with csv_field_limit():
            for values in reader:
                records.append((end + 1, values))
                end = reader.line_num
    except csv.Error as exc:
        raise CsvSyntaxError(end + 1, exc) from exc
    return records


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
