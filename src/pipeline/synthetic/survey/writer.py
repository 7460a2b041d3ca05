"""The survey export on disk: a Qualtrics "CSV, use choice text" download.

UTF-8 with a byte-order mark, CRLF line ends, three header rows (column ids, question
text, ImportId JSON), multi-select answers joined by commas, and the rows the cleaning
must drop (previews, unfinished responses, a spam response) sorted in among the valid
responses by start time.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.io import atomic_write_bytes
from pipeline.survey.instrument import Question, Scale, load_questions, load_scales
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.scenario import Scenario, load_scenario
from pipeline.synthetic.survey.noise import (
    COMMENTS,
    FEATURED,
    TOKENS,
    Context,
    PersonalData,
    Record,
    metadata,
    previews,
    spam,
    typed_organisation,
    uk_universities,
    unfinished,
)
from pipeline.synthetic.survey.truth import (
    CHALLENGE_MEANS,
    AnswerModel,
    Calibrated,
    answer_model,
    calibrated_answers,
    choose_organisations,
    load_targets,
    other_answers,
)

FILENAME = "survey_export_SYNTHETIC.csv"
FIELDWORK_START = datetime(2021, 6, 7, 8, 0, 0)
FIELDWORK_DAYS = 40

METADATA = [
    ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "Europe/London"}),
    ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "Europe/London"}),
    ("Status", "Response Type", {"ImportId": "status"}),
    ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
    ("Progress", "Progress", {"ImportId": "progress"}),
    ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
    ("Finished", "Finished", {"ImportId": "finished"}),
    ("RecordedDate", "Recorded Date", {"ImportId": "recordedDate", "timeZone": "Europe/London"}),
    ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
    ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
    ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
    ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
    ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
    ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
    ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
    ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
    ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
]


@dataclass
class _Built:
    header: list[list[str]]
    rows: list[list[str]]
    truth: pd.DataFrame
    personal: list[str]


def _starts(rng: np.random.Generator, n: int) -> list[datetime]:
    """Start times on fieldwork days, answered between 08:00 and 20:00 UK time."""
    return [
        FIELDWORK_START.replace(hour=0) + timedelta(days=int(d), seconds=8 * 3600 + int(s))
        for d, s in zip(
            rng.integers(0, FIELDWORK_DAYS, size=n),
            rng.integers(0, 12 * 3600, size=n),
            strict=True,
        )
    ]


def _valid_record(
    ctx: Context,
    i: int,
    start: datetime,
    template: str,
    org: tuple[str, tuple[str, ...]],
    forced: str | None,
    calibrated: Calibrated,
    model: AnswerModel,
) -> Record:
    """Respondent ``i``'s export row and the truth the cleaning must recover from it."""
    rng = ctx.rng
    channel = "email" if rng.random() < 0.8 or "{name}" in template else "anonymous"
    p = ctx.people.person(i, channel)
    org_id, variants = org
    org_text = typed_organisation(rng, variants, forced)
    other = other_answers(rng, ctx.scales, model)
    drv_labels = ctx.scales["drivers"].labels
    drivers = calibrated.drivers[i]
    ans: dict[str, str] = {
        "organisation_text": org_text,
        "role": other["role"],
        "discipline": other["discipline"],
        "drivers": ",".join(drv_labels[j] for j in drivers),
        "experience": other["experience"],
        "straightforward": calibrated.straightforward[i],
        "at_risk": calibrated.at_risk[i],
        **{key: other[key] for key in CHALLENGE_MEANS},
    }
    comment = ctx.people.comment(template, p, i)
    truth_row: dict[str, Any] = {
        "org_id": org_id,
        **{k: (v.strip() or None) for k, v in ans.items() if k != "drivers"},
        "drivers": tuple(drv_labels[j] for j in sorted(drivers)),
        "drivers_n": len(drivers),
        "comments": template.format(**TOKENS) or None,
        "comments_raw": comment or None,
    }
    ans["comments"] = comment
    row = metadata(rng, start, "IP Address", 100, True, p, channel)
    row.update({q.id: ans[q.key] for q in ctx.questions})
    return start, row, truth_row


def _import_id(qid: str, qtype: str) -> str:
    if qtype == "organisation":
        return f"QID{qid.removeprefix('Q')}_TEXT"
    return "QID" + qid.removeprefix("Q")


def _header(questions: tuple[Question, ...]) -> list[list[str]]:
    """The three header rows: column ids, question text, ImportId JSON."""
    return [
        [m[0] for m in METADATA] + [q.id for q in questions],
        [m[1] for m in METADATA] + [q.text for q in questions],
        [json.dumps(m[2], separators=(",", ":")) for m in METADATA]
        + [
            json.dumps({"ImportId": _import_id(q.id, q.type)}, separators=(",", ":"))
            for q in questions
        ],
    ]


