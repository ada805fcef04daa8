"""Small edges of a request: a 413 closes the connection and says so (in the app and through the
real server), `"stage": null` is refused as the schema's integer says, a Host header's port must be
one the server answers on (else it would be reflected into the join URL), and the session cookie
stays within a browser's budget whatever the number of classes joined."""

from __future__ import annotations

import socket
import time

import pytest

from rules.practice.simulate import offered_entries
from tests.support.apps import COOKIE_BUDGET
from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env
from tests.test_webapp.classroom.test_classroom_pages import CASES
from tests.test_webapp.classroom.test_classroom_pages import join
from tests.test_webapp.practice.test_practice_review import commit
from webapp.classroom.identity import CLASSES_REMEMBERED

TOO_LARGE = b"x" * (65 * 1024)
ANSWER = {"findings": [], "lean": "recessive", "mechanisms": [], "confidence": 80}


def test_a_413_says_connection_close(client):
    for path in ("/api/v1/assess", "/import"):
        resp = client.post(path, data=TOO_LARGE, content_type="application/json")
        assert resp.status_code == 413 and resp.headers["Connection"] == "close", path
    assert "Connection" not in client.get("/").headers


def test_the_real_server_closes_the_connection_after_a_413_and_says_so(tmp_path):
    env = server_env(f"sqlite:///{tmp_path / 'large.db'}")
    migrate_database(env)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        port = int(base.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            head = (
                "POST /api/v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(TOO_LARGE)}\r\n\r\n"
            )
            sock.sendall(head.encode() + TOO_LARGE)
            answer = b""
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:  # the server closed the connection
                    break
                answer += chunk
            else:
                pytest.fail("the connection stayed open after the 413")
        status, _, rest = answer.partition(b"\r\n")
        headers = rest.partition(b"\r\n\r\n")[0].lower()
        assert status.startswith(b"HTTP/1.1 413") and b"connection: close" in headers, answer[:400]
        # Another request on a new connection is served as ever.
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /api/v1/findings HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 200")


def test_a_null_stage_is_refused_as_the_schema_says(client, db_client):
    case_id = CASES[0].id
    for stage in (None, "2", 0):
        resp = client.post(f"/api/v1/cases/{case_id}/attempts", json={**ANSWER, "stage": stage})
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_stage", stage
    assert client.post(f"/api/v1/cases/{case_id}/attempts", json={**ANSWER, "stage": 1}).status_code == 200
    assert client.post(f"/api/v1/cases/{case_id}/attempts", json=ANSWER).status_code == 200  # left out: all read
    code = db_client.post("/api/v1/exercises", json={"title": "Stages", "case_ids": [case_id]}).get_json()["code"]
    sub = db_client.post(
        f"/api/v1/exercises/{code}/submissions",
        json={"nickname": "ana", "case_id": case_id, "answer": {**ANSWER, "stage": None}},
    )
    assert sub.status_code == 400 and sub.get_json()["error"]["code"] == "invalid_stage"


def test_a_host_port_the_server_does_not_answer_on_is_refused(db_client):
    for host in ("localhost:6666", "127.0.0.1:81", "[::1]:6666"):
        resp = db_client.post(
            "/api/v1/exercises", json={"title": "Port", "case_ids": [CASES[0].id]}, headers={"Host": host}
        )
        assert resp.status_code == 400 and b"6666" not in resp.data and b"host name or port" in resp.data, host
    # The port the request arrived at, or none, is answered and builds the join URL.
    on_5000 = db_client.post(
        "/api/v1/exercises",
        json={"title": "Port", "case_ids": [CASES[0].id]},
        base_url="http://localhost:5000/",  # Host and the port it arrived at
    )
    assert on_5000.status_code == 201 and on_5000.get_json()["join_url"].startswith("http://localhost:5000/join")
    assert db_client.get("/join", headers={"Host": "localhost"}).status_code == 200


def test_a_port_listed_in_trusted_hosts_is_answered(db_app):
    db_app.config["TRUSTED_HOSTS"] = [*db_app.config["TRUSTED_HOSTS"], "classroom.example:8443"]
    client = db_app.test_client()
    assert client.get("/join", headers={"Host": "classroom.example:8443"}).status_code == 200
    assert client.get("/join", headers={"Host": "classroom.example:9443"}).status_code == 400


def test_the_session_cookie_stays_within_its_budget_whatever_the_number_of_classes(db_app):
    student = db_app.test_client()
    # The practice history at its fullest first (every record and card kept), then many classes.
    entries = offered_entries()
    for n in range(60):
        entry = entries[n % len(entries)]
        commit(student, f"sim-{entry.number}-{100000000 + n}", [], "dominant", "50")
    educator = db_app.test_client()
    codes = [
        educator.post("/api/v1/exercises", json={"title": f"Class {i}", "case_ids": [CASES[0].id]}).get_json()["code"]
        for i in range(CLASSES_REMEMBERED + 25)
    ]
    largest = 0
    for code in codes:
        assert join(student, code, "ana").status_code == 302
        largest = max(largest, len(f"session={student.get_cookie('session').value}"))
    assert largest < COOKIE_BUDGET
    # The latest classes are this browser's still; the earliest ones are forgotten (their rejoin code brings them back).
    assert all(student.get(f"/join/{c}").status_code == 200 for c in codes[-CLASSES_REMEMBERED:])
    assert student.get(f"/join/{codes[0]}").status_code == 403


def test_the_educator_cookie_is_one_signed_digest_whatever_the_number_of_classes(db_app):
    from tests.test_webapp.classroom.test_classroom_pages import create

    educator = db_app.test_client()
    create(educator, title="First")
    first = len(educator.get_cookie("miop_educator", path="/classroom").value)
    for i in range(30):
        create(educator, title=f"Class {i}")
    assert len(educator.get_cookie("miop_educator", path="/classroom").value) <= first + 4  # its timestamp may grow
    assert len(f"session={educator.get_cookie('session').value}") < 1000
