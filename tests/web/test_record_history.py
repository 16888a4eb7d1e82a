"""The record's history a person can read (issue 14): for each version what changed in plain
words, who, when and why; any earlier version opens read-only; both are logged views."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from passport.audit.models import AuditEvent
from tests.conftest import FIXTURES
from tests.helpers import date_parts, form_page, get_page, make_nurse, sign_in
from tests.web.pages import text


@pytest.fixture
def nurse(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db)
    assert sign_in(client).status_code == 302
    return client


def stop_adapalene(nurse) -> None:
    page = get_page(nurse, "/children/FX-DANIEL")
    [stop] = [a for a in page.find_all("a") if a["href"].endswith("/stop")]
    token, version = form_page(nurse, stop["href"])
    done = nurse.post(
        stop["href"],
        data={
            "csrf_token": token,
            "version": version,
            **date_parts("stopped", "2026-11-01"),
            "stop_reason": "Skin clear; agreed with the GP",
        },
    )
    assert done.status_code == 302


def test_the_history_says_what_changed_who_when_and_why(nurse):
    stop_adapalene(nurse)
    page = get_page(nurse, "/children/FX-DANIEL/history")
    newest = page.select_one("#version-2")
    words = text(newest)
    assert "Adapalene 0.1% gel: stopped on 1 November 2026 - Skin clear; agreed with the GP" in (
        words
    )
    assert "Changed by nurse@example.org on " in words
    assert "Why: Skin clear; agreed with the GP" in words
    assert "The first version of the record." in text(page.select_one("#version-1"))
    # The record page shows the reason beside the version and links to the history.
    record = get_page(nurse, "/children/FX-DANIEL")
    history = text(record.select_one("#history").find_next("table"))
    assert "Skin clear; agreed with the GP" in history
    assert record.find("a", href="/children/FX-DANIEL/history")


def test_an_earlier_version_opens_read_only_as_it_was(nurse, db):
    stop_adapalene(nurse)
    page = get_page(nurse, "/children/FX-DANIEL/versions/1")
    words = text(page)
    assert "An earlier version, read-only" in words
    assert "Adapalene 0.1% gel" in words

    def adapalene(soup):
        entries = soup.select("#medications + div .app-version-entry")
        return next(text(e) for e in entries if "Adapalene" in text(e))

    assert "Stop date" not in adapalene(page)  # not stopped in version 1
    assert not page.select("main form")  # nothing can be changed from here
    now = get_page(nurse, "/children/FX-DANIEL/versions/2")
    assert "Stop date 1 November 2026" in adapalene(now)
    with db.transaction() as session:
        seen = session.scalars(
            select(AuditEvent.record_version).where(
                AuditEvent.record_ref == "FX-DANIEL", AuditEvent.action == "view"
            )
        ).all()
    assert 1 in seen  # the view of version 1 is logged as a view of version 1
    for missing in ("/children/FX-DANIEL/versions/0", "/children/FX-DANIEL/versions/3"):
        assert nurse.get(missing).status_code == 404


def test_another_councils_nurse_sees_neither(client, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    make_nurse(db, email="shire@example.org", authority="Northshire County Council")
    assert sign_in(client, email="shire@example.org").status_code == 302
    for url in ("/children/FX-DANIEL/history", "/children/FX-DANIEL/versions/1"):
        assert client.get(url).status_code == 404
