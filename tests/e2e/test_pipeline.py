"""The pipeline end to end: outputs, no-op reruns, determinism, offline builds."""

import json
from pathlib import Path

import pytest

from pipeline.dag import load_dvc_yaml

from .conftest import COMMIT_EPOCH, ROOT, dvc, tree_hashes

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_report_outputs_exist(built):
    assert (built.root / "book/_build/html/index.html").exists()
    assert (built.root / "book/_build/pdf/report.pdf").stat().st_size > 10_000
    assert (built.root / "metrics/findings.json").exists()


def test_build_ran_offline_when_possible(built):
    # CI runs as root, where `unshare -n` gives a namespace with no network at all.
    import os

    if os.geteuid() == 0:
        assert built.offline, "the offline build could not be exercised as root"


def test_second_repro_does_nothing(built):
    result = dvc(built.root, "repro")
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert "Running stage" not in out, out
    status = dvc(built.root, "status")
    assert "up to date" in (status.stdout + status.stderr).lower()


def test_two_cold_runs_in_different_folders_give_identical_outputs(runs):
    a, b = runs
    folders = ("data/processed", "metrics", "book/generated")
    ha, hb = tree_hashes(a.root, *folders), tree_hashes(b.root, *folders)
    assert ha.keys() == hb.keys()
    differing = sorted(k for k in ha if ha[k] != hb[k])
    assert not differing, f"outputs differ between runs: {differing}"


def test_every_stage_output_is_present(built):
    stages = load_dvc_yaml(ROOT)["stages"]
    for name, stage in stages.items():
        for out in stage.get("outs", []) + stage.get("metrics", []):
            path = next(iter(out)) if isinstance(out, dict) else out
            assert (built.root / path).exists(), f"stage {name}: missing output {path}"


def test_findings_are_json_with_keys(built):
    findings = json.loads((built.root / "metrics/findings.json").read_text())
    assert findings, "no findings written"


def test_the_built_reproduction_check_reproduces_every_published_figure(built):
    """The reference edition reproduces every published figure that has a computed value,
    and the appendix says what that agreement proves on a synthetic edition."""
    from pipeline import published

    summary = json.loads((built.root / "metrics/reproduction.json").read_text())
    figures = published.load_figures(built.root / "data/reference/published_figures.yaml")
    expected = sorted(name for name, spec in figures.items() if spec.get("computed"))
    assert sorted(summary["match"]) == expected
    assert summary["figures_checked"] == len(expected) > 0
    missed = [name for name, ok in summary["match"].items() if not ok]
    assert not missed and summary["all_match"], f"published figures not reproduced: {missed}"
    assert summary["figures_matching"] == summary["figures_checked"]
    page = (built.root / "book/generated/appendix_reproduction.ipynb").read_text()
    assert "by construction" in page and "end to end" in page


def _first_difference(a: Path, b: Path) -> str:
    import difflib

    ta = a.read_text(encoding="utf-8", errors="replace").splitlines()
    tb = b.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(list(difflib.unified_diff(ta, tb, lineterm="", n=1))[:40])


def test_two_builds_give_byte_identical_html_and_pdf(runs):
    """Same sources (one commit), two folders, two hash seeds: the same bytes, PDF included."""
    a, b = runs
    folders = ("book/_build/html", "book/_build/pdf")
    ha, hb = tree_hashes(a.root, *folders), tree_hashes(b.root, *folders)
    assert "book/_build/pdf/report.pdf" in ha
    assert ha.keys() == hb.keys(), sorted(ha.keys() ^ hb.keys())
    differing = sorted(k for k in ha if ha[k] != hb[k])
    first = ""
    if differing and not differing[0].endswith(".pdf"):
        first = _first_difference(a.root / differing[0], b.root / differing[0])
    assert not differing, f"the two books differ in {differing}\nfirst difference:\n{first}"


def test_the_edition_is_stamped_with_the_commit_time_not_the_clock(built):
    import datetime as dt

    stamp = dt.datetime.fromtimestamp(COMMIT_EPOCH, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (built.root / "book/_build/html/book/index.html").read_text(encoding="utf-8")
    assert stamp in text, f"the front page does not show the commit time {stamp}"
    assert "Built:" not in text
