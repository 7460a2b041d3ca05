"""Defects a reader once found in the PDF, each checked on the built book so it cannot return.

By default the PDF is the one the end-to-end run builds. ``PIPELINE_TEST_PDF=path/report.pdf``
checks an existing PDF instead (e.g. ``book/_build/pdf/report.pdf`` after ``dvc repro``),
without building the book twice.
"""

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.pdf, pytest.mark.xdist_group("e2e")]

#: the running header on every page of a synthetic edition
BANNER = "SYNTHETIC REFERENCE DATA"


@pytest.fixture(scope="module")
def pdf_path(request) -> Path:
    given = os.environ.get("PIPELINE_TEST_PDF")
    path = (
        Path(given)
        if given
        else request.getfixturevalue("built").root / "book/_build/pdf/report.pdf"
    )
    if not path.exists():
        pytest.fail(f"no PDF at {path} (is TeX installed? scripts/install_system_deps.sh)")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    return path


def _pdftotext(path: Path, *args: str) -> str:
    cmd = ["pdftotext", *args, str(path), "-"]
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf_text(pdf_path) -> str:
    return _pdftotext(pdf_path)


@pytest.fixture(scope="module")
def pages(pdf_path) -> list[str]:
    return _pdftotext(pdf_path, "-layout").split("\f")[:-1]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines()]


def test_no_cell_result_shows_a_section_number(pdf_text):
    """A cell ending in ``report.show_table(...)`` printed its number in a box: 'E.2'."""
    boxes = [s for s in _lines(pdf_text) if re.fullmatch(r"['‘]([A-Z]|\d+)(\.\d+)*['’]", s)]
    assert not boxes, f"code results printed as text: {boxes}"


def _body(pdf_text: str) -> str:
    """The text up to the lists of figures and tables (which repeat every caption)."""
    end = pdf_text.rfind("Every numbered figure and table of this edition")
    return pdf_text[:end] if end > 0 else pdf_text


def test_table_numbers_are_unique_in_order_and_head_their_continuations(pdf_text):
    """Tables numbered twice, 4.1 after 4.2, and Table H.1's pages headed "Table 8.1"."""
    last_table, last_figure, seen, problems = None, None, [], []
    pattern = r"^(Figure|Table) ([0-9A-Z]+)\.(\d+)\.\s|^(.*?) – continued from previous page"
    for m in re.finditer(pattern, _body(pdf_text), re.MULTILINE):
        if m.group(1) == "Figure":
            last_figure = f"{m.group(2)}.{m.group(3)}"
        elif m.group(1) == "Table":
            chapter, n = m.group(2), int(m.group(3))
            if (chapter, n) in seen:
                problems.append(f"Table {chapter}.{n} twice")
            before = [k for c, k in seen if c == chapter]
            if n != (max(before) if before else 0) + 1:
                problems.append(f"Table {chapter}.{n} after {before[-1:]}")
            seen.append((chapter, n))
            last_table = f"Table {chapter}.{n}"
        else:
            head = m.group(4).strip()
            allowed = {last_table, f"Data behind figure {last_figure}", "Table"}
            if head not in allowed:
                problems.append(f"continuation headed {head!r} after {last_table}")
    assert seen, "no numbered table found in the PDF"
    assert not problems, problems


def test_no_cell_prints_a_backslash(pdf_text):
    """Empty cells were set as "\\" (``value or "\\\\ "`` in markdown_table)."""
    cells = [i for i, s in enumerate(_lines(pdf_text)) if s == "\\"]
    assert not cells, f"{len(cells)} lines hold a lone backslash"


def test_no_markdown_escape_is_shown(pdf_text):
    """File names read "org\\_network\\_metrics\\.parquet" (escapes inside a code span)."""
    shown = re.findall(r"\S*\\[_.\-()*#\[\]!:+|{}`~$]\S*", pdf_text)
    assert not shown, f"escaped text shown literally: {shown[:10]}"


def test_no_interactive_wording(pdf_text):
    """A PDF cannot be hovered over, clicked or zoomed."""
    words = re.findall(r"\b(hover\w*|click\w*|zoom\w*|tooltips?)\b", pdf_text, re.IGNORECASE)
    assert not words, f"interactive wording in the PDF: {words}"


def test_no_minus_sign_ends_a_line(pdf_text):
    """Negative numbers were split across lines ("-" on one line, "3.5" on the next)."""
    split = re.findall(r"(?:^|\s)([-−])\n\s*(\d[\d.,]*)", pdf_text)
    assert not split, f"minus signs separated from their numbers: {split[:10]}"


