"""CSRF on every form: each POST route outside the JSON API, found in the app's URL map (so a form
added later is covered without being listed here), refuses a post without its token, or with a
token from another session, with a 400 page that says why, and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.routing import Rule

from tests.support.apps import csrf_token
from webapp import create_app
from webapp.extensions import db

# The URL map is the same for every app; this one is only read, never requested.
_MAP_APP = create_app({"TESTING": True, "SECRET_KEY": "csrf", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
POST_RULES = [r for r in _MAP_APP.url_map.iter_rules() if "POST" in (r.methods or ())]
# Posted by an LMS from its own site, with no session of ours: the OIDC state cookie and the signed,
# single-use token protect them instead (tests/test_webapp/lti/).
PLATFORM_POSTS = {"/lti/login", "/lti/launch"}
FORM_RULES = [r for r in POST_RULES if not r.rule.startswith("/api/") and r.rule not in PLATFORM_POSTS]
API_RULES = [r for r in POST_RULES if r.rule.startswith("/api/")]


def _path(rule: Rule) -> str:
    """The rule's URL with every path parameter set to 1 (the token is checked before the view runs)."""
    with _MAP_APP.test_request_context():
        adapter = _MAP_APP.url_map.bind("localhost")
        return adapter.build(rule.endpoint, {arg: "1" for arg in rule.arguments}, method="POST")


def test_every_form_of_the_app_is_enumerated():
    paths = {r.rule for r in FORM_RULES}
    # The forms known today; the map must at least hold these, or the enumeration is broken.
    assert {
        "/",
        "/assessment",
        "/import",
        "/practice/reset",
        "/practice/<case_id>",
        "/classroom/new",
        "/classroom/<code>/claim",
        "/classroom/<code>/close",
        "/classroom/<code>/reopen",
        "/classroom/cases/new",
        "/join",
        "/join/<code>/<int:n>",
    } <= paths


@pytest.mark.parametrize("rule", FORM_RULES, ids=lambda r: f"POST {r.rule}")
@pytest.mark.parametrize("token", ["missing", "from another session"])
def test_a_form_posted_without_its_token_is_refused(app, client, rule, token):
    csrf_token(client, "/")  # this browser has a session with a token of its own
    data = {"submit": "Go"}
    if token != "missing":
        data["csrf_token"] = csrf_token(app.test_client(), "/")
    resp = client.post(_path(rule), data=data)
    assert resp.status_code == 400, (rule.rule, resp.status_code)
    assert resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert 'class="error-message"' in page and "Reload the page and try again" in page
    with app.app_context():  # the view never ran: not a row was written
        assert all(
            db.session.execute(select(func.count()).select_from(t)).scalar_one() == 0 for t in db.metadata.sorted_tables
        )


@pytest.mark.parametrize("rule", API_RULES, ids=lambda r: f"POST {r.rule}")
def test_the_json_api_takes_no_token(client, rule):
    # The API reads no cookie (the classroom's key travels in the Authorization header), so a forged
    # cross-site request carries no credential: its requests are answered on their merits.
    resp = client.post(_path(rule), json={})
    assert resp.is_json and resp.get_json().get("error", {}).get("code") != "csrf_failed", resp.get_json()
