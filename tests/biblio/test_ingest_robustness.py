"""What an ingest does when inputs are unreadable, cut short or the run is killed."""

from __future__ import annotations

import gzip
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pandas as pd
import pytest

from pipeline.biblio import ingest, iter_works
from pipeline.biblio.cli import cli
from pipeline.biblio.formats import Reject, WorkRow
from pipeline.biblio.ingest import NothingReadError
from pipeline.biblio.staging import staging_prefix, stale_staging

FIXTURES = Path(__file__).parent / "fixtures"
REAL = FIXTURES / "real"
REPO = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------- exit status


def test_folder_of_only_an_unreadable_file_exits_non_zero(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an export\n")
    out = tmp_path / "out" / "works.parquet"
    assert cli(["ingest", str(folder), "--out", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "no input could be read" in err
    assert "exports/notes.txt: format not recognised" in err
    assert not out.exists()


def test_allow_empty_writes_an_empty_table_and_exits_zero(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "notes.txt").write_text("not an export\n")
    out = tmp_path / "out" / "works.parquet"
    args = ["ingest", str(folder), "--out", str(out), "--no-progress", "--allow-empty"]
    assert cli(args) == 0
    assert len(pd.read_parquet(out)) == 0
    assert "kept 0 works, of which 0 UK–China and 0 with unknown affiliation" in (
        capsys.readouterr().out
    )


def test_nothing_read_error_lists_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x,y\n1,2\n")
    (tmp_path / "s.meta.json").write_text(json.dumps({"sampling_rate": 0.05}))
    with pytest.raises(NothingReadError) as caught:
        ingest([tmp_path], tmp_path / "out.parquet", progress=False, allow_empty=False)
    lines = str(caught.value).splitlines()
    assert lines[1:] == [
        f"  {tmp_path.name}/a.csv: format not recognised",
        f"  {tmp_path.name}/s.meta.json: companion file, not works",
    ]


def test_companion_metadata_is_recognised_without_a_warning(tmp_path: Path, caplog) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "scopus.csv").write_bytes((FIXTURES / "scopus.csv").read_bytes())
    (folder / "sample.meta.json").write_text(json.dumps({"sampling_rate": 0.05}, indent=2))
    with caplog.at_level(logging.WARNING):
        report = ingest([folder], tmp_path / "out" / "w.parquet", progress=False)
    assert report.companions == ["raw/sample.meta.json"]
    assert report.skipped == []
    assert not [r for r in caplog.records if "meta.json" in r.getMessage()]


def test_cli_summary_says_kept_uk_china_and_unknown(tmp_path: Path, capsys) -> None:
    out = tmp_path / "w.parquet"
    assert (
        cli(["ingest", str(FIXTURES / "wos_plaintext.txt"), "--out", str(out), "--no-progress"])
        == 0
    )
    text = capsys.readouterr().out
    works = pd.read_parquet(out)
    kept, uk_cn = len(works), int(works["uk_cn"].eq(True).sum())
    unknown = int((~works["affiliation_known"]).sum())
    assert (kept, uk_cn, unknown) == (3, 1, 1)
    assert (
        f"kept {kept} works, of which {uk_cn} UK–China and {unknown} with unknown affiliation"
        in text
    )


# --------------------------------------------------------------------------- truncated gzip


def _complete_units(prefix: bytes, closing: bytes) -> int:
    """Closing tags in what a cut gzip stream still decompresses to (counted with zlib)."""
    data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(prefix)
    return data.count(closing)


def test_gzip_cut_in_half_keeps_complete_records_and_names_the_file(tmp_path: Path) -> None:
    whole = (REAL / "medline16n0902_subset.xml.gz").read_bytes()
    cut = tmp_path / "baseline_part.xml.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    complete = _complete_units(cut.read_bytes(), b"</MedlineCitation>")
    assert 0 < complete < 20
    report = ingest([cut], tmp_path / "out" / "w.parquet", progress=False)
    assert report.skipped == []  # recognised, not "format not recognised"
    assert report.per_format == {"pubmed_xml": complete}
    [reject] = report.reject_rows
    assert reject.source_file == "baseline_part.xml.gz"
    assert "baseline_part.xml.gz" in reject.reason and "end early" in reject.reason


@pytest.mark.parametrize(
    ("name", "closing"), [("medline.txt", b"\n\n"), ("wos_plaintext.txt", b"\nER")]
)
def test_cut_gzip_text_exports_keep_what_came_before(
    tmp_path: Path, name: str, closing: bytes
) -> None:
    raw = (FIXTURES / name).read_bytes() * 1  # small files: cut inside the last record
    packed = gzip.compress(raw, mtime=0)
    cut = tmp_path / f"{name}.gz"
    cut.write_bytes(packed[: len(packed) - 20])
    items = list(iter_works(FIXTURES / name))
    report = ingest([cut], tmp_path / "out" / "w.parquet", progress=False)
    assert report.rejected >= 1
    assert any("end early" in r.reason and r.source_file == cut.name for r in report.reject_rows)
    assert report.kept <= sum(isinstance(i, WorkRow) for i in items)
    assert report.raw == report.kept + report.duplicates + report.rejected


# --------------------------------------------------------------------------- killed runs

_CHILD = textwrap.dedent(
    """
    import importlib
    import sys

    ingest_module = importlib.import_module("pipeline.biblio.ingest")

    real = ingest_module.resolve_staged_funders

    def pause(con, staged):
        print("STAGED", flush=True)
        sys.stdin.readline()  # wait here until killed
        return real(con, staged)

    ingest_module.resolve_staged_funders = pause
    ingest_module.ingest([sys.argv[1]], sys.argv[2], progress=False)
    """
)


def test_killed_ingest_leaves_nothing_partial_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in ("scopus.csv", "wos_plaintext.txt", "medline.txt"):
        (inputs / name).write_bytes((FIXTURES / name).read_bytes())
    out_dir = tmp_path / "processed"
    out_dir.mkdir()
    out = out_dir / "works.parquet"
    out.write_bytes(b"previous output")  # a finished earlier run
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(inputs), str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
    )
    try:
        assert child.stdout.readline().strip() == b"STAGED"  # mid-way: rows staged
        staging = stale_staging(out)  # not stale yet: the child is alive
        assert staging == []
        base, prefix = staging_prefix(out)
        live = list(base.glob(f"{prefix}*"))
        assert len(live) == 1 and (live[0] / "python_rows.parquet").is_file()
        child.send_signal(signal.SIGKILL)
    finally:
        child.kill()
        child.wait()
    # the output folder holds exactly what it held before the killed run
    assert sorted(p.name for p in out_dir.iterdir()) == ["works.parquet"]
    assert out.read_bytes() == b"previous output"
    assert stale_staging(out) == live  # left behind, outside the output folder
    report = ingest([inputs], out, progress=False)
    assert stale_staging(out) == [] and not live[0].exists()
    assert len(pd.read_parquet(out)) == report.kept > 0
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "works.parquet",
        "works_rejects.csv",
        "works_unresolved_funders.csv",
    ]


def test_staging_lives_beside_the_output_folder(tmp_path: Path) -> None:
    base, prefix = staging_prefix(tmp_path / "processed" / "works.parquet")
    assert base == tmp_path.resolve() / ".staging"
    assert prefix == ".processed.works.staging-"
    assert isinstance(Reject, type)
