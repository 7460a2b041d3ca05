"""Run one hostile input through the public API of its reader and normalise the result.

Each runner also checks the row-accounting identity ``raw = kept + duplicates + rejected``
against the cleaner's own accounting and against the tables it returns.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import corpus

KINDS = (
    "centres",
    "survey",
    "interviews",
    "biblio",
    "registers",
    "literature",
    "workshop",
    "excerpts",
)


@dataclass
class Outcome:
    """What a reader returned, normalised across the kinds."""

    main: pd.DataFrame
    rejects: pd.DataFrame
    raw: int
    kept: int
    duplicates: int
    rejected: int
    unresolved: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    result: Any = None

    @classmethod
    def counted(cls, main: pd.DataFrame, rejects: pd.DataFrame, result: Any, **extra: Any):
        """An outcome whose counts are the reader's accounting (``raw_rows``, ``kept``,
        ``duplicates``, ``rejected``), as most readers report them."""
        acc = result.accounting
        return cls(
            main=main,
            rejects=rejects,
            raw=acc["raw_rows"],
            kept=acc["kept"],
            duplicates=acc["duplicates"],
            rejected=acc["rejected"],
            result=result,
            **extra,
        )


# --------------------------------------------------------------------------- readers
def input_path(case: dict[str, Any], tmp: Path) -> Path:
    if "build" in case:
        return corpus.BUILDERS[case["build"]](tmp)
    path = corpus.INPUTS / case["kind"] / case["file"]
    assert path.exists(), f"manifest names a missing input: {path}"
    return path


def run_centres(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.centres import clean_centres
    from pipeline.centres.clean import check_accounting

    r = clean_centres(path, sheet=case.get("sheet"))
    acc = r.accounting
    check_accounting(acc)
    assert len(r.centres) == acc["centres"]
    assert len(r.duplicates) == acc["duplicates"]
    assert r.rejects["source_row"].nunique() == acc["rejected"], r.rejects
    kept_rows = set(r.centres["source_row"])
    assert not kept_rows & set(r.rejects["source_row"]), "a row is both kept and rejected"
    assert not kept_rows & set(r.duplicates["source_row"]), "a row is both kept and a duplicate"
    return Outcome(
        main=r.centres,
        rejects=r.rejects,
        raw=acc["raw_rows"] - acc["non_data_rows"],
        kept=acc["centres"],
        duplicates=acc["duplicates"],
        rejected=acc["rejected"],
        unresolved=r.unresolved["value"].astype(str).tolist(),
        warnings=list(r.warnings),
        result=r,
    )


def run_survey(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.survey import clean_export

    r = clean_export(path)
    acc = r.accounting
    assert acc["raw_rows"] == acc["kept"] + acc["rejected"] + acc["duplicates"], acc
    assert len(r.responses) == acc["kept"]
    dup = r.rejects["reason"].str.contains("duplicate", case=False)
    assert r.rejects.loc[dup, "source_row"].nunique() == acc["duplicates"], r.rejects
    assert r.rejects.loc[~dup, "source_row"].nunique() == acc["rejected"], r.rejects
    assert not set(r.responses["source_row"]) & set(r.rejects["source_row"])
    return Outcome.counted(
        r.responses,
        r.rejects,
        r,
        unresolved=r.unresolved["organisation_text"].astype(str).tolist(),
        warnings=list(acc["warnings"]),
    )


def run_interviews(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.interviews import clean_interviews

    codebook = tmp / case["codebook"] if "codebook" in case else corpus.CODEBOOK
    r = clean_interviews(
        path, codebook, case_sheet=case.get("case_sheet"), matrix_sheet=case.get("matrix_sheet")
    )
    acc = r.accounting
    for block in ("cases_sheet", "matrix_rows"):
        b = acc[block]
        assert b["raw_rows"] == b["kept"] + b["duplicates"] + b["rejected"], (block, b)
    cells = acc["matrix_cells"]
    assert cells["raw_cells"] == cells["kept"] + cells["rejected"], cells
    assert len(r.cases) == acc["cases_sheet"]["kept"]
    assert acc["rejects_rows"] == len(r.rejects)
    cs = acc["cases_sheet"]
    return Outcome(
        main=r.cases,
        rejects=r.rejects,
        raw=cs["raw_rows"],
        kept=cs["kept"],
        duplicates=cs["duplicates"],
        rejected=cs["rejected"],
        unresolved=r.unresolved["organisation_text"].astype(str).tolist(),
        warnings=list(acc["warnings"]),
        result=r,
    )


def run_biblio(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.biblio import ingest

    out = tmp / "out" / "works.parquet"
    report = ingest([path], out, progress=False)
    report.check()
    assert report.raw == report.kept + report.duplicates + report.rejected
    works = pd.read_parquet(out)
    assert len(works) == report.kept
    assert len(report.rejects) == report.rejected
    assert sum(int(f["works"]) for f in report.files) + report.rejected == report.raw
    assert works["work_id"].is_unique
    return Outcome(
        main=works,
        rejects=report.rejects,
        raw=report.raw,
        kept=report.kept,
        duplicates=report.duplicates,
        rejected=report.rejected,
        skipped=[tuple(s) for s in report.skipped],
        result=report,
    )


def run_registers(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.registers import clean_registers
    from pipeline.registers.clean import check_accounting

    r = clean_registers([path])
    acc = r.accounting
    check_accounting(acc)
    assert len(r.entries) == acc["kept"]
    assert len(r.duplicates) == acc["duplicates"]
    assert r.rejects[["source_file", "source_row"]].drop_duplicates().shape[0] == acc["rejected"]
    kept = set(zip(r.entries["source_file"], r.entries["source_row"], strict=True))
    assert not kept & set(zip(r.rejects["source_file"], r.rejects["source_row"], strict=True))
    return Outcome.counted(
        r.entries,
        r.rejects,
        r,
        unresolved=r.review["organisation"].astype(str).tolist(),
        warnings=list(r.warnings),
    )


def run_literature(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.literature import clean_literature
    from pipeline.literature.clean import check_accounting

    coding = corpus.literature_coding(tmp, case.get("coding", "default"))
    r = clean_literature([path], coding)
    acc = r.accounting
    check_accounting(acc)
    lib = acc["library"]
    assert len(r.references) == lib["kept"]
    assert len(r.duplicates) == lib["duplicates"]
    assert (r.rejects["source_file"] == path.name).sum() == lib["rejected"], r.rejects
    return Outcome(
        main=r.references,
        rejects=r.rejects,
        raw=lib["raw_records"],
        kept=lib["kept"],
        duplicates=lib["duplicates"],
        rejected=lib["rejected"],
        warnings=[f"{n.column}: {n.reason}" for n in r.notes.itertuples(index=False)],
        result=r,
    )


def run_workshop(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.workshop import clean_workshop

    r = clean_workshop(path, range(1, 11))  # the reference edition's ten recommendations
    acc = r.accounting
    assert len(r.scores) == acc["kept"]
    assert len(r.rejects) == acc["rejected"] + acc["duplicates"]
    assert not set(r.scores["source_row"]) & set(r.rejects["source_row"]), "kept and rejected"
    return Outcome.counted(r.scores, r.rejects, r)


#: The codebook, cases and code counts every excerpts case is cleaned against.
EXCERPT_CODEBOOK = pd.DataFrame(
    {
        "code_id": ["ben_trust"],
        "code_path": ["Benefits\\Trust"],
        "theme": ["benefits"],
        "description": [""],
    }
)
EXCERPT_CASES = ["INT-01", "INT-02"]
EXCERPT_COUNTS = pd.DataFrame({"code_id": ["ben_trust"], "interviews_total": [9]})


def run_excerpts(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    """Clean, approve every candidate as a reviewer might, and clean again: what is published
    is then every kept excerpt, redacted."""
    from pipeline.interviews.excerpts import clean_excerpts

    args = (EXCERPT_CODEBOOK, EXCERPT_CASES, EXCERPT_COUNTS)
    first = clean_excerpts(path, *args, tmp / "no_approvals.csv", 5)
    approvals = tmp / "approvals.csv"
    lines = [
        "excerpt_id,sha256",
        *(f"{r.excerpt_id},{r.sha256}" for r in first.candidates.itertuples()),
    ]
    approvals.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = clean_excerpts(path, *args, approvals, 5)
    acc = r.accounting
    assert len(r.published) == acc["published"] == acc["kept"] == len(r.candidates)
    return Outcome.counted(r.published, r.rejects, r)


RUNNERS = {
    "centres": run_centres,
    "survey": run_survey,
    "interviews": run_interviews,
    "biblio": run_biblio,
    "registers": run_registers,
    "literature": run_literature,
    "workshop": run_workshop,
    "excerpts": run_excerpts,
}


#: The error each kind's reader raises for a file it cannot use: (module, class name).
ERRORS = {
    "centres": ("pipeline.centres", "CentresInputError"),
    "survey": ("pipeline.survey", "SurveyInputError"),
    "interviews": ("pipeline.interviews", "InterviewsInputError"),
    "registers": ("pipeline.registers", "RegistersInputError"),
    "literature": ("pipeline.literature", "LiteratureInputError"),
    "workshop": ("pipeline.workshop", "WorkshopInputError"),
    "excerpts": ("pipeline.interviews", "InterviewsInputError"),
}


def error_class(kind: str) -> type[BaseException]:
    if kind not in ERRORS:
        return ValueError
    module, name = ERRORS[kind]
    return getattr(importlib.import_module(module), name)
