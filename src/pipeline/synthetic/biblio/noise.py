"""Noise of the synthetic OpenAlex works: what real OpenAlex records get wrong.

* Some authorships have no institution (affiliation unknown), some a second one.
* Deliberate mis-attributions, as OpenAlex sometimes makes them: on a few authorships a
  UK institution carries the country code of a homonymous city abroad (Cambridge -> US,
  Newcastle -> AU, London -> CA, ...). When that UK institution is the only UK one on the
  work, the work is no longer UK–China by its own country codes; these works are listed
  in the side-car under ``misattributed_work_ids``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.synthetic.biblio.institutions import (
    Draw,
    Inst,
    Pool,
    fake_openalex_institution_id,
    norm,
)

#: share of works on which one UK institution from a homonymous city gets a foreign code
MISATTRIBUTION_RATE = 0.005
#: share of further authorships of an institution recorded without any institution
NO_AFFILIATION_RATE = 0.04
#: share of authorships with a second affiliation
SECOND_AFFILIATION_RATE = 0.08

# A UK city that shares its name with a city abroad, and the country OpenAlex may wrongly pick.
HOMONYM_CITIES = {
    "cambridge": "US",
    "birmingham": "US",
    "newcastle upon tyne": "AU",
    "newcastle": "AU",
    "london": "CA",
    "durham": "US",
    "lancaster": "US",
    "manchester": "US",
    "york": "US",
    "aberdeen": "US",
    "perth": "AU",
}


@dataclass(frozen=True)
class Misattribution:
    """A UK institution given the country code of a homonymous city abroad on one work."""

    key: str | None = None  # the institution's key (None: no mis-attribution)
    code: str = ""

    def code_of(self, inst: Inst) -> str:
        """The country code the work records for ``inst``."""
        return self.code if inst.key == self.key else inst.country_code

    def record(self, wid: str, all_codes: list[str]) -> dict[str, str] | None:
        """The side-car entry of this mis-attribution on work ``wid`` (None if none)."""
        if self.key is None:
            return None
        return {
            "work_id": wid,
            "institution_id": fake_openalex_institution_id(self.key),
            "org_id": self.key,
            "country_code_given": self.code,
            "country_code_true": "GB",
            "work_lost": "GB" if "GB" not in all_codes else "",
        }


def misattribution(d: Draw, gb: list[Inst]) -> Misattribution:
    """Now and then, the first UK institution from a homonymous city gets a foreign code."""
    if d.u() < MISATTRIBUTION_RATE:
        candidates = [i for i in gb if HOMONYM_CITIES.get(norm(i.city))]
        if candidates:
            target = candidates[0]
            return Misattribution(target.key, HOMONYM_CITIES[norm(target.city)])
    return Misattribution()


def affiliations(
    d: Draw, pools: dict[str, Pool], cc: str, inst: Inst, first_of_inst: bool
) -> list[Inst]:
    """An author's recorded institutions: none, ``inst``, or ``inst`` and a second one.

    Only further authors of an institution lose their affiliation, so every institution
    of the work stays on it.
    """
    insts = [inst]
    if not first_of_inst and d.u() < NO_AFFILIATION_RATE:
        return []
    if d.u() < SECOND_AFFILIATION_RATE:
        pool = pools["GB"] if cc == "GB" else pools["CN"] if cc == "CN" else pools["OTHER"]
        second = pool.draw(d, 1)[0]
        if second.key != inst.key:
            insts.append(second)
    return insts
