"""The drill of due cards through the pages: front, answer (303 to the back), rating (303 to the next
card), FSRS scheduling, reloads that never rate twice, bad input, the cookie after 500 reviews, and the
Anki export's format."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest

import webapp.practice.drill as drill_views
from rules import load_knowledge
from rules.practice.library import get_case
from rules.practice.library import public_id
from rules.practice.review import items
from rules.practice.review import review
from rules.practice.simulate import offered_entries
from tests.support.apps import COOKIE_BUDGET
from tests.support.apps import csrf_token

KB = load_knowledge()
CARD_INPUT = re.compile(r'name="card" type="hidden" value="([^"]+)"')


def commit(client, case_id, findings=()):
    path = f"/practice/{public_id(case_id)}"
    data = {"findings": list(findings), "lean": "dominant", "mechanisms": [], "confidence": "50"}
    return client.post(path, data={**data, "csrf_token": csrf_token(client, path)})


@pytest.fixture
def clock(monkeypatch):
    """The drill's clock, moved by hand: [now]."""
    now = [datetime.now(UTC)]
    monkeypatch.setattr(drill_views, "_now", lambda: now[0])
    return now


def schedule(client):
    with client.session_transaction() as s:
        return s.get("practice_review")


def front(client):
    """The drill page's text and the card it shows (None when nothing is due)."""
    page = client.get("/practice/drill")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    found = CARD_INPUT.search(text)
    return text, found.group(1) if found else None


def token_of(client):
    """The session's CSRF token (one per session), from a form that carries it."""
    return csrf_token(client, "/practice/reset")


def answer(client, card, choice, csrf=None):
    data = {"csrf_token": csrf or token_of(client), "card": card, "choice": choice}
    return client.post("/practice/drill", data=data)


def rate(client, card, rating, csrf=None):
    data = {"csrf_token": csrf or token_of(client), "card": card, "rating": rating}
    return client.post("/practice/drill/rate", data=data)


def test_nothing_due_says_when_the_next_card_is(client, clock):
    assert "No cards yet" in client.get("/practice/drill").get_data(as_text=True)
    commit(client, "miop-blind-toddler")  # every finding missed: 7 finding cards and the case
    text, token = front(client)
    assert token is None and "Nothing is due now. The next card falls due in 1 min." in text
    assert "8 cards scheduled" in text
    assert "Drill the due cards" not in client.get("/practice").get_data(as_text=True)
    with client.session_transaction() as s:  # an hour later, as far as the schedule is concerned
        present = get_case("miop-blind-toddler").key.present
        s["practice_review"] = review({}, "miop-blind-toddler", present, present, 10, clock[0] - timedelta(hours=1))
    assert 'href="/practice/drill">Drill the due cards' in client.get("/practice").get_data(as_text=True)


def test_a_card_is_answered_turned_and_rated_once(client, clock):
    commit(client, "miop-blind-toddler")
    clock[0] += timedelta(minutes=5)
    text, token = front(client)
    assert "Which type does this case suggest?" in text and "Your answer" in text  # the case card fell due first
    assert "Osteopetrosis, autosomal recessive 1" in text  # among the choices...
    assert "Answer:" not in text and "TCIRG1" in text.split("Your answer", 1)[1]  # ...and only there
    before = schedule(client)
    response = answer(client, token, "0")
    assert response.status_code == 303 and response.headers["Location"] == "/practice/drill/back"
    assert client.get("/practice/drill").headers["Location"] == "/practice/drill/back"  # answered: no second try
    back = html.unescape(client.get("/practice/drill/back").get_data(as_text=True))
    assert "Answer:</strong> Osteopetrosis, autosomal recessive 1 (TCIRG1)" in back
    assert "Why:" in back and "Source:" in back and "OMIM:259700 annotations" in back
    for name in ("Again", "Hard", "Good", "Easy"):
        assert f">{name}</button>" in back
    assert schedule(client) == before  # answering schedules nothing
    response = rate(client, token, "4")
    assert response.status_code == 303 and response.headers["Location"] == "/practice/drill"
    after = {i.key: i.due for i in items(schedule(client))}
    case_key = f"c:{'miop-blind-toddler'}"
    assert after[case_key] - clock[0] > timedelta(days=1)  # Easy: FSRS puts it days away
    # The same rating posted again (a reload of the POST, or Back and resubmit) rates nothing.
    again = rate(client, token, "1")
    assert again.status_code == 303 and {i.key: i.due for i in items(schedule(client))} == after
    assert client.get("/practice/drill/back").headers["Location"] == "/practice/drill"
    text, next_token = front(client)
    assert next_token not in (None, token) and "Which" in text


