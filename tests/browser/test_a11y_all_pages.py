"""Every page of the app in its filled-in states, in real headless Chromium.

Each state (app_states.py: add a page there) is reached by tapping through the app on a phone
(390 x 844), so every journey also runs at phone size. Then, on that page:
- it does not scroll sideways on the phone (wide charts and tables scroll inside their own box);
  a screenshot goes to test-artifacts/phone-<state>.png for people to look at;
- axe-core finds nothing (WCAG 2.0/2.1 A and AA, the WCAG 2.2 AA rules axe has, and best
  practice) at desktop width, nor, with the rules that depend on the layout (target size, scrollable
  regions reachable by keyboard), on the phone;
- form errors are announced (a role="alert" summary), each message tied to its field with
  aria-describedby and the field marked aria-invalid="true"; pages nobody submitted mark nothing;
- every keyboard stop shows a focus outline.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.support.app_states import AXE
from tests.support.app_states import AXE_LAYOUT_OPTIONS
from tests.support.app_states import AXE_OPTIONS
from tests.support.app_states import STATES
from tests.support.app_states import State
from tests.support.app_states import assert_no_axe_violations
from tests.support.app_states import params
from tests.support.app_states import world

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ERROR_STATES = {
    "checklist-errors",
    "import-errors",
    "practice-case-errors",
    "classroom-new-errors",
    "author-errors",
    "claim-error",
    "join-errors",
    "join-wrong-code",
    "student-case-errors",
}
# What sticks out sideways, to name in a failure.
WIDER_THAN_THE_SCREEN = """(width) => [...document.querySelectorAll('main *, header *')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !el.closest('.scroll-x, .table-wrap'))
    .slice(0, 5).map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}px`)"""
# Each error message is referenced by aria-describedby; every control of the field it belongs to is
# aria-invalid; every aria-invalid control (or its fieldset) points at a non-empty error message.
ERROR_WIRING = """() => {
  const ids = (el) => (el && el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  const problems = [];
  for (const message of document.querySelectorAll('.field-error')) {
    const owner = message.id && document.querySelector(`[aria-describedby~="${message.id}"]`);
    if (!owner) { problems.push(`not tied to a field: ${message.textContent}`); continue; }
    const controls = owner.matches('fieldset') ? [...owner.querySelectorAll('input, select, textarea')] : [owner];
    if (!controls.every((c) => c.getAttribute('aria-invalid') === 'true')) {
      problems.push(`field not marked aria-invalid: ${message.textContent}`);
    }
  }
  const invalid = [...document.querySelectorAll('[aria-invalid=true]')];
  for (const control of invalid) {
    const refs = [...ids(control), ...ids(control.closest('fieldset'))].map((id) => document.getElementById(id));
    if (!refs.some((el) => el && el.matches('.field-error, [role=alert]') && el.textContent.trim())) {
      problems.push(`aria-invalid without its message: ${control.name || control.id}`);
    }
  }
  return {alerts: document.querySelectorAll('[role=alert]').length, invalid: invalid.length, problems};
}"""
# The focused element, and whether it draws an outline of 2 px or more (or a box shadow).
FOCUS_STYLE = """() => {
  const el = document.activeElement, style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].textContent.trim() : '';
  return {what: `${el.tagName} ${el.name || el.id || label || el.textContent.trim().slice(0, 40)}`,
          visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                   || style.boxShadow !== 'none'};
}"""
FOCUS_STOPS = 30  # the header's links, then well into the page's own controls


def assert_fits_the_screen(page: Page, width: int) -> None:
    """The page does not scroll sideways (measured once the stylesheet has loaded, as a user sees it)."""
    page.wait_for_load_state("load")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways ({scroll}px): {page.evaluate(WIDER_THAN_THE_SCREEN, width)}"


def assert_errors_announced(page: Page, has_errors: bool) -> None:
    """Form errors: an alert, each message tied to its field, the field invalid; none on a fresh page."""
    wiring = page.evaluate(ERROR_WIRING)
    assert wiring["problems"] == []
    if has_errors:
        assert wiring["alerts"] >= 1 and wiring["invalid"] >= 1, wiring
    else:
        assert wiring["invalid"] == 0, "a form nobody has submitted marks no field invalid"


def assert_focus_visible(page: Page) -> None:
    """Tab from the top of the page: every stop shows a focus outline."""
    page.mouse.click(1, 1)  # Tab on from the top, not from the last control the setup used
    seen = []
    for _ in range(FOCUS_STOPS):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS_STYLE)
        if focus["what"].startswith("BODY"):
            break
        seen.append(focus["what"])
        assert focus["visible"], f"no visible focus on {focus['what']}"
    # The site navigation alone has six links; the projector (no site chrome) has its own few.
    stops = page.evaluate("document.querySelectorAll('a[href], button, input, select, textarea').length")
    assert len(seen) >= min(5, stops), seen


@pytest.mark.parametrize("state", params())
def test_page_state(page: Page, live_server, artifacts, state: State):
    page.set_viewport_size(PHONE)
    state.setup(page, world(live_server))
    page.screenshot(path=str(artifacts / f"phone-{state.name}.png"), full_page=True)
    assert_fits_the_screen(page, PHONE["width"])
    assert_no_axe_violations(page, AXE_LAYOUT_OPTIONS)
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page)
    assert_errors_announced(page, state.name in ERROR_STATES)
    assert_focus_visible(page)


def test_every_state_has_a_unique_name_and_the_error_states_exist():
    assert len({s.name for s in STATES}) == len(STATES)
    assert ERROR_STATES <= {s.name for s in STATES}


def test_the_checks_fail_on_a_page_that_breaks_their_rules(page: Page):
    # An unlabeled field, an image without alt, 8 px targets (WCAG 2.2), an error message tied to no
    # field, an invalid field without its message, and a link whose focus outline is removed.
    page.set_content("""<html><head><style>a:focus{outline:none}</style></head><body><main>
        <img src='x.png'><input type='text'><span class='field-error' id='e'>Wrong.</span>
        <input aria-label='n' aria-invalid='true'>
        <p><a href='#a'><img src='y.png' width='8' height='8' alt='a'></a><a href='#b'><img src='y.png'
        width='8' height='8' alt='b'></a></p></main></body></html>""")
    ids = {v["id"] for v in AXE.run(page, options=AXE_OPTIONS).response["violations"]}
    assert {"image-alt", "label", "html-has-lang", "target-size"} <= ids, ids
    assert len(page.evaluate(ERROR_WIRING)["problems"]) == 2
    page.locator("a").first.focus()
    assert page.evaluate(FOCUS_STYLE)["visible"] is False


# The pages in Spanish (Accept-Language, as a Spanish-speaking browser sends it): the same axe rules, at
# desktop and on the phone, and <html lang="es"> for screen readers to pick the right voice.
SPANISH_PAGES = [
    "/",
    "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia,visual_impairment&onset=neonatal",
    "/about",
    "/practice",
    "/join",
    "/classroom/new",
    "/no-such-page",
]


@pytest.mark.parametrize("path", SPANISH_PAGES)
def test_spanish_page(page: Page, live_server, path: str):
    page.context.set_extra_http_headers({"Accept-Language": "es-CR,es;q=0.9"})
    page.set_viewport_size(PHONE)
    page.goto(live_server + path)
    assert page.locator("html").get_attribute("lang") == "es"
    assert_fits_the_screen(page, PHONE["width"])
    assert_no_axe_violations(page, AXE_LAYOUT_OPTIONS)
    page.set_viewport_size(DESKTOP)
    assert_no_axe_violations(page)
