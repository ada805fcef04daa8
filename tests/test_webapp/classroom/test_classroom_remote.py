"""The projector's controls and the educator's phone as a remote, on SQLite and PostgreSQL: the
projector opened by the educator carries start, next and reveal (POST forms with CSRF that come
back to it), the lobby's remove and re-admit; a phone is paired with a code that lasts a minute
(a controllable clock), is used once and by one phone, and gives nothing until the educator
confirms it on the laptop; the paired phone's controls work, for that exercise only; an unpaired
phone controls nothing; wrong codes are rate-limited; the recovery link reaches the paired phone
sealed, never readable in the database."""

from __future__ import annotations

import re
from datetime import datetime
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select
from test_classroom_pages import create
from test_classroom_pages import join

from tests.support.apps import csrf_token
from webapp.classroom import service
from webapp.extensions import db
from webapp.models import RemotePairing

T0 = datetime(2027, 3, 1, 9, 0, 0)
SECRET = "test-secret"


def state(client, code: str) -> dict:
    return client.get(f"/api/v1/exercises/{code}/state").get_json()


def press(client, code: str, control: str, page: str, back: str):
    """Press a control's button on `page` (its CSRF token from there), coming back to `back`."""
    return client.post(f"/classroom/{code}/{control}", data={"csrf_token": csrf_token(client, page), "back": back})


def pairing_code(laptop, code: str) -> str:
    """Press "Pair a phone" on the projector and read the code it shows."""
    projector = f"/classroom/{code}/projector"
    resp = laptop.post(f"/classroom/{code}/pair/new", data={"csrf_token": csrf_token(laptop, projector)})
    assert resp.status_code == 302 and resp.location.endswith(projector)
    page = laptop.get(projector).get_data(as_text=True)
    assert "Pair your phone" in page
    return re.search(r'class="pj-pair-code">([A-Z0-9]+)<', page).group(1)


def claim(phone, code: str, pairing: str):
    """Open the pairing URL of the QR code on the phone and press "Pair this phone"."""
    page = f"/classroom/{code}/pair?pairing={pairing}"
    assert f'value="{pairing}"' in phone.get(page).get_data(as_text=True)  # filled in from the QR code
    return phone.post(f"/classroom/{code}/pair", data={"csrf_token": csrf_token(phone, page), "pairing": pairing})


def confirm(laptop, code: str):
    projector = f"/classroom/{code}/projector"
    assert "Confirm pairing of a phone?" in laptop.get(projector).get_data(as_text=True)
    return laptop.post(f"/classroom/{code}/pair/confirm", data={"csrf_token": csrf_token(laptop, projector)})


def test_the_projector_opened_by_the_educator_has_the_controls_and_comes_back_to_itself(db_app, db_client):
    code = create(db_client, pace="educator", feedback="after_reveal")
    projector = f"/classroom/{code}/projector"
    page = db_client.get(projector).get_data(as_text=True)
    assert "Educator</strong> controls" in page and "Keys:" in page
    assert f'action="/classroom/{code}/start"' in page and 'data-key="s"' in page
    resp = press(db_client, code, "start", projector, "projector")
    assert resp.status_code == 302 and resp.location == projector
    assert state(db_client, code)["case"] == 1
    page = db_client.get(projector).get_data(as_text=True)
    assert 'data-key="n"' in page and 'data-key="r"' in page and 'action="/classroom/' + code + '/start"' not in page
    press(db_client, code, "reveal", projector, "projector")
    assert state(db_client, code)["revealed"] is True
    page = db_client.get(projector).get_data(as_text=True)
    assert "Teaching points" in page and "Key findings:" in page
    assert db_client.post(f"/classroom/{code}/advance", data={"back": "projector"}).status_code == 400  # no CSRF
    assert state(db_client, code)["case"] == 1
    other = db_app.test_client()
    assert other.get(projector).status_code == 401  # not signed in: no projector, no controls
    assert other.post(f"/classroom/{code}/advance", data={"csrf_token": csrf_token(other, "/join")}).status_code == 401
    assert state(db_client, code)["case"] == 1


