"""Display helpers every notebook uses: charts, tables, captions, safe text.

Charts are shown through :func:`show_chart`, which emits one output carrying
three representations, so the same notebook renders well everywhere:

* ``text/html`` for the HTML book: a container and an inline, escaped Vega-Lite spec
  that the locally shipped ``vegaEmbed`` (see :func:`write_vega_bundle`) turns into an
  interactive SVG chart; no image data is inlined: the PNG fallback (shown without
  JavaScript or if drawing fails) is a file beside the page, one of the figure's
  downloads (:mod:`pipeline.downloads`), linked under the chart;
* ``application/pdf`` for the LaTeX/PDF book: a vector drawing made by
  ``vl-convert`` (text stays searchable);
* ``image/png`` for Jupyter front ends (it stays in the executed notebook; the HTML
  book picks ``text/html`` and the build does not copy notebook sources).

``vl-convert`` draws each chart once, as SVG; the PNG and the PDF are converted from that
SVG (:func:`render_chart`), which gives the same bytes as drawing each format from the spec
and spares two runs of the Vega renderer per chart.

Nothing is loaded from the network, element ids are derived from the chart
content (so rebuilds are byte-identical), and any JSON placed inside a
``<script>`` element is escaped so that a data string such as
``</script><script>alert(1)</script>`` stays text.

Figures and tables are numbered per chapter ("Figure 2.3"); each comes with a
caption, alt text and, for charts, the numbers behind it as a table.

Every chart and table also carries a source line naming the data edition it was built
from (:func:`edition`, read from ``data/raw/EDITION.yaml``) and the pipeline's version:
inside the chart itself (a footer of the Vega-Lite spec, so the PNG, PDF and interactive
renderings all keep it when copied out of the book) and under every table (HTML,
Markdown/LaTeX and plain text). In a synthetic edition the line says that the data are
synthetic.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import html
import json
import math
import re
import struct
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import altair as alt
import pandas as pd

from pipeline import __version__, theme

__all__ = [
    "ChartFiles",
    "Edition",
    "Number",
    "chapter",
    "chart_mimebundle",
    "column_widths",
    "count_phrase",
    "edition",
    "fmt_int",
    "fmt_pct",
    "glue",
    "json_for_script",
    "md_code",
    "md_escape",
    "show_chart",
    "show_markdown",
    "show_table",
    "table_mimebundle",
    "write_vega_bundle",
]

alt.data_transformers.disable_max_rows()


class Number(str):
    """A chapter, figure or table number ("2.3") that a notebook can use but never shows.

    :func:`chapter`, :func:`show_chart` and :func:`show_table` return one. Left as the last
    expression of a cell, a plain string would be displayed as the cell's result (a stray
    box reading '2.3' in the book); this one displays nothing, in every front end.
    """

    __slots__ = ()

    def _ipython_display_(self) -> None:
        return None


@dataclass
class _Counter:
    prefix: str = "0"
    figures: int = 0
    tables: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    #: the stage's downloads folder (None outside a stage's notebook)
    downloads: Any = None


_STATE = _Counter()


def toc_numbers(toc_path: Path | None = None) -> dict[str, str]:
    """Chapter numbers as the book prints them, read from ``_toc.yml``.

    Chapters of numbered parts are numbered 1, 2, ... across parts (as
    sphinx-multitoc-numbering does in HTML and Sphinx does in LaTeX); chapters of
    the unnumbered last part (the appendices) get letters A, B, ...
    """
    import yaml

    from pipeline.io import repo_root

    path = toc_path or repo_root() / "_toc.yml"
    toc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    numbers: dict[str, str] = {}
    n, letter = 0, 0
    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            name = Path(entry["file"]).name
            if part.get("numbered"):
                n += 1
                numbers[name] = str(n)
            else:
                numbers[name] = chr(ord("A") + letter)
                letter += 1
    return numbers


def chapter(stage: str, downloads: Path | None = None) -> Number:
    """Start numbering figures and tables for ``stage``; returns its chapter number.

    Each figure and numbered table is also written, as files, to ``downloads`` (default:
    the stage's ``downloads.<stage>`` folder when ``notebooks/<stage>.ipynb`` exists, i.e.
    when a stage runs; :mod:`pipeline.downloads`), which is emptied first.
    """
    try:
        numbers = toc_numbers()
        prefix = numbers.get(stage, stage)
    except (OSError, KeyError, TypeError):  # no book around (e.g. a notebook run on its own)
        numbers, prefix = {}, stage
    _STATE.prefix, _STATE.figures, _STATE.tables = prefix, 0, 0
    _STATE.labels.clear()
    _STATE.downloads = _downloads_folder(stage, downloads, known=stage in numbers)
    return Number(prefix)


def _downloads_folder(stage: str, folder: Path | None, *, known: bool) -> Any:
    from pipeline import catalog, downloads
    from pipeline.notebook import notebook_path

    if folder is None:
        if not (known and notebook_path(stage).is_file()):
            return None
        folder = catalog.locate(f"downloads.{stage}")
    ed = edition()
    return downloads.Folder.start(
        stage, Path(folder), ed.source_line(), label=ed.label, synthetic=ed.synthetic
    )


# ------------------------------------------------------------------------ edition
@dataclass(frozen=True)
class Edition:
    """The data edition a chapter is built from: synthetic or not, and its label."""

    synthetic: bool
    label: str

    def source_lines(self) -> list[str]:
        """The source line in two short lines (charts draw them under the plot)."""
        what = "synthetic data, not the study's data" if self.synthetic else "user-supplied inputs"
        return [f"Source: {self.label} ({what}).", f"UK–China evidence pipeline {__version__}."]

    def source_line(self) -> str:
        """``"Source: Synthetic reference edition (synthetic data, not the study's data).
        UK–China evidence pipeline 0.1.0."``"""
        return " ".join(self.source_lines())


