"""App start time, and POST /api/v1/assess throughput against the same server's trivial endpoint.

Start time is shown beside the time the frameworks alone take to import (Flask, SQLAlchemy,
Flask-SQLAlchemy, Flask-WTF), so a reader can tell the app's own share from the machine's speed.

The server is gunicorn with 2 sync workers on loopback, loaded by wrk (8 connections) from the
same machine. The trivial endpoint (GET /api/v1/health) and /assess are measured in alternating
short rounds (ten of 2 s each) on the one server, so a busy moment on the machine hits both; each
ratio is the median over the rounds, and the throughput ratio's quartiles (`_q1`, `_q3`) show how
far single rounds swing. Beside requests per second, the workers' own CPU time per request (from
/proc) is reported: it depends much less on what else the machine is doing, so it shows where the
time goes.

Last, the Python bytecode instructions each request executes inside the app (app.wsgi_app, no
server), counted with sys.settrace: a figure that does not move with the machine's load, so a
change to the assess path can be judged by it on a busy machine; and the same count for the whole
gunicorn worker (`*_server_opcodes`), which shows what the server itself adds to a POST with a
body. Under gunicorn each instruction costs more than in a warm loop (the server, the kernel and wrk
share the two cores and their caches), so the throughput ratio sits below the instruction ratio.
"""

from __future__ import annotations

import collections
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from common import ROOT
from common import WRK_MISSING
from common import cpu_seconds
from common import gunicorn
from common import have_wrk
from common import worker_pids
from common import wrk
from trace_conf import counting_tracer

STARTUP = (
    "import time; t, c = time.perf_counter(), time.process_time(); from webapp import create_app; "
    "create_app({'TESTING': True}); print(time.perf_counter() - t, time.process_time() - c)"
)
ASSESS_BODY = json.dumps(
    {
        "findings": {
            "hypocalcemia": "present",
            "hepatosplenomegaly": "present",
            "anemia": "present",
            "HP:0031846": "present",
            "fractures": "absent",
            "cranial_nerve_compression": "unknown",
        },
        "onset": "neonatal",
        "family_history": "unaffected_parents",
    }
)
TRACE_CONF = Path(__file__).resolve().parent / "trace_conf.py"
DEPENDENCIES = (
    "import time; t, c = time.perf_counter(), time.process_time(); "
    "import flask, sqlalchemy, flask_sqlalchemy, flask_wtf; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)
ROUNDS = 10
SECONDS = 2


def startup_seconds(runs: int = 5, code: str = STARTUP) -> tuple[float, float]:
    """Median wall and CPU time of importing the app and calling create_app() in a fresh interpreter.

    With the bytecode cache a deployed server has: the first, discarded run writes it (a machine
    may set PYTHONDONTWRITEBYTECODE, which would make every run compile the app from source). The
    CPU time hardly changes when other processes compete for the cores; the wall time does.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {"SECRET_KEY": "bench"}
    times = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
            ).stdout.split()
        ]
        for _ in range(runs + 1)
    ]
    return statistics.median(t[0] for t in times[1:]), statistics.median(t[1] for t in times[1:])


def opcodes_per_request() -> tuple[int, int, collections.Counter[str]]:
    """Bytecode instructions one GET /api/v1/health and one POST /api/v1/assess execute in the app,
    and the assess request's count per module (to see where they go)."""
    from webapp import create_app

    app = create_app({"SECRET_KEY": "bench", "TESTING": True})

    def call(method: str, path: str, body: bytes = b"") -> None:
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_TYPE": "application/json" if body else "",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_HOST": "127.0.0.1",
            "wsgi.errors": sys.stderr,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
        }
        result = app.wsgi_app(environ, lambda status, headers, exc_info=None: None)
        b"".join(result)
        getattr(result, "close", lambda: None)()

    def count(method: str, path: str, body: bytes = b"") -> collections.Counter[str]:
        per: collections.Counter[str] = collections.Counter()
        sys.settrace(counting_tracer(per))
        try:
            call(method, path, body)
        finally:
            sys.settrace(None)
        return per

    body = ASSESS_BODY.encode()
    for _ in range(3):  # first requests fill the per-process knowledge caches
        call("GET", "/api/v1/health")
        call("POST", "/api/v1/assess", body)
    health, assess = count("GET", "/api/v1/health"), count("POST", "/api/v1/assess", body)
    return sum(health.values()), sum(assess.values()), assess - health


