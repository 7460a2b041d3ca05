"""Run a chapter notebook as a DVC stage, deterministically.

``python -m pipeline notebook <stage>`` executes ``notebooks/<stage>.ipynb``
with papermill, injecting the ``<stage>`` section of ``params.yaml`` (merged
over its ``common`` section) into the cell tagged ``parameters``. The
executed copy is written to ``book/generated/<stage>.ipynb``, where the book
picks it up.

Before writing, everything that changes from run to run is removed: papermill
timings and paths, Jupyter execution timestamps, kernel-specific metadata.
Code cells are tagged ``hide-input`` so the book shows results first and the
code on demand.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import yaml

from pipeline.io import atomic_write_text, repo_root

GENERATED_DIR = Path("book") / "generated"


def load_params(root: Path, stage: str) -> dict[str, Any]:
    """Parameters for ``stage``: ``params.yaml`` ``common`` section overlaid by ``<stage>``."""
    params_path = root / "params.yaml"
    data = yaml.safe_load(params_path.read_text(encoding="utf-8")) or {}
    merged: dict[str, Any] = dict(data.get("common") or {})
    merged.update(data.get(stage) or {})
    merged["stage"] = stage
    return merged


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip run-specific metadata so identical inputs give identical bytes."""
    nb = copy.deepcopy(nb)
    meta = nb.metadata
    pm = meta.get("papermill")
    if pm is not None:
        meta["papermill"] = {"parameters": pm.get("parameters", {})}
    meta.pop("widgets", None)
    li = meta.get("language_info")
    if li is not None:
        meta["language_info"] = {"name": li.get("name", "python")}
    meta["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        cm = cell.metadata
        for key in ("papermill", "execution", "collapsed", "scrolled"):
            cm.pop(key, None)
        if cell.cell_type == "code":
            tags = list(cm.get("tags", []))
            if "hide-input" not in tags and "remove-input" not in tags and "remove-cell" not in tags:
                tags.append("hide-input")
            if "injected-parameters" in tags or "parameters" in tags:
                tags = [t for t in tags if t != "hide-input"] + ["remove-cell"]
            cm["tags"] = sorted(set(tags))
            for out in cell.get("outputs", []):
                out.get("metadata", {}).pop("execution", None)
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    # warnings go to the build log, not into the book
                    out["text"] = ""
            cell["outputs"] = [
                o for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and not o.get("text"))
            ]
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    return nb


def run_stage(stage: str, root: Path | None = None, *, log_output: bool = False) -> Path:
    """Execute ``notebooks/<stage>.ipynb`` and write the normalised copy for the book."""
    import papermill as pm

    root = (root or repo_root()).resolve()
    source = root / "notebooks" / f"{stage}.ipynb"
    if not source.exists():
        raise FileNotFoundError(f"no notebook for stage {stage!r}: {source}")
    params = load_params(root, stage)
    out_path = root / GENERATED_DIR / f"{stage}.ipynb"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    env_root = os.environ.get("PIPELINE_ROOT")
    os.environ["PIPELINE_ROOT"] = str(root)
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    try:
        with tempfile.TemporaryDirectory(prefix=f"nb-{stage}-") as tmp:
            tmp_out = Path(tmp) / f"{stage}.ipynb"
            print(f"[{stage}] running notebooks/{stage}.ipynb", file=sys.stderr, flush=True)
            pm.execute_notebook(
                str(source),
                str(tmp_out),
                parameters=params,
                cwd=str(root),
                kernel_name="python3",
                progress_bar=sys.stderr.isatty(),
                log_output=log_output,
                request_save_on_cell_execute=False,
            )
            nb = nbformat.read(tmp_out, as_version=4)
    finally:
        if env_root is None:
            os.environ.pop("PIPELINE_ROOT", None)
        else:
            os.environ["PIPELINE_ROOT"] = env_root
    nb = normalise_notebook(nb)
    atomic_write_text(out_path, nbformat.writes(nb) + "\n")
    print(f"[{stage}] wrote {out_path.relative_to(root)}", file=sys.stderr, flush=True)
    return out_path


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline notebook",
        description="Execute a stage's notebook with its params.yaml section (papermill) "
        "and write the executed, normalised copy to book/generated/.",
    )
    parser.add_argument("stage", help="stage name = notebook name without .ipynb, e.g. phase2_centres")
    parser.add_argument("--log-output", action="store_true", help="stream cell output to the console")
    args = parser.parse_args(argv)
    run_stage(args.stage, log_output=args.log_output)
    return 0
