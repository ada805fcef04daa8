"""A paced lecture: 1,000 phones follow the educator, answer, and wait for the reveal.

The educator creates an exercise in educator pace with CASES library cases and starts it through the
API. STUDENTS students, all from one loopback address (a lecture hall behind one NAT), join in the
lobby (`POST /api/v1/exercises/<code>/students`, each at a random moment of the first JOIN_WINDOW
seconds, as a room joins from the projected QR code; the educator starts once all have joined), then
follow the class as the student page does (webapp/static/classroom.js): they poll `GET
/api/v1/exercises/<code>/state` with the ETag they last got (`If-None-Match`), POLL seconds apart at
random, each on its own kept-alive connection as a phone's browser keeps one; when a case they have
not answered is open, they read it for THINK seconds (seeded random) and submit through the API
with the student_token their join answered. Once every answer is acknowledged (or
ANSWER_DEADLINE has passed), the educator reveals the case, waits REVEAL_WAIT seconds, and advances
to the next case; advancing from the last one ends the class. The students stop when the state says
closed.

Each server is the production one (gunicorn with webapp/infra/gunicorn_conf.py, WORKERS gthread
workers). SQLite: one instance; PostgreSQL: two instances on one database, students spread over
both, as behind a load balancer. The students run in PROCESSES client processes (threads in each), on
the same two cores as the servers: the load generator's own work competes with the servers'.

The figures, per backend (`lecture_<backend>_<figure>`):
- `reveal_last_seconds`: for each reveal, from the moment the educator sent it to the moment the
  last student's poll showed it; the worst over the cases (budget: 3 s). `reveal_median_seconds`:
  the median student's, over all reveals. `reveal_missed`: students who never saw a reveal.
- `answer_p50_ms`, `answer_p95_ms`: submission round trips (budget: p95 < 150 ms on PostgreSQL
  with two instances, < 300 ms on SQLite). `join_p50_ms`, `join_p95_ms`: the lobby's joins.
- `acknowledged`, `lost` (acknowledged answers missing from the database), `duplicates`, `errors`
  (answers other than 201), `poll_errors`;
- `polls`, `polls_304_share`, `poll_p95_ms`, `control_ms_max` (the educator's reveal and advance
  round trips);
- `server_cpu_seconds`: the CPU time the servers' processes (gunicorn masters and workers) used
  during the class; the run's length times the two cores bounds it.

Run: `.venv/bin/python bench/lecture.py` (or bench/run.py lecture). BENCH_STUDENTS changes the class.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classroom import PG_DATABASE  # noqa: E402
from classroom import Ports  # noqa: E402
from classroom import _psql  # noqa: E402
from classroom import request  # noqa: E402
from classroom import servers  # noqa: E402
from classroom import tree_cpu_seconds  # noqa: E402

STUDENTS = int(os.environ.get("BENCH_STUDENTS", "1000"))
CASES = 2
# The student page's poll (webapp/static/classroom.js, a paced class): 1 to 2.5 s apart at random.
POLL = (1.0, 2.5)
JOIN_WINDOW = 30.0  # seconds over which the class joins in the lobby
THINK = (2.0, 12.0)  # seconds a student reads an open case before answering
ANSWER_DEADLINE = 60.0  # the educator reveals then even if some answers are missing
REVEAL_WAIT = 6.0  # seconds between a reveal and the next case
PROCESSES = 4
# 1,000 joins from one address within JOIN_WINDOW seconds: faster than the per-address join rate
# (600 a minute, FLASK_JOINS_PER_CLIENT) lets a room in, which tests/test_webapp/classroom/
# test_classroom_join_limits.py checks; here that rate is off, so it does not turn the lobby into 429s.
LOBBY = {"FLASK_JOINS_PER_CLIENT": "0", "FLASK_JOINS_PER_EXERCISE": "0"}
Answer = tuple[int, bytes, http.client.HTTPResponse | None]


class Student:
    """One phone following the class: its state, its ETag, what it answered and saw revealed."""

    def __init__(self, n: int, ports: list[int], code: str, case_ids: list[str], log: Log) -> None:
        self.n, self.code, self.case_ids, self.log = n, code, case_ids, log
        self.rng = random.Random(n)
        self.port = ports[n % len(ports)]
        self.token: str | None = None
        self.etag: str | None = None
        self.state: dict[str, Any] | None = None
        self.answered: set[int] = set()
        self.revealed: set[int] = set()
        self.ready_at: dict[int, float] = {}
        self.conn: http.client.HTTPConnection | None = None

    def run(self) -> None:
        """Join in the lobby, then poll until the class is closed; answer each open case once, after
        reading it."""
        time.sleep(self.rng.uniform(0, JOIN_WINDOW))
        self.join()
        while True:
            time.sleep(self.rng.uniform(*POLL))
            self.poll()
            state = self.state
            if state is None or state["state"] == "lobby":
                continue
            if state["state"] == "closed":
                return
            case = state["case"]
            if state["revealed"] and case not in self.revealed:
                self.revealed.add(case)
                self.log.saw(case)
            if not (case in self.answered or state["revealed"]):
                self.ready_at.setdefault(case, time.monotonic() + self.rng.uniform(*THINK))
                if time.monotonic() >= self.ready_at[case]:
                    self.answer(case)

    def send(self, method: str, path: str, body: object = None, headers: dict[str, str] | None = None) -> Answer:
        """One request on the student's kept-alive connection, as a phone's browser keeps one; a new
        connection when the server closed it (its keep-alive timeout) or it broke."""
        data = json.dumps(body) if body is not None else None
        sent = {"Content-Type": "application/json"} | (headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                self.conn.request(method, path, body=data, headers=sent)
                resp = self.conn.getresponse()
                return resp.status, resp.read(), resp
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2 or method != "GET":  # an answer is never sent twice blindly
                    return 0, b"", None
        return 0, b"", None

    def poll(self) -> None:
        headers = {"If-None-Match": self.etag} if self.etag else {}
        start = time.perf_counter()
        status, raw, resp = self.send("GET", f"/api/v1/exercises/{self.code}/state", headers=headers)
        self.log.polled(status, time.perf_counter() - start)
        if status == 200 and resp is not None:
            self.state, self.etag = json.loads(raw), resp.getheader("ETag")

    def join(self) -> None:
        start = time.perf_counter()
        body = {"nickname": f"student-{self.n}"}
        status, raw, _ = self.send("POST", f"/api/v1/exercises/{self.code}/students", body)
        self.log.joined(status, time.perf_counter() - start)
        if status == 201:
            self.token = json.loads(raw)["student_token"]

    def answer(self, case: int) -> None:
        answer = {
            "findings": ["fractures", "anemia"][: 1 + (self.n + case) % 2],
            "lean": ("recessive", "dominant")[self.n % 2],
            "mechanisms": ["fragile_bone"],
            "confidence": 50 + 10 * ((self.n + case) % 6),
        }
        body: dict[str, Any] = {"nickname": f"student-{self.n}", "case_id": self.case_ids[case - 1], "answer": answer}
        if self.token:
            body["student_token"] = self.token
        start = time.perf_counter()
        status, raw, _ = self.send("POST", f"/api/v1/exercises/{self.code}/submissions", body)
        self.log.answered(status, time.perf_counter() - start, (self.n, case))
        if status == 201:
            self.answered.add(case)
            self.token = self.token or json.loads(raw).get("student_token")


class Log:
    """What one client process's students measured (threads share it)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.answers: list[float] = []
        self.joins: list[float] = []
        self.polls: list[float] = []
        self.seen: dict[int, list[float]] = {}  # case position -> when each student first saw it revealed
        self.counts = {"acknowledged": 0, "errors": 0, "poll_errors": 0, "not_modified": 0, "join_errors": 0}
        self.pairs: list[tuple[int, int]] = []  # (student, case position) acknowledged
        self.codes: dict[int, int] = {}

    def polled(self, status: int, elapsed: float) -> None:
        with self.lock:
            self.polls.append(elapsed)
            self.counts["not_modified"] += status == 304
            self.counts["poll_errors"] += status not in (200, 304)

    def joined(self, status: int, elapsed: float) -> None:
        with self.lock:
            self.joins.append(elapsed)
            self.counts["join_errors"] += status != 201

    def saw(self, case: int) -> None:
        with self.lock:
            self.seen.setdefault(case, []).append(time.time())

    def answered(self, status: int, elapsed: float, pair: tuple[int, int]) -> None:
        with self.lock:
            self.answers.append(elapsed)
            self.codes[status] = self.codes.get(status, 0) + 1
            if status == 201:
                self.counts["acknowledged"] += 1
                self.pairs.append(pair)
            else:
                self.counts["errors"] += 1


