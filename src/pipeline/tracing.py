"""Record which project files a stage opens, to check them against ``dvc.yaml``.

With ``PIPELINE_TRACE_READS=<folder>`` set, every stage appends to
``<folder>/<stage>.tsv`` one line per project file it touches: ``read``,
``write`` (a file opened for writing, or moved into place by an atomic write)
or ``list`` (a folder whose entries were listed, e.g. to find an input). The
runner process records itself, and the notebook runner injects a cell that
records inside the Jupyter kernel (and strips that cell afterwards).

It uses Python's audit hooks (``sys.addaudithook``; events ``open``,
``os.rename``, ``os.listdir``, ``os.scandir``), so files read by native code
that bypasses Python's ``open`` (DuckDB scanning a folder, for one) appear only
through the folder listing that found them. Python sources and byte code are
left out (imports are derived statically, :mod:`pipeline.dependencies`), and so
are folders opened to walk them and opens of files that do not exist (probes).
Paths are recorded relative to the project root, or to the checkout the
``pipeline`` package is imported from (``src/pipeline/...``).

An audit hook cannot be removed; the recording lasts until the process ends.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "ENV_VAR",
    "code_root",
    "injected_source",
    "read_trace",
    "record",
    "stage_name",
    "trace_file",
]

ENV_VAR = "PIPELINE_TRACE_READS"
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
SKIP_SUFFIXES = (".py", ".pyc")


def code_root() -> Path:
    """The checkout ``pipeline`` is imported from (the folder holding ``src/``)."""
    return Path(__file__).resolve().parents[2]


def stage_name(addressed: str) -> str:
    """The stage's name in a DVC address (``DVC_STAGE``, ``Running stage '<address>'``):
    ``book``, or ``clean_centres`` for ``stages/clean_centres/dvc.yaml:clean_centres``."""
    return addressed.rsplit(":", 1)[-1]


def trace_file(stage: str) -> Path | None:
    """``$PIPELINE_TRACE_READS/<stage>.tsv``, or ``None`` when tracing is off."""
    folder = os.environ.get(ENV_VAR)
    if not folder:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder).resolve() / f"{stage}.tsv"


def _is_write(mode: Any, flags: Any) -> bool:
    if isinstance(mode, str):
        return any(ch in mode for ch in "wax+")
    return isinstance(flags, int) and bool(flags & WRITE_FLAGS)


def _classify(event: str, args: tuple[Any, ...]) -> tuple[str, Any] | None:
    if event == "open":
        if isinstance(args[2], int) and args[2] & getattr(os, "O_DIRECTORY", 0):
            return None  # a folder opened to walk it (shutil.rmtree, imports), not read
        return ("write" if _is_write(args[1], args[2]) else "read"), args[0]
    if event == "os.rename":
        return "write", args[1]
    if event in ("os.listdir", "os.scandir"):
        return "list", args[0]
    return None


def _relative(target: Any, roots: list[str]) -> str | None:
    if isinstance(target, int) or target is None:
        return None
    name = os.fsdecode(os.fspath(target))
    full = os.path.abspath(name)
    for root in roots:
        if full.startswith(root):
            return full[len(root) :]
    return None


def _make_hook(fd: int, roots: list[str]) -> Callable[[str, tuple[Any, ...]], None]:
    seen: set[tuple[str, str]] = set()

    def hook(event: str, args: tuple[Any, ...]) -> None:
        try:
            found = _classify(event, args)
            if found is None:
                return
            rel = _relative(found[1], roots)
            if not rel or rel.endswith(SKIP_SUFFIXES) or (found[0], rel) in seen:
                return
            if found[0] == "read" and not os.path.isfile(found[1]):
                return  # a folder, or a probe that fails: nothing is read
            seen.add((found[0], rel))
            os.write(fd, f"{found[0]}\t{rel}\n".encode())
        except (OSError, TypeError, ValueError):  # a hook must never break the operation it watches
            return

    return hook


def record(out_file: str | Path, roots: Iterable[str | Path]) -> None:
    """Append every project file this process touches from now on to ``out_file``."""
    prefixes: list[str] = []
    for root in roots:
        for variant in {os.path.abspath(root), os.path.realpath(root)}:
            prefix = variant.rstrip(os.sep) + os.sep
            if prefix not in prefixes:
                prefixes.append(prefix)
    fd = os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sys.addaudithook(_make_hook(fd, prefixes))


def injected_source(out_file: Path, roots: Iterable[Path]) -> str:
    """The code of the cell the notebook runner runs first when tracing."""
    listed = ", ".join(repr(str(r)) for r in roots)
    return f"from pipeline import tracing\ntracing.record({str(out_file)!r}, [{listed}])"


def read_trace(path: str | Path) -> dict[str, set[str]]:
    """``{"read": {...}, "write": {...}, "list": {...}}`` from one trace file."""
    found: dict[str, set[str]] = {"read": set(), "write": set(), "list": set()}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        kind, _, rel = line.partition("\t")
        if kind in found and rel:
            found[kind].add(rel)
    return found
