"""Shared fixtures: the app built through the factory with CSRF on (as in production), a test
client with a helper that scrapes the CSRF token like a browser, a live server for browser tests,
and pytest-playwright pointed at Debian's Chromium."""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import types
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from webapp import create_app
from webapp.extensions import db
from webapp.infra.database import normalise_url

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
# Playwright adds --headless, --no-sandbox and a fresh profile itself; the rest keeps Chromium
# from calling out to the network, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
    "--no-default-browser-check",
]
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def base_config(tmp_path: Path, database_url: str | None = None) -> dict[str, object]:
    """Test configuration: CSRF stays on, the database is a throwaway (SQLite unless given)."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / 'test.db'}",
    }


def _dispose(app: Flask) -> None:
    """Release the app's connections, so no idle transaction or open file outlives the test."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def app_with_schema(config: dict[str, object]) -> Flask:
    """An app built through the factory, its tables created."""
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """A fresh app per test, on a throwaway SQLite file with the schema created."""
    app = app_with_schema(base_config(tmp_path))
    yield app
    _dispose(app)


@pytest.fixture
def client(app):
    """The Flask test client."""
    return app.test_client()


# Tests that touch the database take `db_app`/`db_client`: they run on SQLite always and on
# PostgreSQL as well where TEST_DATABASE_URL is set. Under CI the PostgreSQL run must not be lost.
PG_ENV = "TEST_DATABASE_URL"
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get(PG_ENV) or os.environ.get("CI") else [])


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


def drop_everything(app: Flask) -> None:
    """Drop the app's tables and Alembic's version table, then close every connection."""
    with app.app_context():
        db.session.remove()  # an open transaction would make DROP wait forever on PostgreSQL
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


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


def csrf_token(client, path: str = "/") -> str:
    """GET a page and return the CSRF token its form carries, as a browser would."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_INPUT.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


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
        _dispose(app)


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


CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => window.__cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline code"} on ${e.documentURI}`));"""


def watch_csp(context) -> list[str]:
    """Collect the Content-Security-Policy violations that any page of a browser context reports."""
    seen: list[str] = []
    context.expose_binding("__cspViolation", lambda _source, message: seen.append(message))
    context.add_init_script(CSP_WATCH)
    context.on("console", lambda msg: seen.append(msg.text)
               if msg.type == "error" and "Content Security Policy" in msg.text else None)
    return seen


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


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like server process: a real SECRET_KEY, this database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    return {**env, "SECRET_KEY": "test-" + secrets.token_hex(16), "DATABASE_URL": database_url, **extra}


def migrate_database(env: dict[str, str]) -> None:
    """Create the schema through the migrations, as `make serve` does."""
    subprocess.run([str(BIN / "flask"), "--app", "webapp", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)


@contextlib.contextmanager
def gunicorn_server(env: dict[str, str], log: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn with webapp/infra/gunicorn_conf.py on a free port, its output into `log`; yields (URL, process).

    It runs in a process group of its own, so a test can SIGKILL the master and its workers at once.
    """
    port = free_port()
    with log.open("a") as out:
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"), "--workers", "2",
             "--bind", f"127.0.0.1:{port}", *args, "webapp:create_app()"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    tls = bool(env.get("TLS_CERTFILE"))  # gunicorn serves HTTPS itself (a certificate made by the test)
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    unverified = ssl._create_unverified_context() if tls else None
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/join", timeout=2, context=unverified):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {log.read_text()}") from None
                time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


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
        lines += [f"{chromium_skips} browser tests did not run: no Chromium at {CHROMIUM}.",
                  "  Fix: sudo apt-get install -y --no-install-recommends chromium"]
    if sqlite_only:
        url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
        lines += [f"{sqlite_only} database tests ran on SQLite only, and the hanging-database test not at all: "
                  f"{PG_ENV} is not set."]
        if _postgres_listening():
            lines += [f"  Fix (PostgreSQL is listening on 127.0.0.1:5432): {PG_ENV}={url} make test"]
        else:
            lines += ["  Fix: sudo apt-get install -y postgresql && sudo pg_ctlcluster $(ls /etc/postgresql) main "
                      f"start, then {PG_ENV}={url} make test"]
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
SLOW_TESTS = frozenset({
    "test_the_session_cookie_stays_within_its_budget_after_200_attempts",
    "test_the_fast_presenter_writes_the_same_json_as_the_plain_one",
})


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
    return any(_reaches_system(scope[name], seen) for name in names
               if inspect.isfunction(scope.get(name)) and scope[name].__module__ == func.__module__)


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
    config.stash[_SQLITE_ONLY] = 0 if "postgresql" in BACKENDS else sum(
        1 for item in items if getattr(item, "callspec", None) and item.callspec.params.get("database_url") == "sqlite")


_SQLITE_ONLY = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    chromium = sum(1 for report in skipped if "no system chromium" in str(report.longrepr))
    lines = not_run_banner(chromium, config.stash.get(_SQLITE_ONLY, 0))
    if lines:
        terminalreporter.write_sep("=", "NOT RUN ON THIS MACHINE", yellow=True, bold=True)
        for line in lines:
            terminalreporter.write_line(line)
