"""The centres noise model: how the clean truth is made messy in the workbook.

:data:`NOISE_MODEL` documents every kind of mess and its rate; this module decides, per
cell, which kind each cell gets (:func:`spell_partners`, :func:`choose_separators`,
:func:`year_formats`, :func:`province_formats`) and renders the cells (:class:`CellNoise`).
The rows themselves (invalid rows, duplicates, spacer rows, notes) are laid out by
:mod:`pipeline.synthetic.centres.layout`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.registries import split_aliases
from pipeline.synthetic.centres.registry import Org, Registry
from pipeline.synthetic.common import has_cjk


@dataclass(frozen=True)
class NoiseModel:
    """How the clean truth is made messy in the workbook (all rates per cell or per row).

    The noise has its own random stream, derived from the main seed as
    ``numpy.random.SeedSequence([seed, seed_salt])``. Every categorical kind listed here
    is guaranteed to occur at least once in a workbook (one randomly chosen eligible cell
    is forced to each kind that the random draws missed), so tests can look for each.
    Row counts (duplicates, spacers, invalid rows) are per 1x of the published total and
    are multiplied by the scale.
    """

    seed_salt: int = 0x43454E54
    #: partner spelling: canonical name or one variant kind per mention
    partner_variants: dict[str, float] = field(
        default_factory=lambda: {
            "canonical": 0.52,
            "alias": 0.18,  # a registry alias ("SEU", "Cambridge University")
            "chinese": 0.12,  # the Chinese name (Chinese organisations only)
            "the": 0.05,  # "The University of ..."
            "univ": 0.05,  # "Univ. of ..." / "... Univ."
            "case": 0.04,  # upper or lower case
            "space": 0.04,  # doubled inner space or stray outer spaces
        }
    )
    #: separators between several partner (or funder) names in one cell
    separators: dict[str, float] = field(
        default_factory=lambda: {
            "; ": 0.40,
            " / ": 0.12,
            " and ": 0.10,
            ", ": 0.14,
            " & ": 0.08,
            "、": 0.06,
            "\n": 0.10,
        }
    )
    #: year formats for centres whose truth year is exact
    year_exact_formats: dict[str, float] = field(
        default_factory=lambda: {
            "int": 0.70,
            "text": 0.06,
            "slash_range": 0.06,
            "dash_range": 0.05,
            "renewed": 0.06,
            "date": 0.07,
        }
    )
    #: year formats for centres whose truth year is approximate
    year_approx_formats: dict[str, float] = field(
        default_factory=lambda: {"c.": 0.3, "ca": 0.25, "around": 0.25, "question": 0.2}
    )
    #: province cell formats (China-located centres)
    province_formats: dict[str, float] = field(
        default_factory=lambda: {
            "name": 0.45,
            "suffix": 0.17,
            "chinese": 0.15,
            "iso": 0.08,
            "short_code": 0.05,
            "blank": 0.10,
        }
    )
    city_chinese_rate: float = 0.15
    location_variant_rate: float = 0.35
    funder_alias_rate: float = 0.35
    status_lower_rate: float = 0.2
    status_unknown_blank_rate: float = 0.5
    website_rate: float = 0.6
    notes_rate: float = 0.12
    #: rows (per 1x): exact duplicates, blank spacer rows, invalid rows of each kind
    duplicate_rows: int = 4
    spacer_rows: int = 3
    invalid_no_year_no_partner: int = 2
    invalid_unknown_partners: int = 2
    #: an "other" (e.g. Hong Kong) partner typed in the Chinese partner column
    misplaced_other_partner: int = 1
    #: lines below the table (first column only), after one blank row
    trailing_notes: tuple[str, ...] = (
        "Source: synthetic reference edition generated for the evidence pipeline; not real data.",
        "Last checked: March 2022 (synthetic).",
    )


NOISE_MODEL = NoiseModel()


def noise_rng(seed: int, model: NoiseModel = NOISE_MODEL) -> np.random.Generator:
    """The noise model's own random stream, derived from the main seed."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), model.seed_salt]))


