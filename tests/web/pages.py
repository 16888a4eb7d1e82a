"""Reading pages as a person would: parsed HTML, whitespace collapsed, and every page checked
for the basics (one h1, unique ids, a CSP nonce on every script) on the way."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def parse(response) -> BeautifulSoup:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    assert len(soup.find_all("h1")) == 1, "a page has exactly one h1"
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
