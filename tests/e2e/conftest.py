"""End-to-end fixtures: run the whole pipeline on the bundled data in temporary copies.

Two cold runs in different folders (the first with networking disabled when
the machine allows it) give the material for every end-to-end check: outputs,
no-op reruns, determinism, the HTML in a browser and the PDF. The first run
also records the files each stage opens (``PIPELINE_TRACE_READS``), which
``test_dependencies.py`` checks against ``dvc.yaml``; the second runs without
the recording, so comparing the two also shows the recording changes nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@dataclass
class Run:
    root: Path
    seconds: float
    offline: bool
    log: str = field(repr=False)
    trace: Path | None = None


def project_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(p for p in out.split("\0") if p and (ROOT / p).is_file())


#: the commit time of every copy, hence the edition's source date in its book
COMMIT_EPOCH = 1_654_041_600  # 2022-06-01 00:00 UTC
COMMIT_DATE = f"@{COMMIT_EPOCH} +0000"


def copy_project(dest: Path) -> Path:
    """Copy the project's files to ``dest`` and commit them there.

    Every copy gets the same commit (same files, message, author and date, so the same
    hash): two copies are the same sources, and their books must be byte-identical,
    edition version and source date included.
    """
    for rel in project_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    env = {**clean_env(), "GIT_AUTHOR_DATE": COMMIT_DATE, "GIT_COMMITTER_DATE": COMMIT_DATE}
    for cmd in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "commit",
            "-qm",
            "copy of the project",
        ],
    ):
        subprocess.run(cmd, cwd=dest, check=True, env=env)
    return dest


#: PYTHONHASHSEED of run A and run B: different, so an output that depends on the order in
#: which a set or a str-keyed hash is iterated differs between the two runs and is caught.
HASH_SEEDS = {"a": "1", "b": "2"}


def clean_env(hashseed: str = "0") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIPELINE_", "PYTEST_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONHASHSEED"] = hashseed
    return env


OFFLINE_PREFIX = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']


def can_go_offline() -> bool:
    """A new network namespace: loopback only (Jupyter kernels talk over 127.0.0.1), no route out."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    probe = subprocess.run([*OFFLINE_PREFIX, "true"], check=False, capture_output=True)
    return probe.returncode == 0


def dvc(
    root: Path,
    *args: str,
    offline: bool = False,
    timeout: int = 1800,
    env: dict[str, str] | None = None,
    hashseed: str = "0",
) -> subprocess.CompletedProcess:
    cmd = [str(BIN / "dvc"), *args]
    if offline:
        cmd = [*OFFLINE_PREFIX, *cmd]
    return subprocess.run(
        cmd,
        check=False,
        cwd=root,
        env={**clean_env(hashseed), **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_pipeline(root: Path, offline: bool, trace: Path | None = None, hashseed: str = "0") -> Run:
    start = time.perf_counter()
    env = {"PIPELINE_TRACE_READS": str(trace)} if trace else None
    result = dvc(root, "repro", offline=offline, env=env, hashseed=hashseed)
    seconds = time.perf_counter() - start
    log = result.stdout + result.stderr
    if result.returncode != 0:
        pytest.fail(f"dvc repro failed in {root} (offline={offline}):\n{log[-6000:]}")
    return Run(root=root, seconds=seconds, offline=offline, log=log, trace=trace)


def tree_hashes(root: Path, *folders: str) -> dict[str, str]:
    hashes = {}
    for folder in folders:
        base = root / folder
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.name != ".gitignore":
                hashes[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


@pytest.fixture(scope="session")
def runs(tmp_path_factory) -> tuple[Run, Run]:
    """Run A (offline when possible, reads recorded) and run B, cold, in two different folders,
    each with its own PYTHONHASHSEED (:data:`HASH_SEEDS`)."""
    base_a = tmp_path_factory.mktemp("run_a")
    a = copy_project(base_a / "project")
    b = copy_project(tmp_path_factory.mktemp("run_b") / "elsewhere" / "project")
    offline = can_go_offline()
    return (
        run_pipeline(a, offline=offline, trace=base_a / "trace", hashseed=HASH_SEEDS["a"]),
        run_pipeline(b, offline=False, hashseed=HASH_SEEDS["b"]),
    )


@pytest.fixture(scope="session")
def built(runs) -> Run:
    return runs[0]