# wording of the mess (every count comes from the model above)
LOCATION_VARIANTS: dict[str, tuple[str, ...]] = {
    "CN": ("PRC", "Mainland China", "china"),
    "GB": ("United Kingdom", "U.K.", "{nation}"),
    "both": ("UK & China", "UK and China", "both"),
    "virtual": ("online", "virtual centre", "Virtual (online)"),
}
LOCATION_CANONICAL: dict[str, str] = {
    "CN": "China",
    "GB": "UK",
    "both": "Both",
    "virtual": "Virtual",
}
NATION_NAMES = {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"}
#: what a database keeper notes beside a centre: remarks about the record, never a
#: judgement of the centre or its (real, named) partners
NOTES_TEXTS: tuple[str, ...] = (
    "MoU renewed",
    "Joint PhD programme",
    "Website address to be checked",
    "Partner list from annual report",
    "- details to be confirmed",
    "Includes a joint master's programme",
    "Contact moved institution",
)

Columns = dict[str, list[Any]]


def cover(rng: np.random.Generator, n: int, probs: dict[str, float]) -> list[str]:
    """Draw ``n`` kinds from ``probs``, forcing each kind to occur once when ``n`` allows."""
    kinds = list(probs)
    p = np.array([probs[k] for k in kinds], dtype=float)
    p = p / p.sum()
    out = [kinds[i] for i in rng.choice(len(kinds), size=n, p=p)] if n else []
    missing = [k for k in kinds if k not in out]
    if missing and n >= len(kinds):
        # overwrite positions holding the most frequent kind so nothing else goes missing
        counts = {k: out.count(k) for k in kinds}
        for k in missing:
            donor = max(counts, key=lambda x: (counts[x], -kinds.index(x)))
            idx = [i for i, v in enumerate(out) if v == donor]
            j = idx[int(rng.integers(len(idx)))]
            out[j] = k
            counts[donor] -= 1
            counts[k] = 1
    return out


def _force_missing(
    rng: np.random.Generator,
    chosen: dict[Any, str],
    kinds: list[str],
    eligible: Callable[[str], list[Any]],
) -> None:
    """Give each kind absent from ``chosen`` to one random eligible key (``eligible(kind)``)."""
    for k in kinds:
        if k not in chosen.values():
            cands = eligible(k)
            if cands:
                chosen[cands[int(rng.integers(len(cands)))]] = k


# ------------------------------------------------------------------------------ partners


def variant(rng: np.random.Generator, o: Org, kind: str) -> str:
    """``o``'s name spelt the ``kind`` way (see ``NoiseModel.partner_variants``)."""
    name = o.name
    if kind == "alias":
        latin = [a for a in o.aliases if not has_cjk(a)]
        return latin[int(rng.integers(len(latin)))] if latin else name
    if kind == "chinese":
        zh = [o.name_zh] if o.name_zh else []
        zh += [a for a in o.aliases if has_cjk(a) and a not in zh]
        return zh[int(rng.integers(len(zh)))] if zh else name
    if kind == "the":
        return f"The {name}" if not name.lower().startswith("the ") else name
    if kind == "univ":
        return name.replace("University", "Univ.", 1)
    if kind == "case":
        return name.upper() if rng.random() < 0.5 else name.lower()
    if kind == "space":
        parts = name.split(" ")
        if len(parts) > 1 and rng.random() < 0.6:
            j = int(rng.integers(1, len(parts)))
            return " ".join(parts[:j]) + "  " + " ".join(parts[j:])
        return f" {name} "
    return name


def can_take(o: Org, kind: str) -> bool:
    """Whether ``o``'s name has a ``kind`` spelling distinct from the canonical one."""
    if kind == "alias":
        return any(not has_cjk(a) for a in o.aliases)
    if kind == "chinese":
        return bool(o.name_zh) or any(has_cjk(a) for a in o.aliases)
    if kind in ("the", "univ"):
        return "University" in o.name and not o.name.lower().startswith("the ")
    return True


def sep_ok(sep: str, names: list[str]) -> bool:
    """Whether ``sep`` can join ``names`` without being mistaken for part of a name."""
    core = sep.strip() or sep
    if sep == " and ":
        return not any(" and " in x.lower() for x in names)
    return not any(core in x for x in names)


Spelled = dict[int, dict[str, list[str]]]


def _partner_kinds(
    rng: np.random.Generator,
    model: NoiseModel,
    orgs: dict[str, Org],
    mentions: list[tuple[int, str]],
) -> list[str]:
    """The spelling kind of every partner mention, each kind present at least once."""
    kinds = cover(rng, len(mentions), model.partner_variants)
    for j, (_, oid) in enumerate(mentions):
        if not can_take(orgs[oid], kinds[j]):
            kinds[j] = "canonical"
    by_pos = dict(enumerate(kinds))
    _force_missing(
        rng,
        by_pos,
        list(model.partner_variants),
        lambda k: [j for j, (_, oid) in enumerate(mentions) if can_take(orgs[oid], k)],
    )
    return [by_pos[j] for j in range(len(kinds))]


def spell_partners(
    rng: np.random.Generator,
    model: NoiseModel,
    orgs: dict[str, Org],
    order: list[list[str]],
    scale: int,
    tally: Counter,
) -> Spelled:
    """Each centre's partner names by side (UK, CN, other) as typed in the workbook."""
    n = len(order)
    mentions = [(i, oid) for i in range(n) for oid in order[i]]
    kinds = _partner_kinds(rng, model, orgs, mentions)
    spelled: Spelled = {i: {"UK": [], "CN": [], "other": []} for i in range(n)}
    for (i, oid), k in zip(mentions, kinds, strict=True):
        o = orgs[oid]
        spelled[i][o.side].append(variant(rng, o, k))
        tally[f"partner_{k}"] += 1
    # an "other" partner typed in the Chinese column
    moved = 0
    for i in rng.permutation(n):
        if moved >= model.misplaced_other_partner * scale:
            break
        if spelled[int(i)]["other"]:
            spelled[int(i)]["CN"].append(spelled[int(i)]["other"].pop())
            moved += 1
    tally["misplaced_other_partner"] = moved
    return spelled


def choose_separators(
    rng: np.random.Generator, model: NoiseModel, spelled: Spelled, tally: Counter
) -> dict[tuple[int, str], str]:
    """The separator of every cell holding several names, each separator present once."""
    multi_cells = [
        (i, side)
        for i in range(len(spelled))
        for side in ("UK", "CN", "other")
        if len(spelled[i][side]) > 1
    ]
    seps = cover(rng, len(multi_cells), model.separators)
    sep_of: dict[tuple[int, str], str] = {}
    for (i, side), sep in zip(multi_cells, seps, strict=True):
        sep_of[(i, side)] = sep if sep_ok(sep, spelled[i][side]) else "; "
    _force_missing(
        rng,
        sep_of,
        list(model.separators),
        lambda sep: [k for k in multi_cells if sep_ok(sep, spelled[k[0]][k[1]])],
    )
    for s in sep_of.values():
        tally[f"separator_{s!r}"] += 1
    return sep_of


# ------------------------------------------------------------------------------ formats


def year_formats(
    rng: np.random.Generator, model: NoiseModel, c: Columns, last_year: int
) -> dict[int, str]:
    """The format of every "Year established" cell; ranges never reach past ``last_year``."""
    n = len(c["year_approximate"])
    approx_idx = [i for i in range(n) if bool(c["year_approximate"][i])]
    exact_idx = [i for i in range(n) if not bool(c["year_approximate"][i])]
    yfmt: dict[int, str] = dict(
        zip(approx_idx, cover(rng, len(approx_idx), model.year_approx_formats), strict=True)
    )
    for i, k in zip(exact_idx, cover(rng, len(exact_idx), model.year_exact_formats), strict=True):
        late = int(c["year_established"][i]) >= last_year
        yfmt[i] = "int" if k in ("slash_range", "dash_range", "renewed") and late else k
    _force_missing(
        rng,
        yfmt,
        list(model.year_exact_formats),
        lambda k: [i for i in exact_idx if int(c["year_established"][i]) < last_year],
    )
    return yfmt


def province_formats(
    rng: np.random.Generator, model: NoiseModel, c: Columns, city_rec: dict[str, dict]
) -> dict[int, str]:
    """The format of every China-located "Province" cell (blank only if the city tells)."""
    loc_idx = [i for i in range(len(c["province_code"])) if c["province_code"][i]]
    pfmt = dict(zip(loc_idx, cover(rng, len(loc_idx), model.province_formats), strict=True))

    def inferable(i: int) -> bool:
        cty = c["city"][i]
        return cty in city_rec and city_rec[cty]["province_code"] == c["province_code"][i]

    for i in loc_idx:  # blank only where the city lets the cleaner infer the province
        if pfmt[i] == "blank" and not inferable(i):
            pfmt[i] = "name"
    if "blank" not in pfmt.values():
        for i in loc_idx:
            if c["city"][i] in city_rec:
                pfmt[i] = "blank"
                break
    return pfmt


# ------------------------------------------------------------------------------ cells


class CellNoise:
    """Renders the cells of one centre row through the noise model (one shared stream)."""

    def __init__(
        self,
        rng: np.random.Generator,
        model: NoiseModel,
        reg: Registry,
        c: Columns,
        last_year: int,
        tally: Counter,
    ) -> None:
        self.rng = rng
        self.model = model
        self.c = c
        self.last_year = last_year
        self.tally = tally
        self.prov_rec = {
            str(k): v for k, v in reg.provinces.set_index("code").to_dict("index").items()
        }
        self.city_rec = {
            str(k): v for k, v in reg.cities.set_index("city").to_dict("index").items()
        }
        self.funder_alias = {
            str(r.name): split_aliases(r.aliases) for r in reg.funders.itertuples()
        }
        self.yfmt: dict[int, str] = {}
        self.pfmt: dict[int, str] = {}

    def choose_formats(self) -> None:
        """Decide the year and province format of every row (before rendering any cell)."""
        self.yfmt = year_formats(self.rng, self.model, self.c, self.last_year)
        self.pfmt = province_formats(self.rng, self.model, self.c, self.city_rec)

    def _pick(self, seq: Any) -> Any:
        return seq[int(self.rng.integers(len(seq)))]

    def year(self, i: int) -> Any:
        """The founding year, in the format chosen for row ``i``."""
        y = int(self.c["year_established"][i])
        k = self.yfmt[i]
        self.tally[f"year_{k}"] += 1
        if k == "int":
            return y
        if k == "renewed":
            return f"{y} (renewed {min(self.last_year, y + int(self.rng.integers(2, 6)))})"
        if k == "date":
            return dt.datetime(y, int(self.rng.integers(1, 13)), int(self.rng.integers(1, 29)))
        forms = {
            "text": "{y}",
            "slash_range": "{y}/{yy:02d}",
            "dash_range": "{y}-{y1}",
            "c.": "c. {y}",
            "ca": "ca {y}",
            "around": "around {y}",
        }
        return forms.get(k, "{y}?").format(y=y, yy=(y + 1) % 100, y1=y + 1)

    def province(self, i: int) -> str | None:
        """The province, in the format chosen for row ``i`` (None when blank)."""
        code = self.c["province_code"][i]
        if not code:
            return None
        k = self.pfmt[i]
        p = self.prov_rec[code]
        aliases = split_aliases(p["aliases"])
        out: str | None
        if k == "suffix":
            opts = [a for a in aliases if re.search(r"(Province|Sheng|Shi|Municipality)$", a)]
            out = self._pick(opts) if opts else f"{p['name_en']} Province"
        elif k == "chinese":
            out = self._pick([p["name_zh"]] + [a for a in aliases if has_cjk(a)])
        else:
            out = {"iso": code, "short_code": code.split("-", 1)[1], "blank": None}.get(
                k, p["name_en"]
            )
        self.tally[f"province_{k}"] += 1
        return out

    def city(self, i: int) -> str | None:
        """The city, sometimes in Chinese."""
        cty = self.c["city"][i]
        if not cty:
            return None
        if (
            cty in self.city_rec
            and self.city_rec[cty]["city_zh"]
            and self.rng.random() < self.model.city_chinese_rate
        ):
            self.tally["city_chinese"] += 1
            return str(self.city_rec[cty]["city_zh"])
        return str(cty)

    def location(self, i: int) -> str:
        """The physical location, canonical or a variant ("PRC", "Scotland", "online")."""
        loc = self.c["location"][i]
        if self.rng.random() < self.model.location_variant_rate:
            v = self._pick(LOCATION_VARIANTS[loc])
            if "{nation}" in v:
                cty = self.c["city"][i]
                nation = self.city_rec[cty]["uk_nation"] if cty in self.city_rec else ""
                v = NATION_NAMES.get(str(nation), "United Kingdom")
            self.tally["location_variant"] += 1
            return v
        return LOCATION_CANONICAL[loc]

    def funders(self, i: int) -> str | None:
        """The funders, some by alias, joined by one separator."""
        fs = list(self.c["funders"][i])
        if not fs:
            return None
        out = []
        for f in fs:
            al = list(self.funder_alias.get(f, []))
            if al and self.rng.random() < self.model.funder_alias_rate:
                out.append(self._pick(al))
                self.tally["funder_alias"] += 1
            else:
                out.append(f)
        seps = [s for s in ("; ", ", ", " / ", "\n") if sep_ok(s, out)] or ["; "]
        return self._pick(seps).join(out)

    def status(self, i: int) -> str | None:
        """The status, sometimes lower case; "Unknown" sometimes left blank."""
        s = self.c["status"][i]
        if s == "Unknown" and self.rng.random() < self.model.status_unknown_blank_rate:
            return None
        return s.lower() if self.rng.random() < self.model.status_lower_rate else s

    def website(self, name: str) -> str | None:
        """An invented ``example.org`` address made from the name, for some centres."""
        if self.rng.random() >= self.model.website_rate:
            return None
        words = re.findall(r"[a-z0-9]+", name.lower().replace("–", " "))
        slug = ""
        for w in words:
            if len(slug) + len(w) + 1 > 40:
                break
            slug = f"{slug}-{w}" if slug else w
        return f"https://{slug}.example.org/"

    def note(self) -> str | None:
        """A short remark, for some centres."""
        if self.rng.random() < self.model.notes_rate:
            return self._pick(NOTES_TEXTS)
        return None
