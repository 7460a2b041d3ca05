"""The pipeline's stages as data, and ``dvc.yaml`` generated from them.

:data:`STAGES` is the one table of stages: for each, the datasets it reads and
writes, by catalog key (:mod:`pipeline.catalog`). Everything else ``dvc.yaml``
says about a stage is derived, so it cannot drift from the code:

* the code it runs: the runner's modules and the ``pipeline`` modules its
  notebook imports, transitively (:mod:`pipeline.dependencies`);
* its parameters: the ``params.yaml`` keys its cell tagged ``parameters`` names
  (so ``dvc exp run -S common.k_anonymity=10`` reruns only the stages using k);
* for notebook stages, its command and the executed copy for the book.

One file per stage: the book's two stages (``book``, ``book_pdf``) and ``plots_template``
are in the root ``dvc.yaml``, so ``dvc repro book`` and ``make preview`` name them; every
other stage is in ``stages/<stage>/dvc.yaml`` (run it with ``dvc repro
stages/<stage>/dvc.yaml``). A plain ``dvc repro`` runs the root file's stages and all they
need, which is every stage. After each stage DVC rereads and rewrites the lock file beside
that stage's ``dvc.yaml``, at a cost that grows with the file: one lock for all stages
made that cost about 0.7 s per stage.

``python -m pipeline dag --write`` writes the ``dvc.yaml`` files; ``--check`` exits
non-zero when one is out of date or a stage's notebook names a dataset the table does not
list. The end-to-end tests also check the files each stage really opens
(:mod:`pipeline.tracing`) against what it declares.

Adding a stage: write ``notebooks/<stage>.ipynb`` (a cell tagged ``parameters``,
datasets through ``catalog.path``), add a :class:`Stage` row here, a chapter to
``_toc.yml``, then run ``python -m pipeline dag --write`` (see CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline import catalog
from pipeline.dependencies import (
    module_closure,
    notebook_catalog_keys,
    notebook_imports,
    uncovered,
)
from pipeline.io import atomic_write_text, repo_root
from pipeline.notebook import notebook_parameters, notebook_path
from pipeline.tracing import stage_name

__all__ = [
    "STAGES",
    "Stage",
    "address",
    "check",
    "declared",
    "load_dvc_yaml",
    "render",
    "stage_file",
    "stage_name",
    "stage_spec",
    "trace_problems",
    "traced_problems",
]

DVC_YAML = Path("dvc.yaml")
#: stages defined in the root ``dvc.yaml``: ``dvc repro <name>`` finds them by name, and a
#: plain ``dvc repro`` (or ``dvc exp run``) runs them and every stage they need, which is
#: every stage (tests/test_dag.py checks it)
ROOT_STAGES = ("plots_template", "book", "book_pdf")
#: the folder of the other stages' files: ``stages/<name>/dvc.yaml`` (and its ``dvc.lock``)
STAGE_FILES = Path("stages")
NOTEBOOK_CMD = "python -m pipeline notebook {}"
RUNNER_MODULES = ("pipeline.__main__", "pipeline.notebook")
#: files of the book's own sources (the rest of its input are the executed notebooks)
#: and the source notebooks, which the HTML book offers for download under each chapter)
BOOK_PAGES = ("book/*.md", "book/*.bib", "book/_static/*.css", "notebooks/*.ipynb")
#: What the book stages write besides their stamp (``project.book_*_stamp``): the books
#: and the pages they render that depend on the commit or the machine. Not DVC outputs,
#: so that ``dvc.lock`` is the same in every clone (:func:`pipeline.book.stamp_text`).
BUILD_PRODUCTS = (
    "book/_build/html",
    "book/_build/pdf",
    "book/_static/vega-bundle.js",
    *(f"book/generated/{n}.md" for n in ("edition", "formats", "how_to_read", "environment")),
)


@dataclass(frozen=True)
class Stage:
    """One DVC stage. ``inputs``/``outputs``/``metrics`` are catalog keys.

    A notebook stage (``command`` empty) runs ``notebooks/<name>.ipynb``; it also
    reads ``_toc.yml`` (chapter numbers) and ``data/raw/EDITION.yaml`` (the source line
    :mod:`pipeline.report` puts under every chart and table) and writes ``generated.<name>``,
    ``downloads.<name>`` (its figures' and tables' files, :mod:`pipeline.downloads`) and, when
    ``findings`` is true, ``findings.<name>``. Other stages name their command and
    the module it runs; ``uncached`` outputs are rebuilt rather than cached, and
    ``persist`` outputs are not deleted by DVC before the command runs (the book
    replaces them itself, atomically, and builds on the previous build).
    """

    name: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    findings: bool = False
    command: str = ""
    module: str = ""
    uncached: tuple[str, ...] = ()
    persist: tuple[str, ...] = ()

    @property
    def is_notebook(self) -> bool:
        return not self.command


def _ref(*names: str) -> tuple[str, ...]:
    return tuple(f"reference.{n}" for n in names)


def _proc(*names: str) -> tuple[str, ...]:
    return tuple(f"processed.{n}" for n in names)


#: registries the cleaners resolve names against (pipeline.registries)
CLEANING_REGISTRIES = _ref(
    "organisations",
    "provinces",
    "cities",
    "funders",
    "topics",
    "nsi_sectors",
    "research_area_rules",
)
CENTRES_TABLES = _proc("centres", "organisations", "centre_partners")
SURVEY_TABLES = _proc("survey_responses", "survey_answers_long")
INTERVIEW_TABLES = _proc("interviews_cases", "interviews_codes_long", "interviews_code_counts")

_CHAPTERS: tuple[Stage, ...] = (
    # ------------------------------------------------------------ cleaning
    Stage(
        "clean_centres",
        inputs=("raw.centres", *CLEANING_REGISTRIES),
        outputs=(
            *CENTRES_TABLES,
            *_proc("centres_csv", "centres_rejects", "centres_duplicates"),
            *_proc("centres_review", "centres_accounting", "centres_report"),
            "restricted.centres",
        ),
        findings=True,
    ),
    Stage(
        "clean_survey",
        inputs=("raw.survey", "reference.organisations", "review.approved_excerpts"),
        outputs=(*_proc("survey"), "restricted.survey"),
        findings=True,
    ),
    Stage(
        "clean_interviews",
        inputs=("raw.interviews", "reference.organisations", "review.approved_excerpts"),
        outputs=(*_proc("interviews"), "restricted.interviews"),
        findings=True,
    ),
    Stage(
        "clean_bibliometrics",
        inputs=("raw.bibliometrics", "reference.funders", "reference.organisations"),
        outputs=_proc(
            "works",
            "bibliometrics_accounting",
            "bibliometrics_rejects",
            "bibliometrics_unresolved_funders",
        ),
    ),
    # ------------------------------------------------------------ Phase 1
    Stage(
        "phase1_bibliometrics",
        inputs=(
            "processed.works",
            "processed.centres",
            "raw.bibliometrics",
            "raw.edition",
            *_ref("published_figures", "organisations", "funders"),
        ),
        outputs=_proc("copubs_by_year"),
        findings=True,
    ),
    Stage(
        "phase1_literature",
        inputs=("raw.literature", "reference.literature", "reference.evidence_themes"),
        outputs=_proc("literature"),
        findings=True,
    ),
    # ------------------------------------------------------------ Phase 2
    Stage(
        "phase2_centres",
        inputs=(
            *CENTRES_TABLES,
            "processed.centres_report",
            "raw.edition",
            *_ref("published_figures", "topics", "nsi_sectors", "provinces", "funders", "geo"),
        ),
        outputs=_proc("centres_by_year"),
        findings=True,
    ),
    Stage("phase2_survey", inputs=SURVEY_TABLES, findings=True),
    Stage(
        "phase2_interviews",
        inputs=(
            *INTERVIEW_TABLES,
            *SURVEY_TABLES,
            "raw.good_practices",
            "processed.interviews_approved_excerpts",
        ),
        findings=True,
    ),
    # ------------------------------------------------------------ Phase 3
    Stage(
        "phase3_network",
        # the organisations the brief names, shown by name in a synthetic edition; the
        # cleaning report names the centres file the records behind the figures come from
        inputs=(*CENTRES_TABLES, "reference.published_figures", "processed.centres_report"),
        outputs=_proc(
            "network_metrics", "network_bipartite", "network_projection", "network_lorenz"
        ),
        findings=True,
    ),
    Stage(
        "phase3_due_diligence",
        inputs=(
            "raw.registers",
            *CENTRES_TABLES,
            "processed.centres_accounting",
            *_ref("organisations", "nsi_sectors"),
        ),
        outputs=_proc("registers"),
        findings=True,
    ),
    Stage(
        "phase3_triangulation",
        inputs=(
            # centres per organisation: from the network metrics, else counted from the links
            *_proc("works", "network_metrics", "centre_partners", "organisations"),
            "raw.bibliometrics",
            "reference.organisations",
            # the organisations the brief names, shown by name in a synthetic edition
            "reference.published_figures",
        ),
        findings=True,
    ),
    Stage(
        "phase3_synthesis",
        inputs=(
            *_ref("literature_themes", "evidence_themes"),
            *SURVEY_TABLES,
            *_proc("survey_accounting", "interviews_cases", "interviews_code_counts"),
            *_proc("interviews_accounting"),
            "raw.recommendations",
            "raw.good_practices",
            *_proc("workshop_scores", "workshop_accounting"),
            *_proc("literature_references", "literature_codes", "interviews_approved_excerpts"),
            "reference.literature",
            "reference.good_practice_resources",
        ),
        findings=True,
    ),
)

_APPENDICES: tuple[Stage, ...] = (
    Stage(
        "appendix_data_quality",
        inputs=(
            *_proc("centres_accounting", "centres_rejects", "centres"),
            *_proc("survey_accounting", "survey_rejects"),
            *_proc("interviews_accounting", "interviews_rejects"),
            *_proc("bibliometrics_accounting", "bibliometrics_rejects"),
            *_proc("literature_accounting", "literature_rejects"),
            *_proc("registers_accounting", "registers_rejects"),
        ),
    ),
    Stage(
        "appendix_reproduction",
        inputs=("metrics.findings", "reference.published_figures"),
        metrics=("metrics.reproduction",),
    ),
    Stage("appendix_provenance", inputs=("raw", "project.params")),
    # earlier editions are read from git history (a tag or a revision named in params.yaml)
    Stage("appendix_changes", inputs=("metrics.findings", "metrics.stage_findings")),
)


def _command_stages(notebooks: list[str]) -> tuple[Stage, ...]:
    """The stages that run a command rather than a notebook, book stages apart:
    ``(clean_workshop, findings, plots_template, key_findings)``."""
    workshop = Stage(
        "clean_workshop",
        inputs=("raw.workshop", "raw.recommendations"),
        outputs=("processed.workshop", "restricted.workshop"),
        command="python -m pipeline workshop clean",
        module="pipeline.workshop.cli",
    )
    merge = Stage(
        "findings",
        inputs=("metrics.stage_findings",),
        metrics=("metrics.findings",),
        command="python -m pipeline findings",
        module="pipeline.findings",
    )
    plots = Stage(
        "plots_template",
        outputs=("project.plots_template",),
        command="python -m pipeline plots template",
        module="pipeline.plots",
        uncached=("project.plots_template",),
    )
    pages = ("project.key_findings_page", "project.figures_page")
    key_findings = Stage(
        "key_findings",
        inputs=(
            *("metrics.findings", "metrics.reproduction", "metrics.stage_findings"),
            *("reference.published_figures", "project.toc"),
            *(f"generated.{n}" for n in notebooks),
        ),
        outputs=pages,
        command="python -m pipeline keyfindings",
        module="pipeline.keyfindings",
        uncached=pages,
    )
    return workshop, merge, plots, key_findings


def _workbook_stage(notebooks: list[str]) -> Stage:
    """``workbook``: every numbered table of the chapters in one ``.xlsx``."""
    return Stage(
        "workbook",
        inputs=("project.toc", "raw.edition", *(f"downloads.{n}" for n in notebooks)),
        outputs=("project.workbook",),
        command="python -m pipeline downloads workbook",
        module="pipeline.downloads",
        uncached=("project.workbook",),
    )


def _book_stages(notebooks: list[str]) -> tuple[Stage, Stage]:
    """``book`` (HTML) and ``book_pdf``, its own stage so that an HTML-only change (and
    ``make preview``) does not wait for LaTeX."""
    book_inputs = (
        *("project.book_config", "project.toc", "raw", "processed.literature_bib"),
        *("project.key_findings_page", "project.figures_page", "project.params"),
        *(f"generated.{n}" for n in notebooks),
    )
    # the HTML serves these as they are (html_extra_path); the PDF has no use for them
    served = (*(f"downloads.{n}" for n in notebooks), "project.workbook")
    html, pdf = ("project.book_html_stamp",), ("project.book_pdf_stamp",)
    book = Stage(
        "book",
        inputs=(*book_inputs, *served),
        outputs=html,
        command="python -m pipeline book html",
        module="pipeline.book",
        uncached=html,
        persist=html,
    )
    book_pdf = Stage(
        "book_pdf",
        inputs=book_inputs,
        outputs=pdf,
        command="python -m pipeline book pdf",
        module="pipeline.book",
        uncached=pdf,
        persist=pdf,
    )
    return book, book_pdf


def _build_stages() -> tuple[Stage, ...]:
    notebooks = [s.name for s in (*_CHAPTERS, *_APPENDICES)]
    workshop, merge, plots, key_findings = _command_stages(notebooks)
    return (
        workshop,
        *_CHAPTERS,
        merge,
        *_APPENDICES,
        plots,
        key_findings,
        _workbook_stage(notebooks),
        *_book_stages(notebooks),
    )


STAGES: tuple[Stage, ...] = _build_stages()


# =========================================================================== derivation
def code_files(root: Path, stage: Stage) -> list[Path]:
    """The ``src/pipeline`` files the stage runs (runner + imports, transitively)."""
    if stage.is_notebook:
        modules = {*RUNNER_MODULES, *notebook_imports(root, notebook_path(stage.name, root))}
    else:
        modules = {"pipeline.__main__", stage.module}
    return module_closure(root, sorted(modules))


def code_deps(files: list[Path]) -> list[str]:
    """``files`` (from :func:`code_files`) as DVC dependencies: a top-level module as its file,
    a subpackage as its folder. Fewer entries make every ``dvc repro`` faster (DVC parses
    ``dvc.lock`` again at each stage, at about 4 lines per entry); a change anywhere in a
    subpackage the stage uses reruns it. ``.dvcignore`` keeps ``__pycache__`` out of the
    folders' hashes."""
    deps: list[str] = []
    for path in files:
        parts = path.parts
        dep = "/".join(parts[:3]) if len(parts) > 3 else path.as_posix()
        if dep not in deps:
            deps.append(dep)
    return deps


