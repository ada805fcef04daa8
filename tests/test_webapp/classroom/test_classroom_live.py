"""The dashboard's poll, on SQLite and PostgreSQL: a 304 while nothing changed; after an answer, only
the parts that changed for a page that says which version it shows; the whole panel for one that
does not (or names a version that fits no panel of this exercise)."""

from __future__ import annotations

import re

from test_classroom_pages import create

from rules.practice.cases import load_cases
from tests.support.apps import csrf_token

CASES = list(load_cases().values())[:4]
STUDENTS = 24  # with four cases, a whole panel is several times one answer's change


def submit(client, code: str, nickname: str, case_id: str, findings: list[str], tokens: dict[str, str]):
    """One answer through the API (a student's first answer gets their token, later ones send it)."""
    body = {
        "nickname": nickname,
        "case_id": case_id,
        "answer": {"findings": findings, "lean": "recessive", "mechanisms": [], "confidence": 70},
    }
    if nickname in tokens:
        body["student_token"] = tokens[nickname]
    resp = client.post(f"/api/v1/exercises/{code}/submissions", json=body)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    if nickname not in tokens:
        tokens[nickname] = resp.get_json()["student_token"]


def a_class(db_app, db_client) -> tuple[str, object, dict[str, str]]:
    """An exercise of four cases that STUDENTS students answered; its code, a student client, tokens."""
    code = create(db_client, case_ids=[c.id for c in CASES])
    students, tokens = db_app.test_client(), {}
    for n in range(STUDENTS):
        for case in CASES:
            submit(students, code, f"student-{n:02d}", case.id, ["fractures"], tokens)
    return code, students, tokens


def shown(client, code: str) -> tuple[str, str]:
    """The ETag and the panel version a freshly loaded dashboard holds."""
    page = client.get(f"/classroom/{code}").get_data(as_text=True)
    etag = re.search(r'data-etag="(&quot;[0-9a-f]+&quot;)"', page).group(1).replace("&quot;", '"')
    return etag, re.search(r'data-version="([^"]+)"', page).group(1)


def poll(client, code: str, etag: str | None, version: str | None):
    return client.get(
        f"/classroom/{code}/live.json",
        query_string={"have": version} if version else {},
        headers={"If-None-Match": etag} if etag else {},
    )


def test_a_poll_while_nothing_changed_is_a_304(db_app, db_client):
    code, _, _ = a_class(db_app, db_client)
    etag, version = shown(db_client, code)
    same = poll(db_client, code, etag, version)
    assert same.status_code == 304 and same.get_data() == b""


def test_after_an_answer_the_poll_carries_only_what_changed(db_app, db_client):
    code, students, tokens = a_class(db_app, db_client)
    etag, version = shown(db_client, code)
    whole = poll(db_client, code, None, None)
    # One student changes their answer to case 2: the counts stay, case 2's tallies and column move.
    submit(students, code, "student-03", CASES[1].id, ["fractures", "anemia"], tokens)
    changed = poll(db_client, code, etag, version)
    body = changed.get_json()
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "html" not in body and set(body["replace"]) == {"live-case-2", "hm-c2"} and body["rows"] == []
    assert "Anemia: 1 (4%)" in body["replace"]["live-case-2"]  # the new tally, 1 of 24
    assert len(changed.get_data()) * 3 < len(whole.get_data())
    new_etag, new_version = shown(db_client, code)
    assert (body["version"], changed.headers["ETag"]) == (new_version, new_etag)  # where a reload would be
    # A new student's first answer: the status line, case 1, its column, and their row in its place.
    submit(students, code, "student-10b", CASES[0].id, ["anemia"], tokens)
    joined = poll(db_client, code, new_etag, new_version).get_json()
    assert set(joined["replace"]) == {"live-status", "live-case-1", "hm-c1"}
    assert "25 joined, 25 answered (97 answers in all)." in joined["replace"]["live-status"]
    row = next(r for r in joined["rows"] if ">student-10b<" in r["html"])
    following = re.search(r'id="(live-st-\d+)"><a[^>]*><bdi>student-11<', whole.get_json()["html"]).group(1)
    assert row["before"] == following and "1/4" in row["html"]
    assert not any(token in str(joined) for token in tokens.values())  # nicknames only, as on the page


def test_a_page_that_names_no_version_or_an_unknown_one_gets_the_whole_panel(db_app, db_client):
    code, students, tokens = a_class(db_app, db_client)
    etag, version = shown(db_client, code)
    submit(students, code, "student-00", CASES[0].id, ["anemia"], tokens)
    wrong_shape = version[: 1 + 8 * 3]
    for held in (None, "", "garbage", "2" + version[1:], wrong_shape, version + "x"):
        body = poll(db_client, code, etag, held).get_json()
        assert "replace" not in body and 'id="live-students"' in body["html"], held
        assert body["version"] == shown(db_client, code)[1]
    projector = db_client.get(f"/classroom/{code}/live.json", query_string={"view": "projector", "have": version})
    assert "replace" not in projector.get_json() and "html" in projector.get_json()


def test_a_lock_made_from_the_projector_or_the_phone_turns_the_dashboards_button(db_app, db_client):
    code, _, _ = a_class(db_app, db_client)
    etag, version = shown(db_client, code)
    token = csrf_token(db_client, f"/classroom/{code}/projector")
    assert db_client.post(f"/classroom/{code}/lock", data={"csrf_token": token, "back": "projector"}).status_code == 302
    changed = poll(db_client, code, etag, version)
    assert changed.status_code == 200
    status = changed.get_json()["replace"]["live-status"]
    assert f'action="/classroom/{code}/unlock"' in status and ">Open joining</button>" in status
    assert 'name="csrf_token"' in status  # the new button still posts with the form's token
