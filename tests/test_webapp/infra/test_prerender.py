"""The unfilled checklist and attempt forms, rendered once per process: the same page as a render of
their own, each visitor's CSRF token (working), and nothing of one visitor's request served to another."""

from __future__ import annotations

import re

from flask import render_template
from flask_wtf.csrf import generate_csrf

from rules import load_knowledge
from rules.practice.library import public_id
from tests.support.apps import CSRF_INPUT
from tests.support.apps import csrf_token
from webapp.checklist.views import _empty_checklist
from webapp.infra.prerender import SLOT_MARK
from webapp.infra.prerender import shared_renders
from webapp.practice.forms import AttemptForm
from webapp.practice.forms import attempt_form_html

CASE = "miop-newborn-twitching"
CHECKLIST_ANSWER = {"hypocalcemia": "present", "onset": "neonatal", "family_history": "unaffected_parents"}


def test_the_shared_checklist_page_is_the_page_a_render_of_its_own_gives(app, client):
    client.get("/")  # fills the shared render
    with app.test_request_context("/"):
        served = app.view_functions["checklist.checklist"]()
        assert served == _empty_checklist()  # one request, one token: the same bytes
        assert generate_csrf() in served and SLOT_MARK not in served


def test_the_shared_attempt_form_is_the_form_a_render_of_its_own_gives(app):
    path = f"/practice/{public_id(CASE)}?stage=2&via=review"
    with app.test_request_context(path):
        action = f"/practice/{public_id(CASE)}?stage=2&via=review"
        shared = attempt_form_html(None, action)
        assert shared == render_template("practice/_attempt_form.html", form=AttemptForm(), action=action)
        assert f'action="/practice/{public_id(CASE)}?stage=2&amp;via=review"' in shared  # escaped


def test_each_visitor_gets_a_token_of_their_own_and_it_works(app):
    first, second = app.test_client(), app.test_client()
    tokens = [csrf_token(first, "/"), csrf_token(second, "/")]
    assert tokens[0] != tokens[1]
    assert tokens[0] not in second.get("/").get_data(as_text=True)
    for client, token in zip((first, second), tokens, strict=True):
        assert client.post("/assessment", data={**CHECKLIST_ANSWER, "csrf_token": token}).status_code == 200
    # A token in another visitor's session is refused, as before.
    assert second.post("/assessment", data={**CHECKLIST_ANSWER, "csrf_token": tokens[0]}).status_code == 400


def test_the_cache_holds_no_token_and_nothing_a_visitor_entered(app, client):
    kb = load_knowledge()
    prefilled = client.get("/?present=anemia&absent=fractures").get_data(as_text=True)
    assert re.search(r'name="anemia" value="present" checked', prefilled)
    rejected = client.post("/assessment", data={"csrf_token": csrf_token(client, "/"), "onset": "not-an-onset"})
    assert rejected.status_code == 400 and 'class="field-error"' in rejected.get_data(as_text=True)
    page = client.get("/").get_data(as_text=True)
    assert not re.search(r'name="anemia" value="present" checked', page)
    assert 'class="field-error"' not in page
    assert all(re.search(rf'name="{slug}" value="unknown" checked', page) for slug in kb.findings)
    cached = "".join(text for parts in shared_renders(app).values() for text in parts[::2])
    assert not CSRF_INPUT.search(cached)  # the token's place is a slot, never a token
    assert CSRF_INPUT.search(page).group(1) not in cached and "anemia" in cached


def test_forms_after_a_post_carry_what_was_sent_not_the_shared_render(client):
    path = f"/practice/{public_id(CASE)}"
    rejected = client.post(path, data={"csrf_token": csrf_token(client, path), "findings": ["anemia"]})
    body = rejected.get_data(as_text=True)
    ticked = re.compile(r'<input checked id="findings-\d+" name="findings" type="checkbox" value="anemia">')
    assert rejected.status_code == 400 and ticked.search(body) and 'class="field-error"' in body
    fresh = client.get(path).get_data(as_text=True)
    assert 'value="anemia"' in fresh and not ticked.search(fresh) and 'class="field-error"' not in fresh


def test_the_shared_renders_are_keyed_by_form_language_and_mount_point(app, client):
    client.get("/", headers={"Accept-Language": "de, en;q=0.5"})
    client.get(f"/practice/{public_id(CASE)}")
    assert set(shared_renders(app)) == {("checklist", "en", ""), ("practice-attempt-decisions", "en", "")}
    mounted = client.get("/", environ_overrides={"SCRIPT_NAME": "/miop"}).get_data(as_text=True)
    assert 'href="/miop/static/style.' in mounted and ("checklist", "en", "/miop") in shared_renders(app)
