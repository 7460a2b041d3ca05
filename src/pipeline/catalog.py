"""The data catalog: every file and folder the pipeline reads or writes, named once.

A dataset is known by a key such as ``processed.centres`` or
``reference.organisations``; its path is typed here and nowhere else. The
notebooks ask for ``catalog.path("processed.centres")`` rather than typing
``data/processed/centres.parquet``, library defaults use :func:`locate`, and the
stage table in :mod:`pipeline.dag` lists its inputs and outputs by key, so
``dvc.yaml`` (generated from that table) names the same paths.

Keys are ``<area>.<name>``; the areas are folders (``raw``, ``processed``,
``reference``, ``metrics``, ...). Four areas hold one entry per stage or input
and are patterns rather than entries: ``findings.<stage>`` (a chapter's computed
values), ``generated.<stage>`` (the executed notebook the book renders),
``restricted.<input>`` (a folder beside ``data/raw`` for inputs that must stay
on the analyst's machine; nothing reads it yet), and ``downloads.<stage>`` (the
files behind a chapter's figures and tables, see :mod:`pipeline.downloads`).

Paths are relative to the project root (the folder holding ``dvc.yaml``):
:func:`path` gives them as written in ``dvc.yaml`` (stages run from the root),
:func:`locate` joins them to the root.

``python -m pipeline catalog`` lists every entry.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pipeline.io import repo_root

__all__ = ["Entry", "UnknownDataset", "describe", "entries", "key_of", "locate", "path"]


class UnknownDataset(KeyError):
    """A key the catalog does not hold."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Entry:
    """One dataset: its parent key ('' for the project root), its name there, what it holds."""

    parent: str
    name: str
    about: str


#: area -> (folder's key, file name pattern, about): one entry per stage or input ("{}")
PATTERNS: dict[str, tuple[str, str, str]] = {
    "findings": ("metrics.stage_findings", "{}.json", "the values one chapter reports"),
    "generated": ("project.generated", "{}.ipynb", "a stage's executed notebook, for the book"),
    "restricted": ("restricted", "{}", "inputs that stay on the analyst's machine"),
    "downloads": ("project.downloads", "{}", "a stage's figure and table downloads"),
}