def server_opcodes(path: str, body: str | None = None, requests: int = 100) -> collections.Counter[str]:
    """Python instructions one request costs the whole gunicorn worker (server and app), per package.

    One traced worker (bench/trace_conf.py) serves 1 request, another 1 + `requests`; the difference,
    divided, is the cost of a request, free of the start-up both runs share.
    """

    def run(count: int) -> collections.Counter[str]:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "counts.json"
            data = body.encode() if body is not None else None
            with gunicorn(workers=1, config=TRACE_CONF, extra_env={"BENCH_TRACE_OUT": str(out)}) as (base, _):
                for _ in range(count):
                    req = urllib.request.Request(base + path, data=data, headers={"Content-Type": "application/json"})
                    with urllib.request.urlopen(req, timeout=30) as resp:
                        resp.read()
            return collections.Counter(json.loads(out.read_text(encoding="utf-8")))

    once, many = run(1), run(1 + requests)
    return collections.Counter({k: round((many[k] - once[k]) / requests) for k in many if many[k] > once[k]})


def load_round(url: str, workers: list[int], body: str | None = None) -> dict[str, float]:
    """One wrk run, plus the workers' CPU microseconds per request during it."""
    before = cpu_seconds(workers)
    result = wrk(url, seconds=SECONDS, body=body)
    result["cpu_us"] = (cpu_seconds(workers) - before) / max(result["requests"], 1) * 1e6
    return result


def run() -> dict[str, float | int | str]:
    """Measure and return the figures."""
    wall, cpu = startup_seconds()
    deps_wall, _ = startup_seconds(code=DEPENDENCIES)
    figures: dict[str, float | int | str] = {
        "startup_seconds": round(wall, 3),
        "startup_cpu_seconds": round(cpu, 3),
        "startup_dependencies_seconds": round(deps_wall, 3),
    }
    health_ops, assess_ops, extra = opcodes_per_request()
    figures.update(
        {
            "baseline_opcodes": health_ops,
            "assess_opcodes": assess_ops,
            "assess_vs_baseline_opcode_ratio": round(health_ops / assess_ops, 3),
            **{f"assess_extra_opcodes_{module}": n for module, n in extra.most_common(4)},
        }
    )
    health_server, assess_server = server_opcodes("/api/v1/health"), server_opcodes("/api/v1/assess", ASSESS_BODY)
    figures.update(
        {
            "baseline_server_opcodes": sum(health_server.values()),
            "assess_server_opcodes": sum(assess_server.values()),
            "assess_vs_baseline_server_opcode_ratio": round(
                sum(health_server.values()) / sum(assess_server.values()), 3
            ),
            "baseline_server_opcodes_gunicorn": health_server["gunicorn"],
            "assess_server_opcodes_gunicorn": assess_server["gunicorn"],
        }
    )
    if not have_wrk():
        figures["load_skipped"] = WRK_MISSING
        return figures
    rounds: list[tuple[dict[str, float], dict[str, float]]] = []
    with gunicorn(workers=2) as (base, master):
        workers = worker_pids(master)
        wrk(base + "/api/v1/health", seconds=1)  # warm up both workers on both paths
        wrk(base + "/api/v1/assess", seconds=1, body=ASSESS_BODY)
        for _ in range(ROUNDS):
            rounds.append(
                (
                    load_round(base + "/api/v1/health", workers),
                    load_round(base + "/api/v1/assess", workers, ASSESS_BODY),
                )
            )
        page = wrk(base + "/")

    def median(side: int, key: str) -> float:
        return statistics.median(r[side][key] for r in rounds)

    ratios = [a["rps"] / h["rps"] for h, a in rounds]
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    figures.update(
        {
            "baseline_rps": round(median(0, "rps")),
            "assess_rps": round(median(1, "rps")),
            "assess_vs_baseline_ratio": round(statistics.median(ratios), 3),
            # The spread over the rounds (a shared machine swings from one round to the next).
            "assess_vs_baseline_ratio_q1": round(q1, 3),
            "assess_vs_baseline_ratio_q3": round(q3, 3),
            "assess_p50_ms": round(median(1, "p50_ms"), 2),
            "assess_p95_ms": round(median(1, "p95_ms"), 2),
            "assess_errors": sum(a["errors"] for _, a in rounds),
            "baseline_worker_cpu_us": round(median(0, "cpu_us")),
            "assess_worker_cpu_us": round(median(1, "cpu_us")),
            "assess_vs_baseline_cpu_ratio": round(statistics.median(h["cpu_us"] / a["cpu_us"] for h, a in rounds), 3),
            "checklist_page_rps": round(page["rps"]),
            "checklist_page_p95_ms": round(page["p95_ms"], 2),
        }
    )
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
