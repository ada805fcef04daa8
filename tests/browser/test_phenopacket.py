"""Phenopacket import and export in real headless Chromium: paste the example, submit, review, download."""

from __future__ import annotations

import json
import re
from pathlib import Path

import phenopackets
import pytest
from axe_playwright_python.sync_playwright import Axe
from google.protobuf import json_format
from playwright.sync_api import Page
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
AXE = Axe()  # axe-core bundled in the wheel: no network
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def assert_no_axe_violations(page: Page) -> None:
    results = AXE.run(page)
    assert results.violations_count == 0, results.generate_report()


def finding(page: Page, label: str):
    return page.get_by_role("group", name=re.compile("^" + re.escape(label)))


def test_clinician_pastes_the_example_phenopacket_and_gets_the_checklist_filled_in(page: Page, live_server, artifacts):
    page.goto(live_server + "/")
    panel = page.locator("details#import")
    expect(panel.locator("summary")).to_have_text("Start from a phenopacket or HPO list")
    panel.locator("summary").click()  # a closed <details> hides its content from axe and from users
    expect(page.get_by_label("Or paste it here")).to_be_visible()
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "import-panel.png"))

    page.get_by_label("Or paste it here").fill((EXAMPLES / "phenopacket-optb1-infant.json").read_text())
    page.get_by_role("button", name="Open the checklist filled in").click()

    expect(page.get_by_role("heading", name="Filled in from a GA4GH phenopacket (schema v2)")).to_be_visible()
    expect(finding(page, "Enlarged liver and spleen").get_by_label("Present")).to_be_checked()
    expect(finding(page, "Low blood calcium").get_by_label("Present")).to_be_checked()
    expect(finding(page, "Frequent or poorly healing fractures").get_by_label("Not assessed")).to_be_checked()
    expect(page.get_by_label("Age at onset")).to_have_value("infancy")
    expect(page.locator(".unmapped")).to_contain_text("HP:0000256 Macrocephaly")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "import-prefilled.png"), full_page=True)

    page.get_by_role("button", name="Show the result").click()
    expect(page.locator(".summary")).to_contain_text(
        "The picture leans strongly toward autosomal recessive osteopetrosis (MIOP); the clue that weighs most is"
    )
    expect(page.locator(".card h3")).to_have_text(
        ["Abnormal skull remodeling", "No room for marrow: blood forms in liver and spleen", "Calcium locked into bone"]
    )

    # The export section: the phenopacket downloads and parses with the official package.
    export = page.locator("#export")
    expect(export).to_be_visible()
    expect(export.get_by_role("button", name="Print the one-page summary")).to_be_visible()  # app.js shows it
    assert_no_axe_violations(page)
    export.screenshot(path=str(artifacts / "export-section.png"))
    page.screenshot(path=str(artifacts / "import-result.png"), full_page=True)
    with page.expect_download() as info:
        export.get_by_role("link", name="GA4GH phenopacket (JSON, schema v2)").click()
    download = info.value
    assert download.suggested_filename == "miop-checklist-phenopacket.json"
    message = json_format.Parse(Path(download.path()).read_text(), phenopackets.Phenopacket())
    # Osteopetrosis (HP:0011002) is dense bone on imaging (HP:0011001), and the terms that are not
    # checklist findings (Macrocephaly, and the record's own specific terms) travel along
    # (docs/decisions/0003-the-premise-dense-bone.md, docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md).
    ids = {f.type.id for f in message.phenotypic_features}
    assert {"HP:0000505", "HP:0001433", "HP:0001903", "HP:0001873", "HP:0002901", "HP:0011001", "HP:0000256"} <= ids
    with page.expect_download() as info:
        export.get_by_role("link", name="HPO terms (CSV)").click()
    assert "HP:0001433,Hepatosplenomegaly,present" in Path(info.value.path()).read_text()


def test_a_bad_upload_says_why_in_the_open_panel(page: Page, live_server, artifacts, tmp_path):
    bad = tmp_path / "record.json"
    bad.write_text(json.dumps({"phenotypicFeatures": [{"type": {"id": "HP:12"}}]}))
    page.goto(live_server + "/")
    page.locator("details#import summary").click()
    page.get_by_label(re.compile("^Choose a file")).set_input_files(str(bad))
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("alert")).to_contain_text("malformed HPO id 'HP:12'")
    expect(page.locator("details#import")).to_have_attribute("open", "")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "import-error.png"))


def test_an_upload_over_64_kib_gets_the_friendly_413_page(page: Page, live_server, artifacts, tmp_path):
    big = tmp_path / "whole-record.txt"
    big.write_text("HP:0001873 Thrombocytopenia\n" * 3000)  # about 84 KB
    page.goto(live_server + "/")
    page.locator("details#import summary").click()
    page.get_by_label(re.compile("^Choose a file")).set_input_files(str(big))
    page.get_by_role("button", name="Open the checklist filled in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The file is too large to import")
    expect(page.locator(".error-message")).to_contain_text("64 KiB")
    assert_no_axe_violations(page)
    page.screenshot(path=str(artifacts / "import-too-large.png"))
    page.get_by_role("link", name="Back to the checklist and its import panel").click()
    expect(page.locator("details#import summary")).to_be_visible()
