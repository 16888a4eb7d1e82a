"""Issue 16's sweep: every page each role can reach, on a phone (390 x 844). For a nurse, a care
leaver, a foster carer and a stranger with a sharing link, the test signs in and crawls: from the
role's home page it follows every same-origin link (and GET form) breadth-first, and submits each
kind of form once empty to see its error state. On every page nothing scrolls sideways and axe,
with all its rules (best practices included, not only WCAG), finds nothing; a failure lists
every problem of every page (the overflowing elements, the axe rule and its nodes).

The crawl is generic on purpose: pages added later are found through their links, with no list
to keep up to date. A route is checked on its first SAMPLES pages (two children's records, two
of a record's medicines), as a nurse's caseload reaches hundreds of pages of the same few
templates. Only pages reached by a button that POSTs (a link just made, an invitation made, a
banner) are reached by pressing it, or by filling the form in."""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from passport.db import utcnow
from passport.records import workflow
from passport.sharing import service
from tests.browser.conftest import _axe, make_user, sign_in
from tests.conftest import FIXTURES, ROOT, next_code

pytestmark = pytest.mark.browser  # left out by `make test-fast`

PASSWORD = "correct horse battery"  # noqa: S105 - a test account's password
AUTHORITY = "Example City Council"
PHONE = {"width": 390, "height": 844}
# A role with more pages than this is either a crawl gone wrong or a cap to raise on purpose:
# the test fails rather than quietly checking only some of them.
CAP = 160
# The same route with other data (another child, another entry) is the same page: the first
# pages found of each route are checked, not all of a caseload's hundreds.
SAMPLES = 2
# Query strings that only sort or filter a page: such URLs are the same page.
SAME_PAGE_QUERY = {"sort", "filter", "q", "order", "dir", "direction"}
# Never followed: what would sign the person out, downloads, files and the JSON API.
NOT_PAGES = re.compile(r"(^/static/|^/api/|^/sign-out$|\.(pdf|json|zip|csv|txt)$|/export$)")

# The elements sticking out of the viewport, widest first, to name in a failure.
OVERFLOWING_JS = """
() => {
  const limit = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= limit + 0.5) continue;
    // Only the innermost ones: a parent is wide because of its child.
    if ([...el.children].some(c => c.getBoundingClientRect().right > limit + 0.5)) continue;
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    out.push([Math.round(box.right), `${el.tagName.toLowerCase()}${id}${cls} "${text}"`]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 6).map(([right, what]) => `${what} reaches ${right}px`);
}
"""

LINKS_JS = """
() => [
  ...[...document.querySelectorAll('a[href]')]
    .filter(a => !a.hasAttribute('download'))
    .map(a => a.href),
  // A GET form with an action (a filter, a button-looking link) leads to a page too.
  ...[...document.querySelectorAll('form[action]')]
    .filter(f => f.method === 'get')
    .map(f => {
      const url = new URL(f.action);
      for (const [k, v] of new FormData(f)) { if (typeof v === 'string') url.searchParams.append(k, v); }
      return url.href;
    }),
]
"""

# The POST forms in <main> that have something to fill in (not a lone "Mark as done" button).
FILLABLE_FORMS_JS = """
() => [...document.querySelectorAll('main form')].map((f, i) => [i, f]).filter(([i, f]) =>
  f.method === 'post' && [...f.elements].some(e =>
    ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName)
    && !['hidden', 'submit', 'button'].includes(e.type) && e.getClientRects().length > 0)
).map(([i]) => i)
"""

EMPTY_AND_SEND_JS = """
(index) => {
  const form = document.querySelectorAll('main form')[index];
  for (const e of form.elements) {
    if (e.type === 'checkbox') e.checked = false;
    else if (e.tagName === 'TEXTAREA' && !e.readOnly) e.value = '';
    else if (e.tagName === 'INPUT' && !e.readOnly
             && !['hidden', 'submit', 'button', 'radio', 'checkbox'].includes(e.type)) e.value = '';
  }
  form.requestSubmit();
}
"""


def page_key(url: str) -> str:
    """One key per page: the path, and any query that is not only sorting or filtering."""
    parts = urlsplit(url)
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k not in SAME_PAGE_QUERY
    )
    return parts.path + (f"?{urlencode(query)}" if query else "")


