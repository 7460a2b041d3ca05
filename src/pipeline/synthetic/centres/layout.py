"""The rows of the centres workbook: the noisy centre rows plus the rows a hand-kept sheet
gathers (invalid rows, exact duplicates, blank spacer rows, trailing notes), with the row
accounting the cleaner should report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.synthetic.centres.noise import (
    NOISE_MODEL,
    CellNoise,
    NoiseModel,
    choose_separators,
    noise_rng,
    spell_partners,
)
from pipeline.synthetic.centres.registry import Registry, organisations
from pipeline.synthetic.centres.truth import CentresTruth

HEADER: tuple[str, ...] = (
    "No.",
    "Centre name",
    "Chinese name",
    "UK partner(s)",
    "Chinese partner(s)",
    "Other partner(s)",
    "Year established",
    "City",
    "Province",
    "Physical location",
    "Research area",
    "Funder(s)",
    "Website",
    "Status",
    "Notes",
)
#: First worksheet row holding data (row 4 is the header).
FIRST_DATA_ROW = 5
#: partner organisations of the invalid rows that name no registry organisation
INVENTED_ORGANISATIONS: tuple[str, ...] = (
    "Northmoor Institute of Applied Futures",
    "Qinglan Polytechnic Academy of Sciences",
    "Westford College of Integrated Studies",
    "Hexiang Institute for Frontier Research",
    "Ashbury Centre for Technology Transfer",
    "Lingyun Academy of Innovation Studies",
    "Kestrel Vale University College",
    "Baiyu Higher Institute of Engineering Arts",
)
#: subjects of the invalid rows' (proposal) names
_PROPOSAL_SUBJECTS = (
    "Marine Science",
    "Heritage Science",
    "Digital Humanities",
    "Ocean Engineering",
    "Sports Science",
    "Tea Science",
)


@dataclass
class WorkbookPlan:
    """The rows to write (worksheet order, from row :data:`FIRST_DATA_ROW`) and their kinds.

    ``kinds`` per row: ``centre``, ``duplicate``, ``invalid_no_year_no_partner``,
    ``invalid_unknown_partners``, ``blank`` or ``note``. ``accounting`` is the row
    accounting the cleaner should report.
    """

    rows: list[list[Any]]
    kinds: list[str]
    accounting: dict[str, int]
    noise_counts: dict[str, int]


def _partner_order(truth: CentresTruth) -> dict[str, list[str]]:
    order: dict[str, list[str]] = dict(truth.partner_order)
    if not order:
        for key, grp in truth.partners.groupby("truth_key", sort=False):
            order[str(key)] = list(grp["org_id"])
    return order


def _centre_rows(
    rng: np.random.Generator, model: NoiseModel, truth: CentresTruth, reg: Registry, tally: Counter
) -> list[list[Any]]:
    """One noisy row per centre of the truth, in the truth's order."""
    c = {k: truth.centres[k].tolist() for k in truth.centres.columns}
    order = _partner_order(truth)
    scale = max(1, truth.scale)
    last_year = int(truth.targets["centres_last_year"])
    spelled = spell_partners(
        rng, model, organisations(reg), [order[key] for key in c["truth_key"]], scale, tally
    )
    sep_of = choose_separators(rng, model, spelled, tally)
    cells = CellNoise(rng, model, reg, c, last_year, tally)
    cells.choose_formats()
    rows: list[list[Any]] = []
    for i in range(len(truth.centres)):
        partners = {
            side: (sep_of.get((i, side), "; ").join(names) if names else None)
            for side, names in spelled[i].items()
        }
        name = c["name"][i]
        rows.append(
            [
                None,
                name,
                c["name_zh"][i],
                partners["UK"],
                partners["CN"],
                partners["other"],
                cells.year(i),
                cells.city(i),
                cells.province(i),
                cells.location(i),
                c["research_area_text"][i],
                cells.funders(i),
                cells.website(name),
                cells.status(i),
                cells.note(),
            ]
        )
    return rows


def _sheet_row(cells: dict[str, Any]) -> list[Any]:
    """A worksheet row from ``{header label: value}`` (other columns blank)."""
    unknown = set(cells) - set(HEADER)
    if unknown:
        raise KeyError(f"not workbook columns: {sorted(unknown)}")
    return [cells.get(h) for h in HEADER]


