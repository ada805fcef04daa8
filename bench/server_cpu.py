"""Server CPU per request, in the production worker model, and what a fresh worker's first assess costs.

The server is the one `make run` starts: gunicorn with webapp/infra/gunicorn_conf.py (gthread
workers, 32 threads each, one worker per core, the access log on), on loopback. One client sends
requests one at a time over one kept-alive connection, as a browser does, with no cookie (a first
visit). WARMUP requests of each kind go first (they also tell which worker serves the connection);
then, for each request, the client reads the CPU time every thread of that worker has run so far
(the scheduler's nanosecond count in /proc/<pid>/task/<tid>/schedstat), before sending and again once the
answer is in and the worker has had SETTLE_SECONDS to finish what it does after answering (the
access log line): the difference is what that request cost the server, its HTTP handling included.
The kinds of request take turns, so a busy moment on the machine touches every figure alike; each
figure is the median over ROUNDS requests, in ms.

- `assess_cpu_ms_checklist`, `_5_terms`, `_20_terms`: POST /api/v1/assess with the neonatal
  checklist (bench/inputs.py), then with 5 and 20 typed HPO terms beside it;
- `index_server_ms`: GET / (the checklist page); `practice_case_server_ms`: the first case of the
  practice library (GET /practice/<id>); `health_cpu_ms`: GET /api/v1/health, the floor any request
  pays here (no budget);
- `assess_errors`: assess answers other than 200 among the measured ones and the fresh servers';
- `worker_rss_mb`: resident memory of the worker that served them, after the runs (no budget);
- `first_assess_ms` / `tenth_assess_ms`: round-trip time of the first and the tenth assess (the
  checklist body) on a fresh server, whose workers have answered nothing but the start-up health
  check; median over FRESH_SERVERS servers. `first_assess_ratio` is first over tenth.

Run: .venv/bin/python bench/server_cpu.py (or bench/run.py server_cpu).
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import cpu_ns  # noqa: E402
from common import production_server  # noqa: E402
from common import rss_mb  # noqa: E402
from common import worker_pids  # noqa: E402
from inputs import TERM_COUNTS  # noqa: E402
from inputs import assess_json  # noqa: E402

ROUNDS = 200  # measured requests of each kind: enough for a median that holds to a few percent
WARMUP = 20  # unmeasured requests of each kind first: the per-process tables, the code in the caches
# Seconds the client waits after an answer before reading the workers' CPU again: the worker writes
# its access log line after sending the answer, and that belongs to the request just made.
SETTLE_SECONDS = 0.002
FRESH_SERVERS = 3  # fresh servers for the first-assess figures (a median of three)
NTH = 10  # the request compared with the first one
ASSESS = "/api/v1/assess"
JSON = {"Content-Type": "application/json"}

Request = tuple[str, str, bytes | None]


def first_practice_case(base: str) -> str:
    """The id of the first case of the practice library (GET /api/v1/cases)."""
    with urllib.request.urlopen(base + "/api/v1/cases", timeout=30) as resp:
        return str(json.load(resp)["cases"][0]["id"])


def requests_to_time(practice_case: str) -> dict[str, Request]:
    """Figure name -> the request it times."""
    assess = {f"assess_cpu_ms_{name}": ("POST", ASSESS, assess_json(n)) for name, n in TERM_COUNTS.items()}
    return {
        **assess,
        "index_server_ms": ("GET", "/", None),
        "practice_case_server_ms": ("GET", f"/practice/{practice_case}", None),
        "health_cpu_ms": ("GET", "/api/v1/health", None),
    }


def send(conn: http.client.HTTPConnection, request: Request) -> int:
    """Send one request on the kept-alive connection, read the whole answer; give its status."""
    method, path, body = request
    conn.request(method, path, body=body, headers=JSON if body is not None else {})
    resp = conn.getresponse()
    resp.read()
    return resp.status


def timed_by_cpu(conn: http.client.HTTPConnection, request: Request, workers: list[int]) -> tuple[float, int]:
    """The workers' CPU milliseconds one request took, and its status."""
    before = cpu_ns(workers)
    status = send(conn, request)
    time.sleep(SETTLE_SECONDS)
    return (cpu_ns(workers) - before) / 1e6, status


def serving_worker(conn: http.client.HTTPConnection, requests: dict[str, Request], workers: list[int]) -> int:
    """Send the warm-up requests; give the PID of the worker that served them (the connection is kept
    alive, so one worker serves it all; the others' idle loops are no part of a request's cost)."""
    before = {pid: cpu_ns([pid]) for pid in workers}
    for _ in range(WARMUP):
        for request in requests.values():
            send(conn, request)
    return max(workers, key=lambda pid: cpu_ns([pid]) - before[pid])


def server_cpu(base: str, master: int) -> dict[str, float | int]:
    """Median worker CPU per request of each kind, the assess errors, and the serving worker's RSS."""
    requests = requests_to_time(first_practice_case(base))
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    worker = [serving_worker(conn, requests, worker_pids(master))]
    samples: dict[str, list[float]] = {name: [] for name in requests}
    errors = 0
    for _ in range(ROUNDS):
        for name, request in requests.items():
            ms, status = timed_by_cpu(conn, request, worker)
            errors += request[1] == ASSESS and status != 200
            samples[name].append(ms)
    conn.close()
    figures: dict[str, float | int] = {name: round(statistics.median(s), 3) for name, s in samples.items()}
    figures["assess_errors"] = errors
    figures["worker_rss_mb"] = round(rss_mb(worker[0]), 1)
    return figures


def first_and_nth(base: str) -> tuple[float, float, int]:
    """Round-trip ms of the first and the NTH assess on one connection to a fresh server, and errors."""
    conn = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
    times, errors = [], 0
    for _ in range(NTH):
        start = time.perf_counter()
        errors += send(conn, ("POST", ASSESS, assess_json(0))) != 200
        times.append((time.perf_counter() - start) * 1e3)
    conn.close()
    return times[0], times[-1], errors


def first_assess() -> dict[str, float | int]:
    """Median first and NTH assess over FRESH_SERVERS fresh servers, and their ratio."""
    runs = []
    for _ in range(FRESH_SERVERS):
        with production_server() as (base, _):
            runs.append(first_and_nth(base))
    first = statistics.median(r[0] for r in runs)
    nth = statistics.median(r[1] for r in runs)
    return {
        "first_assess_ms": round(first, 2),
        "tenth_assess_ms": round(nth, 2),
        "first_assess_ratio": round(first / nth, 2),
        "assess_errors": sum(r[2] for r in runs),
    }


def run() -> dict[str, float | int]:
    """Measure and return the figures."""
    with production_server() as (base, master):
        figures = server_cpu(base, master)
    fresh = first_assess()
    fresh["assess_errors"] += figures["assess_errors"]
    return figures | fresh


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
