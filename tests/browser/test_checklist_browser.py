"""The clinician journey in real headless Chromium: tick, submit, read, check accessibility, print."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
AXE = Axe()  # axe-core bundled in the wheel: no network


def assert_no_axe_violations(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def tick(page: Page, finding_label: str, state: str) -> None:
    page.get_by_role("group", name=re.compile("^" + re.escape(finding_label))).get_by_label(state).check()


def test_clinician_ticks_neonatal_low_calcium_and_reads_a_strong_recessive_lean(page: Page, live_server, artifacts):
    page.goto(live_server + "/")
    expect(page).to_have_title(re.compile("Checklist"))
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "checklist-empty.png"), full_page=True)

    tick(page, "Low blood calcium", "Present")
    tick(page, "Enlarged liver and spleen", "Present")
    tick(page, "Frequent or poorly healing fractures", "Absent")
    page.get_by_label("Age at onset").select_option("neonatal")
    page.get_by_role("button", name="Show the result").click()

    # No "(MIOP)": dense bone on imaging was not entered, so the premise is not confirmed.
    expect(page.locator(".summary")).to_contain_text(
        "The picture leans strongly toward autosomal recessive osteopetrosis; the clue that weighs most is"
    )
    expect(page.get_by_role("note")).to_contain_text("not a diagnosis")
    expect(page.locator(".flag-urgent").first).to_be_visible()
    expect(page.locator("#hpo-list")).to_contain_text("NOT HP:0002757")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "checklist-result.png"), full_page=True)

    # The shareable link reproduces the same result in a fresh visit.
    link = page.locator("#share-link").get_attribute("href")
    page.goto(live_server + link)
    expect(page.locator(".summary")).to_contain_text("strongly toward autosomal recessive")


ALL_23 = (
    "bone_pain,fractures,osteomyelitis,delayed_tooth_eruption,malformed_teeth,dental_problems,frontal_bossing,"
    "cranial_nerve_compression,abnormal_eye_movements,visual_impairment,hearing_impairment,facial_paralysis,"
    "headaches,raised_csf_pressure,hepatosplenomegaly,anemia,thrombocytopenia,leukopenia,failure_to_thrive,"
    "hypocalcemia,muscle_cramps,tetany,seizure_like_events"
)


EVERY_FINDING = (
    ALL_23 + ",renal_tubular_acidosis,cerebral_calcification,developmental_delay,brain_atrophy,"
    "low_immunoglobulins,recurrent_infections,coloboma,microphthalmia,hypopigmentation,dense_bone"
)


@pytest.mark.parametrize(
    "query",
    [
        f"present={ALL_23},HP:0000256&onset=neonatal&family_history=consanguineous_parents",
        f"present={EVERY_FINDING},HP:0000256&onset=neonatal&family_history=consanguineous_parents",  # with the panel
        "present=visual_impairment,HP:0004349&absent=hypocalcemia,anemia&onset=infancy&family_history=affected_sibling",
    ],
)
def test_the_print_is_one_a4_and_one_letter_page_with_what_was_entered_and_the_date(
    page: Page, live_server, artifacts, query
):
    # Issue 14: what was entered, the date and the knowledge version print, on one page, for any input.
    page.goto(live_server + "/assessment?" + query)
    page.emulate_media(media="print")
    expect(page.locator(".entered")).to_be_visible()
    expect(page.locator(".entered")).to_contain_text("Onset: ")
    expect(page.locator(".disclaimer-print")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} · knowledge version"))
    expect(page.locator(".dx-print")).to_contain_text("Best-matching types")  # the ranking's top three, one line
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        (artifacts / f"result-print-{paper}-{len(query)}.pdf").write_bytes(pdf)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{paper}: the printed result takes {pages} pages"


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("neonatal", "present=hypocalcemia,hepatosplenomegaly,anemia,visual_impairment&onset=neonatal"),
        # Dense bone contradicted: the summary says so at length, and the flag that remains comes next.
        ("premise-contradicted", "present=visual_impairment,anemia,HP:0004349&onset=infancy"),
    ],
)
def test_the_first_red_flag_is_on_a_phone_s_first_screen_below_the_summary(
    page: Page, live_server, artifacts, name, query
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/assessment?" + query)
    summary = page.locator("#summary").bounding_box()
    flag = page.locator("#red-flags .flag").first
    action = flag.locator(".action").bounding_box()
    assert summary["y"] + summary["height"] <= flag.bounding_box()["y"]
    assert action["y"] + action["height"] <= 844, "the first red flag's action is below the first screen"
    page.screenshot(path=str(artifacts / f"result-{name}-phone.png"))
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(artifacts / f"result-{name}-desktop.png"))
    assert page.locator("#red-flags .flag").first.bounding_box()["y"] < 800


def test_result_prints_on_one_page(page: Page, live_server, artifacts):
    page.goto(
        live_server + "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia,"
        "cranial_nerve_compression,visual_impairment,fractures&absent=headaches&onset=neonatal"
        "&family_history=consanguineous_parents"
    )
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts / "checklist-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    (artifacts / "checklist-summary.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"the printed summary takes {pages} pages"


def test_checklist_works_at_phone_size(page: Page, live_server, artifacts):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/")
    tick(page, "Tetany (involuntary muscle contraction)", "Present")
    page.get_by_role("button", name="Show the result").click()
    expect(page.locator(".lean")).to_be_visible()
    page.wait_for_load_state("load")  # measure with the stylesheet applied, not mid-load
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "no horizontal scrolling on a phone"
    page.screenshot(path=str(artifacts / "checklist-result-phone.png"), full_page=True)


def test_checklist_can_be_completed_with_the_keyboard_alone(page: Page, live_server):
    page.goto(live_server + "/")
    # Tab from the top of the page to the onset select, choosing with arrow keys, as a keyboard user would.
    focused_ids = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")
        focused_ids.append(focused)
        if focused == "onset":
            break
    assert focused_ids[0] == "Skip to content"
    assert "onset" in focused_ids
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "keyboard focus must be visible"
    page.keyboard.press("ArrowDown")  # neonatal
    page.keyboard.press("Tab")  # family history
    page.keyboard.press("Tab")  # the HPO search box, then its button
    assert page.evaluate("document.activeElement.name") == "term_query"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "find"
    page.keyboard.press("Tab")  # first radio group: dense bone, the premise, on its checked option
    assert page.evaluate("document.activeElement.name") == "dense_bone"
    page.keyboard.press("Tab")  # then the source document's findings, bone pain first
    assert page.evaluate("document.activeElement.name") == "bone_pain"
    # Move through the radio groups to low blood calcium, then pick "Present" with the arrows.
    for _ in range(40):
        if page.evaluate("document.activeElement.name") == "hypocalcemia":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "hypocalcemia"
    page.keyboard.press("ArrowRight")  # wraps from "Not assessed" to "Present"
    assert page.evaluate("document.activeElement.value") == "present"
    for _ in range(10):
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".summary")).to_contain_text("moderately toward autosomal recessive")


def accessible_text(page: Page) -> str:
    """The page's text as Chromium's accessibility tree has it (CSS-generated text included)."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    return "".join(n.get("name", {}).get("value") or "" for n in tree["nodes"] if n["role"]["value"] == "StaticText")


