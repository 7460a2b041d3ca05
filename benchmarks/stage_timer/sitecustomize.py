"""Per-process timings for ``bench_pipeline.py``; inert unless ``BENCH_TIMINGS`` is set.

The benchmark puts this folder on ``PYTHONPATH``, so every Python process of a
``dvc repro`` (DVC itself, each stage's runner, each Jupyter kernel, each
``jupyter-book`` build) loads it at start. With ``BENCH_TIMINGS=<file>`` set,
a process appends one JSON line to that file when it exits: its DVC stage, its
command line, its age at exit, its CPU time (and that of the children it
waited for), and, for a notebook runner, when papermill was
called and when the first cell started and the last one ended (so a stage
splits into start-up and imports, waiting for the kernel, cells, and writing).
Times are seconds since the process started (read from ``/proc``), so the
interpreter's own start-up counts too.

The project's code is not touched: the notebook client is wrapped when it is
imported. It works the same on any version of the runner that executes
notebooks through papermill and nbclient.
"""

from __future__ import annotations

import atexit
import importlib.abc
import importlib.util
import json
import os
import resource
import sys
import time

_FILE = os.environ.get("BENCH_TIMINGS")
_WRAPPED = {"papermill", "nbclient.client"}


def _process_age() -> float:
    """Seconds since this process started (Linux ``/proc``); 0 when unknown."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            start_ticks = int(fh.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


_OFFSET = _process_age() - time.perf_counter()
_EVENTS: dict[str, float] = {}
_CELLS: list[float] = []


def _now() -> float:
    return round(time.perf_counter() + _OFFSET, 3)


def _wrap_papermill(module) -> None:
    original = module.execute_notebook

    def execute_notebook(*args, **kwargs):
        _EVENTS.setdefault("papermill_called", _now())
        return original(*args, **kwargs)

    module.execute_notebook = execute_notebook


def _wrap_nbclient(module) -> None:
    original = module.NotebookClient.execute_cell

    def execute_cell(self, *args, **kwargs):
        start = _now()
        _EVENTS.setdefault("first_cell_start", start)
        try:
            return original(self, *args, **kwargs)
        finally:
            _EVENTS["last_cell_end"] = _now()
            _CELLS.append(round(_EVENTS["last_cell_end"] - start, 3))

    module.NotebookClient.execute_cell = execute_cell


class _Finder(importlib.abc.MetaPathFinder):
    """Wraps the named modules right after they are first executed."""

    busy = False

    def find_spec(self, name, path=None, target=None):
        if name not in _WRAPPED or self.busy:
            return None
        self.busy = True
        try:
            spec = importlib.util.find_spec(name)
        finally:
            self.busy = False
        if spec is None or spec.loader is None:
            return spec
        loader_exec = spec.loader.exec_module

        def exec_module(module):
            loader_exec(module)
            (_wrap_papermill if name == "papermill" else _wrap_nbclient)(module)

        spec.loader.exec_module = exec_module
        return spec


def _cpu() -> dict[str, float]:
    """CPU seconds (user + system) of this process and of the children it has waited for
    (a runner's kernel, a book build's LaTeX): comparable when the machine is loaded."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "cpu": round(me.ru_utime + me.ru_stime, 3),
        "cpu_children": round(kids.ru_utime + kids.ru_stime, 3),
    }


def _write() -> None:
    record = {
        # "stages/<name>/dvc.yaml:<name>" for a stage with its own dvc.yaml
        "stage": os.environ.get("DVC_STAGE", "").rsplit(":", 1)[-1],
        "argv": [os.path.basename(sys.argv[0]), *sys.argv[1:]] if sys.argv else [],
        "exit": _now(),
        **_EVENTS,
        **_cpu(),
        "cells": _CELLS,
    }
    try:
        with open(_FILE, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
    except OSError:
        pass


if _FILE:
    sys.meta_path.insert(0, _Finder())
    atexit.register(_write)
