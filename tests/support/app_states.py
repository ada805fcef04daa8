"""Every page of the app in its filled-in states, each reached the way a user gets there (clicking
links, filling forms), for the page-level browser checks: axe, phone width, visible focus, CSP.

A new page or state is one function `setup(page, world)` plus one line in STATES.
"""

from __future__ import annotations

import itertools
import json
import re
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import expect

from rules.practice.cases import load_cases
from webapp.infra.knowledge import kb

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASES = list(load_cases().values())[:2]
PRACTICE_CASE = "A newborn with twitching episodes"
_nicknames = itertools.count(1)
AXE = Axe()  # axe-core bundled in the wheel: no network
# WCAG 2.0/2.1 A and AA, the WCAG 2.2 AA rules axe has (target size), and axe's best practices.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
# The rules whose outcome depends on the layout, for a second look at another screen width.
AXE_LAYOUT_OPTIONS = {
    "runOnly": {"type": "rule", "values": ["target-size", "scrollable-region-focusable"]},
    "resultTypes": ["violations"],
}


def assert_no_axe_violations(page: Page, options: dict[str, Any] = AXE_OPTIONS) -> None:
    """Run axe on the page as it is now; fail with axe's report on any violation."""
    results = AXE.run(page, options=options)
    assert results.response["violations"] == [], results.generate_report()


@dataclass(frozen=True)
class World:
    """An exercise on the live server with two students' answers in it, and its educator key."""

    base: str
    code: str
    key: str


def post_json(url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    """POST a JSON body and return the JSON answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def perfect_answer(case: Any) -> dict[str, Any]:
    """The API answer that scores 1 on a case."""
    return {
        "findings": list(case.key.present),
        "lean": case.key.lean,
        "mechanisms": list(case.key.mechanisms),
        "confidence": 90,
    }


@cache
def world(base: str) -> World:
    """Made once per live server through the API: an exercise of two written cases, three answers."""
    created = post_json(base + "/api/v1/exercises", {"title": "Week 3: bone clinic", "case_ids": [c.id for c in CASES]})
    code = created["code"]
    submissions = f"{base}/api/v1/exercises/{code}/submissions"
    post_json(submissions, {"nickname": "Ana-Heron", "case_id": CASES[0].id, "answer": perfect_answer(CASES[0])})
    ben = post_json(
        submissions,
        {
            "nickname": "Ben-Otter",
            "case_id": CASES[0].id,
            "answer": {"findings": [CASES[0].key.present[0], "headaches"], "lean": "indeterminate", "confidence": 60},
        },
    )
    post_json(
        submissions,
        {
            "nickname": "Ben-Otter",
            "case_id": CASES[1].id,
            "answer": perfect_answer(CASES[1]),
            "student_token": ben["student_token"],
        },
    )
    return World(base, code, created["educator_key"])


@cache
def second_exercise(base: str, key: str, feedback: str, reveal: bool) -> str:
    """Another exercise of the same educator (through the API), answered once, revealed or not."""
    bearer = {"Authorization": f"Bearer {key}"}
    code = post_json(
        base + "/api/v1/exercises",
        {"title": "Week 4: revealed", "case_ids": [c.id for c in CASES], "feedback": feedback},
        bearer,
    )["code"]
    post_json(
        f"{base}/api/v1/exercises/{code}/submissions",
        {
            "nickname": "Dee-Lark",
            "case_id": CASES[0].id,
            "answer": {"findings": [CASES[0].key.present[0], "headaches"], "lean": "indeterminate", "confidence": 70},
        },
    )
    if reveal:
        post_json(f"{base}/api/v1/exercises/{code}/reveal", {}, bearer)
    return code


def nickname() -> str:
    """A nickname no other state has used on the shared live server."""
    return f"Kestrel-{next(_nicknames)}"


def label_of(slug: str) -> str:
    """The label a finding or mechanism slug is shown with."""
    knowledge = kb()
    return knowledge.findings[slug].label if slug in knowledge.findings else knowledge.mechanisms[slug].title


# --- clinician --------------------------------------------------------------------------------


def checklist_empty(page: Page, w: World) -> None:
    page.goto(w.base + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Osteopetrosis checklist")


def tick(page: Page, finding_label: str, state: str) -> None:
    """Mark one checklist finding present, absent or not assessed."""
    page.get_by_role("group", name=re.compile("^" + re.escape(finding_label))).get_by_label(state).check()


def result(page: Page, w: World) -> None:
    checklist_empty(page, w)
    tick(page, "Low blood calcium", "Present")
    tick(page, "Enlarged liver and spleen", "Present")
    tick(page, "Frequent or poorly healing fractures", "Absent")
    page.get_by_label("Age at onset").select_option("neonatal")
    page.get_by_label("Family history").select_option("consanguineous_parents")
    page.get_by_role("button", name="Show the result").click()
    expect(page.locator(".summary")).to_contain_text("strongly toward autosomal recessive")


def result_premise_contradicted(page: Page, w: World) -> None:
    """Reduced bone density entered (docs/decisions/0003-the-premise-dense-bone.md), so no lean and no
    percentage for the ranking; the reasons of the red flag that remains (anemia) opened."""
    page.goto(w.base + "/assessment?present=visual_impairment,anemia,HP:0004349&onset=infancy")
    expect(page.locator(".summary")).to_contain_text("No lean")
    page.locator("#red-flags details.why summary").first.click()


def result_differential(page: Page, w: World) -> None:
    """An adult with fractures and two features of the CA2 type: the lean (adult onset) and the ranking
    (CA2, recessive) disagree, the ranking's teaching point."""
    checklist_empty(page, w)
    tick(page, "Renal tubular acidosis", "Present")
    tick(page, "Calcification in the brain (on imaging)", "Present")
    tick(page, "Frequent or poorly healing fractures", "Present")
    page.get_by_label("Age at onset").select_option("adulthood")
    page.get_by_role("button", name="Show the result").click()
    expect(page.locator("#differential")).to_contain_text("Teaching point: the lean and the ranking disagree")
    page.locator("#differential details.why:not(.dx-method) summary").first.click()  # the first entry's "why", opened
    expect(page.locator("#differential .evidence").first).to_be_visible()


def checklist_prefilled(page: Page, w: World) -> None:
    result(page, w)
    page.get_by_role("link", name="Change the answers").click()
    expect(page.get_by_role("group", name=re.compile("^Low blood calcium")).get_by_label("Present")).to_be_checked()


def checklist_errors(page: Page, w: World) -> None:
    """What a tampered or stale form gets back: a value the form does not offer."""
    checklist_empty(page, w)
    page.evaluate("""() => {
        const radio = document.querySelector('input[name=bone_pain][value=present]');
        radio.value = 'maybe'; radio.checked = true;
        const onset = document.getElementById('onset');
        onset.add(new Option('Some day', 'someday')); onset.value = 'someday';
    }""")
    page.get_by_role("button", name="Show the result").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")


def import_panel(page: Page, w: World) -> None:
    checklist_empty(page, w)
    page.locator("details#import summary").click()
    expect(page.get_by_label("Or paste it here")).to_be_visible()


def import_prefilled(page: Page, w: World) -> None:
    import_panel(page, w)
    page.get_by_label("Or paste it here").fill((EXAMPLES / "phenopacket-optb1-infant.json").read_text())
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("heading", name="Filled in from a GA4GH phenopacket (schema v2)")).to_be_visible()


