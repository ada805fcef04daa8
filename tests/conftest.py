"""Shared fixtures (the app and its test client, the database backends, a live server, pytest-playwright
pointed at Debian's Chromium), the test tiers, and the banner naming what did not run. The helpers the
tests import live in tests/support/."""

from __future__ import annotations

import contextlib
import inspect
import os
import secrets
import socket
import sys
import threading
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from tests.support.apps import BACKENDS
from tests.support.apps import PG_ENV
from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import dispose
from tests.support.apps import drop_everything
from tests.support.browser import CHROMIUM
from tests.support.browser import CHROMIUM_ARGS
from tests.support.browser import watch_csp
from tests.support.servers import ARTIFACTS
from tests.support.servers import ROOT
from webapp.infra.database import normalise_url

TESTS = ROOT / "tests"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app per test, on a throwaway SQLite file with the schema created."""
    app = app_with_schema(base_config(tmp_path))
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    """The Flask test client."""
    return app.test_client()


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """TEST_DATABASE_URL narrowed to a schema of this test session's own, dropped at the end.

    The schema keeps concurrent test runs on one database apart and leaves the database clean.
    """
    raw = os.environ.get(PG_ENV)
    if not raw:
        pytest.fail(f"CI is set but {PG_ENV} is not: the PostgreSQL half of the suite would be lost")
    base = normalise_url(raw)
    schema = f"test_{os.getpid()}_{secrets.token_hex(4)}"
    engine = create_engine(base)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as err:
        engine.dispose()
        pytest.fail(f"{PG_ENV} is set but PostgreSQL is unreachable: {err}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path: Path) -> str:
    """An empty database: a SQLite file, then (where configured) this session's PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app on each configured backend with the schema created; every table is dropped afterwards."""
    app = app_with_schema(base_config(tmp_path, database_url))
    yield app
    drop_everything(app)


@pytest.fixture
def db_client(db_app):
    """The test client of db_app."""
    return db_app.test_client()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """Serve the app with werkzeug on 127.0.0.1:<free port> in a daemon thread."""
    app = app_with_schema(base_config(tmp_path_factory.mktemp("live")))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        dispose(app)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use the system Chromium; in CI a missing browser fails instead of skipping."""
    if not os.path.exists(CHROMIUM):
        msg = f"no system chromium at {CHROMIUM} (apt-get install -y --no-install-recommends chromium)"
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for screenshots and PDFs the browser tests write for people to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    """Every browser test that uses `page` fails when a page it opens reports a CSP violation: an inline
    script or style that the strict policy (webapp/infra/security.py) blocks would silently break that page."""
    if "page" not in request.fixturenames:
        yield
        return
    seen = watch_csp(request.getfixturevalue("context"))
    yield
    assert not seen, f"Content-Security-Policy violations: {seen}"


# `make test` tells the truth on a machine without Chromium or PostgreSQL: outside CI those tests
# skip, and the run ends with a banner naming what did not run and the command that fixes it.
# Under CI they fail instead (see browser_type_launch_args and pg_url above).
def _postgres_listening() -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
        return True
    return False


def not_run_banner(chromium_skips: int, sqlite_only: int) -> list[str]:
    """The lines saying which tests did not run on this machine and how to run them."""
    lines = []
    if chromium_skips:
        lines += [
            f"{chromium_skips} browser tests did not run: no Chromium at {CHROMIUM}.",
            "  Fix: sudo apt-get install -y --no-install-recommends chromium",
        ]
    if sqlite_only:
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        lines += [
            f"{sqlite_only} database tests ran on SQLite only, and the hanging-database test not at all: "
            f"{PG_ENV} is not set."
        ]
        if _postgres_listening():
            lines += [f"  Fix (PostgreSQL is listening on 127.0.0.1:5432): {PG_ENV}={url} make test"]
        else:
            lines += [
                "  Fix: sudo apt-get install -y postgresql && sudo pg_ctlcluster $(ls /etc/postgresql) main "
                f"start, then {PG_ENV}={url} make test"
            ]
    return lines


# Test tiers (docs in the markers of pyproject.toml). `browser`: everything under tests/browser. `system`:
# everything under tests/system, and any other test that starts a process (a gunicorn, the HPO generator,
# pip, a second pytest), needs PostgreSQL or is slow by nature. They are marked here, at collection, so no
# test file has to say it: a test is `system` when it, a fixture it takes or a function of its own module it
# calls names one of SYSTEM_NAMES, takes one of SYSTEM_FIXTURES, or runs on the PostgreSQL backend.
# `pytest -m "not browser and not system"` is the fast tier (`make check`).
SYSTEM_FIXTURES = frozenset({"live_server", "pg_url"})
SYSTEM_NAMES = frozenset({"subprocess", "multiprocessing", "gunicorn_server", "migrate_database"})
# Slow by nature, though in-process: the fuzzing modules (test_*fuzz*.py: hundreds of generated requests
# each), and these test functions, by name so that a move to another file keeps the mark (several
# seconds each on two busy cores, measured with `pytest --durations=30`).
SLOW_TESTS = frozenset(
    {
        "test_the_session_cookie_stays_within_its_budget_after_200_attempts",
    }
)


def _code_names(code: types.CodeType) -> set[str]:
    """The global and attribute names a code object uses, its nested functions and lambdas included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _code_names(const)
    return names


