"""The book build's stamp, publishing and cache rules (no Sphinx run: those are e2e)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from pipeline import book

COMMIT_TIME = 1_700_000_000  # 2023-11-14 22:13:20 UTC


def _git_repo(root: Path) -> Path:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": f"@{COMMIT_TIME} +0000",
        "GIT_COMMITTER_DATE": f"@{COMMIT_TIME} +0000",
    }
    (root / "README.md").write_text("x\n", encoding="utf-8")
    for cmd in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "x"],
    ):
        subprocess.run(cmd, cwd=root, check=True, env=env, capture_output=True)
    return root


def _project(root: Path) -> Path:
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (root / "_config.yml").write_text("title: T\n", encoding="utf-8")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/index\n", encoding="utf-8")
    return root


# ------------------------------------------------------------------------- stamp
def test_stamp_is_source_date_epoch_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert book.source_date_epoch(_git_repo(tmp_path)) == 86400


def test_stamp_is_the_commit_time_without_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert book.source_date_epoch(_git_repo(tmp_path)) == COMMIT_TIME


def test_stamp_outside_git_is_none_not_the_clock(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    info = book.edition_info(_project(tmp_path))
    assert info["epoch"] is None
    assert "undated" in info["source_date"] and "SOURCE_DATE_EPOCH" in info["source_date"]


def test_a_malformed_source_date_epoch_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(SystemExit, match="SOURCE_DATE_EPOCH.*'yesterday'"):
        book.source_date_epoch(tmp_path)


def test_edition_text_and_pdf_title_carry_the_source_date_only(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(COMMIT_TIME))
    root = _project(tmp_path)
    info = book.edition_info(root)
    text = book.edition_markdown(info)
    assert "**Source date:** 2023-11-14 22:13 UTC" in text
    assert "Built" not in text
    # a second call (a later clock) gives the same text
    assert book.edition_markdown(book.edition_info(root)) == text
    latex = book.build_config(root, info, pdf=True)["sphinx"]["config"]["latex_elements"]
    assert "\\date{2023-11-14}" in latex["maketitle"]
    html = book.build_config(root, info, pdf=False)["sphinx"]["config"]
    assert "release" not in html and "today" not in html


def test_version_is_dirty_for_changed_sources_but_not_for_the_locks_dvc_rewrites(tmp_path):
    root = _git_repo(tmp_path)
    stage_lock = root / "stages" / "s1" / "dvc.lock"
    stage_lock.parent.mkdir(parents=True)
    for lock in (root / "dvc.lock", stage_lock):
        lock.write_text("schema: '2.0'\n", encoding="utf-8")
    subprocess.run(["git", "add", "dvc.lock", "stages"], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "lock"],
        cwd=root,
        check=True,
    )
    clean = book.code_version(root)
    assert clean and not clean.endswith("-dirty")
    for lock in (root / "dvc.lock", stage_lock):
        lock.write_text("schema: '2.0'\nstages: {}\n", encoding="utf-8")
    assert book.code_version(root) == clean
    (root / "stages" / "s1" / "dvc.yaml").write_text("stages: {}\n", encoding="utf-8")
    subprocess.run(["git", "add", "stages"], cwd=root, check=True)
    assert book.code_version(root) == clean + "-dirty"  # a stage's definition is a source


def test_version_outside_git(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert book.code_version(tmp_path) == "unversioned"


# -------------------------------------------------------------------- publishing
def _folder(path: Path, **files: str) -> Path:
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "two-renames"])
def test_publish_folder_replaces_the_book_and_leaves_nothing_behind(
    tmp_path, monkeypatch, exchange
):
    if not exchange:
        monkeypatch.setattr(book, "_exchange", lambda a, b: False)
    target = _folder(tmp_path / "html", **{"index.html": "old", "gone.html": "old"})
    new = _folder(tmp_path / ".staging" / "html-1", **{"index.html": "new"})
    book.publish_folder(new, target)
    assert {p.name: p.read_text() for p in target.iterdir()} == {"index.html": "new"}
    assert list((tmp_path / ".staging").iterdir()) == []


def test_publish_folder_without_a_previous_book(tmp_path):
    new = _folder(tmp_path / ".staging" / "html-1", **{"index.html": "new"})
    book.publish_folder(new, tmp_path / "html")
    assert (tmp_path / "html" / "index.html").read_text() == "new"
    assert not new.exists()


def test_publish_file_leaves_no_temporary_file_beside_the_pdf(tmp_path):
    built = tmp_path / "cache" / "report.pdf"
    built.parent.mkdir()
    built.write_bytes(b"%PDF new")
    target = tmp_path / "pdf" / "report.pdf"
    target.parent.mkdir()
    target.write_bytes(b"%PDF old")
    book.publish_file(built, target, tmp_path / ".staging" / "pdf-1")
    assert target.read_bytes() == b"%PDF new"
    assert [p.name for p in target.parent.iterdir()] == ["report.pdf"]
    assert list((tmp_path / ".staging").iterdir()) == []


def test_leftovers_of_a_killed_build_are_removed_by_the_next_run(tmp_path):
    build_dir = tmp_path / book.BUILD_DIR
    _folder(build_dir / "html", **{"index.html": "published"})
    staging = tmp_path / book.STAGING_DIR
    _folder(staging / "html-11", **{"index.html": "half"})
    _folder(staging / "html-12.previous", **{"index.html": "older"})
    (staging / "pdf-13").write_bytes(b"%PDF half")
    book.clean_staging(tmp_path, "html")
    assert [p.name for p in staging.iterdir()] == ["pdf-13"]  # only the html leftovers
    assert (build_dir / "html" / "index.html").read_text() == "published"
    book.clean_staging(tmp_path, "pdf")
    assert list(staging.iterdir()) == []


def test_a_kill_between_the_two_renames_keeps_the_previous_book(tmp_path):
    staging = tmp_path / book.STAGING_DIR
    _folder(staging / "html-11", **{"index.html": "new, never published"})
    _folder(staging / "html-11.previous", **{"index.html": "previous"})
    book.clean_staging(tmp_path, "html")
    assert (tmp_path / book.BUILD_DIR / "html" / "index.html").read_text() == "previous"
    assert list(staging.iterdir()) == []


def test_a_failed_html_build_leaves_the_published_book_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    root = _project(tmp_path)
    published = _folder(root / book.BUILD_DIR / "html", **{"index.html": "previous"})

    def failing_sphinx(root, info, kind, cache):
        (cache / "_build" / "html").mkdir(parents=True)
        (cache / "_build" / "html" / "index.html").write_text("half", encoding="utf-8")
        raise SystemExit("[book] the HTML build failed")

    monkeypatch.setattr(book, "write_pages", lambda root, info: None)
    monkeypatch.setattr(book, "write_vega_bundle", lambda root: None)
    monkeypatch.setattr(book, "run_sphinx", failing_sphinx)
    with pytest.raises(SystemExit):
        book.build_html(root, book.edition_info(root))
    assert [p.name for p in published.iterdir()] == ["index.html"]
    assert (published / "index.html").read_text() == "previous"
    state = json.loads((root / book.CACHE_DIR / "html" / "state.json").read_text())
    assert state["complete"] is False  # the next build starts clean


def test_a_successful_html_build_is_published_and_marks_its_cache_complete(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    root = _project(tmp_path)
    _folder(root / book.BUILD_DIR / "html", **{"index.html": "previous"})

    def sphinx(root, info, kind, cache):
        return _folder(cache / "_build" / "html", **{"index.html": "new"})

    monkeypatch.setattr(book, "write_pages", lambda root, info: None)
    monkeypatch.setattr(book, "write_vega_bundle", lambda root: None)
    monkeypatch.setattr(book, "run_sphinx", sphinx)
    index = book.build_html(root, book.edition_info(root))
    assert index.read_text() == "new"
    state = json.loads((root / book.CACHE_DIR / "html" / "state.json").read_text())
    assert state["complete"] is True
    assert list((root / book.STAGING_DIR).iterdir()) == []


# ------------------------------------------------------------------------- cache
def _kept(root: Path, info: dict, **kw) -> bool:
    """Whether ``prepare_cache`` kept the marker file from the previous build."""
    cache = book.prepare_cache(root, info, "html", kw.pop("clean", False))
    return (cache / "marker").exists()


def _complete_build(root: Path, info: dict) -> None:
    cache = book.prepare_cache(root, info, "html", False)
    (cache / "marker").write_text("previous build", encoding="utf-8")
    book._finish_cache(cache)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    root = _project(tmp_path)
    return root, book.edition_info(root)


def test_cache_is_reused_when_nothing_it_depends_on_changed(project):
    root, info = project
    _complete_build(root, info)
    assert _kept(root, info)


def test_cache_is_dropped_after_an_interrupted_build(project):
    root, info = project
    _complete_build(root, info)
    book.prepare_cache(root, info, "html", False)  # a build starts ... and is killed
    assert not _kept(root, info)


def test_cache_is_dropped_on_request(project):
    root, info = project
    _complete_build(root, info)
    assert not _kept(root, info, clean=True)


@pytest.mark.parametrize("changed", ["_config.yml", "_toc.yml"])
def test_cache_is_dropped_when_the_book_configuration_changes(project, changed):
    root, info = project
    _complete_build(root, info)
    with (root / changed).open("a", encoding="utf-8") as fh:
        fh.write("# changed\n")
    assert not _kept(root, info)


def test_cache_is_dropped_when_the_edition_kind_or_a_tool_version_changes(project, monkeypatch):
    root, info = project
    _complete_build(root, info)
    assert not _kept(root, {**info, "synthetic": not info["synthetic"]})
    _complete_build(root, info)
    real_version = book.md.version
    monkeypatch.setattr(
        book.md, "version", lambda name: "0.0" if name == "sphinx" else real_version(name)
    )
    assert not _kept(root, info)


def test_cache_key_ignores_the_source_date(project):
    """A new commit does not make Sphinx read every chapter again."""
    root, info = project
    assert book.cache_key(root, info, "html") == book.cache_key(
        root, {**info, "epoch": 1, "version": "other"}, "html"
    )
    assert book.cache_key(root, info, "html") != book.cache_key(root, info, "pdf")


def test_prune_static_drops_what_no_page_asks_for_and_keeps_the_rest(tmp_path):
    static = tmp_path / "_static"
    kept = [
        "scripts/bootstrap.js",
        "styles/theme.css",
        "vendor/fontawesome/webfonts/fa-solid-900.woff2",
        "vega-bundle.js",
    ]
    dropped = [
        "scripts/bootstrap.js.map",
        "locales/de/LC_MESSAGES/booktheme.mo",
        "locales/de/LC_MESSAGES/booktheme.po",
        "vendor/fontawesome/webfonts/fa-solid-900.ttf",
    ]
    for rel in kept + dropped:
        (static / rel).parent.mkdir(parents=True, exist_ok=True)
        (static / rel).write_text("x", encoding="utf-8")
    (static / book.ICON_SCRIPT).write_text("x" * 1000, encoding="utf-8")
    kept.append(book.ICON_SCRIPT)
    book.prune_static(tmp_path)
    assert (static / book.ICON_SCRIPT).read_text(encoding="utf-8") == book.ICON_SCRIPT_STUB
    left = sorted(p.relative_to(static).as_posix() for p in static.rglob("*"))
    assert [p for p in left if "." in Path(p).name] == sorted(kept)
    assert not (static / "locales").exists()  # emptied folders go too


def test_served_files_match_their_source_after_a_rebuild(tmp_path):
    from pipeline import catalog

    source = catalog.locate("project.book_files", tmp_path)
    (source / "downloads/s").mkdir(parents=True)
    (source / "downloads/s/new.csv").write_text("new", encoding="utf-8")
    html = tmp_path / "html"
    (html / "downloads/s").mkdir(parents=True)
    (html / "downloads/s/old.csv").write_text("left by the previous build", encoding="utf-8")
    (html / "index.html").write_text("page", encoding="utf-8")
    book.sync_served_files(tmp_path, html)
    assert sorted(p.name for p in (html / "downloads/s").iterdir()) == ["new.csv"]
    assert (html / "index.html").read_text(encoding="utf-8") == "page"


# ------------------------------------------------------- what dvc.lock records of the book
def _commit(root: Path, message: str, *paths: str) -> None:
    subprocess.run(["git", "add", *paths], cwd=root, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message],
        cwd=root,
        check=True,
        env={**os.environ, "GIT_COMMITTER_DATE": "@1800000000 +0000"},
    )


def test_committing_the_lock_alone_changes_neither_version_nor_date(tmp_path, monkeypatch):
    """``dvc repro`` then ``git commit dvc.lock``: a clone of that commit builds the same book."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = _git_repo(tmp_path)
    before = (book.code_version(root), book.source_date_epoch(root))
    (root / "dvc.lock").write_text("schema: '2.0'\n", encoding="utf-8")
    (root / "stages" / "s1").mkdir(parents=True)
    (root / "stages" / "s1" / "dvc.lock").write_text("schema: '2.0'\n", encoding="utf-8")
    _commit(root, "lock", "dvc.lock", "stages")
    assert (book.code_version(root), book.source_date_epoch(root)) == before
    (root / "README.md").write_text("changed\n", encoding="utf-8")
    _commit(root, "source", "README.md")
    after = (book.code_version(root), book.source_date_epoch(root))
    assert after[0] != before[0] and after[1] == 1_800_000_000


