"""Synthetic coded excerpts: invented sentences for the synthetic interviews (SYNTHETIC).

For about a third of the codes each synthetic case raises, one short excerpt is written: a
spoken opener and an invented sentence for the code (:data:`SAYINGS`, the project's wording).
Nothing here was said by anyone. Planted on purpose, as real exports have them: an excerpt
naming a person with an e-mail address (it must be redacted before any review), a code the
codebook lacks, an excerpt with no text and the same excerpt exported twice.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.synthetic.interviews.codebook import CODEBOOK

EXCERPTS_FOLDER = "excerpts"
EXCERPTS_NAME = "interviews_excerpts_SYNTHETIC.csv"
#: Spoken openers put before a code's description.
OPENERS = (
    "In our experience, ",
    "What we have seen is that ",
    "For my group, ",
    "Honestly, ",
    "Over the years we learned that ",
    "I would say that ",
)
#: Share of (case, code) pairs raising a code that get an excerpt.
EXCERPT_RATE = 0.35
PLANTED_NAME = "Dr Wei Zhang (w.zhang@example.edu.cn) put it well: "


#: What a synthetic interviewee says for each code (invented, in the project's own words).
SAYINGS: dict[str, str] = {
    "ben_complementarity": "they had equipment we could never afford and we brought the modelling",
    "ben_differing_perspectives": "their students read the same results in a way we had not",
    "ben_high_quality_outputs": "the joint papers are some of the most cited we have",
    "ben_trust_relationships": "we have worked with the same lab for ten years and it shows",
    "chl_academic_freedom": "we had to think hard about what could be said in a joint report",
    "chl_barriers_language_culture": "without a Mandarin speaker in the team, meetings were slow",
    "chl_covid19": "the pandemic stopped the visits that kept the project going",
    "chl_data_access": "getting data out of China for analysis became much harder",
    "chl_funding": "there is money to start things but not to keep them going",
    "chl_geopolitics": "the politics now shapes which projects even get proposed",
    "chl_shrinking_space": "partners are more careful about topics than they used to be",
    "chl_uk_policy_ambiguity": "nobody could tell us clearly what the UK government expects",
    "drv_data_infrastructure": "the facilities there let us run experiments at a scale we cannot",
    "drv_economic_reputational": "the partnership helps the university's standing abroad",
    "drv_expertise": "some of the strongest groups in our field are in China",
    "drv_global_challenges": "climate and health problems need both countries at the table",
    "gp_alumni_networks": "former visiting students are often our first point of contact",
    "gp_central_review": "every new agreement now goes through a central review",
    "gp_cultural_sensitivity": "we learned to listen first and not to bring a fixed agenda",
    "gp_due_diligence": "we check who a partner is linked to before we sign anything",
    "gp_expectations_agreed": "we write down who owns what before the work begins",
    "gp_government_resources": "the embassy's science team was a useful sounding board",
    "gp_internal_feedback": "our China specialists brief the research office every term",
    "gp_knowledge_exchange": "we compare notes with other universities on what works",
    "gp_mandarin": "two of our postdocs took Mandarin classes and it paid off",
    "gp_personal_networks": "it all rests on people who know and trust each other",
    "gp_transparency": "we are open with funders about every partner involved",
    "gp_understanding_landscape": "it took time to learn how Chinese universities are organised",
    "rsk_dual_use": "one application of the work could have had a military use",
    "rsk_felt_at_risk": "there were moments when I did not feel comfortable travelling",
    "rsk_ip_theft": "results appeared elsewhere before we had published them",
    "rsk_reputational": "we worried about headlines more than about the science",
}


def _sentence(rng: np.random.Generator, code_id: str) -> str:
    opener = OPENERS[int(rng.integers(len(OPENERS)))]
    return f"{opener}{SAYINGS[code_id]}."


def excerpts_frame(refs: pd.DataFrame, seed: int) -> pd.DataFrame:
    """``Code`` (NVivo path), ``Case``, ``Coded text`` for the cases x codes matrix ``refs``."""
    rng = np.random.default_rng([seed, 4])
    rows = []
    for code in CODEBOOK:
        for case_id in refs.index[refs[code.code_id] > 0]:
            if rng.random() < EXCERPT_RATE:
                rows.append({"Code": f"Nodes\\{code.code_path}", "Case": case_id,
                             "Coded text": _sentence(rng, code.code_id)})  # fmt: skip
    frame = pd.DataFrame(rows)
    first = frame.iloc[0]
    planted = [
        {**first, "Coded text": PLANTED_NAME + first["Coded text"]},
        {"Code": "Nodes\\Challenges\\Not a code of this codebook", "Case": first["Case"],
         "Coded text": "Some text coded at a node the codebook lacks."},
        {"Code": first["Code"], "Case": first["Case"], "Coded text": ""},
        frame.iloc[-1].to_dict(),
    ]  # fmt: skip
    return pd.concat([frame, pd.DataFrame(planted)], ignore_index=True)


#: How many excerpts per code the synthetic edition's approvals list (a stand-in for review).
APPROVED_PER_CODE = 2
APPROVER = "synthetic edition: generated by pipeline.synthetic.interviews.excerpts"


def approval_rows(excerpts: pd.DataFrame) -> pd.DataFrame:
    """Approvals for the synthetic edition: the first :data:`APPROVED_PER_CODE` excerpts of
    each code whose redacted text needed no redaction (``excerpt_id, sha256, reviewer, date,
    note``). Real excerpts are approved by a person, never by this function."""
    from pipeline.interviews.excerpts import excerpt_id
    from pipeline.privacy import excerpt_record

    by_path = {f"Nodes\\{c.code_path}": c.code_id for c in CODEBOOK}
    rows, per_code = [], {}
    for r in excerpts.itertuples(index=False):
        code_id, text = by_path.get(r.Code), r._2
        if code_id is None or not text or per_code.get(code_id, 0) >= APPROVED_PER_CODE:
            continue
        record, counts = excerpt_record(excerpt_id(r.Case, code_id, text), text)
        if counts:
            continue
        per_code[code_id] = per_code.get(code_id, 0) + 1
        rows.append({"excerpt_id": record["excerpt_id"], "sha256": record["sha256"],
                     "reviewer": APPROVER, "date": "2022-03-01", "note": "SYNTHETIC"})  # fmt: skip
    return pd.DataFrame(rows).sort_values("excerpt_id").reset_index(drop=True)
