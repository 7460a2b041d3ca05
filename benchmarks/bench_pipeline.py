"""Benchmark the whole pipeline: cold `dvc repro`, no-op `dvc repro`, one-chapter rebuild.

Run on demand (`make bench`), never as a test. The project is copied into a
temporary folder so the working tree is untouched. Results go to
benchmarks/results/pipeline_<date>.json with the machine's details.

Targets (issue "Foundation"): no-op at most 3 s; the rebuild after one chapter
notebook changes at most 40 % of the cold time.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CHAPTER = "phase2_centres"


def env() -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PIPELINE_")}
    e["PATH"] = f"{BIN}{os.pathsep}{e.get('PATH', '')}"
    return e


def copy_project(dest: Path) -> None:
    files = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for cmd in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=b", "-c", "user.email=b@example.org", "commit", "-qm", "bench"],
    ):
        subprocess.run(cmd, cwd=dest, check=True)


def timed(cwd: Path, *args: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "dvc"), *args], check=False, cwd=cwd, env=env(), capture_output=True, text=True
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(
            f"dvc {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return round(seconds, 2)


def touch_chapter(project: Path) -> None:
    path = project / "notebooks" / f"{CHAPTER}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell("A sentence added by the benchmark."))
    nbformat.write(nb, path)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        project = Path(tmp) / "project"
        copy_project(project)
        print("cold dvc repro ...", flush=True)
        cold = timed(project, "repro")
        print(f"  {cold} s\nno-op dvc repro ...", flush=True)
        noop = timed(project, "repro")
        print(f"  {noop} s\nrebuild after changing notebooks/{CHAPTER}.ipynb ...", flush=True)
        touch_chapter(project)
        incremental = timed(project, "repro")
        print(f"  {incremental} s", flush=True)
    result = {
        "benchmark": "pipeline",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "memory_gib": round(
                os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1
            ),
        },
        "seconds": {"cold": cold, "noop": noop, "incremental_one_chapter": incremental},
        "changed_chapter": CHAPTER,
        "targets": {"noop_max_s": 3.0, "incremental_max_share_of_cold": 0.40},
        "incremental_share_of_cold": round(incremental / cold, 3),
        "meets_targets": noop <= 3.0 and incremental <= 0.40 * cold,
    }
    out = ROOT / "benchmarks" / "results" / f"pipeline_{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
