"""``python -m pipeline reference generate``: write a synthetic edition of every input.

Every raw input the pipeline reads has a synthetic stand-in, produced here by
seeded code calibrated to a *scenario* (:mod:`pipeline.synthetic.scenario`). The
default scenario, ``reference``, is the brief's world: the figures of
``data/reference/published_figures.yaml``; it writes the committed ``data/raw``
byte for byte. ``--scenario contrast`` (``data/reference/scenarios/contrast.yaml``)
writes the contrast edition, an invented world that differs from the brief on
every headline, used to test that the book follows its data. Each input lives in
its own folder so that a user can replace one input at a time and DVC reruns only
what depends on it:

====================  ==================================================
``centres/``          the joint research centres workbook (.xlsx)
``survey/``           the survey export (Qualtrics CSV)
``interviews/``       the interview coding export (.xlsx) and codebook
``bibliometrics/``    OpenAlex sample (JSONL.gz), sidecar metadata, group_by counts
``synthesis/``        recommendations and good practices (paraphrases of the brief)
``workshop/``         the workshop's scoring sheet (invented participants' scores)
``literature/``       a verified library of real publications, its coding partly synthetic
``registers/``        the reference register of checked public listings (copied, not made up)
====================  ==================================================

The same seed and scenario always give the same bytes.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from pipeline.io import atomic_write_text
from pipeline.literature.edition import write_edition as literature_edition
from pipeline.registers.clean import write_edition as registers_edition
from pipeline.synthetic import (
    DEFAULT_SEED,
    biblio,
    centres,
    interviews,
    recommendations,
    survey,
    workshop,
)
from pipeline.synthetic.scenario import (
    Scenario,
    ScenarioError,
    available_scenarios,
    load_scenario,
)

EDITION_YAML = """\
# This folder holds the SYNTHETIC reference edition of every input.
# Replace the files with real ones (see README.md), then set synthetic: false and a
# label of your own: the banner and the source line under every chart and table follow.
synthetic: true
label: Synthetic reference edition
generator: python -m pipeline reference generate --seed {seed}
seed: {seed}
"""
SCENARIO_EDITION_HEADER = """\
# This folder holds a SYNTHETIC edition of every input calibrated to the
# scenario {name!r}, not to the brief: its figures are invented on purpose and
# do not reproduce the published ones (see data/reference/scenarios/README.md).
# Regenerate the reference edition with: python -m pipeline reference generate
"""

Generator = Callable[[Path, int, Scenario], list[Path]]


def _generators(scale: int) -> dict[str, Generator]:
    """The generator of each input folder (``scale`` multiplies the centres)."""
    return {
        "centres": lambda out, seed, scen: centres.generate(out, seed, scale=scale, scenario=scen),
        "survey": lambda out, seed, scen: survey.generate(out, seed, scenario=scen),
        "interviews": lambda out, seed, scen: interviews.generate(
            out, seed, scenario=scen, excerpts=True
        ),
        "bibliometrics": lambda out, seed, scen: biblio.generate(out, seed, scenario=scen),
        "synthesis": lambda out, seed, _scen: recommendations.generate(out, seed),
        "workshop": lambda out, seed, _scen: workshop.generate(out, seed),
        # real publications, rewritten from the verified registry (coding partly synthetic)
        "literature": lambda out, _seed, _scen: literature_edition(out),
        # checked public facts about lists, copied rather than generated
        "registers": lambda out, seed, _scen: registers_edition(out, seed),
    }


#: inputs of every edition that hold real material, not invented data (their names carry no
#: SYNTHETIC label): good practices and recommendations paraphrase the brief's lists, the register
#: holds checked public listings
REAL_INPUTS = ("good_practices.csv", "public_lists.csv", "recommendations.csv")


def real_input_names(raw_dir: Path) -> set[str]:
    """File names under ``raw_dir`` that hold real material rather than generated data.

    Besides :data:`REAL_INPUTS`, the literature library's exports are real publications, as
    ``literature/EDITION.yaml`` declares (only their theme coding may be synthetic).
    """
    names = set(REAL_INPUTS)
    note = Path(raw_dir) / "literature" / "EDITION.yaml"
    if note.is_file():
        names |= set(
            (yaml.safe_load(note.read_text(encoding="utf-8")) or {}).get("library_files", [])
        )
    return names


def edition_text(scenario: Scenario, seed: int, given: str | None = None) -> str:
    """The ``EDITION.yaml`` of an edition of ``scenario`` (``given``: the --scenario typed)."""
    if scenario.is_reference:
        return EDITION_YAML.format(seed=seed)
    fields = {
        "synthetic": True,
        "label": scenario.edition_label,
        "scenario": scenario.name,
        "calibration": scenario.calibration_files(),
        "generator": f"python -m pipeline reference generate --seed {seed} "
        f"--scenario {given or scenario.name}",
        "seed": seed,
    }
    if scenario.description:
        fields["description"] = scenario.description
    body = yaml.safe_dump(fields, sort_keys=False, allow_unicode=True, width=88)
    return SCENARIO_EDITION_HEADER.format(name=scenario.name) + body


def generate_all(
    out_dir: Path,
    seed: int = DEFAULT_SEED,
    *,
    scale: int = 1,
    only: list[str] | None = None,
    scenario: str | Path | Scenario | None = None,
) -> list[Path]:
    """Write every synthetic input under ``out_dir`` (one folder per input), calibrated to
    ``scenario`` (default: the reference, the published figures), and ``EDITION.yaml``."""
    out_dir = Path(out_dir)
    scen = load_scenario(scenario)
    about = f"seed {seed}" + ("" if scen.is_reference else f", scenario {scen.name}")
    written: list[Path] = []
    for name, make in _generators(scale).items():
        if only and name not in only:
            continue
        print(f"[reference] {name}: generating ({about})", file=sys.stderr, flush=True)
        paths = make(out_dir / name, seed, scen)
        written.extend(paths)
        for path in paths:
            print(f"[reference]   wrote {path}", file=sys.stderr)
    if not only and scale == 1:
        given = None if scenario is None or isinstance(scenario, Scenario) else str(scenario)
        written.append(atomic_write_text(out_dir / "EDITION.yaml", edition_text(scen, seed, given)))
    return written


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline reference generate",
        description="Write a synthetic edition of every raw input (deterministic: the same "
        "seed and scenario give the same bytes). The default, the reference edition, is "
        "calibrated to the brief's published figures and is what data/raw ships.",
        epilog="Scenarios: 'reference' is the brief's world (data/reference/"
        "published_figures.yaml). 'contrast' (data/reference/scenarios/contrast.yaml) is an "
        "invented world that differs from the brief on every headline, for checking that the "
        "book follows its data; it is not evidence. Example: python -m pipeline reference "
        "generate --scenario contrast --out /tmp/contrast/data/raw",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--out", type=Path, default=Path("data/raw"), help="output folder (default data/raw)"
    )
    parser.add_argument(
        "--scenario",
        default="reference",
        metavar="NAME|PATH",
        help="calibration scenario: a name ("
        + ", ".join(available_scenarios())
        + "; files in data/reference/scenarios/) or the path of a scenario YAML file laid "
        "over the published figures (format: data/reference/scenarios/README.md; "
        "default: reference)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help="multiply the number of centres (benchmarks; default 1)",
    )
    parser.add_argument(
        "--only", nargs="*", choices=sorted(_generators(1)), help="generate only these inputs"
    )
    return parser


def cli(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        parser.error(str(exc))
    if args.out.resolve() == Path("data/raw").resolve() and not scenario.is_reference:
        print(
            f"[reference] note: writing the {scenario.name!r} scenario into data/raw replaces "
            "the reference edition; regenerate it without --scenario to restore it",
            file=sys.stderr,
        )
    generate_all(args.out, args.seed, scale=args.scale, only=args.only, scenario=args.scenario)
    return 0
