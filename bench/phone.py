"""A phone on a slow mobile network: the checklist, the neonatal findings ticked, the result page.

Real Chromium (Playwright) against the production server (gunicorn with
webapp/infra/gunicorn_conf.py, as in server_cpu.py), the page given a phone's screen and slowed
through the DevTools protocol as Chrome DevTools and Lighthouse slow a page for a mid-range phone:

- CPU: `Emulation.setCPUThrottlingRate` with rate CPU_SLOWDOWN (4: DevTools' "4x slowdown", and
  Lighthouse's mobile default);
- network: `Network.emulateNetworkConditions` with Chrome DevTools' "Slow 4G" preset
  (devtools-frontend, front_end/core/sdk/NetworkManager.ts, `Slow4GConditions`, the preset named
  "Fast 3G" before May 2024): 562.5 ms latency (150 ms x 3.75), 1.44 Mbit/s down (1.6 Mbit/s x 0.9,
  180,000 bytes/s) and 675 kbit/s up (750 kbit/s x 0.9, 84,375 bytes/s). DevTools adds the latency
  to every request.

One visit: navigate to the checklist (GET /); once it has loaded, a script in the page ticks the
neonatal findings of bench/inputs.py "present" (a click on each radio button, so the page's own
handlers run, throttled), picks the onset and submits the form; the figure runs from the checklist's
navigation start (`performance.timeOrigin`) to the end of the result page's load event. No human
reading or ticking time is in it. `phone_first_visit_seconds`: a fresh browser context (empty
cache, no cookie); `phone_repeat_visit_seconds`: the same visit again in that context, right after.
Each is the median over RUNS contexts.

Run: .venv/bin/python bench/phone.py (or bench/run.py phone).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import production_server  # noqa: E402
from inputs import CHECKLIST_FINDINGS  # noqa: E402
from inputs import ONSET  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
RUNS = 5  # browser contexts; each gives one first and one repeat visit
CPU_SLOWDOWN = 4
SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,  # ms added to each request
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,  # bytes/s
    "uploadThroughput": 750 * 1000 / 8 * 0.9,  # bytes/s
}
# Lighthouse's mobile screen (a Moto G Power): 412 x 823 CSS pixels at 1.75 device pixels each.
PHONE = {
    "viewport": {"width": 412, "height": 823},
    "device_scale_factor": 1.75,
    "is_mobile": True,
    "has_touch": True,
}
# Ticks the findings and submits, in the page, as fast as its handlers allow.
TICK_AND_SUBMIT = """([findings, onset]) => {
  for (const slug of findings) document.querySelector(`input[name="${slug}"][value="present"]`).click();
  const select = document.querySelector('select[name="onset"]');
  select.value = onset;
  select.dispatchEvent(new Event("change", {bubbles: true}));
  document.querySelector("form.checklist").requestSubmit();
}"""
LOAD_END = "() => { const n = performance.getEntriesByType('navigation')[0]; return n && n.loadEventEnd > 0; }"
END_MS = "() => performance.timeOrigin + performance.getEntriesByType('navigation')[0].loadEventEnd"


def visit(page: Page, base: str) -> float:
    """Seconds from the checklist's navigation start to the end of the result page's load event."""
    page.goto(base + "/", wait_until="load")
    start_ms = page.evaluate("() => performance.timeOrigin")
    with page.expect_navigation(wait_until="load", timeout=60_000):
        page.evaluate(TICK_AND_SUBMIT, [list(CHECKLIST_FINDINGS), ONSET])
    if not page.url.endswith("/assessment") or page.locator("#summary").count() != 1:
        raise RuntimeError(f"the form did not reach a result page: {page.url}")
    page.wait_for_function(LOAD_END)
    return float(page.evaluate(END_MS) - start_ms) / 1000


def phone_runs(browser: Any, base: str) -> list[tuple[float, float]]:
    """(first, repeat) visit seconds, one pair per fresh context."""
    runs = []
    for _ in range(RUNS):
        context = browser.new_context(**PHONE)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        runs.append((visit(page, base), visit(page, base)))
        context.close()
    return runs


def run() -> dict[str, float]:
    """Measure and return the figures."""
    with production_server() as (base, _), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            runs = phone_runs(browser, base)
        finally:
            browser.close()
    return {
        "phone_first_visit_seconds": round(statistics.median(r[0] for r in runs), 2),
        "phone_repeat_visit_seconds": round(statistics.median(r[1] for r in runs), 2),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
