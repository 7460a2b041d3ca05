"""Calibration scenarios: which world a synthetic edition describes.

The generators calibrate every input to a set of *targets*. The ``reference`` scenario's
targets are the brief's published figures (``data/reference/published_figures.yaml``, read
through :mod:`pipeline.published`) plus the generators' own defaults for what the brief
does not publish; it is the default and gives the committed ``data/raw`` byte for byte.
Any other scenario is a YAML file, by name in ``data/reference/scenarios/<name>.yaml`` or
at any path, laid over the reference (``data/reference/scenarios/README.md`` documents the
format):

* ``figures``: new values for published figures, keyed and measured as in
  ``published_figures.yaml`` (``{id: {value: ..., unit: ..., note: ...}}``; ``unit``, when
  given, must be the published unit). Anything not set keeps its published value.
* ``assumptions``: generator settings that the brief does not publish (see
  :data:`ASSUMPTIONS`), by input; anything not set keeps the generator's default.
* ``label`` and ``description``: how the edition names itself (``EDITION.yaml``).

Public API::

    load_scenario("contrast")    -> Scenario (also a path, a Scenario, or None: reference)
    available_scenarios()        -> ["contrast", "reference"]
    scenario.values() / scenario.targets("centres") / scenario.assumption("survey", key)
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from pipeline import published, registries

__all__ = [
    "ASSUMPTIONS",
    "REFERENCE",
    "SCENARIO_DIR",
    "Scenario",
    "ScenarioError",
    "available_scenarios",
    "load_scenario",
    "scenario_path",
]

#: the name of the brief's own scenario (no file: the published figures as they are)
REFERENCE = "reference"
#: folder of the named scenario files, inside the reference folder
SCENARIO_DIR = "scenarios"
#: where a project keeps the reference folder (how edition files name the calibration files)
PROJECT_REFERENCE = "data/reference"
#: top-level keys of a scenario file
FILE_KEYS = ("label", "description", "figures", "assumptions")
#: fields a scenario may give for one figure
FIGURE_FIELDS = ("value", "unit", "note")
#: generator settings a scenario may set (input -> key -> meaning); the defaults live in code
ASSUMPTIONS: dict[str, dict[str, str]] = {
    "centres": {
        "location_shares": "shares of centres sited in China only (CN), the UK only (GB) and "
        "both countries (both); the rest are virtual",
        "years_after_golden_era": "'falling' (new centres per year drop after the golden era; "
        "the default) or 'rising' (they keep rising and the busiest year is the last)",
    },
    "survey": {
        "driver_order": "every motivation (the drivers scale's labels), most often chosen first",
        "challenge_means": "mean agreement, 1 (strongly disagree) to 5 (strongly agree), with "
        "each challenge item (survey question key -> mean)",
    },
    "interviews": {
        "code_rates": "share of interviews raising a code in each discipline group, in the "
        "interviews schema's group order (code_id -> four shares)",
    },
}


class ScenarioError(ValueError):
    """A scenario file that cannot be read or does not fit the published figures."""


@dataclass(frozen=True, eq=False)
class Scenario:
    """The targets of one synthetic edition: the published figures with an overlay applied.

    ``figures`` holds every published figure (``{id: {value, unit, ...}}``) with the
    scenario's values in place; ``overrides`` names the figures it changed;
    ``assumptions`` holds only the generator settings it sets. Scenarios with the same
    name, targets and settings are equal and hash alike (generators cache on them).
    """

    name: str
    source: Path | None
    ref_dir: Path
    figures: Mapping[str, Mapping[str, Any]]
    overrides: tuple[str, ...] = ()
    assumptions: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    label: str = ""
    description: str = ""
    key: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        doc = {
            "name": self.name,
            "values": self.values(),
            "assumptions": {k: dict(v) for k, v in self.assumptions.items()},
        }
        object.__setattr__(self, "key", yaml.safe_dump(doc, sort_keys=True, allow_unicode=True))

    def __hash__(self) -> int:
        return hash(self.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scenario) and self.key == other.key

    @property
    def is_reference(self) -> bool:
        """True for the brief's own scenario (nothing laid over the published figures)."""
        return self.source is None

    @property
    def edition_label(self) -> str:
        """How an edition of this scenario names itself."""
        return self.label or f"Synthetic {self.name} edition"

    def values(self) -> dict[str, Any]:
        """``{figure_id: value}`` for every figure (a copy: callers may change it)."""
        return {fid: copy.deepcopy(spec["value"]) for fid, spec in self.figures.items()}

    def assumption(self, section: str, key: str, default: Any = None) -> Any:
        """The scenario's setting ``section.key`` (a copy), or ``default`` when it sets none."""
        if key not in ASSUMPTIONS.get(section, {}):
            raise KeyError(f"no generator assumption {section}.{key}")
        value = self.assumptions.get(section, {}).get(key)
        return default if value is None else copy.deepcopy(value)

    def targets(self, section: str) -> dict[str, Any]:
        """The figure values plus the settings of ``section`` that the scenario sets."""
        if section not in ASSUMPTIONS:
            raise KeyError(f"no generator section {section!r}")
        return {**self.values(), **copy.deepcopy(dict(self.assumptions.get(section, {})))}

    def calibration_files(self) -> list[str]:
        """The files the targets come from, as a project names them (whatever the cwd):
        ``data/reference/...`` for the reference folder's files, else the file name."""
        files = [f"{PROJECT_REFERENCE}/{published.FILE_NAME}"]
        if self.source is not None:
            inside = self.source.resolve().parent == (self.ref_dir / SCENARIO_DIR).resolve()
            name = self.source.name
            files.append(f"{PROJECT_REFERENCE}/{SCENARIO_DIR}/{name}" if inside else name)
        return files


