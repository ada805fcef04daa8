"""App start time, and the Python bytecode instructions one request executes inside the app.

Start time is shown beside the time the frameworks alone take to import (Flask, SQLAlchemy,
Flask-SQLAlchemy, Flask-WTF), so a reader can tell the app's own share from the machine's speed.

The instructions are counted with sys.settrace in app.wsgi_app (no server), for GET /api/v1/health
(`baseline_opcodes`) and for POST /api/v1/assess with the bench body below (`assess_opcodes`), with
the modules the assess request's extra instructions run in (`assess_extra_opcodes_<module>`): figures
that do not move with the machine's load, to see where a change to the assess path went. What a
request costs the production server is measured in server_cpu.py (CPU time) and callgrind.py
(machine instructions of the whole worker).
"""

from __future__ import annotations

import collections
import io
import json
import os
import statistics
import subprocess
import sys
from typing import Any

from common import ROOT
from inputs import BENCH_BODY

STARTUP = (
    "import time; t, c = time.perf_counter(), time.process_time(); from webapp import create_app; "
    "create_app({'TESTING': True}); print(time.perf_counter() - t, time.process_time() - c)"
)
ASSESS_BODY = json.dumps(BENCH_BODY)
DEPENDENCIES = (
    "import time; t, c = time.perf_counter(), time.process_time(); "
    "import flask, sqlalchemy, flask_sqlalchemy, flask_wtf; "
    "print(time.perf_counter() - t, time.process_time() - c)"
)


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


def counting_tracer(counts: collections.Counter[str]) -> Any:
    """A sys.settrace function that counts every bytecode instruction, per top-level package."""

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        package = frame.f_globals.get("__name__", "?").split(".")[0]

        def local(frame: Any, event: str, arg: Any) -> Any:
            if event == "opcode":
                counts[package] += 1
            return local

        return local

    return tracer


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
            **{f"assess_extra_opcodes_{module}": n for module, n in extra.most_common(4)},
        }
    )
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