def import_errors(page: Page, w: World) -> None:
    import_panel(page, w)
    page.get_by_label("Or paste it here").fill("HP:0001873\nHP:12 broken")
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("alert")).to_contain_text("is not an HPO id")


def import_too_large(page: Page, w: World) -> None:
    import_panel(page, w)
    page.get_by_label(re.compile("^Choose a file")).set_input_files(
        {"name": "record.txt", "mimeType": "text/plain", "buffer": b"HP:0001873 Thrombocytopenia\n" * 3000}
    )
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The file is too large to import")


def about(page: Page, w: World) -> None:
    checklist_empty(page, w)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="About").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About MIOP Checklist")


def not_found(page: Page, w: World) -> None:
    page.goto(w.base + "/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_contain_text("404")


def bad_link(page: Page, w: World) -> None:
    page.goto(w.base + "/assessment?present=bogus_finding")
    expect(page.get_by_role("heading", level=1)).to_contain_text("400")


# --- trainee ----------------------------------------------------------------------------------


def practice_library(page: Page, w: World) -> None:
    checklist_empty(page, w)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Practice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Practice cases")


def practice_case(page: Page, w: World) -> None:
    practice_library(page, w)
    page.get_by_role("link", name=PRACTICE_CASE).click()
    expect(page.get_by_role("button", name="Commit and reveal")).to_be_visible()


def answer(
    page: Page, findings: list[str], lean: str, mechanisms: list[str], confidence: str, wait: bool = False
) -> None:
    """Fill the attempt form (practice and classroom share it) and commit (`wait`: the classroom
    stores the answer and waits for the educator's reveal)."""
    for label in findings:
        page.get_by_role("group", name=re.compile("^1\\.")).get_by_label(label, exact=True).check()
    page.get_by_role("group", name=re.compile("^2\\.")).get_by_label(re.compile("^" + lean)).check()
    for title in mechanisms:
        page.get_by_role("group", name=re.compile("^3\\.")).get_by_label(title, exact=True).check()
    page.get_by_role("group", name=re.compile(r"^\d\. How confident")).get_by_label(confidence, exact=True).check()
    page.get_by_role("button", name="Commit and reveal").click()
    if wait:
        expect(page.locator("#saved")).to_contain_text("Saved — waiting for the reveal")
        return
    expect(page.get_by_role("heading", name="Feedback")).to_be_visible()


def practice_case_errors(page: Page, w: World) -> None:
    practice_case(page, w)
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.get_by_role("alert")).to_contain_text("Please answer the questions marked below")


