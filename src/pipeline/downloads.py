"""Downloads for every figure and numbered table of the book, and the tables workbook.

While a chapter notebook runs, :mod:`pipeline.report` hands each chart and numbered table
to a :class:`Folder` (the stage's ``downloads.<stage>`` folder, a DVC output of the stage),
which writes:

* ``figure-<n>.csv`` / ``.xlsx``: the numbers behind figure ``<n>`` (the ``data=`` table,
  or else the rows inlined in the chart's own Vega-Lite spec);
* ``figure-<n>.png`` / ``.svg``: the chart as an image (the PNG is also the page's
  no-script fallback, referenced rather than inlined, so pages stay light);
* ``records-<set>.csv`` and ``records-<set>.js``: where a figure counts records that may
  be shown (centres, organisations, works; never people), the record set behind it (e.g.
  ``records-centres``) with each row's source file and source row, and the same rows for
  the page's filter. A set is written once per chapter: the figures that count the same
  records link the same file, each filtering it by its own column and categories
  (:class:`Records`; ``index.json`` names the column);
* ``table-<n>.csv`` / ``.xlsx`` for numbered tables;
* ``index.json``: what the folder holds, with captions (the workbook reads it), and
  ``README.txt``: the edition's full source line and how to read the files.

Every data file ends with an ``edition`` column (``edition (download)`` if the data already
have one) saying ``synthetic`` or ``user-supplied`` on every row (:func:`edition_tag`), so
a CSV copied out of the book still says whether its numbers are synthetic and still loads
with ``pandas.read_csv``; the full source line, the same on every row, is written once, in
``README.txt`` and ``index.json``. Images carry the source line inside the chart. Bytes are
deterministic: CSV with ``\\n`` line endings, workbooks with fixed properties and zip
timestamps.

The book serves ``project.book_files`` as it is (Sphinx ``html_extra_path``), so a page at
``book/generated/<stage>.html`` reaches ``downloads/<stage>/figure-2.1.csv`` through a
relative link, offline. ``python -m pipeline downloads workbook`` writes
``project.workbook``: every numbered table of the edition, one sheet each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import math
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from pipeline import catalog
from pipeline.io import (
    atomic_write_bytes,
    atomic_write_csv,
    atomic_write_json,
    atomic_write_text,
    atomic_write_workbook,
)

__all__ = [
    "Folder",
    "Records",
    "labelled",
    "spec_frame",
    "write_workbook",
]

#: the properties every workbook carries (fixed, so the same tables give the same bytes)
WORKBOOK_TIME = dt.datetime(2000, 1, 1)
CREATOR = "UK–China evidence pipeline"
INDEX = "index.json"
README = "README.txt"
#: records embedded in the page's filter at most (the CSV always holds them all)
MAX_FILTER_ROWS = 20_000
#: Record sets this long send repeated column values as codes (see :func:`filter_payload`).
CODE_MIN_ROWS = 200
#: column names that would mean the records are about people: refused (ground rule 3)
PERSONAL = re.compile(
    r"respondent|interviewee|participant|person|e-?mail|phone|contact|author|gender|\bage\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Records:
    """The records behind a figure: one row each, with its lineage: ``source_file`` (under
    ``data/raw``) and ``source_row`` (its row there) or ``source_id`` (the record's own
    identifier in that file, for inputs read by record rather than by row).

    ``frame`` is the whole record set (``name``, default ``unit``): the figures of a chapter
    that count the same records pass the same frame and share one file. ``by`` names the
    column this figure's reader filters on; with ``sep`` its cells hold several values
    joined by ``sep`` (a centre's funders). The figure counts the rows holding one of its
    ``categories`` (default: every value in ``by``); ``csv_only`` columns are in the CSV but
    not in the page's table. Only records that may be shown belong here (centres,
    organisations, works); never people.
    """

    frame: pd.DataFrame
    by: str
    unit: str = "records"
    name: str = ""
    sep: str | None = None
    categories: tuple[str, ...] | None = None
    #: columns the CSV carries but the page's filter table leaves out (a second identifier)
    csv_only: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        columns = set(self.frame.columns)
        missing = {self.by, "source_file"} - columns
        if not columns & {"source_row", "source_id"}:
            missing.add("source_row")
        if missing:
            raise ValueError(f"records lack the column(s) {sorted(missing)}")
        personal = [str(c) for c in self.frame.columns if PERSONAL.search(str(c))]
        if personal:
            raise ValueError(f"records about people are never published (columns {personal})")

    @property
    def stem(self) -> str:
        """The record set's file name without extension, e.g. ``records-centres``."""
        slug = re.sub(r"[^a-z0-9]+", "-", (self.name or self.unit).lower()).strip("-")
        return f"records-{slug or 'rows'}"

    def values(self, cell: Any) -> list[str]:
        text = _text(cell)
        return [v for v in (text.split(self.sep) if self.sep else [text]) if v]

    def options(self) -> list[str]:
        """The figure's categories, as its filter lists them."""
        if self.categories is not None:
            return [str(c) for c in self.categories]
        return sorted({v for cell in self.frame[self.by] for v in self.values(cell)})

    def counted(self) -> int:
        """How many rows hold one of the figure's categories."""
        shown = set(self.options())
        return sum(1 for cell in self.frame[self.by] if shown & set(self.values(cell)))


