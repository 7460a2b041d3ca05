"""Print the shape of the ``pipeline`` package at one or more git revisions, as a Markdown table.

    python scripts/code_shape.py a3ed60e HEAD

For each revision: modules and lines, the largest module, functions longer than 50, 60 and 100
lines, the longest functions, and which input areas have the common shape (``read``, ``clean``,
``schemas``, ``findings``, ``charts``, ``cli``). The source is read from git (``git show``), so
the working tree is not touched. Used for the before/after evidence of issue 14.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import PurePosixPath

SHAPE = ("read", "clean", "schemas", "findings", "charts", "cli")
AREAS = ("centres", "survey", "interviews", "biblio", "literature", "registers", "workshop")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout


def _sources(rev: str) -> dict[str, str]:
    names = _git("ls-tree", "-r", "--name-only", rev, "src/pipeline").split()
    return {n: _git("show", f"{rev}:{n}") for n in names if n.endswith(".py")}


def _functions(path: str, text: str) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append((node.end_lineno - node.lineno + 1, f"{path[len('src/') :]}:{node.name}"))
    return out


def shape(rev: str) -> dict[str, object]:
    sources = _sources(rev)
    sizes = {p: t.count("\n") for p, t in sources.items()}
    funcs = sorted((f for p, t in sources.items() for f in _functions(p, t)), reverse=True)
    packages = {str(PurePosixPath(p).parent.name): set() for p in sources}
    for p in sources:
        packages[PurePosixPath(p).parent.name].add(PurePosixPath(p).stem)
    shaped = [a for a in AREAS if a in packages and set(SHAPE) <= packages[a]]
    largest = max(sizes, key=sizes.get)
    return {
        "modules": len(sources),
        "lines": sum(sizes.values()),
        "largest module": f"{largest[len('src/') :]} ({sizes[largest]})",
        "functions > 50 lines": sum(n > 50 for n, _ in funcs),
        "functions > 60 lines": sum(n > 60 for n, _ in funcs),
        "functions > 100 lines": sum(n > 100 for n, _ in funcs),
        "longest function": f"{funcs[0][1]} ({funcs[0][0]})",
        "input areas with the common shape": f"{len(shaped)}: {', '.join(shaped) or '-'}",
    }


def main(revs: list[str]) -> int:
    tables = {rev: shape(rev) for rev in revs}
    print("| measure | " + " | ".join(f"`{r}`" for r in revs) + " |")
    print("|---|" + "---|" * len(revs))
    for key in tables[revs[0]]:
        print(f"| {key} | " + " | ".join(str(tables[r][key]) for r in revs) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["HEAD"]))
