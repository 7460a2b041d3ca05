"""The pages the book stages write at build time, and the chapter-source note."""

from __future__ import annotations

import posixpath
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes
from sphinx import addnodes

from pipeline import bookext, frontmatter
from pipeline.dag import STAGES, trace_problems

ROOT = Path(__file__).resolve().parents[1]
INFO = {
    "synthetic": True,
    "label": "Synthetic reference edition",
    "version": "v1.2-3-gabc+data.0123",
    "source_date": "2024-01-02 03:04 UTC",
    "raw_inputs": {"data/raw/a.csv": "x", "data/raw/b.csv": "y", "data/raw/c.csv": "z"},
}


@pytest.mark.parametrize("root_doc", ["index", "book/index", "a/b/index"])
def test_the_pdf_link_resolves_from_the_front_page_to_the_pdf(root_doc):
    page_dir = posixpath.dirname(posixpath.join("book/_build/html", root_doc))
    target = posixpath.normpath(posixpath.join(page_dir, frontmatter.pdf_href(root_doc)))
    assert target == frontmatter.PDF_PATH


def test_formats_link_the_pdf_in_html_and_name_the_html_in_the_pdf():
    text = frontmatter.formats_markdown(pdf_tools=True, root_doc="book/index")
    html, latex = text.split("```{raw} latex")
    assert 'href="../../pdf/report.pdf"' in html and "not built" not in html
    assert "book/\\_build/html/index.html" in latex and "../html/index.html" in latex
    assert "online at" not in latex


def test_without_latex_the_html_says_plainly_the_pdf_was_not_built():
    text = frontmatter.formats_markdown(pdf_tools=False, root_doc="book/index")
    assert "not built" in text and "href=" not in text.split("```{raw} latex")[0]


def test_a_public_address_set_by_the_user_is_printed_in_the_pdf_only():
    url = "https://example.org/book/#top"
    text = frontmatter.formats_markdown(pdf_tools=True, root_doc="index", public_url=url)
    html, latex = text.split("```{raw} latex")
    assert "\\url{https://example.org/book/\\#top}" in latex
    assert "example.org" not in html


def test_how_to_read_states_the_computed_values():
    text = frontmatter.how_to_read_markdown(INFO, k=7, hidden="<7")
    assert "synthetic" in text and INFO["version"] in text and INFO["source_date"] in text
    assert "below 7" in text and "`<7`" in text and "the 3 files" in text
    assert "5" not in text.replace(INFO["version"], "")  # no k typed in
    real = frontmatter.how_to_read_markdown(
        {**INFO, "synthetic": False, "label": "Edition built from user-supplied inputs"},
        k=5,
        hidden="<5",
    )
    assert "synthetic" not in real and "user-supplied" in real


def test_environment_table_lists_python_and_each_package():
    rows = frontmatter.package_versions(("pyyaml", "no-such-package-xyz"))
    assert rows[0][0] == "python" and ("no-such-package-xyz", "not installed") in rows
    text = frontmatter.environment_markdown(rows)
    assert "| `pyyaml` |" in text and "| `no-such-package-xyz` | not installed |" in text


def test_a_chapters_own_modules_leave_out_shared_ones_and_implied_packages():
    imports = {"pipeline", "pipeline.report", "pipeline.centres", "pipeline.centres.charts"}
    assert frontmatter.chapter_modules(imports | {"pipeline.maps"}) == [
        "pipeline.centres.charts",
        "pipeline.maps",
    ]


def test_every_notebook_stage_has_its_chapter_source():
    sources = frontmatter.chapter_sources(ROOT)
    notebook_stages = {s.name for s in STAGES if s.is_notebook}
    assert {v["stage"] for v in sources.values()} == notebook_stages
    centres = sources["book/generated/phase2_centres"]
    assert centres["notebook"] == "notebooks/phase2_centres.ipynb"
    assert "pipeline.centres.findings" in centres["modules"]
    assert "pipeline.report" not in centres["modules"]


def test_the_source_note_downloads_the_notebook_and_names_stage_and_modules():
    info = {
        "stage": "s1",
        "stage_file": "stages/s1/dvc.yaml",
        "notebook": "notebooks/s1.ipynb",
        "modules": ["pipeline.a", "pipeline.b"],
    }
    para = bookext.source_note("book/generated/s1", info)
    (link,) = list(para.findall(addnodes.download_reference))
    assert link["reftarget"] == "/notebooks/s1.ipynb"
    text = para.astext()
    assert "notebooks/s1.ipynb" in text and "dvc repro stages/s1/dvc.yaml" in text
    assert "pipeline.a, pipeline.b" in text


def test_the_source_note_goes_under_the_chapter_title():
    app = SimpleNamespace(
        config=SimpleNamespace(
            pipeline_chapter_sources={
                "ch": {
                    "stage": "s",
                    "stage_file": "stages/s/dvc.yaml",
                    "notebook": "n.ipynb",
                    "modules": [],
                }
            }
        ),
        env=SimpleNamespace(docname="ch"),
    )
    doc = nodes.document(None, None)
    section = nodes.section()
    section += nodes.title(text="Chapter")
    section += nodes.paragraph(text="first paragraph")
    doc += section
    bookext.add_source_note(app, doc)
    assert bookext.NOTE_CLASS in section.children[1]["classes"]
    app.env.docname = "not a chapter"
    bookext.add_source_note(app, doc)
    assert len(section.children) == 3


def test_only_the_book_stages_may_write_the_books_outside_dvc_outputs():
    trace = {"read": set(), "list": set(), "write": {"book/_build/html/index.html"}}
    book_spec = {"cmd": "python -m pipeline book html", "outs": ["book/_build/html/.built.json"]}
    assert trace_problems("book", trace, book_spec) == []
    other = {"cmd": "python -m pipeline notebook x", "outs": []}
    assert trace_problems("x", trace, other) == [
        "x: writes book/_build/html/index.html, not an output"
    ]
