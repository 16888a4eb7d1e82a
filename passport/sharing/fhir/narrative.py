"""The human-readable part of a FHIR resource: plain text escaped into XHTML, tables, and
dates as people read them in the UK. Free text is never interpreted as HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import Any

from passport.rules.dates import long_date

XHTML = "http://www.w3.org/1999/xhtml"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def escape(value: Any) -> str:
    """Escape plain text for XHTML, dropping the characters XML cannot carry."""
    return html.escape(_NOT_XML.sub("", str(value)), quote=True)


def div(inner: str) -> dict[str, str]:
    return {"status": "generated", "div": f'<div xmlns="{XHTML}">{inner}</div>'}


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def table(headings: Iterable[str], rows: Iterable[Iterable[str | None]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell or '')}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def when(value: Any) -> str | None:
    """An ISO date as people read it in the UK: 24 June 2019."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return long_date(value)
    except ValueError:
        return value
