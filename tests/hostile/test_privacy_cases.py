"""The privacy cases of the hostile corpus (issue 19): nothing personal in any shared output.

Each case of ``manifest.yaml`` that carries a privacy key (``dropped``, ``restricted``,
``redacted``) is cleaned with the public API of its reader, and the cleaner writes its shared
outputs and its restricted folder side by side. Then:

* ``absent`` values appear in no shared file (every table, CSV and JSON; parquet decoded);
* ``restricted`` values are in the restricted folder (so the scan above is not vacuous);
* ``dropped`` columns are dropped and listed by name in the accounting, never with a value;
* ``redacted`` values are gone from the redacted copies of the free text (what a reviewer may
  approve for publication).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from .runners import RUNNERS, input_path
from .test_hostile import MANIFEST

PRIVACY_KEYS = ("dropped", "restricted", "redacted")
CASES = [c for c in MANIFEST if any(k in c for k in PRIVACY_KEYS)]


def _write(kind: str, result: Any, shared: Path, restricted: Path) -> None:
    if kind == "centres":
        from pipeline.centres import write_outputs
    elif kind == "survey":
        from pipeline.survey import write_outputs
    elif kind == "workshop":
        from pipeline.workshop import write_outputs
    elif kind == "excerpts":
        from pipeline.interviews.excerpts import write_excerpts

        write_excerpts(result, shared, restricted)
        return
    else:
        from pipeline.interviews import write_outputs
    write_outputs(result, shared, restricted=restricted)


def _text(folder: Path) -> str:
    """Every file under ``folder`` as text (parquet tables decoded to CSV)."""
    parts = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).astype(str).to_csv(index=False))
        else:
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def _has(text: str, value: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text) is not None


def test_the_privacy_block_covers_every_kind_of_input() -> None:
    assert {c["kind"] for c in CASES} >= {"survey", "centres", "interviews"}
    assert sum(bool(c.get("absent")) for c in CASES) >= 5


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_privacy_case(case: dict[str, Any], tmp_path: Path) -> None:
    kind = case["kind"]
    raw = input_path(case, tmp_path)
    result = RUNNERS[kind](raw, case, tmp_path).result
    shared, restricted = tmp_path / "shared", tmp_path / "restricted"
    _write(kind, result, shared, restricted)
    shared_text, restricted_text = _text(shared), _text(restricted)
    leaks = [v for v in case.get("absent", []) if _has(shared_text, str(v))]
    assert not leaks, f"personal values in the shared outputs: {leaks}"
    missing = [v for v in case.get("restricted", []) if str(v) not in restricted_text]
    assert not missing, f"values not kept in the restricted folder: {missing}"
    if "dropped" in case:
        listed = result.accounting["columns_dropped"]
        assert set(case["dropped"]) <= set(listed), listed
        columns = " ".join(result.responses.columns).casefold()
        for col in case["dropped"]:
            assert re.sub(r"\W+", "_", col).casefold() not in columns, col
    if "redacted" in case:
        copies = "\n".join(result.free_text["redacted"].astype(str))
        kept = [v for v in case["redacted"] if _has(copies, str(v))]
        assert not kept, f"identifiers left in the redacted copies: {kept}"