def follow(args: tuple[list[int], str, list[str], range]) -> dict[str, Any]:
    """One client process: its share of the class, a thread per student."""
    ports, code, case_ids, mine = args
    log = Log()
    threads = [threading.Thread(target=Student(n, ports, code, case_ids, log).run) for n in mine]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {
        **log.counts,
        "answers": log.answers,
        "joins": log.joins,
        "polls": log.polls,
        "seen": log.seen,
        "pairs": log.pairs,
        "codes": log.codes,
    }


def control(port: int, code: str, key: str, action: str) -> tuple[float, float]:
    """The educator's control (start, advance, reveal); when it was sent (epoch) and its round trip."""
    sent, start = time.time(), time.perf_counter()
    status, raw, _ = request(port, "POST", f"/api/v1/exercises/{code}/{action}", {}, {"Authorization": f"Bearer {key}"})
    if status != 200:
        raise RuntimeError(f"{action} answered {status}: {raw[:200]!r}")
    return sent, time.perf_counter() - start


def class_state(port: int, code: str) -> dict[str, object]:
    status, raw, _ = request(port, "GET", f"/api/v1/exercises/{code}/state")
    return dict(json.loads(raw)) if status == 200 else {}


def _count(state: dict[str, object], position: int) -> object:
    """The state's answered count when it is the state of this case, else None."""
    return state.get("answered") if state.get("case") == position else None