def test_the_lobby_shows_the_nicknames_isolated_and_the_educator_removes_or_readmits_one(db_app, db_client):
    code = create(db_client, pace="educator")
    join(db_app.test_client(), code, "مريم")
    join(db_app.test_client(), code, "Hal")
    projector = f"/classroom/{code}/projector"
    page = db_client.get(projector).get_data(as_text=True)
    assert "<bdi>مريم</bdi>" in page and "<bdi>Hal</bdi>" in page
    with db_app.app_context():
        hal = service.by_nickname(service.find_exercise(code), "hal")
    readmit = db_client.post(
        f"/classroom/{code}/students/{hal.id}/readmit", data={"csrf_token": csrf_token(db_client, projector)}
    )
    assert readmit.status_code == 302 and readmit.location == projector  # in the lobby, the lobby follows the class
    assert "re-admitted" in db_client.get(projector).get_data(as_text=True)
    assert join(db_app.test_client(), code, "hal").status_code == 302  # taken over
    removed = db_client.post(
        f"/classroom/{code}/students/{hal.id}/remove", data={"csrf_token": csrf_token(db_client, projector)}
    )
    assert removed.status_code == 302
    page = db_client.get(projector).get_data(as_text=True)
    assert "<bdi>Hal</bdi>" not in page and state(db_client, code)["joined"] == 1
    stranger = db_app.test_client()
    token = csrf_token(stranger, "/join")
    assert stranger.post(f"/classroom/{code}/students/1/remove", data={"csrf_token": token}).status_code == 401


def test_a_pairing_code_expires_after_a_minute_and_serves_once_and_one_phone(db_app, db_client):
    code = create(db_client, pace="educator")
    with db_app.app_context():
        exercise = service.find_exercise(code)
        _, late = service.new_pairing(exercise, SECRET, now=T0)
        with pytest.raises(service.ClassroomError) as expired:
            service.claim_pairing(exercise, late, "phone-a", SECRET, now=T0 + timedelta(seconds=60))
        assert expired.value.status == 403
        pairing_id, fresh = service.new_pairing(exercise, SECRET, now=T0)
        service.claim_pairing(exercise, fresh.lower(), "phone-a", SECRET, now=T0 + timedelta(seconds=59))
        with pytest.raises(service.ClassroomError) as second:  # another phone, the same code
            service.claim_pairing(exercise, fresh, "phone-b", SECRET, now=T0 + timedelta(seconds=59))
        assert second.value.code == "invalid_pairing_code"
        assert service.pairing_status(exercise, pairing_id, now=T0 + timedelta(seconds=60)).step == "claimed"
        assert service.collect_pairing(exercise, "phone-b", SECRET, now=T0 + timedelta(seconds=60)).step == "gone"
        assert service.collect_pairing(exercise, "phone-a", SECRET, now=T0 + timedelta(seconds=60)).step == "waiting"
        # Unconfirmed within its minute: gone, and it can be confirmed no more.
        later = T0 + timedelta(seconds=59 + 60)
        assert service.collect_pairing(exercise, "phone-a", SECRET, now=later).step == "gone"
        with pytest.raises(service.ClassroomError) as stale:
            service.confirm_pairing(exercise, pairing_id, None, SECRET, now=later)
        assert stale.value.status == 409
        stored = db.session.execute(select(RemotePairing.code_hash)).scalars().all()
        assert fresh not in stored and late not in stored  # codes only hashed
        service.new_pairing(exercise, SECRET, now=later)  # expired rows are cleared
        assert db.session.execute(select(func.count(RemotePairing.id))).scalar_one() == 1