USER_EDITION_LABEL = "Edition built from user-supplied inputs"


@functools.lru_cache(maxsize=8)
def _read_edition(path: str) -> Edition:
    import yaml

    file = Path(path)
    if not file.is_file():
        return Edition(False, USER_EDITION_LABEL)
    meta = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    if not isinstance(meta, dict):
        raise TypeError(f"{file}: expected a mapping with 'synthetic' and 'label'")
    synthetic = bool(meta.get("synthetic"))
    default = "Synthetic edition" if synthetic else USER_EDITION_LABEL
    return Edition(synthetic, str(meta.get("label") or default))


def edition(path: Path | str | None = None) -> Edition:
    """The edition described by ``data/raw/EDITION.yaml`` (catalog key ``raw.edition``).

    ``synthetic: true`` marks the synthetic editions; without the file the inputs are
    taken to be the user's own.
    """
    if path is None:
        from pipeline import catalog

        path = catalog.locate("raw.edition")
    return _read_edition(str(path))


def _with_source(spec: dict, source: str | list[str]) -> dict:
    """``spec`` with ``source`` (text or lines) as a small footer inside the chart."""
    if "title" in spec:
        raise ValueError("charts carry no title of their own (the caption says what they show)")
    return {
        **spec,
        "title": {
            "text": source,
            "orient": "bottom",
            "anchor": "start",
            "fontSize": 9,
            "fontWeight": "normal",
            "color": theme.TEXT,
            "offset": 12,
        },
    }


# --------------------------------------------------------------------------- text
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")


def md_escape(value: Any) -> str:
    """Make a data string safe to place inside MyST Markdown.

    HTML metacharacters become entities (so ``<script>`` is shown, never run)
    and Markdown/MyST punctuation is backslash-escaped (so a value cannot open
    a role, a link or a directive).
    """
    text = "" if value is None else str(value)
    text = text.replace("\r", " ").replace("\n", " ")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # after backslash-escaping, so entity text is not escaped again; quotes stay plain
    return html.escape(text, quote=False)


