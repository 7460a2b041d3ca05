"""environment.yml (conda) and pyproject.toml (pip) must name the same packages."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"python-duckdb": "duckdb"}  # conda-forge spells some packages differently


def _name(spec: str) -> str:
    return re.split(r"[<>=!~\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_names = {_name(d) for d in project["dependencies"]}
    pip_names |= {_name(d) for d in project["optional-dependencies"]["dev"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)}
    conda = {CONDA_NAMES.get(n, n) for n in conda} - {"python", "pip"}
    assert conda == pip_names, (
        f"only in environment.yml: {sorted(conda - pip_names)}; "
        f"only in pyproject.toml: {sorted(pip_names - conda)}"
    )
