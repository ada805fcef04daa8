"""In real Chromium, the checklist's style sheet and script arrive under fingerprinted names with a
year's immutable caching, and a repeat visit takes them from the cache: no static request reaches
the server (watched in the dev server's request log), and the page is styled and scripted all the same."""

from __future__ import annotations

import logging

import pytest
from playwright.sync_api import Browser

from tests.support.browser import watch_csp
from webapp.infra.static_fingerprint import FINGERPRINTED
from webapp.infra.static_fingerprint import IMMUTABLE

pytestmark = pytest.mark.browser


def test_a_repeat_visit_takes_every_static_file_from_the_browser_cache(browser: Browser, live_server, caplog):
    context = browser.new_context()
    violations = watch_csp(context)
    first = context.new_page()
    static = []
    first.on("response", lambda response: static.append(response) if "/static/" in response.url else None)
    first.goto(live_server + "/", wait_until="networkidle")
    assert {r.url.rsplit("/", 1)[1].split(".")[0] for r in static} == {"style", "app", "checklist"}
    for response in static:
        assert FINGERPRINTED.fullmatch(response.url.split("/static/", 1)[1]), response.url
        assert response.status == 200 and response.headers["cache-control"] == IMMUTABLE, response.url

    with caplog.at_level(logging.INFO, logger="werkzeug"):
        seen_before = len(caplog.records)
        again = context.new_page()
        again.goto(live_server + "/", wait_until="networkidle")
    logged = [record.getMessage() for record in caplog.records[seen_before:]]
    assert any('"GET / HTTP' in line for line in logged), logged  # the request log was captured
    assert [line for line in logged if "/static/" in line] == []
    # Styled by the cached sheet (the body's font is not the browser's default serif).
    assert "serif" != again.evaluate("getComputedStyle(document.body).fontFamily")
    assert again.evaluate("document.styleSheets[0].cssRules.length") > 0
    assert violations == []
    context.close()
