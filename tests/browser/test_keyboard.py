"""Keyboard-only use in real headless Chromium: a trainee's practice attempt and a student's join
and answer, done with Tab, Space, arrows and Enter alone. (The checklist's keyboard journey is in
test_checklist_browser.py; the visible focus outline is checked on every page in
test_a11y_all_pages.py.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.app_states import CASES
from tests.support.app_states import PRACTICE_CASE
from tests.support.app_states import label_of
from tests.support.app_states import nickname
from tests.support.app_states import world

pytestmark = pytest.mark.browser
FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
  return {tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '', label,
          text: el.textContent.trim(), checked: !!el.checked};
}"""


def tab_to(page: Page, wanted, limit: int = 120) -> dict:
    """Press Tab until the focused element matches `wanted(focused)`; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError("Tab never reached the element")


def answer_with_the_keyboard(page: Page, findings: list[str], mechanisms: list[str]) -> None:
    """Tick findings and mechanisms with Space, pick the first lean with Space and 70 % with the arrows."""
    for label in findings:
        tab_to(page, lambda f, label=label: f["name"] == "findings" and f["label"] == label)
        page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "lean")
    page.keyboard.press("Space")  # the first option: recessive
    for title in mechanisms:
        tab_to(page, lambda f, title=title: f["name"] == "mechanisms" and f["label"] == title)
        page.keyboard.press("Space")
    tab_to(page, lambda f: f["name"] == "confidence")
    page.keyboard.press("Space")  # 50 %
    page.keyboard.press("ArrowRight")  # 60 %
    page.keyboard.press("ArrowRight")  # 70 %
    assert page.evaluate(FOCUSED)["value"] == "70" and page.evaluate(FOCUSED)["checked"]
    tab_to(page, lambda f: f["type"] == "submit" and f["value"] == "Commit and reveal")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Feedback")).to_be_visible()


def test_a_practice_attempt_can_be_done_with_the_keyboard_alone(page: Page, live_server):
    page.goto(live_server + "/")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Practice")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice cases")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == PRACTICE_CASE)
    page.keyboard.press("Enter")
    expect(page.locator(".narrative").first).to_contain_text("10-day-old girl")
    while page.locator(".reveal-next a").count():  # every stage read, by the keyboard, before committing
        shown = page.locator("section.stage").count()
        tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith("Reveal stage"))
        page.keyboard.press("Enter")
        expect(page.locator("section.stage")).to_have_count(shown + 1)  # the next page, not the old one
    answer_with_the_keyboard(page, ["Low blood calcium", "Anemia"], ["Calcium locked into bone"])
    expect(page.locator(".fb-hit h4")).to_have_text("Hits (2)")
    expect(page.locator("#fb-lean")).to_have_text("Inheritance lean: right")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Back to the library")
    page.keyboard.press("Enter")
    expect(page.locator(".progress")).to_contain_text("1 attempt on 1 case")


def test_a_student_joins_and_answers_with_the_keyboard_alone(page: Page, live_server):
    w = world(live_server)
    page.goto(live_server + "/")
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Join a class")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join a classroom exercise")
    tab_to(page, lambda f: f["name"] == "code")
    page.keyboard.type(w.code.lower())
    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED)["name"] == "nickname"
    name = nickname()
    page.keyboard.type(name)
    page.keyboard.press("Enter")  # submits the form, as in any text field
    expect(page.get_by_text(f"You are {name}.")).to_be_visible()
    tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith("Case 1"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case 1 of 2")
    key = CASES[0].key
    answer_with_the_keyboard(page, [label_of(s) for s in key.present], [label_of(m) for m in key.mechanisms])
    tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Next case")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Case 2 of 2")
