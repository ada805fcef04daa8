"""Serving: the SECRET_KEY guard and the instance key, Secure cookies and HSTS over HTTPS only, the
gunicorn config (gthread, limits, no query strings in the access or error log) and `make run` from a
fresh checkout with no environment at all: gunicorn, never the debugger, forms working over HTTP."""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar

import pytest

from tests.support.servers import BIN
from tests.support.servers import ROOT
from tests.support.servers import free_port
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env
from webapp import create_app
from webapp.config import DEV_SECRET_KEY
from webapp.config import InsecureConfigError
from webapp.config import finalise_config
from webapp.infra.serving import MIN_SECRET_KEY_LENGTH
from webapp.infra.serving import instance_secret_key
from webapp.infra.serving import machine_addresses


def production(tmp_path, **overrides):
    return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}", **overrides}


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "", "short-but-not-empty", "x" * 31])
def test_production_refuses_a_weak_secret_key(tmp_path, key):
    with pytest.raises(InsecureConfigError, match="SECRET_KEY is too weak"):
        create_app(production(tmp_path, SECRET_KEY=key))


def test_without_a_secret_key_one_is_made_once_into_the_instance_folder(tmp_path):
    folder = tmp_path / "instance"
    with ThreadPoolExecutor(8) as pool:  # gunicorn's workers start at the same moment
        keys = set(pool.map(lambda _: instance_secret_key(str(folder)), range(16)))
    assert len(keys) == 1 and len(keys.pop()) >= MIN_SECRET_KEY_LENGTH
    key_file = folder / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary file left behind
    config = {"SECRET_KEY": None}
    finalise_config(config, str(folder))
    assert config["SECRET_KEY"] == key_file.read_text().strip()  # reused after a restart


@pytest.mark.parametrize("flag", ["DEBUG", "TESTING"])
def test_debug_and_testing_accept_the_dev_key_and_keep_cookies_plain_http(tmp_path, flag):
    app = create_app(production(tmp_path, SECRET_KEY=DEV_SECRET_KEY, **{flag: True}))
    assert "Secure" not in app.test_client().get("/").headers["Set-Cookie"]


def test_session_cookies_are_secure_and_hsts_sent_over_https_only(tmp_path):
    """Plain HTTP on a LAN: a Secure cookie would never come back, so it is not Secure there; over
    HTTPS (gunicorn's TLS, or a trusted proxy's X-Forwarded-Proto) it is, with HSTS."""
    app = create_app(production(tmp_path, SECRET_KEY="a-real-secret-" * 3))
    with app.app_context():
        from webapp.extensions import db

        db.create_all()
    plain = app.test_client().get("/join")
    cookie = plain.headers["Set-Cookie"]
    assert "Secure" not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Strict-Transport-Security" not in plain.headers
    tls = app.test_client().get("/join", base_url="https://localhost")
    assert "; Secure" in tls.headers["Set-Cookie"] and "HttpOnly" in tls.headers["Set-Cookie"]
    assert tls.headers["Strict-Transport-Security"] == "max-age=31536000"
    forced = create_app(production(tmp_path, SECRET_KEY="a-real-secret-" * 3, SESSION_COOKIE_SECURE=True))
    assert "; Secure" in forced.test_client().get("/join").headers["Set-Cookie"]


def test_absolute_urls_come_from_public_url_and_only_trusted_hosts_are_answered(tmp_path):
    app = create_app(
        production(
            tmp_path,
            SECRET_KEY="a-real-secret-" * 3,
            PUBLIC_URL="https://miop.example.org",
            TRUSTED_HOSTS=["miop.example.org", "localhost"],
        )
    )
    with app.app_context():
        from webapp.extensions import db

        db.create_all()
    client = app.test_client()
    created = client.post("/api/v1/exercises", json={"title": "URLs", "case_ids": ["miop-newborn-tetany"]})
    assert created.get_json()["join_url"].startswith("https://miop.example.org/join?code=")
    assert created.get_json()["dashboard_url"].startswith("https://miop.example.org/classroom/")
    forged = client.get("/join", headers={"Host": "evil.example"})
    assert forged.status_code == 400 and "evil" not in forged.get_data(as_text=True)
    assert client.get("/join", headers={"Host": "miop.example.org"}).status_code == 200


