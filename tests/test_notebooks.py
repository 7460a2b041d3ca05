"""Source notebooks: committed without outputs, parameterised, wired to a stage and the book."""

import ast
import json
import re
from pathlib import Path

import pytest

from pipeline import catalog, dag
from pipeline.notebook import declared_parameters

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: folders whose paths only the catalog may spell
CATALOG_FOLDERS = tuple(
    catalog.path(k).as_posix() + "/" for k in ("raw", "processed", "reference", "metrics")
)


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs: strip them"
            assert not cell.get("execution_count"), f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_parameters_cell_and_stage(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: exactly one cell must be tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    assert "stage" in declared_parameters(source, f"{path.name} parameters cell")
    assert f'stage = "{path.stem}"' in source
    stages = dag.load_dvc_yaml(ROOT)["stages"]
    stage = path.stem
    assert stage in stages, f"{path.name}: no DVC stage named {stage!r}"
    assert stages[stage]["cmd"] == f"python -m pipeline notebook {stage}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_types_no_paths(path):
    """Datasets are named by catalog key (``catalog.path("processed.centres")``)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not node.value.startswith(CATALOG_FOLDERS), (
                    f"{path.name} cell {i}: {node.value!r} is a typed path; use catalog.path(key)"
                )


def test_every_generated_chapter_is_in_the_toc_and_has_a_stage():
    toc = (ROOT / "_toc.yml").read_text()
    stages = dag.load_dvc_yaml(ROOT)["stages"]
    for path in NOTEBOOKS:
        assert f"book/generated/{path.stem}" in toc, f"{path.stem} missing from _toc.yml"
        assert f"book/generated/{path.stem}.ipynb" in stages["book"]["deps"], (
            f"the book stage must depend on book/generated/{path.stem}.ipynb"
        )


def test_contributing_map_lists_every_chapter_with_its_book_number():
    """CONTRIBUTING's chapter -> notebook -> stage table follows _toc.yml's numbering."""
    from pipeline.report import toc_numbers

    numbers = toc_numbers(ROOT / "_toc.yml")
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    rows = {
        nb: num for num, nb in re.findall(r"^\| (\w+) · [^|]*\| `(\w+)\.ipynb`", text, re.MULTILINE)
    }
    for path in NOTEBOOKS:
        assert path.stem in rows, f"CONTRIBUTING.md has no row for {path.name}"
        assert rows[path.stem] == numbers[path.stem], (
            f"CONTRIBUTING.md numbers {path.name} {rows[path.stem]}; the book numbers it "
            f"{numbers[path.stem]}"
        )
