"""Scheduled review in the pages: the weak-spot pick says why, the library shows the schedule, and
the session cookie stays within its budget after 200 attempts."""

from __future__ import annotations

import html

from rules.practice.library import public_id
from rules.practice.simulate import offered_entries
from tests.support.apps import COOKIE_BUDGET
from tests.support.apps import csrf_token


def commit(client, case_id, findings=(), lean="recessive", confidence="80"):
    data = {
        "findings": list(findings),
        "lean": lean,
        "mechanisms": [],
        "confidence": confidence,
        "csrf_token": csrf_token(client, f"/practice/{public_id(case_id)}"),
    }
    return client.post(f"/practice/{public_id(case_id)}", data=data, follow_redirects=True)


def test_the_weak_spot_pick_says_why_it_chose_the_case(client):
    commit(client, "miop-blind-toddler")  # every finding missed: each is scheduled, and the case too
    library = html.unescape(client.get("/practice").get_data(as_text=True))
    assert "Scheduled for review" in library and "7 findings and 1 case you missed" in library
    assert "FSRS" in library and "in 1 min" in library  # FSRS's first learning step
    target = client.get("/practice/weak").headers["Location"]
    assert "miop-blind-toddler" not in target  # not the case just done
    page = html.unescape(client.get(target).get_data(as_text=True))
    assert "Why this case:" in page
    reason = page.split("Why this case:</strong>", 1)[1].split("</p>", 1)[0]
    # Nothing is due yet (the first step is a minute): the pick falls back to the most-missed findings.
    assert "Nothing is due for review yet (the next card falls due in 1 min)" in reason
    assert "(missed 1×)" in reason


def test_a_pick_made_without_review_shows_no_reason(client):
    commit(client, "miop-blind-toddler")
    assert "Why this case" not in client.get("/practice/miop-lost-brother").get_data(as_text=True)


def test_clearing_clears_the_schedule_and_undo_brings_it_back(client):
    commit(client, "miop-blind-toddler")
    client.post("/practice/reset", data={"csrf_token": csrf_token(client, "/practice/reset")})
    assert "Scheduled for review" not in client.get("/practice").get_data(as_text=True)
    client.post("/practice/undo", data={"csrf_token": csrf_token(client, "/practice")})
    assert "7 findings and 1 case you missed" in html.unescape(client.get("/practice").get_data(as_text=True))


def test_the_session_cookie_stays_within_its_budget_after_200_attempts(client, capsys):
    """The worst case for the cookie: 200 different patients, every finding missed, so the record list
    (50 kept), every finding card and the case cards (30 kept) are all full."""
    entries = offered_entries()
    for n in range(200):
        entry = entries[n % len(entries)]
        commit(client, f"sim-{entry.number}-{100000000 + n}", [], "dominant", "50")
    cookie = client.get_cookie("session")
    size = len(f"session={cookie.value}")
    with capsys.disabled():
        print(f"\nsession cookie after 200 attempts: {size} bytes (value {len(cookie.value)})")
    assert size < COOKIE_BUDGET
    page = html.unescape(client.get("/practice").get_data(as_text=True))
    assert "50 attempts" in page and "30 cases you missed" in page


def test_a_case_due_for_review_is_picked_first_and_the_page_says_so(client):
    from datetime import UTC
    from datetime import datetime
    from datetime import timedelta

    from rules.practice.review import review

    commit(client, "miop-lost-brother")  # scored low: the case gets a card
    commit(client, "miop-newborn-tetany", ["tetany", "hypocalcemia"])  # the case just done is another one
    with client.session_transaction() as s:  # an hour later, as far as the schedule is concerned
        earlier = datetime.now(UTC) - timedelta(hours=1)
        s["practice_review"] = review({}, "miop-lost-brother", [], [], 10, earlier)
    target = client.get("/practice/weak").headers["Location"]
    assert target == f"/practice/{public_id('miop-lost-brother')}?via=review"
    page = html.unescape(client.get(target).get_data(as_text=True))
    assert "Why this case:</strong> This case is due for review: you scored" in page
    assert "the schedule (FSRS) brought it back now" in page