def test_the_result_so_far_follows_the_ticks_beside_the_form_and_under_it_on_a_phone(
    page: Page, live_server, artifacts
):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/")
    live = page.get_by_role("complementary", name="The result so far")
    expect(live).to_contain_text("Nothing entered yet")
    page.get_by_label("Age at onset").select_option("neonatal")
    tick(page, "Low blood calcium", "Present")
    expect(live.locator("#live-lean")).to_contain_text("leans", timeout=10_000)
    expect(live.locator("#live-flag")).to_have_text("First red flag (urgent): Low blood calcium.")
    tick(page, "Visual impairment", "Present")
    tick(page, "Anemia", "Present")
    expect(live.locator("#live-entries li").first).to_contain_text("TCIRG1", timeout=10_000)
    assert re.fullmatch(r".+: (\d{1,2} %|< 1 %|> 99 %)", live.locator("#live-entries li").first.inner_text())
    box = live.bounding_box()
    assert box and box["x"] > page.locator("#f-anemia").bounding_box()["x"]  # beside the form
    page.locator("#f-anemia").scroll_into_view_if_needed()
    assert 0 <= live.bounding_box()["y"] < 800  # it stays in view as the form scrolls
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "checklist-live-summary-desktop.png"))
    tick(page, "Low blood calcium", "Not assessed")  # it follows un-ticking too
    expect(live.locator("#live-flag")).not_to_contain_text("Low blood calcium", timeout=10_000)
    # On a phone the gist rides in the sticky bar with "Show the result", which never leaves the screen.
    page.set_viewport_size({"width": 360, "height": 740})
    tick(page, "Low blood calcium", "Present")
    bar = page.locator(".sticky-submit")
    expect(bar.locator("#live-line")).to_contain_text("recessive", timeout=10_000)
    page.locator("#f-dense_bone").scroll_into_view_if_needed()
    bottom = bar.bounding_box()
    assert bottom and bottom["y"] + bottom["height"] <= 740 and bottom["height"] < 120
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(artifacts / "checklist-live-summary-phone.png"))


