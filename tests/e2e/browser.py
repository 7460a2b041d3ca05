"""Open built HTML pages in headless Chromium with the network cut (Playwright + Debian chromium)."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # no name resolution at all
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    path: Path
    outside_requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    charts: int = 0
    charts_drawn: int = 0
    chart_errors: list[str] = field(default_factory=list)
    title: str = ""
    text: str = ""
    page_errors: list[str] = field(default_factory=list)
    #: code cells' inputs on the page (shown or behind a "Show code cell source" toggle)
    code_inputs: int = 0
    #: ``(class, resolved href)`` of every link on the page
    links: list[tuple[str, str]] = field(default_factory=list)
    #: text of the chapter-source note under the chapter title (empty when there is none)
    source_note: str = ""
    #: ``(icons on the page, icons drawn)``: an icon is drawn when its glyph has a width
    icons: tuple[int, int] = (0, 0)


def inspect_pages(html_root: Path, pages: list[Path]) -> list[PageReport]:
    from playwright.sync_api import sync_playwright

    root_url = html_root.resolve().as_uri()
    reports = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context()
        for page_path in pages:
            rep = PageReport(path=page_path)
            page = context.new_page()

            def on_route(route, rep=rep):
                url = route.request.url
                if url.startswith((root_url, "data:", "blob:")):
                    route.continue_()
                else:
                    rep.outside_requests.append(url)
                    route.abort()

            page.route("**/*", on_route)
            page.on("dialog", lambda d, rep=rep: (rep.dialogs.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e, rep=rep: rep.page_errors.append(str(e)))
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            n = page.locator("div.vl-chart").count()
            rep.charts = n
            if n:
                # a timeout is not an error here: undrawn charts are counted just below
                with contextlib.suppress(Exception):
                    page.wait_for_function(
                        "() => [...document.querySelectorAll('div.vl-chart')].every("
                        "el => el.dataset.rendered === 'true' || el.dataset.error)",
                        timeout=30000,
                    )
                rep.charts_drawn = page.evaluate(
                    "() => [...document.querySelectorAll('div.vl-chart')].filter(el => {"
                    " const svg = el.querySelector('svg');"
                    " return el.dataset.rendered === 'true' && svg &&"
                    " svg.querySelectorAll('path, rect, circle, line, text').length > 0; }).length"
                )
                rep.chart_errors = page.evaluate(
                    "() => [...document.querySelectorAll('div.vl-chart')]"
                    ".map(el => el.dataset.error).filter(Boolean)"
                )
            page.wait_for_timeout(100)
            rep.title = page.title()
            rep.text = page.inner_text("body")
            rep.code_inputs = page.locator(".cell_input, details.hide-input").count()
            rep.links = [
                tuple(x)
                for x in page.evaluate(
                    "() => [...document.querySelectorAll('a[href]')]"
                    ".map(a => [a.className, a.href])"
                )
            ]
            page.evaluate("() => document.fonts.ready")
            rep.icons = tuple(
                page.evaluate(
                    "() => { const els = [...document.querySelectorAll("
                    "'i.fa-solid, i.fa-regular, i.fa-brands, i.fas, i.far, i.fab')]"
                    ".filter(el => el.offsetParent !== null);"
                    " const loaded = [...document.fonts].some(f =>"
                    " f.family.includes('Font Awesome') && f.status === 'loaded');"
                    " return [els.length, els.filter(el => {"
                    " const s = getComputedStyle(el, '::before');"
                    " return loaded && s.content && s.content !== 'none'"
                    " && s.fontFamily.includes('Font Awesome')"
                    " && el.getBoundingClientRect().width > 0; }).length]; }"
                )
            )
            note = page.locator("p.chapter-source")
            rep.source_note = note.first.inner_text() if note.count() else ""
            page.close()
            reports.append(rep)
        browser.close()
    return reports
