"""What a reader of the HTML book sees, in headless Chromium with the network cut."""

import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from .browser import chromium_path, inspect_pages

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.xdist_group("e2e")]


@pytest.fixture(scope="module")
def page_reports(built):
    if chromium_path() is None:
        pytest.skip("chromium is not installed (scripts/install_system_deps.sh installs it)")
    html = built.root / "book/_build/html"
    pages = sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)
    assert pages
    return inspect_pages(html, pages)


def test_no_page_requests_anything_outside_the_book(page_reports):
    leaks = {str(r.path.name): r.outside_requests for r in page_reports if r.outside_requests}
    assert not leaks, f"pages tried to load from outside the book: {leaks}"


def test_every_chart_is_drawn(page_reports):
    total = sum(r.charts for r in page_reports)
    assert total >= 3, "expected charts in the book"
    undrawn = {
        r.path.name: (r.charts, r.charts_drawn, r.chart_errors)
        for r in page_reports
        if r.charts != r.charts_drawn
    }
    assert not undrawn, f"charts not drawn (total, drawn, errors): {undrawn}"


def test_no_script_errors_or_dialogs(page_reports):
    assert not [r.dialogs for r in page_reports if r.dialogs]
    errors = {r.path.name: r.page_errors for r in page_reports if r.page_errors}
    assert not errors, errors


def test_synthetic_banner_on_every_page(page_reports, built):
    if not any("SYNTHETIC" in p.name for p in (built.root / "data/raw").rglob("*")):
        pytest.skip("not built from the synthetic reference edition")
    missing = [r.path.name for r in page_reports if "SYNTHETIC REFERENCE DATA" not in r.text]
    assert not missing, f"pages without the synthetic-data banner: {missing}"


def _chapter_pages(page_reports):
    """Pages built from a notebook stage's executed copy (book/generated/<stage>.html)."""
    return [r for r in page_reports if r.path.parent.name == "generated"]


def _file(url: str) -> Path:
    assert url.startswith("file://"), url
    return Path(unquote(urlparse(url).path))


def test_the_front_page_links_the_pdf_and_says_how_to_read_the_edition(page_reports, built):
    (front,) = [
        r for r in page_reports if r.path == built.root / "book/_build/html/book/index.html"
    ]
    assert "How to read this edition" in front.text
    assert "Small counts are hidden" in front.text and "To rebuild" in front.text
    pdf_links = [href for cls, href in front.links if "pdf-download" in cls]
    assert pdf_links, "the front page has no link to the PDF"
    target = _file(pdf_links[0]).resolve()
    assert target == (built.root / "book/_build/pdf/report.pdf").resolve()
    assert target.read_bytes().startswith(b"%PDF"), "the PDF link does not reach the PDF"


def test_no_chapter_page_shows_code(page_reports):
    chapters = _chapter_pages(page_reports)
    assert len(chapters) >= 10
    shown = {r.path.name: r.code_inputs for r in chapters if r.code_inputs}
    assert not shown, f"code cells' inputs on reader pages: {shown}"
    toggles = [r.path.name for r in page_reports if "Show code cell source" in r.text]
    assert not toggles, f"'Show code cell source' toggles on: {toggles}"


def test_each_chapter_page_links_its_notebook_and_names_its_stage(page_reports):
    missing = []
    for rep in _chapter_pages(page_reports):
        stage = rep.path.stem
        notebook = [
            _file(href) for cls, href in rep.links if "download" in cls and href.endswith(".ipynb")
        ]
        ok = (
            f"notebooks/{stage}.ipynb" in rep.source_note
            and f"dvc repro stages/{stage}/dvc.yaml" in rep.source_note
            and notebook
            and notebook[0].name == f"{stage}.ipynb"
            and json.loads(notebook[0].read_text(encoding="utf-8"))["cells"]
        )
        if not ok:
            missing.append(rep.path.name)
    assert not missing, f"chapter pages without their notebook and stage: {missing}"


def test_the_theme_icons_are_drawn_without_the_icon_script(page_reports):
    """The build cuts Font Awesome's 1.5 MB script (pipeline.book.ICON_SCRIPT): every icon
    still shows, drawn by the theme's CSS from its own fonts."""
    shown = [r.icons for r in page_reports]
    assert sum(n for n, _ in shown) > 0
    assert all(drawn == n for n, drawn in shown), [
        (r.path.name, r.icons) for r in page_reports if r.icons[0] != r.icons[1]
    ]