def _reaches_system(func: object, seen: set[object]) -> bool:
    """Whether a function names one of SYSTEM_NAMES, itself or through a function of its module it calls."""
    func = inspect.unwrap(func) if callable(func) else func
    code = getattr(func, "__code__", None)
    if code is None or func in seen:
        return False
    seen.add(func)
    names = _code_names(code)
    if names & SYSTEM_NAMES:
        return True
    module = sys.modules.get(getattr(func, "__module__", ""))
    scope = vars(module) if module else {}
    return any(
        _reaches_system(scope[name], seen)
        for name in names
        if inspect.isfunction(scope.get(name)) and scope[name].__module__ == func.__module__
    )


def tier_of(item: pytest.Item) -> str | None:
    """The tier of a collected test: "browser", "system" or None (the fast tier)."""
    path = Path(item.path)
    folder = path.relative_to(TESTS).parts[0] if path.is_relative_to(TESTS) else ""
    if folder in ("browser", "system"):
        return folder
    if "fuzz" in path.stem:
        return "system"
    callspec = getattr(item, "callspec", None)
    if callspec and callspec.params.get("database_url") == "postgresql":
        return "system"
    if SYSTEM_FIXTURES & set(getattr(item, "fixturenames", ())) or item.name.split("[")[0] in SLOW_TESTS:
        return "system"
    seen: set[object] = set()
    fixtures = getattr(item, "_fixtureinfo", None)
    defined = [defs[-1].func for defs in (fixtures.name2fixturedefs.values() if fixtures else ()) if defs]
    funcs = [getattr(item, "function", None)] + [f for f in defined if _ours(f)]  # not pytest's or a plugin's
    return "system" if any(_reaches_system(f, seen) for f in funcs if f is not None) else None


def _ours(func: object) -> bool:
    """Whether a function is defined in a file under tests/."""
    code = getattr(inspect.unwrap(func) if callable(func) else func, "__code__", None)
    return code is not None and Path(code.co_filename).is_relative_to(TESTS)


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        tier = tier_of(item)
        if tier:
            item.add_marker(tier)
    config.stash[_SQLITE_ONLY] = (
        0
        if "postgresql" in BACKENDS
        else sum(
            1
            for item in items
            if getattr(item, "callspec", None) and item.callspec.params.get("database_url") == "sqlite"
        )
    )


_SQLITE_ONLY = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    chromium = sum(1 for report in skipped if "no system chromium" in str(report.longrepr))
    lines = not_run_banner(chromium, config.stash.get(_SQLITE_ONLY, 0))
    if lines:
        terminalreporter.write_sep("=", "NOT RUN ON THIS MACHINE", yellow=True, bold=True)
        for line in lines:
            terminalreporter.write_line(line)
