"""The crawl: nothing a trainee gets before committing names the answer.

For every written case and 50 simulated patients: the case page at every stage (its text, its links
and the form's address), `GET /api/v1/cases/<id>`, the case's own entry in `GET /api/v1/cases`, its
row and link in the library, the progress section and the session cookie (decoded), before and after
a commit, must not contain the case's entry (OMIM:… / ORPHA:…), its number, the entry's name or a
gene of the entry. The checks are the case's own: the site's general text (the list of entries to
pick a patient from, the about text) names entries on purpose and is not what is checked, except in
addresses and the cookie, where nothing may name any of them.

The differential's choices list every entry the ranking covers, the case's own among them, by design:
they are taken out of the text checked, and must be the same, in the same order, for every case (as in
`GET /api/v1/cases/<id>`'s `choices`), so nothing in them singles out the case's entry.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import unquote

import pytest

from rules.checklist import load_knowledge
from rules.practice.cases import load_cases
from rules.practice.decisions import key_entries
from rules.practice.library import get_case
from rules.practice.library import public_id
from rules.practice.simulate import case_id_for
from rules.practice.simulate import offered_entries
from tests.support.apps import csrf_token
from tests.support.practice import without_choices

SIMULATED = [case_id_for(e, 1000 + 7919 * i) for i, e in enumerate(offered_entries() * 50)][:50]
CASES = [*sorted(load_cases()), *SIMULATED]


def answer_terms(case):
    """Regular expressions for what names the case's answer, for text and for addresses."""
    prefix, _, number = case.entry.partition(":")
    in_text = [re.escape(case.entry), rf"{prefix}\s*{number}\b", re.escape(case.entry_name)]
    if len(number) >= 5:  # an OMIM number: six digits say it anywhere; a short Orphanet number only with its prefix
        in_text.append(rf"(?<![0-9]){number}(?![0-9])")
    genes = [rf"\b{re.escape(g)}\b" for g in case.genes if g not in case.narrative]
    # In an address or the cookie: also the bare number, any case of a gene, and the id the case is written with.
    in_address = [*in_text, rf"(?<![0-9a-z]){number}(?![0-9a-z])", *genes, re.escape(case.id)]
    return [re.compile(t) for t in in_text + genes], [re.compile(t, re.IGNORECASE) for t in in_address]


def leaks(text, terms):
    return [t.pattern for t in terms if t.search(text)]


def addresses(page):
    """The page's links and form addresses, but for the fingerprinted static files and the links that
    pick a patient of a named entry (the trainee chooses what to practise there)."""
    found = [unquote(html.unescape(a)) for a in re.findall(r'(?:href|action)="([^"]*)"', page)]
    return [a for a in found if not a.startswith(("/static/", "/practice/new?entry=OMIM", "/practice/new?entry=ORPHA"))]


def cookie(app, client):
    """The session cookie as its holder can read it (signed, not encrypted)."""
    value = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session")).value
    return json.dumps(app.session_interface.get_signing_serializer(app).loads(value))


REFERENCE = public_id(sorted(load_cases())[0])


def progress_section(page):
    return page[page.index('<section class="progress"') : page.index('<section aria-labelledby="lib-h"')]


@pytest.mark.parametrize("case_id", CASES)
def test_nothing_before_the_commit_names_the_answer(app, client, case_id):
    case = get_case(case_id)
    text_terms, address_terms = answer_terms(case)
    public = public_id(case.id)
    assert not leaks(public, address_terms)
    reference = without_choices(html.unescape(client.get(f"/practice/{REFERENCE}").get_data(as_text=True)))[1]
    for stage in range(1, len(case.unfolding) + 1):
        page, choices = without_choices(
            html.unescape(client.get(f"/practice/{public}?stage={stage}").get_data(as_text=True))
        )
        assert choices == reference, f"stage {stage}: the differential's choices differ from another case's"
        assert not leaks(page, text_terms), f"stage {stage}"
        assert not leaks(" ".join(addresses(page)), address_terms), f"stage {stage}"
    answer = client.get(f"/api/v1/cases/{public}").get_json()
    assert answer.pop("choices") == client.get(f"/api/v1/cases/{REFERENCE}").get_json()["choices"]
    assert not leaks(json.dumps(answer), address_terms)
    listed = [c for c in client.get("/api/v1/cases").get_json()["cases"] if get_case(c["id"]) is case]
    assert len(listed) == (case.kind == "written") and not leaks(json.dumps(listed), address_terms)
    library = html.unescape(client.get("/practice").get_data(as_text=True))
    rows = [row.split("</tr>")[0] for row in library.split("<tr>") if f"/practice/{public}" in row.split("</tr>")[0]]
    assert len(rows) == (case.kind == "written") and not leaks(" ".join(rows), text_terms)
    assert not leaks(" ".join(addresses(library)), address_terms)
    # Commit (naming the case's entry first), then the progress section and the cookie: they keep naming nothing.
    path = f"/practice/{public}?stage=1"
    data = {"lean": "dominant", "confidence": "90", "csrf_token": csrf_token(client, path), "next_step": "nothing"}
    data |= {"differential_1": sorted(key_entries(case.entry, load_knowledge()))[0]}
    assert client.post(path, data=data).status_code == 303
    progress = progress_section(html.unescape(client.get("/practice").get_data(as_text=True)))
    assert "1 attempt on 1 case" in progress and not leaks(progress, text_terms)
    assert not leaks(" ".join(addresses(progress)), address_terms)
    assert not leaks(cookie(app, client), address_terms)


def test_a_new_surprise_patient_is_sent_to_an_address_that_names_no_entry(client):
    every = [t for e in offered_entries() for t in answer_terms(get_case(case_id_for(e, 0)))[1]]
    for _ in range(20):
        location = client.get("/practice/new?entry=any").headers["Location"]
        assert re.fullmatch(r"/practice/[a-z]{13}", location) and not leaks(location, every)
