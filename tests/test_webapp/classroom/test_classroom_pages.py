"""Classroom exercises through the HTML pages, CSRF on, on SQLite and (where set) PostgreSQL:
an educator creates and watches, students join and answer, access control, the join rate limit."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from rules.practice.cases import load_cases
from tests.support.apps import csrf_token
from webapp.classroom.service import CODE_ALPHABET
from webapp.classroom.service import GRACE_SECONDS
from webapp.extensions import db
from webapp.models import AuthoredCase
from webapp.models import Educator
from webapp.models import Exercise
from webapp.models import Submission

CASES = list(load_cases().values())[:2]


def create(
    client,
    title: str = "Week 3: brittle bones",
    case_ids=None,
    simulated: int = 0,
    time_limit: str = "",
    feedback: str = "immediate",
    pace: str = "self",
) -> str:
    """Create an exercise through the form like an educator; return its join code."""
    ids = [c.id for c in CASES] if case_ids is None else case_ids
    resp = client.post(
        "/classroom/new",
        data={
            "csrf_token": csrf_token(client, "/classroom/new"),
            "title": title,
            "cases": ids,
            "simulated": str(simulated),
            "time_limit": time_limit,
            "feedback": feedback,
            "pace": pace,
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    match = re.fullmatch(r"/classroom/([A-Z0-9]+)/created", resp.location)
    assert match, resp.location
    return match.group(1)


def join(client, code: str, nickname: str):
    """Join like a student; return the response."""
    return client.post("/join", data={"csrf_token": csrf_token(client, "/join"), "code": code, "nickname": nickname})


def answer(client, code: str, n: int, findings, lean: str, confidence: int = 80, mechanisms=(), token=None):
    """Submit the attempt form of case n (`token`: from a page loaded earlier, as an open tab has)
    and follow the redirect of a stored answer to the page that shows it."""
    path = f"/join/{code}/{n}"
    return client.post(
        path,
        follow_redirects=True,
        data={
            "csrf_token": token or csrf_token(client, path),
            "findings": list(findings),
            "lean": lean,
            "mechanisms": list(mechanisms),
            "confidence": str(confidence),
        },
    )


def perfect(client, code: str, n: int, token=None):
    key = CASES[n - 1].key
    return answer(client, code, n, key.present, key.lean, 90, key.mechanisms, token)


def test_creating_an_exercise_gives_a_join_code_and_stores_the_educator_key_only_hashed(db_app, db_client):
    code = create(db_client)
    assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
    page = db_client.get(f"/classroom/{code}/created").get_data(as_text=True)
    key = re.search(r"/classroom/" + code + r"/claim#([A-Za-z0-9_-]+)<", page).group(1)
    assert code in page and len(key) >= 32
    assert key not in db_app.test_client().get("/classroom/new").get_data(as_text=True)  # another browser
    with db_app.app_context():
        stored = db.session.execute(select(Educator.key_hash)).scalar_one()
    assert stored == hashlib.sha256(key.encode()).hexdigest()  # only the hash is stored


def test_simulated_patients_and_a_time_limit_are_part_of_the_exercise(db_app, db_client):
    code = create(db_client, case_ids=[CASES[0].id], simulated=2, time_limit="20")
    with db_app.app_context():
        exercise = db.session.execute(select(Exercise).where(Exercise.code == code)).scalar_one()
        ids = [c.case_id for c in exercise.cases]
        assert exercise.time_limit_minutes == 20
    assert ids[0] == CASES[0].id and len(ids) == 3
    assert all(re.fullmatch(r"sim-(\d+|ORPHA\d+)-\d+", i) for i in ids[1:])


def test_an_exercise_without_cases_is_refused_with_a_message(db_client):
    resp = db_client.post(
        "/classroom/new",
        data={"csrf_token": csrf_token(db_client, "/classroom/new"), "title": "Empty", "simulated": "0"},
    )
    assert resp.status_code == 400
    assert "Pick 1 to 20 cases." in resp.get_data(as_text=True)


def test_the_dashboard_export_and_live_feed_need_the_educator_key(db_app, db_client):
    code = create(db_client)
    stranger = db_app.test_client()
    other_educator = db_app.test_client()
    create(other_educator, title="Another class")
    for path in (
        f"/classroom/{code}",
        f"/classroom/{code}/projector",
        f"/classroom/{code}/live.json",
        f"/classroom/{code}/submissions.csv",
    ):
        assert db_client.get(path).status_code == 200, path
        assert stranger.get(path).status_code == 401, path
        assert other_educator.get(path).status_code == 403, path
    closing = stranger.post(f"/classroom/{code}/close", data={"csrf_token": csrf_token(stranger, "/join")})
    assert closing.status_code == 401


def test_the_educator_link_opens_the_dashboard_on_another_device_via_a_post(db_app, db_client):
    code = create(db_client)
    key = re.search(
        r"claim#([A-Za-z0-9_-]+)<", db_client.get(f"/classroom/{code}/created").get_data(as_text=True)
    ).group(1)
    laptop = db_app.test_client()
    wrong = laptop.post(
        f"/classroom/{code}/claim",
        data={"csrf_token": csrf_token(laptop, f"/classroom/{code}/claim"), "key": "not-the-key"},
    )
    assert wrong.status_code == 403 and laptop.get(f"/classroom/{code}").status_code == 401
    resp = laptop.post(
        f"/classroom/{code}/claim",
        data={"csrf_token": csrf_token(laptop, f"/classroom/{code}/claim"), "key": key},
    )
    assert resp.status_code == 302 and resp.location == f"/classroom/{code}"  # a clean URL, no key in it
    assert laptop.get(f"/classroom/{code}").status_code == 200


def test_a_student_joins_answers_with_the_practice_form_and_gets_the_practice_feedback(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    page = student.get("/join").get_data(as_text=True)
    assert "no e-mail address and no real name" in page
    assert "Classroom answers are stored under a nickname" in page and "Nothing you enter is stored" not in page
    prefilled = student.get(f"/join?code={code.lower()}").get_data(as_text=True)  # the API's join_url
    assert f'value="{code}"' in prefilled
    resp = join(student, code.lower(), "Blue Heron")  # codes are forgiving about case
    assert resp.status_code == 302 and resp.location == f"/join/{code}"
    before = student.get(f"/join/{code}/1").get_data(as_text=True)
    assert CASES[0].narrative[:40] in before and "Commit and reveal" in before
    assert "Teaching points" not in before  # nothing of the key before the attempt
    resp = perfect(student, code, 1)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "100 %" in page and "Teaching points" in page
    assert CASES[0].teaching_points[0].text[:40] in page
    home = student.get(f"/join/{code}").get_data(as_text=True)
    assert "answered, 100 %" in home and "not answered yet" in home
    dash = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "1 joined, 1 answered (1 answer in all)." in dash and "Blue Heron" in dash


def test_answering_again_replaces_the_answer_instead_of_adding_one(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    join(student, code, "kiwi")
    answer(student, code, 1, [], "indeterminate", 50)
    resp = perfect(student, code, 1)
    assert resp.status_code == 200
    with db_app.app_context():
        rows = db.session.execute(select(Submission)).scalars().all()
        assert [(r.lean, r.confidence, r.score) for r in rows] == [(CASES[0].key.lean, 90, 1.0)]


def test_nicknames_are_pseudonyms_unique_within_the_exercise(db_app, db_client):
    code = create(db_client)
    first, second, third = db_app.test_client(), db_app.test_client(), db_app.test_client()
    assert join(first, code, "Otter").status_code == 302
    taken = join(second, code, "otter")
    assert taken.status_code == 400 and "already uses that nickname" in taken.get_data(as_text=True)
    email = join(third, code, "ana@example.org")
    assert email.status_code == 400 and "not an e-mail address" in email.get_data(as_text=True)


def test_students_see_only_their_own_answers(db_app, db_client):
    code = create(db_client)
    ana, ben = db_app.test_client(), db_app.test_client()
    join(ana, code, "Ana-pseudo")
    join(ben, code, "Ben-pseudo")
    perfect(ana, code, 1)
    home = ben.get(f"/join/{code}").get_data(as_text=True)
    assert "Ana-pseudo" not in home and "answered, 100 %" not in home
    assert "You have answered this case" not in ben.get(f"/join/{code}/1").get_data(as_text=True)
    assert ben.get(f"/classroom/{code}").status_code == 401
    outsider = db_app.test_client()
    assert outsider.get(f"/join/{code}/1").status_code == 403  # joined students only


def test_a_closed_exercise_refuses_answers_clearly_and_reopening_accepts_them(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    join(student, code, "late")
    open_tab = csrf_token(student, f"/join/{code}/1")  # the student has the case open
    resp = db_client.post(f"/classroom/{code}/close", data={"csrf_token": csrf_token(db_client, f"/classroom/{code}")})
    assert resp.status_code == 302
    kept = perfect(student, code, 1, open_tab)  # just after the close: kept, marked late
    assert kept.status_code == 200 and "it was kept and marked late" in kept.get_data(as_text=True)
    with db_app.app_context():
        exercise = db.session.execute(select(Exercise).where(Exercise.code == code)).scalar_one()
        exercise.closed_at -= timedelta(seconds=GRACE_SECONDS)
        db.session.commit()
    refused = answer(student, code, 1, [CASES[0].key.present[0]], "dominant", 60, token=open_tab)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "This exercise is closed: answers are no longer accepted." in page
    # What was ticked is kept on the page.
    assert re.search(rf'<input checked[^>]*value="{CASES[0].key.present[0]}"', page)
    assert "Commit and reveal" not in student.get(f"/join/{code}/1").get_data(as_text=True)
    db_client.post(f"/classroom/{code}/reopen", data={"csrf_token": csrf_token(db_client, f"/classroom/{code}")})
    assert perfect(student, code, 1).status_code == 200


def test_the_time_limit_closes_the_exercise(db_app, db_client):
    code = create(db_client, time_limit="10")
    student = db_app.test_client()
    join(student, code, "slow")
    assert "10 min left" in student.get(f"/join/{code}").get_data(as_text=True)
    open_tab = csrf_token(student, f"/join/{code}/1")
    with db_app.app_context():
        exercise = db.session.execute(select(Exercise).where(Exercise.code == code)).scalar_one()
        exercise.opened_at -= timedelta(minutes=11)
        db.session.commit()
    resp = perfect(student, code, 1, open_tab)
    assert resp.status_code == 409 and "no longer accepted" in resp.get_data(as_text=True)
    assert "The time limit has passed" in student.get(f"/join/{code}").get_data(as_text=True)


def test_join_code_guessing_is_rate_limited_per_client_but_a_real_code_always_opens(db_app, db_client):
    # Issue 12.5: wrong codes are counted, a code that exists is never refused (it used to be 429
    # too, locking a class behind one NAT out of its own exercise).
    db_app.config["JOIN_RATE_LIMIT"] = 3
    code = create(db_client)
    guesser = db_app.test_client()
    assert join(guesser, "AAAAAA", "g").status_code == 404
    # Educator pages answer 404 for unknown codes too, so they count as guesses as well.
    assert guesser.get("/classroom/BBBBBB").status_code == 404
    assert guesser.get("/classroom/CCCCCC/claim").status_code == 404
    blocked = join(guesser, "DDDDDD", "g")
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "300"
    assert "Too many wrong join codes" in blocked.get_data(as_text=True)
    assert guesser.get(f"/classroom/{code}").status_code == 401  # the real code: only the key is missing
    assert join(guesser, code, "g").status_code == 302  # the class behind this address still joins
    elsewhere = db_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.7"  # another network is not affected
    assert join(elsewhere, code, "h").status_code == 302


def test_the_csv_export_has_every_submission_and_defuses_formulas(db_app, db_client):
    code = create(db_client)
    for nickname in ("=HYPERLINK(1)", "plain"):
        student = db_app.test_client()
        join(student, code, nickname)
        perfect(student, code, 1)
        perfect(student, code, 2)
    resp = db_client.get(f"/classroom/{code}/submissions.csv")
    assert resp.mimetype == "text/csv" and code in resp.headers["Content-Disposition"]
    # Issue 16: a clean table, the header first; the disclaimer in a notes column.
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == 4
    assert {r["nickname"] for r in rows} == {"'=HYPERLINK(1)", "plain"}
    assert {r["case_id"] for r in rows} == {c.id for c in CASES}
    assert all(r["score_percent"] == "100" and r["lean_right"] == "yes" for r in rows)
    assert all("not a diagnosis" in r["notes"] for r in rows)
    first = next(r for r in rows if r["case_id"] == CASES[0].id)
    assert first["case_title"] == CASES[0].title and first["expected_lean"] == CASES[0].key.lean.title()
    assert first["finding_slugs"].split(";") == list(CASES[0].key.present)
    assert re.fullmatch(r"HP:\d{7}(; HP:\d{7})*", first["findings_hpo"]) and first["missed_key_findings"] == ""


def test_the_live_feed_changes_only_when_the_answers_do(db_app, db_client):
    code = create(db_client)
    first = db_client.get(f"/classroom/{code}/live.json").get_json()
    assert first["changed"] and "0 joined, 0 answered (0 answers in all)." in first["html"]
    same = db_client.get(f"/classroom/{code}/live.json", query_string={"since": first["signature"]}).get_json()
    assert same == {"signature": first["signature"], "changed": False}
    student = db_app.test_client()
    join(student, code, "fresh")
    perfect(student, code, 1)
    after = db_client.get(
        f"/classroom/{code}/live.json", query_string={"since": first["signature"], "view": "projector"}
    ).get_json()
    assert after["changed"] and "<strong>1</strong> joined" in after["html"]  # the projector's lobby
    assert "<bdi>fresh</bdi>" in after["html"]  # the lobby shows who joined (the educator may remove them)
    case = db_client.get(f"/classroom/{code}/live.json", query_string={"view": "projector", "case": "1"}).get_json()
    assert "fresh" not in case["html"]  # a case's screen shows no nicknames
    dashboard = db_client.get(f"/classroom/{code}/live.json").get_json()
    assert "1 joined, 1 answered (1 answer in all)." in dashboard["html"] and "fresh" in dashboard["html"]


def test_dashboard_charts_are_inline_svg_with_text_alternatives_and_no_style_attributes(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    join(student, code, "svg")
    perfect(student, code, 1)
    db_client.post(f"/classroom/{code}/reveal", data={"csrf_token": csrf_token(db_client, f"/classroom/{code}")})
    for path in (f"/classroom/{code}", f"/classroom/{code}/projector?case=1", f"/classroom/{code}/projector"):
        page = db_client.get(path).get_data(as_text=True)
        assert page.count("<svg") >= (1 if path.endswith("projector") else 2) and 'role="img"' in page
        assert "style=" not in page and "<style" not in page and "<script>" not in page
        if "?" in path or path.endswith(code):
            assert "expected: " in page and "<title" in page


def author_data(client, **overrides):
    data = {
        "csrf_token": csrf_token(client, "/classroom/cases/new"),
        "title": "Teacher's <b>infant</b>",
        "age": "4 months",
        "sex": "female",
        "difficulty": "easy",
        "narrative": "A <script>alert(1)</script> four-month-old has twitching and a low calcium level.",
        "onset": "infancy",
        "family_history": "consanguineous_parents",
        "lean": "recessive",
        "hypocalcemia": "present",
        "tetany": "present",
        "fractures": "absent",
        "point1": "Low calcium in infancy is a recessive clue.",
        "point1_source": "seed",
        "point1_locator": "Signs & Symptoms of MIOP",
        "point2": "",
        "point3": "",
        "point2_source": "seed",
        "point3_source": "seed",
    }  # a browser sends every select's value
    return {**data, **overrides}


def test_an_educator_authors_a_case_and_only_their_exercises_can_use_it(db_app, db_client):
    resp = db_client.post("/classroom/cases/new", data=author_data(db_client))
    assert resp.status_code == 302, resp.get_data(as_text=True)
    form = db_client.get("/classroom/new").get_data(as_text=True)
    assert "Your case: Teacher&#39;s &lt;b&gt;infant&lt;/b&gt;" in form
    code = create(db_client, case_ids=["authored-1"])
    student = db_app.test_client()
    join(student, code, "reader")
    page = student.get(f"/join/{code}/1").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    fed = answer(student, code, 1, ["hypocalcemia", "tetany"], "recessive", 90, ["calcium_trapping"]).get_data(
        as_text=True
    )
    assert "100 %" in fed and "Low calcium in infancy is a recessive clue." in fed
    assert "Written by the educator of this exercise." in fed and "the educator who wrote this case gave" in fed
    other = db_app.test_client()
    resp = other.post(
        "/classroom/new",
        data={
            "csrf_token": csrf_token(other, "/classroom/new"),
            "title": "x",
            "cases": ["authored-1"],
            "simulated": "0",
        },
    )
    assert resp.status_code == 400  # not offered to, nor accepted from, another educator


def authored_count(db_app) -> int:
    with db_app.app_context():
        return db.session.execute(select(func.count()).select_from(AuthoredCase)).scalar_one()


def test_an_educator_deletes_a_case_they_wrote_once_they_confirm(db_app, db_client):
    assert db_client.post("/classroom/cases/new", data=author_data(db_client)).status_code == 302
    listed = db_client.get("/classroom/new").get_data(as_text=True)
    assert 'href="/classroom/cases/1/delete">Delete “Teacher&#39;s &lt;b&gt;infant&lt;/b&gt;”</a>' in listed
    confirm = db_client.get("/classroom/cases/1/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Deleting it cannot be undone." in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert authored_count(db_app) == 1  # looking at it deletes nothing
    token = csrf_token(db_client, "/classroom/cases/1/delete")
    resp = db_client.post("/classroom/cases/1/delete", data={"csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/classroom/new?deleted=1")
    after = db_client.get("/classroom/new?deleted=1").get_data(as_text=True)
    assert "The case was deleted." in after and "Teacher" not in after
    assert authored_count(db_app) == 0
    assert db_client.get("/classroom/cases/1/delete").status_code == 404


def stored_case(db_app) -> AuthoredCase:
    with db_app.app_context():
        return db.session.execute(select(AuthoredCase)).scalar_one()


def test_an_educator_edits_a_case_they_wrote_and_sees_what_they_saved(db_app, db_client):
    db_client.post("/classroom/cases/new", data=author_data(db_client))
    listed = db_client.get("/classroom/new").get_data(as_text=True)
    assert 'href="/classroom/cases/1/edit">Edit “Teacher&#39;s &lt;b&gt;infant&lt;/b&gt;”</a>' in listed
    form = db_client.get("/classroom/cases/1/edit")
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and "<h1>Edit a case you wrote</h1>" in page
    assert 'action="/classroom/cases/1/edit"' in page
    assert 'value="Teacher&#39;s &lt;b&gt;infant&lt;/b&gt;"' in page and "&lt;script&gt;alert(1)" in page
    assert 'name="hypocalcemia" value="present" checked>' in page and 'name="fractures" value="absent" checked>' in page
    assert re.search(r'<input checked[^>]*name="lean"[^>]*value="recessive"', page)
    assert '<option selected value="infancy">' in page and '<option selected value="consanguineous_parents">' in page
    assert "Low calcium in infancy is a recessive clue." in page and 'value="Signs &amp; Symptoms of MIOP"' in page

    bad = db_client.post("/classroom/cases/1/edit", data=author_data(db_client, title="Changed", point1=""))
    assert bad.status_code == 400 and "Give at least one teaching point." in bad.get_data(as_text=True)
    assert stored_case(db_app).title == "Teacher's <b>infant</b>"  # a refused edit changes nothing

    token = csrf_token(db_client, "/classroom/cases/1/edit")
    resp = db_client.post(
        "/classroom/cases/1/edit",
        data={
            **author_data(db_client),
            "csrf_token": token,
            "title": "A girl with tetany",
            "fractures": "unknown",
            "narrative": "A four-month-old girl has tetany; her calcium is low.",
        },
    )
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/classroom/new?edited=1")
    assert "Your changes to the case were saved." in db_client.get("/classroom/new?edited=1").get_data(as_text=True)
    row = stored_case(db_app)
    assert (row.id, row.title) == (1, "A girl with tetany")  # the same case, changed
    assert row.narrative == "A four-month-old girl has tetany; her calcium is low."
    assert row.answer_key["absent"] == [] and row.answer_key["present"] == ["hypocalcemia", "tetany"]
    code = create(db_client, case_ids=["authored-1"])
    student = db_app.test_client()
    join(student, code, "reader")
    assert "her calcium is low" in student.get(f"/join/{code}/1").get_data(as_text=True)


def test_a_case_an_exercise_uses_stays_and_says_why(db_app, db_client):
    db_client.post("/classroom/cases/new", data=author_data(db_client))
    code = create(db_client, case_ids=["authored-1"])
    listed = db_client.get("/classroom/new").get_data(as_text=True)
    assert "used in 1 exercise, so it stays" in listed and "/classroom/cases/1/delete" not in listed
    page = db_client.get("/classroom/cases/1/delete").get_data(as_text=True)
    assert "This case is used in 1 exercise, so it stays" in page and "Delete the case" not in page
    token = csrf_token(db_client, "/classroom/new")
    resp = db_client.post("/classroom/cases/1/delete", data={"csrf_token": token})  # posted anyway
    assert resp.status_code == 409 and "is used in 1 exercise, so it stays" in resp.get_data(as_text=True)
    assert authored_count(db_app) == 1
    edited = db_client.post("/classroom/cases/1/edit", data=author_data(db_client, title="Changed"))
    assert edited.status_code == 409 and db_client.get("/classroom/cases/1/edit").status_code == 409
    assert stored_case(db_app).title == "Teacher's <b>infant</b>"
    student = db_app.test_client()
    join(student, code, "still")
    assert "four-month-old" in student.get(f"/join/{code}/1").get_data(as_text=True)


def test_nobody_else_can_see_or_delete_a_case_someone_wrote(db_app, db_client):
    db_client.post("/classroom/cases/new", data=author_data(db_client))
    stranger = db_app.test_client()  # no educator key at all
    other = db_app.test_client()  # an educator key of its own
    create(other, case_ids=[CASES[0].id])
    for client in (stranger, other):
        assert client.get("/classroom/cases/1/delete").status_code == 404
        assert client.get("/classroom/cases/1/edit").status_code == 404
        assert client.post("/classroom/cases/1/edit", data=author_data(client, title="Mine")).status_code == 404
        token = csrf_token(client, "/classroom/new")
        resp = client.post("/classroom/cases/1/delete", data={"csrf_token": token})
        assert resp.status_code == 404 and "Teacher" not in resp.get_data(as_text=True)
        assert "/classroom/cases/1/delete" not in client.get("/classroom/new").get_data(as_text=True)
    assert authored_count(db_app) == 1


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"point1_locator": ""}, "Say where in the source: a section, a page or a quoted passage."),
        ({"point2": "A second point.", "point2_locator": " "}, "Say where in the source: a section, a page or"),
        ({"point1": ""}, "Give at least one teaching point."),
        ({"hypocalcemia": "bogus"}, "Not a valid choice"),
        ({"lean": ""}, "Choose the expected lean."),
    ],
)
def test_authored_cases_are_validated(db_client, override, message):
    resp = db_client.post("/classroom/cases/new", data=author_data(db_client, **override))
    assert resp.status_code == 400 and message in resp.get_data(as_text=True)


def test_a_teaching_point_without_its_place_in_the_source_is_refused_at_its_field_in_spanish(db_client):
    db_client.set_cookie("lang", "es")
    resp = db_client.post("/classroom/cases/new", data=author_data(db_client, point1_locator=" "))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert "Indique dónde en la fuente: una sección, una página o un pasaje citado." in page
    assert "El caso no es válido" not in page and "citation" not in page


def test_submissions_per_student_and_case_are_unique_in_the_database(db_app, db_client):
    code = create(db_client)
    student = db_app.test_client()
    join(student, code, "twice")
    perfect(student, code, 1)
    perfect(student, code, 1)
    perfect(student, code, 2)
    with db_app.app_context():
        count = db.session.execute(select(func.count()).select_from(Submission)).scalar_one()
    assert count == 2
