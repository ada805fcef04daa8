"""Chromium for the browser tests: the system's own (no Playwright download), and a watch for the
Content-Security-Policy violations a page reports."""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright adds --headless, --no-sandbox and a fresh profile itself; the rest keeps Chromium
# from calling out to the network, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
]

CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline code"} on ${e.documentURI}`));"""


def watch_csp(context) -> list[str]:
    """Collect the Content-Security-Policy violations that any page of a browser context reports."""
    seen: list[str] = []
    context.expose_binding("__cspViolation", lambda _source, message: seen.append(message))
    context.add_init_script(CSP_WATCH)
    context.on(
        "console",
        lambda msg: seen.append(msg.text) if msg.type == "error" and "Content Security Policy" in msg.text else None,
    )
    return seen