def educator(port: int, code: str, key: str, reveals: list[float], controls: list[float]) -> None:
    """Start once the class has joined, then for each case: wait for every answer (or the
    deadline), reveal, wait, advance."""
    deadline = time.monotonic() + JOIN_WINDOW + ANSWER_DEADLINE
    while time.monotonic() < deadline and class_state(port, code).get("joined") != STUDENTS:
        time.sleep(0.5)
    _, took = control(port, code, key, "start")
    controls.append(took)
    for position in range(1, CASES + 1):
        # The case's own count: a worker may answer the state it read a moment before the advance
        # (webapp/classroom/service/state_cache.py), whose count is the previous case's.
        deadline = time.monotonic() + ANSWER_DEADLINE
        while time.monotonic() < deadline and _count(class_state(port, code), position) != STUDENTS:
            time.sleep(0.5)
        sent, took = control(port, code, key, "reveal")
        reveals.append(sent)
        controls.append(took)
        time.sleep(REVEAL_WAIT)
        _, took = control(port, code, key, "advance")
        controls.append(took)


def lecture(ports: Ports, database_url: str) -> dict[str, float | int | str]:
    """Create and run one paced class; return its figures."""
    port = ports[0]
    cpu_before = tree_cpu_seconds(ports.pids)
    status, raw, _ = request(port, "GET", "/api/v1/cases")
    case_ids = [c["id"] for c in json.loads(raw)["cases"][:CASES]]
    body = {"title": "Bench lecture", "case_ids": case_ids, "pace": "educator", "feedback": "after_reveal"}
    status, raw, _ = request(port, "POST", "/api/v1/exercises", body)
    if status != 201:
        raise RuntimeError(f"could not create the exercise: {status} {raw[:200]!r}")
    created = json.loads(raw)
    code, key = created["code"], created["educator_key"]
    reveals: list[float] = []
    controls: list[float] = []
    teacher = threading.Thread(target=educator, args=(port, code, key, reveals, controls))
    shares = [range(p, STUDENTS, PROCESSES) for p in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        running = pool.map_async(follow, [(ports, code, case_ids, share) for share in shares])
        teacher.start()
        parts = running.get()
    teacher.join()
    server_cpu = tree_cpu_seconds(ports.pids) - cpu_before
    answers = [x for p in parts for x in p["answers"]]
    polls = [x for p in parts for x in p["polls"]]
    pairs = {pair for p in parts for pair in p["pairs"]}
    codes: dict[int, int] = {}
    for p in parts:
        for k, v in p["codes"].items():
            codes[k] = codes.get(k, 0) + v
    lags, missed, last = [], 0, 0.0
    for position, sent in enumerate(reveals, start=1):
        times = [t for p in parts for t in p["seen"].get(position, [])]
        missed += STUDENTS - len(times)
        lags += [t - sent for t in times]
        last = max([last, *(t - sent for t in times)])
    rows, extra = stored_positions(database_url, code)
    answer_cuts = statistics.quantiles(answers, n=100) if len(answers) > 1 else [0.0] * 99
    joins = [x for p in parts for x in p["joins"]]
    join_cuts = statistics.quantiles(joins, n=100) if len(joins) > 1 else [0.0] * 99
    poll_cuts = statistics.quantiles(polls, n=100) if len(polls) > 1 else [0.0] * 99
    return {
        "students": STUDENTS,
        "reveal_last_seconds": round(last, 2),
        "reveal_median_seconds": round(statistics.median(lags), 2) if lags else -1,
        "reveal_missed": missed,
        "answer_p50_ms": round(answer_cuts[49] * 1000, 1),
        "answer_p95_ms": round(answer_cuts[94] * 1000, 1),
        "join_p50_ms": round(join_cuts[49] * 1000, 1),
        "join_p95_ms": round(join_cuts[94] * 1000, 1),
        "join_errors": sum(int(p["join_errors"]) for p in parts),
        "acknowledged": sum(int(p["acknowledged"]) for p in parts),
        "lost": len(pairs - rows),
        "duplicates": extra,
        "errors": sum(int(p["errors"]) for p in parts),
        "status_codes": json.dumps(dict(sorted(codes.items()))),
        "poll_errors": sum(int(p["poll_errors"]) for p in parts),
        "polls": len(polls),
        "polls_304_share": round(sum(int(p["not_modified"]) for p in parts) / max(1, len(polls)), 3),
        "poll_p95_ms": round(poll_cuts[94] * 1000, 1),
        "control_ms_max": round(max(controls) * 1000, 1) if controls else -1,
        "server_cpu_seconds": round(server_cpu, 1),
    }


def stored_positions(database_url: str, code: str) -> tuple[set[tuple[int, int]], int]:
    """The (student number, case position) pairs stored in the database itself, and the rows beyond one
    per pair."""
    from sqlalchemy import create_engine
    from sqlalchemy import text

    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT student.nickname, exercise_case.position FROM submission "
                    "JOIN student ON student.id = submission.student_id "
                    "JOIN exercise ON exercise.id = submission.exercise_id "
                    "JOIN exercise_case ON exercise_case.exercise_id = exercise.id "
                    "AND exercise_case.case_id = submission.case_id WHERE exercise.code = :code"
                ),
                {"code": code},
            ).all()
    finally:
        engine.dispose()
    pairs = [(int(nickname.removeprefix("student-")), position + 1) for nickname, position in found]
    return set(pairs), len(pairs) - len(set(pairs))


def run() -> dict[str, float | int | str]:
    """Both backends' figures, named lecture_<backend>_<figure>."""
    figures: dict[str, float | int | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        with servers(url, 1, production=True, settings=LOBBY) as ports:
            figures |= {f"lecture_sqlite_{k}": v for k, v in lecture(ports, url).items()}
    try:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        _psql(f"CREATE DATABASE {PG_DATABASE}")
    except (OSError, subprocess.CalledProcessError) as err:  # no PostgreSQL: said, the SQLite figures stand
        figures["lecture_postgresql_skipped"] = f"PostgreSQL unavailable ({type(err).__name__})"
        return figures
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{PG_DATABASE}"
        with servers(url, 2, production=True, settings=LOBBY) as ports:
            figures |= {f"lecture_postgresql_{k}": v for k, v in lecture(ports, url).items()}
    finally:
        _psql(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        if PG_DATABASE != "miop_bench":
            _psql(f"CREATE DATABASE {PG_DATABASE}")
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}", flush=True)
