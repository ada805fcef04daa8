"""Shared fixtures: the app built through the factory with CSRF on (as in production), a test
client with a helper that scrapes the CSRF token like a browser, a live server for browser tests,
and pytest-playwright pointed at Debian's Chromium."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from webapp import create_app

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright adds --headless, --no-sandbox and a fresh profile itself; the rest keeps Chromium
# from calling out to the network, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--no-default-browser-check",
]
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def base_config(tmp_path: Path) -> dict[str, object]:
    """Test configuration: CSRF stays on, the database is a throwaway."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.db'}",
    }


@pytest.fixture
def app(tmp_path: Path):
    """A fresh app per test."""
    return create_app(base_config(tmp_path))


@pytest.fixture
def client(app):
    """The Flask test client."""
    return app.test_client()


def csrf_token(client, path: str = "/") -> str:
    """GET a page and return the CSRF token its form carries, as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Serve the app with werkzeug on 127.0.0.1:<free port> in a daemon thread."""
    app = create_app(base_config(tmp_path_factory.mktemp("live")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium; in CI a missing browser fails instead of skipping."""
    if not os.path.exists(CHROMIUM):
        msg = f"no system chromium at {CHROMIUM} (apt-get install -y --no-install-recommends chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and PDFs the browser tests write for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