def json_for_script(obj: Any) -> str:
    """JSON text safe to inline inside an HTML ``<script>`` element."""
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def fmt_int(n: Any) -> str:
    """Format a count with thousands separators."""
    return f"{int(n):,}"


def fmt_pct(x: Any, digits: int = 1) -> str:
    """Format a percentage value (already in percent) such as ``12.34`` -> ``12.3%``."""
    return f"{float(x):.{digits}f}%"


def count_phrase(n: int, singular: str, plural: str | None = None) -> str:
    """``"1 centre"``, ``"2 centres"``, ``"1,250 papers"`` (thousands separators)."""
    word = singular if int(n) == 1 else (plural or f"{singular}s")
    return f"{int(n):,} {word}"


# ------------------------------------------------------------------------ charts
def _spec(chart: alt.TopLevelMixin | dict, source: str | list[str] | None = None) -> dict:
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    return theme.apply(_with_source(spec, source) if source else dict(spec))


def _content_id(prefix: str, payload: Any) -> str:
    digest = hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return f"{prefix}-{digest[:12]}"


_RESOURCE_DICT = re.compile(
    rb"(/(?:Font|XObject|ExtGState|Pattern|Shading|ColorSpace) <<\n)((?:[ \t]*/[^\n]+\n)+?)([ \t]*>>)"
)


def canonical_pdf(pdf: bytes) -> bytes:
    """Sort the entries of PDF resource dictionaries that vl-convert writes in random order.

    vl-convert (Rust) emits e.g. ``/Font << /fo1 2 0 R /fo0 1 0 R >>`` in hash-map
    order, which differs between processes. Sorting the lines keeps every byte
    offset (same length), so the cross-reference table stays valid, and makes
    the same chart give the same bytes.
    """

    def sort_block(m: re.Match) -> bytes:
        lines = m.group(2).splitlines(keepends=True)
        return m.group(1) + b"".join(sorted(lines)) + m.group(3)

    return _RESOURCE_DICT.sub(sort_block, pdf)


#: ``zlib.compressobj`` arguments for chart PNGs: level, method, window bits, memory level
PNG_DEFLATE = (8, zlib.DEFLATED, 15, 9)


def compact_png(png: bytes) -> bytes:
    """The same image with its pixel data deflated harder (lossless).

    vl-convert favours speed: its PNGs are about four times larger than they need to be.
    The scanlines (filters included) are kept as they are; only the compression changes,
    and the image data become one ``IDAT`` chunk. :data:`PNG_DEFLATE` is level 8 of 9 with
    the most memory: on the book's 32 charts 1.4 % larger than level 9 (31 kB in all), in
    less than half the time (1.2 s instead of 2.7 s).
    """
    signature, pos, chunks = png[:8], 8, []
    while pos < len(png):
        (size,) = struct.unpack(">I", png[pos : pos + 4])
        chunks.append((png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + size]))
        pos += 12 + size
    pixels = zlib.decompress(b"".join(b for t, b in chunks if t == b"IDAT"))
    deflate = zlib.compressobj(*PNG_DEFLATE)
    data = deflate.compress(pixels) + deflate.flush()
    out, written = [signature], False
    for kind, body in chunks:
        if kind == b"IDAT":
            if written:
                continue
            body, written = data, True
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        out.append(struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc))
    return b"".join(out)


def _register_cjk_fonts() -> None:
    """Let vl-convert draw Chinese labels when a CJK font is installed (Debian fonts-wqy)."""
    import vl_convert as vlc

    for folder in ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/opentype/noto"):
        if Path(folder).is_dir():
            with contextlib.suppress(Exception):  # fonts are a nicety, never fatal
                vlc.register_font_directory(folder)


#: a chart that draws nothing worth keeping, rendered once to start vl-convert's engine
_WARM_UP_SPEC = {"data": {"values": [{"n": 1}]}, "mark": "bar", "encoding": {"x": {"field": "n"}}}
_RENDERER: threading.Thread | None = None