def available_scenarios(ref_dir: Path | str | None = None) -> list[str]:
    """``reference`` and the name of every scenario file in the reference folder, sorted."""
    folder = registries.reference_dir(ref_dir) / SCENARIO_DIR
    names = {p.stem for p in folder.glob("*.yaml")} if folder.is_dir() else set()
    return sorted(names | {REFERENCE})


def scenario_path(spec: str | Path, ref_dir: Path | str | None = None) -> Path:
    """The file of scenario ``spec``: a path to a YAML file, or a name in the scenarios folder."""
    text = str(spec)
    if isinstance(spec, Path) or "/" in text or "\\" in text or text.endswith((".yaml", ".yml")):
        path = Path(spec)
        if not path.is_file():
            raise ScenarioError(f"scenario file not found: {path}")
        return path
    path = registries.reference_dir(ref_dir) / SCENARIO_DIR / f"{text}.yaml"
    if not path.is_file():
        known = ", ".join(available_scenarios(ref_dir))
        raise ScenarioError(
            f"unknown scenario {text!r}: use one of {known}, or the path of a scenario YAML file"
        )
    return path


def load_scenario(
    spec: str | Path | Scenario | None = None, ref_dir: Path | str | None = None
) -> Scenario:
    """The scenario ``spec`` names: None or ``"reference"`` (the brief), a name, or a path."""
    if isinstance(spec, Scenario):
        return spec
    folder = registries.reference_dir(ref_dir)
    figures = published.load_figures(folder / published.FILE_NAME)
    if spec is None or str(spec) == REFERENCE:
        return Scenario(name=REFERENCE, source=None, ref_dir=folder, figures=figures)
    path = scenario_path(spec, folder)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML ({exc})") from exc
    return _overlay(path, folder, figures, doc)


def _overlay(path: Path, folder: Path, figures: dict[str, Any], doc: Any) -> Scenario:
    """The scenario of file ``path`` (parsed as ``doc``) laid over ``figures``."""
    if not isinstance(doc, dict):
        raise ScenarioError(f"{path}: a scenario file is a mapping with keys {FILE_KEYS}")
    unknown = sorted(set(doc) - set(FILE_KEYS))
    if unknown:
        raise ScenarioError(f"{path}: unknown key(s) {unknown}; a scenario has {FILE_KEYS}")
    overlay = _check_mapping(path, "figures", doc.get("figures") or {})
    merged = {fid: dict(spec) for fid, spec in figures.items()}
    for fid, spec in overlay.items():
        merged[fid]["value"] = _figure_value(path, fid, spec, figures)
    return Scenario(
        name=path.stem,
        source=path,
        ref_dir=folder,
        figures=merged,
        overrides=tuple(sorted(overlay)),
        assumptions=_assumptions(path, doc.get("assumptions") or {}),
        label=str(doc.get("label") or ""),
        description=" ".join(str(doc.get("description") or "").split()),
    )


