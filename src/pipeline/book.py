"""Build the Jupyter Book (HTML and PDF) from the executed notebooks.

Two DVC stages call this module:

* ``book`` (``python -m pipeline book html``) writes the pages that depend on the
  checkout or the machine (edition, how to read it, the other format, software versions:
  :mod:`pipeline.frontmatter`) and the offline chart runtime
  (``book/_static/vega-bundle.js``), then builds the HTML book;
* ``book_pdf`` (``python -m pipeline book pdf``) writes the same pages and builds the PDF,
  so a change that only the HTML needs (and ``make preview``) does not wait for LaTeX.

**Tracked by a stamp.** DVC records ``book/_build/<kind>/.built.json`` (:func:`stamp_text`),
not the book: the book's bytes carry its version and depend on Sphinx and TeX, and a hash
of them in ``dvc.lock`` would make every fresh clone rewrite the lock.

**Reader view.** Code cells show their results only; :mod:`pipeline.bookext` names each
chapter's notebook (offered for download), DVC stage and library modules instead.

**Incremental.** Each builder keeps its Sphinx working folder (environment,
doctrees, output) in ``book/_build/.cache/<builder>/`` between runs, so only
the chapters whose executed notebook changed are read again. The folder is
discarded, and the build starts clean, when ``_config.yml``, ``_toc.yml``,
the edition's kind or the book tools' versions change, when the previous
build of that builder was interrupted, or with ``--clean``.

**Atomic.** The published book changes only when a build has succeeded: the
HTML is copied to ``book/_build/.staging/`` and exchanged with
``book/_build/html`` by renaming; the PDF is copied there too and renamed onto
``book/_build/pdf/report.pdf``. A killed build leaves the previous book whole; what it
left in ``.staging`` is removed by the next run.

**Deterministic.** The edition is stamped with its source date, not the
clock: ``SOURCE_DATE_EPOCH`` when set, otherwise the time of the commit the
book is built from. The same value is handed to Sphinx and to XeTeX/xdvipdfmx
as ``SOURCE_DATE_EPOCH`` (dates, PDF identifiers), so two builds of the same
sources give the same HTML and PDF bytes.

When no LaTeX engine is installed the PDF stage prints exactly what to install
(and fails only with ``--require-pdf``); the HTML is unaffected.
"""

from __future__ import annotations

import argparse
import ctypes
import datetime as dt
import hashlib
import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from pipeline.frontmatter import (
    chapter_sources,
    environment_markdown,
    formats_markdown,
    how_to_read_markdown,
    package_versions,
)
from pipeline.io import atomic_write_text, repo_root
from pipeline.provenance import KEY_PACKAGES, raw_input_hashes

__all__ = [
    "BUILD_DIR",
    "build",
    "build_config",
    "edition_info",
    "edition_markdown",
    "source_date_epoch",
]

BUILD_DIR = Path("book") / "_build"
CACHE_DIR = BUILD_DIR / ".cache"
STAGING_DIR = BUILD_DIR / ".staging"
PDF_NAME = "report.pdf"
#: the file DVC tracks for each book stage, inside the published folder (:func:`stamp_text`)
STAMP = ".built.json"
#: the jupyter-book builder behind each kind of output, and the folder Sphinx writes
BUILDERS = {"html": ("html", "html"), "pdf": ("pdflatex", "latex")}
TOOL_PACKAGES = ("jupyter-book", "sphinx", "myst-nb", "sphinx-book-theme", "sphinxcontrib-bibtex")
TEX_PACKAGES = (
    "latexmk texlive-latex-recommended texlive-fonts-recommended texlive-latex-extra "
    "tex-gyre texlive-xetex texlive-lang-cjk texlive-lang-chinese fonts-wqy-microhei"
)
SYNTHETIC_BANNER = (
    "SYNTHETIC REFERENCE DATA: every figure in this edition is computed from generated "
    "stand-in inputs, not from the study's confidential data."
)


