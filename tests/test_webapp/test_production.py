"""Serving: the SECRET_KEY guard, Secure cookies, the gunicorn config (no query strings in the
access log) and `make run` from a fresh checkout with no environment at all."""

from __future__ import annotations

import os
import runpy
import shutil
import signal
import sqlite3
import subprocess
import time
import urllib.request

import pytest
from conftest import BIN
from conftest import ROOT
from conftest import free_port
from conftest import gunicorn_server
from conftest import migrate_database
from conftest import server_env

from webapp import create_app
from webapp.config import DEV_SECRET_KEY
from webapp.config import InsecureConfigError


def production(tmp_path, **overrides):
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", **overrides}


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "", None])
def test_production_refuses_a_missing_or_default_secret_key(tmp_path, key):
    with pytest.raises(InsecureConfigError, match="SECRET_KEY"):
        create_app(production(tmp_path, SECRET_KEY=key))


@pytest.mark.parametrize("flag", ["DEBUG", "TESTING"])
def test_debug_and_testing_accept_the_dev_key_and_keep_cookies_plain_http(tmp_path, flag):
    app = create_app(production(tmp_path, SECRET_KEY=DEV_SECRET_KEY, **{flag: True}))
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_production_session_cookies_are_secure_unless_turned_off(tmp_path):
    app = create_app(production(tmp_path, SECRET_KEY="a-real-secret-" * 3))
    with app.app_context():
        from webapp.extensions import db

        db.create_all()
    cookie = app.test_client().get("/join").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    plain = create_app(production(tmp_path, SECRET_KEY="a-real-secret-" * 3, SESSION_COOKIE_SECURE=False))
    assert plain.config["SESSION_COOKIE_SECURE"] is False


def test_gunicorn_config_reads_port_host_and_web_concurrency(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(ROOT / "webapp" / "gunicorn_conf.py"))
    assert (conf["bind"], conf["workers"], conf["control_socket_disable"]) == ("0.0.0.0:8123", 3, True)
    assert "%(U)s" in conf["access_log_format"]
    assert not any(part in conf["access_log_format"] for part in ("%(r)s", "%(q)s", "%(f)s"))
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.delenv("PORT")
    monkeypatch.delenv("HOST")
    default = runpy.run_path(str(ROOT / "webapp" / "gunicorn_conf.py"))
    assert default["bind"] == "127.0.0.1:8000" and 3 <= default["workers"] <= 12


def test_gunicorn_access_log_leaves_out_query_strings(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'g.db'}")
    migrate_database(env)
    log = tmp_path / "access.log"
    with gunicorn_server(env, log) as (base, _):
        with urllib.request.urlopen(base + "/assessment?present=hypocalcemia,tetany&onset=neonatal") as resp:
            assert resp.status == 200
    text = log.read_text()
    assert '"GET /assessment HTTP/1.1" 200' in text
    assert "hypocalcemia" not in text and "neonatal" not in text


def test_gunicorn_refuses_to_serve_with_the_default_secret_key(tmp_path):
    env = {**server_env(f"sqlite:///{tmp_path / 'g.db'}"), "SECRET_KEY": DEV_SECRET_KEY}
    out = subprocess.run(
        [
            str(BIN / "gunicorn"),
            "--config",
            str(ROOT / "webapp" / "gunicorn_conf.py"),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{free_port()}",
            "webapp:create_app()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode != 0
    assert "Refusing to start: set SECRET_KEY" in out.stdout + out.stderr


def test_make_run_serves_a_fresh_checkout_with_no_environment(tmp_path):
    """`make run` on a fresh checkout, no SECRET_KEY or DATABASE_URL: migrations create the SQLite file."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    checkout = tmp_path / "checkout"
    for name in listed:
        if name and (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DATABASE_URL", "SESSION_COOKIE_SECURE")
        and not k.startswith(("FLASK_", "MAKE"))  # not even an outer `make test`'s flags
    }
    # -o install: the venv is this checkout's, already installed; everything else is the real target.
    proc = subprocess.Popen(
        ["make", "-o", "install", "run", f"PORT={port}"],
        cwd=checkout,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        status = None
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/join", timeout=2) as resp:
                    status = resp.status
                    break
            except OSError:
                assert proc.poll() is None, "make run exited"
                time.sleep(0.1)
        assert status == 200
        database = checkout / "instance" / "miop.db"
        with sqlite3.connect(database) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        assert {"exercise", "submission", "alembic_version"} <= tables
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
