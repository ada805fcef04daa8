"""Bytes transferred for pages with all their assets, and requests to other hosts, in real Chromium."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from urllib.parse import urlparse

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from webapp import create_app

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
PAGES = {
    "checklist_page": "/",
    "result_page": "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia&absent=fractures&onset=neonatal",
    "about_page": "/about",
}


def run() -> dict[str, int]:
    """Load each page in a fresh browser context and add up what crossed the wire."""
    figures: dict[str, int] = {}
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # keep the output to name: value lines
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/w.db"})
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for name, path in PAGES.items():
                    context = browser.new_context()
                    page = context.new_page()
                    sizes: list[int] = []
                    decoded: list[int] = []
                    foreign: list[str] = []

                    def on_response(response, sizes=sizes, decoded=decoded) -> None:
                        # Transferred: the body as sent (Content-Length is the compressed size where
                        # the static files went gzip-compressed) plus the headers; decoded: as read.
                        headers = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
                        body = len(response.body())
                        sent = int(response.headers.get("content-length") or body)
                        sizes.append(sent + headers)
                        decoded.append(body + headers)

                    def on_request(request, foreign=foreign) -> None:
                        host = urlparse(request.url).hostname
                        if request.url.startswith("http") and host != "127.0.0.1":
                            foreign.append(request.url)

                    page.on("response", on_response)
                    page.on("request", on_request)
                    page.goto(base + path, wait_until="networkidle")
                    figures[f"{name}_bytes"] = sum(sizes)
                    figures[f"{name}_decoded_bytes"] = sum(decoded)
                    figures[f"{name}_requests"] = len(sizes)
                    figures[f"{name}_third_party_requests"] = len(foreign)
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
