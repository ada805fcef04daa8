"""Security headers on every kind of response (pages, forms, results, downloads, static files, the
API, errors), and session cookies as production sets them: Secure, HttpOnly, SameSite."""

from __future__ import annotations

import pytest

from rules.practice.cases import load_cases
from rules.practice.library import public_id
from tests.support.apps import app_with_schema
from tests.support.apps import csrf_token
from tests.support.apps import drop_everything

CASE = next(iter(load_cases().values()))
# Practised while CASE is in a running exam-like exercise, which holds back CASE's key (decision 0027).
OTHER_CASE = list(load_cases().values())[1]


def assert_security_headers(response, where: str) -> None:
    headers = response.headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'", where
    assert policy["style-src"] == "'self'" and "unsafe" not in headers["Content-Security-Policy"], where
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", where
    assert policy["base-uri"] == "'none'" and policy["form-action"] == "'self'", where
    assert headers["X-Frame-Options"] == "DENY", where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] == "no-referrer", where
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin", where
    policy = dict(part.strip().split("=", 1) for part in headers["Permissions-Policy"].split(","))
    assert {policy[f] for f in ("camera", "microphone", "geolocation", "payment", "usb")} == {"()"}, where
    if not where.startswith("/static/"):  # pages, results, exports, CSVs: nothing personal is cached
        assert headers["Cache-Control"] == "no-store", where


def test_every_kind_of_response_carries_the_security_headers(app, client):
    token = csrf_token(client, "/classroom/new")
    created = client.post("/classroom/new", data={"csrf_token": token, "title": "Headers", "cases": [CASE.id]})
    code = created.headers["Location"].split("/")[2]
    student = app.test_client()
    student.post("/join", data={"csrf_token": csrf_token(student, "/join"), "code": code, "nickname": "hd"})
    get = {
        "/": 200,
        "/assessment?present=hypocalcemia&onset=neonatal": 200,
        "/about": 200,
        "/practice": 200,
        f"/practice/{public_id(CASE.id)}": 200,
        "/practice/missed.csv": 200,
        "/classroom/new": 200,
        "/classroom/cases/new": 200,
        "/join": 200,
        created.headers["Location"]: 200,
        f"/classroom/{code}": 200,
        f"/classroom/{code}/projector": 200,
        f"/classroom/{code}/live.json": 200,
        f"/classroom/{code}/submissions.csv": 200,
        f"/classroom/{code}/claim": 200,
        "/assessment/phenopacket.json?present=anemia": 200,
        "/assessment/hpo.csv?present=anemia": 200,
        "/static/style.css": 200,
        "/static/app.js": 200,
        "/api/v1/findings": 200,
        "/api/v1/cases": 200,
        "/api/v1/openapi.json": 200,
        "/no-such-page": 404,
        "/assessment?present=bogus": 400,
        f"/api/v1/exercises/{code}/results": 401,
        "/api/v1/nothing": 404,
    }
    for path, status in get.items():
        with client.get(path) as response:  # a static file stays open until the response is closed
            assert response.status_code == status, path
            assert_security_headers(response, path)
    # A class the educator paces (the form's default): its one page, and a case's address leading to it.
    for path, status in ((f"/join/{code}", 200), (f"/join/{code}/1", 302), (f"/api/v1/exercises/{code}/state", 200)):
        response = student.get(path)
        assert response.status_code == status, path
        assert_security_headers(response, path)
    posts = [
        client.post("/api/v1/assess", json={"findings": ["anemia"]}),
        client.post("/api/v1/assess", data="{", content_type="application/json"),  # 400
        client.post("/api/v1/assess", data="x", content_type="text/plain"),  # 415
        client.post("/api/v1/assess", data="x" * (65 * 1024), content_type="application/json"),  # 413
        client.post("/api/v1/phenopacket", json={"findings": ["anemia"]}),
        client.post("/api/v1/exercises", json={"title": "API", "case_ids": [CASE.id]}),  # 201
        client.post("/import", data={"import_text": "HP:0001873"}),  # no CSRF token: 400
        client.put("/"),  # 405
    ]
    assert [p.status_code for p in posts] == [200, 400, 415, 413, 200, 201, 400, 405]
    for response in posts:
        assert_security_headers(response, response.request.path)


@pytest.fixture
def production_app(tmp_path):
    """The app configured as `make serve` runs it: not TESTING or DEBUG, a real SECRET_KEY."""
    app = app_with_schema(
        {
            "SECRET_KEY": "a-real-secret-" * 4,
            "PROXY_HOPS": 1,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
        }
    )
    assert not app.testing and not app.debug
    yield app
    drop_everything(app)


def test_production_session_cookies_are_secure_httponly_and_samesite_in_every_flow(production_app):
    client = production_app.test_client()
    # HTTPS as a trusted TLS proxy reports it (the cookies are Secure over HTTPS only).
    client.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    cookies = []

    def keep(response):
        cookies.extend(response.headers.getlist("Set-Cookie"))
        return response

    keep(client.get("/classroom/new"))
    token = csrf_token(client, "/classroom/new")
    created = keep(client.post("/classroom/new", data={"csrf_token": token, "title": "Prod", "cases": [CASE.id]}))
    assert created.status_code == 302
    assert created.headers["Strict-Transport-Security"] == "max-age=31536000"  # HTTPS: HSTS too
    code = created.headers["Location"].split("/")[2]
    keep(client.get(created.headers["Location"]))  # the educator key shown once leaves the session
    student = production_app.test_client()
    student.environ_base["HTTP_X_FORWARDED_PROTO"] = "https"
    joined = keep(
        student.post("/join", data={"csrf_token": csrf_token(student, "/join"), "code": code, "nickname": "prod"})
    )
    assert joined.status_code == 302
    attempt = keep(
        student.post(
            f"/practice/{public_id(OTHER_CASE.id)}",
            data={
                "csrf_token": csrf_token(student, f"/practice/{public_id(OTHER_CASE.id)}"),
                "lean": "recessive",
                "confidence": "80",
            },
        )
    )
    assert attempt.status_code == 303  # post/redirect/get: the attempt is in the cookie
    assert len(cookies) >= 4
    for cookie in cookies:
        attributes = {a.strip().split("=")[0].lower() for a in cookie.split(";")[1:]}
        assert {"secure", "httponly", "samesite", "path"} <= attributes, cookie
        assert "SameSite=Lax" in cookie, cookie
