"""The fixed wording a young person (or a stranger) reads when sharing: the parts they tick,
what a choice that cannot be shared says, and what the viewer says about a passcode. Flesch
reading ease 70 or more, as for the passport."""

from __future__ import annotations

import re

import pytest
import textstat

from passport.sharing import parts
from tests.conftest import ROOT

MINIMUM = 70


def choice_messages() -> list[str]:
    said = []
    for choice in ([], ["gp_sheet"], ["own_words"]):
        with pytest.raises(parts.PartsError) as raised:
            parts.checked(choice)
        said.append(str(raised.value))
    return said


def viewer_messages() -> list[str]:
    """Every message the viewer shows about the passcode or the link, from its source."""
    source = (ROOT / "static" / "js" / "viewer.js").read_text()
    said = re.findall(r"(?:passcodeProblem|say)\('([^']{20,})'\)", source)
    said += re.findall(r"(?:passcodeProblem|say)\(`([^`]{20,})`\)", source)
    assert any("passcode is not right" in s for s in said), said
    return [re.sub(r"\$\{[^}]*\}", "4", s) for s in said]


@pytest.mark.parametrize(
    "wording",
    [
        pytest.param(lambda: [f"{label}." for label in parts.PARTS.values()], id="parts"),
        pytest.param(choice_messages, id="choices"),
        pytest.param(viewer_messages, id="viewer"),
    ],
)
def test_the_sharing_wording_is_easy_to_read(wording):
    text = " ".join(f"{line.rstrip('.')}." for line in wording())
    assert textstat.flesch_reading_ease(text) >= MINIMUM, text