# --------------------------------------------------------------------- edition
def _git(root: Path, *args: str) -> str | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


#: the lock files DVC rewrites after each build: the root ``dvc.lock`` and one beside each
#: ``stages/<stage>/dvc.yaml`` (:mod:`pipeline.dag`), as git pathspecs
LOCK_FILES = (":(exclude)dvc.lock", ":(exclude,glob)stages/*/dvc.lock")
#: ``git log`` arguments naming the last commit that changed the sources: every tracked
#: file but the lock files. Committing the locks alone (``git commit dvc.lock stages``
#: after ``dvc repro``) does not change the edition's version or date.
SOURCES_LOG = ("log", "-1", "--", ".", *LOCK_FILES)


def source_date_epoch(root: Path) -> int | None:
    """The sources' date in seconds since 1970: ``SOURCE_DATE_EPOCH`` when set (the
    reproducible-builds convention), else the time of the last commit that changed a
    source (:data:`SOURCES_LOG`); ``None`` outside git."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        if not value.isdigit():
            raise SystemExit(
                f"[book] SOURCE_DATE_EPOCH must be whole seconds since 1970, not {value!r}"
            )
        return int(value)
    commit_time = _git(root, *SOURCES_LOG[:2], "--format=%ct", *SOURCES_LOG[2:])
    return int(commit_time) if commit_time and commit_time.isdigit() else None


def code_version(root: Path) -> str:
    """``git describe`` of the last commit that changed a source (:data:`SOURCES_LOG`),
    ``-dirty`` when a tracked file other than a lock file has changed since: DVC rewrites
    the locks after each build, and that must not make the next build of the same sources
    differ."""
    commit = _git(root, *SOURCES_LOG[:2], "--format=%H", *SOURCES_LOG[2:]) or "HEAD"
    describe = _git(root, "describe", "--always", "--tags", commit)
    if describe is None:
        return "unversioned"
    changed = _git(root, "status", "--porcelain", "--untracked-files=no", "--", ".", *LOCK_FILES)
    return describe + ("-dirty" if changed else "")


def edition_info(root: Path) -> dict[str, Any]:
    """Which data the book is built from, its version and its source date."""
    hashes = raw_input_hashes(root)
    edition_file = root / "data" / "raw" / "EDITION.yaml"
    meta: dict[str, Any] = {}
    if edition_file.exists():
        meta = yaml.safe_load(edition_file.read_text(encoding="utf-8")) or {}
    synthetic = bool(meta.get("synthetic")) or any("SYNTHETIC" in Path(p).name for p in hashes)
    digest = hashlib.sha256(
        "".join(f"{k}:{v}\n" for k, v in sorted(hashes.items())).encode()
    ).hexdigest()[:10]
    describe = code_version(root)
    epoch = source_date_epoch(root)
    return {
        "synthetic": synthetic,
        "label": meta.get("label")
        or (
            "Synthetic reference edition"
            if synthetic
            else "Edition built from user-supplied inputs"
        ),
        "code_version": describe,
        "data_hash": digest,
        "version": f"{describe}+data.{digest}",
        "epoch": epoch,
        "source_date": (
            dt.datetime.fromtimestamp(epoch, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
            if epoch is not None
            else "undated (not a git checkout; set SOURCE_DATE_EPOCH)"
        ),
        "raw_inputs": hashes,
    }


def edition_markdown(info: dict[str, Any]) -> str:
    """Front-matter text naming the data edition, its version and its source date."""
    lines = [
        f"**Data edition:** {info['label']}  ",
        f"**Edition version:** `{info['version']}`  ",
        f"**Source date:** {info['source_date']}  ",
        f"**Raw inputs:** {len(info['raw_inputs'])} files (hashes listed in the provenance appendix)",
        "",
    ]
    if info["synthetic"]:
        lines += [
            ":::{warning}",
            SYNTHETIC_BANNER + " The inputs are generated by seeded code in the package and "
            "calibrated to the published aggregates, so that the pipeline can be built, tested "
            "and shown in public. Replace the files in `data/raw/` with the real inputs and run "
            "`dvc repro` to obtain the edition for real data.",
            ":::",
            "",
        ]
    return "\n".join(lines)


# ------------------------------------------------------------------------ config
SYNTHETIC_LATEX_HEADER = (
    "\n\\usepackage{fancyhdr}\n"
    "\\makeatletter\n"
    "\\fancypagestyle{normal}{\\fancyhf{}\\fancyhead[C]{\\footnotesize\\bfseries "
    "SYNTHETIC REFERENCE DATA -- not the study's data}\\fancyfoot[C]{\\thepage}"
    "\\renewcommand{\\headrulewidth}{0.4pt}}\n"
    "\\fancypagestyle{plain}{\\fancyhf{}\\fancyhead[C]{\\footnotesize\\bfseries "
    "SYNTHETIC REFERENCE DATA -- not the study's data}\\fancyfoot[C]{\\thepage}"
    "\\renewcommand{\\headrulewidth}{0.4pt}}\n"
    "\\makeatother\n"
)
_LATEX_SPECIAL = {c: "\\" + c for c in "&%$#_{}"} | {"~": "\\~{}", "^": "\\^{}", "\\": "/"}


def _latex_text(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(c, c) for c in text)


def build_config(root: Path, info: dict[str, Any], *, pdf: bool) -> dict[str, Any]:
    """The root ``_config.yml`` plus the edition-specific settings.

    The edition's version and date are not Sphinx's ``version``/``release``/``today``
    (changing those makes Sphinx read every page again): the HTML shows them on the
    title page (``edition.md``), the PDF also in its title block (``maketitle``).
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx_cfg = config.setdefault("sphinx", {}).setdefault("config", {})
    latex_elements = sphinx_cfg.setdefault("latex_elements", {})
    # the reader's pages show results; each chapter names its notebook, stage and modules
    # instead (pipeline.bookext), in the HTML and the PDF alike
    sphinx_cfg["nb_remove_code_source"] = True
    sphinx_cfg.setdefault("extensions", []).append("pipeline.bookext")
    sphinx_cfg["pipeline_chapter_sources"] = chapter_sources(root)
    if info["synthetic"]:
        sphinx_cfg.setdefault("html_theme_options", {})["announcement"] = SYNTHETIC_BANNER
        latex_elements["preamble"] = latex_elements.get("preamble", "") + SYNTHETIC_LATEX_HEADER
    if pdf:
        date = info["source_date"].split(" ")[0] if info["epoch"] is not None else ""
        latex_elements["releasename"] = "Edition"
        latex_elements["maketitle"] = (
            f"\\release{{{_latex_text(info['version'])}}}\\date{{{date}}}\\sphinxmaketitle"
        )
    return config


