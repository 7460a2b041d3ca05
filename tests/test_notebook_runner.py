"""The stage runner strips run-specific metadata so reruns give identical bytes."""

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from pipeline.notebook import load_params, normalise_notebook


def test_normalise_removes_timings_and_random_ids():
    cell = new_code_cell("print(1)")
    cell.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "duration": 1.2}
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    cell["id"] = "random-uuid"
    nb = new_notebook(cells=[cell])
    nb.metadata["papermill"] = {"start_time": "x", "end_time": "y", "duration": 3,
                                "input_path": "/tmp/a", "parameters": {"k": 5}}
    out = normalise_notebook(nb)
    text = nbformat.writes(out)
    for word in ("start_time", "end_time", "duration", "input_path", "random-uuid", "iopub"):
        assert word not in text
    assert out.metadata["papermill"] == {"parameters": {"k": 5}}
    assert "hide-input" in out.cells[0].metadata["tags"]


def test_parameter_cells_are_removed_from_the_book():
    cell = new_code_cell("k = 5")
    cell.metadata["tags"] = ["injected-parameters"]
    out = normalise_notebook(new_notebook(cells=[cell]))
    assert "remove-cell" in out.cells[0].metadata["tags"]


def test_params_merge_common_then_stage(tmp_path):
    (tmp_path / "params.yaml").write_text("common:\n  seed: 1\n  k: 5\nmystage:\n  k: 3\n")
    assert load_params(tmp_path, "mystage") == {"seed": 1, "k": 3, "stage": "mystage"}