def parameters(root: Path, stage: Stage) -> list[str]:
    """The ``params.yaml`` keys the stage's notebook declares, sorted."""
    if not stage.is_notebook:
        return []
    return sorted(set(notebook_parameters(stage.name, root).values()))


def _book_pages(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for pat in BOOK_PAGES for p in root.glob(pat))


def stage_spec(root: Path, stage: Stage) -> dict[str, Any]:
    """The stage as ``dvc.yaml`` states it (paths resolved, no ``${vars}``)."""
    inputs = list(stage.inputs)
    outputs = list(stage.outputs)
    deps: list[str] = []
    if stage.is_notebook:
        deps.append(notebook_path(stage.name, Path()).as_posix())
        inputs[:0] = ["project.toc", "raw.edition"]
        outputs += [f"generated.{stage.name}", f"downloads.{stage.name}"]
        outputs += [f"findings.{stage.name}"] if stage.findings else []
    deps += code_deps(code_files(root, stage))
    deps += [catalog.path(k).as_posix() for k in inputs]
    if stage.module == "pipeline.book":
        deps += _book_pages(root)
    uncached = {*stage.uncached, *(k for k in outputs if k.split(".")[0] in catalog.PATTERNS)}
    return {
        "cmd": stage.command or NOTEBOOK_CMD.format(stage.name),
        "deps": deps,
        "params": parameters(root, stage),
        "outs": [(catalog.path(k).as_posix(), k in uncached, k in stage.persist) for k in outputs],
        "metrics": [catalog.path(k).as_posix() for k in stage.metrics],
    }


