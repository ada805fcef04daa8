"""Security in real headless Chromium: the CSP watch every page-level browser test runs under can see
a violation; user text (nicknames, authored cases, imported labels, echoed input) is shown literally
and never runs; the educator key never reaches a URL, a Referer or a log line (the dev server's log
through caplog, and gunicorn's access log in the format of webapp/infra/gunicorn_conf.py)."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.support.app_states import CASES
from tests.support.app_states import fill_authored_case
from tests.support.app_states import perfect_answer
from tests.support.app_states import post_json
from tests.support.browser import watch_csp
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env

pytestmark = pytest.mark.browser
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-1+1"]  # "@" is refused: it looks like an e-mail


def test_the_csp_watch_reports_inline_script_and_style(browser: Browser, live_server):
    context = browser.new_context()
    seen = watch_csp(context)
    page = context.new_page()
    page.goto(live_server + "/")
    page.evaluate("""() => {
        const script = document.createElement('script'); script.textContent = 'window.ran = 1';
        document.body.append(script);
        document.querySelector('h1').setAttribute('style', 'color: red');
    }""")
    page.wait_for_timeout(200)  # violation reports are delivered asynchronously
    assert page.evaluate("window.ran") is None, "the policy must block inline script"
    assert any("script-src" in s for s in seen) and any("style-src" in s for s in seen), seen
    context.close()


class Dialogs:
    """Every page of the contexts it watches: fail the test if any JavaScript dialog opens."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.on("dialog", lambda dialog: (self.opened.append(dialog.message), dialog.dismiss()))
        return context


def assert_inert(page: Page) -> None:
    """No element the payloads would have injected exists on the page."""
    assert page.locator("img[src='x']").count() == 0
    assert "alert(1)" not in page.evaluate("[...document.scripts].map((s) => s.textContent).join()")


def test_user_text_is_shown_literally_and_never_runs(browser: Browser, live_server):
    dialogs = Dialogs()
    educator = dialogs.watch(browser.new_context()).new_page()
    title = f"Case {SCRIPT} {IMG}"
    educator.goto(live_server + "/classroom/cases/new")
    fill_authored_case(
        educator,
        title,
        f"A four-month-old {SCRIPT} has tetany {IMG} and low calcium.",
        f"Teaching {SCRIPT} point {IMG}",
        age=IMG,
        locator=f"Section {SCRIPT}",
    )
    expect(educator.get_by_label(f"Your case: {title}")).to_be_visible()
    assert_inert(educator)
    educator.get_by_label("Title of the exercise").fill(f"Week {IMG}")
    educator.get_by_label(f"Your case: {title}").check()
    educator.get_by_label(re.compile("^" + re.escape(CASES[0].title))).check()
    educator.get_by_label(re.compile("^As soon as they answer")).check()  # the feedback on the spot
    educator.get_by_label(re.compile("^Each student")).check()  # every case at once
    educator.get_by_role("button", name="Create the exercise").click()
    expect(educator.get_by_role("heading", level=1)).to_have_text(f"Week {IMG}")
    code = educator.locator(".code-big").inner_text().strip()
    educator.get_by_role("link", name="Open the dashboard").click()
    expect(educator).to_have_title(re.compile(re.escape(f"Dashboard {code}")))

    # Two students with payload nicknames answer the authored case while the dashboard polls.
    for nick in (SCRIPT, IMG):
        student = dialogs.watch(browser.new_context()).new_page()
        student.goto(f"{live_server}/join?code={code}")
        student.get_by_label("Nickname", exact=True).fill(nick)
        student.get_by_role("button", name="Join").click()
        expect(student.get_by_text(f"You are {nick}.")).to_be_visible()
        expect(student.get_by_role("heading", level=1)).to_have_text(f"Week {IMG}")
        expect(student.locator(".cls-list")).to_contain_text(f"Case 1: {title}")
        assert_inert(student)
        student.get_by_role("link", name=f"Case 1: {title}").click()
        expect(student.locator(".vignette h2")).to_have_text(title)
        expect(student.locator(".case-meta")).to_contain_text(IMG)
        expect(student.locator(".narrative")).to_contain_text(f"{SCRIPT} has tetany {IMG}")
        assert_inert(student)
        student.get_by_label("Low blood calcium", exact=True).check()
        student.get_by_label("Recessive (MIOP)").check()
        student.get_by_label("90 %", exact=True).check()
        student.get_by_role("button", name="Commit and reveal").click()
        expect(student.locator(".teaching")).to_contain_text(f"Teaching {SCRIPT} point {IMG}")
        expect(student.locator(".teaching")).to_contain_text(f"Section {SCRIPT}")
        assert_inert(student)
    for nick in FORMULAS:
        post_json(
            f"{live_server}/api/v1/exercises/{code}/submissions",
            {"nickname": nick, "case_id": CASES[0].id, "answer": perfect_answer(CASES[0])},
        )

    # The dashboard, never reloaded, swaps in the new answers; the nicknames read as typed.
    expect(educator.get_by_role("status")).to_contain_text("5 joined, 5 answered (5 answers in all).", timeout=15_000)
    for nick in (SCRIPT, IMG, *FORMULAS):
        expect(educator.locator(".cls-students")).to_contain_text(nick)
    expect(educator.locator("#case-1-h")).to_contain_text(title)
    assert_inert(educator)
    educator.reload()
    expect(educator.get_by_role("heading", level=1)).to_have_text(f"Week {IMG}")
    assert_inert(educator)
    educator.get_by_role("link", name="Projector view").click()
    expect(educator.get_by_role("heading", level=1)).to_have_text(f"Week {IMG}")  # the lobby
    assert_inert(educator)
    educator.get_by_role("link", name="Case 1", exact=True).click()
    expect(educator.get_by_role("heading", level=1)).to_contain_text(title)
    assert_inert(educator)

    # The CSV: text/csv, never sniffed as HTML; a cell that starts a formula starts with an apostrophe.
    response = educator.request.get(f"{live_server}/classroom/{code}/submissions.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["x-content-type-options"] == "nosniff"
    rows = list(csv.DictReader(io.StringIO(response.text())))  # the header first
    nicknames = {row["nickname"] for row in rows}
    assert nicknames == {SCRIPT, IMG, *("'" + f for f in FORMULAS)}, nicknames
    assert dialogs.opened == []


def test_echoed_and_imported_text_is_shown_literally(page: Page, live_server):
    opened: list[str] = []
    page.on("dialog", lambda dialog: (opened.append(dialog.message), dialog.dismiss()))
    page.goto(live_server + "/assessment?present=" + urllib.parse.quote(SCRIPT))
    expect(page.locator(".error-message")).to_contain_text(SCRIPT)
    assert_inert(page)
    page.goto(live_server + "/practice/" + urllib.parse.quote(IMG, safe=""))
    expect(page.locator(".error-message")).to_contain_text(IMG)
    assert_inert(page)
    page.goto(live_server + "/")
    page.locator("details#import summary").click()
    packet = {
        "phenotypicFeatures": [
            {"type": {"id": "HP:0001873", "label": SCRIPT}},
            {"type": {"id": "HP:0000256", "label": IMG}},
        ]
    }
    page.get_by_label("Or paste it here").fill(json.dumps(packet))
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("heading", name=re.compile("^Filled in from"))).to_be_visible()
    assert_inert(page)
    page.locator("details#import summary").click()
    page.get_by_label("Or paste it here").fill(f"HP:12{SCRIPT}")  # one word: the reader splits lines at spaces
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("alert")).to_contain_text(f"HP:12{SCRIPT}")
    assert_inert(page)
    assert opened == []


