"""A lecture hall: 1,000 students each submitting 5 answers, on SQLite and on PostgreSQL.

SQLite (the default): one gunicorn instance. PostgreSQL: two gunicorn instances sharing one
database, students spread over both, as behind a load balancer. An exercise is created through the
API; the class is simulated by PROCESSES client processes (multiprocessing, so the load generator
is not one Python thread's GIL), each running its share of the students as threads. Every student
answers its 5 cases one after the other, reading for THINK seconds (seeded random) before each
answer, as on a phone, carrying the student_token its first answer got. Never more than
MAX_IN_FLIGHT requests are open at once. All students come from one loopback address, as a class
behind one school NAT does: no answer may be refused for that.

Meanwhile an educator's dashboard polls live.json every 2 s with If-None-Match, as classroom.js does.

The figures: errors (any answer other than 201), acknowledged (201s), stored (rows the results API
counts), lost (acknowledged answers missing from the database), duplicates (rows beyond one per
student and case), p50/p95 latency per submission, dashboard_seconds (from the last acknowledged
answer until the polling dashboard shows it), and the dashboard polls' 304 share and sizes.

Run: `.venv/bin/python bench/classroom.py` (prints `name: value` lines); `run()` prints nothing.
BENCH_STUDENTS, BENCH_THINK_MIN/MAX and BENCH_PG_DATABASE (default miop_bench: dropped and created
again) change the setup.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import GUNICORN_CONF  # noqa: E402
from common import ROOT  # noqa: E402
from common import free_port  # noqa: E402
from common import wait_for  # noqa: E402

BIN = Path(sys.executable).parent
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "1000"))
ANSWERS = 5
# Seconds a student spends on a case before submitting (the class takes about a minute).
THINK = (float(os.environ.get("BENCH_THINK_MIN", "2")), float(os.environ.get("BENCH_THINK_MAX", "14")))
MAX_IN_FLIGHT = 64  # a bound on open connections, so the load generator cannot run away
PROCESSES = 4
WORKERS = 2  # per gunicorn instance (the machine has 2 cores)
POLL_SECONDS = 2.0  # as classroom.js
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "miop_bench")


class Ports(list[int]):
    """The servers' ports, and the process ids of their gunicorn masters (`pids`)."""

    pids: list[int]


def tree_cpu_seconds(roots: list[int]) -> float:
    """CPU seconds (user and system) used so far by these processes and every live descendant
    (gunicorn masters and their workers), read from /proc; 0.0 where /proc is missing."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, seen = 0.0, set(roots)
    frontier = list(roots)
    while frontier:
        pid = frontier.pop()
        total += times.get(pid, 0.0)
        children = [c for c, parent in parents.items() if parent == pid and c not in seen]
        seen.update(children)
        frontier += children
    return total


@contextlib.contextmanager
def servers(
    database_url: str, instances: int, production: bool = False, settings: dict[str, str] | None = None
) -> Iterator[Ports]:
    """Migrate the database, run `instances` gunicorn servers on it, yield their ports; stop them after.

    `production`: each server as `make run` starts it (webapp/infra/gunicorn_conf.py: gthread workers,
    preloaded), WORKERS workers; otherwise gunicorn's defaults (sync workers), as this bench always ran."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env |= {
            "SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "DATABASE_URL": database_url,
            "SESSION_COOKIE_SECURE": "0",
        } | (settings or {})
        subprocess.run(
            [str(BIN / "flask"), "--app", "webapp", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        procs, ports = [], Ports()
        try:
            for i in range(instances):
                port = free_port()
                command = [str(BIN / "gunicorn"), "--workers", str(WORKERS), "--no-control-socket"]
                command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", f"{tmp}/error-{i}.log"]
                server_env = env
                if production:
                    command = [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONF)]
                    server_env = env | {"HOST": "127.0.0.1", "PORT": str(port), "WEB_CONCURRENCY": str(WORKERS)}
                with open(f"{tmp}/server-{i}.log", "wb") as log:
                    procs.append(
                        subprocess.Popen(
                            [*command, "webapp:create_app()"],
                            cwd=ROOT,
                            env=server_env,
                            stdout=subprocess.DEVNULL,
                            stderr=log,
                        )
                    )
                ports.append(port)
            for port in ports:
                wait_for(f"http://127.0.0.1:{port}/join")
            ports.pids = [proc.pid for proc in procs]
            yield ports
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)