def _prepare_renderer() -> None:
    import vl_convert as vlc

    _register_cjk_fonts()
    vlc.vegalite_to_svg(_WARM_UP_SPEC)


def warm_renderer() -> threading.Thread:
    """Start vl-convert in the background: its JavaScript engine takes about 0.6 s to start,
    and vl-convert releases the GIL meanwhile, so the kernel of a stage that draws charts
    calls this as it boots (:func:`pipeline.notebook.kernel_arguments`) and imports the
    rest meanwhile. The first chart waits for it (:func:`render_chart`, which starts it
    if nothing did); fonts are registered before any chart is drawn either way."""
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = threading.Thread(target=_prepare_renderer, name="vl-convert", daemon=True)
        _RENDERER.start()
    return _RENDERER


@dataclass(frozen=True)
class ChartFiles:
    """Where a chart's files are served from, seen from its page: ``href`` + file name."""

    href: str
    png: str
    links: str = ""


class Rendered(NamedTuple):
    """A chart drawn once: its themed spec (with source footer), its SVG and its PNG."""

    spec: dict
    svg: str
    png: bytes


def render_chart(
    chart: alt.TopLevelMixin | dict, source: str | list[str] | None = None
) -> Rendered:
    """Draw the themed chart (with its source footer) as SVG, and the PNG from that SVG.

    ``vegalite_to_png`` itself draws the SVG and rasterises it; converting the SVG we
    already have gives the same bytes without running the Vega renderer again.
    """
    import vl_convert as vlc

    warm_renderer().join()
    spec = _spec(chart, edition().source_lines() if source is None else source)
    svg = vlc.vegalite_to_svg(spec)
    return Rendered(spec, svg, compact_png(vlc.svg_to_png(svg, scale=2)))


def _chart_html(spec: dict, alt_text: str, files: ChartFiles | None) -> str:
    chart_id = _content_id("vl", spec)
    alt_attr = html.escape(alt_text, quote=True)
    fallback = (
        f'<img class="vl-fallback" alt="{alt_attr}" src="{html.escape(files.href + files.png)}"/>'
        if files
        else f"<p>{html.escape(alt_text)}</p>"
    )
    # the PNG is a file beside the page: shown without JavaScript, or if drawing fails
    on_error = (
        f"el.insertAdjacentHTML('beforeend',{json.dumps(fallback)});" if files else ""
    ).replace("<", "\\u003c")
    return (
        f'<div class="vl-chart" id="{chart_id}" role="img" aria-label="{alt_attr}">'
        f"<noscript>{fallback}</noscript></div>"
        f'<script type="application/json" id="{chart_id}-spec">{json_for_script(spec)}</script>'
        "<script>(function(){"
        f'var id="{chart_id}";'
        "function draw(){var el=document.getElementById(id);"
        "var src=document.getElementById(id+'-spec');if(!el||!src){return;}"
        "if(!window.vegaEmbed){setTimeout(draw,50);return;}"
        "var spec=JSON.parse(src.textContent);"
        "window.vegaEmbed(el,spec,{actions:false,renderer:'svg'})"
        ".then(function(){el.setAttribute('data-rendered','true');})"
        f".catch(function(e){{el.setAttribute('data-error',String(e));{on_error}}});}}"
        "if(document.readyState==='loading'){document.addEventListener('DOMContentLoaded',draw);}"
        "else{draw();}})();</script>" + (files.links if files else "")
    )


def chart_mimebundle(
    chart: alt.TopLevelMixin | dict,
    alt_text: str,
    source: str | list[str] | None = None,
    *,
    files: ChartFiles | None = None,
    rendered: Rendered | None = None,
) -> dict[str, Any]:
    """Return the HTML/PDF/PNG mimebundle for ``chart`` (see module docstring).

    ``source`` (default: the edition's :meth:`Edition.source_lines`) is drawn inside the
    chart, under it. The HTML carries no image data: with ``files`` its no-script
    fallback is the PNG file beside the page (and ``files.links`` follow the chart).
    """
    import vl_convert as vlc

    drawn = rendered or render_chart(chart, source)
    pdf = canonical_pdf(vlc.svg_to_pdf(drawn.svg))
    return {
        "text/html": _chart_html(drawn.spec, alt_text, files),
        "application/pdf": base64.b64encode(pdf).decode("ascii"),
        "image/png": base64.b64encode(drawn.png).decode("ascii"),
        "text/plain": f"[chart: {alt_text}]",
    }


