"""Every ``pipeline`` module imports on its own, in an interpreter that has imported no other
``pipeline`` module first: no import cycle, no dependence on import order.

One child interpreter pre-imports the third-party libraries (they cannot take part in a
cycle of ours) and then forks once per module, so each module is imported into a fresh
``sys.modules`` as far as ``pipeline`` is concerned, at the cost of a fork instead of a
cold start. The synthetic generators must also stay out of the pipeline's way: no module
outside ``pipeline.synthetic`` imports them (the generator depends on the inputs' schemas,
never the other way round).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

CHILD = r"""
import importlib, os, sys, traceback
for lib in ("numpy", "pandas", "pandera.pandas", "openpyxl", "networkx", "rapidfuzz", "yaml",
            "altair", "pyarrow", "scipy", "papermill", "nbformat"):
    try:
        importlib.import_module(lib)
    except ImportError:
        pass
assert not [m for m in sys.modules if m == "pipeline" or m.startswith("pipeline.")]
failed = []
for name in sys.argv[1:]:
    pid = os.fork()
    if pid == 0:
        try:
            importlib.import_module(name)
        except BaseException:
            print(f"--- {name}", file=sys.stderr)
            traceback.print_exc()
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        failed.append(name)
print("\n".join(failed))
sys.exit(1 if failed else 0)
"""


def _modules() -> list[str]:
    names = []
    for path in sorted((SRC / "pipeline").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_every_module_imports_alone() -> None:
    modules = _modules()
    assert "pipeline.synthetic.centres.truth" in modules and "pipeline.registries.base" in modules
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, *modules],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, (
        f"modules failing alone:\n{result.stdout}\n{result.stderr[-4000:]}"
    )


def test_nothing_outside_the_generators_imports_them() -> None:
    offenders = []
    for path in sorted((SRC / "pipeline").rglob("*.py")):
        if "synthetic" in path.relative_to(SRC / "pipeline").parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n == "pipeline.synthetic" or n.startswith("pipeline.synthetic.")
            ]
    assert not offenders, offenders