def request(
    port: int,
    method: str,
    path: str,
    body: object = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> tuple[int, bytes, http.client.HTTPResponse]:
    """One HTTP request on a fresh loopback connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = {"Content-Type": "application/json"} | (headers or {})
    try:
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        conn.request(method, path, body=data, headers=sent)
        resp = conn.getresponse()
        return resp.status, resp.read(), resp
    finally:
        conn.close()


def students(args: tuple[list[int], str, list[str], range]) -> dict[str, object]:
    """One client process: its share of the class, as threads; returns what it measured."""
    ports, code, case_ids, mine = args
    gate = threading.Semaphore(max(1, MAX_IN_FLIGHT // PROCESSES))
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"acknowledged": 0, "errors": 0, "last_ack": 0.0}
    pairs: list[tuple[int, str]] = []
    codes: dict[int, int] = {}

    def student(n: int) -> None:
        rng = random.Random(n)
        port = ports[n % len(ports)]
        token = None
        for i, case_id in enumerate(case_ids):
            time.sleep(rng.uniform(*THINK))
            answer = {
                "findings": ["fractures", "anemia"][: 1 + (n + i) % 2],
                "lean": ("recessive", "dominant")[n % 2],
                "mechanisms": ["fragile_bone"],
                "confidence": 50 + 10 * ((n + i) % 6),
            }
            body = {"nickname": f"student-{n}", "case_id": case_id, "answer": answer}
            if token:
                body["student_token"] = token
            with gate:
                start = time.perf_counter()
                try:
                    status, raw, _ = request(port, "POST", f"/api/v1/exercises/{code}/submissions", body)
                except OSError:
                    status, raw = 0, b""
                elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                codes[status] = codes.get(status, 0) + 1
                if status == 201:
                    outcome["acknowledged"] += 1
                    outcome["last_ack"] = max(outcome["last_ack"], time.time())
                    pairs.append((n, case_id))
                    token = token or json.loads(raw).get("student_token")
                else:
                    outcome["errors"] += 1

    threads = [threading.Thread(target=student, args=(n,)) for n in mine]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {**outcome, "latencies": latencies, "pairs": pairs, "codes": codes}


def claim_session(port: int, code: str, key: str) -> str:
    """The educator's session cookie, by the claim form (as a second device would)."""
    status, page, resp = request(port, "GET", f"/classroom/{code}/claim", headers={"Content-Type": "text/html"})
    cookie = resp.getheader("Set-Cookie", "").split(";")[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    form = urlencode({"csrf_token": token.group(1).decode(), "key": key}).encode()
    status, _, resp = request(
        port,
        "POST",
        f"/classroom/{code}/claim",
        raw=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    if status != 302:
        raise RuntimeError(f"could not claim the dashboard: {status}")
    return resp.getheader("Set-Cookie", cookie).split(";")[0]


class Dashboard(threading.Thread):
    """The educator's dashboard polling live.json, noting when each answer count first showed."""

    def __init__(self, port: int, code: str, cookie: str) -> None:
        super().__init__(daemon=True)
        self.port, self.code, self.cookie = port, code, cookie
        self.stop = threading.Event()
        self.seen: dict[int, float] = {}
        self.polls = self.not_modified = 0
        self.sizes: list[int] = []
        self.times: list[float] = []

    def run(self) -> None:
        etag = None
        while not self.stop.is_set():
            headers = {"Cookie": self.cookie, "Accept": "application/json"} | ({"If-None-Match": etag} if etag else {})
            start = time.perf_counter()
            status, raw, resp = request(self.port, "GET", f"/classroom/{self.code}/live.json", headers=headers)
            self.times.append(time.perf_counter() - start)
            self.polls += 1
            self.sizes.append(len(raw))
            if status == 304:
                self.not_modified += 1
            elif status == 200:
                etag = resp.getheader("ETag")
                shown = re.search(r"(\d+) answers?\.", json.loads(raw)["html"])
                if shown:
                    self.seen.setdefault(int(shown.group(1)), time.time())
            self.stop.wait(POLL_SECONDS)


def classroom(ports: list[int], database_url: str) -> dict[str, float | int]:
    """Create an exercise and let the class submit; return the raw figures."""
    port = ports[0]
    status, raw, _ = request(port, "GET", "/api/v1/cases")
    case_ids = [c["id"] for c in json.loads(raw)["cases"][:ANSWERS]]
    status, raw, _ = request(port, "POST", "/api/v1/exercises", {"title": "Bench class", "case_ids": case_ids})
    if status != 201:
        raise RuntimeError(f"could not create the exercise: {status} {raw[:200]!r}")
    created = json.loads(raw)
    code, key = created["code"], created["educator_key"]
    dashboard = Dashboard(ports[-1], code, claim_session(ports[-1], code, key))
    dashboard.start()
    shares = [range(p, STUDENTS, PROCESSES) for p in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        parts = pool.map(students, [(ports, code, case_ids, share) for share in shares])
    latencies = [x for p in parts for x in p["latencies"]]
    acknowledged = sum(p["acknowledged"] for p in parts)
    pairs = {pair for p in parts for pair in p["pairs"]}
    last_ack = max(p["last_ack"] for p in parts)
    codes: dict[int, int] = {}
    for p in parts:
        for k, v in p["codes"].items():
            codes[k] = codes.get(k, 0) + v
    status, raw, _ = request(
        port, "GET", f"/api/v1/exercises/{code}/results", headers={"Authorization": f"Bearer {key}"}
    )
    stored = json.loads(raw)["submissions"] if status == 200 else 0
    rows, extra = stored_rows(database_url, code)
    deadline = time.time() + 15
    while len(pairs) not in dashboard.seen and time.time() < deadline:
        time.sleep(0.1)
    dashboard.stop.set()
    dashboard.join(timeout=10)
    shown_at = dashboard.seen.get(len(pairs))
    cuts = statistics.quantiles(latencies, n=100)
    full = [s for s in dashboard.sizes if s > 0]
    return {
        "students": STUDENTS,
        "errors": sum(p["errors"] for p in parts),
        "status_codes": json.dumps(dict(sorted(codes.items()))),
        "acknowledged": acknowledged,
        "stored": stored,
        "lost": len(pairs - rows),
        "duplicates": extra,
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "requests": len(latencies),
        "dashboard_seconds": round(shown_at - last_ack, 2) if shown_at else -1,
        "dashboard_polls": dashboard.polls,
        "dashboard_polls_304": dashboard.not_modified,
        "dashboard_poll_p95_ms": round(statistics.quantiles(dashboard.times, n=20)[18] * 1000, 1)
        if len(dashboard.times) > 2
        else -1,
        "dashboard_full_bytes_max": max(full) if full else 0,
    }


def stored_rows(database_url: str, code: str) -> tuple[set[tuple[int, str]], int]:
    """The (student number, case) pairs stored in the database itself, and the rows beyond one per pair."""
    from sqlalchemy import create_engine
    from sqlalchemy import text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT student.nickname, submission.case_id FROM submission "
                    "JOIN student ON student.id = submission.student_id "
                    "JOIN exercise ON exercise.id = submission.exercise_id WHERE exercise.code = :code"
                ),
                {"code": code},
            ).all()
    finally:
        engine.dispose()
    pairs = [(int(nickname.removeprefix("student-")), case_id) for nickname, case_id in found]
    return set(pairs), len(pairs) - len(set(pairs))


def _psql(sql: str) -> None:
    subprocess.run(
        [shutil.which("psql") or "psql", PG_ADMIN, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def run() -> dict[str, float | int | str]:
    """Both backends' figures, named classroom_<backend>_<figure>."""
    figures: dict[str, float | int | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        with servers(url, 1) as ports:
            figures |= {f"classroom_sqlite_{k}": v for k, v in classroom(ports, url).items()}
    try:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
    except (OSError, subprocess.CalledProcessError) as err:
        figures["classroom_postgresql_skipped"] = f"PostgreSQL unavailable ({type(err).__name__})"
        return figures
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
        with servers(url, 2) as ports:
            figures |= {f"classroom_postgresql_{k}": v for k, v in classroom(ports, url).items()}
    finally:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        if PG_DATABASE != "miop_bench":
            _psql(f"CREATE DATABASE {PG_DATABASE}")  # a database the caller named stays, emptied
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}", flush=True)
