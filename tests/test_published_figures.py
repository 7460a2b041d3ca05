"""The one file of published figures: complete, sourced, and each figure computed by the pipeline."""

import json
from pathlib import Path

import yaml

from pipeline.findings import lookup

ROOT = Path(__file__).resolve().parents[1]
FIGURES = yaml.safe_load((ROOT / "data/reference/published_figures.yaml").read_text())


def test_every_figure_has_source_where_value_unit_tolerance():
    assert len(FIGURES["figures"]) >= 30
    for fid, fig in FIGURES["figures"].items():
        for field in ("value", "unit", "source", "where", "tolerance"):
            assert field in fig, f"{fid}: missing {field}"
        assert fig["source"] in FIGURES["sources"], f"{fid}: unknown source {fig['source']}"


def test_every_figure_has_a_computed_counterpart_or_is_an_analysis_parameter():
    for fid, fig in FIGURES["figures"].items():
        assert fig.get("computed") or fig.get("role") == "parameter", (
            f"{fid}: name the findings key that reproduces it, or mark it role: parameter"
        )


def test_computed_keys_exist_in_the_committed_findings():
    findings = json.loads((ROOT / "metrics/findings.json").read_text())
    missing = []
    for fid, fig in FIGURES["figures"].items():
        if fig.get("computed"):
            try:
                lookup(findings, fig["computed"])
            except KeyError:
                missing.append(f"{fid} -> {fig['computed']}")
    assert not missing, f"findings keys not computed: {missing}"


def test_committed_reproduction_check_matches_everything():
    rep = json.loads((ROOT / "metrics/reproduction.json").read_text())
    assert rep["figures_checked"] == sum(
        1 for f in FIGURES["figures"].values() if f.get("computed")
    )
    assert rep["all_match"], [k for k, v in rep["match"].items() if not v]