def cache_key(root: Path, info: dict[str, Any], kind: str) -> str:
    """What a builder's Sphinx working folder was made from; another key starts it afresh."""
    versions = {}
    for name in TOOL_PACKAGES:
        try:
            versions[name] = md.version(name)
        except md.PackageNotFoundError:
            versions[name] = ""
    parts = {
        "kind": kind,
        "synthetic": info["synthetic"],
        "config": (root / "_config.yml").read_text(encoding="utf-8"),
        "toc": (root / "_toc.yml").read_text(encoding="utf-8"),
        "tools": versions,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


# ------------------------------------------------------------------- publishing
def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def publish_folder(new: Path, target: Path) -> None:
    """Put the finished folder ``new`` in place of ``target``; ``new`` is consumed.

    Readers see the old folder or the new one, never a mixture: the two are exchanged
    in one rename where the system allows it, else ``target`` is moved aside first
    (:func:`clean_staging` restores it if a kill falls between the two renames).
    """
    if target.exists() and _exchange(new, target):
        shutil.rmtree(new)  # it now holds the previous book
        return
    old = new.with_name(new.name + ".previous")
    if target.exists():
        os.rename(target, old)
    os.rename(new, target)
    shutil.rmtree(old, ignore_errors=True)


def publish_file(built: Path, target: Path, staging: Path) -> None:
    """Copy ``built`` to ``staging`` (outside the output folder), then rename it onto
    ``target``: readers see the old file or the new one, and a kill leaves no partial file
    beside ``target``."""
    staging.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, staging)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging, target)


