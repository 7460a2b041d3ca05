"""Run one hostile input through the public API of its reader and normalise the result.

Each runner also checks the row-accounting identity ``raw = kept + duplicates + rejected``
against the cleaner's own accounting and against the tables it returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from . import corpus

KINDS = ("centres", "survey", "interviews", "biblio")


@dataclass
class Outcome:
    """What a reader returned, normalised across the four kinds."""

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

    r = clean_centres(path)
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
    return Outcome(
        main=r.responses,
        rejects=r.rejects,
        raw=acc["raw_rows"],
        kept=acc["kept"],
        duplicates=acc["duplicates"],
        rejected=acc["rejected"],
        unresolved=r.unresolved["organisation_text"].astype(str).tolist(),
        result=r,
    )


def run_interviews(path: Path, case: dict[str, Any], tmp: Path) -> Outcome:
    from pipeline.interviews import clean_interviews

    codebook = tmp / case["codebook"] if "codebook" in case else corpus.CODEBOOK
    r = clean_interviews(path, codebook)
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


RUNNERS = {
    "centres": run_centres,
    "survey": run_survey,
    "interviews": run_interviews,
    "biblio": run_biblio,
}


def error_class(kind: str) -> type[BaseException]:
    if kind == "centres":
        from pipeline.centres import CentresInputError

        return CentresInputError
    if kind == "survey":
        from pipeline.survey import SurveyInputError

        return SurveyInputError
    if kind == "interviews":
        from pipeline.interviews import InterviewsInputError

        return InterviewsInputError
    return ValueError
