"""The book's own Sphinx extension: under each chapter's title, where the chapter comes from.

The reader's pages show results, not code (``nb_remove_code_source``); a researcher who
wants the code gets, at the top of every chapter built from a notebook, a line naming
the notebook (a download of ``notebooks/<stage>.ipynb``, copied into the HTML book so it
works offline), the DVC stage that runs it and the library modules it imports. The map
comes from :func:`pipeline.frontmatter.chapter_sources`, handed over by
:mod:`pipeline.book` as the configuration value ``pipeline_chapter_sources``; no
notebook carries it.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes

__all__ = ["setup", "source_note"]

NOTE_CLASS = "chapter-source"


def _literal_list(names: list[str]) -> list[nodes.Node]:
    out: list[nodes.Node] = []
    for i, name in enumerate(names):
        if i:
            out.append(nodes.Text(", "))
        out.append(nodes.literal(text=name))
    return out


def source_note(docname: str, info: dict[str, Any]) -> nodes.paragraph:
    """``Computed by notebook … (stage …, modules …)`` with the notebook as a download."""
    para = nodes.paragraph(classes=[NOTE_CLASS])
    para += nodes.strong(text="Source of this chapter: ")
    para += nodes.Text("notebook ")
    link = addnodes.download_reference(
        "", "", reftarget="/" + info["notebook"], refdoc=docname, refexplicit=True
    )
    link += nodes.literal(text=info["notebook"])
    para += link
    para += nodes.Text(", run by the DVC stage ")
    para += nodes.literal(text=info["stage"])
    para += nodes.Text(" (")
    para += nodes.literal(text=f"dvc repro {info['stage_file']}")
    para += nodes.Text(")")
    if info["modules"]:
        para += nodes.Text("; its library code: ")
        para += _literal_list(info["modules"])
    para += nodes.Text(".")
    return para


def add_source_note(app: Any, doctree: nodes.document) -> None:
    info = app.config.pipeline_chapter_sources.get(app.env.docname)
    if not info:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children:
        return
    # right under the chapter's title, before its first paragraph
    section.insert(1, source_note(app.env.docname, info))


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("pipeline_chapter_sources", {}, "env")
    # before Sphinx's own doctree-read handlers (priority 500), so the download collector
    # sees the notebook link and copies the file into the HTML book's _downloads/
    app.connect("doctree-read", add_source_note, priority=400)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
