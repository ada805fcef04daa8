"""The students' LMS names for the educator only (Names and Role Provisioning Services 2.0), and the
line item the tool makes for an activity that has none (Assignment and Grade Services 2.0), against
the platform played in the test (tests/support/lti_platform.py)."""

from __future__ import annotations

import csv
import io
import json
import re
from urllib.parse import urlsplit

import jwt
from flask import Flask

from rules.practice.cases import load_cases
from tests.support.apps import csrf_token
from tests.support.lti_platform import CLAIM
from tests.support.lti_platform import INSTRUCTOR
from tests.support.lti_platform import LEARNER
from tests.support.lti_platform import LINEITEM_SCOPE
from tests.support.lti_platform import LINEITEM_TYPE
from tests.support.lti_platform import NRPS_CLAIM
from tests.support.lti_platform import NRPS_SCOPE
from tests.support.lti_platform import SCORE_SCOPE
from tests.support.lti_platform import Platform
from webapp.extensions import db
from webapp.models import Exercise
from webapp.models import LtiLearner
from webapp.models import LtiLink

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NAMES = {CLAIM + "custom": {"names": "1"}}
ANA, BEN, NEVER = "Ana García-Núñez", "Ben Okafor", "Never Launched"


def _code(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    return urlsplit(response.headers["Location"]).path.rsplit("/", 1)[1]


def _course(platform: Platform) -> None:
    platform.member("teacher-1", "Dr Teacher", role=INSTRUCTOR)
    platform.member("learner-1", ANA)
    platform.member("learner-2", "", given_name="Ben", family_name="Okafor")  # a name from its parts
    platform.member("someone-else", NEVER)  # in the course, never launched: never kept


def _answer(client, code: str, n: int, case) -> object:
    path = f"/join/{code}/{n}"
    key = case.key
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "findings": list(key.present),
            "lean": key.lean,
            "mechanisms": list(key.mechanisms),
            "confidence": "90",
        },
    )


def _class_with_names(lti_app: Flask, platform: Platform) -> tuple[object, object, str]:
    """An activity that asks for names: the teacher launches, two learners launch (their launches
    carry a `name` claim too: never used), the teacher launches again (the names are fetched)."""
    _course(platform)
    teacher = lti_app.test_client()
    code = _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **NAMES))
    ana = lti_app.test_client()
    assert platform.launch(ana, role=LEARNER, sub="learner-1", name=ANA, **NAMES).status_code == 303
    ben = lti_app.test_client()
    assert platform.launch(ben, role=LEARNER, sub="learner-2", name=BEN, **NAMES).status_code == 303
    assert _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **NAMES)) == code
    return teacher, ana, code


def test_the_picker_offers_names_and_the_link_carries_the_choice(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    params = platform.login(client)
    claims = platform.claims(
        params["nonce"],
        role=INSTRUCTOR,
        sub="teacher-1",
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            CLAIM + "resource_link": None,
            DL + "deep_linking_settings": {
                "deep_link_return_url": platform.url + "/deep-link-return",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe"],
            },
        },
    )
    picker = client.post("/lti/launch", data={"id_token": platform.sign(claims), "state": params["state"]})
    html = picker.get_data(as_text=True)
    assert "Show the students' LMS names to me (the educator)</label>" in html
    assert re.search(
        r'<input aria-describedby="asks-names-hint" id="asks_names" name="asks_names" type="checkbox" value="y">', html
    )
    answer = client.post(
        "/lti/deep-link",
        data={
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
            "launch_id": re.search(r'name="launch_id" type="hidden" value="([^"]+)"', html).group(1),
            "title": "Names week",
            "cases": [next(iter(load_cases()))],
            "pace": "self",
            "feedback": "immediate",
            "asks_names": "y",
        },
    )
    token = re.search(r'name="JWT" value="([^"]+)"', answer.get_data(as_text=True)).group(1)
    (item,) = jwt.decode(token, options={"verify_signature": False})[DL + "content_items"]
    assert item["custom"]["names"] == "1"
    # Launched with that custom parameter, the activity shows names (the first instructor launch links it).
    platform.launch(client, role=INSTRUCTOR, sub="teacher-1", **{CLAIM + "custom": item["custom"]})
    with lti_app.app_context():
        assert db.session.query(LtiLink).one().asks_names