# =========================================================================== rendering
HEADER = """\
# GENERATED by `python -m pipeline dag --write` from the stage table in
# src/pipeline/dag.py (datasets by key from src/pipeline/catalog.py). Do not edit
# by hand: change the table or the notebook and regenerate. `python -m pipeline
# dag --check` and tests/test_dag.py fail when a dvc.yaml is out of date.
#
# The book's stages and plots_template are here (`dvc repro book`, `make preview`);
# every other stage is in stages/<stage>/dvc.yaml, one file per stage, each with its
# dvc.lock beside it (DVC rewrites a stage's lock file after the stage runs, at a
# cost that grows with the file). `dvc repro` runs this file's stages and all they
# need, which is every stage; `dvc repro stages/<stage>/dvc.yaml` runs one stage
# and what it needs.
#
# A notebook stage runs `python -m pipeline notebook <stage>`: papermill executes
# notebooks/<stage>.ipynb with the params.yaml keys listed under `params` (the
# ones its cell tagged `parameters` names) and writes the executed copy to
# book/generated/<stage>.ipynb for the book. `deps` lists the notebook, the
# pipeline code it runs (derived from its imports, transitively, with the
# runner's own and their package data: top-level modules as files, subpackages as
# folders), then the datasets it reads. Paths are written out in full (no `vars`),
# relative to the project root (a stage file's `wdir`).
# Chapter -> notebook -> stage -> library module: see CONTRIBUTING.md.
"""