def practice_feedback(page: Page, w: World) -> None:
    practice_case(page, w)
    answer(
        page,
        ["Low blood calcium", "Anemia", "Frequent or poorly healing fractures"],
        "Recessive",
        ["No room for marrow: blood forms in liver and spleen"],
        "80 %",
    )


def practice_library_progress(page: Page, w: World) -> None:
    practice_feedback(page, w)
    page.get_by_role("link", name="Back to the library").click()
    expect(page.locator(".progress")).to_contain_text("1 attempt on 1 case")


def practice_case_stage_3(page: Page, w: World) -> None:
    """A case that unfolds: the trainee reveals the examination, then the investigations."""
    practice_case(page, w)
    page.get_by_role("link", name="Reveal stage 2: Examination").click()
    expect(page.get_by_role("heading", name=re.compile("Stage 2 of 3"))).to_be_visible()
    page.get_by_role("link", name="Reveal stage 3: Investigations").click()
    expect(page.get_by_role("heading", name=re.compile("Stage 3 of 3"))).to_be_visible()


def practice_staged_feedback(page: Page, w: World) -> None:
    """Committed after the second stage: the feedback says what the third would have added."""
    practice_case(page, w)
    page.get_by_role("link", name="Reveal stage 2: Examination").click()
    answer(
        page,
        ["Events mistaken for facial tics or seizures", "Enlarged liver and spleen"],
        "Recessive",
        ["No room for marrow: blood forms in liver and spleen"],
        "70 %",
    )
    expect(page.get_by_role("heading", name="How the case unfolded")).to_be_visible()


def practice_reset_confirm(page: Page, w: World) -> None:
    practice_library_progress(page, w)
    page.get_by_role("link", name="Clear my progress…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clear my progress?")


def practice_cleared_undo(page: Page, w: World) -> None:
    practice_reset_confirm(page, w)
    page.get_by_role("button", name="Yes, clear my progress").click()
    expect(page.get_by_role("button", name="Undo: bring my progress back")).to_be_visible()


def practice_simulated_feedback(page: Page, w: World) -> None:
    practice_library(page, w)
    page.get_by_role("link", name=re.compile("New patient: OMIM:259700")).click()
    answer(page, [], "Recessive", [], "60 %")


# --- educator ---------------------------------------------------------------------------------


def classroom_new(page: Page, w: World) -> None:
    checklist_empty(page, w)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classroom").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Run a classroom exercise")


def classroom_new_errors(page: Page, w: World) -> None:
    classroom_new(page, w)
    page.get_by_label(re.compile("^Time limit")).fill("999")
    page.get_by_role("button", name="Create the exercise").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")


def classroom_created(page: Page, w: World) -> None:
    classroom_new(page, w)
    page.get_by_label("Title of the exercise").fill("Thursday seminar")
    page.get_by_label(re.compile("^" + re.escape(CASES[0].title))).check()
    page.get_by_role("button", name="Create the exercise").click()
    page.locator(".keybox summary").click()  # unfold the key box, so every check sees it
    expect(page.locator("#claim-link")).to_be_visible()


def author(page: Page, w: World) -> None:
    classroom_new(page, w)
    page.get_by_role("link", name="Write a case of your own").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a case for your exercises")


def author_errors(page: Page, w: World) -> None:
    author(page, w)
    page.get_by_label("Narrative (2 to 6 sentences, your own words)").fill("Too short.")
    page.get_by_role("button", name="Save the case").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the fields marked below")


