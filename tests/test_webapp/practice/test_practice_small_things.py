"""What a trainee expects: "Next case" after feedback, a confirmation (and an undo) before progress
is cleared, the score formula folded away."""

from __future__ import annotations

import html

from rules.practice.cases import load_cases
from rules.practice.library import get_case
from rules.practice.library import public_id
from tests.support.apps import csrf_token
from webapp.practice.presenters import present_library


def commit(client, case_id, query="", right=True):
    key = get_case(case_id).key if right and not case_id.startswith("sim-") else None
    data = {
        "findings": list(key.present) if key else [],
        "lean": "recessive",
        "mechanisms": [],
        "confidence": "80",
        "csrf_token": csrf_token(client, f"/practice/{public_id(case_id)}"),
    }
    return html.unescape(
        client.post(f"/practice/{public_id(case_id)}{query}", data=data, follow_redirects=True).get_data(as_text=True)
    )


def test_feedback_offers_the_next_case_in_library_order(client):
    order = [get_case(c["id"]).id for c in present_library(load_cases(), {})]
    body = commit(client, order[0])
    following = load_cases()[order[1]]
    assert f'href="/practice/{public_id(following.id)}">Next case: {following.title}</a>' in body
    body = commit(client, order[-1])
    assert f'href="/practice/{public_id(order[0])}">Next case: {load_cases()[order[0]].title}</a>' in body
    # Before an attempt there is no "Next case": the page is the case and its form.
    assert "Next case" not in client.get(f"/practice/{public_id(order[0])}").get_data(as_text=True)


def test_after_a_review_pick_next_case_is_the_review_schedules_next(client):
    commit(client, "miop-blind-toddler", "?stage=1", right=False)  # misses all seven findings
    target = client.get("/practice/weak").headers["Location"]
    assert "via=review" in target
    page = html.unescape(client.get(target).get_data(as_text=True))
    assert "via=review" in page  # kept in the form's action and the reveal link
    body = commit(client, target.split("/practice/")[1].split("?")[0], "?via=review")
    assert 'href="/practice/weak">Next case from your review</a>' in body


def test_a_simulated_case_offers_a_new_patient_next(client):
    body = commit(client, "sim-259700-42")
    assert 'href="/practice/new?entry=any">Next case: a new surprise patient</a>' in body


def test_clearing_asks_first_and_can_be_undone(client):
    commit(client, "miop-newborn-tetany")
    library = client.get("/practice").get_data(as_text=True)
    assert 'href="/practice/reset"' in library and 'action="/practice/reset"' not in library  # no one-tap wipe
    confirm = client.get("/practice/reset").get_data(as_text=True)
    assert "Clear my progress?" in confirm and "removes the 1 attempt" in confirm and "No, keep it" in confirm
    assert "1 attempt on 1 case" in client.get("/practice").get_data(as_text=True)  # asking cleared nothing
    resp = client.post("/practice/reset", data={"csrf_token": csrf_token(client, "/practice/reset")})
    cleared = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "No attempts yet" in cleared and "Undo: bring my progress back" in cleared
    resp = client.post("/practice/undo", data={"csrf_token": csrf_token(client, "/practice")})
    restored = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "1 attempt on 1 case" in restored and "progress is back" in restored and "Undo:" not in restored


def test_the_undo_lapses_with_the_next_attempt(client):
    commit(client, "miop-newborn-tetany")
    client.post("/practice/reset", data={"csrf_token": csrf_token(client, "/practice/reset")})
    commit(client, "miop-lost-brother")
    page = client.get("/practice").get_data(as_text=True)
    assert "Undo:" not in page and "1 attempt on 1 case" in page
    # An undo posted anyway changes nothing.
    client.post("/practice/undo", data={"csrf_token": csrf_token(client, "/practice/reset")})
    assert "1 attempt on 1 case" in client.get("/practice").get_data(as_text=True)


def test_the_score_formula_is_folded_away(client):
    body = commit(client, "miop-newborn-tetany")
    fold = body.split('<details class="rule-fold">', 1)[1].split("</details>", 1)[0]
    assert "<summary>How the score is worked out</summary>" in fold
    assert "Score = 0.5 × finding credit" in fold and "Finding credit 1.00 × 0.5" in fold
    assert body.index("big-score") < body.index("rule-fold")  # the score itself stays in view
