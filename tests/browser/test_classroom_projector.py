"""The projector in real headless Chromium: every library case and one simulated patient of every
offered entry fits the screen at 1280x720 and 1920x1080 (no scrolling) as a whole narrative, as
the stages of a class the educator paces, and after the reveal (key findings, teaching points and
the class's answers side by side, with students' misses and over-calls listed)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page

from rules.practice.cases import load_cases
from rules.practice.simulate import case_id_for
from rules.practice.simulate import offered_entries
from tests.support.app_states import post_json
from webapp.classroom.service import resolve_case
from webapp.infra.knowledge import kb

pytestmark = pytest.mark.browser
SIZES = ((1280, 720), (1920, 1080))
LIBRARY = [c.id for c in load_cases().values()]
SIMULATED = [case_id_for(e, 42) for e in offered_entries()]
EXERCISE_SIZE = 20  # the most cases an exercise takes


def overflow(page: Page, url: str) -> list[str]:
    """The screen sizes at which the page at `url` scrolls."""
    page.goto(url)
    wrong = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        scroll = page.evaluate("document.documentElement.scrollHeight")
        if scroll > height:
            wrong.append(f"{width}x{height}: {scroll} px")
    return wrong


def case_of(case_id: str):
    case = resolve_case(case_id, None, kb())
    assert case is not None
    return case


def wrong_answer(case_id: str) -> dict:
    """An answer that misses every key finding and over-calls several (the longest lists)."""
    extra = [s for s in kb().findings if s not in case_of(case_id).key.present][:8]
    return {"findings": extra, "lean": "indeterminate", "mechanisms": [], "confidence": 60}


@pytest.mark.parametrize("first", range(0, len(LIBRARY) + len(SIMULATED), EXERCISE_SIZE))
def test_every_case_fits_the_projector_as_a_whole_in_stages_and_revealed(browser: Browser, live_server, first):
    ids = [*LIBRARY, *SIMULATED][first : first + EXERCISE_SIZE]
    body = {"title": "Fits the screen", "case_ids": ids, "pace": "educator", "feedback": "after_reveal"}
    made = post_json(live_server + "/api/v1/exercises", body)
    code, bearer = made["code"], {"Authorization": "Bearer " + made["educator_key"]}
    api = f"{live_server}/api/v1/exercises/{code}"
    page = browser.new_context().new_page()
    page.goto(f"{live_server}/classroom/{code}/claim#{made['educator_key']}")
    page.get_by_role("button", name="Open the dashboard").click()
    projector = f"{live_server}/classroom/{code}/projector"

    wrong: dict[str, list[str]] = {}
    for n, case_id in enumerate(ids, start=1):  # the whole narrative, on the case's own screen
        wrong[f"{case_id} whole"] = overflow(page, f"{projector}?case={n}")
    state = post_json(api + "/start", {}, bearer)
    tokens: dict[str, str] = {}
    for case_id in ids:
        while state["stage"] is not None and state["stage"] < len(case_of(case_id).unfolding):
            state = post_json(api + "/advance", {}, bearer)
        wrong[f"{case_id} stages"] = overflow(page, projector)  # every stage shown
        for nickname in ("ana", "ben"):
            answered = post_json(
                api + "/submissions",
                {"nickname": nickname, "case_id": case_id, "answer": wrong_answer(case_id)}
                | ({"student_token": tokens[nickname]} if nickname in tokens else {}),
            )
            tokens.setdefault(nickname, answered.get("student_token", ""))
        post_json(api + "/reveal", {}, bearer)
        wrong[f"{case_id} revealed"] = overflow(page, projector)
        assert page.get_by_text("Teaching points").is_visible()
        state = post_json(api + "/advance", {}, bearer)
    assert {k: v for k, v in wrong.items() if v} == {}


def test_the_lobby_of_a_large_class_fits_the_projector(browser: Browser, live_server):
    made = post_json(live_server + "/api/v1/exercises", {"title": "A large class", "case_ids": LIBRARY[:1]})
    code = made["code"]
    for i in range(60):  # answering joins a student through the API
        answer = {
            "nickname": f"student-{i:02d}-with-a-long-name",
            "case_id": LIBRARY[0],
            "answer": wrong_answer(LIBRARY[0]),
        }
        post_json(f"{live_server}/api/v1/exercises/{code}/submissions", answer)
    page = browser.new_context().new_page()
    page.goto(f"{live_server}/classroom/{code}/claim#{made['educator_key']}")
    page.get_by_role("button", name="Open the dashboard").click()
    assert overflow(page, f"{live_server}/classroom/{code}/projector") == []
    assert page.locator(".pj-names li").count() == 60  # every name, the list scrolls within its room


def test_the_pairing_code_counts_its_minute_down_on_the_projector(browser: Browser, live_server):
    made = post_json(
        live_server + "/api/v1/exercises", {"title": "Pairing", "case_ids": LIBRARY[:1], "pace": "educator"}
    )
    page = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    page.goto(f"{live_server}/classroom/{made['code']}/claim#{made['educator_key']}")
    page.get_by_role("button", name="Open the dashboard").click()
    page.goto(f"{live_server}/classroom/{made['code']}/projector")
    page.get_by_role("button", name="Pair a phone").click()
    left = page.locator(".pj-pairing [data-count-seconds]")
    first = int(left.inner_text())
    assert 55 <= first <= 60
    page.wait_for_timeout(3200)
    assert first - 4 <= int(left.inner_text()) <= first - 2  # counted down in place, no reload
    assert overflow(page, page.url) == []


def test_the_lobby_in_spanish_fits_the_screen_with_every_nickname_above_the_links(browser: Browser, live_server):
    """Spanish words are longer: the educator's bar, the loopback address warning (the test server is
    on 127.0.0.1) and the nicknames still fit, none of them under the screens' links."""
    body = {
        "title": "Semana 3: huesos frágiles",
        "case_ids": LIBRARY[:3],
        "pace": "educator",
        "feedback": "after_reveal",
    }
    made = post_json(live_server + "/api/v1/exercises", body)
    code = made["code"]
    for nickname in ("Ana", "Benjamín", "Carolina", "Diego", "Esperanza"):
        student = browser.new_context()
        joining = student.new_page()
        joining.goto(f"{live_server}/join?lang=es")
        joining.fill("input[name=code]", code)
        joining.fill("input[name=nickname]", nickname)
        joining.locator("form.cls-form input[type=submit]").click()
        student.close()
    page = browser.new_context().new_page()
    page.goto(f"{live_server}/classroom/{code}/claim?lang=es#{made['educator_key']}")
    page.get_by_role("button", name="Abrir el panel").click()
    wrong = {}
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(f"{live_server}/classroom/{code}/projector")
        assert page.locator(".address-warning").is_visible() and "Esperanza" in page.locator(".pj-names").inner_text()
        names, links, scroll = page.evaluate(
            """[document.querySelector('.pj-names').getBoundingClientRect().bottom,
                document.querySelector('.pj-nav').getBoundingClientRect().top,
                document.documentElement.scrollHeight]"""
        )
        if names > links or scroll > height:
            wrong[f"{width}x{height}"] = (names, links, scroll)
    assert wrong == {}
