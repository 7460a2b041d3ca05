"""Run a chapter notebook as a DVC stage, deterministically.

``python -m pipeline notebook <stage>`` executes ``notebooks/<stage>.ipynb``
with papermill. The notebook's cell tagged ``parameters`` names the values it
uses by their ``params.yaml`` key (``k_anonymity = param("common.k_anonymity")``);
the runner injects exactly those values, nothing else. The executed copy is
written to ``book/generated/<stage>.ipynb``, where the book picks it up.

Before writing, everything that changes from run to run is removed: papermill
timings and paths, Jupyter execution timestamps, kernel-specific metadata.
Code cells are tagged ``hide-input``, so a reader who opens the executed notebook in
Jupyter sees results first; the book removes code altogether and names the notebook and
stage under each chapter's title instead (:mod:`pipeline.bookext`).

The kernel talks to the runner over local IPC sockets (no TCP port). When a
cell fails, the stage stops with one line naming the error (the library's
messages name the file and the fix); ``--traceback`` shows the whole story.
With ``PIPELINE_TRACE_READS`` set, a first cell records the files the kernel
opens (:mod:`pipeline.tracing`); it is removed from the executed copy.

A stage's time is mostly fixed cost, so the runner keeps it small: the kernel is
started first and boots while the runner loads papermill and nbformat (imported
only then); as it boots it imports the display helpers and starts the chart renderer
in the background (:func:`kernel_arguments`); and once the last cell has answered the
kernel is stopped at once rather than asked to shut down and waited for.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import catalog, tracing
from pipeline.io import atomic_write_text, repo_root
from pipeline.params import load as load_params_file
from pipeline.params import lookup

if TYPE_CHECKING:
    import nbformat

TRACE_TAG = "pipeline-trace"
NOTEBOOKS_DIR = Path("notebooks")


class NotebookFormatError(ValueError):
    """A source notebook that breaks the conventions the runner relies on."""


class StageFailed(RuntimeError):
    """A cell raised: ``stage``, the error's type and message, the full traceback."""

    def __init__(self, stage: str, ename: str, evalue: str, details: str) -> None:
        super().__init__(f"{ename}: {evalue}")
        self.stage, self.ename, self.evalue, self.details = stage, ename, evalue, details


def notebook_path(stage: str, root: Path | None = None) -> Path:
    return (root or repo_root()) / NOTEBOOKS_DIR / f"{stage}.ipynb"


def parameters_cell(nb: nbformat.NotebookNode, where: str = "notebook") -> str:
    """The source of the one cell tagged ``parameters``."""
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    if len(cells) != 1:
        raise NotebookFormatError(f"{where}: exactly one cell must be tagged 'parameters'")
    return cells[0].source


def _param_key(node: ast.expr) -> str | None:
    """``"a.b"`` for the expression ``param("a.b")``; ``None`` otherwise."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "param"
        and len(node.args) == 1
        and not node.keywords
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        return node.args[0].value
    return None


def declared_parameters(source: str, where: str = "parameters cell") -> dict[str, str]:
    """``{name: params.yaml key}`` from a parameters cell; ``stage`` maps to ``""``.

    The cell may hold only the import of ``param``, ``stage = "<name>"`` and lines
    ``name = param("<key>")``: a value typed in the notebook would be a second
    home for it.
    """
    declared: dict[str, str] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module == "pipeline.params":
            continue
        target = (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        )
        if not isinstance(target, ast.Name):
            raise NotebookFormatError(f"{where}, line {node.lineno}: not a parameter line")
        value = node.value  # type: ignore[union-attr]
        if target.id == "stage" and isinstance(value, ast.Constant):
            declared["stage"] = ""
            continue
        key = _param_key(value)
        if key is None:
            raise NotebookFormatError(
                f'{where}, line {node.lineno}: write `{target.id} = param("<params.yaml key>")`'
                " and put the value in params.yaml"
            )
        declared[target.id] = key
    return declared


def notebook_parameters(stage: str, root: Path | None = None) -> dict[str, str]:
    """``{name: params.yaml key}`` declared by ``notebooks/<stage>.ipynb`` (``stage`` excluded)."""
    import nbformat

    path = notebook_path(stage, root)
    nb = nbformat.read(path, as_version=4)
    declared = declared_parameters(parameters_cell(nb, str(path)), f"{path.name} parameters cell")
    declared.pop("stage", None)
    return declared


def load_params(root: Path, declared: dict[str, str]) -> dict[str, Any]:
    """The values to inject: each declared name with its ``params.yaml`` value."""
    data = load_params_file(root)
    return {name: lookup(data, key) for name, key in declared.items()}


def _renumber(nb: nbformat.NotebookNode) -> None:
    """Execution counts 1, 2, ... over the executed code cells (a stripped cell leaves no gap)."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or cell.get("execution_count") is None:
            continue
        count += 1
        cell["execution_count"] = count
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = count


