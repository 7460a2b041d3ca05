"""Interview noise: how an NVivo export of the truth comes out untidy.

Organisation names are spelt as the coder typed them (the canonical name or an ASCII
alias that the registry resolves back to the organisation), one case is exported twice,
one empty matrix cell holds a coder's note instead of a count, and the matrix lists the
cases in a shuffled order.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipeline.registries import OrganisationResolver, split_aliases

#: what the coder typed into the one note cell
NOTE_TEXT = "see memo"


def spellings(org: pd.Series, resolver: OrganisationResolver) -> list[str]:
    """Canonical name plus the aliases that the registry resolver maps back to this org."""
    names = [str(org["name"])]
    for alias in split_aliases(str(org.get("aliases") or "")):
        if not alias.isascii():
            continue
        res = resolver.resolve(alias)
        if res.org_id == org["org_id"] and alias not in names:
            names.append(alias)
    return names


def typed_name(rng: np.random.Generator, names: list[str]) -> str:
    """How the coder wrote an organisation: mostly its canonical name, else an alias."""
    if len(names) == 1 or rng.random() < 0.6:
        return names[0]
    return str(rng.choice(names[1:]))


@dataclass(frozen=True)
class Untidiness:
    """The export's deliberate flaws."""

    duplicate_case: str
    note_cell: tuple[str, str]  # (case_id, code_id)
    matrix_order: list[str]


def untidiness(rng: np.random.Generator, case_ids: list[str], refs: pd.DataFrame) -> Untidiness:
    """One case exported twice, one empty cell holding a note, and a shuffled matrix order."""
    dup_case = str(rng.choice(case_ids))
    zero_cells = [(c, k) for c in case_ids for k in refs.columns if refs.loc[c, k] == 0]
    note_case, note_code = zero_cells[int(rng.integers(len(zero_cells)))]
    matrix_order = list(case_ids)
    rng.shuffle(matrix_order)
    return Untidiness(dup_case, (note_case, note_code), matrix_order)
