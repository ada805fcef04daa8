"""The real server under attack, measured: clients that trickle their requests, and a PostgreSQL
that hangs (answers nothing, keeps its sockets open). In both, the checklist, its API, the exports
and practice answer every probe within 2 s; the classroom gives a clean 503 during the stall and
recovers by itself after it. Each probe's latency is written to test-artifacts/ for the record."""

from __future__ import annotations

import http.client
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.support.apps import BACKENDS
from tests.support.apps import base_config
from tests.support.apps import drop_everything
from tests.support.hangproxy import HangingProxy
from tests.support.servers import ARTIFACTS
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env
from tests.support.slow_clients import PROBE_LIMIT_SECONDS
from tests.support.slow_clients import PROBES
from tests.support.slow_clients import Trickler
from webapp import create_app

CASE = "miop-newborn-tetany"


def request(
    port: int, method: str, path: str, body: str | None = None, headers: dict | None = None, timeout: float = 30
) -> tuple[int, float, bytes]:
    """One request on a fresh connection: (status, seconds, body); status 0 when it timed out."""
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(
            method,
            path,
            body=body,
            headers={"Content-Type": "application/json", **(headers or {})} if body else headers or {},
        )
        response = conn.getresponse()
        data = response.read()
        return response.status, time.monotonic() - start, data
    except (TimeoutError, OSError):
        return 0, time.monotonic() - start, b""
    finally:
        conn.close()


def probe_for(port: int, seconds: float, until: Callable[[], bool] | None = None) -> list[tuple[str, int, float]]:
    """Send the checklist probes one after another for `seconds`: (path, status, latency) each."""
    seen = []
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until and until()):
        for method, path, body in PROBES:
            status, took, _ = request(port, method, path, body, timeout=PROBE_LIMIT_SECONDS * 5)
            seen.append((f"{method} {path}", status, took))
        time.sleep(0.2)
    return seen


def assert_probes_answered(seen: list[tuple[str, int, float]], what: str) -> None:
    slow = [s for s in seen if s[1] != 200 or s[2] > PROBE_LIMIT_SECONDS]
    assert len(seen) >= 3 * len(PROBES), f"too few probes during {what}: {seen}"
    assert not slow, f"{len(slow)} of {len(seen)} probes late or failed during {what}: {slow[:10]}"


