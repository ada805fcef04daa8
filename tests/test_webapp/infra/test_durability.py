"""Every acknowledged classroom submission survives the server, or one worker, being killed with SIGKILL.

gunicorn runs as a real subprocess (2 workers) on each backend; students submit from threads.
In the first test the whole process group is killed with -9 while requests are in flight; a new
server comes up on the same database, and every answer that got a 201 is still there. In the
second one a single worker is killed with -9 mid-load: the master replaces it, the class goes on
submitting, and every answer that got a 201 is stored.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from sqlalchemy import select

from rules.practice.cases import load_cases
from tests.support.apps import base_config
from tests.support.apps import drop_everything
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env
from webapp import create_app
from webapp.extensions import db
from webapp.models import Student
from webapp.models import Submission

CASES = list(load_cases().values())[:3]
STUDENTS = 8
MIN_ACKNOWLEDGED = 60  # 201s before the kill: every (student, case) pair at least once


def call(method: str, url: str, body: dict | None = None, key: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} | ({"Authorization": f"Bearer {key}"} if key else {})
    req = urllib.request.Request(
        url, method=method, headers=headers, data=json.dumps(body).encode() if body is not None else None
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def new_exercise(base: str, title: str) -> tuple[str, str]:
    """Create an exercise of CASES through the API; its join code and educator key."""
    status, created = call("POST", base + "/api/v1/exercises", {"title": title, "case_ids": [c.id for c in CASES]})
    assert status == 201, created
    return created["code"], created["educator_key"]


def stored_answers(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every (nickname, case id) the database holds an answer for."""
    with app.app_context():
        query = select(Student.nickname, Submission.case_id).join(Student, Student.id == Submission.student_id)
        return {(nickname, case_id) for nickname, case_id in db.session.execute(query).all()}


def test_acknowledged_submissions_survive_a_sigkill_and_restart(database_url, tmp_path):
    env = server_env(database_url)
    migrate_database(env)
    log = tmp_path / "gunicorn.log"
    acknowledged: set[tuple[str, str]] = set()
    lock = threading.Lock()
    enough = threading.Event()
    count = [0]  # 201s received (re-submissions included)
    app = create_app(base_config(tmp_path, database_url))
    try:
        with gunicorn_server(env, log) as (base, proc):
            code, key = new_exercise(base, "Durability")

            def student(n: int) -> None:
                round_ = 0
                token: dict[str, str] = {}  # the student_token of the first answer, sent with each later one
                while True:  # until the server dies under us
                    case = CASES[round_ % len(CASES)]
                    answer = {
                        "findings": list(case.key.present),
                        "lean": case.key.lean,
                        "mechanisms": [],
                        "confidence": 50 + round_ % 6 * 10,
                    }
                    try:
                        status, body = call(
                            "POST",
                            f"{base}/api/v1/exercises/{code}/submissions",
                            {"nickname": f"s{n}", "case_id": case.id, "answer": answer, **token},
                        )
                    except (OSError, http.client.HTTPException):  # cut off by the kill: never acknowledged
                        return
                    if status == 201 and "student_token" in body:
                        token = {"student_token": body["student_token"]}
                    if status == 201:
                        with lock:
                            acknowledged.add((f"s{n}", case.id))
                            count[0] += 1
                            if count[0] >= MIN_ACKNOWLEDGED:
                                enough.set()
                    round_ += 1

            threads = [threading.Thread(target=student, args=(n,), daemon=True) for n in range(STUDENTS)]
            for t in threads:
                t.start()
            assert enough.wait(timeout=120), log.read_text()
            os.killpg(proc.pid, signal.SIGKILL)  # master and workers, requests still in flight
            proc.wait(timeout=30)
            for t in threads:
                t.join(timeout=30)
        assert proc.returncode == -signal.SIGKILL

        with gunicorn_server(env, log) as (base, _):
            status, results = call("GET", f"{base}/api/v1/exercises/{code}/results", key=key)
        assert status == 200
        answered = {c["id"]: c["answered"] for c in results["cases"]}
        for case in CASES:
            acked = sum(1 for _, case_id in acknowledged if case_id == case.id)
            assert answered[case.id] >= acked, (case.id, answered[case.id], acked)
        assert results["submissions"] >= len(acknowledged) > 0
        stored = stored_answers(app)
        assert acknowledged <= stored, sorted(acknowledged - stored)
    finally:
        drop_everything(app)


def worker_pids(master: int) -> set[int]:
    """The gunicorn master's child processes: its workers."""
    return {int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()}


def wait_until(condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_killed_mid_load_loses_no_acknowledged_submission_and_is_replaced(database_url, tmp_path):
    env = server_env(database_url)
    migrate_database(env)
    log = tmp_path / "gunicorn.log"
    acknowledged: set[tuple[str, str]] = set()
    refused: list[int] = []  # answers other than 201 (a broken connection is not an answer)
    lock = threading.Lock()
    stop = threading.Event()
    app = create_app(base_config(tmp_path, database_url))
    try:
        with gunicorn_server(env, log) as (base, proc):
            code, key = new_exercise(base, "Worker kill")
            # Forked from a preloaded master, the first worker can answer before the second exists.
            assert wait_until(lambda: len(worker_pids(proc.pid)) == 2, 30), log.read_text()
            workers = worker_pids(proc.pid)

            def student(n: int) -> None:
                i = 0
                while not stop.is_set():
                    # A new nickname for every answer: each 201 stands for a row of its own.
                    nickname, case = f"w{n}-{i}", CASES[i % len(CASES)]
                    answer = {
                        "findings": list(case.key.present),
                        "lean": case.key.lean,
                        "mechanisms": [],
                        "confidence": 60,
                    }
                    try:
                        status, _ = call(
                            "POST",
                            f"{base}/api/v1/exercises/{code}/submissions",
                            {"nickname": nickname, "case_id": case.id, "answer": answer},
                        )
                    except (OSError, http.client.HTTPException):  # the killed worker's request: never acknowledged
                        pass
                    else:
                        with lock:
                            if status == 201:
                                acknowledged.add((nickname, case.id))
                            else:
                                refused.append(status)
                    i += 1

            threads = [threading.Thread(target=student, args=(n,), daemon=True) for n in range(STUDENTS)]
            for t in threads:
                t.start()
            assert wait_until(lambda: len(acknowledged) >= 40, 120), log.read_text()
            victim = min(workers)
            os.kill(victim, signal.SIGKILL)  # students keep submitting meanwhile
            at_kill = len(acknowledged)
            replaced = wait_until(lambda: len(worker_pids(proc.pid) - workers) == 1, 60)
            after_kill = wait_until(lambda: len(acknowledged) >= at_kill + 40, 60)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            assert replaced, log.read_text()
            assert after_kill, log.read_text()
            assert proc.poll() is None  # the master carried on
            assert victim not in worker_pids(proc.pid) and len(worker_pids(proc.pid)) == 2
            status, results = call("GET", f"{base}/api/v1/exercises/{code}/results", key=key)
        assert status == 200
        assert refused == []
        assert results["submissions"] >= len(acknowledged)
        stored = stored_answers(app)
        assert acknowledged <= stored, sorted(acknowledged - stored)
    finally:
        drop_everything(app)
