"""What a reader of the PDF sees: every part and appendix, charts as drawings, no placeholders."""

import re
import shutil
import subprocess

import pytest
import yaml

from .conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.pdf, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def pdf(built):
    path = built.root / "book/_build/pdf/report.pdf"
    if not path.exists():
        pytest.fail("the PDF was not built (is TeX installed? scripts/install_system_deps.sh)")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    return path


@pytest.fixture(scope="module")
def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def test_pdf_has_every_part(pdf_text):
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    text = _squash(pdf_text)
    for part in toc["parts"]:
        title = part["caption"].split(":")[0]  # "Phase 1", ... "Appendices"
        assert _squash(title) in text, f"part {title!r} missing from the PDF"


def test_pdf_has_no_chart_placeholders_or_code(pdf_text):
    assert "alt.Chart(" not in pdf_text
    assert "[chart:" not in pdf_text
    assert "import pandas" not in pdf_text
    assert "report.show_chart" not in pdf_text


def test_pdf_charts_are_drawings(pdf, pdf_text):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(pdf))
    forms = 0
    for page in reader.pages:
        res = page.get("/Resources") or {}
        xobjects = res.get("/XObject") or {}
        for obj in xobjects.values():
            obj = obj.get_object()
            if obj.get("/Subtype") in ("/Form", "/Image"):
                forms += 1
    captions = len(re.findall(r"Figure [0-9A-Z]+\.\d+\.", pdf_text))
    assert captions >= 3, "expected numbered figures in the PDF"
    assert forms >= captions, f"{captions} figure captions but only {forms} embedded drawings"


def test_pdf_front_matter_names_the_html_book_and_says_how_to_read_it(pdf_text):
    text = _squash(pdf_text)
    first_chapter = text.find("source of this chapter")
    assert first_chapter > 0, "no chapter names its notebook and stage"
    front = text[:first_chapter]
    assert "html edition: book/_build/html/index.html in the project folder" in front
    assert "(from this file: ../html/index.html)" in front
    assert "how to read this edition" in front
    for part in ("version", "where the numbers come from", "small counts are hidden", "to rebuild"):
        assert part in front, f"'{part}' missing from the PDF's how-to-read page"


def test_pdf_chapters_name_their_notebook_and_stage_not_their_code(pdf_text):
    text = _squash(pdf_text)
    for stage in ("phase2_centres", "appendix_provenance"):
        assert f"notebook notebooks/{stage}.ipynb, run by the dvc stage {stage}" in text
    assert "show code cell source" not in text