def _invalid_rows(
    model: NoiseModel, scale: int, truth_names: set[str]
) -> list[tuple[str, list[Any]]]:
    """Rows the cleaner must quarantine: no year and no partner, or unknown partners only."""

    def invalid_name(k: int) -> str:
        for j in range(100):
            subj = _PROPOSAL_SUBJECTS[(k + j) % len(_PROPOSAL_SUBJECTS)]
            nm = f"UK–China Centre for {subj} (proposal {k + j + 1})"
            if nm.lower() not in truth_names:
                return nm
        raise RuntimeError("no free name for an invalid row")

    invalid: list[tuple[str, list[Any]]] = []
    n_first = model.invalid_no_year_no_partner * scale
    for k in range(n_first):
        row = _sheet_row(
            {
                "Centre name": invalid_name(k),
                "City": "Nanjing" if k % 2 else None,
                "Physical location": "China",
                "Research area": "Advanced materials",
                "Status": "Unknown",
                "Notes": "Details never supplied",
            }
        )
        invalid.append(("invalid_no_year_no_partner", row))
    for k in range(model.invalid_unknown_partners * scale):
        row = _sheet_row(
            {
                "Centre name": invalid_name(n_first + k),
                "UK partner(s)": INVENTED_ORGANISATIONS[(2 * k) % len(INVENTED_ORGANISATIONS)],
                "Chinese partner(s)": INVENTED_ORGANISATIONS[
                    (2 * k + 1) % len(INVENTED_ORGANISATIONS)
                ],
                "Year established": 2010 + (k % 10),
                "Physical location": "Virtual",
                "Research area": "Environmental science",
                "Status": "Active",
            }
        )
        invalid.append(("invalid_unknown_partners", row))
    return invalid


def _add_sheet_rows(
    rng: np.random.Generator,
    model: NoiseModel,
    scale: int,
    rows: list[list[Any]],
    kinds: list[str],
    invalid: list[tuple[str, list[Any]]],
) -> None:
    """Insert invalid, duplicate and spacer rows; number the rows; append the notes."""
    for kind, row in invalid:
        pos = int(rng.integers(1, len(rows)))
        rows.insert(pos, row)
        kinds.insert(pos, kind)
    # running numbers (before duplicates, which copy their original's number)
    for j, row in enumerate(rows):
        row[0] = j + 1
    # exact duplicates, a few rows after the original
    for _ in range(model.duplicate_rows * scale):
        j = int(rng.integers(len(rows)))
        while kinds[j] != "centre":
            j = int(rng.integers(len(rows)))
        pos = min(len(rows), j + 1 + int(rng.integers(0, 4)))
        rows.insert(pos, list(rows[j]))
        kinds.insert(pos, "duplicate")
    for _ in range(model.spacer_rows * scale):
        pos = int(rng.integers(1, len(rows)))
        rows.insert(pos, [None] * len(HEADER))
        kinds.insert(pos, "blank")
    rows.append([None] * len(HEADER))
    kinds.append("blank")
    for t in model.trailing_notes:
        rows.append([t] + [None] * (len(HEADER) - 1))
        kinds.append("note")


def _accounting(rows: list[list[Any]], kinds: list[str]) -> dict[str, int]:
    """The row accounting of the sheet; every row is counted exactly once."""
    for r in rows:
        for v in r:
            if isinstance(v, str) and v.startswith("="):
                raise AssertionError(f"generated cell would become a formula: {v!r}")
    acc = {
        "centres": kinds.count("centre"),
        "duplicates": kinds.count("duplicate"),
        "rejected": sum(k.startswith("invalid") for k in kinds),
        "non_data_rows": kinds.count("blank") + kinds.count("note"),
    }
    acc["raw_rows"] = len(rows)
    if acc["raw_rows"] != sum(v for k, v in acc.items() if k != "raw_rows"):
        raise AssertionError(f"row accounting does not add up: {acc}")
    return acc


def plan_workbook(
    truth: CentresTruth, seed: int, model: NoiseModel = NOISE_MODEL, ref_dir: Path | None = None
) -> WorkbookPlan:
    """Apply the noise model to the truth: the exact rows :func:`write_workbook` writes."""
    rng = noise_rng(seed, model)
    reg = Registry.load(ref_dir)
    scale = max(1, truth.scale)
    tally: Counter = Counter()
    rows = _centre_rows(rng, model, truth, reg, tally)
    kinds = ["centre"] * len(rows)
    truth_names = {x.lower() for x in truth.centres["name"]}
    _add_sheet_rows(rng, model, scale, rows, kinds, _invalid_rows(model, scale, truth_names))
    acc = _accounting(rows, kinds)
    tally["duplicate_rows"] = acc["duplicates"]
    for kind in ("invalid_no_year_no_partner", "invalid_unknown_partners"):
        tally[kind] = kinds.count(kind)
    tally["spacer_rows"] = kinds.count("blank")
    tally["trailing_notes"] = kinds.count("note")
    return WorkbookPlan(
        rows=rows, kinds=kinds, accounting=acc, noise_counts=dict(sorted(tally.items()))
    )


def expected_accounting(truth: CentresTruth, seed: int) -> dict[str, int]:
    """Row accounting the cleaner should report for the workbook of ``truth`` and ``seed``."""
    return plan_workbook(truth, seed).accounting
