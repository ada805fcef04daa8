"""A classroom of 200 students each submitting 5 answers at once, on SQLite and on PostgreSQL.

For each backend: gunicorn (4 workers, access log off) on loopback, an exercise created through
the API, then 1000 submissions from 200 student threads started together. Each student answers
its 5 cases one after the other, reading for THINK seconds (seeded random) before each answer, as
on a phone; the whole class so submits within about ten seconds (a real class takes minutes), and
never more than MAX_IN_FLIGHT requests are open at once. The figures: errors (any answer other
than 201), lost (201s acknowledged minus the rows the results API counts), p50/p95 latency of the
submissions, and the number of requests.

Run: `.venv/bin/python bench/classroom.py` (prints `name: value` lines); `run()` prints nothing.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT  # noqa: E402
from common import free_port  # noqa: E402
from common import wait_for  # noqa: E402

BIN = Path(sys.executable).parent
STUDENTS = 200
ANSWERS = 5
THINK = (0.5, 3.0)  # seconds a student spends on a case before submitting
MAX_IN_FLIGHT = 64  # a bound on open connections, so the load generator cannot run away
WORKERS = 4
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "miop_bench"


@contextlib.contextmanager
def server(database_url: str) -> Iterator[int]:
    """Migrate the database, run gunicorn on it, yield the port; stop it afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
        env |= {"SECRET_KEY": "bench-" + os.urandom(12).hex(), "DATABASE_URL": database_url}
        subprocess.run(
            [str(BIN / "flask"), "--app", "webapp", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        port = free_port()
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(WORKERS),
                "--no-control-socket",
                "--bind",
                f"127.0.0.1:{port}",
                "--error-logfile",
                f"{tmp}/error.log",
                "webapp:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"http://127.0.0.1:{port}/join")
            yield port
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def request(
    port: int, method: str, path: str, body: object = None, key: str | None = None
) -> tuple[int, bytes]:
    """One HTTP request on a fresh loopback connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def classroom(port: int) -> dict[str, float | int]:
    """Create an exercise and let the class submit; return the raw figures."""
    status, raw = request(port, "GET", "/api/v1/cases")
    cases = json.loads(raw)["cases"][:ANSWERS]
    status, raw = request(
        port, "POST", "/api/v1/exercises", {"title": "Bench class", "case_ids": [c["id"] for c in cases]}
    )
    if status != 201:
        raise RuntimeError(f"could not create the exercise: {status} {raw[:200]!r}")
    created = json.loads(raw)
    code, key = created["code"], created["educator_key"]
    gate = threading.Semaphore(MAX_IN_FLIGHT)
    lock = threading.Lock()
    latencies: list[float] = []
    outcome = {"acknowledged": 0, "errors": 0}

    def student(n: int) -> None:
        rng = random.Random(n)
        for i, case in enumerate(cases):
            time.sleep(rng.uniform(*THINK))
            answer = {
                "findings": ["fractures", "anemia"][: 1 + (n + i) % 2],
                "lean": ("recessive", "dominant")[n % 2],
                "mechanisms": ["fragile_bone"],
                "confidence": 50 + 10 * ((n + i) % 6),
            }
            body = {"nickname": f"student-{n}", "case_id": case["id"], "answer": answer}
            with gate:
                start = time.perf_counter()
                try:
                    status, _ = request(port, "POST", f"/api/v1/exercises/{code}/submissions", body)
                except OSError:
                    status = 0
                elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                outcome["acknowledged" if status == 201 else "errors"] += 1

    threads = [threading.Thread(target=student, args=(n,)) for n in range(STUDENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    status, raw = request(port, "GET", f"/api/v1/exercises/{code}/results", key=key)
    stored = json.loads(raw)["submissions"] if status == 200 else 0
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "errors": outcome["errors"],
        "lost": outcome["acknowledged"] - stored,
        "p50_ms": round(cuts[49] * 1000, 1),
        "p95_ms": round(cuts[94] * 1000, 1),
        "requests": len(latencies),
    }


def _psql(sql: str) -> None:
    subprocess.run(
        [shutil.which("psql") or "psql", PG_ADMIN, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True,
        capture_output=True,
    )


def run() -> dict[str, float | int | str]:
    """Both backends' figures, named classroom_<backend>_<figure>."""
    figures: dict[str, float | int | str] = {}
    with tempfile.TemporaryDirectory() as tmp, server(f"sqlite:///{tmp}/bench.db") as port:
        figures |= {f"classroom_sqlite_{k}": v for k, v in classroom(port).items()}
    try:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE}")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
    except (OSError, subprocess.CalledProcessError) as err:
        figures["classroom_postgresql_skipped"] = f"PostgreSQL unavailable ({type(err).__name__})"
        return figures
    try:
        with server(f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}") as port:
            figures |= {f"classroom_postgresql_{k}": v for k, v in classroom(port).items()}
    finally:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
