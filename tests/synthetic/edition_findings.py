"""Clean a synthetic edition with the project's own cleaners and read off its headlines.

An edition is a folder laid out like ``data/raw``. Each input goes through the package the
pipeline's cleaning stage uses (``pipeline.centres``, ``pipeline.network``,
``pipeline.survey``, ``pipeline.interviews``, ``pipeline.biblio``), and the result is one
findings record keyed like ``metrics/findings.json`` (the ``computed`` keys of
``published_figures.yaml``) plus the headline readings the chapters put into words: the
trend after the golden era, the most connected organisation's country, where centres are
sited, and so on. Direction words here are the tests' own vocabulary ("rising",
"falling"), not the book's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import published
from pipeline.biblio.clean import clean_bibliometrics
from pipeline.biblio.findings import copubs_share_of_uk_by_year
from pipeline.biblio.read import find_group_by, year_counts
from pipeline.centres import centres_findings, clean_centres
from pipeline.centres.chapter import stage_findings
from pipeline.interviews import clean_interviews, interviews_findings
from pipeline.interviews.findings import group_share
from pipeline.network import analyse
from pipeline.registries import load_nsi_sectors, load_provinces, reference_dir
from pipeline.survey.clean import run as clean_survey
from pipeline.survey.instrument import load_questions, load_scales

#: the discipline groups the interviews chapter sets against STEM
SSH = ["social_sciences", "arts_and_humanities"]


@dataclass
class Edition:
    """One cleaned edition: its findings record and its headline readings."""

    raw: Path
    findings: dict[str, Any]
    headlines: dict[str, Any]


def _single(folder: Path, pattern: str) -> Path:
    (path,) = sorted(folder.glob(pattern))
    return path


def _trend(first: float, last: float) -> str:
    return "rising" if last > first else "falling" if last < first else "flat"


def centres_part(raw: Path, figures: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Findings and headlines of the centres workbook and its partner network."""
    result = clean_centres(_single(raw / "centres", "*.xlsx"))
    found = stage_findings(centres_findings(result), figures, load_provinces())
    net = analyse(result.centres, result.organisations, result.centre_partners, seed=1)
    found.update(net.findings)
    g0, g1 = published.golden_era(figures)
    new = {int(y): n for y, n in found["centres_new_by_year"].items()}
    era = [n for y, n in new.items() if g0 <= y <= g1]
    after = [n for y, n in new.items() if y > g1]
    busiest = max(new.values())
    loc = found["centres_by_location"]
    in_act = set(load_nsi_sectors().query("in_nsi_act")["sector"])
    sectors = {s: n for s, n in found["nsi_sector_counts"].items() if s in in_act}
    heads = {
        "mean_new_in_era": sum(era) / len(era),
        "mean_new_after_era": sum(after) / len(after),
        "new_centres_after_era": _trend(sum(era) / len(era), sum(after) / len(after)),
        "busiest_years": [y for y, n in new.items() if n == busiest],
        "most_connected": found["top_connected_detail"][0],
        "top10_uk_count": found["top10_uk_count"],
        "sited_in_uk": loc["GB"] + loc["both"],
        "sited_in_china": loc["CN"] + loc["both"],
        "uk_only": loc["GB"],
        "china_only": loc["CN"],
        "stem_share": found["discipline_group_shares"]["stem"],
        "top_topic": max(found["topic_counts"], key=lambda t: (found["topic_counts"][t], t)),
        "top_act_sector": max(sectors, key=lambda s: (sectors[s], s)),
    }
    return found, heads


def _agreement(counts: list[dict[str, Any]], agree: set[str]) -> float:
    answered = sum(c["count"] for c in counts if c["label"] != "No answer")
    return sum(c["count"] for c in counts if c["label"] in agree) / answered


def survey_part(raw: Path, work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Findings and headlines of the survey export."""
    _result, found, _paths = clean_survey(_single(raw / "survey", "*.csv"), work / "survey")
    scales = load_scales()
    negative = set(scales["straightforward4"].labels[:2])
    agree = set(scales["agreement5"].labels[-2:])
    items = {q.item: q.key for q in load_questions() if q.stem == "challenges"}
    shares = {items[i]: _agreement(c, agree) for i, c in found["challenges_likert"].items()}
    heads = {
        "not_straightforward_share": 100 * _agreement(found["straightforward_counts"], negative),
        "top_driver": found["drivers_ranked"][0]["driver"],
        "top_challenge": max(shares, key=lambda k: (shares[k], k)),
        "at_risk_survey": found["at_risk_survey_respondents"],
    }
    return dict(found), heads


def interviews_part(raw: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Findings and headlines of the interview coding export."""
    folder = raw / "interviews"
    result = clean_interviews(_single(folder, "*.xlsx"), _single(folder, "*codebook*.csv"))
    found = interviews_findings(result.cases, result.codes_long, result.codebook)
    theme_of = dict(zip(result.codebook["code_id"], result.codebook["theme"], strict=True))
    top: dict[str, str] = {}
    for code, n in sorted(found["code_counts"].items(), key=lambda kv: (-kv[1], kv[0])):
        top.setdefault(theme_of[code], code)
    heads = {
        "at_risk_interviews": found["at_risk_interviewees"],
        "top_code_by_theme": top,
        "interviews_by_group": found["interviews_by_group"],
        "group_shares": {
            code: {"stem": group_share(found, code, ["stem"]), "ssh": group_share(found, code, SSH)}
            for code in ("ben_complementarity", "ben_differing_perspectives")
        },
    }
    return found, heads


def biblio_part(raw: Path, work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Findings and headlines of the bibliometric extracts (yearly counts and the sample)."""
    folder = raw / "bibliometrics"
    clean = clean_bibliometrics(folder, work / "works.parquet", work / "acc.json", work / "rej.csv")
    files = find_group_by(folder)
    copubs = year_counts(files["uk_cn"])
    share = copubs_share_of_uk_by_year(files["uk"], files["uk_cn"])
    first, last = min(share), max(share)
    found = {
        "copubs_by_year": {str(y): n for y, n in copubs.items()},
        "copubs_share_of_uk_by_year": {str(y): s for y, s in share.items()},
    }
    heads = {
        "copubs_trend": _trend(copubs[first], copubs[last]),
        "copub_share_trend": _trend(share[first], share[last]),
        "works_kept": len(pd.read_parquet(clean.report.out)),
    }
    return found, heads


def clean_edition(raw: Path, work: Path, figures: dict[str, Any] | None = None) -> Edition:
    """Every input of the edition in ``raw`` cleaned (scratch files under ``work``)."""
    figures = figures or published.load_figures(reference_dir() / published.FILE_NAME)
    findings: dict[str, Any] = {}
    headlines: dict[str, Any] = {}
    for found, heads in (
        centres_part(raw, figures),
        survey_part(raw, work),
        interviews_part(raw),
        biblio_part(raw, work),
    ):
        findings.update(found)
        headlines.update(heads)
    return Edition(raw=raw, findings=findings, headlines=headlines)