def test_the_stamp_dvc_tracks_ignores_version_and_date_but_not_the_data():
    info = {"label": "Synthetic reference edition", "data_hash": "abc", "version": "v1"}
    other_commit = {**info, "version": "v2-dirty", "source_date": "later"}
    assert book.stamp_text(info, "html") == book.stamp_text(other_commit, "html")
    assert book.stamp_text(info, "html") != book.stamp_text({**info, "data_hash": "def"}, "html")
    assert book.stamp_text(info, "pdf") != book.stamp_text(info, "pdf", built=False)


def test_the_published_html_book_carries_its_stamp(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    root = _project(tmp_path)

    def sphinx(root, info, kind, cache):
        return _folder(cache / "_build" / "html", **{"index.html": "new"})

    monkeypatch.setattr(book, "write_pages", lambda root, info: None)
    monkeypatch.setattr(book, "write_vega_bundle", lambda root: None)
    monkeypatch.setattr(book, "run_sphinx", sphinx)
    info = book.edition_info(root)
    index = book.build_html(root, info)
    assert (index.parent / book.STAMP).read_text() == book.stamp_text(info, "html")


def test_reader_pages_hide_code_in_html_and_pdf_and_name_each_chapters_source(tmp_path):
    root = Path(__file__).resolve().parents[1]
    info = {"synthetic": True, "epoch": None, "source_date": "undated", "version": "v"}
    for pdf in (False, True):
        cfg = book.build_config(root, info, pdf=pdf)["sphinx"]["config"]
        assert cfg["nb_remove_code_source"] is True
        assert "pipeline.bookext" in cfg["extensions"]
        sources = cfg["pipeline_chapter_sources"]
        assert sources["book/generated/phase2_centres"]["stage"] == "phase2_centres"


def test_downloads_no_page_links_any_more_are_dropped(tmp_path):
    html = tmp_path / "html"
    (html / "_downloads/aa11").mkdir(parents=True)
    (html / "_downloads/bb22").mkdir(parents=True)
    (html / "_downloads/aa11/chapter.ipynb").write_text("nb", encoding="utf-8")
    (html / "_downloads/bb22/tables.xlsx").write_text("stale", encoding="utf-8")
    (html / "book").mkdir()
    (html / "book/page.html").write_text(
        '<a href="../_downloads/aa11/chapter.ipynb">notebook</a>', encoding="utf-8"
    )
    book.prune_unlinked_downloads(html)
    left = sorted(p.relative_to(html).as_posix() for p in html.rglob("*") if p.is_file())
    assert left == ["_downloads/aa11/chapter.ipynb", "book/page.html"]
    assert not (html / "_downloads/bb22").exists()