def clean_staging(root: Path, kind: str) -> None:
    """Remove what an interrupted run of ``kind`` left in ``book/_build/.staging``."""
    staging = root / STAGING_DIR
    target = root / BUILD_DIR / kind
    for leftover in sorted(staging.glob(f"{kind}-*")):
        if leftover.name.endswith(".previous") and not target.exists():
            os.rename(leftover, target)  # killed between the two renames: the old book stays
        elif leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()


# ------------------------------------------------------------------------ build
def _write_if_changed(path: Path, text: str) -> None:
    """Atomic write, skipped when the file already says ``text`` (Sphinx re-reads a page
    whose file is newer than its last read)."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        atomic_write_text(path, text)


def _bundle_stamp(bundle: Path) -> str:
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest() if bundle.exists() else ""
    return f"vl-convert-python {md.version('vl-convert-python')} {digest}"


def public_url(root: Path) -> str:
    """The HTML book's public address, ``html.baseurl`` in ``_config.yml`` (empty: none)."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
    return str((config.get("html") or {}).get("baseurl") or "").strip()


def write_pages(root: Path, info: dict[str, Any]) -> None:
    """The pages that depend on the checkout or the machine (:mod:`pipeline.frontmatter`),
    written by both book stages into ``book/generated/`` and never DVC outputs, so a build
    on another machine or in a fresh clone leaves ``dvc.lock`` as it was."""
    from pipeline.disclosure import suppressed_label
    from pipeline.params import param

    k = int(param("common.k_anonymity", root))
    root_doc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))["root"]
    pages = {
        "edition.md": edition_markdown(info),
        "formats.md": formats_markdown(
            pdf_tools=latex_available(), root_doc=root_doc, public_url=public_url(root)
        ),
        "how_to_read.md": how_to_read_markdown(info, k=k, hidden=suppressed_label(k)),
        "environment.md": environment_markdown(package_versions(KEY_PACKAGES)),
    }
    for name, text in pages.items():
        _write_if_changed(root / "book" / "generated" / name, text)


def stamp_text(info: dict[str, Any], kind: str, *, built: bool = True) -> str:
    """What ``book/_build/<kind>/.built.json`` says, the file DVC tracks for each book stage.

    The book itself is not a DVC output: its bytes depend on the commit it is built from
    (its version) and on the installed tools, so recording its hash in ``dvc.lock`` would
    make every fresh clone rewrite the lock. The stamp holds only what the raw inputs fix;
    it goes with the published folder, so deleting the book reruns its stage."""
    data = {"book": kind, "edition": info["label"], "data": info["data_hash"], "built": built}
    return json.dumps(data, sort_keys=True) + "\n"


def write_vega_bundle(root: Path) -> None:
    """The offline chart runtime the HTML book ships.

    The runtime comes from vl-convert and changes only with it: it is written again
    when vl-convert's version or the file differs from what the last build recorded
    (so the build does not load the charting libraries for nothing)."""
    bundle = root / "book" / "_static" / "vega-bundle.js"
    stamp = root / CACHE_DIR / "vega-bundle.stamp"
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != _bundle_stamp(bundle):
        from pipeline.report import write_vega_bundle

        write_vega_bundle(bundle.parent)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(stamp, _bundle_stamp(bundle))


def prepare_cache(root: Path, info: dict[str, Any], kind: str, clean: bool) -> Path:
    """The builder's Sphinx working folder, emptied when it cannot be trusted."""
    cache = root / CACHE_DIR / kind
    key = cache_key(root, info, kind)
    state = cache / "state.json"
    try:
        previous = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if clean or previous.get("key") != key or previous.get("complete") is not True:
        shutil.rmtree(cache, ignore_errors=True)
    cache.mkdir(parents=True, exist_ok=True)
    # until this build finishes, the folder counts as interrupted
    atomic_write_text(state, json.dumps({"key": key, "complete": False}))
    return cache


