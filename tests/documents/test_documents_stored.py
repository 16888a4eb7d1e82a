"""Documents from stored records: cached PDFs, issuing the care-leaver summary, the CLI and
the nurse's download buttons."""

from __future__ import annotations

import io
import json
from unittest import mock

from pypdf import PdfReader

from passport.documents import render
from passport.documents import service as documents
from tests.conftest import ROOT
from tests.helpers import form_page, get_page, make_nurse, sign_in
from tests.web.pages import parse, text

DANIEL = ROOT / "fixtures" / "fx-daniel.json"


def import_daniel(cli):
    assert cli("import", str(DANIEL)).exit_code == 0


def test_a_second_download_does_no_layout_work_and_a_change_makes_a_new_pdf(cli, db, tmp_path):
    import_daniel(cli)
    day = cli.app.extensions["passport_config"].today()
    with mock.patch.object(render, "html_to_pdf", wraps=render.html_to_pdf) as layout:
        with db.transaction() as session:
            first = documents.pdf_for(session, "FX-DANIEL", "passport", day)
        with db.transaction() as session:
            again = documents.pdf_for(session, "FX-DANIEL", "passport", day)
        assert layout.call_count == 1
        assert (first.from_cache, again.from_cache) == (False, True)
        assert again.data == first.data

        changed = json.loads(DANIEL.read_text())
        changed["child"]["preferred_name"] = "Danny"
        path = tmp_path / "d.json"
        path.write_text(json.dumps(changed))
        assert cli("import", "--replace", str(path)).exit_code == 0
        with db.transaction() as session:
            third = documents.pdf_for(session, "FX-DANIEL", "passport", day)
        assert layout.call_count == 2 and not third.from_cache and third.version == 2
    assert "Danny" in " ".join(p.extract_text() for p in PdfReader(io.BytesIO(third.data)).pages)


def test_render_command_writes_pdf_and_html(cli, tmp_path):
    import_daniel(cli)
    pdf = tmp_path / "d.pdf"
    result = cli("render", "FX-DANIEL", "--document", "leaver-summary", "-o", str(pdf))
    assert result.exit_code == 0, result.output
    assert pdf.read_bytes().startswith(b"%PDF")
    html = tmp_path / "d.html"
    assert (
        cli(
            "render",
            "FX-DANIEL",
            "--document",
            "carer-sheet",
            "--format",
            "html",
            "--as-of",
            "2026-11-25",
            "-o",
            str(html),
        ).exit_code
        == 0
    )
    assert "Placement health sheet" in html.read_text()
    assert cli("render", "NOBODY", "--document", "passport", "-o", str(pdf)).exit_code == 1


def test_issuing_clears_the_flag_and_a_later_change_marks_it_out_of_date(cli, db, client, tmp_path):
    import_daniel(cli)
    assert "LEAVER_SUMMARY_DUE" in cli("check", "FX-DANIEL").stdout
    make_nurse(db)
    sign_in(client)
    assert "No care-leaver summary has been issued yet" in text(
        parse(client.get("/children/FX-DANIEL"))
    )
    token, version = form_page(client, "/children/FX-DANIEL")
    issued = client.post(
        "/children/FX-DANIEL/leaver-summary/issue", data={"csrf_token": token, "version": version}
    )
    assert issued.status_code == 302
    assert "LEAVER_SUMMARY_DUE" not in cli("check", "FX-DANIEL").stdout
    status = get_page(client, "/children/FX-DANIEL").select_one("#leaver-summary-status")
    assert "issued on" in text(status) and "nurse@example.org" in text(status)
    assert "out of date" not in text(status)

    token, version = form_page(client, "/children/FX-DANIEL/add/allergies")
    client.post(
        "/children/FX-DANIEL/add/allergies",
        data={"csrf_token": token, "version": version, "substance": "Latex"},
    )
    status = get_page(client, "/children/FX-DANIEL").select_one("#leaver-summary-status")
    assert "out of date" in text(status)
    assert "made from version 1" in text(status) and "now version 2" in text(status)


def test_issue_command(cli):
    import_daniel(cli)
    result = cli("issue", "FX-DANIEL")
    assert result.exit_code == 0 and "version 1" in result.stdout
    assert "LEAVER_SUMMARY_DUE" not in cli("check", "FX-DANIEL").stdout


def test_the_nurse_downloads_each_document(cli, db, client):
    import_daniel(cli)
    make_nurse(db)
    sign_in(client)
    for kind, title in (
        ("passport", "Your health passport"),
        ("leaver-summary", "Your health summary for leaving care"),
        ("carer-sheet", "Placement health sheet"),
    ):
        pdf = client.get(f"/children/FX-DANIEL/documents/{kind}.pdf")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF")
        html = client.get(f"/children/FX-DANIEL/documents/{kind}")
        assert html.status_code == 200 and title in html.get_data(as_text=True)
    assert client.get("/children/FX-DANIEL/documents/other.pdf").status_code == 404


def test_render_to_a_folder_that_does_not_exist_says_so(cli, tmp_path):
    import_daniel(cli)
    result = cli(
        "render", "FX-DANIEL", "--document", "passport", "-o", str(tmp_path / "nowhere" / "x.pdf")
    )
    assert result.exit_code == 1
    assert f"-o: cannot write {tmp_path / 'nowhere' / 'x.pdf'}" in result.output
    assert "Traceback" not in result.output
