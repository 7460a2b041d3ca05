"""Benchmark the edit-and-look loop: cold, no-op, one-chapter rebuild and one-chapter preview.

Run on demand (``make bench``), never as a test. Each round copies the project
into a temporary folder (the working tree is untouched) and times there:

* **cold**: ``dvc repro`` from nothing (HTML and PDF);
* **noop**: ``dvc repro`` again, nothing to do;
* **rebuild**: a sentence added to one chapter notebook, then ``dvc repro``
  (the chapter, then the HTML and the PDF);
* **preview**: another sentence, then the HTML-only route (``make preview`` runs
  ``dvc repro book``); a project without an HTML-only stage has only ``dvc repro``.

Every scenario is split by stage (from the times at which DVC announces each
stage) and, with the timer in ``stage_timer/`` on ``PYTHONPATH``, each stage's
process into start-up and imports, waiting for the kernel, cells, and writing.
The medians over ``--repeat`` rounds go to ``results/pipeline_<date>.json``
under ``--label``; other labels already in that file are kept, so a *before*
run (``--ref <commit> --label before``) and an *after* run sit side by side.
On a shared machine whose speed drifts, ``--compare <commit>`` alternates rounds of
that commit and of the working tree and writes both, as ``<label>_before`` and
``<label>_after``: each pair of rounds sees the same machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TIMER = Path(__file__).resolve().parent / "stage_timer"
CHAPTER = "phase2_centres"
SCENARIOS = ("cold", "noop", "rebuild", "preview")
TARGETS = {
    "cold_max_s": 60.0,
    "preview_max_s": 10.0,
    "rebuild_max_share_of_cold": 0.30,
    "noop_max_s": 1.5,
}


# ------------------------------------------------------------------------- project copies
def env(project: Path, timings: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("PIPELINE_", "BENCH_"))}
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"
    # the copy's own code, not the checkout the venv's editable install points at
    e["PYTHONPATH"] = f"{project / 'src'}{os.pathsep}{TIMER}"
    e["PYTHONHASHSEED"] = "0"
    e["PYTHONUNBUFFERED"] = "1"  # DVC's "Running stage" lines arrive when they are printed
    e["BENCH_TIMINGS"] = str(timings)
    return e


def _git(dest: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=dest, check=True, capture_output=True)


def copy_project(dest: Path, ref: str | None) -> None:
    """The working tree's files (or those of commit ``ref``) in ``dest``, committed there."""
    dest.mkdir(parents=True)
    if ref:
        archive = subprocess.run(
            ["git", "archive", ref], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    else:
        listed = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.decode()
        for rel in filter(None, listed.split("\0")):
            if (ROOT / rel).is_file():
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / rel, dest / rel)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "-c", "user.name=b", "-c", "user.email=b@example.org", "commit", "-qm", "bench")


def edit_chapter(project: Path, words: str) -> None:
    path = project / "notebooks" / f"{CHAPTER}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(f"A sentence added by the benchmark: {words}."))
    nbformat.write(nb, path)


def preview_command(project: Path) -> list[str]:
    """``dvc repro book`` where the PDF is a stage of its own, else plain ``dvc repro``."""
    if "\n  book_pdf:" in (project / "dvc.yaml").read_text(encoding="utf-8"):
        return ["dvc", "repro", "book"]
    return ["dvc", "repro"]


