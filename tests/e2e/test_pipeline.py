"""The pipeline end to end: outputs, no-op reruns, determinism, offline builds."""

import json

import pytest

from pipeline.dag import load_dvc_yaml

from .conftest import ROOT, dvc, tree_hashes

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
    ha = {k: v for k, v in tree_hashes(a.root, *folders).items() if not k.endswith("edition.md")}
    hb = {k: v for k, v in tree_hashes(b.root, *folders).items() if not k.endswith("edition.md")}
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


def _mask_build_stamp(text: str) -> str:
    import re

    text = re.sub(r"Built:(</strong>)?\s*[0-9-]+ [0-9:]+ UTC", "Built: <stamp>", text)
    text = re.sub(r"[0-9a-f]{7,40}(-dirty)?\+data\.[0-9a-f]{10}", "<version>", text)
    # documentation_options.js carries the version, so every page's link to it carries a
    # checksum of the version: equal only when the two checkouts' commits got the same hash
    # (same second), which is what made this test fail now and then
    text = re.sub(r"(documentation_options\.js\?v=)[0-9a-f]+", r"\1<stamp>", text)
    return re.sub(r"[A-Z][a-z]{2} \d{1,2}, \d{4}", "<date>", text)


def _stamp_numbers(html_root) -> set[str]:
    import re

    text = (html_root / "book" / "index.html").read_text(encoding="utf-8")
    m = re.search(r"Built:(?:</strong>)?\s*(\d+)-(\d+)-(\d+) (\d+):(\d+) UTC", text)
    assert m, "the front page shows no build stamp"
    # the code version (a commit hash) is part of the stamp too, and a search term
    v = re.search(r"([0-9a-f]{7,40})(?:-dirty)?\+data\.[0-9a-f]{10}", text)
    assert v, "the front page shows no edition version"
    return {g for g in m.groups()} | {str(int(g)) for g in m.groups()} | {v.group(1)}


def _drop_terms(searchindex: str, terms: set[str]) -> str:
    import re

    for term in terms:
        searchindex = re.sub(rf'"{re.escape(term)}": (\[[^\]]*\]|\d+), ', "", searchindex)
    return searchindex


def test_html_and_pdf_differ_at_most_in_the_build_stamp(runs):
    import subprocess

    a, b = runs
    html_a, html_b = a.root / "book/_build/html", b.root / "book/_build/html"
    files = sorted(
        p.relative_to(html_a)
        for p in html_a.rglob("*")
        if p.is_file() and p.suffix in (".html", ".js", ".css", ".txt", ".ipynb")
    )
    assert files
    stamp_numbers = _stamp_numbers(html_a) | _stamp_numbers(html_b)
    differing: list[str] = []
    first_diff = ""
    for rel in files:
        ta = _mask_build_stamp((html_a / rel).read_text(encoding="utf-8", errors="replace"))
        tb = _mask_build_stamp((html_b / rel).read_text(encoding="utf-8", errors="replace"))
        if rel.name == "searchindex.js":
            # the search index lists the numbers of the build stamp as search terms
            ta, tb = _drop_terms(ta, stamp_numbers), _drop_terms(tb, stamp_numbers)
        if ta != tb:
            differing.append(str(rel))
            if len(differing) == 1:
                import difflib

                first_diff = "\n".join(
                    list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), lineterm="", n=1))[
                        :40
                    ]
                )
    assert not differing, (
        f"HTML differs beyond the build stamp: {differing}\nfirst difference:\n{first_diff}"
    )
    texts = [
        subprocess.run(
            ["pdftotext", str(r.root / "book/_build/pdf/report.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for r in (a, b)
    ]
    assert _mask_build_stamp(texts[0]) == _mask_build_stamp(texts[1])
