"""Where users feel the server's speed: the pages a visitor opens first, and a fresh worker's first
answers.

- `*_page_server_ms`: the median server time of GET / (the unfilled checklist), a practice case and
  the prefilled checklist link, in process through the Flask test client (no network, no server), 400
  requests each after 20 to warm up; `health_server_ms` is the trivial endpoint beside them, a gauge
  of the machine's speed.
- `create_app_{lazy,preloaded}_ms`, `first_assess_*_ms`, `tenth_assess_*_ms`: in a fresh interpreter
  (median of 5), import plus create_app with PRELOAD off or on, then POST /api/v1/assess ten times
  in process: the first is what a worker's first visitor waits for.
- `serve_<mode>_*`: gunicorn with webapp/infra/gunicorn_conf.py and 2 workers, in each way of loading:
  `lazy` (FLASK_PRELOAD=false: on first use), `worker` (PRELOAD in each worker's create_app),
  `master` (the configuration as shipped: preload_app, loaded once in the master, gc.freeze before
  each fork) and `master_nofreeze`. `ready_s`: from the command to the first answer of
  /api/v1/health; `first_assess_ms` / `max_assess_ms`: the first and the slowest of the next 8
  assessments (new connections, so both workers meet some); `pss_mb`: the memory the master and
  workers use together after 1,500 more requests (proportional set size, shared pages split).
- `dashboard_*`: an exercise of 5 cases answered by 200 students (through the API, in process): the
  bytes of the educator's poll answered whole (`full`), after one student changed an answer and
  after a new student's first answer (ticking a finding nobody ticked, so a column of the heat map
  changes too) when the page says which version it shows (`delta_*`), and the
  median server time of a poll answered whole and of one answered with the changes (`*_server_ms`).

Run: `.venv/bin/python bench/felt_speed.py` (prints `name: value` lines); `run()` prints nothing. To
measure another checkout the same way: `cd OTHER && PYTHONPATH=. /path/to/.venv/bin/python
/path/to/bench/felt_speed.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIN  # noqa: E402
from common import ROOT  # noqa: E402
from common import free_port  # noqa: E402
from common import worker_pids  # noqa: E402
from inputs import BENCH_BODY  # noqa: E402

REQUESTS = 400  # per page: enough for a steady median on a busy machine
WARM_UP = 20
RUNS = 5  # fresh interpreters for the first-assess figures (their median is reported)
ASSESS_BODY = BENCH_BODY
# One fresh process: import and create_app (PRELOAD as given), then ten assessments, each timed.
FIRST_ASSESS = """
import json, sys, time
t = time.perf_counter()
from webapp import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://", "PRELOAD": %s})
ready = time.perf_counter() - t
client = app.test_client()
times = []
for _ in range(10):
    t = time.perf_counter()
    assert client.post("/api/v1/assess", json=json.loads(sys.argv[1])).status_code == 200
    times.append(time.perf_counter() - t)
print(ready, times[0], times[9])
"""
GUNICORN_CONF = ROOT / "webapp" / "infra" / "gunicorn_conf.py"
# Each way of loading: (FLASK_PRELOAD, lines appended to a config that runs the shipped one).
SERVE_MODES = {
    "lazy": ("false", ""),
    "worker": ("true", "preload_app = False\nraw_env = ['FLASK_PRELOAD=true']\n"),
    "master": ("true", ""),
    "master_nofreeze": ("true", "def pre_fork(server, worker):\n    pass\n"),
}
FIRST_REQUESTS = 8
MORE_REQUESTS = 1500  # enough for the collector to run in the workers (it unshares pages unless frozen)


def page_server_ms() -> dict[str, float]:
    """Median milliseconds of a GET of each page, in process."""
    from rules import load_cases
    from webapp import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    pages = {
        "checklist_page_server_ms": "/",
        "practice_case_page_server_ms": f"/practice/{next(iter(load_cases()))}",
        "prefilled_checklist_page_server_ms": "/?present=anemia",
        "health_server_ms": "/api/v1/health",
    }
    figures = {}
    for name, path in pages.items():
        for _ in range(WARM_UP):
            client.get(path)
        times = []
        for _ in range(REQUESTS):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        figures[name] = round(statistics.median(times) * 1000, 3)
    return figures


def first_assess_ms(preload: bool) -> dict[str, float]:
    """Medians over fresh interpreters: import plus create_app, the first and the tenth assess."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    code = FIRST_ASSESS % preload
    runs = [
        [
            float(x)
            for x in subprocess.run(
                [sys.executable, "-c", code, json.dumps(ASSESS_BODY)],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
                text=True,
            ).stdout.split()
        ]
        for _ in range(RUNS + 1)
    ][1:]  # the first run writes the bytecode cache
    mode = "preloaded" if preload else "lazy"
    return {
        f"create_app_{mode}_ms": round(statistics.median(r[0] for r in runs) * 1000),
        f"first_assess_{mode}_ms": round(statistics.median(r[1] for r in runs) * 1000, 1),
        f"tenth_assess_{mode}_ms": round(statistics.median(r[2] for r in runs) * 1000, 2),
    }


def _timed(url: str, body: dict[str, object] | None = None) -> float:
    """Seconds one request takes (a new connection each time); raises on anything but a 200."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=30) as resp:
        resp.read()
    return time.perf_counter() - start


def _pss_kb(pid: int) -> int:
    """The proportional set size of a process (its private pages, and its share of shared ones)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