STAGE_HEADER = """\
# GENERATED by `python -m pipeline dag --write` from the stage table in
# src/pipeline/dag.py: do not edit by hand (see the header of the root dvc.yaml).
# Paths are relative to the project root (`wdir: ../..`); run this stage and what it
# needs with `dvc repro stages/<stage>/dvc.yaml` from the root."""

PLOTS = [
    (
        "centres_by_year",
        "processed.centres_by_year",
        "year",
        ["cumulative", "new"],
        "Year established",
        "Centres",
        "UK-China joint research centres by year",
    ),
    (
        "copubs_by_year",
        "processed.copubs_by_year",
        "year",
        ["uk_cn_works"],
        "Publication year",
        "UK-China co-publications",
        "UK-China co-publications by year",
    ),
]


def _dep_lines(spec: dict[str, Any]) -> list[str]:
    lines = ["    deps:"]
    groups = [
        ("# code", [d for d in spec["deps"] if d.startswith("src/")]),
        ("# data", [d for d in spec["deps"] if not d.startswith(("src/", "notebooks/"))]),
    ]
    lines += [f"      - {d}" for d in spec["deps"] if d.startswith("notebooks/")]
    for comment, items in groups:
        if items:
            lines.append(f"      {comment}")
            lines += [f"      - {d}" for d in items]
    return lines


