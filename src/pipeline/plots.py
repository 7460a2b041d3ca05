"""An offline page for ``dvc plots diff``.

DVC writes its plots page from a template that loads vega, vega-lite and
vega-embed from a CDN; offline the charts stay blank. ``.dvc/config`` points
``plots.html_template`` at the page written here instead, which carries the
same chart runtime the book ships (``vl_convert.javascript_bundle()``, wrapped
by :func:`pipeline.report.write_vega_bundle`) inline, so ``dvc plots diff``
needs no network. The ``plots_template`` stage writes it
(``python -m pipeline plots template``).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from pipeline import catalog
from pipeline.io import atomic_write_text

__all__ = ["DVC_PLACEHOLDERS", "template_html", "write_template"]

#: what DVC substitutes in its page template; only ``{plot_divs}`` may appear here
DVC_PLACEHOLDERS = ("{plot_divs}", "{scripts}", "{refresh_tag}")

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>DVC plots: this workspace against the other revisions</title>
<script>
{runtime}
</script>
<style>
body {{ font-family: "Liberation Sans", Arial, sans-serif; margin: 1.5em; }}
div[id] {{ margin-bottom: 2em; }}
</style>
</head>
<body>
<h1>Plots: this workspace against the other revisions</h1>
{{plot_divs}}
</body>
</html>
"""


def _runtime() -> str:
    """The chart runtime as :func:`pipeline.report.write_vega_bundle` writes it for the book."""
    from pipeline.report import write_vega_bundle

    with tempfile.TemporaryDirectory(prefix="vega-") as tmp:
        return write_vega_bundle(Path(tmp)).read_text(encoding="utf-8")


def template_html(runtime: str | None = None) -> str:
    """The page: the runtime inline (``</script`` escaped), then DVC's ``{plot_divs}``."""
    code = (runtime if runtime is not None else _runtime()).replace("</script", "<\\/script")
    clashes = [p for p in DVC_PLACEHOLDERS if p in code]
    if clashes:
        raise ValueError(f"the chart runtime contains DVC's placeholder {clashes[0]}")
    return PAGE.format(runtime=code)


def write_template(path: str | Path | None = None) -> Path:
    """Write the page (default: the catalog's ``project.plots_template``)."""
    return atomic_write_text(path or catalog.locate("project.plots_template"), template_html())


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline plots template",
        description="Write the offline page template `dvc plots diff` uses "
        "(.dvc/config plots.html_template): the chart runtime inline, no CDN.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"output file (default: {catalog.path('project.plots_template')})",
    )
    args = parser.parse_args(argv)
    print(f"wrote {write_template(args.out)}")
    return 0