# ------------------------------------------------------------------ data frames
def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _cell(value: Any) -> Any:
    """A value a CSV cell or a workbook cell can hold (lists joined, NaN empty)."""
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if not pd.api.types.is_scalar(value):  # lists, tuples, arrays (e.g. a centre's funders)
        return "; ".join(str(v) for v in list(value))
    if _missing(value):
        return None
    return value.item() if hasattr(value, "item") else value


def edition_tag(synthetic: bool) -> str:
    """The word every row of a download carries: ``synthetic`` or ``user-supplied``."""
    return "synthetic" if synthetic else "user-supplied"


def edition_column(frame: pd.DataFrame) -> str:
    return "edition (download)" if "edition" in map(str, frame.columns) else "edition"


def labelled(frame: pd.DataFrame, tag: str) -> pd.DataFrame:
    """``frame`` with flat cells, string column names and a last column holding ``tag``."""
    out = frame.reset_index(drop=True).copy()
    out.columns = [str(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(_cell)
    out[edition_column(out)] = tag
    return out


def _flat_values(values: list[Any]) -> pd.DataFrame:
    rows = [v for v in values if isinstance(v, dict)]
    frame = pd.json_normalize(rows, max_level=1) if rows else pd.DataFrame()
    nested = [
        c
        for c in frame.columns
        if frame[c].map(lambda v: isinstance(v, (dict, list))).any()  # shapes, coordinates
    ]
    return frame.drop(columns=nested)


def _inline_values(spec: Any, found: list[list[Any]]) -> list[list[Any]]:
    if isinstance(spec, dict):
        data = spec.get("data")
        if isinstance(data, dict) and isinstance(data.get("values"), list):
            found.append(data["values"])
        for key, value in spec.items():
            if key == "datasets" and isinstance(value, dict):
                found += [v for _, v in sorted(value.items()) if isinstance(v, list)]
            elif key != "data":
                _inline_values(value, found)
    elif isinstance(spec, list):
        for item in spec:
            _inline_values(item, found)
    return found


def spec_frame(spec: dict) -> pd.DataFrame:
    """The rows inlined in a Vega-Lite spec, as one table (nested shapes dropped).

    Several datasets are stacked with a ``dataset`` column numbering them.
    """
    frames = [f for f in (_flat_values(v) for v in _inline_values(spec, [])) if len(f.columns)]
    if len(frames) == 1:
        return frames[0]
    if not frames:
        return pd.DataFrame()
    return pd.concat(
        [f.assign(dataset=i) for i, f in enumerate(frames, start=1)], ignore_index=True
    )


# ------------------------------------------------------------------ workbooks
def _sheet_name(text: str, taken: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "-", text)[:31] or "Sheet"
    base, i = name, 2
    while name.lower() in taken:
        name = f"{base[:28]}-{i}"
        i += 1
    taken.add(name.lower())
    return name


def write_workbook(path: Path, sheets: list[tuple[str, pd.DataFrame]], *, title: str) -> Path:
    """Write ``sheets`` (name, table) as one ``.xlsx`` workbook with deterministic bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from pipeline.io import neutralise_frame

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for name, frame in sheets:
        ws = wb.create_sheet(_sheet_name(name, taken))
        safe = neutralise_frame(frame)
        ws.append([str(c) for c in safe.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in safe.itertuples(index=False):
            ws.append([_cell(v) for v in row])
    return atomic_write_workbook(path, wb, creator=CREATOR, title=title, timestamp=WORKBOOK_TIME)


# ------------------------------------------------------------------ a stage's folder
def plain_caption(caption: str) -> str:
    """A caption written in MyST (backslash escapes, entities, ``**``) as plain text."""
    text = re.sub(r"\\(.)", r"\1", caption.replace("**", ""))
    return html.unescape(text)


def relative_href(stage: str) -> str:
    """The link from the stage's page to its downloads folder, e.g.
    ``../../downloads/phase2_centres/``."""
    page = PurePosixPath(catalog.path(f"generated.{stage}").as_posix())
    folder = PurePosixPath(catalog.path(f"downloads.{stage}").as_posix())
    served = folder.relative_to(PurePosixPath(catalog.path("project.book_files").as_posix()))
    return "../" * (len(page.parts) - 1) + served.as_posix() + "/"


@dataclass
class Folder:
    """The downloads folder of one stage; emptied when the chapter starts."""

    stage: str
    path: Path
    source: str
    label: str = ""
    synthetic: bool = False
    items: list[dict[str, Any]] = field(default_factory=list)
    #: the record sets written so far: their table and the columns figures filter them on
    record_sets: dict[str, tuple[pd.DataFrame, list[str]]] = field(default_factory=dict)

    @classmethod
    def start(cls, stage: str, path: Path, source: str, *, label: str, synthetic: bool):
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)
        folder = cls(stage, path, source, label, synthetic)
        atomic_write_text(path / README, readme_text(source, edition_tag(synthetic)))
        folder._write_index()
        return folder

    @property
    def href(self) -> str:
        return relative_href(self.stage)

    @property
    def tag(self) -> str:
        return edition_tag(self.synthetic)

    def _write_index(self) -> None:
        atomic_write_json(
            self.path / INDEX,
            {
                "stage": self.stage,
                "edition": {"label": self.label, "synthetic": self.synthetic, "tag": self.tag},
                "source": self.source,
                "items": self.items,
            },
        )

    def _data_files(self, stem: str, frame: pd.DataFrame) -> list[str]:
        table = labelled(frame, self.tag)
        atomic_write_csv(self.path / f"{stem}.csv", table)
        write_workbook(self.path / f"{stem}.xlsx", [(stem, table)], title=stem)
        return [f"{stem}.csv", f"{stem}.xlsx"]

    def add_table(self, number: str, caption: str, frame: pd.DataFrame) -> list[str]:
        """Write ``table-<number>.csv`` and ``.xlsx``; returns the file names."""
        files = self._data_files(f"table-{number}", frame)
        self.items.append(
            {"kind": "table", "number": number, "caption": plain_caption(caption), "files": files}
        )
        self._write_index()
        return files

    def add_figure(self, number: str, caption: str, chart: dict[str, Any]) -> list[str]:
        """Write a figure's images, data and records (``chart`` holds ``png``, ``svg``,
        ``data`` and optionally ``records``); returns the file names."""
        stem = f"figure-{number}"
        atomic_write_bytes(self.path / f"{stem}.png", chart["png"])
        atomic_write_text(self.path / f"{stem}.svg", chart["svg"])
        files = [f"{stem}.png", f"{stem}.svg", *self._data_files(stem, chart["data"])]
        item = {"kind": "figure", "number": number, "caption": plain_caption(caption)}
        records: Records | None = chart.get("records")
        if records is not None:
            files += self._records_files(records)
            item["records"] = {"file": f"{records.stem}.csv", "filter": records.by}
            if records.categories is not None:
                item["records"]["categories"] = records.options()
        self.items.append({**item, "files": files})
        self._write_index()
        return files

    def _records_files(self, records: Records) -> list[str]:
        """Write the record set once (a figure giving the same set again links it); its
        ``.js`` keeps every column some figure filters on as a column of its own."""
        from pipeline.report import json_for_script

        stem, table = records.stem, labelled(records.frame, self.tag)
        known = self.record_sets.get(stem)
        if known is None:
            atomic_write_csv(self.path / f"{stem}.csv", table)
            known = self.record_sets[stem] = (table, [])
        elif not known[0].equals(table):
            raise ValueError(
                f"two figures of {self.stage} give different records as {stem!r}: give each "
                "record set its own name (Records.name)"
            )
        if records.by not in known[1]:
            known[1].append(records.by)
        hidden = [edition_column(records.frame), *records.csv_only]
        shown = table.drop(columns=hidden).head(MAX_FILTER_ROWS)
        atomic_write_text(
            self.path / f"{stem}.js",
            f"window.pipelineRecords=window.pipelineRecords||{{}};"
            f"window.pipelineRecords[{json_for_script(stem)}]="
            f"{json_for_script(filter_payload(shown, known[1]))};\n",
        )
        return [f"{stem}.csv", f"{stem}.js"]


def readme_text(source: str, tag: str) -> str:
    """What ``README.txt`` says about the folder's files."""
    return (
        f"{source}\n\n"
        "The figures and tables of this chapter as files: figure-<n>.png/.svg (the chart),\n"
        "figure-<n>.csv/.xlsx (the numbers it draws), table-<n>.csv/.xlsx, and\n"
        "records-<set>.csv: the records (centres, works) behind one or more figures, each with\n"
        "its source file under data/raw (source_file) and its row (source_row) or identifier\n"
        "(source_id) there. index.json lists every figure and table, with the records file\n"
        "and the column ('filter') each figure counts them by.\n\n"
        f"Every data file ends with an 'edition' column: '{tag}' on every row "
        "(the source line above, shortened).\n"
    )


def filter_payload(frame: pd.DataFrame, keep: list[str]) -> dict[str, Any]:
    """The rows the page's filter shows: ``columns`` and ``rows`` as text; a column with
    one value throughout (the source file, often) is given once, under ``same``, unless a
    figure filters on it (``keep``). A column that repeats a few values (fields, funders) is
    sent as indexes into its list of values under ``codes`` (the page decodes it once), which
    keeps the file for thousands of works small."""
    same = {
        c: _text(frame[c].iloc[0])
        for c in frame.columns
        if c not in keep and len(frame) > 1 and frame[c].map(_text).nunique() == 1
    }
    kept = [c for c in frame.columns if c not in same]
    columns = {c: [_text(v) for v in frame[c]] for c in kept}
    codes: dict[str, list[str]] = {}
    for j, c in enumerate(kept):
        values = sorted(set(columns[c]))
        if len(frame) >= CODE_MIN_ROWS and len(values) * 4 <= len(frame):
            codes[str(j)] = values
            index = {v: i for i, v in enumerate(values)}
            columns[c] = [index[v] for v in columns[c]]
    rows = [list(row) for row in zip(*columns.values(), strict=True)] if kept else []
    return {"columns": kept, "rows": rows, "same": same, "codes": codes}


def _text(value: Any) -> str:
    return "" if _missing(value) else str(value)


# ------------------------------------------------------------------ HTML
_KINDS = {".png": "PNG", ".svg": "SVG", ".csv": "CSV", ".xlsx": "Excel"}


def links_html(href: str, what: str, files: list[str]) -> str:
    """``Download figure 2.1: PNG · SVG · CSV · Excel · records (CSV)`` as HTML."""
    links = []
    for name in files:
        if name.endswith(".js"):
            continue
        kind = _KINDS[Path(name).suffix]
        text = f"records ({kind})" if name.startswith("records-") else kind
        links.append(_link(href, name, text))
    return (
        f'<p class="downloads">Download {html.escape(what)}: '
        + " · ".join(links)
        + " (data files end with an <code>edition</code> column; "
        + _link(href, README, "about these files")
        + ").</p>"
    )


def _link(href: str, name: str, text: str) -> str:
    url = html.escape(href + name, quote=True)
    return f'<a class="download" href="{url}" download="{html.escape(name)}">{text}</a>'


_FILTER_JS = (
    "(function(){var box=document.getElementById(%(id)s);if(!box){return;}"
    "var sel=box.querySelector('select'),out=box.querySelector('tbody'),"
    "head=box.querySelector('thead'),note=box.querySelector('.records-count'),sep=%(sep)s,"
    "opts=Object.create(null);"
    "[].slice.call(sel.options,1).forEach(function(o){opts[o.value]=1;});"
    "function hit(c,v){return (sep?c.split(sep):[c]).some(function(x){"
    "return v===''?opts[x]===1:x===v;});}"
    "function cell(tag,text){var e=document.createElement(tag);e.textContent=text;return e;}"
    "function decode(d){var c=d.codes||{};Object.keys(c).forEach(function(k){"
    "d.rows.forEach(function(r){r[k]=c[k][r[k]];});});d.codes={};}"
    "function show(){var d=(window.pipelineRecords||{})[%(key)s];if(!d){return;}decode(d);"
    "var by=d.columns.indexOf(%(by)s),v=sel.value,n=0,all=0;"
    "var order=d.columns.map(function(c,i){return i;}).filter(function(i){return i!==by;});"
    "order.splice(1,0,by);out.textContent='';"
    "if(!head.firstChild){var hr=document.createElement('tr');order.forEach(function(i){"
    "hr.appendChild(cell('th',d.columns[i]));});head.appendChild(hr);}"
    "d.rows.forEach(function(r){if(!hit(r[by],'')){return;}all++;"
    "if(v!==''&&!hit(r[by],v)){return;}n++;"
    "var tr=document.createElement('tr');order.forEach(function(i){"
    "tr.appendChild(cell('td',r[i]));});out.appendChild(tr);});"
    "var same=Object.keys(d.same).map(function(k){return k+': '+d.same[k];}).join('; ');"
    "note.textContent=n+' of '+all+' '+%(unit)s+' shown'+(same?' (every row: '+same+')':'')+'.';}"
    "function load(){if((window.pipelineRecords||{})[%(key)s]){show();return;}"
    "var s=document.createElement('script');s.src=%(src)s;s.onload=show;"
    "document.head.appendChild(s);}"
    "sel.addEventListener('change',show);"
    "box.addEventListener('toggle',function(){if(box.open){load();}});})();"
)


def records_html(href: str, number: str, records: Records) -> str:
    """A collapsed block listing the records behind figure ``number``: the rows of its
    record set holding one of the figure's categories, which the reader can narrow to one.
    The rows load from ``records-<set>.js`` when the block opens (once for the page)."""
    from pipeline.report import json_for_script

    box_id = f"records-{re.sub(r'[^A-Za-z0-9]', '-', number)}"
    options = "".join(
        f'<option value="{html.escape(v, quote=True)}">{html.escape(v)}</option>'
        for v in records.options()
    )
    script = _FILTER_JS % {
        "id": json_for_script(box_id),
        "key": json_for_script(records.stem),
        "by": json_for_script(records.by),
        "sep": json_for_script(records.sep),
        "unit": json_for_script(records.unit),
        "src": json_for_script(href + f"{records.stem}.js"),
    }
    return (
        f'<details class="records" id="{box_id}"><summary>The {records.counted():,} '
        f"{html.escape(records.unit)} behind figure {html.escape(number)}, with source file "
        "and row</summary>"
        f'<label>{html.escape(records.by)}: <select><option value="">all</option>{options}'
        '</select></label> <span class="records-count"></span>'
        '<div class="records-table"><table class="table data-table"><thead></thead>'
        "<tbody></tbody></table></div></details>"
        f"<script>{script}</script>"
    )


# ------------------------------------------------------------------ the workbook
def _indexes(root: Path, stages: list[str]) -> list[dict[str, Any]]:
    out = []
    for stage in stages:
        index = catalog.locate(f"downloads.{stage}", root) / INDEX
        if index.is_file():
            out.append(json.loads(index.read_text(encoding="utf-8")))
    return out


def workbook_sheets(root: Path, stages: list[str]) -> list[tuple[str, pd.DataFrame]]:
    """The contents sheet and one sheet per numbered table, in book order."""
    from pipeline.report import edition

    ed = edition(catalog.locate("raw.edition", root))
    contents: list[dict[str, str]] = []
    sheets: list[tuple[str, pd.DataFrame]] = []
    for index in _indexes(root, stages):
        folder = catalog.locate(f"downloads.{index['stage']}", root)
        for item in index["items"]:
            if item["kind"] != "table":
                continue
            name = f"Table {item['number']}"
            frame = pd.read_csv(folder / f"table-{item['number']}.csv", keep_default_na=False)
            sheets.append((name, frame))
            contents.append({"sheet": name, "caption": item["caption"], "chapter": index["stage"]})
    first = pd.DataFrame(contents, columns=["sheet", "caption", "chapter"])
    kind = "synthetic data, not the study's data" if ed.synthetic else "user-supplied inputs"
    first["edition"] = f"{ed.label} ({kind})"
    return [("Contents", first), *sheets]


def build_workbook(root: Path | None = None) -> Path:
    """Write ``project.workbook`` from the chapters' downloads folders, in book order."""
    from pipeline.io import repo_root
    from pipeline.report import toc_numbers

    root = Path(root or repo_root())
    stages = list(toc_numbers(catalog.locate("project.toc", root)))
    target = catalog.locate("project.workbook", root)
    sheets = workbook_sheets(root, stages)
    return write_workbook(target, sheets, title="Tables of the book")


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline downloads workbook",
        description="Build the workbook of every numbered table of the book (one sheet per "
        "table, a first sheet listing them) from the chapters' download folders.",
    )
    parser.parse_args(argv)
    path = build_workbook()
    print(f"[downloads] wrote {path}")
    return 0
