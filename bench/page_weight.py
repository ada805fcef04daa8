"""Bytes transferred for pages with all their assets, requests to other hosts, and the static-file
requests a repeat visit still makes, in real Chromium."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Browser
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from webapp import create_app

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {
    "checklist_page": "/",
    "result_page": "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia&absent=fractures&onset=neonatal",
    "about_page": "/about",
}
STATIC_PREFIX = "/static/"  # where the app serves its style sheet and scripts


class StaticHits:
    """WSGI wrapper that records the path of every static-file request reaching the server (a file
    the browser took from its cache never arrives; a revalidation, even a 304, does)."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app
        self.paths: list[str] = []  # list.append is atomic: the server's threads may share it

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(STATIC_PREFIX):
            self.paths.append(path)
        return self.wsgi_app(environ, start_response)


def page_weight(browser: Browser, base: str, name: str, path: str) -> dict[str, int]:
    """Load one page in a fresh browser context and add up what crossed the wire."""
    context = browser.new_context()
    page = context.new_page()
    sizes: list[int] = []
    decoded: list[int] = []
    foreign: list[str] = []

    def on_response(response) -> None:
        # Transferred: the body as sent (Content-Length is the compressed size where
        # the static files went gzip-compressed) plus the headers; decoded: as read.
        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
        body = len(response.body())
        sent = int(response.headers.get("content-length") or body)
        sizes.append(sent + headers)
        decoded.append(body + headers)

    def on_request(request) -> None:
        host = urlparse(request.url).hostname
        if request.url.startswith("http") and host != "127.0.0.1":
            foreign.append(request.url)

    page.on("response", on_response)
    page.on("request", on_request)
    page.goto(base + path, wait_until="networkidle")
    context.close()
    return {
        f"{name}_bytes": sum(sizes),
        f"{name}_decoded_bytes": sum(decoded),
        f"{name}_requests": len(sizes),
        f"{name}_third_party_requests": len(foreign),
    }


def repeat_visit_static_requests(browser: Browser, base: str, hits: StaticHits, path: str) -> int:
    """Static-file requests that reach the server when a page is opened a second time, in a new tab
    of the same browser (its cache filled by the first visit): 0 when every file came from the cache."""
    context = browser.new_context()
    context.new_page().goto(base + path, wait_until="networkidle")
    before = len(hits.paths)
    context.new_page().goto(base + path, wait_until="networkidle")
    repeat = len(hits.paths) - before
    context.close()
    return repeat


def run() -> dict[str, int]:
    """Load each page in a fresh browser context; then visit the checklist twice in one context."""
    figures: dict[str, int] = {}
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # keep the output to name: value lines
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/w.db"})
        hits = StaticHits(app.wsgi_app)
        app.wsgi_app = hits  # type: ignore[method-assign]
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for name, path in PAGES.items():
                    figures.update(page_weight(browser, base, name, path))
                figures["checklist_repeat_static_requests"] = repeat_visit_static_requests(
                    browser, base, hits, PAGES["checklist_page"]
                )
                browser.close()
        finally:
            server.shutdown()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
