"""`make test` on a machine without Chromium or PostgreSQL: outside CI the run passes and ends with a
banner naming what did not run and the command that fixes it; under CI=true the same run fails."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.servers import ROOT

SELECTION = [
    "tests/browser/test_https_browser.py",  # needs Chromium
    "tests/test_webapp/infra/test_database.py::test_migrations_upgrade_an_empty_database_to_the_models_schema",
]


def run_pytest(**env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", "TEST_DATABASE_URL", "PYTEST_ADDOPTS")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", *SELECTION],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**base, "CHROMIUM_PATH": "/nonexistent/chromium", **env},
    )


def test_outside_ci_a_missing_chromium_and_postgresql_end_in_a_banner_with_the_fix():
    out = run_pytest()
    assert out.returncode == 0, out.stdout[-2000:]
    tail = out.stdout[out.stdout.index("NOT RUN ON THIS MACHINE") :]
    assert "1 browser tests did not run: no Chromium at /nonexistent/chromium" in tail
    assert "apt-get install -y --no-install-recommends chromium" in tail
    assert "1 database tests ran on SQLite only" in tail and "TEST_DATABASE_URL is not set" in tail
    assert "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test make test" in tail


def test_under_ci_the_same_run_fails_instead_of_skipping():
    out = run_pytest(CI="true")
    assert out.returncode != 0
    assert "no system chromium" in out.stdout and "TEST_DATABASE_URL is not" in out.stdout