class _Bundle:
    """An object IPython displays through its mimebundle."""

    def __init__(self, bundle: dict[str, Any]):
        self._bundle = bundle

    def _repr_mimebundle_(self, include=None, exclude=None):
        return self._bundle


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def glue(name: str, value: Any, *, markdown: bool = False) -> str:
    """Make a computed value available to the chapter's prose as ``{glue:md}`name```.

    Prose stays in Markdown cells and the numbers and data-dependent words come from code:
    a code cell calls ``report.glue("centres_total", report.fmt_int(n))`` and a Markdown
    cell reads "The database lists {glue:md}`centres_total` centres". ``value`` is shown as
    text (escaped with :func:`md_escape`, so data strings cannot become Markdown) unless
    ``markdown`` is true, for text the notebook wrote itself (e.g. ``**bold**``). Ints get
    thousands separators. Returns the text glued.
    """
    from IPython.display import Markdown
    from myst_nb import glue as nb_glue

    if isinstance(value, bool):
        raise TypeError(f"glue {name!r}: a bool is not prose; choose the words in code")
    if isinstance(value, int):
        text = fmt_int(value)
    else:
        text = str(value) if markdown else md_escape(value)
    nb_glue(name, Markdown(text), display=False)
    return text


def show_markdown(text: str) -> None:
    """Display trusted Markdown written by the notebook (escape data with :func:`md_escape`)."""
    from IPython.display import Markdown

    _display(Markdown(text))


def target(kind: str, number: str, label: str | None = None) -> str:
    """The cross-reference target of a figure or table: its ``label`` when the notebook gives
    one (``data/reference/published_figures.yaml`` links key findings to it), else
    ``figure-5-1`` / ``table-c-2``. The book links to it from the key findings and the
    lists of figures and tables, in the HTML and the PDF."""
    if label:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", label):
            raise ValueError(f"figure label {label!r}: use lower-case letters, digits and _")
        return label
    return f"{kind.lower()}-{str(number).lower().replace('.', '-')}"


def show_chart(
    chart: alt.TopLevelMixin | dict,
    *,
    caption: str,
    alt_text: str,
    data: pd.DataFrame | None = None,
    label: str | None = None,
    records: Any = None,
) -> Number:
    """Display a numbered chart with caption, alt text and (optionally) its data table.

    ``caption`` and ``alt_text`` are notebook-authored; interpolate data values
    into them through :func:`md_escape`. In a stage, the chart's PNG, SVG and data (``data``,
    else the rows inlined in the chart) are written as downloads, and ``records`` (a
    :class:`pipeline.downloads.Records`: the centres, organisations or works behind the
    figure, never people) as a CSV the page can filter. Returns the figure number ("2.3").
    """
    _STATE.figures += 1
    number = Number(f"{_STATE.prefix}.{_STATE.figures}")
    if label:
        _STATE.labels[label] = number
    rendered = render_chart(chart)
    files = _figure_files(number, caption, rendered, data, records)
    _display(_Bundle(chart_mimebundle(chart, alt_text, files=files, rendered=rendered)))
    show_markdown(f"({target('Figure', number, label)})=\n**Figure {number}.** {caption}")
    if data is not None:
        show_table(
            data,
            caption=f"Data behind figure {number}.",
            numbered=False,
            collapsed=True,
            continued=f"Data behind figure {number}",
        )
    return number


