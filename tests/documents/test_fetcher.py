"""WeasyPrint loads nothing it was not given: only our static files and data: URLs."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from passport.documents.render import BASE_URL, RefusedURL, StaticOnlyFetcher, html_to_pdf


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        BASE_URL + "static/../../../../etc/passwd",
        BASE_URL + "static/%2e%2e/%2e%2e/pyproject.toml",
        BASE_URL + "../pyproject.toml",
        "https://documents.passport.invalid.evil.example/static/css/app.css",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    fetcher = StaticOnlyFetcher()
    with pytest.raises((RefusedURL, ValueError)):
        fetcher.fetch(url)


def test_the_fetcher_serves_our_stylesheet_and_data_urls():
    fetcher = StaticOnlyFetcher()
    css = fetcher.fetch(BASE_URL + "static/documents/document.css")
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"


def test_a_missing_static_file_stops_the_render():
    with pytest.raises(FatalURLFetchingError):
        StaticOnlyFetcher().fetch(BASE_URL + "static/documents/missing.css")


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_document_that_asks_for_files_network_and_attachments_fetches_nothing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for a PDF")
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    html = f"""<html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="{url}/style.css">
      <link rel="attachment" href="file://{secret}"></head>
      <body><p>Hello</p><img src="file://{secret}" alt="x"><img src="{url}/pixel.png" alt="y">
      <a rel="attachment" href="{url}/attach.txt">a</a>
      <a rel="attachment" href="file://{secret}">b</a></body></html>"""
    fetcher = StaticOnlyFetcher()
    try:
        pdf = html_to_pdf(html, fetcher)
    finally:
        server.shutdown()
    assert _Recorder.hits == []
    assert any(u.startswith("file://") for u in fetcher.refused)
    assert any(u.startswith(url) for u in fetcher.refused)
    reader = PdfReader(io.BytesIO(pdf))
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})
    assert b"not for a PDF" not in pdf
