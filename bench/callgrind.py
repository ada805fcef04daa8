"""Machine instructions per request of a whole gunicorn worker, counted by valgrind's callgrind: a
regression guard that does not move with the machine's load (no budget).

Three production servers (webapp/infra/gunicorn_conf.py, one gthread worker each) run side by side,
each under `valgrind --tool=callgrind`, with the same hash seed, secret and settings. Each gets one
kept-alive connection and the same warm-up (one GET /api/v1/health, which waits for the worker to
boot, then WARMUP assess and health requests: the per-process tables are built and every path has
run once). Then one server answers N POST /api/v1/assess (the neonatal checklist of
bench/inputs.py), one N GET /api/v1/health, and the third nothing; all three are stopped together,
and callgrind writes each worker's instruction count (its `summary:` line) when the worker exits.
The idle server is the baseline: it booted, warmed up and lived as long as the others, so

    assess_instructions = (assess worker - idle worker) / N   (and the same for health_instructions)

counts everything a request costs the worker: gunicorn's event loop and HTTP parsing, Flask, the
app, the access log line, the C code under them (orjson, the interpreter itself); not the kernel's
share. Under valgrind Python runs some 50 times slower, so this takes about three minutes; set
BENCH_NO_CALLGRIND=1 to skip it.

Run: .venv/bin/python bench/callgrind.py (or bench/run.py callgrind).
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import production_server  # noqa: E402
from inputs import assess_json  # noqa: E402

N = 20  # measured requests per server: enough to dwarf the few thousand instructions that differ between boots
WARMUP = 3
SLOW = 900.0  # seconds any one step may take under valgrind (a worker boots in about a minute)
SKIP = "BENCH_NO_CALLGRIND"
# Hash seed fixed: dict and set orders, and so the instructions, are the same in every run.
SERVER_ENV = {"WEB_CONCURRENCY": "1", "PYTHONHASHSEED": "0", "SECRET_KEY": "bench-callgrind-" + "0" * 32}
# The production config's 30 s worker timeout and 10 s grace would kill a worker under valgrind.
SLOW_SERVER_ARGS = ("--timeout", "3600", "--graceful-timeout", "600")
ASSESS = ("POST", "/api/v1/assess", assess_json(0))
HEALTH = ("GET", "/api/v1/health", None)
JOBS = {"idle": [], "assess": [ASSESS] * N, "health": [HEALTH] * N}


def connect(base: str) -> http.client.HTTPConnection:
    """A connection to the server, once its master listens (the workers may still be booting)."""
    host, port = urlsplit(base).netloc.split(":")
    deadline = time.monotonic() + SLOW
    while True:
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    return http.client.HTTPConnection(host, int(port), timeout=SLOW)


def send(conn: http.client.HTTPConnection, request: tuple[str, str, bytes | None]) -> None:
    """One request, its answer read whole; anything but 200 stops the bench."""
    method, path, body = request
    conn.request(method, path, body=body, headers={"Content-Type": "application/json"} if body else {})
    resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{method} {path} answered {resp.status}")


def drive(base: str, requests: list[tuple[str, str, bytes | None]], errors: list[BaseException]) -> None:
    """The warm-up, then `requests`, on one kept-alive connection (run in a thread per server)."""
    try:
        conn = connect(base)
        for request in [HEALTH] + [ASSESS, HEALTH] * WARMUP + requests:
            send(conn, request)
        conn.close()
    except BaseException as err:  # handed to the main thread, which raises it
        errors.append(err)


def worker_instructions(out_dir: Path, master: int) -> int:
    """The instructions callgrind counted in the worker (the output file that is not the master's)."""
    files = [f for f in out_dir.iterdir() if f.name != f"callgrind.out.{master}"]
    if len(files) != 1:
        raise RuntimeError(f"expected one worker's callgrind output, found {sorted(f.name for f in files)}")
    for line in files[0].read_text(errors="replace").splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"no summary line in {files[0]}")


def measure(tmp: Path) -> dict[str, int]:
    """Each job's worker instructions, the three servers run side by side."""
    masters: dict[str, int] = {}
    errors: list[BaseException] = []
    with ExitStack() as stack:
        threads = []
        for job, requests in JOBS.items():
            (tmp / job).mkdir()
            wrapper = [
                "valgrind",
                "--tool=callgrind",
                "--vgdb=no",
                f"--callgrind-out-file={tmp / job}/callgrind.out.%p",
            ]
            base, masters[job] = stack.enter_context(
                production_server(SERVER_ENV, wrapper, SLOW_SERVER_ARGS, start_timeout=None, stop_timeout=SLOW)
            )
            threads.append(threading.Thread(target=drive, args=(base, requests, errors)))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(SLOW)
        if errors:
            raise errors[0]
    return {job: worker_instructions(tmp / job, master) for job, master in masters.items()}


def run() -> dict[str, int | str]:
    """Measure and return the figures (or say why they were skipped)."""
    if os.environ.get(SKIP) == "1":
        return {"callgrind_skipped": f"{SKIP}=1"}
    if shutil.which("valgrind") is None:
        return {"callgrind_skipped": "valgrind is not installed (apt-get install -y valgrind)"}
    with tempfile.TemporaryDirectory() as tmp:
        counts = measure(Path(tmp))
    return {
        "assess_instructions": round((counts["assess"] - counts["idle"]) / N),
        "health_instructions": round((counts["health"] - counts["idle"]) / N),
        "idle_worker_instructions": counts["idle"],
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
