"""What a reader of the HTML book sees, in headless Chromium with the network cut."""

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