_E = Entry
ENTRIES: dict[str, Entry] = {
    # ---------------------------------------------------------------- folders
    "raw": _E("", "data/raw", "inputs: one folder per input (the synthetic edition ships here)"),
    "processed": _E("", "data/processed", "tidy tables written by the stages"),
    "reference": _E("", "data/reference", "real reference registries and the published figures"),
    "metrics": _E("", "metrics", "DVC metrics files"),
    "restricted": _E(
        "", "data/restricted", "free text and unmatched names: kept out of git, DVC remotes, book"
    ),
    "review": _E("", "data/review", "a reviewer's decisions (committed; no personal data)"),
    "review.approved_excerpts": _E(
        "review", "approved_excerpts.csv", "redacted excerpts a reviewer approved for publication"
    ),
    # ---------------------------------------------------------------- project files
    "project.params": _E("", "params.yaml", "the stages' parameters"),
    "project.toc": _E("", "_toc.yml", "the book's table of contents (chapter numbers)"),
    "project.book_config": _E("", "_config.yml", "the Jupyter Book configuration"),
    "project.book_build": _E("", "book/_build", "the built book, its .cache, .staging"),
    "project.book_html": _E("project.book_build", "html", "the HTML book"),
    "project.book_pdf": _E("project.book_build", "pdf", "the PDF book"),
    "project.book_html_stamp": _E(
        "project.book_html", ".built.json", "what DVC tracks of the HTML book (its edition)"
    ),
    "project.book_pdf_stamp": _E(
        "project.book_pdf", ".built.json", "what DVC tracks of the PDF book (its edition)"
    ),
    "project.generated": _E("", "book/generated", "executed notebooks and pages the book renders"),
    "project.edition_page": _E(
        "project.generated", "edition.md", "the edition's title-page text (built, untracked)"
    ),
    "project.key_findings_page": _E(
        "project.generated", "key_findings.md", "the key findings on the front page"
    ),
    "project.figures_page": _E(
        "project.generated", "figures_list.md", "the lists of figures and tables"
    ),
    "project.book_files": _E(
        "project.generated", "files", "files the HTML book serves as they are (downloads)"
    ),
    "project.downloads": _E(
        "project.book_files", "downloads", "downloads.<stage> folders and the tables workbook"
    ),
    "project.workbook": _E(
        "project.downloads", "tables.xlsx", "every numbered table of the edition, one sheet each"
    ),
    "project.vega_bundle": _E("", "book/_static/vega-bundle.js", "offline chart runtime (built)"),
    "project.plots_template": _E(
        "", "dvc_plots/offline_template.html", "page for `dvc plots diff`, chart runtime inlined"
    ),
    # ---------------------------------------------------------------- raw inputs
    "raw.centres": _E("raw", "centres", "the joint research centres workbook (.xlsx or .csv)"),
    "raw.survey": _E("raw", "survey", "the survey export (Qualtrics-style CSV)"),
    "raw.interviews": _E(
        "raw", "interviews", "interview coding export (.xlsx) and codebook (.csv)"
    ),
    "raw.bibliometrics": _E("raw", "bibliometrics", "bibliometric exports and yearly counts"),
    "raw.synthesis": _E("raw", "synthesis", "recommendations and good practices"),
    "raw.recommendations": _E("raw.synthesis", "recommendations.csv", "the recommendations"),
    "raw.good_practices": _E("raw.synthesis", "good_practices.csv", "good practices"),
    "raw.workshop": _E(
        "raw", "workshop", "the workshop's scoring sheet (feasibility and impact, 1-5)"
    ),
    "raw.edition": _E("raw", "EDITION.yaml", "whether the inputs are the synthetic edition"),
    "raw.literature": _E(
        "raw", "literature", "reference-manager exports (RIS, BibTeX, CSL-JSON) and a coding sheet"
    ),
    "raw.registers": _E("raw", "registers", "registers of listed organisations (.csv or .xlsx)"),
    # ---------------------------------------------------------------- centres (clean_centres)
    "processed.centres": _E("processed", "centres.parquet", "one row per centre"),
    "processed.organisations": _E("processed", "organisations.parquet", "partner organisations"),
    "processed.centre_partners": _E("processed", "centre_partners.parquet", "centre-partner links"),
    "processed.centres_csv": _E("processed", "centres.csv", "the centres table as CSV"),
    "processed.centres_rejects": _E("processed", "centres_rejects.csv", "quarantined centre rows"),
    "processed.centres_duplicates": _E(
        "processed", "centres_duplicates.csv", "duplicate centre rows"
    ),
    "processed.centres_review": _E("processed", "centres_review.csv", "matches to review by hand"),
    "processed.centres_accounting": _E(
        "processed", "centres_accounting.json", "centres row counts"
    ),
    "processed.centres_report": _E(
        "processed", "centres_cleaning_report.json", "centres cleaning log"
    ),
    "processed.centres_by_year": _E("processed", "centres_by_year.csv", "centres per year"),
    # ---------------------------------------------------------------- survey (clean_survey)
    "processed.survey": _E("processed", "survey", "the cleaned, anonymised survey"),
    "processed.survey_responses": _E(
        "processed.survey", "survey_responses.parquet", "one row each"
    ),
    "processed.survey_answers_long": _E(
        "processed.survey", "survey_answers_long.parquet", "one row per answer"
    ),
    "processed.survey_accounting": _E(
        "processed.survey", "survey_accounting.json", "survey row counts"
    ),
    "processed.survey_rejects": _E("processed.survey", "survey_rejects.csv", "quarantined rows"),
    # ---------------------------------------------------------------- interviews
    "processed.interviews": _E("processed", "interviews", "the cleaned interview coding"),
    "processed.interviews_cases": _E(
        "processed.interviews", "interviews_cases.parquet", "one row per interview"
    ),
    "processed.interviews_codes_long": _E(
        "processed.interviews", "interviews_codes_long.parquet", "one row per coded reference"
    ),
    "processed.interviews_code_counts": _E(
        "processed.interviews", "interviews_code_counts.parquet", "interviews per code"
    ),
    "processed.interviews_accounting": _E(
        "processed.interviews", "interviews_accounting.json", "interview row counts"
    ),
    "processed.interviews_approved_excerpts": _E(
        "processed.interviews", "interviews_approved_excerpts.csv", "excerpts cleared to quote"
    ),
    "processed.interviews_rejects": _E(
        "processed.interviews", "interviews_rejects.csv", "quarantined rows"
    ),
    # ---------------------------------------------------------------- bibliometrics
    "processed.works": _E("processed", "works.parquet", "one row per work"),
    "processed.bibliometrics_accounting": _E(
        "processed", "bibliometrics_accounting.json", "records per file"
    ),
    "processed.bibliometrics_rejects": _E(
        "processed", "bibliometrics_rejects.csv", "quarantined records"
    ),
    "processed.bibliometrics_unresolved_funders": _E(
        "processed", "bibliometrics_unresolved_funders.csv", "funder names the registry lacks"
    ),
    "processed.copubs_by_year": _E("processed", "copubs_by_year.csv", "UK-China works per year"),
    # ---------------------------------------------------------------- network
    "processed.network_metrics": _E(
        "processed", "org_network_metrics.parquet", "one row per organisation"
    ),
    "processed.network_bipartite": _E(
        "processed", "centres_organisations_bipartite.graphml", "centres-organisations graph"
    ),
    "processed.network_projection": _E(
        "processed", "organisations_projection.graphml", "organisation co-partnership graph"
    ),
    "processed.network_lorenz": _E("processed", "network_lorenz.csv", "Lorenz curve points"),
    # ---------------------------------------------------------------- literature
    "processed.literature": _E(
        "processed", "literature", "cleaned references, their theme codes and the library's log"
    ),
    "processed.literature_accounting": _E(
        "processed.literature", "literature_accounting.json", "records and coding rows counted"
    ),
    "processed.literature_rejects": _E(
        "processed.literature", "literature_rejects.csv", "records and coding rows set aside"
    ),
    "processed.literature_references": _E(
        "processed.literature", "references.parquet", "one row per reference of the library"
    ),
    "processed.literature_codes": _E(
        "processed.literature", "reference_codes.parquet", "each reference's theme codes"
    ),
    "processed.literature_bib": _E(
        "processed.literature", "literature.bib", "the library as BibTeX, for the bibliography"
    ),
    # ---------------------------------------------------------------- due diligence
    "processed.registers": _E(
        "processed", "registers", "cleaned register entries and the due-diligence screen"
    ),
    "processed.registers_accounting": _E(
        "processed.registers", "registers_accounting.json", "register rows counted"
    ),
    "processed.registers_rejects": _E(
        "processed.registers", "registers_rejects.csv", "register rows set aside"
    ),
    # ---------------------------------------------------------------- workshop
    "processed.workshop": _E(
        "processed", "workshop", "the workshop's cleaned scores, rejects and accounting"
    ),
    "processed.workshop_scores": _E(
        "processed.workshop",
        "workshop_scores.parquet",
        "one row per participant and recommendation",
    ),
    "processed.workshop_rejects": _E(
        "processed.workshop", "workshop_rejects.csv", "scoring rows set aside"
    ),
    "processed.workshop_accounting": _E(
        "processed.workshop", "workshop_accounting.json", "scoring rows counted"
    ),
    # ---------------------------------------------------------------- reference registries
    "reference.organisations": _E("reference", "organisations.csv", "organisation registry"),
    "reference.provinces": _E("reference", "provinces.csv", "Chinese province-level units"),
    "reference.cities": _E("reference", "cities.csv", "city -> province"),
    "reference.funders": _E("reference", "funders.csv", "funder registry"),
    "reference.topics": _E("reference", "topics.csv", "research topics"),
    "reference.nsi_sectors": _E("reference", "nsi_sectors.csv", "national-security sectors"),
    "reference.research_area_rules": _E(
        "reference", "research_area_rules.csv", "free-text research area -> topic, sector"
    ),
    "reference.good_practice_resources": _E(
        "reference", "good_practice_resources.csv", "resources the good practices name"
    ),
    "reference.literature_themes": _E(
        "reference", "literature_themes.csv", "benefits and risks in the literature"
    ),
    "reference.evidence_themes": _E(
        "reference", "evidence_themes.csv", "themes shared by survey and interviews"
    ),
    "reference.published_figures": _E(
        "reference", "published_figures.yaml", "the brief's published figures (typed once)"
    ),
    "reference.geo": _E("reference", "geo", "boundary layers and city coordinates"),
    "reference.literature": _E(
        "reference", "literature", "the verified reference library and its coding scheme"
    ),
    "reference.registers": _E(
        "reference", "registers", "the reference register of checked public listings"
    ),
    # ---------------------------------------------------------------- metrics
    "metrics.stage_findings": _E("metrics", "findings", "findings.<stage> files, one per chapter"),
    "metrics.findings": _E("metrics", "findings.json", "every chapter's findings, merged"),
    "metrics.reproduction": _E("metrics", "reproduction.json", "published vs computed"),
}
del _E