def _figure_files(
    number: str, caption: str, rendered: Rendered, data: Any, records: Any
) -> ChartFiles | None:
    """Write the figure's downloads (in a stage); what its HTML links to."""
    folder = _STATE.downloads
    if folder is None:
        return None
    from pipeline import downloads

    frame = data if data is not None else downloads.spec_frame(rendered.spec)
    chart = {"png": rendered.png, "svg": rendered.svg, "data": frame, "records": records}
    names = folder.add_figure(number, caption, chart)
    links = downloads.links_html(folder.href, f"figure {number}", names)
    if records is not None:
        links += downloads.records_html(folder.href, number, records)
    return ChartFiles(folder.href, f"figure-{number}.png", links)


def table_mimebundle(
    df: pd.DataFrame,
    *,
    collapsed: bool = False,
    summary: str = "",
    source: str | None = None,
    continued: str = "Table",
    links: str = "",
) -> dict:
    """HTML (escaped) and LaTeX representations of a small table, each ending with the
    ``source`` line (default: the edition's :meth:`Edition.source_line`); ``links`` (HTML,
    the table's downloads) follow the HTML table.

    ``continued`` names the table at the top of its continuation pages in the PDF
    ("Table 5.2", "Data behind figure 5.3")."""
    source = edition().source_line() if source is None else source
    frame = df.copy()
    frame.columns = [str(c) for c in frame.columns]
    html_table = frame.to_html(
        index=False, escape=True, border=0, classes=["table", "data-table"], na_rep=""
    )
    if source:
        html_table += f'<p class="table-source">{html.escape(source)}</p>'
    html_table += links
    if collapsed:
        html_table = (
            f'<details class="data-table"><summary>{html.escape(summary or "Show the data")}'
            f"</summary>{html_table}</details>"
        )
    markdown = markdown_table(frame, continued=continued) + (
        f"\n\n*{md_escape(source)}*" if source else ""
    )
    plain = frame.to_string(index=False) + (f"\n{source}" if source else "")
    return {"text/html": html_table, "text/markdown": markdown, "text/plain": plain}


#: The PDF's text width and what LaTeX takes from each table column for its padding, and a
#: generous width for one character of the tables' fonts (points).
LINE_PT, PAD_PT, CHAR_PT = 451.0, 12.0, 5.5
#: A column is offered room for this many characters at most (longer text wraps).
WANT_CHARS = 40
#: Longer words (web addresses, hashes) may break; shorter ones never have to.
WORD_CHARS = 18


def _longest_word(text: str) -> int:
    return max((len(w) for w in str(text).split()), default=0)


def column_widths(header: list[str], body: list[list[str]]) -> list[int]:
    """Relative column widths (points) for a LaTeX table set on the PDF's text width.

    Every column gets room for its longest header word and its longest cell word (words
    up to :data:`WORD_CHARS` long), so no header is hyphenated or cut; what is left of the
    line goes to the columns whose text is longer than that, up to :data:`WANT_CHARS`.
    """
    need, want = [], []
    for j, name in enumerate(header):
        cells = [row[j] for row in body]
        word = max([_longest_word(name)] + [min(_longest_word(c), WORD_CHARS) for c in cells])
        text = max([len(name)] + [len(c) for c in cells])
        need.append(word * CHAR_PT + PAD_PT)
        want.append(max(word, min(text, WANT_CHARS)) * CHAR_PT + PAD_PT)
    spare = LINE_PT - sum(need)
    extra = sum(want) - sum(need)
    share = 1.0 if extra <= spare else max(spare, 0.0) / extra
    return [max(1, round(n + (w - n) * share)) for n, w in zip(need, want, strict=True)]


def _latex_label(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9 .,()–-]", "", text)


def _continued_block(label: str) -> list[str]:
    """Raw LaTeX naming the next table on its continuation pages ("Table 5.2 – continued
    from previous page"; Sphinx's own counter would print a number the book does not use)."""
    return [
        "```{raw} latex",
        (
            f"\\renewcommand{{\\tablename}}{{{_latex_label(label)}}}"
            "\\renewcommand{\\thetable}{\\unskip}"
        ),
        "```",
        "",
    ]


