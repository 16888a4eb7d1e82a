"""Everyone who must act is told plainly what is overdue (issue 15): the carer's page and the
carer's sheet (on screen and as PDF) list what is overdue with who is arranging it, in the same
words, and say "Nothing for you to do right now" only when that is true.

Rosa is Ellie's fixture with her review health assessment moved to 30 October 2025, so her next
one was due on 30 October 2026 and is a month overdue on 29 November 2026 (the tests' today).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from bs4 import BeautifulSoup
from pypdf import PdfReader

from passport.documents.content import build
from passport.documents.render import render_html
from tests.conftest import ROOT, TODAY, load_json
from tests.helpers import get_page, make_carer, sign_in
from tests.web.pages import text

ROSA_CHECK = "Rosa's health check was due on 30 October 2026. Her nurse is arranging it."
ROSA_SIGHT = "Rosa's sight test was due on 9 September 2024. Please book one."
NOTHING = "Nothing for you to do right now"


def rosa() -> dict:
    record = load_json(ROOT / "fixtures" / "fx-ellie.json")
    record["child"] = {**record["child"], "ref": "FX-ROSA", "given_name": "Rosa"}
    review = next(a for a in record["assessments"] if a["type"] == "RHA")
    review["date"] = "2025-10-30"
    return record


def _import_rosa(cli, tmp_path: Path) -> None:
    path = tmp_path / "fx-rosa.json"
    path.write_text(json.dumps(rosa()), encoding="utf-8")
    assert cli("import", str(path)).exit_code == 0


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() or "" for page in pages).split())


def test_rosas_carer_page_says_her_check_is_overdue_and_who_is_arranging_it(
    db, cli, client, tmp_path
):
    _import_rosa(cli, tmp_path)
    make_carer(db, "rosa.carer@example.org", "FC-0201", "FX-ROSA")
    sign_in(client, "rosa.carer@example.org", code=False)

    page = get_page(client, "/placements/FX-ROSA")
    told = [text(li) for li in page.select("#overdue li")]
    assert ROSA_CHECK in told
    assert ROSA_SIGHT in told
    assert NOTHING not in text(page)
    assert page.select_one("#nothing-to-do") is None


def test_rosas_carer_sheet_pdf_says_the_same(db, cli, client, tmp_path):
    _import_rosa(cli, tmp_path)
    make_carer(db, "rosa.carer@example.org", "FC-0201", "FX-ROSA")
    sign_in(client, "rosa.carer@example.org", code=False)

    response = client.get("/placements/FX-ROSA/sheet.pdf")
    assert response.status_code == 200
    pdf = _pdf_text(response.data)
    assert ROSA_CHECK in pdf
    assert ROSA_SIGHT in pdf
    assert "due by 30 October 2026" not in pdf
    assert NOTHING not in pdf


def test_the_sheet_and_the_page_use_the_same_words():
    sheet = build("carer-sheet", rosa(), TODAY)
    assert sheet.sections["overdue"][:2] == [ROSA_CHECK, ROSA_SIGHT]
    assert sheet.sections["nothing_to_do"] is False
    html = BeautifulSoup(render_html(sheet), "html.parser")
    assert [text(li) for li in html.select("#overdue li")][:2] == [ROSA_CHECK, ROSA_SIGHT]


def test_no_pronouns_recorded_uses_the_name():
    record = rosa()
    del record["child"]["pronouns"]
    told = build("carer-sheet", record, TODAY).sections["overdue"]
    assert "Rosa's health check was due on 30 October 2026. Rosa's nurse is arranging it." in told


def test_nothing_to_do_is_said_only_when_true(db, cli, client):
    """Tia has nothing overdue and no open carer action: her carer is told so. A check only
    the nurse is arranging does not give the carer something to do."""
    assert cli("import", str(ROOT / "fixtures" / "fx-tia.json")).exit_code == 0
    make_carer(db, "tia.carer@example.org", "FC-0166", "FX-TIA")
    sign_in(client, "tia.carer@example.org", code=False)
    page = get_page(client, "/placements/FX-TIA")
    assert text(page.select_one("#nothing-to-do")) == NOTHING + "."
    assert text(page.select_one("#overdue")) == "Nothing is overdue."

    record = rosa()
    record["optical_checks"] = ["2026-06-01"]
    sheet = build("carer-sheet", record, TODAY).sections
    assert sheet["overdue"] == [ROSA_CHECK]  # the nurse's to arrange, not the carer's
    assert sheet["nothing_to_do"] is True