def test_a_phone_gets_nothing_until_the_educator_confirms_then_the_controls_of_that_exercise(db_app, db_client):
    code = create(db_client, pace="educator", feedback="after_reveal")
    other_code = create(db_client, title="Another class", pace="educator")
    phone = db_app.test_client()
    resp = claim(phone, code, pairing_code(db_client, code))
    assert resp.status_code == 302 and resp.location == f"/classroom/{code}/remote"
    waiting = phone.get(f"/classroom/{code}/remote")
    assert waiting.status_code == 200 and "Waiting for confirmation" in waiting.get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting.get_data(as_text=True)  # it asks again, without JavaScript too
    assert phone.post(f"/classroom/{code}/start", data={"csrf_token": csrf_token(phone, "/join")}).status_code == 401
    assert state(phone, code)["state"] == "lobby"  # an unconfirmed pairing controls nothing
    intruder = db_app.test_client()  # saw the code on the projector, too late
    assert claim(intruder, code, pairing_code(db_client, code)).status_code == 302
    refused = db_client.post(
        f"/classroom/{code}/pair/cancel",
        data={"csrf_token": csrf_token(db_client, f"/classroom/{code}/projector")},
    )
    assert refused.status_code == 302
    assert intruder.get(f"/classroom/{code}/remote").status_code == 410  # refused: gone
    assert "Pair a phone" in db_client.get(f"/classroom/{code}/projector").get_data(as_text=True)

    # The first phone's pairing was replaced by the second code: it pairs again, and is confirmed.
    assert phone.get(f"/classroom/{code}/remote").status_code == 410
    assert claim(phone, code, pairing_code(db_client, code)).status_code == 302
    assert confirm(db_client, code).status_code == 302
    remote = phone.get(f"/classroom/{code}/remote")
    page = remote.get_data(as_text=True)
    assert remote.status_code == 200 and "Start the class" in page and "0 joined, 0 answered" in page
    cookie = next(c for c in remote.headers.getlist("Set-Cookie") if c.startswith("miop_remote="))
    assert f"Path=/classroom/{code}" in cookie and "HttpOnly" in cookie and "Max-Age=" in cookie
    for control in ("start", "advance", "reveal"):
        resp = press(phone, code, control, f"/classroom/{code}/remote", "remote")
        assert resp.status_code == 302 and resp.location == f"/classroom/{code}/remote"
    assert state(phone, code) | {"seconds_left": None} == {
        "state": "running",
        "case": 1,
        "stage": 2,
        "revealed": True,
        "seconds_left": None,
        "joined": 0,
        "answered": 0,
    }
    live = phone.get(f"/classroom/{code}/live.json?view=remote")
    assert live.status_code == 200 and "Case 1 of 2, stage 2 of" in live.get_json()["html"]
    # Only the controls of that exercise: not its dashboard, not another exercise.
    assert phone.get(f"/classroom/{code}").status_code == 401
    assert phone.get(f"/classroom/{code}/live.json").status_code == 401
    token = csrf_token(phone, f"/classroom/{code}/remote")
    assert phone.post(f"/classroom/{other_code}/start", data={"csrf_token": token}).status_code == 401
    assert phone.get(f"/classroom/{other_code}/remote").status_code == 401
    assert state(phone, other_code)["state"] == "lobby"
    stranger = db_app.test_client()
    assert stranger.get(f"/classroom/{code}/remote").status_code == 401
    assert stranger.get(f"/classroom/{code}/live.json?view=remote").status_code == 401


def test_the_laptop_sends_the_recovery_link_to_the_paired_phone_sealed(db_app, db_client):
    code = create(db_client, pace="educator")
    created = db_client.get(f"/classroom/{code}/created").get_data(as_text=True)
    key = re.search(r"/classroom/" + code + r"/claim#([A-Za-z0-9_-]+)<", created).group(1)
    phone = db_app.test_client()
    claim(phone, code, pairing_code(db_client, code))
    confirm(db_client, code)
    with db_app.app_context():
        sealed = db.session.execute(select(RemotePairing.sealed_key)).scalar_one()
    assert sealed and key not in sealed and key.encode().hex() != sealed  # not readable in the database
    page = phone.get(f"/classroom/{code}/remote").get_data(as_text=True)
    assert f"/classroom/{code}/claim#{key}" in page and "Show the recovery link" in page
    with db_app.app_context():
        assert db.session.execute(select(func.count(RemotePairing.id))).scalar_one() == 0  # collected: deleted