def _normalise_cell(cell: nbformat.NotebookNode) -> None:
    cm = cell.metadata
    for key in ("papermill", "execution", "collapsed", "scrolled"):
        cm.pop(key, None)
    if cell.cell_type != "code":
        return
    tags = list(cm.get("tags", []))
    if "hide-input" not in tags and "remove-input" not in tags and "remove-cell" not in tags:
        tags.append("hide-input")
    if "injected-parameters" in tags or "parameters" in tags:
        tags = [t for t in tags if t != "hide-input"] + ["remove-cell"]
    cm["tags"] = sorted(set(tags))
    for out in cell.get("outputs", []):
        out.get("metadata", {}).pop("execution", None)
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            out["text"] = ""  # warnings go to the build log, not into the book
    cell["outputs"] = [
        o
        for o in cell.get("outputs", [])
        if not (o.get("output_type") == "stream" and not o.get("text"))
    ]


def normalise_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip run-specific metadata (and the tracing cell) so identical inputs give identical bytes."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if TRACE_TAG not in c.metadata.get("tags", [])]
    meta = nb.metadata
    pm = meta.get("papermill")
    if pm is not None:
        meta["papermill"] = {"parameters": pm.get("parameters", {})}
    meta.pop("widgets", None)
    li = meta.get("language_info")
    if li is not None:
        meta["language_info"] = {"name": li.get("name", "python")}
    meta["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    _renumber(nb)
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index:03d}"
        _normalise_cell(cell)
    nb.nbformat_minor = max(nb.nbformat_minor, 5)
    return nb


def ipc_kernel_manager() -> type:
    """A kernel manager for unattended runs: local IPC sockets, no interrupt at shutdown.

    Over TCP, ipykernel warns at every start that traffic is unencrypted; IPC
    sockets are files readable by this user only, and need no network at all.
    jupyter_client interrupts a kernel before shutting it down; the runner only
    shuts it down once every cell has finished, so there is nothing to interrupt,
    and an interrupt racing the kernel's last reply logs a spurious
    "KeyboardInterrupt caught in kernel" error.
    """
    from jupyter_client.manager import AsyncKernelManager

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            super().__init__(**kwargs)

        async def _async_interrupt_kernel(self) -> None:
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return IPCKernelManager


KERNEL_NAME = "python3"
#: as nbclient starts kernels: no IPython history database written for an unattended run
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
#: run by the kernel of a notebook that draws charts as it starts, after importing the
#: display helpers: vl-convert's engine started in the background
#: (:func:`pipeline.report.warm_renderer`), so that its 0.6 s overlap the imports
WARM_UP_RENDERER = (
    "_pipeline_renderer = pipeline.report.warm_renderer()",
    "del _pipeline_renderer",
)


def draws_charts(source: Path) -> bool:
    """The notebook shows a chart (calls ``report.show_chart``): worth starting the renderer
    early. A stage without charts would spend 0.5 s of CPU starting it for nothing."""
    return "show_chart(" in source.read_text(encoding="utf-8")


def kernel_arguments(warm_up: bool, charts: bool = True) -> list[str]:
    """The kernel's command-line options: :data:`KERNEL_ARGUMENTS`, and with ``warm_up``
    lines it runs as it starts, before the first cell: the display helpers every chapter
    imports (pandas, altair) and, with ``charts``, :data:`WARM_UP_RENDERER`. They leave no
    name behind. No warm-up while a stage's reads are recorded: the tracing cell must see
    every file the notebook's own imports open."""
    if not warm_up:
        return list(KERNEL_ARGUMENTS)
    lines = ["import pipeline.report", *(WARM_UP_RENDERER if charts else ()), "del pipeline"]
    return KERNEL_ARGUMENTS + [f"--IPKernelApp.exec_lines={line}" for line in lines]


