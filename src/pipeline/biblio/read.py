"""Reading the bibliometric input folder: which files, in which format, and what they hold.

The public face of the reading machinery (:mod:`pipeline.biblio.detect` recognises a
file's format from its content; :mod:`pipeline.biblio.formats` holds one streaming reader
per format):

* :func:`discover` - the files under the paths given (folders recursively, hidden files
  skipped, nothing outside the folder given), each with a stable label;
* :func:`classify` - each file's format: OpenAlex JSONL (read by DuckDB), another export of
  works (read in Python), an OpenAlex ``group_by`` response (yearly counts), a companion
  file (the sample's side-car metadata: known, not read as works), or skipped;
* :func:`iter_works` - the works (and rejects) of one file, streamed;
* :func:`group_by_role`, :func:`find_group_by`, :func:`year_counts` - the UK and UK–China
  yearly totals;
* :func:`read_sample_meta` - the sample's side-car metadata and sampling rate.

Nothing here imports pandas at module level, so the ingestion command starts quickly.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.biblio.detect import COMPANION, detect_format
from pipeline.biblio.formats import (
    Reject,
    WorkRow,
    dimensions,
    lens,
    medline,
    openalex,
    openalex_csv,
    pubmed,
    scopus,
    wos,
)

if TYPE_CHECKING:  # pandas loads only where a table is returned
    import pandas as pd

    #: Any accepted form of an OpenAlex ``group_by`` response (see :func:`year_counts`).
    GroupByLike = pd.DataFrame | Mapping[Any, Any] | str | Path

__all__ = [
    "READERS",
    "SourceFile",
    "classify",
    "discover",
    "find_group_by",
    "group_by_role",
    "iter_works",
    "read_group_by",
    "read_sample_meta",
    "safe_child",
    "year_counts",
]

log = logging.getLogger(__name__)

Reader = Callable[..., Iterator[WorkRow | Reject]]
#: The Python reader of each format of works.
READERS: dict[str, Reader] = {
    "openalex_page": openalex.iter_page,
    "openalex_jsonl": openalex.iter_jsonl,
    "openalex_csv": openalex_csv.iter_records,
    "wos_plaintext": wos.iter_plaintext,
    "wos_tab": wos.iter_tab,
    "scopus_csv": scopus.iter_records,
    "dimensions_csv": dimensions.iter_records,
    "lens_csv": lens.iter_records,
    "medline": medline.iter_records,
    "pubmed_xml": pubmed.iter_records,
}

read_group_by = openalex.read_group_by


@dataclass
class SourceFile:
    """One input file: where it is, how it is named in reports, its format."""

    path: Path
    label: str
    format: str | None = None


# --------------------------------------------------------------------------- discovery


def _inside(candidate: Path, root: Path) -> bool:
    try:
        return candidate.is_relative_to(root)
    except (OSError, ValueError):  # pragma: no cover - defensive
        return False


def safe_child(root: Path, name: str) -> Path | None:
    """``root/name`` resolved, or ``None`` (with a warning) if it would leave ``root``.

    Guards against names such as ``../../etc/passwd`` and symbolic links that
    point outside the folder the user gave.
    """
    root_resolved = root.resolve()
    candidate = (root / name).resolve()
    if not _inside(candidate, root_resolved):
        log.warning("skipping %r: resolves outside %s", name, root)
        return None
    return candidate


def _is_hidden(rel_parts: Iterable[str]) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in rel_parts)


@dataclass
class _Found:
    """Files found so far: their labels unique, each resolved path once."""

    skipped: list[tuple[str, str]]
    files: list[SourceFile] = field(default_factory=list)
    seen: set[Path] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)

    def add(self, path: Path, label: str) -> None:
        if path in self.seen:
            return
        self.seen.add(path)
        # two folders of the same name (a/exports, b/exports) must not share labels
        candidate, n = label, 1
        while candidate in self.labels:
            n += 1
            candidate = f"{label} ({n})"
        self.labels.add(candidate)
        self.files.append(SourceFile(path, candidate))


def _walk_folder(root: Path, found: _Found) -> None:
    """Add every non-hidden file under ``root``, in sorted order, to ``found``."""
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = Path(dirpath).relative_to(root)
        for d in sorted(d for d in dirnames if d.startswith(".")):
            found.skipped.append(((rel_dir / d).as_posix(), "hidden folder (name begins with '.')"))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            rel = rel_dir / name
            if _is_hidden(rel.parts):
                found.skipped.append((rel.as_posix(), "hidden file (name begins with '.')"))
                continue
            child = safe_child(root, str(rel))
            if child is None:
                found.skipped.append((str(rel), "resolves outside the input folder"))
                continue
            if child.is_file():
                found.add(child, f"{root.name}/{rel.as_posix()}")


def discover(
    paths: Sequence[Path | str], skipped: list[tuple[str, str]] | None = None
) -> list[SourceFile]:
    """Files to read: each file given, and every non-hidden file under each folder given.

    Folder contents are walked in sorted order; hidden files and folders (names
    beginning with ``.``) are not read, and a name that resolves outside the folder
    (``..`` parts, symbolic links) is skipped with a warning; each such file or folder
    gets a line in ``skipped``. Labels are
    paths relative to the folder given (prefixed by the folder's name), so reports
    do not depend on where the data sit on disk; a label that would repeat another
    (two folders of the same name) gets a " (2)", " (3)"... suffix.
    """
    found = _Found(skipped if skipped is not None else [])
    for given in paths:
        root = Path(given)
        if root.is_file():
            found.add(root.resolve(), root.name)
        elif not root.is_dir():
            log.warning("skipping %s: no such file or folder", root)
            found.skipped.append((str(root), "no such file or folder"))
        else:
            _walk_folder(root, found)
    return found.files


def classify(
    files: list[SourceFile],
    skipped: list[tuple[str, str]],
    group_by: dict[str, pd.DataFrame],
    companions: list[str] | None = None,
) -> tuple[list[SourceFile], list[SourceFile]]:
    """Detect each file's format (set on it): ``(OpenAlex JSONL files, other works files)``.

    OpenAlex ``group_by`` responses are read into ``group_by`` (label -> table); companion
    files (side-car metadata) are listed in ``companions``, without a warning; files that
    cannot be read or whose format is not recognised get a line in ``skipped``.
    """
    jsonl: list[SourceFile] = []
    others: list[SourceFile] = []
    for src in files:
        try:
            src.format = detect_format(src.path)
        except OSError as exc:
            log.warning("skipping %s: %s", src.label, exc)
            skipped.append((src.label, f"unreadable: {exc}"))
            continue
        if src.format is None:
            log.warning("skipping %s: format not recognised", src.label)
            skipped.append((src.label, "format not recognised"))
        elif src.format == COMPANION:
            if companions is not None:
                companions.append(src.label)
        elif src.format == "openalex_group_by":
            group_by[src.label] = read_group_by(src.path)
        elif src.format == "openalex_jsonl":
            jsonl.append(src)
        else:
            others.append(src)
    return jsonl, others


def iter_works(
    path: Path | str, fmt: str | None = None, *, fold_hk_mo: bool = False, label: str | None = None
) -> Iterator[WorkRow | Reject]:
    """Stream the works (and rejects) of one file with the Python reader of its format."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    if fmt not in READERS:
        raise ValueError(f"{path}: not a recognised bibliographic export of works ({fmt})")
    yield from READERS[fmt](path, fold_hk_mo=fold_hk_mo, label=label or path.name)


# --------------------------------------------------------------------------- yearly counts


def _filter_codes(flt: str) -> set[str]:
    """Lower-case country codes named by the country filters of an OpenAlex ``filter``."""
    codes: set[str] = set()
    for part in flt.split(","):
        key, _, value = part.partition(":")
        if key.strip().endswith("countries") or key.strip().endswith("country_code"):
            codes.update(v.strip().lstrip("!") for v in value.split("|"))
    return codes


def _role_from_name(name: str) -> str | None:
    name = name.lower()
    if "uk_cn" in name or "gb_cn" in name or "uk-cn" in name:
        return "uk_cn"
    if "uk" in name or "gb" in name:
        return "uk"
    return None


def group_by_role(path: Path | str) -> str | None:
    """``"uk"``, ``"uk_cn"`` or ``None`` for an OpenAlex ``group_by=publication_year`` file.

    Read from the response's ``meta.filter`` (country filters ``GB`` and ``CN``) when
    present, otherwise from the file name (``uk_cn`` / ``gb_cn`` -> UK–China, ``uk`` /
    ``gb`` -> UK). Files grouped by something other than the publication year give None.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("group_by"), list):
        return None
    meta = doc.get("meta") or {}
    if str(meta.get("group_by") or "publication_year") != "publication_year":
        return None
    flt = str(meta.get("filter") or "").lower()
    if flt:
        codes = _filter_codes(flt)
        if {"gb", "cn"} <= codes:
            return "uk_cn"
        if "gb" in codes:
            return "uk"
    return _role_from_name(path.name)


def find_group_by(folder: Path | str, uk: str = "", uk_cn: str = "") -> dict[str, Path | None]:
    """The UK and UK–China ``group_by`` files: ``{"uk": path|None, "uk_cn": path|None}``.

    Explicit paths win; otherwise every ``*.json`` under ``folder`` is classified with
    :func:`group_by_role`. Two files with the same role raise ``ValueError`` naming both.
    """
    found: dict[str, Path | None] = {"uk": None, "uk_cn": None}
    root = Path(folder)
    if root.is_dir():
        for path in sorted(root.rglob("*.json")):
            if any(p.startswith(".") for p in path.relative_to(root).parts):
                continue
            role = group_by_role(path)
            if role is None:
                continue
            if found[role] is not None:
                raise ValueError(
                    f"two group_by files for {role!r}: {found[role]} and {path}; "
                    "name one explicitly in params.yaml"
                )
            found[role] = path
    for role, given in (("uk", uk), ("uk_cn", uk_cn)):
        if given:
            found[role] = Path(given)
    return found


def _as_year(value: Any, where: str) -> int:
    text = str(value).strip()
    text = text.removesuffix(".0")
    if not (text.isdigit() and len(text) == 4):
        raise ValueError(f"{where}: group key {value!r} is not a publication year")
    return int(text)


def _group_pairs(group_by: Any, where: str) -> list[tuple[Any, Any]]:
    """``(key, count)`` pairs of any accepted form of a group_by response."""
    import pandas as pd

    if isinstance(group_by, pd.DataFrame):
        missing = {"key", "count"} - set(group_by.columns)
        if missing:
            raise ValueError(f"{where}: missing column(s) {sorted(missing)}")
        return list(zip(group_by["key"], group_by["count"], strict=True))
    if isinstance(group_by, Mapping) and "group_by" in group_by:
        return [(g.get("key"), g.get("count")) for g in group_by["group_by"]]
    if isinstance(group_by, Mapping):
        return list(group_by.items())
    raise TypeError(f"unsupported group_by input: {type(group_by).__name__}")


def year_counts(group_by: GroupByLike) -> dict[int, int]:
    """``{year: count}`` (sorted by year) from any accepted form of a group_by response.

    Accepted: the table :func:`read_group_by` returns (``key, key_display_name, count``),
    the raw response dict, a path to the JSON file, or a plain ``{year: count}`` mapping.
    Raises ``ValueError`` naming the offending key when a key is not a four-digit year,
    a year appears twice, or a count is negative.
    """
    where = "group_by"
    if isinstance(group_by, str | Path):
        where = str(group_by)
        group_by = read_group_by(Path(group_by))
    out: dict[int, int] = {}
    for row, (key, count) in enumerate(_group_pairs(group_by, where), start=1):
        year = _as_year(key, f"{where}, group {row}")
        if year in out:
            raise ValueError(f"{where}, group {row}: year {year} appears twice")
        n = int(count)
        if n < 0:
            raise ValueError(f"{where}, group {row}: negative count {n} for {year}")
        out[year] = n
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- sample


def _side_cars(root: Path) -> dict[str, dict[str, Any]]:
    metas: dict[str, dict[str, Any]] = {}
    if root.is_dir():
        for path in sorted(root.rglob("*.meta.json")):
            doc = json.loads(path.read_text(encoding="utf-8-sig"))
            if isinstance(doc, dict):
                metas[path.name] = doc
    return metas


def read_sample_meta(folder: Path | str, sampling_rate: float | None = None) -> dict[str, Any]:
    """The sample's side-car metadata and sampling rate.

    Reads every ``*.meta.json`` under ``folder``. Returns ``{"sampling_rate", "source",
    "meta"}``; ``source`` says where the rate came from. An explicit ``sampling_rate``
    wins; with no side-car the extract is taken as complete (rate 1.0). Side-cars that
    disagree on the rate raise ``ValueError`` naming them.
    """
    metas = _side_cars(Path(folder))
    rates = {name: float(m["sampling_rate"]) for name, m in metas.items() if "sampling_rate" in m}
    meta = next(iter(metas.values()), {})
    if sampling_rate is not None:
        rate, source = float(sampling_rate), "params.yaml"
    elif rates:
        if len(set(rates.values())) > 1:
            raise ValueError(f"side-car files disagree on sampling_rate: {rates}")
        name = min(rates)
        rate, source, meta = rates[name], name, metas[name]
    else:
        rate, source = 1.0, "no side-car file: extract taken as complete"
    if not 0.0 < rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {rate} ({source})")
    return {"sampling_rate": rate, "source": source, "meta": meta}