def test_again_brings_the_card_back_in_minutes(client, clock):
    commit(client, "miop-blind-toddler")
    clock[0] += timedelta(minutes=5)
    _, token = front(client)
    answer(client, token, "1")
    rate(client, token, "1")
    due = {i.key: i.due for i in items(schedule(client))}["c:miop-blind-toddler"]
    assert timedelta(0) < due - clock[0] <= timedelta(minutes=10)


@pytest.mark.parametrize(
    "form",
    [
        {"choice": "9"},  # not one of the choices
        {"choice": "x"},
        {},  # no choice at all
    ],
)
def test_a_bad_answer_gets_a_400_and_changes_nothing(client, clock, form):
    commit(client, "miop-blind-toddler")
    clock[0] += timedelta(minutes=5)
    _, token = front(client)
    before = schedule(client)
    response = client.post("/practice/drill", data={"csrf_token": token_of(client), "card": token, **form})
    assert response.status_code == 400 and "Pick one answer." in response.get_data(as_text=True)
    assert schedule(client) == before and client.get("/practice/drill/back").status_code == 302


def test_a_bad_rating_or_a_missing_token_gets_a_400(client, clock):
    commit(client, "miop-blind-toddler")
    clock[0] += timedelta(minutes=5)
    _, token = front(client)
    answer(client, token, "0")
    before = schedule(client)
    assert rate(client, token, "5").status_code == 400
    assert client.post("/practice/drill/rate", data={"card": token, "rating": "3"}).status_code == 400
    assert client.post("/practice/drill", data={"card": token, "choice": "0"}).status_code == 400
    assert schedule(client) == before


def test_a_stale_answer_form_rates_nothing(client, clock):
    commit(client, "miop-blind-toddler")
    clock[0] += timedelta(minutes=5)
    _, token = front(client)
    answer(client, token, "0")
    rate(client, token, "3")
    stale = answer(client, token, "0")  # the old front, posted again
    assert stale.headers["Location"] == "/practice/drill"
    assert client.get("/practice/drill/back").headers["Location"] == "/practice/drill"


def test_the_session_cookie_stays_within_its_budget_after_500_reviews(client, clock, capsys):
    """The worst case first: 50 patients, every finding missed (the records, the finding cards and the
    30 case cards all full), then 500 drill reviews through the pages, ratings in turn Again, Hard,
    Good, Easy, the clock moved on to each next due card."""
    entries = offered_entries()
    for n in range(50):
        commit(client, f"sim-{entries[n % len(entries)].number}-{200000000 + n}")
    cards, csrf = len(items(schedule(client))), token_of(client)
    largest, reviews = 0, 0
    while reviews < 500:
        _, token = front(client)
        if token is None:
            clock[0] = max(clock[0], min(i.due for i in items(schedule(client))))
            continue
        assert answer(client, token, str(reviews % 2), csrf).status_code == 303
        largest = max(largest, len(f"session={client.get_cookie('session').value}"))
        assert rate(client, token, str(1 + reviews % 4), csrf).status_code == 303
        largest = max(largest, len(f"session={client.get_cookie('session').value}"))
        reviews += 1
    with capsys.disabled():
        print(f"\nsession cookie during 500 drill reviews ({cards} cards): at most {largest} bytes")
    assert largest < COOKIE_BUDGET
    assert len(items(schedule(client))) == cards  # reviews add no card


def test_missed_findings_export_for_anki(client):
    commit(client, "miop-newborn-twitching", ["anemia"])
    resp = client.get("/practice/missed.csv")
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    lines = resp.get_data(as_text=True).splitlines()
    # Anki's file headers (docs.ankiweb.net, "Importing text files", File Headers).
    assert lines[:5] == [
        "#separator:comma",
        "#html:false",
        "#columns:Front,Back,Source,Tags,Deck",
        "#tags column:4",
        "#deck column:5",
    ]
    rows = list(csv.reader(io.StringIO("\n".join(lines[5:]))))
    assert rows and all(len(r) == 5 for r in rows)
    labels = {f.label for f in KB.findings.values()}
    for front_, back, source, tags, deck in rows:
        assert front_.startswith("A patient: \u201c") and not any(label.lower() in front_.lower() for label in labels)
        assert len(back.split()) <= 45 and back.count("Why:") == 1 and "\u201c" not in back
        assert source and source not in back
        assert tags.split()[0] == "miop" and "type::OMIM_259700" in tags.split()
        assert any(t.startswith("mechanism::") for t in tags.split()) and deck == "MIOP Checklist::Missed findings"
    calcium = next(r for r in rows if r[1].startswith("Low blood calcium."))
    assert "Mechanism: Calcium locked into bone." in calcium[1] and "mechanism::calcium_trapping" in calcium[3]
    assert "Serum calcium" in calcium[0] and "Signs & Symptoms of MIOP" in calcium[2]
    assert not any(r[1].startswith("Anemia.") for r in rows)  # found, so not missed
