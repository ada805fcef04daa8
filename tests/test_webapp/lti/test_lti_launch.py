"""The classroom as an LTI 1.3 tool, driven by a platform played in the test (tests/support/lti_platform.py):
keys, OIDC login, launch as instructor and learner, every bad token refused with a 4xx and no session."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from tests.support.lti_platform import CLAIM
from tests.support.lti_platform import INSTRUCTOR
from tests.support.lti_platform import LEARNER
from tests.support.lti_platform import Platform
from webapp.extensions import db
from webapp.models import Exercise
from webapp.models import LtiLearner
from webapp.models import Student

EDUCATOR_COOKIE = "miop_educator"


def _cookie_names(client) -> set[str]:
    return {c.key for c in client._cookies.values()}


def test_without_lti_config_every_lti_url_is_a_404(client) -> None:
    for path in ("/lti/jwks.json", "/lti/login"):
        assert client.get(path).status_code == 404
    assert client.post("/lti/launch", data={"id_token": "x"}).status_code == 404


def test_jwks_serves_the_tools_public_key_with_its_kid(lti_app: Flask, tmp_path: Path) -> None:
    keys = lti_app.test_client().get("/lti/jwks.json").get_json()["keys"]
    assert len(keys) == 1
    assert keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256" and keys[0]["kid"]
    assert "d" not in keys[0]  # never the private half
    assert (tmp_path / "private.key").stat().st_mode & 0o777 == 0o600


def test_lti_keys_command_refuses_to_overwrite_without_force(lti_app: Flask, tmp_path: Path) -> None:
    runner = lti_app.test_cli_runner()
    before = (tmp_path / "private.key").read_bytes()
    refused = runner.invoke(args=["lti-keys", "--dir", str(tmp_path)])
    assert refused.exit_code == 1 and (tmp_path / "private.key").read_bytes() == before
    replaced = runner.invoke(args=["lti-keys", "--dir", str(tmp_path), "--force"])
    assert replaced.exit_code == 0 and (tmp_path / "private.key").read_bytes() != before


def test_login_redirects_to_the_platform_with_state_and_nonce(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    params = platform.login(client)
    assert params["response_type"] == "id_token" and params["scope"] == "openid"
    assert params["redirect_uri"] == "http://localhost/lti/launch"
    assert params["state"] and params["nonce"] and params["lti_message_hint"] == "msg-1"
    # POST works too (platforms may initiate either way)
    response = client.post(
        "/lti/login", data={"iss": platform.url, "login_hint": "h", "target_link_uri": "http://localhost/lti/launch"}
    )
    assert response.status_code == 302


def test_login_from_an_unregistered_issuer_is_a_400(lti_app: Flask) -> None:
    response = lti_app.test_client().get("/lti/login", query_string={"iss": "https://evil.example", "login_hint": "x"})
    assert response.status_code == 400
    assert "not registered" in response.get_data(as_text=True)


def test_instructor_lands_on_the_activity_dashboard_as_its_educator(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response = platform.launch(client, role=INSTRUCTOR, sub="teacher-1")
    assert response.status_code == 303
    dashboard = response.headers["Location"]
    assert dashboard.startswith("/classroom/")
    page = client.get(dashboard)
    assert page.status_code == 200
    with lti_app.app_context():
        exercise = db.session.query(Exercise).one()
        assert exercise.title == "Week 3 cases" and len(exercise.cases) == 3  # the default set
        assert exercise.educator.key_hash.startswith("lti:")
    # Another instructor of the course, in another browser, any day: the same dashboard, no key.
    other = lti_app.test_client()
    again = platform.launch(other, role=INSTRUCTOR, sub="teacher-2")
    assert again.headers["Location"] == dashboard
    assert other.get(dashboard).status_code == 200
    # A browser that did not launch is not the educator.
    assert lti_app.test_client().get(dashboard).status_code in (401, 403)


def test_learner_joins_with_a_generated_nickname_and_comes_back_as_the_same_student(
    lti_app: Flask, platform: Platform
) -> None:
    platform.launch(lti_app.test_client(), role=INSTRUCTOR, sub="teacher-1")
    student = lti_app.test_client()
    response = platform.launch(student, role=LEARNER, sub="learner-9", name="Ada Lovelace")
    assert response.status_code == 303 and response.headers["Location"].startswith("/join/")
    page = student.get(response.headers["Location"])
    assert page.status_code == 200
    with lti_app.app_context():
        row = db.session.query(Student).one()
        assert row.nickname.startswith("Student ") and "Ada" not in row.nickname  # pseudonymous by default
        assert db.session.query(LtiLearner).one().subject == "learner-9"
    elsewhere = lti_app.test_client()
    platform.launch(elsewhere, role=LEARNER, sub="learner-9")
    with lti_app.app_context():
        assert db.session.query(Student).count() == 1


def test_a_learner_before_the_instructor_set_the_activity_up_is_told_so(lti_app: Flask, platform: Platform) -> None:
    response = platform.launch(lti_app.test_client(), role=LEARNER)
    assert response.status_code == 409
    assert "not opened this activity yet" in response.get_data(as_text=True)


def _assert_refused(client, response, status: int = None) -> None:  # type: ignore[assignment]
    assert 400 <= response.status_code < 500, response.status_code
    if status is not None:
        assert response.status_code == status
    assert EDUCATOR_COOKIE not in _cookie_names(client)
    with client.session_transaction() as sess:
        assert "classroom_students" not in sess and "lti" not in sess


def _launch_with(client, platform: Platform, claims_change=None, key=None, kid=None, state=None):
    params = platform.login(client)
    claims = platform.claims(params["nonce"], role=INSTRUCTOR)
    if claims_change:
        claims = claims_change(claims)
    token = platform.sign(claims, key=key, kid=kid)
    return client.post("/lti/launch", data={"id_token": token, "state": state or params["state"]}), token


def test_a_forged_token_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response, _ = _launch_with(client, platform, key=forger)
    _assert_refused(client, response, 403)


def test_an_expired_token_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response, _ = _launch_with(
        client, platform, lambda c: {**c, "exp": int(time.time()) - 60, "iat": int(time.time()) - 400}
    )
    _assert_refused(client, response)


def test_a_replayed_token_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    params = platform.login(client)
    token = platform.sign(platform.claims(params["nonce"], role=INSTRUCTOR))
    first = client.post("/lti/launch", data={"id_token": token, "state": params["state"]})
    assert first.status_code == 303
    thief = lti_app.test_client()
    with thief.session_transaction():
        pass
    thief.set_cookie(f"lti1p3-{params['state']}", params["state"])
    replay = thief.post("/lti/launch", data={"id_token": token, "state": params["state"]})
    _assert_refused(thief, replay, 403)
    again = client.post("/lti/launch", data={"id_token": token, "state": params["state"]})
    assert again.status_code == 403


def test_a_token_for_another_tool_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response, _ = _launch_with(client, platform, lambda c: {**c, "aud": "someone-else"})
    _assert_refused(client, response)


def test_a_token_from_an_unregistered_issuer_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response, _ = _launch_with(client, platform, lambda c: {**c, "iss": "https://unknown.example"})
    _assert_refused(client, response, 403)
    assert "not registered" in response.get_data(as_text=True)


def test_an_unknown_deployment_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response, _ = _launch_with(client, platform, lambda c: {**c, CLAIM + "deployment_id": "other"})
    _assert_refused(client, response, 400)
    assert "deployment" in response.get_data(as_text=True)


@pytest.mark.parametrize("claim", [CLAIM + "resource_link", CLAIM + "roles", CLAIM + "message_type", "sub"])
def test_a_missing_claim_is_refused(lti_app: Flask, platform: Platform, claim: str) -> None:
    client = lti_app.test_client()
    response, _ = _launch_with(client, platform, lambda c: {k: v for k, v in c.items() if k != claim})
    if claim == "sub":  # an instructor without sub still names the course; a learner without one cannot
        params = platform.login(client)
        body = {k: v for k, v in platform.claims(params["nonce"], role=LEARNER).items() if k != "sub"}
        platform.launch(lti_app.test_client(), role=INSTRUCTOR)
        response = client.post("/lti/launch", data={"id_token": platform.sign(body), "state": params["state"]})
        client.delete_cookie("miop_educator", path="/classroom")
    _assert_refused(client, response)


def test_a_launch_without_state_cookie_or_token_is_refused(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    params = platform.login(client)
    token = platform.sign(platform.claims(params["nonce"], role=INSTRUCTOR))
    stranger = lti_app.test_client()
    _assert_refused(stranger, stranger.post("/lti/launch", data={"id_token": token, "state": params["state"]}), 403)
    _assert_refused(stranger, stranger.post("/lti/launch", data={"id_token": "not.a.jwt", "state": "x"}))
    _assert_refused(stranger, stranger.post("/lti/launch", data={}), 400)


def test_refusals_answer_json_to_a_client_that_asks_for_it(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response = client.post("/lti/launch", data={"id_token": "garbage"}, headers={"Accept": "application/json"})
    assert 400 <= response.status_code < 500
    assert response.get_json()["error"]["code"].startswith("lti_")


def test_a_refusal_is_logged_without_the_token(lti_app: Flask, platform: Platform, caplog) -> None:
    client = lti_app.test_client()
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response, token = _launch_with(client, platform, key=forger)
    assert response.status_code == 403
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused" in logged and token not in logged and token.split(".")[1] not in logged


def test_frames_are_allowed_to_the_registered_platform_only_where_launched(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    response = platform.launch(client, role=INSTRUCTOR)
    dashboard = client.get(response.headers["Location"])
    csp = dashboard.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {platform.url}" in csp and "X-Frame-Options" not in dashboard.headers
    other = lti_app.test_client().get("/classroom/new")
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]
    assert other.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in client.get("/").headers["Content-Security-Policy"]


def test_launched_cookies_are_samesite_none_and_secure_over_https_only(lti_app: Flask, platform: Platform) -> None:
    http = lti_app.test_client()
    response = platform.launch(http, role=INSTRUCTOR)
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("miop_educator=") and "SameSite=Lax" in c for c in cookies)
    assert not any("SameSite=None" in c for c in cookies)
    https = lti_app.test_client()
    login = https.get(
        "/lti/login",
        base_url="https://localhost",
        query_string={"iss": platform.url, "login_hint": "h", "target_link_uri": "https://localhost/lti/launch"},
    )
    state_cookie = [c for c in login.headers.getlist("Set-Cookie") if c.startswith("lti1p3-state-")]
    assert state_cookie and "SameSite=None" in state_cookie[0] and "Secure" in state_cookie[0]
    q = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
    token = platform.sign(platform.claims(q["nonce"], role=INSTRUCTOR))
    secure = https.post("/lti/launch", data={"id_token": token, "state": q["state"]}, base_url="https://localhost")
    assert secure.status_code == 303, secure.get_data(as_text=True)
    cookies = secure.headers.getlist("Set-Cookie")
    educator = next(c for c in cookies if c.startswith("miop_educator="))
    session_cookie = next(c for c in cookies if c.startswith("session="))
    for cookie in (educator, session_cookie):
        assert "SameSite=None" in cookie and "Secure" in cookie, cookie
    # A browser that never came from an LMS keeps Lax, over HTTPS too.
    plain = lti_app.test_client().get("/join", base_url="https://localhost")
    assert all("SameSite=Lax" in c for c in plain.headers.getlist("Set-Cookie"))


def test_in_a_frame_the_login_checks_cookies_and_offers_a_new_window(lti_app: Flask, platform: Platform) -> None:
    framed = lti_app.test_client()
    query = {"iss": platform.url, "login_hint": "hint-1", "target_link_uri": "http://localhost/lti/launch"}
    page = framed.get("/lti/login", query_string=query, headers={"Sec-Fetch-Dest": "iframe"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    login = re.search(r'data-login="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "lti1p3_new_window=1" in login and "login_hint=hint-1" in login
    assert f'href="{re.escape(login).replace("&", "&amp;")}" target="_blank"'.replace("\\", "") in html
    # The new window (a first-party page) carries the same login on to the platform.
    window = lti_app.test_client()
    response = window.get(login, headers={"Sec-Fetch-Dest": "document"})
    assert response.status_code == 302 and response.headers["Location"].startswith(platform.url + "/auth")
    # The frame itself goes on too, once its script found that cookies are kept.
    assert framed.get(login, headers={"Sec-Fetch-Dest": "iframe"}).status_code == 302


ODD_CLAIMS = [
    {CLAIM + "roles": "Instructor"},
    {CLAIM + "roles": [1, None]},
    {CLAIM + "context": "course-7"},
    {CLAIM + "resource_link": "link-1"},
    {CLAIM + "resource_link": {"id": 7}},
    {CLAIM + "custom": ["exercise"]},
    {CLAIM + "custom": {"exercise": 12}},
    {CLAIM + "deployment_id": ["deployment-1"]},
    {"sub": 42},
    {"sub": "x" * 300},
    {"aud": ["miop-tool", "other"]},
    {"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": "nowhere"},
]


@pytest.mark.parametrize("change", ODD_CLAIMS, ids=lambda c: repr(c)[:60])
@pytest.mark.parametrize("role", [INSTRUCTOR, LEARNER])
def test_an_odd_claim_is_a_clear_answer_never_a_500(lti_app: Flask, platform: Platform, change, role) -> None:
    platform.launch(lti_app.test_client(), role=INSTRUCTOR, sub="teacher-0")  # the activity exists
    client = lti_app.test_client()
    params = platform.login(client)
    claims = {**platform.claims(params["nonce"], role=role), **change}
    response = client.post("/lti/launch", data={"id_token": platform.sign(claims), "state": params["state"]})
    assert response.status_code == 303 or 400 <= response.status_code < 500, response.status_code


@pytest.mark.parametrize(
    "role, lands",
    [
        ("http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator", "/classroom/"),
        ("Instructor", "/classroom/"),
        ("http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant", "/join/"),
        ("http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor", "/join/"),
    ],
)
def test_who_lands_as_the_educator(lti_app: Flask, platform: Platform, role: str, lands: str) -> None:
    platform.launch(lti_app.test_client(), role=INSTRUCTOR, sub="teacher-0")
    response = platform.launch(lti_app.test_client(), role=role, sub="someone")
    assert response.status_code == 303 and response.headers["Location"].startswith(lands)
