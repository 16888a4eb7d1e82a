"""Fixtures for the rules tests: the shared example records (``../shared/spec/examples``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "spec" / "examples"


@pytest.fixture
def jordan() -> dict[str, Any]:
    """A complete, typical record of a boy born in 2011 (a fresh copy per test)."""
    return json.loads((EXAMPLES / "jordan-typical.json").read_text(encoding="utf-8"))