def record(name: str, seen: list[tuple[str, int, float]], **extra: object) -> None:
    """Write the measured latencies next to the screenshots (the closing note quotes them)."""
    times = sorted(s[2] for s in seen)
    ARTIFACTS.mkdir(exist_ok=True)
    summary = {
        "probes": len(times),
        "p50_s": round(times[len(times) // 2], 3),
        "max_s": round(times[-1], 3),
        "p95_s": round(times[int(len(times) * 0.95)], 3),
        **extra,
    }
    (ARTIFACTS / f"{name}.json").write_text(json.dumps({"summary": summary, "probes": seen}, indent=1))
    print(name, summary)


def trickle_and_probe(port: int, clients: int, seconds: float, every: float = 2.0) -> tuple[list, list[Trickler]]:
    """`clients` slow connections (one in four trickling a body) held open while the probes run."""
    stop = threading.Event()
    tricklers = [Trickler(port, stop, body=i % 4 == 3, every=every) for i in range(clients)]
    for t in tricklers:
        t.start()
    try:
        time.sleep(1)  # every trickler has sent its first bytes: each holds whatever it can hold
        seen = probe_for(port, seconds)
    finally:
        stop.set()
    return seen, tricklers


def test_trickling_clients_do_not_starve_the_server(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'slow.db'}")
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        seen, tricklers = trickle_and_probe(int(base.rsplit(":", 1)[1]), 12, 15)
        assert all(t.sent >= 5 for t in tricklers), "the slow clients were cut off early: nothing was tested"
        record("slow-clients", seen, slow_clients=len(tricklers), attack_seconds=15)
        assert_probes_answered(seen, "12 trickling connections")


def test_a_hundred_trickling_connections_do_not_starve_the_server_and_are_cut_off(tmp_path):
    """More slow connections than the server has threads (2 workers x 32): the event loop holds them,
    not the threads, and drops each whose request has not arrived within its read deadline."""
    env = server_env(f"sqlite:///{tmp_path / 'slow100.db'}")
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        seen, tricklers = trickle_and_probe(int(base.rsplit(":", 1)[1]), 100, 14, every=1.0)
        assert sum(t.sent for t in tricklers) >= 100 * 5, "the slow clients sent too little: nothing was tested"
        record("slow-clients-100", seen, slow_clients=len(tricklers), attack_seconds=14)
        assert_probes_answered(seen, "100 trickling connections")
        assert all(t.dropped >= 1 for t in tricklers), "a slow request was never cut off (no read deadline)"


def hang_scenario(port: int, proxy: HangingProxy, code: str, key: str, tmp: Path) -> None:
    """Stall the database under classroom traffic; probe the checklist; resume; see the classroom back."""
    educator = {"Authorization": f"Bearer {key}"}
    results = f"/api/v1/exercises/{code}/results"
    assert request(port, "GET", results, headers=educator)[0] == 200
    classroom: list[tuple[int, float]] = []
    stop = threading.Event()

    def classroom_traffic() -> None:  # an educator's dashboard and students, polling throughout
        while not stop.is_set():
            status, took, _ = request(port, "GET", results, headers=educator, timeout=40)
            classroom.append((status, took))

    proxy.stall()
    started = time.monotonic()
    workers = [threading.Thread(target=classroom_traffic, daemon=True) for _ in range(8)]
    for w in workers:
        w.start()
    try:
        seen = probe_for(port, 12)
    finally:
        stop.set()
        for w in workers:
            w.join(45)
    stalled = time.monotonic() - started
    proxy.resume()
    back = None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status, took, body = request(port, "GET", results, headers=educator, timeout=10)
        if status == 200:
            back = time.monotonic() - (started + stalled)
            assert "submissions" in json.loads(body)
            break
        time.sleep(0.5)
    statuses = sorted({s for s, _ in classroom})
    record(
        "hanging-database",
        seen,
        stall_seconds=round(stalled, 1),
        classroom_requests=len(classroom),
        classroom_statuses=statuses,
        classroom_max_s=round(max(t for _, t in classroom), 2),
        recovered_after_s=back and round(back, 1),
    )
    assert_probes_answered(seen, "a hanging database")
    assert classroom and statuses == [503], f"the classroom should answer 503 during the stall: {classroom[:20]}"
    assert max(t for _, t in classroom) < 8, f"a classroom request waited too long: {sorted(classroom)[-5:]}"
    assert back is not None, "the classroom did not come back by itself after the database did"


# A hanging database needs a real PostgreSQL behind the proxy: collected where one is configured
# (TEST_DATABASE_URL, always under CI).
if "postgresql" in BACKENDS:

    def test_a_hanging_postgresql_holds_neither_the_checklist_nor_the_classroom(pg_url, tmp_path):
        target = make_url(pg_url)
        with HangingProxy(target.host or "127.0.0.1", target.port or 5432) as proxy:
            url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
            env = server_env(url)
            migrate_database(env)
            try:
                with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
                    port = int(base.rsplit(":", 1)[1])
                    status, _, body = request(
                        port, "POST", "/api/v1/exercises", json.dumps({"title": "Stall", "case_ids": [CASE]})
                    )
                    assert status == 201
                    created = json.loads(body)
                    hang_scenario(port, proxy, created["code"], created["educator_key"], tmp_path)
            finally:
                proxy.resume()
                drop_everything(create_app(base_config(tmp_path, url)))


def test_the_server_does_not_answer_an_arbitrary_host_header(tmp_path):
    """The join URL a projector shows must not come from whatever Host a client sends."""
    env = server_env(f"sqlite:///{tmp_path / 'host.db'}")
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        port = int(base.rsplit(":", 1)[1])
        body = json.dumps({"title": "Hosts", "case_ids": [CASE]})
        for header in ("evil.example", "evil.example:5000", "127.0.0.1.evil.example"):
            status, _, data = request(port, "POST", "/api/v1/exercises", body, headers={"Host": header})
            assert status == 400 and b"evil" not in data, header
        status, _, data = request(port, "POST", "/api/v1/exercises", body)
        assert status == 201 and json.loads(data)["join_url"].startswith(f"http://127.0.0.1:{port}/join")


def test_the_educator_is_answered_while_student_answers_hold_every_thread(tmp_path):
    """A burst of answers that waits on the database holds every ordinary thread; the educator's
    results (and reveal, advance, dashboard) go through a lane of their own and answer at once."""
    db_path = tmp_path / "burst.db"
    env = server_env(f"sqlite:///{db_path}", WEB_THREADS="8")  # 2 workers x 8 ordinary threads
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        port = int(base.rsplit(":", 1)[1])
        created = json.loads(
            request(port, "POST", "/api/v1/exercises", json.dumps({"title": "Burst", "case_ids": [CASE]}))[2]
        )
        code, educator = created["code"], {"Authorization": f"Bearer {created['educator_key']}"}
        answer = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 70}
        holder = sqlite3.connect(db_path)
        holder.execute("BEGIN IMMEDIATE")  # every answer now waits for the write lock, holding its thread
        burst = [
            threading.Thread(
                target=request,
                args=(port, "POST", f"/api/v1/exercises/{code}/submissions"),
                kwargs={"body": json.dumps({"nickname": f"s{i}", "case_id": CASE, "answer": answer}), "timeout": 40},
                daemon=True,
            )
            for i in range(40)
        ]
        try:
            for t in burst:
                t.start()
            time.sleep(1.5)  # every ordinary thread is waiting on the lock, the rest queue behind them
            status, took, _ = request(port, "GET", f"/api/v1/exercises/{code}/results", headers=educator, timeout=20)
        finally:
            holder.rollback()
            holder.close()
        for t in burst:
            t.join(timeout=40)
        record("educator-during-burst", [("GET results", status, took)], burst=len(burst), threads=16)
        assert status == 200 and took < 1.0, (status, took)
