"""Each stage declares in dvc.yaml every file it really opens (recorded during run A)."""

import pytest

from pipeline.dag import load_dvc_yaml, trace_problems, traced_problems
from pipeline.tracing import read_trace

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def test_every_stage_declares_the_files_it_opens(built):
    assert built.trace is not None, "run A did not record its reads"
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