def route_shape(key: str) -> str:
    """The route a page comes from: a path segment with a digit or a capital (a child's ref,
    an index, a link's id) stands for any, and a query keeps only its names."""
    parts = urlsplit(key)
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    shape = re.sub(r"[^/]*[0-9A-Z][^/]*", "*", parts.path)
    return shape + (f"?{'&'.join(names)}" if names else "")


@dataclass
class Sweep:
    page: Page
    base: str
    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)
    forms_sent: set[str] = field(default_factory=set)
    landed: set[str] = field(default_factory=set)
    shapes: dict[str, int] = field(default_factory=dict)

    def check(self, what: str) -> None:
        """The page as it is now fits 390 px and passes every axe rule; a failure is kept,
        with what to fix, and the sweep goes on."""
        self.checked.append(what)
        # What a tap on "See what they will see" or any other details opens is checked too.
        opened = self.page.evaluate(
            "() => [...document.querySelectorAll('details:not([open])')]"
            ".map(d => { d.open = true; return 1; }).length"
        )
        if opened:
            self.page.wait_for_timeout(300)  # a preview decrypts on opening
        width = self.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            widest = self.page.evaluate(OVERFLOWING_JS)
            self.problems.append(
                f"{what}: scrollWidth {width} > {PHONE['width']}\n    " + "\n    ".join(widest)
            )
        results = _axe.run(self.page, options={"resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            targets = [
                f"{', '.join(map(str, node['target']))} {node['html'][:70]}"
                for node in violation["nodes"][:4]
            ]
            more = len(violation["nodes"]) - len(targets)
            self.problems.append(
                f"{what}: axe {violation['id']} ({violation['impact']}): {violation['help']}\n"
                f"    at {' | '.join(targets)}" + (f" (+{more} more)" if more > 0 else "")
            )

    def followable(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.base and not NOT_PAGES.search(parts.path)

    def enqueue(self, queue: deque[str], url: str) -> None:
        key = page_key(url)
        if key in self.seen:
            return
        self.seen.add(key)
        shape = route_shape(key)
        if self.shapes.get(shape, 0) >= SAMPLES:
            return
        self.shapes[shape] = self.shapes.get(shape, 0) + 1
        queue.append(url)

    def crawl(self, *starts: str, cap: int = CAP) -> None:
        """Breadth first from `starts` (paths): each page once, each route on up to SAMPLES
        pages, each kind of form sent empty once."""
        queue: deque[str] = deque()
        for start in starts:
            self.enqueue(queue, self.base + start)
        visited = 0
        while queue:
            url = queue.popleft()
            visited += 1
            assert visited <= cap, (
                f"more than {cap} pages from {starts}: is the crawl looping? Routes so far: "
                + ", ".join(sorted(self.shapes))
            )
            response = self.page.goto(url)
            self.page.wait_for_load_state()
            status = response.status if response else 0
            if status != 200:
                self.problems.append(f"{url}: status {status}")
                continue
            # A redirect (the service's home to the role's) can land on a page already seen.
            landed = page_key(self.page.url)
            if landed in self.landed:
                continue
            self.landed.add(landed)
            self.seen.add(landed)
            url = self.page.url.split("#", 1)[0]
            self.check(url)
            for href in self.page.evaluate(LINKS_JS):
                if self.followable(href):
                    self.enqueue(queue, href.split("#", 1)[0])
            self.send_forms_empty(url)

    def send_forms_empty(self, url: str) -> None:
        """Each kind of form with something to fill in, sent empty once: its error state."""
        forms = self.page.evaluate(FILLABLE_FORMS_JS)
        for index in forms:
            kind = f"{route_shape(urlsplit(url).path)} form {index}"
            if kind in self.forms_sent:
                continue
            self.forms_sent.add(kind)
            if self.page.url != url:
                self.page.goto(url)
            try:
                with self.page.expect_navigation():
                    self.page.evaluate(EMPTY_AND_SEND_JS, index)
            except PlaywrightTimeoutError:
                pass  # a form a script handles shows its errors in place: check them there
            self.page.wait_for_load_state()
            self.check(f"{url} (form {index} sent empty)")

    def assert_clean(self) -> None:
        if self.problems:
            pytest.fail(
                f"{len(self.problems)} problem(s) on {len(self.checked)} page(s) checked:\n"
                + "\n".join(self.problems),
                pytrace=False,
            )


def import_children(cli, *names: str) -> None:
    paths = [str(ROOT / "fixtures" / f"{name}.json") for name in names]
    assert cli("import", *paths).exit_code == 0


def daniel_link(cli, db, base_url: str, sharer=None, label: str = "Northfield University"):
    with db.transaction() as session:
        return service.make_link(
            session,
            ref="FX-DANIEL",
            document="leaver-summary",
            label=label,
            days=30,
            passcode="open-sesame-1",
            base_url=base_url,
            actor="dan@example.org",
            now=utcnow(),
            today=cli.app.extensions["passport_config"].today(),
            **({"sharer": sharer} if sharer else {}),
        )


def open_as_a_stranger(sweep: Sweep, url: str, *, check: bool) -> None:
    """The passcode page, the wrong-passcode error, then the record: as a stranger does."""
    page = sweep.page
    page.goto(url)
    expect(page.get_by_label("Passcode")).to_be_visible()
    if check:
        sweep.check("the passcode page of a sharing link")
    page.get_by_label("Your name or organisation").fill("Northfield University admissions")
    page.get_by_label("Passcode").fill("not-the-passcode")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    if check:
        sweep.check("a sharing link after a wrong passcode")
    page.get_by_label("Passcode").fill("open-sesame-1")
    page.get_by_role("button", name="Open the record").click()
    expect(page.locator("#patient-name")).to_have_text("Daniel Okoro-Reid")
    if check:
        sweep.check("the record a sharing link opens")


def ask_for_a_correction(db, user_id: int) -> None:
    with db.transaction() as session:
        workflow.ask_for_correction(
            session,
            ref="FX-DANIEL",
            version=1,
            user_id=user_id,
            email="dan@example.org",
            message="My GP is wrong: it is Dr Shah now, at Northfield Surgery on Long Lane.",
        )


def test_every_page_a_nurse_reaches_fits_a_phone_and_passes_axe(page, live_server, db, cli):
    assert cli("import", *map(str, FIXTURES)).exit_code == 0
    dan = make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    make_user(db, "nurse@example.org", PASSWORD, "nurse", authority=AUTHORITY)
    ask_for_a_correction(db, dan)
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    # A link Daniel made and a stranger opened, so the record shows links and who opened them.
    open_as_a_stranger(sweep, daniel_link(cli, db, live_server).url, check=False)
    page.context.clear_cookies()

    # Signing in: the password page, then the second factor, sent empty first.
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("nurse@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/sign-in/code")
    sweep.check("the second-factor page")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    sweep.check("the second-factor page sent empty")
    page.get_by_label("Security code").fill(next_code(db, "nurse@example.org"))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Caseload")).to_be_visible()
    # Daniel's record first, the fullest: his entries are the ones checked of each route.
    sweep.crawl("/caseload", "/children/FX-DANIEL")
    assert "/children/FX-DANIEL" in sweep.landed
    # The caseload listed every child (each a link), and two records were checked.
    for fixture in FIXTURES:
        child = json.loads(fixture.read_text())["child"]
        if child["responsible_authority"] == AUTHORITY:
            assert f"/children/{child['ref']}" in sweep.seen, sweep.seen
    assert len([key for key in sweep.landed if route_shape(key) == "/children/*"]) == SAMPLES
    assert any("/corrections/" in key for key in sweep.seen), sweep.seen
    assert any(kind.startswith("/children/*/assessments/new") for kind in sweep.forms_sent)

    # Pages only a POST reaches: a sharing link made, an invitation made.
    page.goto(f"{live_server}/children/FX-DANIEL/links/new")
    page.get_by_label("A name for this link").fill("Northfield Surgery")
    page.get_by_label("The young person agreed to share this").check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.locator("#share-link")).to_be_visible()
    sweep.check("the link a nurse made")
    page.goto(f"{live_server}/children/FX-DANIEL")
    invite = page.locator("form", has=page.get_by_role("button", name="Make an invitation"))
    invite.get_by_label("The young person", exact=False).check()
    invite.get_by_label("Their email address").fill("daniel.okoro-reid@example.org")
    invite.get_by_role("button", name="Make an invitation").click()
    expect(page.get_by_role("heading", level=1, name="Invitation made")).to_be_visible()
    sweep.check("an invitation made")
    invitation = page.locator("#invitation-link").input_value().strip()
    response = page.goto(f"{live_server}/children/FX-NOBODY")
    assert response is not None and response.status == 404
    sweep.check("a record that is not there (404)")

    # The invitation, as the young person opens it (signed out), and sent empty.
    page.context.clear_cookies()
    page.goto(invitation)
    expect(page.get_by_role("heading", level=1, name="Set your password")).to_be_visible()
    sweep.check("an invitation to set a password")
    page.get_by_role("button", name="Set password").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    sweep.check("an invitation sent empty")
    sweep.assert_clean()


def test_every_page_a_care_leaver_reaches_fits_a_phone_and_passes_axe(page, live_server, db, cli):
    import_children(cli, "fx-daniel")
    dan = make_user(db, "dan@example.org", PASSWORD, "leaver", child_ref="FX-DANIEL")
    ask_for_a_correction(db, dan)
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    leaver = service.sharer_for("leaver", None, {"given_name": "Daniel"})
    open_as_a_stranger(sweep, daniel_link(cli, db, live_server, leaver).url, check=False)
    page.context.clear_cookies()

    sign_in(page, live_server, "dan@example.org", PASSWORD)
    expect(page).to_have_url(f"{live_server}/me")
    sweep.crawl("/me")
    for path in ("/me/links/new", "/me/tell-us", "/me/activity", "/me/documents/leaver-summary"):
        assert path in sweep.seen, sweep.seen
    assert "/me/tell-us form 0" in sweep.forms_sent

    # The link just made is only reached by making one.
    page.goto(f"{live_server}/me/links/new")
    page.get_by_label("Your health summary for leaving care").check()
    page.get_by_label("Who is it for?").fill("Northfield University health centre")
    page.get_by_label("How many days should it work for?").fill("30")
    page.get_by_label("Passcode").fill("open-sesame-2")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", level=1, name="Your link is ready")).to_be_visible()
    sweep.check("the link a care leaver made")

    # A link cancelled: the home page with its banner and a cancelled link's card.
    page.goto(f"{live_server}/me")
    page.get_by_role("button", name="Cancel this link").first.click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("is cancelled")
    sweep.check("the care leaver's home, after cancelling a link")
    sweep.assert_clean()


def test_every_page_a_foster_carer_reaches_fits_a_phone_and_passes_axe(page, live_server, db, cli):
    import_children(cli, "fx-ellie", "fx-noah", "fx-daniel")
    make_user(
        db,
        "carer@example.org",
        PASSWORD,
        "carer",
        carer_ref="FC-0201",
        children=("FX-ELLIE", "FX-NOAH"),
    )
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    sign_in(page, live_server, "carer@example.org", PASSWORD)
    expect(page).to_have_url(f"{live_server}/placements")
    sweep.crawl("/placements")
    for path in ("/placements/FX-NOAH", "/placements/FX-ELLIE", "/placements/FX-NOAH/sheet"):
        assert path in sweep.seen, sweep.seen
    assert not any("FX-DANIEL" in key for key in sweep.seen)

    # A plan action marked done: the child's page with its banner.
    page.goto(f"{live_server}/placements/FX-NOAH")
    page.get_by_role("button", name="Mark as done").first.click()
    expect(page.locator(".nhsuk-notification-banner")).to_contain_text("Marked as done")
    sweep.check("a child placed with the carer, after marking an action done")
    sweep.assert_clean()


def test_every_page_a_stranger_reaches_fits_a_phone_and_passes_axe(page, live_server, db, cli):
    import_children(cli, "fx-daniel")
    page.set_viewport_size(PHONE)
    sweep = Sweep(page, live_server)
    open_as_a_stranger(sweep, daniel_link(cli, db, live_server).url, check=True)
    # From the record, wherever its links lead (the service's home: the sign-in page).
    sweep.seen.add(page_key(page.url))
    starts = [
        urlsplit(href).path
        for href in page.evaluate(LINKS_JS)
        if sweep.followable(href) and page_key(href) not in sweep.seen
    ]
    sweep.crawl(*dict.fromkeys(starts), "/view")
    assert "/sign-in" in sweep.seen, sweep.seen
    assert "/sign-in form 0" in sweep.forms_sent
    sweep.assert_clean()