def _check_mapping(path: Path, where: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(f"{path}: {where} must be a mapping, not {type(value).__name__}")
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {dict: "mapping", list: "list", str: "text"}.get(type(value), type(value).__name__)


def _figure_value(path: Path, fid: str, spec: Any, figures: dict[str, Any]) -> Any:
    """The value the scenario gives figure ``fid``, checked against the published figure."""
    where = f"{path}: figures.{fid}"
    if fid not in figures:
        raise ScenarioError(f"{where}: not a figure of {published.FILE_NAME}")
    spec = _check_mapping(path, f"figures.{fid}", spec)
    extra = sorted(set(spec) - set(FIGURE_FIELDS))
    if extra or "value" not in spec:
        raise ScenarioError(f"{where}: give 'value' (and optionally 'unit', 'note'), not {extra}")
    unit = figures[fid].get("unit")
    if "unit" in spec and spec["unit"] != unit:
        raise ScenarioError(f"{where}: unit {spec['unit']!r} differs from the published {unit!r}")
    want, got = _kind(figures[fid]["value"]), _kind(spec["value"])
    if want != got:
        raise ScenarioError(f"{where}: value must be a {want} like the published one, not {got}")
    return copy.deepcopy(spec["value"])


def _assumptions(path: Path, doc: Any) -> dict[str, dict[str, Any]]:
    """The generator settings of the file, each checked by its validator."""
    out: dict[str, dict[str, Any]] = {}
    for section, settings in _check_mapping(path, "assumptions", doc).items():
        if section not in ASSUMPTIONS:
            raise ScenarioError(
                f"{path}: assumptions.{section}: no such input; use {sorted(ASSUMPTIONS)}"
            )
        for key, value in _check_mapping(path, f"assumptions.{section}", settings).items():
            if key not in ASSUMPTIONS[section]:
                known = sorted(ASSUMPTIONS[section])
                raise ScenarioError(f"{path}: assumptions.{section}.{key}: unknown; use {known}")
            problem = _VALIDATORS[key](value)
            if problem:
                raise ScenarioError(f"{path}: assumptions.{section}.{key}: {problem}")
            out.setdefault(section, {})[key] = copy.deepcopy(value)
    return out


def _is_number(v: Any, lo: float, hi: float) -> bool:
    return _kind(v) == "number" and lo <= float(v) <= hi


def _location_shares(v: Any) -> str:
    if not isinstance(v, dict) or not set(v) <= {"CN", "GB", "both"}:
        return "a mapping with keys among CN, GB and both"
    if not all(_is_number(x, 0.0, 1.0) for x in v.values()) or sum(v.values()) > 1.0:
        return "shares between 0 and 1 that add up to at most 1 (the rest are virtual)"
    return ""


def _years_after(v: Any) -> str:
    return "" if v in ("falling", "rising") else "'falling' or 'rising'"


def _driver_order(v: Any) -> str:
    ok = isinstance(v, list) and all(isinstance(x, str) and x for x in v)
    return "" if ok and len(set(v)) == len(v) else "a list of distinct motivation labels"


def _challenge_means(v: Any) -> str:
    ok = isinstance(v, dict) and all(_is_number(x, 1.0, 5.0) for x in v.values())
    return "" if ok else "a mapping of challenge keys to means between 1 and 5"


def _code_rates(v: Any) -> str:
    ok = isinstance(v, dict) and all(
        isinstance(r, list) and len(r) == 4 and all(_is_number(x, 0.0, 1.0) for x in r)
        for r in v.values()
    )
    return "" if ok else "a mapping of code ids to four shares between 0 and 1"


_VALIDATORS: dict[str, Callable[[Any], str]] = {
    "location_shares": _location_shares,
    "years_after_golden_era": _years_after,
    "driver_order": _driver_order,
    "challenge_means": _challenge_means,
    "code_rates": _code_rates,
}