def test_lms_names_reach_the_educator_only(lti_app: Flask, platform: Platform) -> None:
    teacher, ana, code = _class_with_names(lti_app, platform)
    # The membership list was read page by page with a token granted for the NRPS scope.
    pages = [r for r in platform.received if r["path"].startswith("/memberships")]
    assert len(pages) >= 2 * 2  # two pages, at each of the teacher's two launches
    assert pages[-1]["headers"]["Accept"] == "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
    assert any(NRPS_SCOPE in scopes for scopes in platform.tokens.values())
    with lti_app.app_context():
        learners = {r.subject: r for r in db.session.query(LtiLearner)}
        assert learners["learner-1"].lms_name == ANA and learners["learner-2"].lms_name == BEN
        ana_id, ben_id = learners["learner-1"].student_id, learners["learner-2"].student_id
        stored = json.dumps([[r.lms_name for r in db.session.query(LtiLearner)]])
        assert NEVER not in stored  # a member who never launched is not kept
    dashboard = teacher.get(f"/classroom/{code}").get_data(as_text=True)
    assert ANA in dashboard and BEN in dashboard and NEVER not in dashboard
    assert "shown to you only" in dashboard
    detail = teacher.get(f"/classroom/{code}/students/{ana_id}").get_data(as_text=True)
    assert f"Name in the LMS: {ANA}" in detail
    students_csv = teacher.get(f"/classroom/{code}/students.csv").get_data(as_text=True)
    header, *rows = list(csv.reader(io.StringIO(students_csv)))
    assert header[1:3] == ["nickname", "lms_name"]
    assert sorted(r[2] for r in rows) == [ANA, BEN]
    answers_csv = teacher.get(f"/classroom/{code}/submissions.csv").get_data(as_text=True)
    assert "lms_name" in next(csv.reader(io.StringIO(answers_csv))) and ANA in answers_csv
    # Never to a student, never on the projector (nor its live screen).
    for page in (ana.get(f"/join/{code}"), ana.get(f"/join/{code}/1")):
        assert page.status_code == 200
        assert ANA not in page.get_data(as_text=True) and BEN not in page.get_data(as_text=True)
    assert ana.get(f"/classroom/{code}").status_code in (401, 403)
    assert ana.get(f"/classroom/{code}/students.csv").status_code in (401, 403)
    projector = teacher.get(f"/classroom/{code}/projector").get_data(as_text=True)
    live = teacher.get(f"/classroom/{code}/live.json?view=projector&case=0").get_data(as_text=True)
    for shown in (projector, live):
        assert "Student " in shown and ANA not in shown and BEN not in shown
    # A removed student's LMS name goes with them.
    remove = f"/classroom/{code}/students/{ben_id}/remove"
    teacher.post(remove, data={"csrf_token": csrf_token(teacher, f"/classroom/{code}/students/{ben_id}")})
    with lti_app.app_context():
        assert [r.lms_name for r in db.session.query(LtiLearner)] == [ANA]


def test_names_are_fetched_again_on_the_educators_request_only(lti_app: Flask, platform: Platform) -> None:
    teacher, ana, code = _class_with_names(lti_app, platform)
    platform.member("learner-3", "Cleo Late")
    late = lti_app.test_client()
    platform.launch(late, role=LEARNER, sub="learner-3", **NAMES)
    assert "Cleo Late" not in teacher.get(f"/classroom/{code}").get_data(as_text=True)  # not fetched by a page view
    path = f"/classroom/{code}/lms-names"
    assert ana.post(path, data={"csrf_token": csrf_token(ana, f"/join/{code}/1")}).status_code in (401, 403)
    assert teacher.post(path).status_code == 400  # a form without its CSRF token
    fetched = teacher.post(path, data={"csrf_token": csrf_token(teacher, f"/classroom/{code}")})
    assert fetched.status_code == 303
    assert "Cleo Late" in teacher.get(f"/classroom/{code}").get_data(as_text=True)


def test_a_refused_scope_or_a_failing_platform_leaves_nicknames_and_a_note(lti_app: Flask, platform: Platform) -> None:
    _course(platform)
    platform.granted = {SCORE_SCOPE, LINEITEM_SCOPE}  # the LMS does not grant the membership scope
    teacher = lti_app.test_client()
    code = _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **NAMES))
    ana = lti_app.test_client()
    platform.launch(ana, role=LEARNER, sub="learner-1", **NAMES)
    assert _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **NAMES)) == code
    assert [r["status"] for r in platform.received if r["path"] == "/token"][-1] == 400
    page = teacher.get(f"/classroom/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "did not give the students&#39; names this time" in html and ANA not in html and "Student " in html
    # The LMS grants it, but its membership service fails: still the dashboard, nicknames and the note.
    platform.granted.add(NRPS_SCOPE)
    platform.fail_members = True
    fetched = teacher.post(
        f"/classroom/{code}/lms-names", data={"csrf_token": csrf_token(teacher, f"/classroom/{code}")}
    )
    assert fetched.status_code == 303
    assert platform.received[-1]["path"] == "/memberships"
    html = teacher.get(f"/classroom/{code}").get_data(as_text=True)
    assert "did not give the students&#39; names this time" in html and ANA not in html
    assert _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **NAMES)) == code  # a launch too
    platform.fail_members = False
    teacher.post(f"/classroom/{code}/lms-names", data={"csrf_token": csrf_token(teacher, f"/classroom/{code}")})
    html = teacher.get(f"/classroom/{code}").get_data(as_text=True)
    assert ANA in html and "this time" not in html