def fill_authored_case(
    page: Page, title: str, narrative: str, point: str, age: str = "4 months", locator: str = "Signs & Symptoms of MIOP"
) -> None:
    """Write a valid case in the authoring form and save it."""
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Age", exact=True).fill(age)
    page.get_by_label("Narrative (2 to 6 sentences, your own words)").fill(narrative)
    page.get_by_role("group", name="Expected inheritance lean").get_by_label("Recessive (MIOP)").check()
    tick(page, "Low blood calcium", "Present")
    tick(page, "Tetany (involuntary muscle contraction)", "Present")
    page.get_by_label("Teaching point 1", exact=True).fill(point)
    page.get_by_label("Where in source 1: section, page or quoted passage").fill(locator)
    page.get_by_role("button", name="Save the case").click()
    expect(page.get_by_role("status")).to_contain_text("Your case was saved")


def classroom_new_authored(page: Page, w: World) -> None:
    author(page, w)
    fill_authored_case(
        page,
        "An infant with tetany",
        "A four-month-old has tetany and a low calcium level.",
        "Low calcium in infancy is a recessive clue.",
    )


def edit_case(page: Page, w: World) -> None:
    classroom_new_authored(page, w)
    page.get_by_role("link", name="Edit “An infant with tetany”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit a case you wrote")
    expect(page.get_by_label("Title", exact=True)).to_have_value("An infant with tetany")


def case_edited(page: Page, w: World) -> None:
    edit_case(page, w)
    page.get_by_label("Title", exact=True).fill("A girl with tetany")
    page.get_by_role("button", name="Save the case").click()
    expect(page.get_by_role("status")).to_have_text("Your changes to the case were saved.")
    expect(page.get_by_role("link", name="Edit “A girl with tetany”")).to_be_visible()


def delete_case(page: Page, w: World) -> None:
    classroom_new_authored(page, w)
    page.get_by_role("link", name="Delete “An infant with tetany”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete a case you wrote")


def case_deleted(page: Page, w: World) -> None:
    delete_case(page, w)
    page.get_by_role("button", name="Delete the case").click()
    expect(page.get_by_role("status")).to_have_text("The case was deleted.")
    expect(page.get_by_role("heading", name="Cases you wrote")).to_have_count(0)


def claim(page: Page, w: World) -> None:
    page.goto(f"{w.base}/classroom/{w.code}/claim")
    expect(page.get_by_label("Educator key")).to_be_visible()


def claim_error(page: Page, w: World) -> None:
    claim(page, w)
    page.get_by_label("Educator key").fill("not-the-key")
    page.get_by_role("button", name="Open the dashboard").click()
    expect(page.locator(".field-error")).to_contain_text("does not open this exercise")


def unauthorized(page: Page, w: World) -> None:
    page.goto(f"{w.base}/classroom/{w.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("This page needs the educator key")
    expect(page.get_by_role("link", name=f"Open the claim form for {w.code}")).to_be_visible()


def dashboard(page: Page, w: World) -> None:
    """The printed educator link (key after #) opens the dashboard in this browser."""
    page.goto(f"{w.base}/classroom/{w.code}/claim#{w.key}")
    page.get_by_role("button", name="Open the dashboard").click()
    expect(page.locator(".cls-students")).to_contain_text("Ana-Heron")


def projector(page: Page, w: World) -> None:
    """The lobby: the join code, URL and QR code, and how many joined."""
    dashboard(page, w)
    page.get_by_role("link", name="Projector view").click()
    expect(page.locator(".pj-code")).to_have_text(w.code)
    expect(page.get_by_role("status")).to_contain_text("joined")


def projector_case(page: Page, w: World) -> None:
    """One case on the projector before the reveal: the narrative, no results."""
    projector(page, w)
    page.get_by_role("link", name="Case 1").click()
    expect(page.locator(".pj-wait")).to_be_visible()


def projector_revealed(page: Page, w: World) -> None:
    code = second_exercise(w.base, w.key, "immediate", True)
    dashboard(page, w)
    page.goto(f"{w.base}/classroom/{code}/projector?case=1")
    expect(page.get_by_role("heading", name=re.compile("expected: "))).to_be_visible()


def dashboard_revealed(page: Page, w: World) -> None:
    code = second_exercise(w.base, w.key, "immediate", True)
    dashboard(page, w)
    page.goto(f"{w.base}/classroom/{code}")
    expect(page.locator("#case-1-h")).to_contain_text("answer revealed")


def student_detail(page: Page, w: World) -> None:
    dashboard(page, w)
    page.get_by_role("link", name="Ana-Heron").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Answers of Ana-Heron")


def your_exercises(page: Page, w: World) -> None:
    classroom_created(page, w)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Classroom").click()
    expect(page.get_by_role("heading", name="Your exercises")).to_be_visible()


# --- student ----------------------------------------------------------------------------------


def join(page: Page, w: World) -> None:
    checklist_empty(page, w)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join a class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join a classroom exercise")


def join_errors(page: Page, w: World) -> None:
    join(page, w)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("alert")).to_be_visible()


