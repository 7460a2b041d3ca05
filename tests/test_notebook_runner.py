"""The stage runner: only declared parameters, quiet IPC kernel, short errors, identical bytes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from pipeline.notebook import (
    TRACE_TAG,
    NotebookFormatError,
    declared_parameters,
    load_params,
    normalise_notebook,
)

ROOT = Path(__file__).resolve().parents[1]


def test_normalise_removes_timings_and_random_ids():
    cell = new_code_cell("print(1)")
    cell.metadata["papermill"] = {"start_time": "2026-01-01T00:00:00", "duration": 1.2}
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00"}
    cell["id"] = "random-uuid"
    nb = new_notebook(cells=[cell])
    nb.metadata["papermill"] = {
        "start_time": "x",
        "end_time": "y",
        "duration": 3,
        "input_path": "/tmp/a",
        "parameters": {"k": 5},
    }
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


def test_the_tracing_cell_leaves_no_trace_in_the_executed_copy():
    def executed(source: str, count: int) -> nbformat.NotebookNode:
        cell = new_code_cell(source, execution_count=count)
        cell.outputs = [new_output("execute_result", {"text/plain": "1"}, execution_count=count)]
        return cell

    trace = new_code_cell("from pipeline import tracing", execution_count=1)
    trace.metadata["tags"] = [TRACE_TAG]
    traced = normalise_notebook(new_notebook(cells=[trace, executed("1", 2), executed("1", 3)]))
    plain = normalise_notebook(new_notebook(cells=[executed("1", 1), executed("1", 2)]))
    assert nbformat.writes(traced) == nbformat.writes(plain)


def test_declared_parameters_name_params_yaml_keys():
    source = (
        'from pipeline.params import param\n\nstage = "s"\n'
        'k_anonymity = param("common.k_anonymity")\ntop = param("s.top")\n'
    )
    assert declared_parameters(source) == {
        "stage": "",
        "k_anonymity": "common.k_anonymity",
        "top": "s.top",
    }


@pytest.mark.parametrize("line", ["k = 5", 'k = param("a") + 1', "import os", "k, j = 1, 2"])
def test_a_value_typed_in_the_parameters_cell_is_refused(line):
    with pytest.raises(NotebookFormatError, match="line 2"):
        declared_parameters(f'stage = "s"\n{line}\n')


def test_only_declared_parameters_are_injected(tmp_path):
    (tmp_path / "params.yaml").write_text("common:\n  seed: 1\n  k: 5\nmystage:\n  k: 3\n  n: 2\n")
    assert load_params(tmp_path, {"k": "mystage.k", "seed": "common.seed"}) == {"k": 3, "seed": 1}


# --------------------------------------------------------------------------- real kernel runs
def _project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "notebooks").mkdir(parents=True)
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    (tmp_path / "params.yaml").write_text("common:\n  k: 5\n  unused: 1\ndemo:\n  n: 2\n")
    (tmp_path / "data.txt").write_text("hello\n")
    params = new_code_cell(
        'from pipeline.params import param\n\nstage = "demo"\nk = param("common.k")\n'
        'n = param("demo.n")'
    )
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[params, new_code_cell(body)])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, tmp_path / "notebooks" / "demo.ipynb")
    return tmp_path


def _run(
    root: Path, *prefix: str, args: tuple[str, ...] = (), **env: str
) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("PIPELINE_", "DVC_"))}
    # the project has no src/pipeline of its own: say where its root is
    environ.update(PYTHONPATH=str(ROOT / "src"), PIPELINE_ROOT=str(root), **env)
    cmd = [*prefix, sys.executable, "-m", "pipeline", "notebook", "demo", *args]
    return subprocess.run(
        cmd, check=False, cwd=root, env=environ, capture_output=True, text=True, timeout=300
    )


def test_a_stage_runs_quietly_with_its_parameters_and_records_its_reads(tmp_path):
    root = _project(tmp_path / "p", "print(open('data.txt').read().strip(), k * n)")
    result = _run(root, PIPELINE_TRACE_READS=str(tmp_path / "trace"))
    assert result.returncode == 0, result.stderr
    assert "Passed unknown parameter" not in result.stderr
    assert "without encryption" not in result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    nb = nbformat.read(root / "book" / "generated" / "demo.ipynb", as_version=4)
    assert nb.metadata["papermill"]["parameters"] == {"k": 5, "n": 2}
    assert "hello 10" in nb.cells[-1].outputs[0]["text"]
    assert not [c for c in nb.cells if "tracing" in c.source]
    trace = (tmp_path / "trace" / "demo.tsv").read_text().splitlines()
    assert "read\tdata.txt" in trace
    assert "read\tnotebooks/demo.ipynb" in trace  # the runner process records itself too
    assert "write\tbook/generated/demo.ipynb" in trace


@pytest.mark.parametrize("charts", [False, True])
def test_the_kernel_warm_up_leaves_no_name_output_or_message(tmp_path, charts):
    """The kernel imports the display helpers (and, for a notebook with charts, starts the
    chart renderer) before the first cell (:func:`pipeline.notebook.kernel_arguments`): the
    notebook sees neither a name nor an output from it, and the stage's console stays quiet;
    a traced stage does no warm-up."""
    from pipeline.notebook import WARM_UP_RENDERER, draws_charts, kernel_arguments

    body = (
        "import sys\n"
        "print(sorted(n for n in dir() if 'pipeline' in n or 'renderer' in n))\n"
        "print('pipeline.report' in sys.modules)\n"
        "print(sys.modules['pipeline.report']._RENDERER is not None)"
    ) + ("\n# a chapter would call report.show_chart(...) here" if charts else "")
    root = _project(tmp_path / "p", body)
    result = _run(root)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    nb = nbformat.read(root / "book" / "generated" / "demo.ipynb", as_version=4)
    assert nb.cells[-1].outputs[0]["text"] == f"[]\nTrue\n{charts}\n"
    assert draws_charts(root / "notebooks" / "demo.ipynb") == charts
    assert draws_charts(ROOT / "notebooks" / "phase2_centres.ipynb")
    with_charts, without = kernel_arguments(True, charts=True), kernel_arguments(True, False)
    assert len(with_charts) == len(without) + len(WARM_UP_RENDERER)
    assert kernel_arguments(False, charts=True) == kernel_arguments(False, charts=False)


def test_a_failing_cell_ends_with_one_short_message(tmp_path):
    message = "centres input: several candidate files in data/raw/centres (a.xlsx, b.xlsx)"
    root = _project(tmp_path, f"raise ValueError({message!r})")
    result = _run(root)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-2] == f"[demo] stopped: {message}", result.stderr
    assert "--traceback" in lines[-1]
    assert "Traceback" not in result.stderr and "-----" not in result.stderr
    assert len(lines) <= 3, result.stderr
    verbose = _run(root, args=("--traceback",))
    assert "ValueError" in verbose.stderr and "raise ValueError" in verbose.stderr


def test_the_kernel_is_not_interrupted_when_shut_down_after_its_cells():
    import asyncio
    import signal

    from pipeline.notebook import ipc_kernel_manager

    km = ipc_kernel_manager()(kernel_name="python3")
    assert km.transport == "ipc"
    sent: list[int] = []
    signal_kernel = km._async_signal_kernel

    async def record(signum: int) -> None:
        sent.append(signum)
        await signal_kernel(signum)

    km._async_signal_kernel = record

    async def run() -> None:
        await km.start_kernel()
        try:
            await km._async_interrupt_kernel()  # asked for while running: still sent
            assert sent == [signal.SIGINT]
        finally:
            await km.shutdown_kernel()

    asyncio.run(run())
    assert sent == [signal.SIGINT], "the shutdown interrupted the kernel"


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    return (
        subprocess.run(["unshare", "-n", "true"], check=False, capture_output=True).returncode == 0
    )


@pytest.mark.skipif(not _can_unshare(), reason="cannot create a network namespace here")
def test_the_kernel_needs_no_network_at_all(tmp_path):
    """IPC transport: runs in a namespace whose loopback is down (TCP could not connect)."""
    root = _project(tmp_path, "print(k)")
    result = _run(root, "unshare", "-n")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "dvc_stage", ["stages/phase3_network/dvc.yaml:phase3_network", "phase3_network", ""]
)
def test_a_traced_stage_records_under_its_name_however_dvc_addresses_it(
    tmp_path, monkeypatch, dvc_stage
):
    """A stage with its own dvc.yaml runs as "stages/<name>/dvc.yaml:<name>" (DVC_STAGE); its
    record of reads is still ``<name>.tsv``, the file the dependency check looks for."""
    import pipeline.__main__ as entry
    from pipeline import tracing

    recorded: list[Path] = []
    monkeypatch.setenv("PIPELINE_TRACE_READS", str(tmp_path))
    monkeypatch.setenv("DVC_STAGE", dvc_stage)
    monkeypatch.setattr(tracing, "record", lambda out, roots: recorded.append(out))
    entry._trace(("notebook",), ["phase3_network"])
    assert recorded == [tmp_path.resolve() / "phase3_network.tsv"]