def test_without_javascript_the_sticky_bar_counts_what_was_entered_and_every_row_fits_360_px(browser, live_server):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(live_server + "/")
    assert not page.get_by_role("complementary", name="The result so far").is_visible()
    rows = page.evaluate(
        """Array.from(document.querySelectorAll('fieldset.finding')).map(f => new Set(
            Array.from(f.querySelectorAll('label.st')).map(l => Math.round(l.getBoundingClientRect().top))).size)"""
    )
    assert rows and set(rows) == {1}, "a row's Present / Absent / Not assessed on one line"
    tick(page, "Low blood calcium", "Present")
    tick(page, "Anemia", "Present")
    tick(page, "Frequent or poorly healing fractures", "Absent")
    assert "2 present · 1 absent" in accessible_text(page)
    bar = page.locator(".sticky-submit").bounding_box()
    assert bar and bar["y"] + bar["height"] <= 740  # "Show the result" in reach from anywhere in the form
    page.get_by_role("button", name="Show the result").click()
    expect(page.locator(".lean")).to_be_visible()
    context.close()


def test_the_hpo_combobox_is_used_with_the_keyboard_and_the_term_reaches_the_result(page: Page, live_server, artifacts):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server + "/")
    box = page.get_by_role("combobox", name="Search the HPO for any other finding")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.fill("macroceph")
    options = page.get_by_role("listbox", name="HPO terms found").get_by_role("option")
    expect(options.first).to_contain_text("Macrocephaly · HP:0000256", timeout=10_000)
    expect(box).to_have_attribute("aria-expanded", "true")
    assert_no_axe_violations(page)  # the list open
    page.screenshot(path=str(artifacts / "checklist-hpo-combobox-desktop.png"))
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "term-option-1")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")
    box.press("Enter")  # picks the first: Macrocephaly, added as present
    expect(page.locator("#term-status")).to_have_text("Macrocephaly (HP:0000256) added as present.")
    expect(box).to_have_attribute("aria-expanded", "false")
    assert page.input_value("#other_present") == "HP:0000256"
    added = page.get_by_role("group", name=re.compile("^Macrocephaly"))
    added.get_by_label("Absent").check()
    assert page.input_value("#other_absent") == "HP:0000256" and page.input_value("#other_present") == ""
    box.fill("low blood calcium")  # a checklist item: picking it ticks the item
    expect(options.first).to_contain_text("HP:0002901", timeout=10_000)
    box.press("ArrowDown")
    box.press("Enter")
    expect(page.locator("#hypocalcemia-0")).to_be_checked()
    box.fill("zzzzqq")
    expect(page.locator("#term-status")).to_have_text("No HPO term found.", timeout=10_000)
    box.press("Escape")
    page.get_by_label("Age at onset").select_option("neonatal")
    page.get_by_role("button", name="Show the result").last.click()
    expect(page.locator("#hpo-list")).to_contain_text("NOT HP:0000256 Macrocephaly")
    expect(page.locator("#hpo-list")).to_contain_text("HP:0002901 Hypocalcemia")


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844), (360, 740)])
def test_in_spanish_every_tri_state_row_and_the_language_switch_keep_to_one_line(browser, live_server, width, height):
    """Spanish words are longer ("No evaluado"): a row's three choices stay on one line beside the
    result so far on a desktop and on a phone, and the header's language switch is one line."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="es-ES")
    page = context.new_page()
    page.goto(live_server + "/?lang=es")
    rows = page.evaluate(
        """Array.from(document.querySelectorAll('fieldset.finding')).map(f => new Set(
            Array.from(f.querySelectorAll('label.st')).map(l => Math.round(l.getBoundingClientRect().top))).size)"""
    )
    assert rows and set(rows) == {1}, "a row's Presente / Ausente / No evaluado on one line"
    switch = page.evaluate(
        """new Set(Array.from(document.querySelectorAll('.lang-switch li'))
            .map(l => Math.round(l.getBoundingClientRect().top))).size"""
    )
    assert switch == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
