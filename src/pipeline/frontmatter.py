"""Pages the book stages write at build time: front matter, chapter sources, software.

Everything here depends on the checkout or the machine (the edition's version and date,
whether LaTeX is installed, the installed package versions) or is cheap to derive from
the sources (which notebook, stage and modules make each chapter). None of it is a DVC
output: the pages are written into ``book/generated/`` (git-ignored) by both book stages,
so what ``dvc.lock`` records stays the same on every machine and in every clone.

* :func:`formats_markdown` — the front page's link to the PDF (HTML only) and the HTML
  book's address (PDF only);
* :func:`how_to_read_markdown` — "How to read this edition";
* :func:`environment_markdown` — the software versions, shown in the provenance appendix;
* :func:`chapter_sources` — for each chapter page, its notebook, DVC stage and the
  library modules it imports (the book's Sphinx extension :mod:`pipeline.bookext`
  prints them at the end of the page).
"""

from __future__ import annotations

import importlib.metadata as md
import platform
import posixpath
from pathlib import Path
from typing import Any

__all__ = [
    "SHARED_MODULES",
    "chapter_modules",
    "chapter_sources",
    "environment_markdown",
    "formats_markdown",
    "how_to_read_markdown",
    "package_versions",
]

HTML_INDEX = "book/_build/html/index.html"
PDF_PATH = "book/_build/pdf/report.pdf"
#: the HTML front page seen from the PDF
HTML_FROM_PDF = "../html/index.html"
#: modules every chapter imports (tables, charts, findings, parameters): named once in the
#: note under each chapter rather than in every list of the chapter's own modules
SHARED_MODULES = (
    "pipeline",
    "pipeline.catalog",
    "pipeline.findings",
    "pipeline.io",
    "pipeline.params",
    "pipeline.published",
    "pipeline.report",
    "pipeline.wording",
)


# ------------------------------------------------------------------ chapter sources
def chapter_modules(imports: set[str]) -> list[str]:
    """The chapter's own modules among ``imports``: shared ones left out, and a package
    left out when one of its submodules is listed (importing the submodule implies it)."""
    own = {m for m in imports if m not in SHARED_MODULES}
    return sorted(m for m in own if not any(o.startswith(m + ".") for o in own))


def chapter_sources(root: Path) -> dict[str, dict[str, Any]]:
    """``{docname: {"stage", "stage_file", "notebook", "modules"}}`` for each notebook stage's page
    (``book/generated/<stage>``), from the stage table and the notebooks' imports
    (:func:`pipeline.dependencies.notebook_imports`, the same that ``dvc.yaml`` uses)."""
    from pipeline.dag import STAGES, stage_file
    from pipeline.dependencies import notebook_imports
    from pipeline.notebook import notebook_path

    sources = {}
    for stage in STAGES:
        if not stage.is_notebook:
            continue
        notebook = notebook_path(stage.name, root)
        if not notebook.exists():  # no notebook, no chapter page to annotate
            continue
        sources[f"book/generated/{stage.name}"] = {
            "stage": stage.name,
            "stage_file": stage_file(stage.name).as_posix(),
            "notebook": notebook.relative_to(root).as_posix(),
            "modules": chapter_modules(notebook_imports(root, notebook)),
        }
    return sources


# --------------------------------------------------------------------- front matter
def pdf_href(root_doc: str) -> str:
    """The PDF's address relative to the HTML page of ``root_doc`` (the ``_toc.yml`` root,
    e.g. ``book/index`` -> ``book/_build/html/book/index.html``), so the link works when
    the book is opened from disk."""
    page_dir = posixpath.dirname(posixpath.join("html", root_doc))
    return posixpath.relpath(posixpath.join("pdf", "report.pdf"), page_dir)


def _raw_block(fmt: str, text: str) -> list[str]:
    return [f"```{{raw}} {fmt}", text, "```", ""]


