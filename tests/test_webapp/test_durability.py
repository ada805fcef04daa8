"""Every acknowledged classroom submission survives the server being killed with SIGKILL mid-load.

gunicorn runs as a real subprocess (2 workers) on each backend; students submit from threads;
the whole process group is killed with -9 while requests are in flight; a new server comes up on
the same database, and every answer that got a 201 is still there.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import urllib.error
import urllib.request

from conftest import base_config
from conftest import drop_everything
from conftest import gunicorn_server
from conftest import migrate_database
from conftest import server_env
from sqlalchemy import select

from rules.cases import load_cases
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
            status, created = call(
                "POST", base + "/api/v1/exercises", {"title": "Durability", "case_ids": [c.id for c in CASES]}
            )
            assert status == 201
            code, key = created["code"], created["educator_key"]

            def student(n: int) -> None:
                round_ = 0
                while True:  # until the server dies under us
                    case = CASES[round_ % len(CASES)]
                    answer = {
                        "findings": list(case.key.present),
                        "lean": case.key.lean,
                        "mechanisms": [],
                        "confidence": 50 + round_ % 6 * 10,
                    }
                    try:
                        status, _ = call(
                            "POST",
                            f"{base}/api/v1/exercises/{code}/submissions",
                            {"nickname": f"s{n}", "case_id": case.id, "answer": answer},
                        )
                    except OSError:
                        return
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
        with app.app_context():
            stored = set(
                db.session.execute(
                    select(Student.nickname, Submission.case_id).join(
                        Student, Student.id == Submission.student_id
                    )
                ).all()
            )
        assert acknowledged <= stored, sorted(acknowledged - stored)
    finally:
        drop_everything(app)