def _finish_cache(cache: Path) -> None:
    state = cache / "state.json"
    data = json.loads(state.read_text(encoding="utf-8"))
    atomic_write_text(state, json.dumps({**data, "complete": True}))


#: ``jupyter-book`` itself, minus what ``pipeline/__init__.py`` also skips: jsonschema (which
#: jupyter-book imports to check its configuration) would compile the ``rfc3987_syntax``
#: grammars for URI formats that check never uses, a third of an incremental build's time
JUPYTER_BOOK = (
    "import sys; sys.modules.setdefault('rfc3987_syntax', None); sys.argv[0] = 'jupyter-book'; "
    "from jupyter_book.cli.main import main; main()"
)


def run_sphinx(root: Path, info: dict[str, Any], kind: str, cache: Path) -> Path:
    """Run one jupyter-book build into ``cache``; return the folder Sphinx wrote."""
    builder, out_name = BUILDERS[kind]
    config_path = cache / "config.yml"
    text = yaml.safe_dump(build_config(root, info, pdf=kind == "pdf"), sort_keys=False)
    _write_if_changed(config_path, text)
    cmd = [
        sys.executable,
        "-c",
        JUPYTER_BOOK,
        "build",
        str(root),
        "--config",
        str(config_path),
        "--toc",
        str(root / "_toc.yml"),
        "--path-output",
        str(cache),
        "--builder",
        builder,
        "--keep-going",
    ]
    # Sphinx copies the static files before it writes pages, but MyST-NB adds its
    # stylesheet only when the build finishes: left from the previous build, it would be
    # there while pages are written, and they would link it with a checksum a clean build
    # lacks. Only that file goes: with nothing out of date Sphinx copies nothing, and
    # MyST-NB still writes its stylesheet into the folder, which must exist.
    for stale in (cache / "_build" / out_name / "_static").glob("mystnb.*.css"):
        stale.unlink()
    env = dict(os.environ)
    if info["epoch"] is not None:
        env["SOURCE_DATE_EPOCH"] = str(info["epoch"])
    print(f"[book] {kind}: building", file=sys.stderr, flush=True)
    log_path = cache / f"{kind}.log"
    with log_path.open("w", encoding="utf-8") as log:
        code = subprocess.run(
            cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode
    _report(code, log_path.read_text(encoding="utf-8", errors="replace"), kind)
    out = cache / "_build" / out_name
    if code != 0:
        raise SystemExit(f"[book] the {kind.upper()} build failed; see the log above")
    return out


def latex_available() -> bool:
    return shutil.which("xelatex") is not None and shutil.which("latexmk") is not None


NO_LATEX_MESSAGE = (
    "[book] No LaTeX engine found, so the PDF was not built (the HTML book is unaffected).\n"
    "       To build the PDF too, install (Debian/Ubuntu):\n"
    f"         sudo apt-get install -y {TEX_PACKAGES}\n"
    "       then run `dvc repro --force book_pdf` (DVC recorded this build as done\n"
    "       without a PDF, so a plain `dvc repro` or `make report` does not retry it)."
)


SEARCH_INDEX = ("Search.setIndex(", ")")


def prune_search_index(html: Path) -> None:
    """Drop the words no page contains any more from Sphinx's ``searchindex.js``.

    An incremental build loads the previous index and removes the re-read pages from
    each word's pages, but keeps a word whose list is then empty (``"word": []``); a
    clean build never has those, so the two would differ in bytes. The file is written
    again as Sphinx writes it (JSON with sorted keys)."""
    path = html / "searchindex.js"
    prefix, suffix = SEARCH_INDEX
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if not (text.startswith(prefix) and text.endswith(suffix)):
        return
    index = json.loads(text[len(prefix) : -len(suffix)])
    for key in ("terms", "titleterms"):
        index[key] = {word: docs for word, docs in index.get(key, {}).items() if docs != []}
    pruned = prefix + json.dumps(index, sort_keys=True) + suffix
    if pruned != text:
        atomic_write_text(path, pruned)


def prune_unlinked_downloads(html: Path) -> None:
    """Drop the files under ``_downloads/`` that no page links any more.

    Sphinx copies a file a page offers with ``{download}`` there, but an incremental build
    never removes one a page stopped offering; a clean build would not have it."""
    folder = html / "_downloads"
    if not folder.is_dir():
        return
    linked = set()
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        linked |= set(re.findall(r"_downloads/([0-9a-f]+/[^\"'#?]+)", text))
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.relative_to(folder).as_posix() not in linked:
            path.unlink()
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and not any(p.iterdir())):
        sub.rmdir()