def test_gunicorn_config_reads_port_host_and_web_concurrency(monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("HOST", "0.0.0.0")
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    conf = runpy.run_path(str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"))
    assert (conf["bind"], conf["workers"], conf["control_socket_disable"]) == ("0.0.0.0:8123", 3, True)
    # docs/operations.md "Workers": measured
    assert (conf["worker_class"], conf["threads"]) == ("webapp.infra.worker.RequestFirstWorker", 8)
    assert conf["logger_class"] == "webapp.infra.privacy.RedactingGunicornLogger"
    assert "%(U)s" in conf["access_log_format"]
    assert not any(part in conf["access_log_format"] for part in ("%(r)s", "%(q)s", "%(f)s"))
    monkeypatch.delenv("WEB_CONCURRENCY")
    monkeypatch.delenv("PORT")
    monkeypatch.delenv("HOST")
    default = runpy.run_path(str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"))
    assert default["bind"] == "127.0.0.1:8000" and 2 <= default["workers"] <= 64
    assert default["certfile"] is None and default["keyfile"] is None
    # Serving HTTPS itself, the event loop does the TLS handshakes (webapp/infra/worker.py): no more threads.
    monkeypatch.setenv("TLS_CERTFILE", "/nonexistent/cert.pem")
    assert runpy.run_path(str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"))["threads"] == 8


def test_gunicorn_access_log_leaves_out_query_strings(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'g.db'}")
    migrate_database(env)
    log = tmp_path / "access.log"
    with gunicorn_server(env, log) as (base, _):
        with urllib.request.urlopen(base + "/assessment?present=hypocalcemia,tetany&onset=neonatal") as resp:
            assert resp.status == 200
        # A request gunicorn itself refuses lands in its error log, request line and all.
        with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) as sock:
            sock.sendall(b"GET  /assessment?present=anemia,splenomegaly HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 400")
        # A class's state, polled by every phone: answered polls are left out, a refused one is kept.
        created = urllib.request.Request(
            base + "/api/v1/exercises",
            data=json.dumps({"title": "Log", "case_ids": ["ado2-anemia-adult"]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(created) as resp:
            code = json.loads(resp.read())["code"]
        with urllib.request.urlopen(f"{base}/api/v1/exercises/{code}/state") as resp:
            assert resp.status == 200
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(f"{base}/api/v1/exercises/NOSUCHCODE/state")
    text = log.read_text()
    assert '"GET /assessment HTTP/1.1" 200' in text
    assert f"/api/v1/exercises/{code}/state" not in text and '"POST /api/v1/exercises HTTP/1.1" 201' in text
    assert '"GET /api/v1/exercises/NOSUCHCODE/state HTTP/1.1" 404' in text
    assert "Invalid request from ip=127.0.0.1" in text and "?[redacted]" in text
    assert "hypocalcemia" not in text and "neonatal" not in text and "splenomegaly" not in text


def test_gunicorn_refuses_to_serve_with_the_default_secret_key(tmp_path):
    env = {**server_env(f"sqlite:///{tmp_path / 'g.db'}"), "SECRET_KEY": DEV_SECRET_KEY}
    out = subprocess.run(
        [
            str(BIN / "gunicorn"),
            "--config",
            str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"),
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
    assert "Refusing to start: SECRET_KEY is too weak" in out.stdout + out.stderr


def fresh_checkout(tmp_path):
    """The repository's files as a fresh clone has them, with this venv (already installed)."""
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
    return checkout


def test_make_run_serves_a_fresh_checkout_with_no_environment(tmp_path):
    """`make run` on a fresh checkout, no SECRET_KEY or DATABASE_URL, HOST=0.0.0.0: gunicorn (never the
    debugger) on the SQLite the migrations create, its key made into instance/, the LAN URL printed,
    and a form POSTed over plain HTTP accepted."""
    checkout = fresh_checkout(tmp_path)
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DATABASE_URL", "SESSION_COOKIE_SECURE", "PUBLIC_URL", "TRUSTED_HOSTS")
        and not k.startswith(("FLASK_", "MAKE", "WEB_"))  # not even an outer `make test`'s flags
    }
    out = tmp_path / "make-run.out"
    # -o install: the venv is this checkout's, already installed; everything else is the real target.
    with out.open("w") as sink:
        proc = subprocess.Popen(
            ["make", "-o", "install", "run", f"PORT={port}", "HOST=0.0.0.0"],
            cwd=checkout,
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        response = None
        for _ in range(300):
            try:
                response = urllib.request.urlopen(base + "/join", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, f"make run exited: {out.read_text()}"
                time.sleep(0.1)
        assert response is not None and response.status == 200
        assert response.headers["Server"].startswith("gunicorn"), response.headers["Server"]  # not Werkzeug
        database = checkout / "instance" / "miop.db"
        with sqlite3.connect(database) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type='table'")}
        assert {"exercise", "submission", "alembic_version"} <= tables
        assert stat.S_IMODE((checkout / "instance" / "secret_key").stat().st_mode) == 0o600
        # The checklist form, as a browser on the LAN sends it over plain HTTP: cookie and token.
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        page = opener.open(base + "/").read().decode()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        form = f"csrf_token={token}&hypocalcemia=present&onset=neonatal&family_history=unknown".encode()
        result = opener.open(base + "/", data=form).read().decode()
        assert "leans moderately toward autosomal recessive" in result  # one finding: at most moderate
        printed = out.read_text()
        assert "listening on every interface" in printed, printed
        assert re.search(r"Holds: \d+ workers x 8 threads", printed) and "dropped after 10 s" in printed, printed
        for address in machine_addresses():
            assert f"http://{address}:{port}/join" in printed, printed
            # Listening on that interface, and answering the Host a student's phone sends.
            with urllib.request.urlopen(f"http://{address}:{port}/join", timeout=5) as lan:
                assert lan.status == 200
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert "Debugger" not in out.read_text()
