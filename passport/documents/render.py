"""Documents as HTML (screen and print) and as tagged PDF, from the same templates.

The PDF side follows two rules. Templates render in their own Jinja environment with
`StrictUndefined`, so a missing value fails the render instead of printing an empty box. And
WeasyPrint loads nothing it was not given: `StaticOnlyFetcher` serves the product's own static
files and `data:` URLs, and refuses everything else (`file://`, the network, attachments).
"""

from __future__ import annotations

import base64
import hashlib
import io
import mimetypes
from dataclasses import dataclass
from pathlib import Path

import qrcode
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from qrcode.constants import ERROR_CORRECT_M
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from passport.config import PROJECT_ROOT
from passport.documents import words
from passport.documents.content import Document
from passport.observability import timed_render

TEMPLATES = PROJECT_ROOT / "templates" / "documents"
STATIC = PROJECT_ROOT / "static"
# The base URL documents are laid out against: relative links resolve under it, and the
# fetcher maps `<BASE>static/...` to the product's static folder and nothing else.
BASE_URL = "https://documents.passport.invalid/"


class RefusedURL(ValueError):
    """WeasyPrint asked for something outside the product's own static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves `static/` files and `data:` URLs. A missing own file stops the render."""

    def __init__(self, static_root: Path = STATIC) -> None:
        super().__init__(
            allowed_protocols={"https", "data"}, allow_redirects=False, fail_on_errors=False
        )
        self.static_root = static_root.resolve()
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = BASE_URL + "static/"
        plain = not any(c in url for c in "?#%\\")
        if url.startswith(prefix) and plain:
            path = (self.static_root / url[len(prefix) :]).resolve()
            if path.is_relative_to(self.static_root):
                if not path.is_file():
                    raise FatalURLFetchingError(f"missing static file for a document: {url}")
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})
        self.refused.append(url)
        raise RefusedURL(f"documents may not load {url}")


def template_version() -> str:
    """A hash of every document template and stylesheet: a change makes new PDFs."""
    digest = hashlib.sha256()
    for path in sorted([*TEMPLATES.rglob("*.html"), *(STATIC / "documents").rglob("*.css")]):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
    )
    env.filters["long_date"] = words.long_date
    env.filters["tel_href"] = words.tel_href
    # The voice of a shared section when a document gives none: to the young person.
    env.globals["YOU"] = words.TO_YOUNG_PERSON
    return env


ENVIRONMENT = _environment()


def qr_data_url(link: str) -> str:
    """A PNG QR code of the whole link, error correction M, as a data: URL."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(link)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


@dataclass(frozen=True)
class Rendered:
    html: str

    def __str__(self) -> str:
        return self.html


def render_html(
    document: Document, *, share_link: str | None = None, static_url: str = "/static/"
) -> str:
    """The document as a whole HTML page. `static_url` is where its stylesheet lives."""
    template = ENVIRONMENT.get_template(f"{document.kind}.html")
    return template.render(
        doc=document,
        s=document.sections,
        static_url=static_url,
        share_link=share_link,
        qr=qr_data_url(share_link) if share_link else None,
    )


def render_pdf(document: Document, *, share_link: str | None = None) -> bytes:
    html = render_html(document, share_link=share_link, static_url=BASE_URL + "static/")
    return html_to_pdf(html)


def html_to_pdf(html: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """A tagged PDF (PDF/UA-1) of the HTML, loading only what the fetcher allows."""
    with timed_render():
        return HTML(
            string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher()
        ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
