"""The educator's browser: signed in for weeks by a cookie that holds no key, the recovery link shown
once before the dashboard (copy or download), and signing out. CSRF on, on each database backend."""

from __future__ import annotations

import re
import time
from http.cookies import SimpleCookie

from itsdangerous import TimestampSigner
from itsdangerous import URLSafeTimedSerializer

from tests.support.apps import csrf_token
from tests.test_webapp.classroom.test_classroom_pages import CASES
from tests.test_webapp.classroom.test_classroom_pages import author_data
from tests.test_webapp.classroom.test_classroom_pages import create
from webapp.classroom.identity import EDUCATOR_COOKIE

EDUCATOR_PAGES = ("/classroom/{code}", "/classroom/{code}/projector", "/classroom/{code}/submissions.csv")


def sign_up(client, base_url: str = "http://localhost"):
    """Create an exercise through the form; return its code and the response's educator cookie header."""
    resp = client.post(
        "/classroom/new",
        base_url=base_url,
        data={
            "csrf_token": csrf_token(client, "/classroom/new"),
            "title": "Week 5",
            "cases": [CASES[0].id],
            "simulated": "0",
            "feedback": "immediate",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    code = resp.location.split("/")[2]
    (header,) = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith(EDUCATOR_COOKIE + "=")]
    return code, header


def recovery_link(client, code: str) -> str:
    page = client.get(f"/classroom/{code}/created").get_data(as_text=True)
    return re.search(r'<code id="claim-link">([^<]+)</code>', page).group(1)


def reopened(app, client):
    """The same browser closed and opened again: its persistent cookies only (the session is gone)."""
    browser = app.test_client()
    cookie = client.get_cookie(EDUCATOR_COOKIE, path="/classroom")
    browser.set_cookie(EDUCATOR_COOKIE, cookie.value, path="/classroom", expires=cookie.expires)
    return browser


def test_creating_signs_the_browser_in_for_weeks_with_a_cookie_that_holds_no_key(db_app, db_client):
    code, header = sign_up(db_client)
    morsel = SimpleCookie(header)[EDUCATOR_COOKIE]
    assert morsel["max-age"] == str(90 * 86400) and morsel["expires"]  # persistent: survives the browser
    assert morsel["httponly"] and morsel["samesite"] == "Lax" and morsel["path"] == "/classroom"
    assert not morsel["secure"]  # plain HTTP on a LAN: a Secure cookie would never come back
    key = recovery_link(db_client, code).split("#", 1)[1]
    assert key not in morsel.value
    with db_app.app_context():
        kept = URLSafeTimedSerializer(db_app.config["SECRET_KEY"], salt=EDUCATOR_COOKIE).loads(morsel.value)
    assert key not in kept  # the signed value is the key's hash

    browser = reopened(db_app, db_client)
    for path in EDUCATOR_PAGES:
        assert browser.get(path.format(code=code)).status_code == 200, path
    mine = browser.get("/classroom/new").get_data(as_text=True)
    assert "Your exercises" in mine and "Week 5" in mine
    assert db_app.test_client().get(f"/classroom/{code}").status_code == 401  # a browser never signed in


def test_over_https_the_educator_cookie_is_secure(db_client):
    _, header = sign_up(db_client, base_url="https://localhost")
    assert SimpleCookie(header)[EDUCATOR_COOKIE]["secure"]


def test_an_altered_foreign_or_expired_cookie_signs_nobody_in(db_app, db_client):
    code, header = sign_up(db_client)
    value = SimpleCookie(header)[EDUCATOR_COOKIE].value
    with db_app.app_context():
        digest = URLSafeTimedSerializer(db_app.config["SECRET_KEY"], salt=EDUCATOR_COOKIE).loads(value)

    class Old(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 91 * 86400

    expired = URLSafeTimedSerializer(db_app.config["SECRET_KEY"], salt=EDUCATOR_COOKIE, signer=Old).dumps(digest)
    forged = URLSafeTimedSerializer("another-secret", salt=EDUCATOR_COOKIE).dumps(digest)
    for cookie in (value[:-2] + ("AA" if not value.endswith("AA") else "BB"), forged, expired):
        browser = db_app.test_client()
        browser.set_cookie(EDUCATOR_COOKIE, cookie, path="/classroom")
        assert browser.get(f"/classroom/{code}").status_code == 401, cookie
    fresh = URLSafeTimedSerializer(db_app.config["SECRET_KEY"], salt=EDUCATOR_COOKIE).dumps(digest)
    browser = db_app.test_client()
    browser.set_cookie(EDUCATOR_COOKIE, fresh, path="/classroom")
    assert browser.get(f"/classroom/{code}").status_code == 200  # the same value, rightly signed


def test_the_recovery_link_is_shown_before_the_dashboard_and_then_never_again(db_app, db_client):
    code, _ = sign_up(db_client)
    page = db_client.get(f"/classroom/{code}/created").get_data(as_text=True)
    assert "Show the recovery link" in page and "Is this screen projected?" in page
    assert page.index("Show the recovery link") < page.index("I kept the link: open the dashboard")
    link = recovery_link(db_client, code)
    assert link.startswith(f"http://localhost/classroom/{code}/claim#")

    download = db_client.get(f"/classroom/{code}/recovery.txt")
    assert download.status_code == 200 and download.mimetype == "text/plain"
    assert download.headers["Content-Disposition"] == f"attachment; filename=miop-recovery-{code}.txt"
    assert download.headers["Cache-Control"] == "no-store"
    assert link in download.get_data(as_text=True)
    other = db_app.test_client()
    sign_up(other)
    assert other.get(f"/classroom/{code}/recovery.txt").status_code == 403  # another educator's

    assert db_client.get(f"/classroom/{code}").status_code == 200  # the dashboard opens
    again = db_client.get(f"/classroom/{code}/created").get_data(as_text=True)
    assert link not in again and "recovery link" not in again and "Open the dashboard" in again
    gone = db_client.get(f"/classroom/{code}/recovery.txt")
    assert gone.status_code == 410 and link not in gone.get_data(as_text=True)
    session = db_client.get_cookie("session")
    with db_app.app_context():
        held = db_app.session_interface.get_signing_serializer(db_app).loads(session.value)
    assert link.split("#")[1] not in str(held)  # the key is kept nowhere in this browser any more


def test_an_educator_who_already_has_a_key_sees_no_recovery_link(db_app, db_client):
    code, _ = sign_up(db_client)
    db_client.get(f"/classroom/{code}")
    second = create(db_client, title="Week 6")
    page = db_client.get(f"/classroom/{second}/created").get_data(as_text=True)
    assert "recovery link" not in page and db_client.get(f"/classroom/{second}/recovery.txt").status_code == 410


def test_signing_out_forgets_the_educator_and_the_recovery_link_signs_in_again(db_app, db_client):
    code, _ = sign_up(db_client)
    link = recovery_link(db_client, code)
    refused = db_client.post("/classroom/sign-out", data={})
    assert refused.status_code == 400 and db_client.get(f"/classroom/{code}").status_code == 200  # CSRF
    resp = db_client.post("/classroom/sign-out", data={"csrf_token": csrf_token(db_client, "/classroom/new")})
    assert resp.status_code == 302 and resp.location == "/classroom/new?signed_out=1"
    gone = SimpleCookie(next(h for h in resp.headers.getlist("Set-Cookie") if h.startswith(EDUCATOR_COOKIE)))
    assert gone[EDUCATOR_COOKIE].value == "" and gone[EDUCATOR_COOKIE]["max-age"] == "0"
    for path in EDUCATOR_PAGES:
        assert db_client.get(path.format(code=code)).status_code == 401, path
    page = db_client.get(resp.location).get_data(as_text=True)
    assert "You are signed out on this browser" in page and "Your exercises" not in page

    claim = f"/classroom/{code}/claim"
    db_client.post(claim, data={"csrf_token": csrf_token(db_client, claim), "key": link.split("#", 1)[1]})
    assert db_client.get(f"/classroom/{code}").status_code == 200
    assert reopened(db_app, db_client).get(f"/classroom/{code}").status_code == 200  # kept again for weeks


def test_an_educator_who_writes_a_case_first_keeps_the_key_from_the_exercises_page(db_app, db_client):
    resp = db_client.post("/classroom/cases/new", data=author_data(db_client))
    assert resp.status_code == 302
    page = db_client.get("/classroom/new").get_data(as_text=True)
    key = re.search(r'<code id="claim-key">([^<]+)</code>', page).group(1)
    code = create(db_client, case_ids=[CASES[0].id])
    assert recovery_link(db_client, code).endswith("#" + key)  # the first exercise's page links it
