"""A classroom exercise in real headless Chromium: an educator and three students in separate
browsers; nothing a student or the projector sees gives the key away before the educator reveals
it, and both show it after; the projector lobby and dashboard fill up live; screenshots at
projector sizes (1920x1080, 1280x720); axe on every classroom page."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from rules.practice.cases import load_cases
from tests.support.app_states import post_json
from webapp.infra.knowledge import kb
from webapp.practice.forms import LEAN_CHOICES

pytestmark = pytest.mark.browser
AXE = Axe()
CASES = list(load_cases().values())[:2]
LEAN_LABELS = {c.value: str(c.label) for c in LEAN_CHOICES}  # the attempt form's radio labels (English)


def assert_no_axe_violations(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def join(page: Page, base: str, code: str, nickname: str) -> None:
    page.goto(base + "/join")
    page.get_by_label("Join code", exact=True).fill(code.lower())
    page.get_by_label("Nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projected class")


KEY_MARKERS = ("expected: ", "Most common misses", "Most common over-calls", "✓", "✗ ", 'id="fb-h"', "Answer key")


def assert_no_key(page: Page, where: str) -> None:
    """Nothing on the page follows the answer key (checked on the HTML the browser holds now)."""
    html = page.content()
    for marker in KEY_MARKERS:
        assert marker not in html, f"{where} gives the key away: {marker!r}"


def answer_and_wait(page: Page, findings: list[str], lean_label: str, confidence: str) -> None:
    for label in findings:
        page.get_by_label(label, exact=True).check()
    page.get_by_label(lean_label).check()
    page.get_by_label(confidence, exact=True).check()
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.locator("#saved")).to_contain_text("Saved — waiting for the reveal")


def test_an_educator_and_three_students_the_key_only_after_the_reveal(browser: Browser, live_server, artifacts):
    kb_labels = {f.slug: f.label for f in kb().findings.values()} | {m.slug: m.title for m in kb().mechanisms.values()}
    educator = browser.new_context().new_page()
    educator.goto(live_server + "/classroom/new")
    assert_no_axe_violations(educator)
    educator.get_by_label("Title of the exercise").fill("Projected class")
    for case in CASES:
        educator.get_by_label(re.compile("^" + re.escape(case.title))).check()
    educator.get_by_label(re.compile("^Each student")).check()  # self pace: every case at once
    educator.get_by_label(re.compile("^Time limit")).fill("20")
    expect(educator.get_by_label(re.compile("^When I reveal it"))).to_be_checked()  # the lecture default
    educator.get_by_role("button", name="Create the exercise").click()
    code = educator.locator(".code-big").inner_text().strip()
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{6}", code)
    educator.locator(".keybox summary").click()
    expect(educator.locator("#claim-link")).to_contain_text(f"/classroom/{code}/claim#")
    assert_no_axe_violations(educator)

    # The projector, in the educator's browser: the lobby counts the students as they join.
    projector = educator.context.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(live_server + f"/classroom/{code}/projector")
    expect(projector.locator(".pj-code")).to_have_text(code)
    expect(projector.locator(f'svg[aria-label="QR code for {live_server}/join?code={code}"]')).to_be_visible()
    expect(projector.locator(".pj-count")).to_contain_text("0 joined")

    students = {}
    for name in ("Ana-Heron", "Ben-Otter", "Cy-Wren"):
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        join(page, live_server, code, name)
        students[name] = page
    ana, ben, cy = students.values()
    assert_no_axe_violations(ana)
    expect(projector.locator(".pj-count")).to_contain_text("3 joined", timeout=10_000)  # live, no reload
    assert_no_axe_violations(projector)
    projector.screenshot(path=str(artifacts / "projector-lobby-1920.png"))
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.screenshot(path=str(artifacts / "projector-lobby-1280.png"))
    assert projector.evaluate("document.documentElement.scrollHeight") <= 720 + 1  # one screen, no scrolling

    first, second = CASES
    ana.get_by_role("link", name=re.compile(r"^Case 1\b")).click()
    answer_and_wait(
        ana, [kb_labels[s] for s in (*first.key.present, *first.key.mechanisms)], LEAN_LABELS[first.key.lean], "90 %"
    )
    assert_no_axe_violations(ana)  # the page waiting for the reveal
    ana.screenshot(path=str(artifacts / "classroom-student-waiting.png"), full_page=True)
    ben.get_by_role("link", name=re.compile(r"^Case 1\b")).click()
    answer_and_wait(ben, [kb_labels[first.key.present[0]], "Headaches"], LEAN_LABELS["indeterminate"], "60 %")
    cy.get_by_role("link", name=re.compile(r"^Case 1\b")).click()
    answer_and_wait(cy, [], LEAN_LABELS["dominant"], "70 %")

    projector.goto(live_server + f"/classroom/{code}/projector?case=1")
    expect(projector.locator(".pj-top")).to_contain_text("3 answered")
    for name, page in (*students.items(), ("projector", projector)):
        assert_no_key(page, name)
    cy.goto(live_server + f"/join/{code}")
    assert_no_key(cy, "student home")
    cy.goto(live_server + f"/join/{code}/1")  # a reload: still waiting, nothing given away
    assert_no_key(cy, "reloaded student page")
    assert_no_axe_violations(projector)
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.screenshot(path=str(artifacts / "projector-case-before-reveal-1920.png"))

    # The dashboard shows the class (and the key, folded, for the educator only).
    educator.get_by_role("link", name="Open the dashboard").click()
    expect(educator.get_by_role("status")).to_contain_text("3 joined, 3 answered (3 answers in all).")
    expect(educator.locator(".cls-key summary").first).to_contain_text("not on the projector")
    assert_no_axe_violations(educator)
    educator.set_viewport_size({"width": 1920, "height": 1080})
    educator.screenshot(path=str(artifacts / "classroom-dashboard-before-reveal-1920.png"), full_page=True)

    educator.get_by_role("button", name="Reveal case 1").click()
    expect(educator.locator("#case-1-h")).to_contain_text("answer revealed")
    # The waiting students' pages update by themselves; the projector (polling) too.
    for page in (ana, ben):
        expect(page.get_by_role("heading", name="Feedback")).to_be_visible(timeout=15_000)
    expect(ana.locator(".big-score")).to_have_text("100 %")
    assert_no_axe_violations(ana)
    ana.screenshot(path=str(artifacts / "classroom-student-feedback.png"), full_page=True)
    expect(projector.get_by_role("heading", name=re.compile("expected: "))).to_be_visible(timeout=10_000)
    assert "Ana-Heron" not in projector.content()
    assert_no_axe_violations(projector)
    projector.screenshot(path=str(artifacts / "projector-case-revealed-1920.png"))
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.screenshot(path=str(artifacts / "projector-case-revealed-1280.png"))
    # Case 2 stays hidden until its own reveal.
    projector.goto(live_server + f"/classroom/{code}/projector?case=2")
    assert_no_key(projector, "projector, case 2")

    educator.set_viewport_size({"width": 1280, "height": 720})
    educator.screenshot(path=str(artifacts / "classroom-dashboard-revealed-1280.png"), full_page=True)
    assert_no_axe_violations(educator)
    educator.get_by_role("link", name="Ben-Otter").click()
    expect(educator.get_by_role("heading", level=1)).to_have_text("Answers of Ben-Otter")
    assert_no_axe_violations(educator)

    # Closing the exercise: a student's next submission is refused with a clear message.
    educator.go_back()
    educator.get_by_role("button", name="Close the exercise").click()
    expect(educator.get_by_role("status")).to_contain_text("Closed by the educator")
    cy.goto(live_server + f"/join/{code}/2")
    expect(cy.get_by_role("status")).to_contain_text("answers are no longer accepted")
    expect(cy.get_by_role("button", name="Commit and reveal")).to_have_count(0)


def test_the_printed_educator_link_opens_the_dashboard_in_another_browser(browser: Browser, live_server):
    first = browser.new_context().new_page()
    first.goto(live_server + "/classroom/new")
    first.get_by_label("Title of the exercise").fill("Link test")
    first.get_by_label(re.compile("^" + re.escape(CASES[0].title))).check()
    first.get_by_role("button", name="Create the exercise").click()
    expect(first.locator("#claim-link")).to_be_hidden()  # folded away: the page may be on the projector
    first.locator(".keybox summary").click()
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


# The CSRF token of each reveal form differs from one render to the next (an older one stays valid).
CSRF_VALUE = re.compile(r'(name="csrf_token" type="hidden" value=")[^"]+"')


def test_the_dashboard_applies_each_polls_changes_and_shows_what_a_reload_shows(browser: Browser, live_server):
    created = post_json(live_server + "/api/v1/exercises", {"title": "Live class", "case_ids": [c.id for c in CASES]})
    code, submissions = created["code"], f"{live_server}/api/v1/exercises/{created['code']}/submissions"
    tokens = {}

    def answer(nickname: str, case, findings: list[str]) -> None:
        attempt = {"findings": findings, "lean": "dominant", "confidence": 70}
        body = {"nickname": nickname, "case_id": case.id, "answer": attempt}
        answered = post_json(submissions, body | ({"student_token": tokens[nickname]} if nickname in tokens else {}))
        tokens.setdefault(nickname, answered.get("student_token"))

    for name in ("Bea-Finch", "Dov-Hare", "Fen-Lynx"):
        answer(name, CASES[0], [CASES[0].key.present[0]])
    educator = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    educator.goto(live_server + f"/classroom/{code}/claim#{created['educator_key']}")
    educator.get_by_role("button", name="Open the dashboard").click()
    expect(educator.locator("#live-status")).to_contain_text("3 joined, 3 answered (3 answers in all).")
    polled = []
    educator.on("response", lambda r: polled.append(r.json()) if "live.json" in r.url and r.status == 200 else None)

    answer("Dov-Hare", CASES[0], ["headaches"])  # changed: case 1's tallies and column
    answer("Cal-Newt", CASES[1], [CASES[1].key.present[0]])  # a new student, between Bea and Dov
    answer("Fen-Lynx", CASES[1], ["headaches", CASES[1].key.present[0]])
    expect(educator.locator("#live-status")).to_contain_text("4 joined, 4 answered (5 answers in all).", timeout=15_000)
    expect(educator.locator(".cls-students li")).to_have_text(
        ["Bea-Finch 1/2", "Cal-Newt 1/2", "Dov-Hare 1/2", "Fen-Lynx 2/2"]
    )
    assert polled and all("replace" in body and "html" not in body for body in polled)  # deltas, never the whole
    column = educator.locator("#hm-c2 rect").first
    assert column.evaluate("e => e instanceof SVGRectElement && e.ownerSVGElement !== null")  # SVG, not HTML
    live = CSRF_VALUE.sub(r'\1"', educator.locator("#live").inner_html())
    fresh = educator.context.new_page()
    fresh.goto(live_server + f"/classroom/{code}")
    assert live == CSRF_VALUE.sub(r'\1"', fresh.locator("#live").inner_html())  # what a reload shows
    assert_no_axe_violations(educator)


def test_a_class_the_educator_paces_follows_the_educator_and_loses_nothing(browser: Browser, live_server, artifacts):
    """An educator and two students at phone size: the lobby, the start, stage 2 appearing without
    losing a student's ticks, "Saved" first on the screen after the commit, the reveal landing on
    the feedback, and a student coming back from a fresh browser with the rejoin code."""
    case = CASES[0]
    assert len(case.unfolding) >= 2
    educator = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    educator.goto(live_server + "/classroom/new")
    educator.get_by_label("Title of the exercise").fill("Paced class")
    educator.get_by_label(re.compile("^" + re.escape(case.title))).check()
    educator.get_by_label(re.compile("^" + re.escape(CASES[1].title))).check()
    expect(educator.get_by_label(re.compile("^I do, in class"))).to_be_checked()  # the class default
    educator.get_by_label(re.compile("^Time limit")).fill("5")
    educator.get_by_role("button", name="Create the exercise").click()
    code = educator.locator(".code-big").inner_text().strip()
    educator.get_by_role("link", name="Open the dashboard").click()

    phones = []
    for name in ("Jo-Lark", "Kit-Vole"):
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(live_server + "/join")
        page.get_by_label("Join code", exact=True).fill(code)
        page.get_by_label("Nickname", exact=True).fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("status")).to_contain_text("Waiting for your educator to start")
        phones.append(page)
    jo, kit = phones
    # no site navigation (the language switch apart)
    assert jo.locator("header nav:not(.lang-switch) a").all_inner_texts() == ["Leave"]
    rejoin_code = jo.locator("#rejoin .code").inner_text()
    assert_no_axe_violations(jo)
    jo.screenshot(path=str(artifacts / "paced-student-lobby-390.png"))

    educator.get_by_role("button", name="Start the class").click()
    expect(jo.get_by_role("heading", level=1)).to_have_text("Case 1 of 2", timeout=10_000)  # followed, no reload
    expect(jo.locator("#countdown")).to_be_visible()
    first_text = jo.locator("#countdown").inner_text()
    expect(jo.locator("#countdown")).not_to_have_text(first_text, timeout=5_000)  # it counts down
    expect(jo.locator("#stage-2")).to_have_count(0)
    present = [kb().findings[s].label for s in case.key.present]
    jo.get_by_label(present[0], exact=True).check()
    educator.get_by_role("button", name=re.compile("^Show stage 2")).click()
    expect(jo.locator("#stage-2")).to_be_visible(timeout=10_000)  # put in place
    expect(jo.get_by_label(present[0], exact=True)).to_be_checked()  # the tick survived
    jo.screenshot(path=str(artifacts / "paced-student-stage2-390.png"))
    for label in present[1:]:
        jo.get_by_label(label, exact=True).check()
    jo.get_by_label(LEAN_LABELS[case.key.lean]).check()
    jo.get_by_label("90 %", exact=True).check()
    jo.get_by_role("button", name="Commit and reveal").click()
    saved = jo.locator("#saved")
    expect(saved).to_contain_text("Saved — waiting for the reveal")
    box = saved.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844  # on the first screen of the phone
    assert_no_axe_violations(jo)
    jo.screenshot(path=str(artifacts / "paced-student-saved-390.png"))
    jo.reload()  # a reload sends nothing again
    expect(educator.locator(".cls-pace")).to_contain_text("1 of 2 answered it", timeout=10_000)

    educator.get_by_role("button", name="Reveal case 1").click()
    expect(jo.locator("#fb-h")).to_be_visible(timeout=10_000)
    assert jo.evaluate("window.location.hash") == "#feedback"
    assert jo.evaluate("document.getElementById('feedback').getBoundingClientRect().top") < 200  # landed on it
    jo.screenshot(path=str(artifacts / "paced-student-feedback-390.png"))
    score = jo.locator(".big-score").inner_text()
    expect(kit.locator(".cls-status[role=status]")).to_contain_text("The answer is revealed", timeout=10_000)

    # Jo loses the phone: a fresh browser, the same code, nickname and rejoin code.
    fresh = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    fresh.goto(live_server + "/join")
    fresh.get_by_label("Join code", exact=True).fill(code)
    fresh.get_by_label("Nickname", exact=True).fill("jo-lark")
    fresh.get_by_role("button", name="Join").click()
    expect(fresh.locator("#nickname-error")).to_contain_text("rejoin code")
    fresh.get_by_label(re.compile("^Rejoin code")).fill(rejoin_code.lower())
    fresh.get_by_role("button", name="Join").click()
    expect(fresh.locator(".big-score")).to_have_text(score)  # the same student, with the answer
    expect(educator.locator(".cls-status[role=status]")).to_contain_text("2 joined")
    educator.screenshot(path=str(artifacts / "paced-dashboard-1280.png"), full_page=True)


def test_a_whole_class_paced_from_the_projector_and_a_paired_phone(browser: Browser, live_server, artifacts):
    """The lecture itself: an educator's laptop on the projector, their phone as the remote and
    three students on phones. The lobby fills with names, the phone is paired (confirmed on the
    laptop) and starts the class, the projector's keys show stage 2 and reveal, the answered count
    follows, a student who was still ticking when the case closed commits within the grace period
    (kept, marked late), the next case opens, a student comes back from a fresh browser with the
    rejoin code, and the educator, reopening the browser, finds the class."""
    first, second = CASES
    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    created = laptop.new_page()
    created.goto(live_server + "/classroom/new")
    created.get_by_label("Title of the exercise").fill("Paced lecture")
    for case in CASES:
        created.get_by_label(re.compile("^" + re.escape(case.title))).check()
    created.get_by_role("button", name="Create the exercise").click()
    code = created.locator(".code-big").inner_text().strip()
    projector = laptop.new_page()
    projector.set_viewport_size({"width": 1920, "height": 1080})
    projector.goto(live_server + f"/classroom/{code}/projector")
    expect(projector.locator(".pj-educator")).to_have_text("Educator controls")
    expect(projector.locator(".pj-keys")).to_contain_text("S start · N or → next · R reveal")

    phones = {}
    for name in ("Ana-Heron", "Ben-Otter", "Cy-Wren"):
        page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        page.goto(live_server + "/join")
        page.get_by_label("Join code", exact=True).fill(code)
        page.get_by_label("Nickname", exact=True).fill(name)
        page.get_by_role("button", name="Join").click()
        expect(page.get_by_role("status")).to_contain_text("Waiting for your educator to start")
        phones[name] = page
    ana, ben, cy = phones.values()
    expect(projector.locator(".pj-names bdi")).to_have_text(["Ana-Heron", "Ben-Otter", "Cy-Wren"], timeout=10_000)
    ben_rejoin = ben.locator("#rejoin .code").inner_text()
    assert_no_axe_violations(projector)
    shoot_projector(projector, artifacts, "class-projector-lobby")

    # The educator's phone: paired with the code the projector shows, confirmed on the laptop.
    projector.keyboard.press("p")
    pairing = projector.locator(".pj-pair-code")
    expect(pairing).to_have_text(re.compile(r"^[2-9A-HJKMNP-Z]{6}$"), timeout=10_000)
    pair_url = f"{live_server}/classroom/{code}/pair?pairing={pairing.inner_text()}"
    expect(projector.locator(f'.pj-pairing svg[aria-label="QR code for {pair_url}"]')).to_be_visible()
    remote = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    remote.goto(pair_url)  # what scanning the QR code opens
    remote.get_by_role("button", name="Pair this phone").click()
    expect(remote.get_by_role("heading", level=1)).to_have_text("Waiting for confirmation")
    expect(projector.get_by_role("heading", name="Confirm pairing of a phone?")).to_be_visible(timeout=10_000)
    shoot_projector(projector, artifacts, "class-projector-confirm-pairing")
    projector.get_by_role("button", name="Confirm: it is my phone").click()
    expect(remote.get_by_role("button", name="Start the class")).to_be_visible(timeout=10_000)
    expect(remote.locator(".remote-where")).to_contain_text("In the lobby · 3 joined, 0 answered")
    remote.locator(".keybox-reveal summary").click()  # the recovery link, sent from the laptop
    expect(remote.locator("#claim-link")).to_contain_text(f"/classroom/{code}/claim#")
    assert_no_axe_violations(remote)
    remote.screenshot(path=str(artifacts / "class-remote-lobby-390.png"))

    remote.get_by_role("button", name="Start the class").click()
    # Before its reveal a case of this exam-like class is named by its position only (decision 0027).
    expect(projector.locator(".pj-case-title")).to_have_text("Case 1", timeout=10_000)  # in place
    for page in phones.values():
        expect(page.get_by_role("heading", level=1)).to_have_text("Case 1 of 2", timeout=10_000)
    expect(remote.get_by_role("button", name=re.compile("^Show stage 2"))).to_be_visible()
    projector.keyboard.press("n")  # stage 2, from the projector's keyboard
    for page in phones.values():
        expect(page.locator("#stage-2")).to_be_visible(timeout=10_000)
    expect(projector.locator(".pj-top")).to_contain_text("stage 2 of")
    shoot_projector(projector, artifacts, "class-projector-case")

    labels = {f.slug: f.label for f in kb().findings.values()} | {m.slug: m.title for m in kb().mechanisms.values()}
    answer_and_wait(
        ana, [labels[s] for s in (*first.key.present, *first.key.mechanisms)], LEAN_LABELS[first.key.lean], "90 %"
    )
    answer_and_wait(ben, [labels[first.key.present[0]]], LEAN_LABELS["indeterminate"], "60 %")
    cy.get_by_label(labels[first.key.present[0]], exact=True).check()  # Cy is still ticking
    expect(projector.locator(".pj-top")).to_contain_text("3 joined, 2 answered", timeout=10_000)
    expect(remote.locator(".remote-where")).to_contain_text("3 joined, 2 answered", timeout=10_000)

    projector.keyboard.press("r")  # the reveal closes the case
    expect(cy.locator("#moved")).to_be_visible(timeout=10_000)  # not moved away: told to commit now
    cy.get_by_label(LEAN_LABELS["dominant"]).check()
    cy.get_by_label("70 %", exact=True).check()
    cy.get_by_role("button", name="Commit and reveal").click()  # within the grace period
    # The first feedback a process draws computes its ranking: slow on a busy machine.
    expect(cy.locator("#feedback")).to_contain_text("kept and marked late", timeout=30_000)
    expect(projector.get_by_role("heading", name="Teaching points")).to_be_visible(timeout=10_000)
    for page in (ana, ben):
        expect(page.locator("#fb-h")).to_be_visible(timeout=30_000)
    expect(projector.locator(".pj-top")).to_contain_text("3 joined, 3 answered", timeout=10_000)
    assert_no_axe_violations(projector)
    shoot_projector(projector, artifacts, "class-projector-reveal")
    remote.screenshot(path=str(artifacts / "class-remote-revealed-390.png"))

    projector.keyboard.press("ArrowRight")  # the next case
    expect(projector.locator(".pj-case-title")).to_have_text("Case 2", timeout=10_000)
    for page in (ana, cy):
        expect(page.get_by_role("heading", level=1)).to_have_text("Case 2 of 2", timeout=10_000)

    # Ben loses the phone: a fresh browser, the code, the nickname and the rejoin code.
    fresh = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    fresh.goto(live_server + "/join")
    fresh.get_by_label("Join code", exact=True).fill(code)
    fresh.get_by_label("Nickname", exact=True).fill("Ben-Otter")
    fresh.get_by_label(re.compile("^Rejoin code")).fill(ben_rejoin)
    fresh.get_by_role("button", name="Join").click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Case 2 of 2")
    expect(projector.locator(".pj-top")).to_contain_text("3 joined")  # the same student, not a fourth

    # The educator closes the browser and opens it again: the persistent sign-in finds the class.
    kept = [c for c in laptop.storage_state()["cookies"] if c["expires"] != -1]  # no session cookies
    laptop.close()
    reopened = browser.new_context(viewport={"width": 1280, "height": 800}, storage_state={"cookies": kept})
    again = reopened.new_page()
    again.goto(live_server + "/classroom/new")
    again.get_by_role("link", name=re.compile("Paced lecture")).click()
    expect(again.locator(".cls-pace")).to_contain_text("Case 2 of 2")
    again.get_by_role("link", name="Cy-Wren").click()
    expect(again.locator("tbody tr").first).to_contain_text("late")  # the late answer, kept and marked
    again.goto(live_server + f"/classroom/{code}/projector")
    expect(again.locator(".pj-educator")).to_be_visible()


def shoot_projector(page: Page, artifacts, name: str) -> None:
    """Screenshots at both projector sizes, each one screen with nothing to scroll."""
    for width, height in ((1280, 720), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollHeight") <= height, f"{name} scrolls at {width}"
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"))
