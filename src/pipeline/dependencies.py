"""What a stage needs, derived from its code rather than typed by hand.

* :func:`module_closure` — the ``pipeline`` modules a set of modules imports,
  transitively (static analysis of every ``import`` statement, including those
  inside functions), with the packages' ``__init__.py`` and the data files that
  sit beside them (``survey/questions.yaml``);
* :func:`notebook_imports` — the ``pipeline`` modules a notebook imports;
* :func:`notebook_catalog_keys` — the datasets a notebook names
  (``catalog.path("processed.centres")``);
* :func:`uncovered` — which of a set of paths no declared dependency covers.

:mod:`pipeline.dag` uses these to write ``dvc.yaml``; the tests use them to
check it, and the end-to-end run checks the files each stage really opened
(:mod:`pipeline.tracing`) against what it declares.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

import nbformat

__all__ = [
    "SRC",
    "module_closure",
    "module_file",
    "module_imports",
    "notebook_catalog_keys",
    "notebook_imports",
    "uncovered",
]

SRC = Path("src")
PACKAGE = "pipeline"
CATALOG_FUNCTIONS = {"path", "locate"}


def module_file(root: Path, module: str) -> Path | None:
    """``src/pipeline/a/b.py`` or ``src/pipeline/a/b/__init__.py`` (relative), if it exists."""
    base = SRC.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if (root / candidate).is_file():
            return candidate
    return None


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    base = parts if is_package else parts[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imported_names(tree: ast.AST, module: str = "", is_package: bool = False) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, is_package, node)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {n for n in names if n == PACKAGE or n.startswith(PACKAGE + ".")}


def module_imports(root: Path, module: str) -> set[str]:
    """The ``pipeline`` modules ``module`` imports directly (those that exist as files)."""
    path = module_file(root, module)
    if path is None:
        return set()
    tree = ast.parse((root / path).read_text(encoding="utf-8"), filename=str(path))
    names = _imported_names(tree, module, path.name == "__init__.py")
    return {n for n in names if module_file(root, n) is not None}


def _with_parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _package_data(root: Path, files: Iterable[Path]) -> set[Path]:
    """Non-Python files in the folders of ``files`` (package data read at run time)."""
    found: set[Path] = set()
    for folder in {f.parent for f in files}:
        for item in (root / folder).iterdir():
            if (
                item.is_file()
                and item.suffix not in (".py", ".pyc")
                and not item.name.startswith(".")
            ):
                found.add(folder / item.name)
    return found


def module_closure(root: Path, modules: Iterable[str]) -> list[Path]:
    """Every file the modules need: themselves, what they import (transitively), their
    packages' ``__init__.py`` and package data; sorted relative paths."""
    todo = [m for start in modules for m in _with_parents(start)]
    seen: set[str] = set()
    while todo:
        module = todo.pop()
        if module in seen or module_file(root, module) is None:
            continue
        seen.add(module)
        for name in module_imports(root, module):
            todo.extend(_with_parents(name))
    files = {module_file(root, m) for m in seen}
    code = {f for f in files if f is not None}
    return sorted(code | _package_data(root, code))


def _code_cells(path: Path) -> list[ast.Module]:
    nb = nbformat.read(path, as_version=4)
    trees = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        trees.append(ast.parse("\n".join(lines), filename=f"{path.name} cell {index}"))
    return trees


def notebook_imports(root: Path, path: Path) -> set[str]:
    """The ``pipeline`` modules the notebook's code cells import (existing files only)."""
    names: set[str] = set()
    for tree in _code_cells(path):
        names |= _imported_names(tree)
    return {n for n in names if module_file(root, n) is not None}


def notebook_catalog_keys(path: Path) -> set[str]:
    """The catalog keys a notebook names as literals: ``catalog.path("key")``."""
    keys: set[str] = set()
    for tree in _code_cells(path):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in CATALOG_FUNCTIONS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "catalog"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


def uncovered(paths: Iterable[str | Path], declared: Iterable[str | Path]) -> list[str]:
    """The paths that are neither declared nor inside a declared folder, sorted."""
    covered = [PurePosixPath(Path(d).as_posix()) for d in declared]
    missing = []
    for p in paths:
        target = PurePosixPath(Path(p).as_posix())
        if not any(target == c or c in target.parents for c in covered):
            missing.append(target.as_posix())
    return sorted(set(missing))
