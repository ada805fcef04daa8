"""The app keeps answering when its database is unreachable: a clear 503 for the classroom (page or
JSON error with Retry-After), the checklist, its API and practice untouched (they never use the
database). On PostgreSQL, a real outage: a loopback TCP proxy between the app and the server is cut
and restored, and the classroom recovers by itself.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from rules.practice.library import get_case
from rules.practice.library import public_id
from tests.support.apps import BACKENDS
from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import csrf_token
from tests.support.apps import drop_everything
from tests.support.servers import free_port
from webapp import create_app
from webapp.extensions import db

CASE = "miop-newborn-tetany"
SUBMISSION = {"findings": ["hypocalcemia"], "lean": "recessive", "mechanisms": [], "confidence": 70}
# Nothing listens on port 1; a SQLite file in a folder that does not exist cannot be opened.
UNREACHABLE = {
    "postgresql": lambda tmp: "postgresql+psycopg://postgres@127.0.0.1:1/test",
    "sqlite": lambda tmp: f"sqlite:///{tmp}/no-such-folder/miop.db",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down(request, tmp_path):
    """A test client of an app whose database cannot be reached."""
    app = create_app(base_config(tmp_path, UNREACHABLE[request.param](tmp_path)))
    yield app.test_client()
    with app.app_context():
        db.engine.dispose()


def assert_database_unavailable(response, page: bool = False) -> None:
    """A 503 saying the database is unreachable, with when to retry."""
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert response.headers["Retry-After"] == "5"
    if page:
        assert response.mimetype == "text/html"
        text = response.get_data(as_text=True)
        assert "cannot be reached just now" in text and "Educational use only, not a diagnosis" in text
    else:
        body = response.get_json()
        assert body["error"]["code"] == "database_unavailable"
        assert "try again" in body["error"]["message"]


def test_the_classroom_api_answers_503_with_retry_after(down):
    assert_database_unavailable(down.post("/api/v1/exercises", json={"title": "Week 3", "case_ids": [CASE]}))
    assert_database_unavailable(
        down.post(
            "/api/v1/exercises/ABCDEF/submissions", json={"nickname": "otter", "case_id": CASE, "answer": SUBMISSION}
        )
    )
    assert_database_unavailable(
        down.get("/api/v1/exercises/ABCDEF/results", headers={"Authorization": "Bearer some-key"})
    )


def test_the_classroom_pages_answer_a_503_page(down):
    joined = down.post("/join", data={"csrf_token": csrf_token(down, "/join"), "code": "ABCDEF", "nickname": "otter"})
    assert_database_unavailable(joined, page=True)
    assert_database_unavailable(down.get("/classroom/ABCDEF"), page=True)
    assert_database_unavailable(down.get("/join/ABCDEF"), page=True)
    # A client that asks for JSON gets the JSON contract on a page URL too.
    assert_database_unavailable(down.get("/classroom/ABCDEF/live.json", headers={"Accept": "application/json"}))


def test_the_checklist_its_api_and_practice_keep_working(down):
    page = down.get("/")
    assert page.status_code == 200 and 'name="csrf_token"' in page.get_data(as_text=True)
    result = down.post(
        "/",
        data={
            "csrf_token": csrf_token(down),
            "hypocalcemia": "present",
            "onset": "neonatal",
            "family_history": "unknown",
        },
    )
    assert result.status_code == 200
    assert "leans moderately toward autosomal recessive" in result.get_data(as_text=True)
    shared = down.get("/assessment?present=hypocalcemia&onset=neonatal")
    assert shared.status_code == 200 and "leans moderately" in shared.get_data(as_text=True)
    api = down.post("/api/v1/assess", json={"findings": {"hypocalcemia": "present"}, "onset": "neonatal"})
    assert api.status_code == 200 and api.get_json()["inheritance"]["lean"] == "recessive"
    # The import's rate limit lives in the database and lets the request through while it is away.
    packet = down.post("/api/v1/phenopacket", json={"findings": {"hypocalcemia": "present"}})
    assert packet.status_code == 200 and packet.get_json()["phenotypicFeatures"]
    # Practice keeps its progress in the session cookie.
    assert down.get("/practice").status_code == 200
    key = get_case(CASE).key
    path = f"/practice/{public_id(CASE)}"
    attempt = down.post(
        path,
        data={
            "csrf_token": csrf_token(down, path),
            "findings": list(key.present),
            "lean": key.lean,
            "mechanisms": list(key.mechanisms),
            "confidence": "80",
        },
    )
    assert attempt.status_code == 303
    assert re.search(r"\b100\b", down.get(attempt.headers["Location"]).get_data(as_text=True))
    assert public_id(CASE) in down.get("/practice").get_data(as_text=True)


def test_a_database_bug_is_still_a_500_not_a_503(tmp_path):
    # The file opens but holds no tables (migrations never ran): a fault of ours, not an outage.
    app = create_app(base_config(tmp_path))
    client = app.test_client()
    response = client.post("/api/v1/exercises", json={"title": "Week 3", "case_ids": [CASE]})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "Retry-After" not in response.headers
    with app.app_context():
        db.engine.dispose()


class TcpProxy:
    """A loopback TCP proxy in threads, to cut a database off from the app and bring it back."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listening = threading.Event()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def restore(self) -> None:
        """Accept connections again on the same port."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        listener.settimeout(0.05)
        self.listening.set()
        self._thread = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._thread.start()

    def cut(self) -> None:
        """Refuse new connections and break every open one, as a database restart or a network cut does."""
        self.listening.clear()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self.listening.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                try:
                    upstream = socket.create_connection(self.target, timeout=5)
                except OSError:
                    client.close()
                    continue
                client.settimeout(None)
                upstream.settimeout(None)
                with self._lock:
                    self._conns |= {client, upstream}
                for src, dst in ((client, upstream), (upstream, client)):
                    threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        for conn in (src, dst):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def proxied(url: str) -> Iterator[tuple[str, TcpProxy]]:
    """The database URL rewritten to go through a running TcpProxy."""
    parsed = make_url(url)
    proxy = TcpProxy((parsed.host or "127.0.0.1", parsed.port or 5432))
    proxy.restore()
    try:
        yield parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
    finally:
        proxy.cut()


def submit(client, code: str, nickname: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/api/v1/exercises/{code}/submissions", json={"nickname": nickname, "case_id": CASE, "answer": SUBMISSION}
    )


# A real outage needs a database server to cut off: this test exists where PostgreSQL is configured
# (TEST_DATABASE_URL, always under CI), and is not collected at all elsewhere.
if "postgresql" in BACKENDS:

    def test_a_postgresql_outage_gives_503s_and_the_classroom_recovers_by_itself(pg_url, tmp_path):
        with proxied(pg_url) as (url, proxy):
            app = app_with_schema(base_config(tmp_path, url))
            client = app.test_client()
            try:
                created = client.post("/api/v1/exercises", json={"title": "Outage", "case_ids": [CASE]})
                assert created.status_code == 201
                code, key = created.get_json()["code"], created.get_json()["educator_key"]
                results = f"/api/v1/exercises/{code}/results"
                educator = {"Authorization": f"Bearer {key}"}
                assert submit(client, code, "before").status_code == 201

                proxy.cut()
                assert_database_unavailable(client.get(results, headers=educator))
                assert_database_unavailable(submit(client, code, "during"))
                assert_database_unavailable(client.get(f"/classroom/{code}"), page=True)
                assert client.get("/").status_code == 200
                assert client.post("/api/v1/assess", json={"findings": {"anemia": "present"}}).status_code == 200

                proxy.restore()  # no restart of the app: dead pooled connections are replaced on checkout
                after = client.get(results, headers=educator)
                assert after.status_code == 200 and after.get_json()["submissions"] == 1
                assert submit(client, code, "after").status_code == 201
                assert client.get(results, headers=educator).get_json()["submissions"] == 2
            finally:
                if not proxy.listening.is_set():
                    proxy.restore()
                drop_everything(app)