def formats_markdown(*, pdf_tools: bool, root_doc: str, public_url: str = "") -> str:
    """The other format of this edition: in the HTML, a link to the PDF (relative, so it
    works from disk) or a plain statement that it was not built; in the PDF, the HTML
    book's path in the project and, when ``html.baseurl`` is set, its public address."""
    if pdf_tools:
        pdf_line = (
            f'<p class="edition-formats"><strong>PDF edition:</strong> '
            f'<a class="pdf-download" href="{pdf_href(root_doc)}">download the report as PDF</a> '
            f"(<code>{PDF_PATH}</code>, written by the <code>book_pdf</code> stage of "
            "<code>dvc repro</code>; <code>make preview</code> neither builds nor removes it).</p>"
        )
    else:
        pdf_line = (
            '<p class="edition-formats"><strong>PDF edition:</strong> not built on this '
            "machine: no LaTeX engine was found when this book was built. "
            "<code>make report</code> prints what to install.</p>"
        )
    html_index = HTML_INDEX.replace("_", "\\_")
    address = f"\\texttt{{{html_index}}} in the project folder (from this file: " + (
        f"\\href{{{HTML_FROM_PDF}}}{{\\texttt{{{HTML_FROM_PDF}}}}})"
    )
    if public_url:
        url = public_url.replace("%", "\\%").replace("#", "\\#")
        address += f"; online at \\url{{{url}}}"
    latex = f"\\noindent\\textbf{{HTML edition:}} {address}.\\par\\medskip"
    return "\n".join(_raw_block("html", pdf_line) + _raw_block("latex", latex))


def how_to_read_markdown(info: dict[str, Any], *, k: int, hidden: str) -> str:
    """The one-page guide for readers: which data, which version, where numbers come from,
    how figures are numbered and traced, what is hidden, and how to rebuild."""
    if info["synthetic"]:
        kind = (
            f"**{info['label']}.** The inputs in `data/raw/` are synthetic: generated by "
            "seeded code in the package and calibrated to the aggregates the study published. "
            "The numbers show what the pipeline does; they are not the study's findings and "
            "say nothing about the named organisations."
        )
    else:
        kind = (
            f"**{info['label']}.** The numbers are computed from the files placed in "
            "`data/raw/` by whoever built this edition."
        )
    version = (
        f"- **Version** `{info['version']}`, dated {info['source_date']}: the version of the "
        "code (`git describe`) and a digest of the raw inputs. The date is that of the sources, "
        "not of the build, so rebuilding the same sources gives the same book."
    )
    numbers = (
        f"- **Where the numbers come from.** Every number, table and chart is computed from the "
        f"{len(info['raw_inputs'])} files in `data/raw/` (their hashes are in the "
        "{doc}`provenance appendix </book/generated/appendix_provenance>`). The figures the "
        "study published appear only in the {doc}`reproduction check "
        "</book/generated/appendix_reproduction>`, beside the values computed here."
    )
    figures = (
        "- **Figures and tables** are numbered within their chapter (chapter, then place); the "
        "{doc}`lists of figures and tables </book/figures>` give them all. Each chart is "
        "followed by the data behind it; in the HTML edition each figure and table also offers "
        "its data as CSV and Excel files (charts as PNG and SVG too), and where a figure counts "
        "centres or works, the records behind it with the file and row each came from. Each "
        "chapter names under its title the notebook, the DVC stage and the library modules "
        "that computed it."
    )
    hidden_counts = (
        f"- **Small counts are hidden.** A count of people below {k} (the parameter "
        f"`common.k_anonymity`) reads `{hidden}`, and so does anything that would reveal it "
        "(the {doc}`methods appendix </book/appendix_methods>` states the rule)."
    )
    rebuild = (
        "- **To rebuild** after changing `data/raw/` or `params.yaml`: `make report` (or "
        "`dvc repro`) for the HTML and the PDF, `make preview` for the HTML alone."
    )
    return "\n".join([kind, "", *(version, numbers, figures, hidden_counts, rebuild), ""])


# ------------------------------------------------------------------------- software
def package_versions(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """``[(package, version)]`` for Python and each of ``names`` (``not installed`` if absent)."""
    rows = [("python", platform.python_version())]
    for name in names:
        try:
            rows.append((name, md.version(name)))
        except md.PackageNotFoundError:
            rows.append((name, "not installed"))
    return rows


def environment_markdown(rows: list[tuple[str, str]]) -> str:
    """The software table of the provenance appendix (written when the book is built, so the
    executed notebooks, which DVC tracks, do not depend on the machine)."""
    intro = (
        "The versions of the main packages on the machine that built this book. They are "
        "written when the book is built, not by the appendix's stage, so that the tracked "
        "outputs are the same on every machine."
    )
    lines = [
        intro,
        "",
        "| package | version |",
        "|---|---|",
    ]
    lines += [f"| `{name}` | {version} |" for name, version in rows]
    return "\n".join([*lines, ""])
