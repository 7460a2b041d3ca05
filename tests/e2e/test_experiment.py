"""The README's experiment reruns only the stages using the parameter, and moves findings."""

import json
import re
import shutil

import pytest

from pipeline.dag import STAGES, stage_name

from .conftest import ROOT, dvc

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^dvc exp run -S (\S+)", text, flags=re.MULTILINE)
    assert found, "the README shows no `dvc exp run -S key=value` example"
    return found[1]


def test_the_readme_experiment_moves_findings_and_reruns_few_stages(built, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(built.root, project, symlinks=True)
    setting = _readme_example()
    run = dvc(project, "exp", "run", "-S", setting)
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-3000:]
    ran = [stage_name(a) for a in re.findall(r"Running stage '([^']+)'", log)]
    assert ran and len(ran) < len(STAGES), ran
    assert setting.split("=")[0].split(".")[0] in ran, ran
    diff = dvc(project, "metrics", "diff", "--json")
    assert diff.returncode == 0, diff.stderr
    moved = json.loads(diff.stdout or "{}").get("metrics/findings.json", {})
    assert moved, f"`dvc exp run -S {setting}` moved no finding"