#: what no page of the book asks for, under ``_static``: the themes' source maps (only a
#: browser's developer tools read them, ~3 MB), their translation catalogues (Sphinx reads
#: them while building, ~0.5 MB) and the TrueType copies of the icon fonts (each
#: ``@font-face`` lists the WOFF2 copy first, which every browser running the theme's
#: scripts takes, ~0.7 MB)
UNSERVED_STATIC = ("**/*.map", "locales/**/*.mo", "locales/**/*.po", "vendor/**/webfonts/*.ttf")
#: Font Awesome's script (1.5 MB, the largest file of the book) swaps each icon for an inline
#: SVG; the theme's CSS already draws the same icons from the WOFF2 fonts it ships, so every
#: page keeps its script tag but the file is cut to a comment (same icons, checked in a
#: browser by tests/e2e/test_html_browser.py).
ICON_SCRIPT = "scripts/fontawesome.js"
ICON_SCRIPT_STUB = "/* icons are drawn by the theme's CSS from its WOFF2 fonts (pipeline.book) */\n"


def prune_static(html: Path) -> None:
    """Drop the files of :data:`UNSERVED_STATIC` (and folders left empty) and cut the icon
    script (:data:`ICON_SCRIPT`), so the HTML folder stays light."""
    static = html / "_static"
    for pattern in UNSERVED_STATIC:
        for path in sorted(static.glob(pattern)):
            path.unlink()
    for folder in sorted((p for p in static.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()
    if (static / ICON_SCRIPT).is_file():
        atomic_write_text(static / ICON_SCRIPT, ICON_SCRIPT_STUB)


def served_entries(root: Path) -> list[Path]:
    """The entries of the folder the HTML serves as they are (``project.book_files``)."""
    from pipeline import catalog

    source = catalog.locate("project.book_files", root)
    return sorted(source.iterdir()) if source.is_dir() else []


def sync_served_files(root: Path, html: Path) -> None:
    """Make the files the HTML serves as they are (``project.book_files``, Sphinx's
    ``html_extra_path``) match their source exactly: Sphinx copies them over its previous
    output and deletes nothing, so a download a stage no longer writes would stay served."""
    for entry in served_entries(root):
        target = html / entry.name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if entry.is_dir():
            shutil.copytree(entry, target)
        else:
            shutil.copy2(entry, target)


def build_html(root: Path, info: dict[str, Any], *, clean: bool = False) -> Path:
    """Build the HTML book and publish it as ``book/_build/html``; return its index page."""
    clean_staging(root, "html")
    write_pages(root, info)
    write_vega_bundle(root)
    cache = prepare_cache(root, info, "html", clean)
    built = run_sphinx(root, info, "html", cache)
    if not (built / "index.html").exists():
        raise SystemExit("[book] the HTML build wrote no index.html; see the log above")
    prune_search_index(built)
    staging = root / STAGING_DIR / f"html-{os.getpid()}"
    staging.parent.mkdir(parents=True, exist_ok=True)
    # the served files (most of the folder's bytes) are copied from their source just after
    served = {entry.name for entry in served_entries(root)}
    shutil.copytree(
        built, staging, ignore=lambda d, names: served & set(names) if d == str(built) else ()
    )
    sync_served_files(root, staging)
    prune_static(staging)
    prune_unlinked_downloads(staging)
    atomic_write_text(staging / STAMP, stamp_text(info, "html"))
    _finish_cache(cache)
    target = root / BUILD_DIR / "html"
    publish_folder(staging, target)
    return target / "index.html"


def build_pdf(root: Path, info: dict[str, Any], *, clean: bool = False) -> Path:
    """Build the PDF book and publish it as ``book/_build/pdf/report.pdf``."""
    clean_staging(root, "pdf")
    write_pages(root, info)
    cache = prepare_cache(root, info, "pdf", clean)
    built = run_sphinx(root, info, "pdf", cache) / PDF_NAME
    if not built.exists():
        raise SystemExit("[book] the PDF build wrote no PDF; see the log above")
    target = root / BUILD_DIR / "pdf" / PDF_NAME
    publish_file(built, target, root / STAGING_DIR / f"pdf-{os.getpid()}")
    atomic_write_text(target.parent / STAMP, stamp_text(info, "pdf"))
    _finish_cache(cache)
    return target


def build(
    root: Path | None = None,
    *,
    html: bool = True,
    pdf: bool = True,
    require_pdf: bool = False,
    clean: bool = False,
) -> dict[str, Path]:
    """Build the HTML and/or the PDF book; return what was published."""
    root = (root or repo_root()).resolve()
    info = edition_info(root)
    outputs: dict[str, Path] = {}
    if html:
        outputs["html"] = build_html(root, info, clean=clean)
    if pdf:
        # the DVC output folder exists even without TeX
        (root / BUILD_DIR / "pdf").mkdir(parents=True, exist_ok=True)
        if latex_available():
            outputs["pdf"] = build_pdf(root, info, clean=clean)
        elif require_pdf:
            raise SystemExit(NO_LATEX_MESSAGE)
        else:
            write_pages(root, info)  # the HTML's front page says the PDF was not built
            stamp = root / BUILD_DIR / "pdf" / STAMP
            atomic_write_text(stamp, stamp_text(info, "pdf", built=False))
            print(NO_LATEX_MESSAGE, file=sys.stderr)
    for kind, path in outputs.items():
        print(f"[book] {kind}: {path}", file=sys.stderr)
    return outputs


def _report(returncode: int, log: str, kind: str) -> None:
    lines = [
        ln
        for ln in log.splitlines()
        if ("WARNING" in ln or "ERROR" in ln or "Error" in ln) and "comments_config" not in ln
    ]
    if returncode != 0:
        print(log[-8000:], file=sys.stderr)
    elif lines:
        print(f"[book] {kind}: {len(lines)} warnings; first ones:", file=sys.stderr)
        for ln in lines[:15]:
            print("   ", ln[:300], file=sys.stderr)


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline book",
        description="Build the Jupyter Book from book/generated/*.ipynb: the HTML into "
        "book/_build/html, the PDF (when xelatex is installed) into book/_build/pdf. "
        "Only the chapters that changed since the last build are read again.",
    )
    parser.add_argument(
        "target",
        nargs="?",
        choices=("html", "pdf", "all"),
        default="all",
        help="what to build (default: all; the DVC stages `book` and `book_pdf` run html and pdf)",
    )
    parser.add_argument("--no-pdf", action="store_true", help="build the HTML only")
    parser.add_argument(
        "--require-pdf", action="store_true", help="fail when the PDF cannot be built"
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="start from an empty Sphinx working folder instead of the previous build's",
    )
    args = parser.parse_args(argv)
    build(
        html=args.target in ("html", "all"),
        pdf=args.target in ("pdf", "all") and not args.no_pdf,
        require_pdf=args.require_pdf,
        clean=args.clean,
    )
    return 0
