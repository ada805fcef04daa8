"""Chromium launches the tool inside an LMS's iframe over HTTPS (gunicorn with a trustme certificate,
two workers, the schema made by the migrations), from a platform played on another site: the OIDC
login, the platform's form post, the launch, and the page behind it all happen in the frame, with
the cookies the frame needs (SameSite=None; Secure). The instructor sees the dashboard, the learner
the exercise; a site that is not registered cannot frame it."""

from __future__ import annotations

from urllib.parse import urlencode

import trustme
from playwright.sync_api import Browser
from playwright.sync_api import expect

from tests.support.lti_platform import INSTRUCTOR
from tests.support.lti_platform import LEARNER
from tests.support.lti_platform import Platform
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env
from webapp.lti.keys import write_key_pair


def test_the_tool_launches_inside_the_lms_iframe_over_https(browser: Browser, tmp_path, artifacts):
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    write_key_pair(str(tmp_path))  # what `flask lti-keys` writes
    platform = Platform(host="localhost")  # another site than the tool's 127.0.0.1
    try:
        config = platform.tool_config(tmp_path)
        env = server_env(
            f"sqlite:///{tmp_path / 'lti.db'}",
            TLS_CERTFILE=str(cert_file),
            TLS_KEYFILE=str(key_file),
            LTI_CONFIG=str(config),
        )
        migrate_database(env)
        with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
            login = (
                base
                + "/lti/login?"
                + urlencode(
                    {
                        "iss": platform.url,
                        "login_hint": "h",
                        "target_link_uri": base + "/lti/launch",
                        "client_id": "miop-tool",
                    }
                )
            )
            course = platform.url + "/course?" + urlencode({"tool": login})
            for role, sub, expected in (
                (INSTRUCTOR, "teacher-1", "Week 3 cases"),
                (LEARNER, "learner-1", "Week 3 cases"),
            ):
                platform.auth_as = (role, sub)
                context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.goto(course)
                frame = page.frame_locator("iframe[title=tool]")
                expect(frame.locator("h1").first).to_contain_text(expected, timeout=15000)
                if role == INSTRUCTOR:
                    expect(frame.get_by_role("button", name="Close the exercise")).to_be_visible()
                else:
                    expect(frame.get_by_text("Student ")).to_be_visible()
                page.screenshot(
                    path=str(artifacts / f"lti-iframe-{'instructor' if role == INSTRUCTOR else 'learner'}.png")
                )
                cookies = {c["name"]: c for c in context.cookies()}
                assert cookies["session"]["sameSite"] == "None" and cookies["session"]["secure"]
                context.close()
            # A site that is not a registered platform cannot frame the tool: the frame stays empty.
            stranger = Platform()  # 127.0.0.1 on another port: not in LTI_CONFIG
            try:
                platform.auth_as = (LEARNER, "learner-1")
                context = browser.new_context(ignore_https_errors=True)
                page = context.new_page()
                page.goto(stranger.url + "/course?" + urlencode({"tool": login}))
                page.wait_for_timeout(1500)
                frame_text = page.frame_locator("iframe[title=tool]").locator("body").inner_text()
                assert "Week 3 cases" not in frame_text and "Student " not in frame_text, frame_text
                context.close()
            finally:
                stranger.close()
    finally:
        platform.close()
