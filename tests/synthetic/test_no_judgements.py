"""The generators' free texts name no real organisation and pass no judgement (ground rule 2).

The synthetic inputs use real organisation names from the registry beside invented facts.
Any remark the generators write next to them (centre notes, survey comments, coder notes,
sheet notes) must be about the record, not an evaluation of a centre or partner, and must
not itself name an organisation.
"""

from __future__ import annotations

import re

import pytest

from pipeline.registries import load_organisations, split_aliases
from pipeline.synthetic.centres import NOISE_MODEL
from pipeline.synthetic.centres.noise import NOTES_TEXTS
from pipeline.synthetic.centres.writer import NOTES_SHEET_LINES, SUBTITLE, TITLE
from pipeline.synthetic.interviews.noise import NOTE_TEXT
from pipeline.synthetic.survey.noise import COMMENTS

#: wording that judges a centre or an organisation rather than describing the record
JUDGEMENT = (
    "on paper",
    "not updated",
    "out of date",
    "inactive",
    "defunct",
    "nominal",
    "no centre",
    "neglect",
    "poor",
    "weak",
    "fail",
    "unreliable",
    "unresponsive",
    "from partner",
    "never deliver",
    "in name only",
)
TEXTS = [
    *NOTES_TEXTS,
    *NOISE_MODEL.trailing_notes,
    *NOTES_SHEET_LINES,
    TITLE,
    SUBTITLE,
    NOTE_TEXT,
    *COMMENTS,
]


@pytest.mark.parametrize("text", TEXTS)
def test_text_passes_no_judgement(text: str) -> None:
    found = [w for w in JUDGEMENT if w in text.lower()]
    assert not found, (text, found)


def _organisation_patterns() -> list[re.Pattern[str]]:
    orgs = load_organisations()
    names = set(orgs["name"])
    for cell in orgs["aliases"]:
        names.update(a for a in split_aliases(cell) if a.isascii() and len(a) >= 4)
    return [re.compile(rf"\b{re.escape(n)}\b", re.IGNORECASE) for n in sorted(names)]


def test_remarks_name_no_registry_organisation() -> None:
    patterns = _organisation_patterns()
    remarks = [*NOTES_TEXTS, NOTE_TEXT, *COMMENTS]
    hits = [(t, p.pattern) for t in remarks for p in patterns if p.search(t)]
    assert not hits, hits
