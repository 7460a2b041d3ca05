"""The OpenAlex extracts on disk, byte-stable for a seed.

``openalex_uk_cn_sample_SYNTHETIC.jsonl.gz``
    the sampled works, one JSON object a line, sorted by ``(publication_year, id)``,
    gzip-compressed with ``mtime=0`` and no file name;
``openalex_uk_cn_sample_SYNTHETIC.meta.json``
    side-car metadata: the filter the sample corresponds to, the sampling rate, sample
    and population sizes, a fixed snapshot date, generator and seed, and the list of
    deliberately mis-attributed works;
``openalex_group_by_uk_by_year_SYNTHETIC.json``, ``openalex_group_by_uk_cn_by_year_SYNTHETIC.json``
    OpenAlex ``group_by=publication_year`` responses for UK works and UK–China works.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path
from typing import Any

from pipeline.io import atomic_write_bytes, atomic_write_text, repo_root
from pipeline.synthetic import DEFAULT_SEED
from pipeline.synthetic.biblio.truth import (
    CALIBRATION_KEYS,
    SAMPLING_RATE,
    Built,
    build,
    load_calibration,
)
from pipeline.synthetic.scenario import Scenario, load_scenario

SNAPSHOT_DATE = "2022-03-01"
GENERATOR = "pipeline.synthetic.biblio"
SAMPLE_FILTER = "authorships.countries:GB,authorships.countries:CN,publication_year:2000-2021"
UK_FILTER = "authorships.countries:GB,publication_year:2000-2021"

SAMPLE_NAME = "openalex_uk_cn_sample_SYNTHETIC.jsonl.gz"
META_NAME = "openalex_uk_cn_sample_SYNTHETIC.meta.json"
GROUP_BY_UK_NAME = "openalex_group_by_uk_by_year_SYNTHETIC.json"
GROUP_BY_UK_CN_NAME = "openalex_group_by_uk_cn_by_year_SYNTHETIC.json"


def default_out_dir() -> Path:
    """``data/raw/bibliometrics`` of the repository."""
    return repo_root() / "data" / "raw" / "bibliometrics"


def _group_by_response(counts: dict[int, int], filter_: str) -> dict[str, Any]:
    """An OpenAlex ``group_by=publication_year`` response (groups by count, descending)."""
    groups = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "meta": {
            "count": int(sum(counts.values())),
            "db_response_time_ms": 0,
            "page": None,
            "per_page": 200,
            "groups_count": len(groups),
            "filter": filter_,
            "group_by": "publication_year",
            "snapshot_date": SNAPSHOT_DATE,
            "synthetic": True,
        },
        "results": [],
        "group_by": [
            {"key": str(year), "key_display_name": str(year), "count": int(n)} for year, n in groups
        ],
    }


def _gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _json_text(obj: Any) -> str:
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _meta(
    built: Built, cal: dict[str, float], seed: int, sampling_rate: float, scenario: Scenario
) -> dict[str, Any]:
    """The side-car metadata of the sample."""
    meta = {
        "synthetic": True,
        "description": (
            "SYNTHETIC stand-in for an OpenAlex sample of UK-China co-published works."
            " Not real bibliographic records; ids, DOIs (test prefix 10.5555), RORs"
            " and author names are invented. Yearly totals are calibrated to"
            " published Web of Science figures, not to OpenAlex."
        ),
        "source": "OpenAlex (simulated)",
        "endpoint": "https://api.openalex.org/works",
        "filter": SAMPLE_FILTER,
        "sampling": "uniform random sample within each publication year",
        "sampling_rate": sampling_rate,
        "sample_size": len(built.works),
        "sample_size_by_year": {str(y): n for y, n in built.sample_by_year.items()},
        "population_size": int(sum(built.uk_cn_by_year.values())),
        "snapshot_date": SNAPSHOT_DATE,
        "generator": GENERATOR,
        "seed": seed,
        "calibrated_to": {k: cal[k] for k in CALIBRATION_KEYS},
        "calibration_source": " + ".join(scenario.calibration_files()),
        "misattributed_work_ids": list(built.misattributed_work_ids),
        "misattribution_note": (
            "On these works the only UK institution carries the country code"
            " of a homonymous city abroad, so the work is not UK-China by its"
            " own country codes. A few further works carry such a wrong code"
            " beside a correctly coded UK institution."
        ),
        "acknowledgements_note": (
            "The funding acknowledgements (grants) are SYNTHETIC and calibrated to"
            " nothing published: funders are drawn from the funder registry with"
            " invented weights, and say nothing about what any real funder supports."
        ),
    }
    if not scenario.is_reference:
        meta["scenario"] = scenario.name
    return meta


def generate(
    out_dir: Path | str | None = None,
    seed: int = DEFAULT_SEED,
    ref_dir: Path | None = None,
    sampling_rate: float = SAMPLING_RATE,
    scenario: str | Path | Scenario | None = None,
) -> list[Path]:
    """Write the four synthetic OpenAlex files into ``out_dir``; return their paths (sorted).

    ``sampling_rate`` (default :data:`SAMPLING_RATE`) sets the share of each year's
    UK–China works put in the sample; the committed files use the default. ``scenario``
    (default: the reference, the published figures) sets the calibration.
    """
    if not 0.0 < sampling_rate <= 1.0:
        raise ValueError(f"sampling_rate must be in (0, 1], got {sampling_rate}")
    out = Path(out_dir) if out_dir is not None else default_out_dir()
    scen = load_scenario(scenario)
    cal = load_calibration(scenario=scen)
    built = build(seed, ref_dir, cal, sampling_rate)
    lines = "".join(
        json.dumps(w, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"
        for w in built.works
    )
    return sorted(
        [
            atomic_write_bytes(out / SAMPLE_NAME, _gzip_bytes(lines.encode("utf-8"))),
            atomic_write_text(
                out / META_NAME, _json_text(_meta(built, cal, seed, sampling_rate, scen))
            ),
            atomic_write_text(
                out / GROUP_BY_UK_NAME, _json_text(_group_by_response(built.uk_by_year, UK_FILTER))
            ),
            atomic_write_text(
                out / GROUP_BY_UK_CN_NAME,
                _json_text(_group_by_response(built.uk_cn_by_year, SAMPLE_FILTER)),
            ),
        ]
    )
