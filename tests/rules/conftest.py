"""Fixtures for the rules tests: the format's example records (vendored in docs/format)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import SPEC

EXAMPLES = SPEC / "examples"


@pytest.fixture
def jordan() -> dict[str, Any]:
    """A complete, typical record of a boy born in 2011 (a fresh copy per test)."""
    return json.loads((EXAMPLES / "jordan-typical.json").read_text(encoding="utf-8"))
