"""The HTML book's layout in headless Chromium: no chart is wider than the text column.

The network figure once stood its drawing, key and legends side by side (about 870 px in a
690 px column) and the reader had to scroll it sideways. ``PIPELINE_TEST_HTML=book/_build/html``
checks an existing build instead of the end-to-end run's.
"""

import os
from pathlib import Path

import pytest

from .browser import CHROMIUM_ARGS, chromium_path

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.xdist_group("e2e")]

DRAWN = (
    "() => [...document.querySelectorAll('div.vl-chart')].every("
    "el => el.dataset.rendered === 'true' || el.dataset.error)"
)
#: [container width, content width] of every chart whose content is wider than its container
TOO_WIDE = (
    "() => [...document.querySelectorAll('div.vl-chart')]"
    ".filter(el => el.scrollWidth > el.clientWidth + 1)"
    ".map(el => [el.clientWidth, el.scrollWidth])"
)


@pytest.fixture(scope="module")
def html_root(request) -> Path:
    given = os.environ.get("PIPELINE_TEST_HTML")
    root = Path(given) if given else request.getfixturevalue("built").root / "book/_build/html"
    if chromium_path() is None:
        pytest.skip("chromium is not installed (scripts/install_system_deps.sh installs it)")
    return root


def test_no_chart_is_wider_than_the_page(html_root):
    from playwright.sync_api import sync_playwright

    pages = sorted(p for p in html_root.rglob("*.html") if "_static" not in p.parts)
    too_wide, charts = {}, 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        for path in pages:
            # a page of its own each time: the root index.html redirects, and on a shared page
            # that redirect can interrupt the next page's navigation
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.resolve().as_uri(), wait_until="load")
            n = page.locator("div.vl-chart").count()
            if n:
                charts += n
                page.wait_for_function(DRAWN, timeout=30000)
                wide = page.evaluate(TOO_WIDE)
                if wide:
                    too_wide[path.name] = wide
            page.close()
        browser.close()
    assert charts >= 3, "expected charts in the book"
    assert not too_wide, f"charts wider than the text column (column, chart px): {too_wide}"
