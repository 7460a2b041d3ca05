"""Each stage declares in dvc.yaml every file it really opens (recorded during run A)."""

import re

import pytest

from pipeline.dag import address, load_dvc_yaml, stage_name, trace_problems, traced_problems
from pipeline.tracing import read_trace

from .conftest import dvc

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _record_every_stage(built) -> None:
    """Stages the cold run skipped (their outputs came with the checkout, e.g.
    metrics/findings.json) run once more, alone and recorded, so every stage is checked."""
    ran = {stage_name(a) for a in re.findall(r"Running stage '([^']+)'", built.log)}
    for name in load_dvc_yaml(built.root)["stages"]:
        if name in ran or (built.trace / f"{name}.tsv").exists():
            continue
        env = {"PIPELINE_TRACE_READS": str(built.trace)}
        result = dvc(built.root, "repro", "--force", "--single-item", address(name), env=env)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_every_stage_declares_the_files_it_opens(built):
    assert built.trace is not None, "run A did not record its reads"
    _record_every_stage(built)
    problems = traced_problems(built.root, built.trace)
    assert not problems, "\n".join(problems)


def test_a_removed_dependency_is_caught(built):
    """The check can fail: drop one declared input and the recorded read shows up."""
    stage, dropped = "phase3_network", "data/processed/centre_partners.parquet"
    trace = read_trace(built.trace / f"{stage}.tsv")
    assert dropped in trace["read"], f"{stage} no longer reads {dropped}: pick another example"
    spec = load_dvc_yaml(built.root)["stages"][stage]
    spec = {**spec, "deps": [d for d in spec["deps"] if d != dropped]}
    assert f"{stage}: reads {dropped} undeclared" in trace_problems(stage, trace, spec)