def _out_lines(key: str, items: list[Any]) -> list[str]:
    if not items:
        return []
    lines = [f"    {key}:"]
    for item in items:
        path, uncached, persist = item if isinstance(item, tuple) else (item, True, False)
        lines.append(f"      - {path}" + (":" if uncached or persist else ""))
        if uncached:
            lines.append("          cache: false")
        if persist:
            lines.append("          persist: true")
    return lines


def _stage_lines(root: Path, stage: Stage) -> list[str]:
    spec = stage_spec(root, stage)
    lines = [f"  {stage.name}:"]
    if stage.name not in ROOT_STAGES:
        lines.append("    wdir: ../..")  # paths and the command are relative to the root
    lines += [f"    cmd: {spec['cmd']}", *_dep_lines(spec)]
    if spec["params"]:
        lines += ["    params:", *(f"      - {p}" for p in spec["params"])]
    lines += _out_lines("outs", spec["outs"])
    lines += _out_lines("metrics", spec["metrics"])
    return lines + [""]


def _plots_lines() -> list[str]:
    lines = ["plots:"]
    for name, key, x, ys, x_label, y_label, title in PLOTS:
        lines += [
            f"  - {name}:",
            "      template: yearly",
            f"      x: {x}",
            "      y:",
            f"        {catalog.path(key).as_posix()}: [{', '.join(ys)}]",
            f"      x_label: {x_label}",
            f"      y_label: {y_label}",
            f"      title: {title}",
        ]
    return lines


