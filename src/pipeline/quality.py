"""Data quality: every raw row accounted for, every rejected row listed, unmatched names counted.

The one home of the row-accounting vocabulary. Cleaning stages write their own accounting
JSON and rejects CSV (``source_file, source_row, column, value, reason``: see
:data:`REJECT_COLUMNS`); this module reads them back for the data-quality appendix and checks
that ``raw = kept + duplicates + rejected (+ non-data rows)`` holds for each table.

* :func:`read_accounting`, :func:`normalise_accounting`, :func:`assert_accounting`,
  :func:`accounting_view` - the accounting records of every input, side by side;
* :func:`read_rejects` - every rejects file stacked;
* :func:`read_unresolved_counts` - how many organisation names no registry entry matched, per
  input (the names themselves are restricted: they stay in ``data/restricted/<input>/``);
* :func:`read_approximate_years` - centres whose founding year is approximate;
* :func:`edition_is_synthetic` - whether the inputs behind a build are the synthetic edition.

A missing or malformed file raises :class:`QualityInputError` naming it: the appendix never
leaves an input out silently. pandas is imported only where a table is built, so that the
bibliometric ingestion, which takes :data:`REJECT_COLUMNS` from here, starts quickly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACCOUNTING_FIELDS",
    "CHECK_MARK",
    "CROSS_MARK",
    "REJECT_COLUMNS",
    "QualityInputError",
    "accounting_view",
    "approximate_years",
    "assert_accounting",
    "balances",
    "edition_is_synthetic",
    "normalise_accounting",
    "normalise_accounting_source",
    "read_accounting",
    "read_approximate_years",
    "read_rejects",
    "read_text_csv",
    "read_unresolved_counts",
]

#: Columns of every ``<input>_rejects.csv``.
REJECT_COLUMNS: tuple[str, ...] = ("source_file", "source_row", "column", "value", "reason")
#: Fields of one normalised accounting record.
ACCOUNTING_FIELDS: tuple[str, ...] = (
    "source_file",
    "raw",
    "kept",
    "duplicates",
    "rejected",
    "non_data_rows",
)
CHECK_MARK = "\u2713"
CROSS_MARK = "\u2717"
UNRESOLVED_COLUMNS = ["input", "unresolved_names"]
#: Key of an accounting record that counts the organisation names left unmatched.
UNRESOLVED_KEY = "unresolved_names"


class QualityInputError(ValueError):
    """A data-quality input is missing or malformed; the message names the file."""


# ------------------------------------------------------------------ reading files


def read_text_csv(
    path: Path | str,
    required: tuple[str, ...],
    error: Callable[[str], Exception] = QualityInputError,
) -> pd.DataFrame:
    """A CSV read as text (no NA guessing), cells stripped, ``required`` columns checked.

    A missing file or column raises ``error`` (default :class:`QualityInputError`) with a
    message naming the file.
    """
    import pandas as pd

    p = Path(path)
    if not p.is_file():
        raise error(f"{p}: file not found")
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise error(f"{p.name}: missing column(s) {', '.join(missing)}")
    return df.apply(lambda s: s.str.strip())


def _resolve(processed_dir: Path | str, rel: str) -> tuple[Path, str | None]:
    path, _, key = rel.partition("#")
    full = Path(processed_dir) / path
    if not full.is_file():
        raise QualityInputError(
            f"{full}: file not found (an input of the data-quality appendix; run the stage "
            "that writes it first)"
        )
    return full, key or None


def _load_json(full: Path, key: str | None) -> Any:
    try:
        data = json.loads(full.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise QualityInputError(f"{full.name}: not valid JSON ({exc})") from exc
    if key is not None:
        for part in key.split("."):
            if not isinstance(data, dict) or part not in data:
                raise QualityInputError(f"{full.name}: no key {key!r}")
            data = data[part]
    return data


# ------------------------------------------------------------------ row accounting


def balances(raw: int, kept: int, duplicates: int, rejected: int, non_data_rows: int = 0) -> bool:
    """``raw == kept + duplicates + rejected + non_data_rows``: every row in exactly one bin."""
    return raw == kept + duplicates + rejected + non_data_rows


def _first(data: Mapping[str, Any], names: tuple[str, ...]) -> int | None:
    for n in names:
        if n in data and isinstance(data[n], (int, float)) and not isinstance(data[n], bool):
            return int(data[n])
    return None


def normalise_accounting(data: Mapping[str, Any], name: str) -> dict[str, Any]:
    """Map one accounting record onto ``raw, kept, duplicates, rejected, non_data_rows``.

    Accepts the spellings the cleaners use: ``raw_rows``/``raw``/``raw_cells``/``raw_records``;
    ``kept``/``centres``/``works``; ``duplicates`` or ``duplicates_doi`` + ``duplicates_id``;
    ``rejected``; ``non_data_rows`` (absent = 0).
    """
    raw = _first(data, ("raw_rows", "raw", "raw_cells", "raw_records"))
    kept = _first(data, ("kept", "centres", "works", "rows_kept"))
    rejected = _first(data, ("rejected", "rejects"))
    dups = _first(data, ("duplicates",))
    if dups is None and ("duplicates_doi" in data or "duplicates_id" in data):
        dups = int(data.get("duplicates_doi", 0)) + int(data.get("duplicates_id", 0))
    missing = [n for n, v in (("raw", raw), ("kept", kept), ("rejected", rejected)) if v is None]
    if missing:
        raise QualityInputError(f"{name}: accounting has no {', '.join(missing)} count")
    source = normalise_accounting_source(data)
    return {
        "raw": raw,
        "kept": kept,
        "duplicates": dups or 0,
        "rejected": rejected,
        "non_data_rows": _first(data, ("non_data_rows",)) or 0,
        "source_file": source,
    }


def normalise_accounting_source(data: Any) -> str | None:
    """The source file(s) named in an accounting record (``source_file`` or ``source_files``)."""
    if not isinstance(data, Mapping):
        return None
    if isinstance(data.get("source_file"), str):
        return data["source_file"]
    files = data.get("source_files")
    if isinstance(files, Mapping):
        return files.get("export")
    if isinstance(files, list) and files:
        return ", ".join(str(f) for f in files)
    return None


def _accounting_row(label: str, rel: str, processed_dir: Path | str) -> dict[str, Any]:
    full, key = _resolve(processed_dir, rel)
    data = _load_json(full, key)
    if not isinstance(data, dict):
        raise QualityInputError(f"{full.name}: accounting record is not an object")
    rec = normalise_accounting(data, f"{full.name}{'#' + key if key else ''}")
    if rec["source_file"] is None and key is not None:
        rec["source_file"] = normalise_accounting_source(_load_json(full, None))
    ok = balances(rec["raw"], rec["kept"], rec["duplicates"], rec["rejected"], rec["non_data_rows"])
    return {
        "input": label,
        **{k: rec[k] for k in ACCOUNTING_FIELDS},
        "balanced": ok,
        "check": CHECK_MARK if ok else CROSS_MARK,
    }


def read_accounting(files: Mapping[str, str], processed_dir: Path | str) -> pd.DataFrame:
    """One row per input table: ``input, source_file, raw, kept, duplicates, rejected,
    non_data_rows, balanced, check``.

    ``files`` maps a label to a path under ``processed_dir``; ``path#key`` picks a nested
    record (``interviews/interviews_accounting.json#cases_sheet``). Missing files raise.
    """
    import pandas as pd

    return pd.DataFrame(
        [_accounting_row(label, rel, processed_dir) for label, rel in files.items()]
    )


def assert_accounting(table: pd.DataFrame) -> None:
    """Raise ``AssertionError`` naming every input whose rows do not add up."""
    bad = table[~table["balanced"]]
    if len(bad):
        details = "; ".join(
            f"{r.input}: raw {r.raw} != kept {r.kept} + duplicates {r.duplicates} + rejected "
            f"{r.rejected} + non-data {r.non_data_rows}"
            for r in bad.itertuples(index=False)
        )
        raise AssertionError(f"row accounting does not balance: {details}")


#: Display headers of :func:`accounting_view`.
ACCOUNTING_HEADERS = {
    "input": "Input",
    "source_file": "Source file",
    "raw": "Raw rows",
    "kept": "Kept",
    "duplicates": "Duplicates",
    "rejected": "Rejected",
    "non_data_rows": "Non-data rows",
}


def accounting_view(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`read_accounting`'s table for display: English headers, counts with thousands
    separators and a ``Check`` column saying whether each table balances."""
    from pipeline.report import fmt_int

    view = table.rename(columns=ACCOUNTING_HEADERS).drop(columns=["balanced"])
    view["Check"] = [
        f"{CHECK_MARK} balances" if ok else f"{CROSS_MARK} does not balance"
        for ok in table["balanced"]
    ]
    view = view.drop(columns=["check"])
    for col in ("Raw rows", "Kept", "Duplicates", "Rejected", "Non-data rows"):
        view[col] = [fmt_int(v) for v in view[col]]
    return view


# ------------------------------------------------------------------ rejects and names


def read_rejects(files: Mapping[str, str], processed_dir: Path | str) -> pd.DataFrame:
    """All rejects tables stacked: ``input, source_file, source_row, column, value, reason``."""
    import pandas as pd

    frames = []
    for label, rel in files.items():
        full, _ = _resolve(processed_dir, rel)
        df = read_text_csv(full, REJECT_COLUMNS)
        df.insert(0, "input", label)
        frames.append(df[["input", *REJECT_COLUMNS]])
    if not frames:
        return pd.DataFrame(columns=["input", *REJECT_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    out["_row"] = pd.to_numeric(out["source_row"], errors="coerce")
    out = out.sort_values(["input", "source_file", "_row", "column"], kind="stable")
    return out.drop(columns="_row").reset_index(drop=True)


def read_unresolved_counts(files: Mapping[str, str], processed_dir: Path | str) -> pd.DataFrame:
    """How many organisation names no registry entry matched: ``input, unresolved_names``.

    ``files`` is the accounting map of :func:`read_accounting` (label -> ``path[#key]``); the
    count is the record's ``unresolved_names``. Records without one (inputs that resolve no
    organisation names, or a second line of the same input) are left out. The names
    themselves are never read here: they may hold personal data and stay in the restricted
    folder of each input.
    """
    import pandas as pd

    rows = []
    for label, rel in files.items():
        full, key = _resolve(processed_dir, rel)
        data = _load_json(full, key)
        count = data.get(UNRESOLVED_KEY) if isinstance(data, dict) else None
        if count is None:
            continue
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise QualityInputError(f"{full.name}: {UNRESOLVED_KEY} is not a count ({count!r})")
        rows.append({"input": label, "unresolved_names": count})
    return pd.DataFrame(rows, columns=UNRESOLVED_COLUMNS)


# ------------------------------------------------------------------ centres and edition


def approximate_years(centres: pd.DataFrame) -> pd.DataFrame:
    """Centres whose founding year is approximate: ``centre_id, name, year_established, source_row``."""
    need = ["centre_id", "name", "year_established", "year_approximate"]
    missing = [c for c in need if c not in centres.columns]
    if missing:
        raise QualityInputError(f"centres table: missing column(s) {', '.join(missing)}")
    cols = [c for c in ("centre_id", "name", "year_established", "source_row") if c in centres]
    sub = centres[centres["year_approximate"].fillna(False).astype(bool)]
    return sub[cols].sort_values("centre_id", kind="stable").reset_index(drop=True)


def read_approximate_years(processed_dir: Path | str, centres_file: str) -> pd.DataFrame:
    """:func:`approximate_years` of the cleaned centres table ``processed_dir/centres_file``."""
    import pandas as pd

    path = Path(processed_dir) / centres_file
    if not path.is_file():
        raise QualityInputError(f"{path}: file not found (run the centres stage first)")
    return approximate_years(pd.read_parquet(path))


def edition_is_synthetic(
    input_paths: list[Path | str], accounting_paths: list[Path | str] | None = None
) -> bool:
    """True when an input file, or a source file named in an accounting JSON, is synthetic.

    Synthetic reference files carry ``SYNTHETIC`` in their names; a missing accounting file
    raises :class:`QualityInputError`.
    """
    names = [Path(p).name for p in input_paths]
    for acc in accounting_paths or []:
        p = Path(acc)
        if not p.is_file():
            raise QualityInputError(f"{p}: file not found")
        names.append(normalise_accounting_source(_load_json(p, None)) or "")
    return any("SYNTHETIC" in n for n in names)
