"""What the centres truth says about each centre besides its partners: funders, names and
research-area texts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.synthetic.centres.calibrate import TopicSector
from pipeline.synthetic.centres.partners import Partnership
from pipeline.synthetic.centres.phrases import (
    NAME_SUBJECTS,
    NAME_TEMPLATES,
    NAME_TEMPLATES_ZH,
    SECTOR_PHRASES,
    SUBJECT_ZH,
    TOPIC_PHRASES,
)
from pipeline.synthetic.centres.registry import Registry

#: share of centres with a Chinese name
CHINESE_NAME_RATE = 0.3
#: share of research areas naming a second topic after the main one
MULTI_TOPIC_RATE = 0.25
#: facts about funders' lifetimes (not published figures): first and last year of awards
FUNDER_WINDOWS: dict[str, tuple[int | None, int | None]] = {
    "Research Councils UK": (None, 2017),
    "UK Research and Innovation": (2018, None),
    "Newton Fund": (2014, None),
}
#: the registry funders the synthetic centres draw from: the funders the registry listed when
#: the centres edition was calibrated. Funders added later for publication acknowledgements
#: (medical charities, foreign agencies) are left out, so the centres edition stays the same.
CENTRE_FUNDER_IDS = frozenset(
    (
        "be-ec",
        "cn-bjkw",
        "cn-cas",
        "cn-csc",
        "cn-guangdong-dost",
        "cn-huawei",
        "cn-jiangsu-dost",
        "cn-moe",
        "cn-most",
        "cn-nsfc",
        "cn-stcsm",
        "cn-zhejiang-dost",
        "gb-ahrc",
        "gb-bbsrc",
        "gb-beis",
        "gb-british-academy",
        "gb-british-council",
        "gb-epsrc",
        "gb-esrc",
        "gb-fcdo",
        "gb-innovate-uk",
        "gb-jlr",
        "gb-leverhulme",
        "gb-mrc",
        "gb-nerc",
        "gb-newton-fund",
        "gb-rcuk",
        "gb-royal-academy-engineering",
        "gb-royal-society",
        "gb-stfc",
        "gb-ukri",
        "gb-wellcome",
    )
)
#: texts joining a topic phrase and a sector phrase
_AREA_FORMS = ("{t}; {s}", "{t} ({s})", "{t}: {s}", "{t} and {s}", "{t}, {s}", "{t} – {s}")

# ------------------------------------------------------------------------------ funders


@dataclass(frozen=True)
class _Funder:
    name: str
    country: str
    home: str | None  # province code of a provincial funder

    def eligible(self, year: int, province: str | None) -> bool:
        """Whether this funder can fund a centre founded in ``year`` in ``province``."""
        lo, hi = FUNDER_WINDOWS.get(self.name, (None, None))
        if lo is not None and year < lo:
            return False
        if hi is not None and year > hi:
            return False
        return not (self.home is not None and province != self.home)


def _funders(reg: Registry) -> list[_Funder]:
    """Every registry funder, with its home province when it is a provincial body."""
    prov_names = dict(zip(reg.provinces["name_en"], reg.provinces["code"], strict=True))

    def home(name: str) -> str | None:
        for pname, code in prov_names.items():
            if re.search(rf"\b{re.escape(pname)}\b", name) and (
                "Provinc" in name or "Municipal" in name
            ):
                return code
        return None

    return [
        _Funder(str(r.name), str(r.country).upper(), home(str(r.name)))
        for r in reg.funders.itertuples(index=False)
        if r.funder_id in CENTRE_FUNDER_IDS
    ]


def _draw_funders(
    rng: np.random.Generator,
    funders: list[_Funder],
    weight: dict[str, float],
    year: int,
    province: str | None,
) -> list[str]:
    """A Chinese and/or a UK funder (weighted), sometimes one more of any kind."""
    chosen: list[str] = []
    for side, p in (("CN", 0.85), ("GB", 0.75)):
        if rng.random() < p:
            opts = [f.name for f in funders if f.country == side and f.eligible(year, province)]
            if province and side == "CN":
                local = [f.name for f in funders if f.home == province]
                if local and rng.random() < 0.4:
                    opts = local
            if opts:
                w = np.array([weight[x] for x in opts])
                chosen.append(opts[int(rng.choice(len(opts), p=w / w.sum()))])
    if not chosen or rng.random() < 0.12:
        opts = [f.name for f in funders if f.eligible(year, province) and f.name not in chosen]
        if opts:
            chosen.append(opts[int(rng.integers(len(opts)))])
    return chosen


def assign_funders(
    rng: np.random.Generator,
    reg: Registry,
    targets: dict[str, Any],
    years: list[int],
    province: list[str | None],
) -> list[list[str]]:
    """1-3 funders per centre; provincial funders only in their province; all named present."""
    funders = _funders(reg)
    named = [str(x) for x in targets["funders_named"]]
    missing = [x for x in named if x not in {f.name for f in funders}]
    if missing:
        raise ValueError(f"funders.csv lacks named funders: {missing}")
    weight = {f.name: (3.0 if f.name in named else 1.0) for f in funders}
    out = [_draw_funders(rng, funders, weight, y, p) for y, p in zip(years, province, strict=True)]
    for nm in named:
        if any(nm in c for c in out):
            continue
        funder = next(f for f in funders if f.name == nm)
        cands = [i for i in range(len(years)) if funder.eligible(years[i], province[i])]
        if not cands:
            raise ValueError(f"no centre can carry funder {nm!r}")
        i = cands[int(rng.integers(len(cands)))]
        if len(out[i]) >= 3:
            out[i][-1] = nm
        else:
            out[i].append(nm)
    return [sorted(set(c), key=c.index) for c in out]


# ------------------------------------------------------------------------------ names


def short_name(name: str, city: str) -> str:
    """A short form of an organisation name for centre names ("Cambridge", "Southeast")."""
    if name.startswith("University of "):
        rest = name[len("University of ") :]
        return rest.split(",")[0].split(" ")[0] if len(rest.split()) > 2 else rest
    if name.endswith(" University") and len(name.split()) <= 3:
        return name[: -len(" University")]
    return city or name


def _english_name(
    rng: np.random.Generator, subjects: list[str], fill: dict[str, str], seen: set[str]
) -> tuple[str, str]:
    """A centre name not yet in ``seen`` (lower case), and the subject it names."""
    subj = subjects[0]
    for _ in range(60):
        tpl = NAME_TEMPLATES[int(rng.integers(len(NAME_TEMPLATES)))]
        subj = subjects[int(rng.integers(len(subjects)))]
        cand = tpl.format(s=subj, **fill)
        if cand.lower() not in seen:
            return cand, subj
    base = f"UK–China Joint Research Centre for {subjects[0]}"
    k = 2
    while f"{base} ({fill['cn_city']} {k})".lower() in seen:
        k += 1
    return f"{base} ({fill['cn_city']} {k})", subj


def _chinese_name(
    rng: np.random.Generator, subject_zh: str, city_zh: str, seen_zh: set[str]
) -> str | None:
    """A Chinese centre name not yet in ``seen_zh`` (templates tried in random order)."""
    for tpl in [NAME_TEMPLATES_ZH[j] for j in rng.permutation(len(NAME_TEMPLATES_ZH))]:
        if "{cn_city}" in tpl and not city_zh:
            continue
        cand = tpl.format(s=subject_zh, cn_city=city_zh)
        if cand not in seen_zh:
            seen_zh.add(cand)
            return cand
    return None


def centre_names(
    rng: np.random.Generator,
    reg: Registry,
    topic_sector: list[TopicSector],
    partners: Partnership,
    locs: list[str],
) -> tuple[list[str], list[str | None]]:
    """Unique, realistic English names; some Chinese names."""
    label = reg.topic_column("label")
    city_zh = dict(zip(reg.cities["city"], reg.cities["city_zh"], strict=True))
    by_id = partners.by_id
    names: list[str] = []
    names_zh: list[str | None] = []
    seen: set[str] = set()
    seen_zh: set[str] = set()
    for i, (t, s) in enumerate(topic_sector):
        uk = next(by_id[x] for x in partners.members[i] if by_id[x].side == "UK")
        cn = next(by_id[x] for x in partners.members[i] if by_id[x].side == "CN")
        subjects = list(NAME_SUBJECTS.get(t, ()))
        if s and s != t:
            subjects += list(NAME_SUBJECTS.get(s, ()))
        if not subjects:
            subjects = [label.get(t, t.replace("_", " ").title())]
        fill = {
            "uk_city": uk.city,
            "cn_city": cn.city,
            "uk_short": short_name(uk.name, uk.city),
            "cn_short": short_name(cn.name, cn.city),
        }
        name, subj = _english_name(rng, subjects, fill, seen)
        seen.add(name.lower())
        names.append(name)
        zs = SUBJECT_ZH.get(subj)
        zh = None
        if zs and locs[i] != "virtual" and rng.random() < CHINESE_NAME_RATE:
            zh = _chinese_name(rng, zs, city_zh.get(cn.city) or "", seen_zh)
        names_zh.append(zh)
    return names, names_zh


# ------------------------------------------------------------------------------ research areas


class _AreaTexts:
    """Research-area texts that the registry's rules classify back to a (topic, sector)."""

    def __init__(self, reg: Registry) -> None:
        self.reg = reg
        self.label = reg.topic_column("label")
        self.sector_label = dict(zip(reg.sectors["sector"], reg.sectors["label"], strict=True))
        self.group_of = reg.topic_column("discipline_group")
        self._valid: dict[TopicSector, list[str]] = {}
        self._classified: dict[str, tuple[str, str | None]] = {}

    def classify(self, text: str) -> tuple[str, str | None]:
        """``(topic, sector or None)`` of ``text`` (memoised)."""
        if text not in self._classified:
            self._classified[text] = self.reg.classify(text)
        return self._classified[text]

    def topic_phrases(self, t: str) -> list[str]:
        out = list(TOPIC_PHRASES.get(t, ()))
        if self.label.get(t) and self.label[t] not in out:
            out.append(self.label[t])
        return out

    def sector_phrases(self, s: str) -> list[str]:
        out = list(SECTOR_PHRASES.get(s, ()))
        lab = self.sector_label.get(s, "")
        if lab and "(" not in lab and lab.lower() not in (x.lower() for x in out):
            out.append(lab.lower())
        return out

    def valid(self, t: str, s: str | None) -> list[str]:
        """Every candidate text classifying to ``(t, s)`` (sorted; ValueError if none)."""
        if (t, s) in self._valid:
            return self._valid[(t, s)]
        want = (t, None if self.group_of.get(t) == "non_stem" else s)
        cands: list[str] = []
        for tp in self.topic_phrases(t):
            cands.append(tp)
            for sp in self.sector_phrases(s) if s else ():
                cands += [form.format(t=tp, s=sp) for form in _AREA_FORMS]
        ok = sorted({c for c in cands if self.classify(c) == want})
        if not ok:
            raise ValueError(
                f"research_area_rules.csv: no generated text classifies to topic {t!r} "
                f"with sector {s!r}; add a rule or a phrase"
            )
        self._valid[(t, s)] = ok
        return ok

    def with_second_topic(self, rng: np.random.Generator, text: str, t: str) -> str:
        """``text`` followed by another topic's phrase that does not change its class."""
        want = self.classify(text)
        others = [x for x in sorted(self.label) if x != t]
        for j in rng.permutation(len(others))[:12]:
            for ph in self.topic_phrases(others[int(j)]):
                for sep in ("; ", " / ", " and "):
                    cand = f"{text}{sep}{ph.lower()}"
                    if self.classify(cand) == want and len(self.reg.topics_mentioned(cand)) >= 2:
                        return cand
        return text


def research_texts(
    rng: np.random.Generator, reg: Registry, topic_sector: list[TopicSector]
) -> list[str]:
    """Free-text research areas that the rules classify back to (topic, sector)."""
    bank = _AreaTexts(reg)
    texts = []
    for t, s in topic_sector:
        ok = bank.valid(t, s)
        text = ok[int(rng.integers(len(ok)))]
        if rng.random() < MULTI_TOPIC_RATE:
            text = bank.with_second_topic(rng, text, t)
        texts.append(text)
    return texts
