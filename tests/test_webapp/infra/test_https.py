"""HTTPS as deployments serve it: behind a TLS proxy that gunicorn trusts (X-Forwarded-Proto: https
from 127.0.0.1), every kind of form is accepted with its token and refused without it, the session
cookie is Secure and HSTS is sent. Browsers send no Referer here (Referrer-Policy: no-referrer), as
these requests do not: Flask-WTF's strict referrer check refused every one of them before.
(gunicorn's own TLS, in real Chromium: tests/browser/test_https_browser.py.)"""

from __future__ import annotations

import http.client
import re
import urllib.parse

from rules.practice.library import get_case
from tests.support.apps import CSRF_INPUT
from tests.support.apps import csrf_token
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env

CASE = "miop-newborn-tetany"
PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


class ProxiedBrowser:
    """A client behind the TLS proxy: sends what the proxy adds, keeps the session cookie, no Referer."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie, self.cookies_seen = port, "", []

    def send(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {**PROXIED, **({"Cookie": self.cookie} if self.cookie else {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        for value in response.headers.get_all("Set-Cookie") or []:
            self.cookies_seen.append(value)
            self.cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, dict(response.headers), text

    def token(self, path: str) -> str:
        status, _, page = self.send("GET", path)
        assert status == 200, (path, status)
        return CSRF_INPUT.search(page).group(1)


def test_behind_a_trusted_tls_proxy_forms_work_with_their_token_and_cookies_are_secure(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'tls.db'}")
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        browser = ProxiedBrowser(int(base.rsplit(":", 1)[1]))
        status, headers, _ = browser.send("GET", "/")
        assert status == 200 and headers["Strict-Transport-Security"] == "max-age=31536000"
        form = {"hypocalcemia": "present", "onset": "neonatal", "family_history": "unknown"}
        status, _, page = browser.send("POST", "/", {"csrf_token": browser.token("/"), **form})
        assert status == 200, page[:300]
        assert "leans moderately toward autosomal recessive" in page  # one finding: at most moderate
        status, _, page = browser.send("POST", "/", form)
        assert status == 400 and "arrived without its security token" in page
        # A classroom form, then a student's join and answer, all over the proxy's HTTPS.
        status, headers, page = browser.send(
            "POST",
            "/classroom/new",
            {
                "csrf_token": browser.token("/classroom/new"),
                "title": "Over TLS",
                "cases": [CASE],
                "simulated": "0",
                "feedback": "immediate",
                "pace": "self",
            },
        )  # the form's defaults pace the class and wait for the reveal; here the answer shows at once
        assert status == 302, page[:300]
        code = re.fullmatch(r"/classroom/([A-Z0-9]+)/created", headers["Location"]).group(1)
        student = ProxiedBrowser(browser.port)
        status, _, page = student.send(
            "POST", "/join", {"csrf_token": student.token("/join"), "code": code, "nickname": "tls"}
        )
        assert status == 302, page[:300]
        key = get_case(CASE).key
        path = f"/join/{code}/1"
        status, _, page = student.send(
            "POST",
            path,
            {"csrf_token": student.token(path), "lean": key.lean, "findings": list(key.present), "confidence": "80"},
        )
        assert status == 303, page[:300]  # post/redirect/get: the answer's page shows the feedback
        status, _, page = student.send("GET", path)
        assert status == 200 and "Feedback" in page, page[:300]
        status, _, page = student.send("POST", "/join", {"code": code, "nickname": "no-token"})
        assert status == 400 and "security token" in page
        for cookie in browser.cookies_seen + student.cookies_seen:
            assert "; Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


def test_a_proxy_that_is_not_trusted_cannot_claim_https(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'untrusted.db'}", FORWARDED_ALLOW_IPS="192.0.2.1")
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        status, headers, _ = ProxiedBrowser(int(base.rsplit(":", 1)[1])).send("GET", "/")
        assert status == 200 and "Strict-Transport-Security" not in headers
        assert "Secure" not in headers["Set-Cookie"]


def test_csrf_failures_say_what_went_wrong(app, client):
    form = {"hypocalcemia": "present", "onset": "neonatal", "family_history": "unknown"}
    assert "arrived without its security token" in client.post("/", data=form).get_data(as_text=True)
    stranger = app.test_client()  # a token, but this browser has no session cookie
    page = stranger.post("/", data={"csrf_token": csrf_token(app.test_client()), **form}).get_data(as_text=True)
    assert "did not send this site" in page and "Allow cookies" in page
    csrf_token(client)
    page = client.post("/", data={"csrf_token": "not-a-token", **form}).get_data(as_text=True)
    assert "does not match this browser" in page
    # Secure cookies forced on while the page came over plain HTTP: the cookie never comes back.
    app.config["SESSION_COOKIE_SECURE"] = True
    plain = app.test_client()
    token = csrf_token(plain)
    plain.delete_cookie("session")  # what the browser does with a Secure cookie over http
    page = plain.post("/", data={"csrf_token": token, **form}).get_data(as_text=True)
    assert "marks it Secure (HTTPS only" in page and "https://" in page
