"""The passport's own wording reads at about age 11: Flesch reading ease 60 or more."""

from __future__ import annotations

import json
import re
from datetime import date

import textstat
from bs4 import BeautifulSoup

from passport.documents.content import build
from passport.documents.render import render_html
from tests.conftest import SPEC


def fixed_wording() -> str:
    """The passport of a record with nothing in it but a name: only our own words remain."""
    minimal = json.loads((SPEC / "examples" / "minimal.json").read_text())
    html = render_html(build("passport", minimal, date(2026, 11, 25)))
    soup = BeautifulSoup(html, "html.parser")
    blocks = [" ".join(el.get_text(" ").split()) for el in soup.select("p, li, dd, h2, h3")]
    # A heading or list item is a sentence of its own to a reader. Numbers (the date made)
    # are not words to score.
    text = " ".join(b if b.endswith((".", "?", "!", ":")) else b + "." for b in blocks if b)
    return re.sub(r"\b\d+\b\s*", "", text)


def test_the_fixed_wording_of_the_passport_is_easy_to_read():
    text = fixed_wording()
    assert len(text.split()) > 250
    score = textstat.flesch_reading_ease(text)
    assert score >= 60, f"Flesch reading ease {score:.1f}"