# ------------------------------------------------------------------------------- timing
def run_timed(project: Path, cmd: list[str]) -> dict:
    """Run ``cmd`` in ``project``; total seconds, per-stage seconds and per-process records."""
    timings = project.parent / f"timings-{time.monotonic_ns()}.jsonl"
    exe = [str(BIN / cmd[0]), *cmd[1:]]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    marks: list[tuple[str, float]] = []
    log: list[str] = []
    with subprocess.Popen(
        exe,
        cwd=project,
        env=env(project, timings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as proc:
        for line in proc.stdout:  # type: ignore[union-attr]
            log.append(line)
            if line.startswith("Running stage '"):
                # "book", or "stages/<name>/dvc.yaml:<name>" for a stage with its own file
                name = line.split("'")[1].rsplit(":", 1)[-1]
                marks.append((name, time.perf_counter() - start))
    total = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{''.join(log)[-4000:]}")
    ends = [t for _, t in marks[1:]] + ([total] if marks else [])
    stages = {name: round(end - t, 2) for (name, t), end in zip(marks, ends, strict=True)}
    return {
        "seconds": round(total, 2),
        # DVC and every process it waited for: steadier than wall time on a loaded machine
        "cpu_seconds": round(cpu, 2),
        "stages": stages,
        "processes": _processes(timings),
    }


def _processes(timings: Path) -> dict[str, dict[str, float]]:
    """Per stage: its runner process split into phases, and its book builds."""
    if not timings.exists():
        return {}
    found: dict[str, dict[str, float]] = {}
    for line in timings.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        stage, argv = rec.get("stage"), rec.get("argv", [])
        if not stage or not argv:
            continue
        parts = found.setdefault(stage, {})
        if argv[0] == "jupyter-book":
            builder = argv[argv.index("--builder") + 1] if "--builder" in argv else "build"
            parts[f"sphinx_{builder}"] = rec["exit"]
            if "cpu" in rec:
                parts[f"sphinx_{builder}_cpu"] = round(rec["cpu"] + rec["cpu_children"], 3)
        elif argv[0].endswith("__main__.py") or "pipeline" in argv:
            parts.update(_phases(rec))
    return found


def _phases(rec: dict) -> dict[str, float]:
    phases = {"process": rec["exit"]}
    if "cpu" in rec:
        phases["cpu_with_children"] = round(rec["cpu"] + rec["cpu_children"], 3)
    if "papermill_called" in rec and "first_cell_start" in rec:
        phases["startup_imports"] = rec["papermill_called"]
        phases["kernel_wait"] = round(rec["first_cell_start"] - rec["papermill_called"], 3)
        phases["cells"] = round(rec["last_cell_end"] - rec["first_cell_start"], 3)
        phases["slowest_cell"] = max(rec["cells"], default=0.0)
        phases["finish_write"] = round(rec["exit"] - rec["last_cell_end"], 3)
    return phases


# ------------------------------------------------------------------------------- rounds
def one_round(base: Path, ref: str | None, index: int) -> dict[str, dict]:
    project = base / f"round{index}" / "project"
    copy_project(project, ref)
    found: dict[str, dict] = {}
    steps = (
        ("cold", None, ["dvc", "repro"]),
        ("noop", None, ["dvc", "repro"]),
        ("rebuild", "rebuild", ["dvc", "repro"]),
        ("preview", "preview", None),
    )
    for name, edit, cmd in steps:
        if edit:
            edit_chapter(project, f"{edit} {index}")
        command = cmd or preview_command(project)
        print(f"[round {index}] {name}: {' '.join(command)} ...", flush=True)
        load = os.getloadavg()[0]
        found[name] = {**run_timed(project, command), "load_before": round(load, 2)}
        found[name]["load_after"] = round(os.getloadavg()[0], 2)
        found[name]["command"] = " ".join(command)
        print(
            f"[round {index}] {name}: {found[name]['seconds']} s, "
            f"{found[name]['cpu_seconds']} s CPU (load {load:.2f} -> {found[name]['load_after']})",
            flush=True,
        )
    shutil.rmtree(project.parent, ignore_errors=True)
    return found


def _median_map(maps: list[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for m in maps for k in m})
    return {k: round(statistics.median([m[k] for m in maps if k in m]), 3) for k in keys}


def summarise(rounds: list[dict[str, dict]]) -> dict:
    """Medians over the rounds: totals, stages, process phases, load."""
    out: dict = {"rounds": len(rounds), "seconds": {}, "stages": {}, "phases": {}, "load": {}}
    for name in SCENARIOS:
        runs = [r[name] for r in rounds]
        out["seconds"][name] = round(statistics.median(r["seconds"] for r in runs), 2)
        out.setdefault("cpu_seconds", {})[name] = round(
            statistics.median(r["cpu_seconds"] for r in runs), 2
        )
        out["stages"][name] = _median_map([r["stages"] for r in runs])
        stages = sorted({s for r in runs for s in r["processes"]})
        out["phases"][name] = {
            s: _median_map([r["processes"][s] for r in runs if s in r["processes"]]) for s in stages
        }
        out["load"][name] = [r["load_before"] for r in runs]
        out.setdefault("load_after", {})[name] = [r["load_after"] for r in runs]
        out.setdefault("commands", {})[name] = runs[0]["command"]
    out["all_seconds"] = {n: [r[n]["seconds"] for r in rounds] for n in SCENARIOS}
    return out


def verdict(summary: dict) -> dict:
    s = summary["seconds"]
    share = round(s["rebuild"] / s["cold"], 3) if s["cold"] else None
    return {
        "rebuild_share_of_cold": share,
        "meets": {
            "cold": s["cold"] <= TARGETS["cold_max_s"],
            "preview": s["preview"] <= TARGETS["preview_max_s"],
            "rebuild": share is not None and share <= TARGETS["rebuild_max_share_of_cold"],
            "noop": s["noop"] <= TARGETS["noop_max_s"],
        },
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    }


def _code_version(ref: str | None) -> str:
    rev = subprocess.run(
        ["git", "rev-parse", "--short", ref or "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return rev if ref else f"{rev} + working tree"


def write_result(out: Path, label: str, entry: dict) -> None:
    """Add (or replace) ``label`` in ``out``, keeping the other labels."""
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data.setdefault("benchmark", "pipeline")
    data["changed_chapter"] = CHAPTER
    data["targets"] = TARGETS
    data.setdefault("runs", {})[label] = entry
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", help="benchmark this commit instead of the working tree")
    parser.add_argument("--label", default="current", help="name of this run in the JSON")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians are reported)")
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "benchmarks" / "results" / f"pipeline_{dt.date.today().isoformat()}.json",
    )
    parser.add_argument(
        "--compare",
        metavar="REF",
        help="alternate rounds of commit REF and of the working tree; write both",
    )
    args = parser.parse_args(argv)
    refs = {"": args.ref} if args.compare is None else {"_before": args.compare, "_after": None}
    rounds: dict[str, list] = {suffix: [] for suffix in refs}
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        for index in range(1, args.repeat + 1):
            for suffix, ref in refs.items():
                rounds[suffix].append(one_round(Path(tmp) / suffix.strip("_"), ref, index))
    for suffix, ref in refs.items():
        summary = summarise(rounds[suffix])
        entry = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "code": _code_version(ref),
            "machine": machine(),
            **summary,
            **verdict(summary),
        }
        write_result(args.out, args.label + suffix, entry)
        print(json.dumps({k: entry[k] for k in ("seconds", "rebuild_share_of_cold", "meets")}))
        print(f"written to {args.out} (label {args.label + suffix!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