def stage_file(name: str) -> Path:
    """The ``dvc.yaml`` that defines stage ``name``, relative to the root."""
    return DVC_YAML if name in ROOT_STAGES else STAGE_FILES / name / DVC_YAML


def address(name: str) -> str:
    """How ``dvc repro`` names stage ``name`` from the root: ``book``, or
    ``stages/clean_centres/dvc.yaml:clean_centres``."""
    return name if name in ROOT_STAGES else f"{stage_file(name).as_posix()}:{name}"


def render(root: Path | None = None) -> dict[str, str]:
    """The text of every ``dvc.yaml``, by path relative to the root (the root one first)."""
    root = Path(root or repo_root())
    lines = [HEADER, "stages:"]
    files: dict[str, str] = {}
    for stage in STAGES:
        if stage.name in ROOT_STAGES:
            lines += _stage_lines(root, stage)
        else:
            text = "\n".join([STAGE_HEADER, "stages:", *_stage_lines(root, stage)])
            files[stage_file(stage.name).as_posix()] = text.rstrip("\n") + "\n"
    return {DVC_YAML.as_posix(): "\n".join(lines + _plots_lines()) + "\n", **files}


def stage_files(root: Path) -> list[str]:
    """The ``dvc.yaml`` files present under ``root``: the root one, then ``stages/*/``."""
    found = [DVC_YAML.as_posix()] if (root / DVC_YAML).exists() else []
    return found + sorted(
        p.relative_to(root).as_posix() for p in (root / STAGE_FILES).glob(f"*/{DVC_YAML}")
    )


# =========================================================================== checking
def load_dvc_yaml(root: Path | None = None, texts: dict[str, str] | None = None) -> dict[str, Any]:
    """Every ``dvc.yaml`` parsed into one: ``{"stages": {name: spec}, "plots": [...]}``,
    stages in the table's order, paths relative to the root (a stage file's ``wdir`` is
    dropped). ``texts`` (from :func:`render`) replaces the files on disk."""
    root = Path(root or repo_root())
    if texts is None:
        texts = {rel: (root / rel).read_text(encoding="utf-8") for rel in stage_files(root)}
    merged: dict[str, Any] = {"stages": {}}
    for text in texts.values():
        data = yaml.safe_load(text) or {}
        for name, spec in (data.get("stages") or {}).items():
            merged["stages"][name] = {k: v for k, v in spec.items() if k != "wdir"}
        if "plots" in data:
            merged["plots"] = data["plots"]
    # in the stage table's order (the order they run in), stages it lacks last
    order = {stage.name: i for i, stage in enumerate(STAGES)}
    ranked = sorted(merged["stages"].items(), key=lambda kv: order.get(kv[0], len(order)))
    merged["stages"] = dict(ranked)
    return merged


