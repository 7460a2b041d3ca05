"""The synthetic edition's default seed has one home and agrees with the pipeline's seed."""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from pipeline.synthetic import DEFAULT_SEED

ROOT = Path(__file__).resolve().parents[2]


def test_default_seed_is_params_common_seed() -> None:
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    assert DEFAULT_SEED == params["common"]["seed"]


def test_no_generator_types_the_seed_again() -> None:
    """Only ``pipeline/synthetic/__init__.py`` assigns the number; the rest import it."""
    typed = []
    for path in sorted((ROOT / "src" / "pipeline" / "synthetic").rglob("*.py")):
        if path.name == "__init__.py" and path.parent.name == "synthetic":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value == DEFAULT_SEED:
                typed.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not typed, typed
