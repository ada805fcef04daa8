"""Every page state the in-process tests reach, crawled in Spanish: no English word of the interface is
left outside what stays English by design (tests/support/crawl.py says what and why). The same crawl in
English is the control: it must find English words on every page, or the crawl would prove nothing."""

from __future__ import annotations

import re

from rules.practice.cases import load_cases
from rules.practice.library import public_id
from tests.support.apps import csrf_token
from tests.support.crawl import english_words
from webapp.classroom import withheld

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
    student = re.search(rf"/classroom/{code}/students/(\d+)", pages["classroom dashboard with answers"]).group(1)
    get("student detail", f"/classroom/{code}/students/{student}")
    get("classroom CSV columns", "/classroom/csv-columns")

    # the projector of a self-paced class: the lobby with a nickname, an open case, a revealed case
    projector = f"/classroom/{code}/projector"
    get("projector, lobby", projector)
    get("projector, open case", projector + "?case=1")
    case_token = re.search(r'name="case_id" value="([^"]+)"', pages["projector, open case"]).group(1)
    token = csrf_token(client, projector + "?case=1")
    client.post(f"/classroom/{code}/reveal", data={"csrf_token": token, "back": "projector", "case_id": case_token})
    get("projector, revealed case", projector + "?case=1")

    # a class the educator paces, with the phone as the remote: pairing, refused, paired, signed out
    newcomer = client.application.test_client()  # a new educator: the recovery file is offered once
    newcomer.environ_base.update(client.environ_base)
    first = educator_paced_class(newcomer)
    response = newcomer.get(f"/classroom/{first}/recovery.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    pages["classroom recovery file"] = response.get_data(as_text=True)
    paced = educator_paced_class(client)
    projector = f"/classroom/{paced}/projector"
    get("projector, paced lobby", projector)
    phone = client.application.test_client()
    phone.environ_base.update(client.environ_base)

    def phone_get(name: str, path: str, status: int = 200) -> None:
        response = phone.get(path)
        assert response.status_code == status, (name, path, response.status_code)
        pages[name] = response.get_data(as_text=True)

    def pairing() -> str:
        client.post(f"/classroom/{paced}/pair/new", data={"csrf_token": csrf_token(client, projector)})
        get("projector, pairing code", projector)
        pair = f"/classroom/{paced}/pair"
        phone_get("pair a phone", f"{pair}?pairing=")
        data = {"csrf_token": csrf_token(phone, pair), "pairing": "WRONG1"}
        pages["pair a phone, wrong code"] = phone.post(pair, data=data).get_data(as_text=True)
        code = re.search(r'class="pj-pair-code">([A-Z0-9]+)<', pages["projector, pairing code"]).group(1)
        phone.post(pair, data={"csrf_token": csrf_token(phone, pair), "pairing": code})
        return code

    pairing()
    phone_get("pairing, waiting", f"/classroom/{paced}/remote")
    get("projector, pairing to confirm", projector)
    client.post(f"/classroom/{paced}/pair/cancel", data={"csrf_token": csrf_token(client, projector)})
    phone_get("pairing, expired", f"/classroom/{paced}/remote", 410)
    pairing()
    client.post(f"/classroom/{paced}/pair/confirm", data={"csrf_token": csrf_token(client, projector)})
    get("projector, phone paired", projector)
    remote = f"/classroom/{paced}/remote"
    phone_get("remote, lobby", remote)
    phone.post(f"/classroom/{paced}/start", data={"csrf_token": csrf_token(phone, remote), "back": "remote"})
    phone_get("remote, case open", remote)
    get("projector, paced case open", projector)
    phone.post(f"/classroom/{paced}/reveal", data={"csrf_token": csrf_token(phone, remote), "back": "remote"})
    get("projector, paced case revealed", projector)
    response = phone.post(f"/classroom/{paced}/remote/sign-out", data={"csrf_token": csrf_token(phone, remote)})
    pages["remote, signed out"] = response.get_data(as_text=True)
    token = csrf_token(client, projector)
    response = client.post(f"/classroom/{paced}/remotes/sign-out", data={"csrf_token": token})
    pages["remote, every phone signed out"] = response.get_data(as_text=True)

    # a case the educator writes: the form, refused, saved, edited, deleted (unused, then used)
    get("author a case", "/classroom/cases/new")
    written = authored_case(csrf_token(client, "/classroom/cases/new"))
    pages["author a case, refused"] = client.post("/classroom/cases/new", data={**written, "title": ""}).get_data(
        as_text=True
    )
    assert client.post("/classroom/cases/new", data=written).status_code == 302
    # each state is the one it is named for
    assert (
        "pj-revealed" in pages["projector, revealed case"] and "pj-revealed" in pages["projector, paced case revealed"]
    )
    assert (
        'class="pj-pair-code"' in pages["projector, pairing code"]
        and 'http-equiv="refresh"' in pages["pairing, waiting"]
    )
    assert f"/classroom/{paced}/pair/confirm" in pages["projector, pairing to confirm"]
    assert f"/classroom/{paced}/start" in pages["remote, lobby"] and "remote-case" in pages["remote, case open"]
    get("classroom new, with a written case", "/classroom/new")
    number = max(map(int, re.findall(r"/classroom/cases/(\d+)/edit", pages["classroom new, with a written case"])))
    get("edit a written case", f"/classroom/cases/{number}/edit")
    get("delete a written case", f"/classroom/cases/{number}/delete")
    educator_paced_class(client, cases=[f"authored-{number}"])
    get("delete a written case in use", f"/classroom/cases/{number}/delete")

    # refusals: a link and an import the rules cannot read, a practice case a class holds back
    get("result, a link with an unknown onset", "/assessment?present=hypocalcemia&onset=yesterday", 400)
    data = {"csrf_token": csrf_token(client), "import_text": "HP:0001873\nHP:12"}
    pages["checklist, an import refused"] = client.post("/import", data=data).get_data(as_text=True)
    held = CASES[1]
    client.post(
        "/classroom/new",
        data={
            "csrf_token": csrf_token(client, "/classroom/new"),
            "title": "Clase con la respuesta al final",
            "cases": [held.id],
            "simulated": "0",
            "feedback": "after_reveal",
            "pace": "self",
        },
    )
    withheld._cache.clear()  # the held-back set is read at most every CACHE_SECONDS
    path = f"/practice/{public_id(held.id)}"
    data = {"csrf_token": csrf_token(client), "findings": list(held.key.present), "lean": "recessive"}
    response = client.post(path, data={**data, "confidence": "70"})
    assert response.status_code == 409
    pages["practice case held back by a class"] = response.get_data(as_text=True)
    return pages


def educator_paced_class(client, cases=None) -> str:
    """A new class the educator paces; its join code."""
    response = client.post(
        "/classroom/new",
        data={
            "csrf_token": csrf_token(client, "/classroom/new"),
            "title": "Clase en directo",
            "cases": cases or [c.id for c in CASES],
            "simulated": "0",
            "feedback": "immediate",  # after_reveal would hold back these cases' practice feedback
            "pace": "educator",
        },
    )
    return re.fullmatch(r"/classroom/([A-Z0-9]+)/created", response.location).group(1)


def authored_case(token: str) -> dict[str, str]:
    """A case written in Spanish, as the authoring form sends it."""
    return {
        "csrf_token": token,
        "title": "Lactante con espasmos",
        "age": "4 meses",
        "sex": "female",
        "difficulty": "easy",
        "narrative": "Una lactante de cuatro meses tiene espasmos y el calcio bajo.",
        "onset": "infancy",
        "family_history": "consanguineous_parents",
        "lean": "recessive",
        "hypocalcemia": "present",
        "tetany": "present",
        "point1": "El calcio bajo en la lactancia orienta a la forma recesiva.",
        "point1_source": "seed",
        "point1_locator": "Signs & Symptoms of MIOP",
        "point2": "",
        "point3": "",
        "point2_source": "seed",
        "point3_source": "seed",
    }


# Pages (states) where English is left for now, and the words: the practice feedback's sentences
# made in rules/ (the score rule, the lean's explanation, the unfolding's timing) are the knowledge's
# and the engine's own texts, for the overlays; the crawl fails once they are gone, so the list shrinks.
PENDING: dict[str, set[str]] = {}
# The states that are a plain-text file, not a page (no <html lang>).
TEXT_FILES = {"classroom recovery file"}


def test_no_english_word_is_left_on_any_page_in_spanish(client):
    # English first, in the same process: what one language's request builds and keeps (a cached form,
    # the rows built once per process) must not show up in the other's pages.
    page_states(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-CR,es;q=0.9,en;q=0.5"
    pages = page_states(client)
    assert all('<html lang="es">' in html for name, html in pages.items() if name not in TEXT_FILES)
    left = {name: words for name, html in pages.items() if (words := english_words(html))}
    assert {name: set(words) for name, words in left.items()} == PENDING, "\n".join(
        f"{k}: {v}" for k, v in left.items()
    )


def test_the_english_pages_crawled_the_same_way_are_found_english(client):
    pages = page_states(client)
    assert all('<html lang="en">' in html for name, html in pages.items() if name not in TEXT_FILES)
    quiet = [name for name, html in pages.items() if len(english_words(html)) < 5]
    assert quiet == [], "the crawl finds no English on these English pages: it would prove nothing"
