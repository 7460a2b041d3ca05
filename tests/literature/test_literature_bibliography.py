"""The generated .bib: parsed and formatted by pybtex (what sphinxcontrib-bibtex uses)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from pipeline.literature.bibliography import bibtex_string, entry_fields, escape, format_names


def _ref(**over) -> dict:
    row = {"ref_key": "lit-x2021y", "entry_type": "report", "title": "T", "year": 2021,
           "authors_json": json.dumps([{"literal": "RAND Europe"}]), "container": None,
           "publisher": "RAND Corporation", "volume": None, "issue": None, "pages": None,
           "number": "RR-1", "doi": None, "url": "https://example.org/a?x=1&y=2"}  # fmt: skip
    return {**row, **over}


def _format(bib: str, style: str = "alpha") -> dict[str, str]:
    data = parse_string(bib, "bibtex")
    formatter = find_plugin("pybtex.style.formatting", style)()
    return {
        e.key: e.text.render_as("text") for e in formatter.format_entries(data.entries.values())
    }


def test_escape_and_names() -> None:
    assert (
        escape("R&D 50% {of} a_b #1 $5 ~x ^y")
        == r"R\&D 50\% of a\_b \#1 \$5 \textasciitilde{}x \textasciicircum{}y"
    )
    names = [{"family": "Müller", "given": "Jörg"}, {"literal": "House of Commons Committee"}]
    assert format_names(names) == "Müller, Jörg and {House of Commons Committee}"


@pytest.mark.parametrize(
    ("over", "kind"),
    [
        ({"entry_type": "article", "container": "Minerva", "pages": "199-214"}, "article"),
        ({"entry_type": "article", "container": None}, "misc"),
        ({}, "techreport"),
        ({"publisher": None, "authors_json": "[]"}, "misc"),
        ({"entry_type": "news", "container": "BBC News"}, "misc"),
        ({"entry_type": "book", "publisher": "NAP"}, "book"),
    ],
)
def test_entry_types_follow_required_fields(over: dict, kind: str) -> None:
    assert entry_fields(_ref(**over))[0] == kind


def test_bib_formats_in_every_standard_style_and_keeps_special_characters() -> None:
    refs = pd.DataFrame([
        _ref(title="R&D at 50% of UK–China output"),
        _ref(ref_key="lit-a2022b", entry_type="article", container="Minerva", volume="53",
             issue="3", pages="199-214", doi="10.1007/s11024-015-9273-6", url=None,
             authors_json=json.dumps([{"family": "Wagner", "given": "Caroline S."}])),
        _ref(ref_key="lit-n2019c", entry_type="news", container="BBC News", publisher=None,
             authors_json=json.dumps([{"literal": "BBC News"}]), number=None),
    ])  # fmt: skip
    bib = bibtex_string(refs)
    for style in ("alpha", "plain", "unsrt"):
        text = _format(bib, style)
        assert "R&D at 50% of UK–China output" in text["lit-x2021y"]
        assert "RAND Europe" in text["lit-x2021y"] and "Technical Report" not in text["lit-x2021y"]
        assert "Minerva, 53(3):199–214, 2015" not in text["lit-a2022b"]  # year from the row
        assert "Minerva, 53(3):199–214, 2021" in text["lit-a2022b"]
        assert "doi:10.1007/s11024-015-9273-6" in text["lit-a2022b"]
        assert "BBC News" in text["lit-n2019c"]
    assert bib == bibtex_string(refs.iloc[::-1])  # sorted by key: order-independent


def test_empty_library_gives_a_valid_file() -> None:
    refs = pd.DataFrame(columns=list(_ref()))
    assert parse_string(bibtex_string(refs), "bibtex").entries == {}