def test_no_chart_label_is_cut(pdf_text):
    """Charts cut long labels with an ellipsis ("Guangdong Provincial Department of Tech…")."""
    cut = [s for s in _lines(pdf_text) if re.search(r"\w ?…$", s)]
    assert not cut, f"labels cut short: {cut[:10]}"


def _captions(pdf_text: str) -> dict[str, str]:
    """Figure number -> caption text (up to the next empty line)."""
    found = {}
    for m in re.finditer(
        r"^Figure ([0-9A-Z]+\.\d+)\. (.+?)(?:\n\s*\n|\f)", _body(pdf_text), re.MULTILINE | re.DOTALL
    ):
        found[m.group(1)] = re.sub(r"\s+", " ", m.group(2)).strip()
    return found


def test_every_caption_says_something_of_its_own(pdf_text):
    """The UK map carried the China map's notes: no sentence of 8 words or more may appear
    in two captions."""
    captions = _captions(pdf_text)
    assert len(captions) >= 10, f"only {len(captions)} figure captions found"
    owners: dict[str, list[str]] = {}
    for number, text in captions.items():
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if len(sentence.split()) >= 8:
                owners.setdefault(sentence, []).append(number)
    shared = {s: n for s, n in owners.items() if len(n) > 1}
    assert not shared, f"caption sentences repeated across figures: {shared}"


def _content(page: str) -> list[str]:
    lines = [s for s in _lines(page) if s and BANNER not in s]
    return [s for s in lines if not re.fullmatch(r"\d+|[ivxlc]+", s)]


def test_no_blank_page_except_before_a_part(pages):
    """18 of 113 pages were blank (chapters opened on a right-hand page)."""
    blank = []
    for i, page in enumerate(pages):
        if _content(page):
            continue
        following = " ".join(_content(pages[i + 1]))[:40] if i + 1 < len(pages) else ""
        if not following.startswith("Part "):
            blank.append(i + 1)
    assert not blank, f"blank pages: {blank}"


def test_every_section_has_content(pdf_path, pdf_text):
    """Appendix sections such as "Works cited" were empty in the PDF (LaTeX moves every
    bibliography to the end of the book)."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(str(pdf_path))

    def titles(items):
        for item in items:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield item.title

    # parts ("I Phase 1: ...", "Appendices") are a title page by design
    flat = [re.sub(r"\s+", " ", t).strip() for t in titles(reader.outline)]
    flat = [t for t in flat if not re.match(r"([IVX]+ |Appendices$)", t)]
    lines = [s.strip() for s in pdf_text.splitlines() if s.strip() and BANNER not in s]

    def is_heading(line: str, title: str) -> bool:
        return (
            line in (title, title.upper())
            or re.fullmatch(r"[0-9A-Z]+(\.\d+)* " + re.escape(title), line) is not None
        )

    # the body starts where the first heading appears for the second time (after the contents)
    first = [i for i, line in enumerate(lines) if is_heading(line, flat[0])]
    at, positions = (first[1] if len(first) > 1 else 0), []
    for title in flat:
        hit = next((i for i in range(at, len(lines)) if is_heading(lines[i], title)), None)
        if hit is not None:
            positions.append((hit, title))
            at = hit + 1
    empty = []
    for (a, title), (b, _) in itertools.pairwise(positions):
        words = re.findall(r"[a-z]{2,}", " ".join(lines[a + 1 : b]))
        if len(words) < 3:
            empty.append(title)
    assert len(positions) > 20, "the outline's headings were not found in the text"
    assert not empty, f"headings with nothing under them: {empty}"


def test_distinct_publications_have_distinct_citation_labels(pdf_text):
    """ "[RAND Europe, 2022, RAND Europe, 2022]" cited the brief and the report alike."""
    repeated = []
    for group in re.findall(r"\[([^\[\]]{3,200})\]", re.sub(r"\s+", " ", pdf_text)):
        labels = re.findall(r"([A-Z][^,\[\]]*?), (\d{4}[a-z]?)", group)
        if len(labels) != len(set(labels)):
            repeated.append(group)
    assert not repeated, f"one label for several works: {repeated}"


def test_table_headers_are_not_hyphenated(pdf_path):
    """Narrow columns cut or hyphenated their headers ("Cen-tres", "Com-mu-nity")."""
    pypdf = pytest.importorskip("pypdf")
    broken = []

    def visit(text, cm, tm, font, size):
        name = str((font or {}).get("/BaseFont", ""))
        if "LMSans10-Regular" in name and re.search(r"[A-Za-z]-\s*$", text):
            broken.append(text.strip())

    for page in pypdf.PdfReader(str(pdf_path)).pages:
        page.extract_text(visitor_text=visit)
    assert not broken, f"header words broken across lines: {broken[:15]}"