def _paths(items: list[Any]) -> list[str]:
    return [next(iter(i)) if isinstance(i, dict) else i for i in items or []]


def declared(spec: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    """``(deps, params, outs + metrics)`` of one stage of a parsed ``dvc.yaml``."""
    params: list[str] = []
    for item in spec.get("params") or []:
        params += list(item) if isinstance(item, dict) else [item]
    outs = _paths(spec.get("outs")) + _paths(spec.get("metrics"))
    return list(spec.get("deps") or []), params, outs


def _param_covered(key: str, params: list[str]) -> bool:
    return any(key == p or key.startswith(p + ".") for p in params)


def missing(root: Path, stage: Stage, spec: dict[str, Any]) -> list[str]:
    """What ``spec`` (a stage of ``dvc.yaml``) fails to declare, one line per item."""
    deps, params, outs = declared(spec)
    needed = stage_spec(root, stage)
    problems = [
        f"{stage.name}: code {p} is not a dependency"
        for p in uncovered([p.as_posix() for p in code_files(root, stage)], deps)
    ]
    problems += [
        f"{stage.name}: reads {p} undeclared"
        for p in uncovered([d for d in needed["deps"] if not d.startswith("src/")], deps + outs)
    ]
    problems += [
        f"{stage.name}: parameter {k} is not declared"
        for k in needed["params"]
        if not _param_covered(k, params)
    ]
    if stage.is_notebook:
        keys = notebook_catalog_keys(notebook_path(stage.name, root))
        table = [
            catalog.path(k).as_posix() for k in (*stage.inputs, *stage.outputs, *stage.metrics)
        ]
        problems += [
            f"{stage.name}: notebook names {k}, which the stage table does not list"
            for k in sorted(keys)
            if not _named(catalog.path(k).as_posix(), table)
        ]
    return problems


def _named(path: str, table: list[str]) -> bool:
    """``path`` is a listed dataset, inside one, or a folder holding one."""
    return any(path == t or t.startswith(path + "/") or path.startswith(t + "/") for t in table)


def check(root: Path | None = None) -> list[str]:
    """Problems with the ``dvc.yaml`` files (empty when they are up to date and complete)."""
    root = Path(root or repo_root())
    current = {rel: (root / rel).read_text(encoding="utf-8") for rel in stage_files(root)}
    data = load_dvc_yaml(root, current)
    problems: list[str] = []
    for stage in STAGES:
        spec = data["stages"].get(stage.name)
        if spec is None:
            problems.append(f"{stage.name}: no such stage in {stage_file(stage.name)}")
        else:
            problems += missing(root, stage, spec)
    expected = render(root)
    stale = sorted(rel for rel in {*current, *expected} if current.get(rel) != expected.get(rel))
    if stale:
        problems.append(
            f"{', '.join(stale)}: differs from `python -m pipeline dag` output: regenerate"
        )
    return problems


def write(root: Path) -> list[str]:
    """Write every ``dvc.yaml``; remove the files (and locks) of stages no longer in the table."""
    expected = render(root)
    for rel in stage_files(root):
        if rel not in expected:
            for name in (DVC_YAML.name, "dvc.lock"):
                (root / rel).with_name(name).unlink(missing_ok=True)
            if not any((root / rel).parent.iterdir()):
                (root / rel).parent.rmdir()
    for rel, text in expected.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(root / rel, text)
    return list(expected)


#: read by the runner for the values a stage declares key by key (``params:``)
UNTRACKED_READS = ("params.yaml",)


def _is_temporary(rel: str) -> bool:
    """Scratch space and installation metadata: hidden files and folders (an atomic write's
    ``.name.XXXX.tmp``, a cleaner's ``.biblio_clean_*`` working folder) and the package's
    ``*.egg-info``/``*.dist-info`` (read by ``importlib.metadata`` when a library looks up
    entry points) are not the stage's inputs or outputs."""
    parts = rel.split("/")
    return any(p.startswith(".") or p.endswith((".egg-info", ".dist-info")) for p in parts)


def _holds(folder: str, declared: list[str]) -> bool:
    """``folder`` holds a declared path: listing it to reach that path (as Sphinx does with a
    folder of declared download folders) reads nothing undeclared; reading a file in it that
    is not declared is still caught as a read."""
    return any(str(d).startswith(folder.rstrip("/") + "/") for d in declared)


def trace_problems(stage: str, trace: dict[str, set[str]], spec: dict[str, Any]) -> list[str]:
    """What a stage opened (a :func:`pipeline.tracing.read_trace` record) but does not declare."""
    deps, _, outs = declared(spec)
    if str(spec.get("cmd", "")).startswith("python -m pipeline book"):
        outs = [*outs, *BUILD_PRODUCTS]  # written, and read back, by the book stages only
    reads = [r for r in trace["read"] if r not in UNTRACKED_READS and not _is_temporary(r)]
    lists = [
        d for d in trace["list"] if d != "src" and not d.startswith("src/") and not _is_temporary(d)
    ]
    writes = [w for w in trace["write"] if not _is_temporary(w)]
    listed = [d for d in uncovered(lists, deps + outs) if not _holds(d, deps + outs)]
    return (
        [f"{stage}: reads {p} undeclared" for p in uncovered(reads, deps + outs)]
        + [f"{stage}: lists folder {p} undeclared" for p in listed]
        + [f"{stage}: writes {p}, not an output" for p in uncovered(writes, outs)]
    )


def traced_problems(root: Path, trace_dir: Path, *, every_stage: bool = True) -> list[str]:
    """:func:`trace_problems` for the stages of ``dvc.yaml`` recorded in ``trace_dir``
    (the ``PIPELINE_TRACE_READS`` folder); with ``every_stage``, a stage with no record
    is a problem too."""
    from pipeline.tracing import read_trace

    data = load_dvc_yaml(root)
    problems: list[str] = []
    for name, spec in data["stages"].items():
        path = Path(trace_dir) / f"{name}.tsv"
        if not path.is_file():
            if every_stage:
                problems.append(f"{name}: no record of its reads in {trace_dir} (did it run?)")
            continue
        problems += trace_problems(name, read_trace(path), spec)
    return problems


def _report(problems: list[str], fix: str) -> int:
    for line in problems:
        print(line, file=sys.stderr)
    if problems:
        print(f"fix: {fix}", file=sys.stderr)
    return 1 if problems else 0


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline dag",
        description="Generate the dvc.yaml files (the root one for the book's stages, "
        "stages/<stage>/dvc.yaml for each other stage) from the stage table "
        "(src/pipeline/dag.py), the notebooks' imports and parameters cells, and the data "
        "catalog. Without an option, print what each file should say.",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="write the dvc.yaml files")
    mode.add_argument(
        "--check",
        action="store_true",
        help="exit 1 when a dvc.yaml is out of date or misses a dependency",
    )
    mode.add_argument(
        "--trace",
        type=Path,
        metavar="DIR",
        help="check the files stages opened, as recorded by "
        "`PIPELINE_TRACE_READS=DIR dvc repro`, against dvc.yaml",
    )
    args = parser.parse_args(argv)
    root = repo_root()
    if args.write:
        written = write(root)
        print(f"wrote {len(written)} dvc.yaml files ({len(STAGES)} stages)")
        return 0
    if args.check:
        return _report(check(root), "python -m pipeline dag --write")
    if args.trace:
        return _report(
            traced_problems(root, args.trace, every_stage=False),
            "add the dataset to the stage's inputs in src/pipeline/dag.py, then "
            "python -m pipeline dag --write",
        )
    for rel, text in render(root).items():
        sys.stdout.write(f"# ---- {rel}\n{text}")
    return 0