def test_wrong_pairing_codes_are_limited_per_client(db_app, db_client):
    db_app.config["PAIR_RATE_LIMIT"] = 3
    code = create(db_client, pace="educator")
    right = pairing_code(db_client, code)
    phone = db_app.test_client()
    page = f"/classroom/{code}/pair"
    for _ in range(3):
        wrong = phone.post(page, data={"csrf_token": csrf_token(phone, page), "pairing": "ZZZZZZ"})
        assert wrong.status_code == 403 and "does not work" in wrong.get_data(as_text=True)
    limited = phone.post(page, data={"csrf_token": csrf_token(phone, page), "pairing": right})
    assert limited.status_code == 429  # over the limit, even the right code waits
    with db_app.app_context():
        assert db.session.execute(select(RemotePairing.phone_hash)).scalar_one() is None  # nothing claimed


def paired_phone(db_app, db_client, code: str):
    phone = db_app.test_client()
    claim(phone, code, pairing_code(db_client, code))
    confirm(db_client, code)
    assert phone.get(f"/classroom/{code}/remote").status_code == 200  # collects the confirmation: paired
    return phone


def test_the_educator_signs_out_every_paired_phone_and_a_phone_signs_itself_out(db_app, db_client, monkeypatch):
    code = create(db_client, pace="educator")
    lost, kept = paired_phone(db_app, db_client, code), paired_phone(db_app, db_client, code)
    remote = f"/classroom/{code}/remote"
    # A phone signs itself out: its cookie goes, and with it the controls; the other phone keeps them.
    page = kept.get(remote).get_data(as_text=True)
    assert f'action="/classroom/{code}/remote/sign-out"' in page
    assert kept.post(f"/classroom/{code}/remote/sign-out").status_code == 400  # no CSRF: nothing changes
    assert kept.get(remote).status_code == 200
    out = kept.post(f"/classroom/{code}/remote/sign-out", data={"csrf_token": csrf_token(kept, remote)})
    assert out.status_code == 200 and "This phone is signed out" in out.get_data(as_text=True)
    assert kept.get(remote).status_code == 401
    assert lost.get(remote).status_code == 200
    # The educator signs out every paired phone from the projector (a lost phone): the laptop stays in.
    projector = f"/classroom/{code}/projector"
    assert f'action="/classroom/{code}/remotes/sign-out"' in db_client.get(projector).get_data(as_text=True)
    assert lost.post(
        f"/classroom/{code}/remotes/sign-out", data={"csrf_token": csrf_token(lost, remote)}
    ).status_code in (
        401,
        403,
    )  # a paired phone cannot sign the others out (only the laptop, signed in as the educator)
    assert lost.get(remote).status_code == 200
    signed = paired_phone(db_app, db_client, code)
    done = db_client.post(f"/classroom/{code}/remotes/sign-out", data={"csrf_token": csrf_token(db_client, projector)})
    assert done.status_code == 200 and "Every paired phone is signed out" in done.get_data(as_text=True)
    for phone in (lost, signed):
        assert phone.get(remote).status_code in (401, 403)
        token = csrf_token(phone, "/join")
        assert phone.post(f"/classroom/{code}/start", data={"csrf_token": token}).status_code in (401, 403)
    assert state(db_client, code)["state"] == "lobby"
    assert db_client.get(projector).status_code == 200  # the laptop is still signed in
    again = paired_phone(db_app, db_client, code)  # and a phone paired afterwards works
    assert press(again, code, "start", remote, "remote").status_code == 302
    assert state(db_client, code)["state"] == "running"
