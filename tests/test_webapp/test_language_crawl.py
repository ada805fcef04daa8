"""Every page state the in-process tests reach, crawled in Spanish: no English word of the interface is
left outside what stays English by design (tests/support/crawl.py says what and why). The same crawl in
English is the control: it must find English words on every page, or the crawl would prove nothing."""

from __future__ import annotations

import re

from rules.practice.cases import load_cases
from rules.practice.library import public_id
from tests.support.apps import csrf_token
from tests.support.crawl import english_words

CASES = list(load_cases().values())[:2]
RESULT = "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia,visual_impairment&onset=neonatal"


def page_states(client) -> dict[str, str]:
    """(state -> HTML) of every page a user reaches, each reached as a user reaches it."""
    pages: dict[str, str] = {}

    def get(name: str, path: str, status: int = 200) -> None:
        response = client.get(path)
        assert response.status_code == status, (name, path, response.status_code)
        pages[name] = response.get_data(as_text=True)

    get("checklist", "/")
    get("result", RESULT)
    get("result, every entry", RESULT + "&entries=all")
    get("result, dominant", "/assessment?present=headaches,fractures&absent=anemia&onset=adulthood")
    get("result, contradicted", "/assessment?present=renal_tubular_acidosis,cerebral_calcification&absent=dense_bone")
    get("checklist, nothing entered", "/assessment", 400)
    get("about", "/about")
    get("error 404", "/no-such-page", 404)
    get("error 400", "/assessment?no_such_parameter=1", 400)
    response = client.post(
        "/import", data={"csrf_token": csrf_token(client), "import_text": "HP:0001873\nNOT HP:0002757\nHP:0000256"}
    )
    pages["checklist from an import"] = response.get_data(as_text=True)

    # practice: the library, a case, its feedback, the library with progress
    case = CASES[0]
    path = f"/practice/{public_id(case.id)}"
    get("practice library", "/practice")
    get("practice case", path)
    data = {"csrf_token": csrf_token(client, path), "findings": list(case.key.present), "lean": "recessive"}
    response = client.post(path, data={**data, "confidence": "70"}, follow_redirects=True)
    assert response.status_code == 200
    pages["practice feedback"] = response.get_data(as_text=True)
    get("practice library with progress", "/practice")
    get("practice reset", "/practice/reset")

    # classroom: the educator creates, the student joins and answers, the educator watches
    response = client.post(
        "/classroom/new",
        data={
            "csrf_token": csrf_token(client, "/classroom/new"),
            "title": "Semana 3",
            "cases": [c.id for c in CASES],
            "simulated": "0",
            "feedback": "immediate",
            "pace": "self",
        },
    )
    code = re.fullmatch(r"/classroom/([A-Z0-9]+)/created", response.location).group(1)
    get("classroom new", "/classroom/new")
    get("classroom created", f"/classroom/{code}/created")
    get("classroom dashboard", f"/classroom/{code}")
    get("join", "/join")
    client.post("/join", data={"csrf_token": csrf_token(client, "/join"), "code": code, "nickname": "Ana"})
    get("student home", f"/join/{code}")
    get("student case", f"/join/{code}/1")
    answer = {"csrf_token": csrf_token(client, f"/join/{code}/1"), "findings": list(CASES[0].key.present)}
    response = client.post(
        f"/join/{code}/1", data={**answer, "lean": "recessive", "confidence": "80"}, follow_redirects=True
    )
    pages["student feedback"] = response.get_data(as_text=True)
    get("classroom dashboard with answers", f"/classroom/{code}")
    return pages


# Pages (states) where English is left for now, and the words: the practice feedback's sentences
# made in rules/ (the score rule, the lean's explanation, the unfolding's timing) are the knowledge's
# and the engine's own texts, for the overlays; the crawl fails once they are gone, so the list shrinks.
PENDING: dict[str, set[str]] = {}


def test_no_english_word_is_left_on_any_page_in_spanish(client):
    # English first, in the same process: what one language's request builds and keeps (a cached form,
    # the rows built once per process) must not show up in the other's pages.
    page_states(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-CR,es;q=0.9,en;q=0.5"
    pages = page_states(client)
    assert all('<html lang="es">' in html for html in pages.values())
    left = {name: words for name, html in pages.items() if (words := english_words(html))}
    assert {name: set(words) for name, words in left.items()} == PENDING, left


def test_the_english_pages_crawled_the_same_way_are_found_english(client):
    pages = page_states(client)
    assert all('<html lang="en">' in html for html in pages.values())
    quiet = [name for name, html in pages.items() if len(english_words(html)) < 5]
    assert quiet == [], "the crawl finds no English on these English pages: it would prove nothing"