def _truth_frame(
    header: list[list[str]], records: list[Record], rows: list[list[str]]
) -> pd.DataFrame:
    """The valid responses in file order, with the file line each starts on."""
    line = 1 + sum(1 + sum(cell.count("\n") for cell in r) for r in header)
    truth_rows = []
    for (_, _, t), r in zip(records, rows, strict=True):
        if t is not None:
            truth_rows.append({"source_row": line, **t})
        line += 1 + sum(cell.count("\n") for cell in r)
    truth = pd.DataFrame(truth_rows)
    width = max(3, len(str(len(truth))))
    truth.insert(0, "response_id", [f"R{i + 1:0{width}d}" for i in range(len(truth))])
    return truth


def _records(
    rng: np.random.Generator,
    targets: dict[str, Any],
    scales: dict[str, Scale],
    questions: tuple[Question, ...],
    model: AnswerModel,
) -> tuple[list[Record], list[str]]:
    """Every response of the export (valid ones first, then the junk) and the personal data."""
    n_valid = int(targets["survey_responses"])
    unis = uk_universities()
    names = [u[1][0] for u in unis]
    featured, chosen, org_of = choose_organisations(
        rng, names, list(FEATURED), int(targets["survey_organisations"]), n_valid
    )
    # the first respondent of each featured organisation types the featured spelling
    forced: dict[int, str] = {}
    for idx in featured:
        example = FEATURED[names[idx]]
        if example in unis[idx][1]:
            forced[org_of.index(idx)] = example
    calibrated = calibrated_answers(rng, targets, scales, model)
    ctx = Context(rng, scales, questions, PersonalData(rng, n_valid + 6))
    comment_slots = rng.permutation(n_valid)[: len(COMMENTS) + 4]
    starts = _starts(rng, n_valid + 4)
    comment_of = {int(s): COMMENTS[k] for k, s in enumerate(comment_slots[: len(COMMENTS)])}
    records = [
        _valid_record(
            ctx,
            i,
            starts[i],
            comment_of.get(i, ""),
            unis[org_of[i]],
            forced.get(i),
            calibrated,
            model,
        )
        for i in range(n_valid)
    ]
    records += previews(ctx, n_valid)
    records += unfinished(ctx, n_valid + 2, starts[n_valid:], [unis[c] for c in chosen])
    records.append(spam(ctx, n_valid + 5, starts[n_valid + 3]))
    return records, ctx.people.values


@lru_cache(maxsize=4)
def _build(seed: int, scenario: Scenario) -> _Built:
    rng = np.random.default_rng(seed)
    questions = load_questions()
    scales = load_scales()
    model = answer_model(scenario, scales)
    records, personal = _records(rng, load_targets(scenario), scales, questions, model)
    records.sort(key=lambda r: r[0])
    header = _header(questions)
    rows = [[rec[c] for c in header[0]] for _, rec, _ in records]
    truth = _truth_frame(header, records, rows)
    return _Built(
        header=header, rows=rows, truth=truth, personal=sorted({v for v in personal if v})
    )


def render(seed: int = DEFAULT_SEED, scenario: str | Path | Scenario | None = None) -> bytes:
    """The export's bytes (UTF-8 with BOM, CRLF line ends) for ``seed`` and ``scenario``."""
    built = _build(seed, load_scenario(scenario))
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(built.header)
    writer.writerows(built.rows)
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")


def generate(
    out_dir: Path, seed: int = DEFAULT_SEED, scenario: str | Path | Scenario | None = None
) -> list[Path]:
    """Write ``survey_export_SYNTHETIC.csv`` into ``out_dir`` (e.g. ``data/raw/survey``),
    calibrated to ``scenario`` (default: the reference, the published figures)."""
    path = Path(out_dir) / FILENAME
    atomic_write_bytes(path, render(seed, scenario))
    return [path]


def make_truth(
    seed: int = DEFAULT_SEED, scenario: str | Path | Scenario | None = None
) -> pd.DataFrame:
    """One row per valid response, in file order, with the answers the cleaning must return.

    ``comments`` holds the expected redacted text, ``comments_raw`` what the export holds.
    """
    return _build(seed, load_scenario(scenario)).truth.copy()


def personal_values(
    seed: int = DEFAULT_SEED, scenario: str | Path | Scenario | None = None
) -> list[str]:
    """Every personal value written into the export (for leak tests)."""
    return list(_build(seed, load_scenario(scenario)).personal)
