"""The drill of due cards on a phone (390x844) in real headless Chromium: two cards answered, turned
and rated, without JavaScript doing anything, with axe."""

from __future__ import annotations

from datetime import UTC
from datetime import datetime
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import expect

import webapp.practice.drill as drill_views
from rules.practice.library import public_id
from tests.support.app_states import answer

pytestmark = pytest.mark.browser
AXE = Axe()


def test_a_trainee_drills_two_cards_on_a_phone(page: Page, live_server, artifacts, monkeypatch):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/practice/{public_id('miop-blind-toddler')}?stage=3")
    answer(page, [], "Recessive", [], "80 %")  # every finding missed: the case and 7 findings get cards
    page.goto(live_server + "/practice/drill")
    expect(page.get_by_role("status")).to_contain_text("The next card falls due in 1 min")
    monkeypatch.setattr(drill_views, "_now", lambda: datetime.now(UTC) + timedelta(minutes=5))

    for n, rating in ((1, "Good"), (2, "Again")):
        page.goto(live_server + "/practice/drill")
        expect(page.locator("#front-h")).to_contain_text("Which")
        expect(page.get_by_text("Answer:")).to_have_count(0)
        assert AXE.run(page).violations_count == 0
        page.screenshot(path=str(artifacts / f"practice-drill-front-{n}.png"))
        page.get_by_role("group", name="Your answer").get_by_role("radio").first.check()
        page.get_by_role("button", name="Answer and turn the card").click()
        expect(page).to_have_url(live_server + "/practice/drill/back")
        expect(page.locator(".drill-answer")).to_be_in_viewport()  # the answer opens on the phone's screen
        expect(page.get_by_role("button", name=rating)).to_be_in_viewport(ratio=1)
        assert AXE.run(page).violations_count == 0
        page.screenshot(path=str(artifacts / f"practice-drill-back-{n}.png"))
        page.reload()  # reloading the back shows it again and rates nothing
        page.get_by_role("button", name=rating).click()
        expect(page).to_have_url(live_server + "/practice/drill")

    page.go_back()  # the back of the second card: rated, so it leads on to the next card
    expect(page).to_have_url(live_server + "/practice/drill")
    expect(page.locator("#front-h")).to_contain_text("Which")
