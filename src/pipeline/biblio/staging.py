"""Where an ingest keeps its intermediate files: outside the output folder, and cleaned up.

An ingest stages rows, spills DuckDB's temporary data and writes the output file before
moving it into place. All of that happens in a *staging folder* beside the output folder
(``data/.staging/.processed.works.staging-<pid>`` for ``data/processed/works.parquet``), never
in the output folder itself, so that a run killed half-way leaves nothing partial where outputs
live. The staging folder is removed when the run ends, and the next run removes the folders
of runs whose process is gone (a ``kill -9`` leaves no chance to clean up). The process id
in the name keeps two concurrent runs for the same output apart.

On the same file system as the output, the finished file is moved into place with one
atomic rename. When the output folder's parent cannot be written, the staging folder goes
to the system's temporary folder and the file is copied into place atomically instead.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.io import atomic_path

__all__ = ["publish", "staging_dir", "staging_prefix", "stale_staging"]

log = logging.getLogger(__name__)


def staging_prefix(out: Path) -> tuple[Path, str]:
    """``(folder, name prefix)`` of the staging folders of output ``out``."""
    out = Path(out).resolve()
    parent = out.parent
    base = parent.parent if parent.parent != parent else parent
    if not os.access(base, os.W_OK):
        base = Path(tempfile.gettempdir())
    # a hidden folder, so that looking for stale staging folders lists scratch space only
    # (the dependency trace ignores hidden paths) and never the project's data folder
    base = base / ".staging"
    return base, f".{parent.name or 'root'}.{out.stem}.staging-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def stale_staging(out: Path) -> list[Path]:
    """Staging folders of ``out`` left by runs whose process no longer exists."""
    base, prefix = staging_prefix(out)
    stale = []
    for path in sorted(base.glob(f"{prefix}*")):
        pid = path.name[len(prefix) :]
        if path.is_dir() and pid.isdigit() and (int(pid) != os.getpid() and not _alive(int(pid))):
            stale.append(path)
    return stale


@contextlib.contextmanager
def staging_dir(out: Path) -> Iterator[Path]:
    """A fresh staging folder for output ``out``, removed on exit (see the module docstring).

    Staging folders of earlier runs that were killed are removed first.
    """
    for path in stale_staging(out):
        log.info("removing %s, left by an interrupted run", path)
        shutil.rmtree(path, ignore_errors=True)
    base, prefix = staging_prefix(out)
    folder = base / f"{prefix}{os.getpid()}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # still used by another run: leave it
            base.rmdir()


def publish(src: Path, out: Path) -> Path:
    """Move the finished file ``src`` to ``out`` atomically; return ``out``."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, out)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        with atomic_path(out) as tmp:
            shutil.copyfile(src, tmp)
        Path(src).unlink(missing_ok=True)
    return out
