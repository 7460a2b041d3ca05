"""What the report helpers write for the PDF: no stray results, no "\\" cells, no shown
escapes, tables named on their continuation pages, headers with room for their words."""

import re

import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

from pipeline import report


def test_returned_numbers_are_never_displayed():
    """A cell ending in ``report.show_table(...)`` once printed its number ('E.2') as a box."""
    shown = DisplayFormatter().format
    assert shown("2.1")[0]  # a plain string is displayed as the cell's result ...
    number = report.Number("2.1")
    assert shown(number) == ({}, {})  # ... a Number is not
    assert number == "2.1" and f"Figure {number}" == "Figure 2.1"


def test_show_helpers_return_numbers(monkeypatch):
    monkeypatch.setattr(report, "_display", lambda obj: None)
    monkeypatch.setattr(report, "edition", lambda: report.Edition(True, "Synthetic"))
    assert isinstance(report.chapter("no_such_stage"), report.Number)
    number = report.show_table(pd.DataFrame({"a": [1]}), caption="A table.")
    assert isinstance(number, report.Number) and number.endswith(".1")


def test_empty_cells_stay_empty():
    """``value or "\\\\ "`` printed a literal backslash in every empty cell of the PDF."""
    frame = pd.DataFrame({"name": ["x", "", None], "n": [1.0, float("nan"), 2.0]})
    text = report.markdown_table(frame)
    cells = [line for line in text.splitlines() if line.startswith(("* -", "  -"))]
    assert len(cells) == 8
    assert not any("\\" in line and not re.search(r"\\[.]", line) for line in cells), cells
    assert sum(1 for line in cells if line in ("* -", "  -")) == 3


def test_tables_are_named_on_their_continuation_pages():
    """Sphinx's own counter headed Table H.1's continuation pages "Table 8.1"."""
    text = report.markdown_table(pd.DataFrame({"a": [1]}), continued="Table H.1")
    first = text.index("\\renewcommand{\\tablename}{Table H.1}")
    assert first < text.index("```{list-table}")
    # and the name is reset after the table, for tables written in a page's Markdown
    assert text.rindex("\\renewcommand{\\tablename}{Table}") > text.index("```{list-table}")


def _share(widths: list[int], j: int) -> float:
    return widths[j] / sum(widths) * report.LINE_PT - report.PAD_PT


@pytest.mark.parametrize(
    "header",
    [
        ["Challenge", "Answered", "Agreed", "Share (%)"],
        ["Rank", "Organisation", "Country", "Type", "Centres", "Co-partners", "Betweenness"],
        ["Community", "Organisations", "Countries", "Centre links", "Largest members"],
    ],
)
def test_every_header_word_fits_its_column(header):
    """Headers such as "Answered" or "Com-mu-nity" were cut or hyphenated in the PDF."""
    body = [["A rather long description of the row " * 2] + ["12"] * (len(header) - 1)] * 3
    widths = report.column_widths(header, body)
    for j, name in enumerate(header):
        word = max(len(w) for w in name.split())
        assert _share(widths, j) >= word * report.CHAR_PT - 0.5, (name, widths)


def test_md_code_shows_file_names_as_they_are():
    """Escapes inside a code span are shown literally ("org\\_network\\_metrics\\.parquet")."""
    assert report.md_code("data/processed/org_network_metrics.parquet") == (
        "`data/processed/org_network_metrics.parquet`"
    )
    assert report.md_code("a`b") == "``a`b``"
    assert report.md_code("`x") == "`` `x ``"
    assert "\n" not in report.md_code("two\nlines")
