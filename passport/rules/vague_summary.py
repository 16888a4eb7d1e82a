"""Whether an assessment's findings summary says nothing: ``is_vague_summary``.

A summary is vague when it is missing, empty, or made only of stock phrases ("No concerns.",
"NAD", "Fit and well, no issues", "n/a") and filler words, after ignoring case and punctuation
(the VAGUE_FINDINGS rule in the docstring of ``checks``). A summary with any other word is not
vague.
"""

from __future__ import annotations

import re

__all__ = ["is_vague_summary"]

# Stock phrases that say nothing on their own, and words that add nothing to them.
_VAGUE_PHRASE_TEXT = (
    "no concerns",
    "no concern",
    "no current concerns",
    "no health concerns",
    "no issues",
    "no issue",
    "no problems",
    "no problem",
    "no worries",
    "no information",
    "no info",
    "nothing to report",
    "nothing of note",
    "nothing significant",
    "nothing abnormal detected",
    "nad",
    "ntr",
    "nil",
    "nil of note",
    "none",
    "not known",
    "unknown",
    "not applicable",
    "n a",
    "na",
    "fine",
    "well",
    "fit",
    "ok",
    "okay",
    "good",
    "healthy",
    "normal",
    "satisfactory",
    "unremarkable",
    "as before",
    "as previous",
    "no change",
    "no changes",
    "same as before",
    "all good",
    "all fine",
    "all well",
)
_VAGUE_PHRASES: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in sorted((tuple(text.split()) for text in _VAGUE_PHRASE_TEXT), key=len, reverse=True):
    _VAGUE_PHRASES[_phrase[0]] = (*_VAGUE_PHRASES.get(_phrase[0], ()), _phrase)
_FILLER = frozenset(
    (
        "and",
        "all",
        "is",
        "are",
        "was",
        "were",
        "appears",
        "appeared",
        "seems",
        "seemed",
        "looks",
        "very",
        "currently",
        "at",
        "present",
        "this",
        "time",
        "noted",
        "identified",
        "raised",
        "reported",
        "today",
        "overall",
        "generally",
        "child",
        "young",
        "person",
        "he",
        "she",
        "they",
        "health",
        "physically",
        "emotionally",
        "so",
        "far",
        "the",
        "in",
        "of",
        "doing",
        "presents",
        "everything",
        "also",
        "information",
        "info",
    )
)
_DROP = re.compile(r"[.'\u2019]|(?<=\bn)/(?=a\b)")  # "N.A.D." is "nad", "n/a" is "na"
_NON_WORD = re.compile(r"[^a-z0-9]+")


def is_vague_summary(summary: str | None) -> bool:
    """True for a missing or empty summary, or one made only of stock phrases and filler."""
    if summary is None:
        return True
    words = _NON_WORD.sub(" ", _DROP.sub("", summary.casefold())).split()
    position = 0
    while position < len(words):
        if words[position] in _FILLER:
            position += 1
            continue
        for phrase in _VAGUE_PHRASES.get(words[position], ()):
            if tuple(words[position : position + len(phrase)]) == phrase:
                position += len(phrase)
                break
        else:
            return False
    return True