def start_kernel(root: Path, *, warm_up: bool = True, charts: bool = True) -> Any:
    """Start the stage's kernel in ``root`` and return its manager without waiting for it:
    the kernel boots (and, with ``warm_up``, imports the display helpers and, with
    ``charts``, starts the chart renderer) while the runner goes on preparing."""
    from jupyter_core.utils import run_sync

    env = dict(os.environ)
    env["PIPELINE_ROOT"] = str(root)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    km = ipc_kernel_manager()(kernel_name=KERNEL_NAME)
    arguments = kernel_arguments(warm_up, charts)
    run_sync(km.start_kernel)(cwd=str(root), env=env, extra_arguments=arguments)
    return km


def stop_kernel(km: Any) -> None:
    """Stop the kernel at once: every cell has answered, so there is nothing to wait for."""
    from jupyter_core.utils import run_sync

    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def _with_trace_cell(source: Path, trace: Path, root: Path) -> nbformat.NotebookNode:
    import nbformat

    nb = nbformat.read(source, as_version=4)
    roots = [root] if root == tracing.code_root() else [root, tracing.code_root()]
    cell = nbformat.v4.new_code_cell(tracing.injected_source(trace, roots))
    cell.metadata["tags"] = [TRACE_TAG]
    nb.cells.insert(0, cell)
    return nb


def _execute(
    stage: str, source: Path, root: Path, km: Any, log_output: bool
) -> nbformat.NotebookNode:
    """Run the notebook in the started kernel ``km``; the executed notebook, not yet normalised."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    params = load_params(root, notebook_parameters(stage, root))
    trace = tracing.trace_file(stage)
    notebook: Any = str(source) if trace is None else _with_trace_cell(source, trace, root)
    try:
        return pm.execute_notebook(
            notebook,
            None,  # the runner writes the normalised copy itself
            parameters=params,
            cwd=str(root),
            kernel_name=KERNEL_NAME,
            km=km,
            progress_bar=sys.stderr.isatty(),
            log_output=log_output,
            request_save_on_cell_execute=False,
        )
    except PapermillExecutionError as exc:
        raise StageFailed(stage, exc.ename, exc.evalue, str(exc)) from None


def run_stage(stage: str, root: Path | None = None, *, log_output: bool = False) -> Path:
    """Execute ``notebooks/<stage>.ipynb`` and write the normalised copy for the book."""
    root = (root or repo_root()).resolve()
    source = notebook_path(stage, root)
    if not source.exists():
        raise FileNotFoundError(f"no notebook for stage {stage!r}: {source}")
    out_path = catalog.locate(f"generated.{stage}", root)
    print(f"[{stage}] running {NOTEBOOKS_DIR / source.name}", file=sys.stderr, flush=True)
    # a stage whose reads are recorded imports everything in its cells, where the trace sees it
    km = start_kernel(root, warm_up=tracing.trace_file(stage) is None, charts=draws_charts(source))
    try:
        nb = _execute(stage, source, root, km, log_output)
    finally:
        stop_kernel(km)
    import nbformat

    nb = normalise_notebook(nb)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out_path, nbformat.writes(nb) + "\n")
    print(f"[{stage}] wrote {out_path.relative_to(root)}", file=sys.stderr, flush=True)
    return out_path


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline notebook",
        description="Execute a stage's notebook with the params.yaml values its parameters "
        "cell names (papermill) and write the executed, normalised copy to book/generated/.",
    )
    parser.add_argument(
        "stage", help="stage name = notebook name without .ipynb, e.g. phase2_centres"
    )
    parser.add_argument(
        "--log-output", action="store_true", help="stream cell output to the console"
    )
    parser.add_argument(
        "--traceback", action="store_true", help="on failure, print the full traceback"
    )
    args = parser.parse_args(argv)
    try:
        run_stage(args.stage, log_output=args.log_output)
    except StageFailed as exc:
        if args.traceback:
            print(exc.details, file=sys.stderr)
        print(f"[{exc.stage}] stopped: {exc.evalue}", file=sys.stderr)
        if not args.traceback:
            print(
                f"[{exc.stage}] ({exc.ename}; for the traceback: "
                f"python -m pipeline notebook {exc.stage} --traceback)",
                file=sys.stderr,
            )
        return 1
    except (NotebookFormatError, KeyError, FileNotFoundError) as exc:
        print(f"[{args.stage}] stopped: {exc}", file=sys.stderr)
        return 1
    return 0
