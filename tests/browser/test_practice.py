"""A trainee's journey in real headless Chromium: a written case and a simulated one, with axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import expect

from rules import load_knowledge
from rules.practice.library import get_case
from tests.support.app_states import answer

pytestmark = pytest.mark.browser
AXE = Axe()  # axe-core bundled in the wheel: no network
KB = load_knowledge()


def assert_no_axe_violations(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_trainee_does_a_written_case_and_reads_the_feedback(page: Page, live_server, artifacts):
    page.goto(live_server + "/practice")
    expect(page).to_have_title(re.compile("Practice"))
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-library-empty.png"), full_page=True)

    page.get_by_role("link", name="A newborn with twitching episodes").click()
    expect(page.locator(".narrative")).to_contain_text("10-day-old girl")
    expect(page.locator(".feedback")).to_have_count(0)
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-case.png"), full_page=True)

    answer(
        page,
        ["Low blood calcium", "Anemia", "Enlarged liver and spleen", "Frequent or poorly healing fractures"],
        "Recessive",
        ["No room for marrow: blood forms in liver and spleen"],
        "80 %",
    )
    expect(page.locator(".big-score")).to_be_visible()
    expect(page.locator(".fb-hit h4")).to_have_text("Hits (3)")
    expect(page.locator(".fb-miss h4")).to_have_text("Missed (3)")
    expect(page.locator(".fb-extra h4")).to_have_text("Over-calls (1)")
    expect(page.locator("#fb-lean")).to_have_text("Inheritance lean: right")
    expect(page.locator(".teaching li")).to_have_count(len(get_case("miop-newborn-twitching").teaching_points))
    expect(page.get_by_role("note")).to_contain_text("not a diagnosis")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-feedback.png"), full_page=True)

    page.goto(live_server + "/practice")
    expect(page.locator(".progress")).to_contain_text("1 attempt on 1 case")
    expect(page.locator(".progress")).to_contain_text("Low platelets (missed 1×)")


def test_trainee_does_two_simulated_patients_and_sees_progress(page: Page, live_server, artifacts):
    page.goto(live_server + "/practice")
    page.get_by_role("link", name=re.compile("New patient: OMIM:259700")).click()
    expect(page).to_have_url(re.compile(r"/practice/sim-259700-\d+$"))
    case = get_case(page.url.rsplit("/", 1)[1])
    # The patient unfolds: history first, then each stage at a tap, all the case in the end.
    expect(page.locator(".narrative")).to_have_text(case.stages[0].narrative)
    for stage in case.stages[1:]:
        page.get_by_role("link", name=f"Reveal stage {case.stages.index(stage) + 1}: {stage.title}").click()
    expect(page.locator(".narrative")).to_have_text([s.narrative for s in case.stages])
    answer(page, [KB.findings[s].label for s in case.key.present], "Recessive", [], "60 %")
    expect(page.locator(".fb-miss h4")).to_have_text("Missed (0)")
    expect(page.locator(".reveal")).to_contain_text("Simulated from the HPO annotations of OMIM:259700")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-feedback-simulated.png"), full_page=True)

    page.get_by_role("link", name="Another patient of this entry").click()
    answer(page, [], "Dominant", [], "90 %")
    expect(page.locator("#fb-lean")).to_have_text("Inheritance lean: not right")

    page.goto(live_server + "/practice")
    expect(page.locator(".progress")).to_contain_text("2 attempts on 2 cases")
    expect(page.locator("svg.spark")).to_have_count(1)
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-library-progress.png"), full_page=True)
