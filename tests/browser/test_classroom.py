"""A classroom exercise in real headless Chromium: an educator and two students in separate
browsers; the dashboard fills up live (no reload) as they answer; axe on every classroom page."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from rules.cases import load_cases
from webapp.knowledge import kb

pytestmark = pytest.mark.browser
AXE = Axe()
CASES = list(load_cases().values())[:2]
LEAN_LABELS = {
    "recessive": "Recessive (MIOP)",
    "dominant": "Dominant",
    "indeterminate": "Indeterminate: the case does not settle it",
}


def assert_no_axe_violations(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def join(page: Page, base: str, code: str, nickname: str) -> None:
    page.goto(base + "/join")
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_label("Nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projected class")


def answer(page: Page, findings: list[str], lean_label: str, confidence: str) -> None:
    for label in findings:
        page.get_by_label(label, exact=True).check()
    page.get_by_label(lean_label).check()
    page.get_by_label(confidence, exact=True).check()
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.get_by_role("heading", name="Feedback")).to_be_visible()


def test_an_exercise_runs_in_three_browsers_and_the_dashboard_shows_the_answers(
    browser: Browser, live_server, artifacts
):
    kb_labels = {f.slug: f.label for f in kb().findings.values()} | {
        m.slug: m.title for m in kb().mechanisms.values()
    }
    educator = browser.new_context().new_page()
    educator.goto(live_server + "/classroom/new")
    assert_no_axe_violations(educator)
    educator.get_by_label("Title of the exercise").fill("Projected class")
    for case in CASES:
        educator.get_by_label(re.compile("^" + re.escape(case.title))).check()
    educator.get_by_label(re.compile("^Add simulated patients")).fill("1")
    educator.get_by_label(re.compile("^Time limit")).fill("20")
    educator.get_by_role("button", name="Create the exercise").click()
    code = educator.locator(".code-big").inner_text().strip()
    educator.screenshot(path=str(artifacts / "classroom-created.png"), full_page=True)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code)
    expect(educator.locator("#claim-link")).to_contain_text(f"/classroom/{code}/claim#")
    educator.get_by_role("link", name="Open the dashboard").click()
    expect(educator.get_by_role("status")).to_contain_text("0 students, 0 answers.")
    assert_no_axe_violations(educator)

    ana = browser.new_context().new_page()
    ben = browser.new_context().new_page()
    ana.set_viewport_size({"width": 400, "height": 800})
    join(ana, live_server, code, "Ana-Heron")
    assert_no_axe_violations(ana)
    join(ben, live_server, code, "Ben-Otter")

    first, second = CASES
    ana.get_by_role("link", name=re.compile("^Case 1:")).click()
    answer(
        ana,
        [kb_labels[s] for s in (*first.key.present, *first.key.mechanisms)],
        LEAN_LABELS[first.key.lean],
        "90 %",
    )
    expect(ana.locator(".big-score")).to_have_text("100 %")
    assert_no_axe_violations(ana)  # the student page with its feedback
    ana.screenshot(path=str(artifacts / "classroom-student-feedback.png"), full_page=True)
    ben.get_by_role("link", name=re.compile("^Case 1:")).click()
    answer(ben, [kb_labels[first.key.present[0]], "Headaches"], LEAN_LABELS["indeterminate"], "60 %")
    ben.get_by_role("link", name="Next case").click()
    assert_no_axe_violations(ben)  # the student page with the attempt form
    answer(ben, [kb_labels[s] for s in second.key.present], LEAN_LABELS["dominant"], "70 %")

    # The educator's dashboard, untouched since before the students answered, fills up by polling.
    expect(educator.get_by_role("status")).to_contain_text("2 students, 3 answers.", timeout=15_000)
    expect(educator.locator("#case-1-h")).to_contain_text("2 answered")
    expect(educator.locator(".cls-students")).to_contain_text("Ana-Heron")
    expect(educator.locator(".cls-students")).to_contain_text("Ben-Otter")
    assert_no_axe_violations(educator)
    educator.screenshot(path=str(artifacts / "classroom-dashboard.png"), full_page=True)

    projector = educator.context.new_page()
    projector.goto(live_server + f"/classroom/{code}/projector")
    expect(projector.get_by_role("status")).to_contain_text("2 students, 3 answers.")
    assert "Ana-Heron" not in projector.content()
    assert_no_axe_violations(projector)
    projector.set_viewport_size({"width": 1600, "height": 900})
    projector.screenshot(path=str(artifacts / "classroom-projector.png"), full_page=True)

    # Closing the exercise: a student's next submission is refused with a clear message.
    educator.get_by_role("button", name="Close the exercise").click()
    expect(educator.get_by_role("status")).to_contain_text("Closed by the educator")
    ana.goto(live_server + f"/join/{code}/2")
    expect(ana.get_by_role("status")).to_contain_text("answers are no longer accepted")
    expect(ana.get_by_role("button", name="Commit and reveal")).to_have_count(0)


def test_the_printed_educator_link_opens_the_dashboard_in_another_browser(browser: Browser, live_server):
    first = browser.new_context().new_page()
    first.goto(live_server + "/classroom/new")
    first.get_by_label("Title of the exercise").fill("Link test")
    first.get_by_label(re.compile("^" + re.escape(CASES[0].title))).check()
    first.get_by_role("button", name="Create the exercise").click()
    expect(first.locator("#claim-link")).to_be_hidden()  # folded away: the page may be on the projector
    first.get_by_text("Your educator link").click()
    link = first.locator("#claim-link").inner_text().strip()
    assert_no_axe_violations(first)  # the page with the join code and the educator link
    first.goto(live_server + "/classroom/cases/new")
    assert_no_axe_violations(first)  # the authoring form
    other = browser.new_context().new_page()
    other.goto(link)
    expect(other.get_by_label("Educator key")).not_to_have_value("")
    assert "#" not in other.url  # the key left the address bar
    assert_no_axe_violations(other)
    other.get_by_role("button", name="Open the dashboard").click()
    expect(other.get_by_role("heading", level=1)).to_have_text("Link test")
