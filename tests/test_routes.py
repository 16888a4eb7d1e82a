"""The list of routes, so that adding or removing a URL is a deliberate act, and every route
that is not public checks who is asking."""

from __future__ import annotations

ROUTES = """
GET /
GET /api/shl/file/
GET /api/shl/file/<location>
GET /caseload
GET /children/<ref>
GET /children/<ref>/documents/<kind>
GET /children/<ref>/documents/<kind>.pdf
GET /children/<ref>/export
GET /children/<ref>/history
GET /children/<ref>/versions/<int:number>
GET /healthz
GET /me
GET /me/activity
GET /me/documents/<kind>
GET /me/documents/<kind>.pdf
GET /me/own
GET /metrics
GET /placements
GET /placements/<ref>
GET /placements/<ref>/sheet
GET /placements/<ref>/sheet.pdf
GET /readyz
GET /view
GET,POST /account/security
GET,POST /children/<ref>/<section>/<int:index>/change
GET,POST /children/<ref>/<section>/<int:index>/entered-in-error
GET,POST /children/<ref>/add/<section>
GET,POST /children/<ref>/allergies/<int:index>/status
GET,POST /children/<ref>/assessments/<assessment_id>/amend
GET,POST /children/<ref>/assessments/<assessment_id>/plan/<int:index>/change
GET,POST /children/<ref>/assessments/new
GET,POST /children/<ref>/checks/<kind>/new
GET,POST /children/<ref>/contacts/<kind>
GET,POST /children/<ref>/contacts/<kind>/remove
GET,POST /children/<ref>/corrections/<int:request_id>/answer
GET,POST /children/<ref>/details
GET,POST /children/<ref>/immunisations/not-given
GET,POST /children/<ref>/information-requests/<int:index>/answer
GET,POST /children/<ref>/information-requests/<int:index>/change
GET,POST /children/<ref>/information-requests/<int:index>/withdraw
GET,POST /children/<ref>/information-requests/new
GET,POST /children/<ref>/links/new
GET,POST /children/<ref>/medications/<int:index>/stop
GET,POST /children/<ref>/placements/<int:index>/change
GET,POST /children/<ref>/placements/<int:index>/end
GET,POST /children/<ref>/placements/move
GET,POST /children/<ref>/placements/new
GET,POST /import
GET,POST /invitation
GET,POST /me/links/new
GET,POST /me/own/<section>/<entry_id>/remove
GET,POST /me/own/about
GET,POST /me/own/appointments/<appointment_id>
GET,POST /me/own/appointments/new
GET,POST /me/own/notes/<note_id>
GET,POST /me/own/notes/new
GET,POST /me/summary-choices
GET,POST /me/tell-us
GET,POST /placements/<ref>/actions/<assessment_id>/<int:index>/booked
GET,POST /sign-in
GET,POST /sign-in/code
POST /api/shl/<token>
POST /children/<ref>/information-requests/<int:index>/chase
POST /children/<ref>/invite
POST /children/<ref>/leaver-summary/issue
POST /children/<ref>/links/<public_id>/revoke
POST /children/<ref>/links/preview
POST /me/links/<public_id>/revoke
POST /me/links/preview
POST /placements/<ref>/actions/<assessment_id>/<int:index>/done
POST /placements/<ref>/actions/<assessment_id>/<int:index>/unbook
POST /placements/<ref>/actions/<assessment_id>/<int:index>/undo
POST /sign-out"""

# Reachable without signing in: sign-in itself, invitations, the share viewer and its protocol.
PUBLIC = {
    "/sign-in",
    "/sign-in/code",
    "/invitation",
    "/view",
    "/healthz",
    "/readyz",
    "/metrics",  # by address (PASSPORT_METRICS_ALLOW), not by sign-in
    "/api/shl/<token>",
    "/api/shl/file/",
    "/api/shl/file/<location>",
}


def routes(app) -> list[str]:
    out = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
            out.append(f"{methods} {rule.rule}")
    return sorted(out)


def test_the_routes_are_the_ones_we_mean_to_have(app):
    assert routes(app) == ROUTES.strip().splitlines()


def test_every_other_get_route_sends_a_signed_out_visitor_to_sign_in(app):
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.rule in PUBLIC or "GET" not in rule.methods:
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", "1").replace(f"<int:{name}>", "1")
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/sign-in"), path