def join_wrong_code(page: Page, w: World) -> None:
    join(page, w)
    page.get_by_label("Join code", exact=True).fill("ZZZ 222")
    page.get_by_label("Nickname").fill(nickname())
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#code-error")).to_contain_text("There is no exercise with this join code")
    expect(page.get_by_label("Join code", exact=True)).to_have_value("ZZZ 222")  # what was typed stays


def student_home(page: Page, w: World) -> None:
    join(page, w)
    page.get_by_label("Join code", exact=True).fill(w.code.lower())
    page.get_by_label("Nickname").fill(nickname())
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Week 3: bone clinic")


def student_case(page: Page, w: World) -> None:
    student_home(page, w)
    page.get_by_role("link", name=re.compile("^Case 1:")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case 1 of 2")


def student_case_errors(page: Page, w: World) -> None:
    student_case(page, w)
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.get_by_role("alert")).to_contain_text("Please answer the questions marked below")


def student_waiting(page: Page, w: World) -> None:
    """Feedback after the reveal: the answer is saved and the page waits for the educator."""
    code = second_exercise(w.base, w.key, "after_reveal", False)
    join(page, w)
    page.get_by_label("Join code", exact=True).fill(code)
    page.get_by_label("Nickname").fill(nickname())
    page.get_by_role("button", name="Join").click()
    page.get_by_role("link", name=re.compile(r"^Case 1\b")).click()
    answer(page, [], "Dominant", [], "70 %", wait=True)


def student_feedback(page: Page, w: World) -> None:
    student_case(page, w)
    key = CASES[0].key
    answer(page, [label_of(s) for s in key.present], "Dominant", [label_of(m) for m in key.mechanisms], "90 %")


@dataclass(frozen=True)
class State:
    """A named page state and how a user reaches it."""

    name: str
    setup: Callable[[Page, World], None]


STATES = [
    State("checklist-empty", checklist_empty),
    State("checklist-errors", checklist_errors),
    State("checklist-prefilled", checklist_prefilled),
    State("result", result),
    State("result_premise_contradicted", result_premise_contradicted),
    State("result-differential", result_differential),
    State("import-panel", import_panel),
    State("import-prefilled", import_prefilled),
    State("import-errors", import_errors),
    State("import-too-large", import_too_large),
    State("about", about),
    State("not-found", not_found),
    State("bad-link", bad_link),
    State("practice-library", practice_library),
    State("practice-case", practice_case),
    State("practice-case-errors", practice_case_errors),
    State("practice-feedback", practice_feedback),
    State("practice-simulated-feedback", practice_simulated_feedback),
    State("practice-case-stage-3", practice_case_stage_3),
    State("practice-staged-feedback", practice_staged_feedback),
    State("practice-reset-confirm", practice_reset_confirm),
    State("practice-cleared-undo", practice_cleared_undo),
    State("practice-library-progress", practice_library_progress),
    State("classroom-new", classroom_new),
    State("classroom-new-errors", classroom_new_errors),
    State("classroom-created", classroom_created),
    State("author", author),
    State("author-errors", author_errors),
    State("classroom-new-authored", classroom_new_authored),
    State("edit-case", edit_case),
    State("case-edited", case_edited),
    State("delete-case", delete_case),
    State("case-deleted", case_deleted),
    State("claim", claim),
    State("claim-error", claim_error),
    State("unauthorized", unauthorized),
    State("dashboard", dashboard),
    State("projector", projector),
    State("projector-case", projector_case),
    State("projector-revealed", projector_revealed),
    State("dashboard-revealed", dashboard_revealed),
    State("student-detail", student_detail),
    State("your-exercises", your_exercises),
    State("join", join),
    State("join-errors", join_errors),
    State("join-wrong-code", join_wrong_code),
    State("student-home", student_home),
    State("student-case", student_case),
    State("student-case-errors", student_case_errors),
    State("student-waiting", student_waiting),
    State("student-feedback", student_feedback),
]
BY_NAME = {s.name: s for s in STATES}


def params(names: list[str] | None = None) -> list[Any]:
    """The states (all, or the named ones) as pytest parameters with readable ids."""
    chosen = STATES if names is None else [BY_NAME[n] for n in names]
    return [pytest.param(s, id=s.name) for s in chosen]
