"""The educator's browser in real headless Chromium: the recovery link shown once behind "Show" (copy,
download), the browser closed and opened again (only its persistent cookies kept) still opens the
dashboard, projector and "Your exercises" without the key, and signing out forgets the educator."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import expect

from rules.practice.cases import load_cases

pytestmark = pytest.mark.browser
CASE = next(iter(load_cases().values()))


def test_the_educator_finds_the_class_after_reopening_the_browser_and_signs_out(browser: Browser, live_server):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page = context.new_page()
    page.goto(live_server + "/classroom/new")
    page.get_by_label("Title of the exercise").fill("Reopened class")
    page.get_by_label(re.compile("^" + re.escape(CASE.title))).check()
    page.get_by_role("button", name="Create the exercise").click()
    code = page.locator(".code-big").inner_text().strip()

    expect(page.get_by_text("Is this screen projected?")).to_be_visible()
    expect(page.locator("#claim-link")).to_be_hidden()  # the screen may be on the projector
    page.get_by_text("Show the recovery link").click()
    link = page.locator("#claim-link").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live_server)}/classroom/{code}/claim#[\w-]{{32}}", link)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    with page.expect_download() as download:
        page.get_by_role("link", name="Download it as a text file").click()
    assert download.value.suggested_filename == f"miop-recovery-{code}.txt"
    assert link in Path(download.value.path()).read_text()
    page.get_by_role("link", name="open the dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reopened class")

    state = context.storage_state()
    context.close()
    # A browser that is closed keeps only its persistent cookies: the session cookie is gone.
    kept = {**state, "cookies": [c for c in state["cookies"] if c["expires"] > 0]}
    assert [c["name"] for c in kept["cookies"]] == ["miop_educator"]
    assert link.split("#")[1] not in str(kept)

    again = browser.new_context(storage_state=kept).new_page()
    again.goto(f"{live_server}/classroom/{code}")
    expect(again.get_by_role("heading", level=1)).to_have_text("Reopened class")
    again.goto(f"{live_server}/classroom/{code}/projector")
    expect(again.locator(".pj-code")).to_have_text(code)
    again.goto(f"{live_server}/classroom/new")
    expect(again.get_by_role("link", name="Reopened class")).to_be_visible()  # "Your exercises"
    again.goto(f"{live_server}/classroom/{code}/created")
    expect(again.locator("#claim-link")).to_have_count(0)  # shown once, before the dashboard

    again.goto(f"{live_server}/classroom/new")
    again.get_by_role("button", name="Sign out on this browser").click()
    expect(again.get_by_role("status")).to_contain_text("You are signed out on this browser")
    expect(again.get_by_role("link", name="Reopened class")).to_have_count(0)
    again.goto(f"{live_server}/classroom/{code}")
    expect(again.get_by_role("heading", level=1)).to_have_text("This page needs the educator key")
    again.goto(link)  # the recovery link signs the browser in again
    again.get_by_role("button", name="Open the dashboard").click()
    expect(again.get_by_role("heading", level=1)).to_have_text("Reopened class")
    again.context.close()
