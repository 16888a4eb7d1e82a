"""Reading pages as a person would: parsed HTML, whitespace collapsed, and every page checked
for the basics on the way: one h1, a title, unique ids, a CSP nonce on every script, and an
error summary (when there is one) whose every link jumps to a field on the page."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def parse(response) -> BeautifulSoup:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert len(soup.find_all("h1")) == 1, "a page has exactly one h1"
    title = soup.find("title")
    assert title is not None and title.get_text(strip=True), "a page has a title"
    summary = soup.select_one(".nhsuk-error-summary")
    if summary is not None:
        assert title.get_text().startswith("Error"), "a page with errors says so in its title"
        links = summary.select("a")
        assert links, "an error summary lists its errors"
        for link in links:
            target = link.get("href", "")
            assert target.startswith("#") and soup.find(id=target[1:]) is not None, (
                f"the error summary links to {target}, which is not on the page"
            )
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    for script in soup.find_all("script"):
        if not script.get("src"):
            assert script.get("nonce") == nonce, "an inline script without the page's nonce"
    return soup


def text(soup: BeautifulSoup) -> str:
    return " ".join(soup.get_text(" ").split())


def error_summary(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """(link target, message) for each entry in the NHS error summary."""
    box = soup.select_one(".nhsuk-error-summary")
    if box is None:
        return []
    return [(a["href"], " ".join(a.get_text().split())) for a in box.select("a")]
