"""Deep linking (the picker's answer, verified with the tool's /lti/jwks.json) and grades back
(a student answers, the score reaches the platform's line item with a valid bearer token)."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import jwt
from flask import Flask
from jwt.algorithms import RSAAlgorithm

from rules.practice.cases import load_cases
from tests.support.apps import csrf_token
from tests.support.lti_platform import CLAIM
from tests.support.lti_platform import CLIENT_ID
from tests.support.lti_platform import DEPLOYMENT
from tests.support.lti_platform import INSTRUCTOR
from tests.support.lti_platform import LEARNER
from tests.support.lti_platform import Platform
from webapp.extensions import db
from webapp.lti.grades import send_pending
from webapp.models import Exercise
from webapp.models import LtiLearner

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
CASES = list(load_cases().values())


def _deep_link_request(platform: Platform, client) -> object:
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
                "accept_presentation_document_targets": ["iframe", "window"],
                "data": "opaque-platform-data",
            },
        },
    )
    return client.post("/lti/launch", data={"id_token": platform.sign(claims), "state": params["state"]})


def _pick(lti_app: Flask, platform: Platform, client, cases: list[str]) -> tuple[str, dict]:
    picker = _deep_link_request(platform, client)
    assert picker.status_code == 200
    html = picker.get_data(as_text=True)
    launch_id = re.search(r'name="launch_id" type="hidden" value="([^"]+)"', html).group(1)
    answer = client.post(
        "/lti/deep-link",
        data={
            "csrf_token": re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1),
            "launch_id": launch_id,
            "title": "Dense bones, week 3",
            "cases": cases,
            "pace": "self",
            "feedback": "immediate",
        },
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    page = answer.get_data(as_text=True)
    assert f'action="{platform.url}/deep-link-return"' in page and "data-autosubmit" in page
    csp = answer.headers["Content-Security-Policy"]
    assert f"form-action 'self' {platform.url};" in csp and "script-src 'self';" in csp
    token = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    # The platform checks the answer with the tool's published key, found by the token's kid.
    keys = client.get("/lti/jwks.json").get_json()["keys"]
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys if k["kid"] == kid)
    body = jwt.decode(token, RSAAlgorithm.from_jwk(json.dumps(jwk)), algorithms=["RS256"], audience=platform.url)
    return token, body


def test_deep_linking_answers_a_signed_resource_link_with_a_line_item(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    chosen = [CASES[0].id, CASES[1].id]
    _, body = _pick(lti_app, platform, client, chosen)
    assert body["iss"] == CLIENT_ID and body[CLAIM + "deployment_id"] == DEPLOYMENT
    assert body[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert body[DL + "data"] == "opaque-platform-data"
    (item,) = body[DL + "content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://localhost/lti/launch"
    assert item["lineItem"]["scoreMaximum"] == 100
    code = item["custom"]["exercise"]
    with lti_app.app_context():
        exercise = db.session.query(Exercise).filter_by(code=code).one()
        assert [c.case_id for c in exercise.cases] == chosen and exercise.title == "Dense bones, week 3"
    # The picker's answer cannot be sent twice, nor from another browser.
    stranger = lti_app.test_client()
    refused = stranger.post("/lti/deep-link", data={"launch_id": "lti1p3-launch-x"})
    assert refused.status_code in (400, 403)


def test_a_learner_cannot_add_an_activity(lti_app: Flask, platform: Platform) -> None:
    client = lti_app.test_client()
    params = platform.login(client)
    claims = platform.claims(
        params["nonce"],
        role=LEARNER,
        **{
            CLAIM + "message_type": "LtiDeepLinkingRequest",
            CLAIM + "resource_link": None,
            DL + "deep_linking_settings": {
                "deep_link_return_url": platform.url + "/r",
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["iframe"],
            },
        },
    )
    response = client.post("/lti/launch", data={"id_token": platform.sign(claims), "state": params["state"]})
    assert response.status_code == 403


def _answer(client, code: str, n: int, case, right: bool = True):
    path = f"/join/{code}/{n}"
    key = case.key
    return client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "findings": list(key.present) if right else [],
            "lean": key.lean if right else "unsure",
            "mechanisms": list(key.mechanisms) if right else [],
            "confidence": "90",
        },
    )


def test_the_whole_flow_ends_with_the_score_at_the_platform(lti_app: Flask, platform: Platform) -> None:
    teacher = lti_app.test_client()
    chosen = [CASES[0], CASES[1]]
    _, body = _pick(lti_app, platform, teacher, [c.id for c in chosen])
    code = body[DL + "content_items"][0]["custom"]["exercise"]
    # The platform launches the new resource link, with the custom parameter the tool asked for.
    custom = {CLAIM + "custom": {"exercise": code}, CLAIM + "resource_link": {"id": "link-dl", "title": "x"}}
    landed = platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1", **custom)
    assert landed.headers["Location"] == f"/classroom/{code}"
    student = lti_app.test_client()
    joined = platform.launch(student, role=LEARNER, sub="learner-42", **custom)
    assert joined.headers["Location"] == f"/join/{code}"

    first = _answer(student, code, 1, chosen[0])
    assert first.status_code == 303
    first.close()  # the server closes the response once sent: the grade goes then
    (score_post,) = platform.scores()
    assert score_post["status"] == 200  # the bearer token was one the token endpoint issued
    assert score_post["headers"]["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    token_posts = [r for r in platform.received if r["path"] == "/token"]
    assert token_posts and token_posts[0]["status"] == 200  # the client assertion verified against /lti/jwks.json
    score = json.loads(score_post["body"])
    assert score["userId"] == "learner-42" and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "InProgress" and score["gradingProgress"] == "Pending"
    assert 0 < score["scoreGiven"] <= 50  # one of two cases: at most half

    second = _answer(student, code, 2, chosen[1])
    second.close()
    last = json.loads(platform.scores()[-1]["body"])
    assert last["activityProgress"] == "Completed" and last["gradingProgress"] == "FullyGraded"
    assert last["scoreGiven"] > score["scoreGiven"]
    assert last["timestamp"] > score["timestamp"]  # strictly newer: Moodle refuses an older one


def test_a_failed_post_is_kept_shown_to_the_educator_and_sent_again(lti_app: Flask, platform: Platform) -> None:
    teacher = lti_app.test_client()
    landed = platform.launch(teacher, role=INSTRUCTOR, sub="teacher-1")
    dashboard = landed.headers["Location"]
    code = urlsplit(dashboard).path.rsplit("/", 1)[1]
    student = lti_app.test_client()
    platform.launch(student, role=LEARNER, sub="learner-1")
    with lti_app.app_context():
        cases = [c.case_id for c in db.session.query(Exercise).filter_by(code=code).one().cases]
    platform.fail_scores = True
    answered = _answer(student, code, 1, load_cases()[cases[0]])
    assert answered.status_code == 303  # the student is not held up
    answered.close()
    with lti_app.app_context():
        learner = db.session.query(LtiLearner).one()
        assert learner.pending and learner.attempts == 1 and learner.last_error
    page = teacher.get(dashboard).get_data(as_text=True)
    assert "1 grade(s) not yet taken by the LMS" in page
    platform.fail_scores = False
    with lti_app.app_context():
        assert send_pending() == (1, 0)
        assert not db.session.query(LtiLearner).one().pending
    assert platform.scores()[-1]["status"] == 200
    assert "not yet taken by the LMS" not in teacher.get(dashboard).get_data(as_text=True)
