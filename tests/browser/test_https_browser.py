"""Real Chromium over TLS served by gunicorn itself (TLS_CERTFILE/TLS_KEYFILE), with a certificate
made in the test: the checklist form and a classroom form are accepted. Chromium sends no Referer
(Referrer-Policy: no-referrer), which Flask-WTF's strict HTTPS referrer check used to refuse."""

from __future__ import annotations

import re

import trustme
from playwright.sync_api import Browser
from playwright.sync_api import expect

from rules.practice.cases import load_cases
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env


def test_chromium_submits_the_checklist_and_a_classroom_form_over_https(browser: Browser, tmp_path, artifacts):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    env = server_env(f"sqlite:///{tmp_path / 'tls.db'}", TLS_CERTFILE=str(cert_file), TLS_KEYFILE=str(key_file))
    migrate_database(env)
    log = tmp_path / "gunicorn.log"
    with gunicorn_server(env, log) as (base, _):
        assert base.startswith("https://")
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 800})
        sent_referers: list[str] = []
        context.on("request", lambda r: sent_referers.append(r.headers.get("referer", "")))
        page = context.new_page()
        response = page.goto(base + "/")
        assert response.headers["strict-transport-security"] == "max-age=31536000"
        page.locator('input[name="hypocalcemia"][value="present"]').check()
        page.locator('select[name="onset"]').select_option("neonatal")
        page.get_by_role("button", name="Show the result").click()
        expect(page.locator(".summary")).to_contain_text("moderately toward autosomal recessive")  # at most moderate
        page.screenshot(path=str(artifacts / "https-checklist-result.png"), full_page=False)
        cookie = next(c for c in context.cookies() if c["name"] == "session")
        assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"

        case = next(iter(load_cases().values()))
        page.goto(base + "/classroom/new")
        page.get_by_label("Title of the exercise").fill("Over TLS")
        page.get_by_label(re.compile("^" + re.escape(case.title))).check()
        page.get_by_role("button", name="Create the exercise").click()
        expect(page).to_have_url(re.compile(r"/classroom/[A-Z0-9]+/created$"))
        page.screenshot(path=str(artifacts / "https-classroom-created.png"), full_page=False)
        assert not any(sent_referers), "Chromium sent a Referer: the policy is not no-referrer any more"
        context.close()
    assert "referrer" not in log.read_text().lower()
