"""A nickname reads as what it is: composed (NFKC), and refused, with one clear message for the
join form (in the page's language) and the API alike, when it hides or disguises characters
(invisible ones, direction controls, look-alike alphabets mixed in one word); a name in one script
is fine whatever the script. Every page that shows a nickname isolates its direction."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from test_classroom_join_limits import api_join
from test_classroom_pages import create
from test_classroom_pages import join

from tests.support.apps import csrf_token
from webapp.classroom import service
from webapp.extensions import db
from webapp.models import Student

REFUSED = {
    "\u200b\u200b": "invisible characters",  # zero-width spaces only
    "Ana\u200b": "invisible characters",  # a zero-width space after a name
    "A\u200dna": "invisible characters",  # a joiner between letters
    "An\u00ada": "invisible characters",  # a soft hyphen
    "\u3164": "invisible characters",  # a Hangul filler (a letter that draws nothing)
    "Ana\ufe0f": "invisible characters",  # a variation selector after a letter
    "\u0301\u0301": "invisible characters",  # marks on nothing
    "\u202eanA": "change the direction",  # right-to-left override
    "Ana\u2067x": "change the direction",  # a right-to-left isolate
    "Ana\u200f": "change the direction",  # a right-to-left mark
    "\u0410na": "mix alphabets",  # Cyrillic A with Latin "na"
    "P\u0430ul": "mix alphabets",  # Cyrillic a inside a Latin name
    "\u03bflga": "mix alphabets",  # Greek omicron with Latin letters
    "\fAna": "control characters",  # a form feed (dropped, it would make the nickname look clean)
    "Ana\tBo": "control characters",  # a tab
    "A\ue000na": "no agreed look",  # a private-use character: each font draws it its own way
    "Ana\U000f4f51": "no agreed look",  # one of the supplementary private-use planes
    "Ana\u0378": "no agreed look",  # unassigned
}
ACCEPTED = {
    "Ana": "Ana",
    "\uff21\uff4e\uff41": "Ana",  # fullwidth letters: the letters they stand for
    "Jose\u0301": "Jos\u00e9",  # an NFD spelling: composed
    "\u0410\u043d\u043d\u0430": "\u0410\u043d\u043d\u0430",  # Cyrillic only
    "\u0641\u0627\u0637\u0645\u0629": "\u0641\u0627\u0637\u0645\u0629",  # Arabic
    "\u674e\u660e": "\u674e\u660e",  # Chinese
    "\u3055\u304f\u3089 \u685c": "\u3055\u304f\u3089 \u685c",  # Japanese: scripts that do not look alike
    "\u0391\u03b8\u03b7\u03bd\u03ac": "\u0391\u03b8\u03b7\u03bd\u03ac",  # Greek only
    "Ana \u0410\u043d\u043d\u0430": "Ana \u0410\u043d\u043d\u0430",  # two words, one script each
    "\U0001f469\u200d\U0001f52c Ana": "\U0001f469\u200d\U0001f52c Ana",  # an emoji ZWJ sequence
    "\u2764\ufe0f Ana": "\u2764\ufe0f Ana",  # an emoji with its variation selector
    "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f": (
        "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"  # a subdivision flag
    ),
}


@pytest.mark.parametrize(("nickname", "why"), REFUSED.items(), ids=[repr(n) for n in REFUSED])
def test_a_hiding_or_disguising_nickname_is_refused_by_the_api_and_the_form(app, nickname, why):
    with app.test_request_context():
        with pytest.raises(service.ClassroomError) as refused:
            service.clean_nickname(nickname)
    assert refused.value.status == 400 and refused.value.code == "invalid_nickname" and why in refused.value.message


@pytest.mark.parametrize(("nickname", "stored"), ACCEPTED.items(), ids=[repr(n) for n in ACCEPTED])
def test_a_name_in_one_script_or_with_an_emoji_is_kept_composed(app, nickname, stored):
    with app.test_request_context():
        assert service.clean_nickname(nickname) == stored


def test_the_api_and_the_form_refuse_the_same_nicknames_and_the_form_says_why_in_its_language(db_app, db_client):
    code = create(db_client)
    api = api_join(db_app, code, "\u202eanA")
    assert api.status_code == 400 and api.get_json()["error"]["code"] == "invalid_nickname"
    assert "change the direction" in api.get_json()["error"]["message"]
    form = join(db_app.test_client(), code, "P\u0430ul")
    assert form.status_code == 400 and "cannot mix alphabets in one word" in form.get_data(as_text=True)
    spanish = db_app.test_client()
    spanish.set_cookie("lang", "es")
    page = spanish.post(
        "/join?lang=es",
        data={"csrf_token": csrf_token(spanish, "/join?lang=es"), "code": code, "nickname": "Ana\u200b"},
        headers={"Accept-Language": "es"},
    )
    assert page.status_code == 400 and "caracteres invisibles" in page.get_data(as_text=True)
    with db_app.app_context():
        assert db.session.execute(select(Student)).first() is None


def test_a_fullwidth_or_nfd_spelling_is_the_same_nickname(db_app, db_client):
    code = create(db_client)
    assert join(db_app.test_client(), code, "Jose\u0301").status_code == 302
    taken = join(db_app.test_client(), code, "jos\u00e9")
    assert taken.status_code == 400 and "already uses that nickname" in taken.get_data(as_text=True)
    assert join(db_app.test_client(), code, "\uff21\uff4e\uff41").status_code == 302
    assert api_join(db_app, code, "ana").status_code == 403  # taken in the browser
    with db_app.app_context():
        assert sorted(db.session.execute(select(Student.nickname)).scalars()) == ["Ana", "Jos\u00e9"]


def test_every_page_that_shows_a_nickname_isolates_its_direction(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    assert join(student, code, "\u0641\u0627\u0637\u0645\u0629").status_code == 302
    name = "<bdi>\u0641\u0627\u0637\u0645\u0629</bdi>"
    with db_app.app_context():
        student_id = db.session.execute(select(Student.id)).scalar_one()
    assert name in db_client.get(f"/classroom/{code}").get_data(as_text=True)  # the dashboard
    assert name in db_client.get(f"/classroom/{code}/projector?case=0").get_data(as_text=True)  # the lobby
    detail = db_client.get(f"/classroom/{code}/students/{student_id}").get_data(as_text=True)
    assert f"<h1>Answers of {name}</h1>" in detail
    assert name in student.get(f"/join/{code}").get_data(as_text=True)  # the student's own page
    paced = create(db_client, pace="educator")
    waiting = db_app.test_client()
    assert join(waiting, paced, "\u0641\u0627\u0637\u0645\u0629").status_code == 302
    assert name in waiting.get(f"/join/{paced}").get_data(as_text=True)