@contextlib.contextmanager
def _server(mode: str) -> Iterator[tuple[str, int, float]]:
    """gunicorn in one way of loading; yields its URL, its master's PID and the seconds until it answered."""
    preload, extra = SERVE_MODES[mode]
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        conf = Path(tmp) / "conf.py"
        conf.write_text(f"exec(open({str(GUNICORN_CONF)!r}).read())\n{extra}")
        env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "PYTHONDONTWRITEBYTECODE"}
        env |= {"SECRET_KEY": "bench-" + os.urandom(24).hex(), "FLASK_PRELOAD": preload}
        env |= {"DATABASE_URL": f"sqlite:///{tmp}/bench.db", "WEB_CONCURRENCY": "2", "PORT": str(port)}
        start = time.perf_counter()
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", str(conf), "--error-logfile", f"{tmp}/err.log", "webapp:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    _timed(base + "/api/v1/health")
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"gunicorn did not answer ({mode})") from None
                    time.sleep(0.01)
            yield base, proc.pid, time.perf_counter() - start
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def serving(mode: str) -> dict[str, float]:
    """Start-up, first answers and memory of gunicorn in one way of loading."""
    with _server(mode) as (base, master, ready):
        first = [_timed(base + "/api/v1/assess", ASSESS_BODY) for _ in range(FIRST_REQUESTS)]
        for i in range(MORE_REQUESTS):
            _timed(base + ("/", "/api/v1/assess", "/practice")[i % 3], ASSESS_BODY if i % 3 == 1 else None)
        pss = sum(_pss_kb(pid) for pid in [master, *worker_pids(master)])
    return {
        f"serve_{mode}_ready_s": round(ready, 2),
        f"serve_{mode}_first_assess_ms": round(first[0] * 1000, 1),
        f"serve_{mode}_max_assess_ms": round(max(first) * 1000, 1),
        f"serve_{mode}_pss_mb": round(pss / 1024, 1),
    }


CLASS_STUDENTS = 200
CLASS_CASES = 5
POLLS = 20  # per kind of poll, for the server-time medians
NEW_TICK = {"findings": ["fractures", "hypocalcemia"]}
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _answer(n: int, i: int) -> dict[str, object]:
    """Student n's answer to case i (as bench/classroom.py's students give)."""
    return {
        "findings": ["fractures", "anemia"][: 1 + (n + i) % 2],
        "lean": ("recessive", "dominant")[n % 2],
        "mechanisms": ["fragile_bone"],
        "confidence": 50 + 10 * ((n + i) % 6),
    }


def _a_class(client: Any) -> tuple[str, str, list[str], dict[str, str]]:
    """An exercise answered by CLASS_STUDENTS students; its code, educator key, case ids, tokens."""
    case_ids = [c["id"] for c in client.get("/api/v1/cases").get_json()["cases"][:CLASS_CASES]]
    created = client.post("/api/v1/exercises", json={"title": "Bench", "case_ids": case_ids}).get_json()
    code, tokens = created["code"], {}
    for n in range(CLASS_STUDENTS):
        for i, case_id in enumerate(case_ids):
            body = {"nickname": f"student-{n:03d}", "case_id": case_id, "answer": _answer(n, i)}
            if n in tokens:
                body["student_token"] = tokens[n]
            resp = client.post(f"/api/v1/exercises/{code}/submissions", json=body)
            tokens.setdefault(n, resp.get_json().get("student_token"))
    return code, created["educator_key"], case_ids, tokens


def _poll_ms(educator: Any, url: str, query: dict[str, str]) -> float:
    times = []
    for _ in range(POLLS):
        start = time.perf_counter()
        educator.get(url, query_string=query)
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 1)


def dashboard_bytes() -> dict[str, float]:
    """The educator's poll of a class of CLASS_STUDENTS: whole, and only what changed."""
    from webapp import create_app
    from webapp.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/d.db"})
        with app.app_context():
            db.create_all()
        students, educator = app.test_client(), app.test_client()
        code, key, case_ids, tokens = _a_class(students)
        claim = f"/classroom/{code}/claim"
        token = CSRF_INPUT.search(educator.get(claim).get_data(as_text=True)).group(1)
        educator.post(claim, data={"csrf_token": token, "key": key})
        page = educator.get(f"/classroom/{code}").get_data(as_text=True)
        version = re.search(r'data-version="([^"]+)"', page).group(1)
        url = f"/classroom/{code}/live.json"
        full = educator.get(url)
        changed = {"nickname": "student-007", "student_token": tokens[7], "case_id": case_ids[2]}
        students.post(f"/api/v1/exercises/{code}/submissions", json=changed | {"answer": _answer(8, 2)})
        delta = educator.get(url, query_string={"have": version})
        # The newcomer ticks a finding nobody ticked: case 1's column of the heat map changes too.
        newcomer = {"nickname": "student-100b", "case_id": case_ids[0], "answer": _answer(3, 0) | NEW_TICK}
        students.post(f"/api/v1/exercises/{code}/submissions", json=newcomer)
        joined = educator.get(url, query_string={"have": delta.get_json()["version"]})
        figures = {
            "dashboard_full_bytes": len(full.get_data()),
            "dashboard_delta_changed_answer_bytes": len(delta.get_data()),
            "dashboard_delta_new_student_bytes": len(joined.get_data()),
            "dashboard_full_poll_server_ms": _poll_ms(educator, url, {}),
            "dashboard_delta_poll_server_ms": _poll_ms(educator, url, {"have": version}),
        }
        with app.app_context():
            db.engine.dispose()
    return figures


def run() -> dict[str, float]:
    """Every figure of this module."""
    figures = {**page_server_ms(), **first_assess_ms(False), **first_assess_ms(True), **dashboard_bytes()}
    for mode in SERVE_MODES:
        figures |= serving(mode)
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
