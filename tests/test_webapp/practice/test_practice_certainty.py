"""Confidence that counts, in the pages: the mark of each lean with its scheme, and on the progress
page the marks, the Brier score and a calibration chart drawn on the server."""

from __future__ import annotations

import html
import re

from rules.practice.library import get_case
from rules.practice.library import public_id
from tests.support.apps import csrf_token

CASE = "miop-newborn-tetany"


def commit(client, lean, confidence):
    key = get_case(CASE).key
    data = {
        "findings": list(key.present),
        "lean": lean,
        "mechanisms": list(key.mechanisms),
        "confidence": str(confidence),
        "csrf_token": csrf_token(client, f"/practice/{public_id(CASE)}"),
    }
    return html.unescape(
        client.post(f"/practice/{public_id(CASE)}", data=data, follow_redirects=True).get_data(as_text=True)
    )


def test_feedback_gives_the_certainty_based_mark_and_shows_the_scheme(client):
    body = commit(client, "dominant", 90)  # wrong at 90 %: level 3, -6
    assert "Certainty-based mark for your lean: -6" in body and "certainty level 3" in body
    scheme = body.split('<table class="cbm">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*><th scope=\"row\">(.*?)</th><td>(.*?)</td><td>(.*?)</td>", scheme)
    assert rows == [("1", "+1", "0"), ("2", "+2", "-2"), ("3 (yours)", "+3", "-6")]
    assert "ucl.ac.uk/lapt" in body
    assert "Certainty-based mark for your lean: +2" in commit(client, "recessive", 70)


def test_the_api_keeps_confidence_50_to_100_and_adds_the_mark(client):
    body = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 60}
    fb = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json=body).get_json()
    assert fb["confidence"] == 60 and fb["certainty"]["level"] == 1 and fb["certainty"]["mark"] == 1
    assert [r["wrong"] for r in fb["certainty"]["scheme"]] == [0, -2, -6]
    for bad in (49, 101, 3):
        resp = client.post(f"/api/v1/cases/{public_id(CASE)}/attempts", json={**body, "confidence": bad})
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_confidence"


def test_progress_shows_marks_brier_and_a_calibration_chart(client):
    assert (
        "<svg"
        not in client.get("/practice").get_data(as_text=True).split("Your progress", 1)[1].split("Written cases")[0]
    )
    commit(client, "recessive", 90)  # +3
    commit(client, "dominant", 90)  # -6
    commit(client, "recessive", 60)  # +1
    page = html.unescape(client.get("/practice").get_data(as_text=True))
    assert (
        "Certainty-based marks for your lean and decisions: <strong>-2</strong> of 9 possible over 3 attempts" in page
    )
    brier = ((0.9 - 1) ** 2 + 0.9**2 + (0.6 - 1) ** 2) / 3
    assert f"Brier score of your lean: <strong>{brier:.3f}</strong>" in page
    svg = page.split('<figure class="calib-chart">', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and 'aria-labelledby="calib-title calib-desc"' in svg
    assert '<title id="calib-title">' in svg and '<desc id="calib-desc">' in svg
    # Readable without colour: every point carries its numbers as text, and the description says them.
    assert svg.count("<circle") == 2 and ">1/2</text>" in svg and ">1/1</text>" in svg
    assert "at 90 % confidence your lean was right 1 of 2 times (50 %)" in svg
    assert "at 60 % confidence your lean was right 1 of 1 times (100 %)" in svg
    assert 'class="diagonal"' in svg
