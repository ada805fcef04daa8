"""A trainee's journey in real headless Chromium: a written case and a simulated one, with axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import expect

from rules import load_knowledge
from rules.practice.library import get_case
from rules.practice.library import public_id
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
    # Committed at stage 1 (the history): scored on what it shows; the rest is not shown yet.
    expect(page.locator(".fb-hit h4")).to_have_text("Hits (0)")
    expect(page.locator(".fb-miss h4")).to_have_text("Missed (2)")
    expect(page.locator(".fb-extra h4")).to_have_text("Over-calls (1)")
    expect(page.locator(".fb-later h4")).to_have_text("Not shown yet (4)")
    expect(page.locator("#fb-lean")).to_have_text("Inheritance lean: right")
    expect(page.locator(".teaching li")).to_have_count(len(get_case("miop-newborn-twitching").teaching_points))
    expect(page.get_by_role("note")).to_contain_text("not a diagnosis")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-feedback.png"), full_page=True)

    page.goto(live_server + "/practice")
    expect(page.locator(".progress")).to_contain_text("1 attempt on 1 case")
    expect(page.locator(".progress")).to_contain_text("Muscle cramps (missed 1×)")


def test_trainee_does_two_simulated_patients_and_sees_progress(page: Page, live_server, artifacts):
    page.goto(live_server + "/practice")
    page.get_by_role("link", name=re.compile("New patient: OMIM:259700")).click()
    expect(page).to_have_url(re.compile(r"/practice/[a-z]{13}$"))  # the address does not name the entry
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


def test_commits_are_scored_on_what_was_shown_and_reload_or_back_never_commit_again(page: Page, live_server, artifacts):
    """Stage 1 and the last stage of a three-stage case, on a phone: what later stages add is listed
    apart and never missed; the feedback opens on the score; reload, Back and Forward leave one attempt."""
    case = get_case("miop-newborn-twitching")
    history = [KB.findings[s].label for s in case.stages[0].adds]
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/practice/{public_id(case.id)}")
    page.screenshot(path=str(artifacts / "practice-case-phone.png"))
    answer(page, history, "Recessive", [], "80 %")
    expect(page).to_have_url(re.compile(rf"/practice/{public_id(case.id)}/feedback$"))
    expect(page.locator(".fb-miss h4")).to_have_text("Missed (0)")
    expect(page.locator(".fb-later h4")).to_have_text("Not shown yet (4)")
    expect(page.locator(".verdict")).to_contain_text("4 more only later stages describe (not counted)")
    for part in (".big-score", ".verdict"):  # on the first screen
        box = page.locator(part).bounding_box()
        assert box and box["y"] + box["height"] <= 844, part
    page.screenshot(path=str(artifacts / "practice-feedback-phone.png"))
    page.reload()
    page.go_back()
    expect(page.get_by_role("button", name="Commit and reveal")).to_be_visible()
    page.go_forward()
    expect(page.locator(".fb-later h4")).to_have_text("Not shown yet (4)")
    page.goto(f"{live_server}/practice")
    expect(page.locator(".progress")).to_contain_text("1 attempt on 1 case")

    page.goto(f"{live_server}/practice/{public_id(case.id)}?stage=3")
    answer(page, history, "Recessive", [], "80 %")
    expect(page.locator(".fb-miss h4")).to_have_text("Missed (4)")
    expect(page.locator(".fb-later")).to_have_count(0)
    page.goto(f"{live_server}/practice")
    expect(page.locator(".progress")).to_contain_text("2 attempts on 1 case")


def test_on_a_phone_a_trainee_commits_a_differential_and_a_next_step_and_reads_their_feedback(
    page: Page, live_server, artifacts
):
    """The decisions at 390x844: three plain selects and a list of next steps; the feedback opens on
    the score, with the decisions' feedback just below it."""
    case = get_case("miop-newborn-tetany")  # a neonate with low calcium: the calcium plan is the next step
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/practice/{public_id(case.id)}?stage={len(case.unfolding)}")
    differential = page.get_by_role("group", name=re.compile(r"^4\. Which types or genes"))
    # The find box narrows the 156 entries of each list to those naming CLCN7, keeping what was chosen.
    differential.get_by_label("Find a type or gene").fill("clcn7")
    first = differential.get_by_label("First choice")
    names = first.locator("option").all_text_contents()
    assert names[0] == "(none)" and len(names) > 2 and all("CLCN7" in n for n in names[1:]), names
    expect(differential.locator("#find-entry-count")).to_have_text(f"{len(names) - 1} entries match")
    first.select_option("OMIM:611490")
    # A phone cuts the closed list short: the choice is written out in full beneath it.
    expect(differential.locator(".chosen").first).to_have_text("Osteopetrosis, autosomal recessive 4 (CLCN7)")
    differential.get_by_label("Find a type or gene").fill("")
    assert first.locator("option").count() > 100 and first.input_value() == "OMIM:611490"
    differential.get_by_label("Second choice").select_option("OMIM:259700")
    steps = page.get_by_role("group", name=re.compile(r"^5\. What should happen first"))
    steps.get_by_label(re.compile("^Blood calcium")).check()
    differential.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "practice-decisions-phone.png"))
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390, "the form is wider than the phone"
    answer(page, [KB.findings[s].label for s in case.key.present], "Recessive", [], "90 %")
    expect(page.locator("#fb-differential h4")).to_have_text("Differential: credit 0.5")
    expect(page.locator("#fb-differential")).to_contain_text("The case's entry is your second choice")
    expect(page.locator("#fb-differential .ranking-top li")).to_have_count(3)
    expect(page.locator("#fb-next-step h4")).to_have_text("Next step: right")
    expect(page.locator("#fb-next-step")).to_contain_text("Low blood calcium")
    expect(page.locator(".verdict")).to_contain_text("your next step is right")
    for part in (".big-score", ".verdict"):  # the score opens the page; the decisions follow it
        box = page.locator(part).bounding_box()
        assert box and box["y"] + box["height"] <= 844, part
    decisions = page.locator("#fb-decisions").bounding_box()
    assert decisions and decisions["y"] < page.locator("#fb-findings").bounding_box()["y"]
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "practice-decisions-feedback-phone.png"))
    for part in ("differential", "next-step"):
        page.locator(f"#fb-{part}").evaluate("e => e.scrollIntoView()")
        page.screenshot(path=str(artifacts / f"practice-decisions-feedback-{part}-phone.png"))