def markdown_table(df: pd.DataFrame, max_rows: int = 80, continued: str = "Table") -> str:
    """A MyST ``list-table`` with every cell escaped and relative column widths.

    Sphinx sets it as a real LaTeX table whose columns wrap (widths from
    :func:`column_widths`), so long names never run off the page. An empty cell stays
    empty. ``continued`` heads the table's continuation pages in the PDF.
    """
    frame = df.head(max_rows)

    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        return md_escape(v)

    header = [cell(c) for c in frame.columns]
    body = [[cell(v) for v in row] for row in frame.itertuples(index=False)]
    plain_header = [str(c) for c in frame.columns]
    plain_body = [
        ["" if not cell(v) else str(v) for v in row] for row in frame.itertuples(index=False)
    ]
    widths = column_widths(plain_header, plain_body)
    lines = [
        *_continued_block(continued),
        "```{list-table}",
        ":header-rows: 1",
        f":widths: {' '.join(str(w) for w in widths)}",
        "",
    ]
    for row in [header, *body]:
        for j, value in enumerate(row):
            lines.append(("* -" if j == 0 else "  -") + (f" {value}" if value else ""))
    lines.append("```")
    # a table written in a page's Markdown, without this block, is then just "Table"
    lines += ["", *_continued_block("Table")[:-1]]
    if len(df) > max_rows:
        lines.append("")
        lines.append(f"*{len(df) - max_rows} further rows are listed in the HTML edition.*")
    return "\n".join(lines)


def md_code(value: Any) -> str:
    """A data string (a file name, a path) as inline code in MyST Markdown.

    Inside a code span nothing is escaped, so :func:`md_escape` would show its backslashes;
    the span's fence is made longer than any run of backticks in the value instead.
    """
    text = ("" if value is None else str(value)).replace("\r", " ").replace("\n", " ")
    runs = [len(r) for r in re.findall(r"`+", text)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def show_table(
    df: pd.DataFrame,
    *,
    caption: str,
    numbered: bool = True,
    collapsed: bool = False,
    label: str | None = None,
    continued: str | None = None,
) -> Number | None:
    """Display a table (escaped HTML and a wrapping LaTeX longtable) with a caption.

    Returns the table's number ("2.3"), or None for an unnumbered table. ``continued``
    names the table on its continuation pages in the PDF (default: "Table 2.3").
    """
    number, links = None, ""
    if numbered:
        _STATE.tables += 1
        number = Number(f"{_STATE.prefix}.{_STATE.tables}")
        if label:
            _STATE.labels[label] = number
        show_markdown(f"({target('Table', number, label)})=\n**Table {number}.** {caption}")
        folder = _STATE.downloads
        if folder is not None:
            from pipeline import downloads

            names = folder.add_table(number, caption, df)
            links = downloads.links_html(folder.href, f"table {number}", names)
    heading = continued or (f"Table {number}" if number else "Table")
    bundle = table_mimebundle(
        df, collapsed=collapsed, summary=caption, continued=heading, links=links
    )
    _display(_Bundle(bundle))
    return number


# --------------------------------------------------------------- vega bundle
def write_vega_bundle(static_dir: Path) -> Path:
    """Write vega + vega-lite + vega-embed (from vl-convert) once for the whole book.

    The bundle is wrapped in a function scope so its top-level names cannot
    clash with the theme's scripts, and only defines ``window.vegaEmbed`` once.
    """
    import vl_convert as vlc

    from pipeline.io import atomic_write_text

    source = vlc.javascript_bundle()
    wrapped = (
        "/* vega, vega-lite and vega-embed, bundled by vl-convert-python; BSD-3-Clause */\n"
        "if(!window.vegaEmbed){(function(){\n" + source + "\n})();}\n"
    )
    return atomic_write_text(Path(static_dir) / "vega-bundle.js", wrapped)
