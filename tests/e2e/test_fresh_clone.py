"""A fresh checkout builds to a clean working tree, and the HTML-only build keeps the PDF.

Run A is a fresh repository (the project's files committed in a new folder, no DVC cache,
no earlier build): after its ``dvc repro`` no tracked file may have changed, or the book of
the next build would call itself ``-dirty`` and every clone would carry a modified
``dvc.lock``. That holds only if nothing the lock records depends on the machine, the
folder, the clock or the commit (the book's own bytes do, so DVC tracks a stamp of it).
"""

import subprocess
import sys

import pytest

from .conftest import clean_env, dvc

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


def _git_status(root) -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def test_a_fresh_checkout_builds_without_modifying_any_tracked_file(built):
    assert _git_status(built.root) == "", "the build changed tracked files (see above)"
    edition = (built.root / "book/generated/edition.md").read_text(encoding="utf-8")
    assert "**Edition version:**" in edition and "-dirty" not in edition


def test_the_html_only_build_keeps_the_pdf_and_leaves_dvc_up_to_date(built):
    pdf = built.root / "book/_build/pdf/report.pdf"
    before = pdf.read_bytes()
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "book", "--no-pdf"],
        cwd=built.root,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert pdf.read_bytes() == before, "building the HTML alone changed or removed the PDF"
    status = dvc(built.root, "status")
    assert "up to date" in (status.stdout + status.stderr).lower(), status.stdout
    assert _git_status(built.root) == ""