def test_without_the_service_or_without_asking_no_names(lti_app: Flask, platform: Platform) -> None:
    _course(platform)
    teacher = lti_app.test_client()
    no_service = {NRPS_CLAIM: None, **NAMES}
    code = _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **no_service))
    platform.launch(lti_app.test_client(), role=LEARNER, sub="learner-1", **no_service)
    html = teacher.get(f"/classroom/{code}").get_data(as_text=True)
    assert "does not give this activity its members&#39; names" in html and ANA not in html
    # An activity that does not ask: the membership list is never read, no column, no button.
    other = {CLAIM + "resource_link": {"id": "link-2", "title": "No names"}}
    code2 = _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **other))
    platform.launch(lti_app.test_client(), role=LEARNER, sub="learner-1", **other)
    platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **other)
    assert not [r for r in platform.received if r["path"].startswith("/memberships")]
    html = teacher.get(f"/classroom/{code2}").get_data(as_text=True)
    assert ANA not in html and "Fetch the LMS names again" not in html
    assert "lms_name" not in teacher.get(f"/classroom/{code2}/students.csv").get_data(as_text=True)
    assert (
        teacher.post(f"/classroom/{code2}/lms-names", data={"csrf_token": csrf_token(teacher, "/")}).status_code == 404
    )
    # Turning names off (the custom parameter gone) deletes those kept.
    platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **NAMES)
    platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1")
    with lti_app.app_context():
        assert all(r.lms_name is None for r in db.session.query(LtiLearner))


# --- line items made by the tool ------------------------------------------------------------


def _no_lineitem(platform: Platform) -> dict:
    ags = {"scope": [SCORE_SCOPE, LINEITEM_SCOPE], "lineitems": platform.url + "/lineitems"}
    return {AGS: ags, CLAIM + "resource_link": {"id": "plain-link", "title": "Pasted link"}}


def test_a_link_without_a_line_item_gets_one_once_and_its_scores(lti_app: Flask, platform: Platform) -> None:
    plain = _no_lineitem(platform)
    teacher = lti_app.test_client()
    code = _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **plain))
    made = [r for r in platform.received if r["path"] == "/lineitems" and "method" not in r]
    assert len(made) == 1 and made[0]["status"] == 201
    assert made[0]["headers"]["Content-Type"] == LINEITEM_TYPE
    item = json.loads(made[0]["body"])
    assert item["scoreMaximum"] == 100 and item["label"] == "Pasted link"
    assert item["resourceLinkId"] == "plain-link" and item["tag"] == "miop-exercise"
    # A second launch (instructor or learner) makes none.
    assert _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **plain)) == code
    student = lti_app.test_client()
    platform.launch(student, role=LEARNER, sub="learner-9", **plain)
    with lti_app.app_context():
        cases = [c.case_id for c in db.session.query(Exercise).filter_by(code=code).one().cases]
    _answer(student, code, 1, load_cases()[cases[0]]).close()
    assert len([r for r in platform.received if r["path"] == "/lineitems"]) == 2  # one look, one POST: kept since
    assert len(platform.lineitems) == 1
    lineitem = urlsplit(platform.lineitems[0]["id"]).path
    (score,) = platform.scores(lineitem)
    assert score["status"] == 200 and json.loads(score["body"])["userId"] == "learner-9"
    assert not platform.scores()  # nothing to the deep-linked line item the claim does not name


def test_a_line_item_refused_at_the_launch_is_made_with_the_first_grade(lti_app: Flask, platform: Platform) -> None:
    plain = _no_lineitem(platform)
    platform.granted = {SCORE_SCOPE}  # the LMS refuses the line item scope for now
    teacher = lti_app.test_client()
    code = _code(platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **plain))
    assert platform.lineitems == []
    student = lti_app.test_client()
    platform.launch(student, role=LEARNER, sub="learner-9", **plain)
    with lti_app.app_context():
        cases = [c.case_id for c in db.session.query(Exercise).filter_by(code=code).one().cases]
        case = load_cases()[cases[0]]
    _answer(student, code, 1, case).close()
    with lti_app.app_context():
        assert db.session.query(LtiLearner).one().pending  # kept for the retry
    platform.granted.add(LINEITEM_SCOPE)
    _answer(student, code, 1, case).close()
    assert len(platform.lineitems) == 1
    assert platform.scores(urlsplit(platform.lineitems[0]["id"]).path)[-1]["status"] == 200


def test_the_activitys_line_item_found_on_the_platform_is_not_made_again(lti_app: Flask, platform: Platform) -> None:
    found = {
        "id": platform.url + "/lineitems/7",
        "scoreMaximum": 100,
        "label": "Pasted link",
        "resourceLinkId": "plain-link",
        "tag": "miop-exercise",
    }
    platform.lineitems = [{**found, "resourceLinkId": "another-link", "id": platform.url + "/lineitems/6"}, found]
    teacher = lti_app.test_client()
    platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **_no_lineitem(platform))
    assert [r.get("method") for r in platform.received if r["path"] == "/lineitems"] == ["GET"]  # no POST
    with lti_app.app_context():
        assert db.session.query(LtiLink).one().ags["lineitem"] == platform.url + "/lineitems/7"
