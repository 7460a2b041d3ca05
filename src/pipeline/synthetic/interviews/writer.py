"""The interview export on disk: an NVivo-like workbook and the codebook CSV.

``interviews_coding_SYNTHETIC.xlsx``
    sheet ``Cases``: one row per interview case (case id, organisation as written by the
    coder, discipline group, institution type, role); sheet ``Framework matrix``: one row
    per case, one column per code, with the code hierarchy in the header
    (``Nodes\\Drivers\\Access to expertise and human capital``) and the number of coding
    references in each cell (blank means none). A title block sits above each header row.
``interviews_codebook_SYNTHETIC.csv``
    ``code_id, code_path, theme, description``.
``excerpts/interviews_excerpts_SYNTHETIC.csv``
    coded excerpts (``Code``, ``Case``, ``Coded text``), invented
    (:mod:`pipeline.synthetic.interviews.excerpts`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook

from pipeline.io import atomic_write_csv
from pipeline.registries import OrganisationResolver, load_organisations
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.common import save_workbook
from pipeline.synthetic.interviews.codebook import CODEBOOK, codebook_frame
from pipeline.synthetic.interviews.excerpts import EXCERPTS_FOLDER, EXCERPTS_NAME, excerpts_frame
from pipeline.synthetic.interviews.noise import (
    NOTE_TEXT,
    Untidiness,
    spellings,
    typed_name,
    untidiness,
)
from pipeline.synthetic.interviews.truth import (
    case_groups,
    case_organisations,
    checked_targets,
    choose_organisations,
    code_rates,
    coding,
    institution_type,
    role,
    summarise,
)
from pipeline.synthetic.scenario import Scenario, load_scenario

EXPORT_NAME = "interviews_coding_SYNTHETIC.xlsx"
CODEBOOK_NAME = "interviews_codebook_SYNTHETIC.csv"
CASES_SHEET = "Cases"
MATRIX_SHEET = "Framework matrix"
FIXED_TIME = dt.datetime(2022, 1, 1, 0, 0, 0)
CREATOR = "pipeline.synthetic.interviews (SYNTHETIC)"


@dataclass(frozen=True)
class _Built:
    targets: dict[str, int]
    cases: pd.DataFrame
    refs: pd.DataFrame
    untidy: Untidiness


def _cases(rng: np.random.Generator, targets: dict[str, int]) -> tuple[pd.DataFrame, list[str]]:
    """The case table (with each organisation as typed) and each case's discipline group."""
    n_cases = targets["interviews_total"]
    chosen = choose_organisations(rng, targets["interview_organisations"])
    inst_type = {row["org_id"]: institution_type(row, rng) for _, row in chosen.iterrows()}
    resolver = OrganisationResolver(load_organisations())
    spell = {row["org_id"]: spellings(row, resolver) for _, row in chosen.iterrows()}
    org_of_case = case_organisations(rng, chosen, n_cases)
    groups = case_groups(rng, n_cases)
    width = max(2, len(str(n_cases)))
    cases = []
    for i, (oid, grp) in enumerate(zip(org_of_case, groups, strict=True)):
        written = typed_name(rng, spell[oid])
        cases.append(
            {
                "case_id": f"INT-{i + 1:0{width}d}",
                "organisation": written,
                "org_id": oid,
                "discipline_group": grp,
                "institution_type": inst_type[oid],
                "role": role(rng, grp, inst_type[oid]),
            }
        )
    return pd.DataFrame(cases), groups


@lru_cache(maxsize=4)
def _build(seed: int, scenario: Scenario) -> _Built:
    """The clean truth tables and the untidy export's flaws for ``seed`` and ``scenario``."""
    targets = checked_targets(scenario)
    rates = code_rates(scenario)
    rng = np.random.default_rng(seed)
    cases, groups = _cases(rng, targets)
    case_ids = list(cases["case_id"])
    refs = coding(rng, case_ids, groups, targets["at_risk_interviewees"], rates)
    return _Built(targets, cases, refs, untidiness(rng, case_ids, refs))


def make_truth(
    seed: int = DEFAULT_SEED, scenario: str | Path | Scenario | None = None
) -> dict[str, Any]:
    """What a correct cleaner must recover from the export generated with ``seed`` (and
    ``scenario``, default the reference).

    Keys: interviews_total, interview_organisations, at_risk_interviewees, code_counts
    (code_id -> cases raising it), code_counts_by_group (group -> code_id -> cases),
    org_ids (sorted), cases (DataFrame: case_id, org_id, discipline_group, ...),
    references, duplicate_cases, rejected_cells.
    """
    b = _build(seed, load_scenario(scenario))
    return summarise(b.cases.copy(), b.refs.copy(), b.targets)


def _cases_sheet(wb: Workbook, b: _Built) -> None:
    ws = wb.active
    ws.title = CASES_SHEET
    ws.append(
        [("Case classification sheet - SYNTHETIC data generated for testing, not real interviews")]
    )
    ws.append([])
    ws.append(["Case", "Organisation", "Discipline group", "Institution type", "Role"])
    case_rows = [
        [r.case_id, r.organisation, r.discipline_group, r.institution_type, r.role]
        for r in b.cases.itertuples()
    ]
    case_rows.append(next(r for r in case_rows if r[0] == b.untidy.duplicate_case))
    for row in case_rows:
        ws.append(row)


def _matrix_sheet(wb: Workbook, b: _Built) -> None:
    wm = wb.create_sheet(MATRIX_SHEET)
    wm.append(["Framework Matrix: interviews - coding references per case (SYNTHETIC)"])
    wm.append([])
    wm.append(["Case"] + [f"Nodes\\{c.code_path}" for c in CODEBOOK])
    dup = b.untidy.duplicate_case
    order = list(b.untidy.matrix_order)
    order.insert(order.index(dup) + 1, dup)
    for cid in order:
        row: list[Any] = [cid]
        for c in CODEBOOK:
            v = int(b.refs.loc[cid, c.code_id])
            if (cid, c.code_id) == b.untidy.note_cell:
                row.append(NOTE_TEXT)
            else:
                row.append(v if v > 0 else None)
        wm.append(row)


def generate(
    out_dir: Path | str,
    seed: int = DEFAULT_SEED,
    scenario: str | Path | Scenario | None = None,
    *,
    excerpts: bool = False,
) -> list[Path]:
    """Write the synthetic export and codebook into ``out_dir``; return their paths (sorted).

    ``scenario`` (default: the reference, the published figures) sets the calibration; with
    ``excerpts`` the coded excerpts are written too, into the ``excerpts/`` subfolder.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    b = _build(seed, load_scenario(scenario))
    wb = Workbook()
    _cases_sheet(wb, b)
    _matrix_sheet(wb, b)
    xlsx = save_workbook(
        wb,
        out / EXPORT_NAME,
        creator=CREATOR,
        title="Interview coding export (SYNTHETIC)",
        timestamp=FIXED_TIME,
    )
    csv = atomic_write_csv(out / CODEBOOK_NAME, codebook_frame())
    written = [xlsx, csv]
    if excerpts:
        frame = excerpts_frame(b.refs, seed)
        written.append(atomic_write_csv(out / EXCERPTS_FOLDER / EXCERPTS_NAME, frame))
    return sorted(written)
