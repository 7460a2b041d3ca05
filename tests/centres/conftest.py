"""Fixtures for the centres cleaner tests (builders live in centres_helpers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from centres_helpers import assert_accounting, write_registry


@pytest.fixture(scope="session")
def ref_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny, fixed registry so tests do not depend on the curated lists' growth."""
    return write_registry(tmp_path_factory.mktemp("reference"))


@pytest.fixture()
def clean(ref_dir: Path) -> Callable[..., Any]:
    """clean_centres bound to the tiny registry, with the accounting identity asserted."""
    from pipeline.centres import clean_centres

    def _clean(path: Path, **kw: Any) -> Any:
        result = clean_centres(path, ref_dir=ref_dir, **kw)
        assert_accounting(result)
        return result

    return _clean