def _split(key: str) -> tuple[str, str]:
    area, _, name = key.partition(".")
    return area, name


def path(key: str) -> Path:
    """The dataset's path relative to the project root, e.g. ``data/processed/centres.parquet``."""
    entry = ENTRIES.get(key)
    if entry is not None:
        if not entry.parent:
            return Path(entry.name)
        return path(entry.parent) / entry.name
    area, name = _split(key)
    if area in PATTERNS and name and "/" not in name:
        parent, pattern, _ = PATTERNS[area]
        return path(parent) / pattern.format(name)
    raise UnknownDataset(f"no dataset {key!r} in the catalog (see `python -m pipeline catalog`)")


def locate(key: str, root: str | Path | None = None) -> Path:
    """The dataset's absolute path under ``root`` (default: the project root)."""
    return Path(root or repo_root()).resolve() / path(key)


def entries() -> dict[str, Path]:
    """Every fixed entry (patterns excluded): key -> relative path."""
    return {key: path(key) for key in ENTRIES}


def key_of(rel: str | Path) -> str | None:
    """The most specific key whose path is ``rel`` or holds it (``None`` if none does)."""
    target = PurePosixPath(Path(rel).as_posix())
    best: tuple[int, str] | None = None
    for key, p in entries().items():
        candidate = PurePosixPath(p.as_posix())
        if target == candidate or candidate in target.parents:
            depth = len(candidate.parts)
            if best is None or depth > best[0]:
                best = (depth, key)
    return best[1] if best else None


def describe() -> str:
    """A listing of the catalog, one line per entry."""
    width = max(len(k) for k in ENTRIES) + 2
    lines = [f"{key:<{width}}{path(key).as_posix():<48} {ENTRIES[key].about}" for key in ENTRIES]
    lines += [
        f"{area + '.<name>':<{width}}{path(f'{area}.<name>').as_posix():<48} {about}"
        for area, (_, _, about) in PATTERNS.items()
    ]
    return "\n".join(lines)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline catalog",
        description="List every dataset the pipeline reads or writes: key, path, content. "
        "Notebooks and dvc.yaml name datasets by these keys.",
    )
    parser.add_argument("key", nargs="?", help="print only this dataset's path")
    args = parser.parse_args(argv)
    if args.key:
        try:
            print(path(args.key).as_posix())
        except KeyError as exc:
            parser.error(str(exc.args[0]))
        return 0
    print(describe())
    return 0