# --- the educator key --------------------------------------------------------------------------


def educator_flows(browser: Browser, base: str, poll: bool) -> tuple[list[str], list[str]]:
    """Create, open, project, export, close and claim an exercise in two browsers, and use the API;
    with `poll`, wait for the dashboard's first poll of live.json too.

    Returns the educator keys handed out and every URL and Referer the browsers sent.
    """
    sent: list[str] = []

    def record(context: BrowserContext) -> BrowserContext:
        context.on("request", lambda r: sent.extend([r.url, r.headers.get("referer", "")]))
        return context

    first = record(browser.new_context()).new_page()
    first.goto(base + "/classroom/new")
    first.get_by_label("Title of the exercise").fill("Key check")
    first.get_by_label(re.compile("^" + re.escape(CASES[0].title))).check()
    first.get_by_role("button", name="Create the exercise").click()
    first.locator(".keybox summary").click()
    link = first.locator("#claim-link").inner_text().strip()
    key = link.split("#", 1)[1]
    code = first.locator(".code-big").inner_text().strip()
    first.get_by_role("link", name="Open the dashboard").click()
    with first.expect_download():
        first.get_by_role("link", name="Download all answers (CSV)").click()
    first.get_by_role("link", name="Projector view").click()
    first.get_by_role("link", name="Dashboard", exact=True).click()
    first.get_by_role("button", name="Close the exercise").click()
    expect(first.get_by_role("status")).to_contain_text("Closed by the educator")

    other = record(browser.new_context()).new_page()
    other.goto(link)  # the printed link: the key after "#"
    other.get_by_role("button", name="Open the dashboard").click()
    if poll:
        other.wait_for_event("request", lambda r: "/live.json" in r.url)
    expect(other.get_by_role("heading", level=1)).to_have_text("Key check")
    wrong = record(browser.new_context()).new_page()
    wrong.goto(f"{base}/classroom/{code}/claim")
    wrong.get_by_label("Educator key").fill(key[::-1])
    wrong.get_by_role("button", name="Open the dashboard").click()
    expect(wrong.locator(".field-error")).to_be_visible()

    bearer = {"Authorization": f"Bearer {key}"}
    api = post_json(base + "/api/v1/exercises", {"title": "API", "case_ids": [CASES[0].id]})
    post_json(base + "/api/v1/exercises", {"title": "Same educator", "case_ids": [CASES[0].id]}, bearer)
    for secret, exercise in ((key, code), (api["educator_key"], api["code"])):
        request = urllib.request.Request(
            f"{base}/api/v1/exercises/{exercise}/results", headers={"Authorization": f"Bearer {secret}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
    for page in (first, other, wrong):
        page.context.close()
    return [key, api["educator_key"]], sent


def test_the_educator_key_stays_out_of_urls_and_the_dev_server_log(browser: Browser, live_server, caplog):
    with caplog.at_level(logging.DEBUG):
        keys, sent = educator_flows(browser, live_server, poll=True)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "/classroom/" in logged and "/api/v1/exercises" in logged  # the request log was captured
    for key in keys:
        assert not any(key in s for s in sent), "the key was sent in a URL or a Referer"
        assert key not in logged


def test_the_educator_key_stays_out_of_the_gunicorn_access_log(browser: Browser, tmp_path: Path):
    env = server_env(f"sqlite:///{tmp_path / 'keys.db'}", SESSION_COOKIE_SECURE="0")  # plain http here
    migrate_database(env)
    log = tmp_path / "gunicorn.log"
    with gunicorn_server(env, log) as (base, _):
        keys, sent = educator_flows(browser, base, poll=False)
    text = log.read_text()
    assert '"GET /classroom/' in text and '"POST /api/v1/exercises HTTP/1.1" 201' in text
    for key in keys:
        assert not any(key in s for s in sent)
        assert key not in text
