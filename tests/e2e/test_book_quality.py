"""The finished book: internal links resolve, PDF text stays on the page, every chapter is in the PDF."""

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import yaml

from .conftest import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e")]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag in ("link", "script", "img") and (a.get("href") or a.get("src")):
            self.hrefs.append(a.get("href") or a.get("src"))


def _parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8", errors="replace"))
    return p


def test_every_internal_link_resolves(built):
    html = built.root / "book/_build/html"
    pages = sorted(p for p in html.rglob("*.html") if "_static" not in p.parts)
    parsed = {p.resolve(): _parse(p) for p in pages}
    broken = []
    for page, links in parsed.items():
        for href in links.hrefs:
            url = urlparse(href)
            if url.scheme in ("http", "https", "mailto", "data", "javascript") or href.startswith(
                "//"
            ):
                continue
            target = page if not url.path else (page.parent / unquote(url.path)).resolve()
            if not target.exists():
                broken.append(f"{page.name}: {href}")
                continue
            if url.fragment and target.suffix == ".html":
                ids = parsed.get(target) or _parse(target)
                if unquote(url.fragment) not in ids.ids:
                    broken.append(f"{page.name}: {href} (no such anchor)")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:40])


def test_no_external_link_is_needed_to_read_the_book(built):
    """Scripts, styles and images all come from the book's folder."""
    html = built.root / "book/_build/html"
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        assert not re.search(r"<(script|link|img)[^>]+(src|href)=\"(https?:)?//", text), page.name


@pytest.fixture(scope="module")
def pdf_path(built):
    path = built.root / "book/_build/pdf/report.pdf"
    assert path.exists(), "the PDF was not built"
    return path


def test_pdf_has_every_chapter(pdf_path):
    text = subprocess.run(
        ["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    squashed = re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower()))
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    import nbformat

    for part in toc["parts"]:
        for entry in part["chapters"]:
            name = Path(entry["file"]).name
            nb_path = ROOT / "notebooks" / f"{name}.ipynb"
            md_path = ROOT / f"{entry['file']}.md"
            if nb_path.exists():
                first = nbformat.read(nb_path, as_version=4).cells[0].source
            else:
                first = md_path.read_text()
            title = next(line for line in first.splitlines() if line.startswith("# "))[2:]
            words = re.sub(r"[^\w\s]", " ", title.lower()).split()[:4]
            assert " ".join(words) in squashed, f"chapter {title!r} not in the PDF"


def test_pdf_text_stays_inside_the_page(pdf_path):
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    overflow = []
    for page in re.finditer(
        r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.DOTALL
    ):
        width = float(page.group(1))
        for word in re.finditer(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>(.*?)</word>', page.group(3)
        ):
            if float(word.group(2)) > width - 8 or float(word.group(1)) < 0:
                overflow.append(word.group(3))
    assert not overflow, f"{len(overflow)} words run off the page, e.g. {overflow[:10]}"


def test_key_findings_link_to_the_figure_that_shows_each_finding(built):
    """Every published figure that names its chart links to that chart's anchor on the front
    page (the anchors themselves are checked by test_every_internal_link_resolves)."""
    import re

    from pipeline import published

    named = [s for s in published.load_figures().values() if s.get("computed") and s.get("figure")]
    front = (built.root / "book/_build/html/book/index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="generated/[a-z0-9_]+\.html#([a-z0-9-]+)"><span[^>]*>Figure ', front)
    assert named and len(links) == len(named)
    assert {s["figure"].replace("_", "-") for s in named} == set(links)
