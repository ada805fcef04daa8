"""HTTPS served by gunicorn itself (TLS_CERTFILE/TLS_KEYFILE), under attack: connections that stop
mid-handshake (half a ClientHello, or nothing at all) hold no thread, probes from an ordinary HTTPS
client are each answered within 2 s, and a stalled handshake is closed at the read deadline. Plain
requests and keep-alive over TLS still work. Probe latencies go to test-artifacts/."""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.support.servers import gunicorn_server
from tests.support.servers import migrate_database
from tests.support.servers import server_env
from tests.support.slow_clients import ASSESS
from tests.support.slow_clients import PROBE_LIMIT_SECONDS
from tests.support.slow_clients import probe
from tests.test_webapp.infra.test_serving_attacks import record
from webapp.infra.worker import HEAD_TIMEOUT_SECONDS


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[int, ssl.SSLContext]]:
    """gunicorn serving HTTPS itself, 2 workers x 4 threads; yields (port, a client context trusting it)."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    env = server_env(
        f"sqlite:///{tmp_path / 'tls.db'}", TLS_CERTFILE=str(cert_file), TLS_KEYFILE=str(key_file), WEB_THREADS="4"
    )
    migrate_database(env)
    client = ssl.create_default_context()
    ca.configure_trust(client)
    with gunicorn_server(env, tmp_path / "gunicorn.log") as (base, _):
        assert base.startswith("https://")
        yield int(base.rsplit(":", 1)[1]), client


def half_client_hello() -> bytes:
    """The first half of a real ClientHello: a handshake that has started and will never finish."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_side=False)
    with pytest.raises(ssl.SSLWantReadError):
        tls.do_handshake()
    hello = outgoing.read()
    assert len(hello) > 100
    return hello[: len(hello) // 2]


class StalledHandshake(threading.Thread):
    """A client that connects, sends half a ClientHello (or nothing) and waits; when the server drops
    it, it connects again at once, as an attacker would."""

    def __init__(self, port: int, stop: threading.Event, hello: bytes) -> None:
        super().__init__(daemon=True)
        self.port, self.stop, self.hello = port, stop, hello
        self.dropped = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                    sock.sendall(self.hello)
                    sock.settimeout(0.5)
                    while not self.stop.is_set():
                        try:
                            if not sock.recv(1):
                                break  # the server closed it
                        except TimeoutError:
                            continue
                self.dropped += 1 if not self.stop.is_set() else 0
            except OSError:
                self.dropped += 1


def test_a_hundred_stalled_handshakes_do_not_starve_the_https_server(tls_server):
    port, client = tls_server
    stop = threading.Event()
    hello = half_client_hello()
    attackers = [StalledHandshake(port, stop, hello if i % 2 == 0 else b"") for i in range(100)]
    for a in attackers:
        a.start()
    seen: list[tuple[str, int, float]] = []
    try:
        time.sleep(1)  # every attacker has connected and sent what it sends
        end = time.monotonic() + HEAD_TIMEOUT_SECONDS + 3
        while time.monotonic() < end:
            for method, path, body in (("GET", "/", None), ("POST", "/api/v1/assess", ASSESS)):
                status, took = probe(port, method, path, body, tls=client)
                seen.append((f"{method} {path}", status, took))
            time.sleep(0.2)
    finally:
        stop.set()
    record("tls-stalled-handshakes-100", seen, stalled_handshakes=len(attackers), threads="2 x 4")
    late = [s for s in seen if s[1] != 200 or s[2] > PROBE_LIMIT_SECONDS]
    assert not late, f"{len(late)} of {len(seen)} HTTPS probes late or failed: {late[:10]}"
    assert len(seen) >= 6, seen
    assert all(a.dropped >= 1 for a in attackers), "a stalled handshake was never cut off (no deadline)"


def test_a_stalled_handshake_is_closed_at_the_read_deadline(tls_server):
    port, _ = tls_server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(half_client_hello())
        sock.settimeout(HEAD_TIMEOUT_SECONDS + 5)
        start = time.monotonic()
        try:
            closed = sock.recv(1) == b""
        except ConnectionResetError:
            closed = True
        except TimeoutError:
            closed = False
        waited = time.monotonic() - start
    assert closed and HEAD_TIMEOUT_SECONDS - 1 <= waited <= HEAD_TIMEOUT_SECONDS + 2, (closed, waited)


def test_https_requests_and_keep_alive_work(tls_server):
    port, client = tls_server
    assert probe(port, "GET", "/", tls=client)[0] == 200
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=client, timeout=10)
    try:
        conn.request("GET", "/")
        first = conn.getresponse()
        assert first.status == 200 and b"<html" in first.read().lower()
        assert first.getheader("Strict-Transport-Security")
        sock = conn.sock
        conn.request("POST", "/api/v1/assess", body=ASSESS, headers={"Content-Type": "application/json"})
        second = conn.getresponse()
        assert second.status == 200 and b"recessive" in second.read()
        assert conn.sock is sock, "the second request needed a new connection: keep-alive over TLS is broken"
        # A request that arrives in pieces, in separate TLS records, is read whole too.
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.3)
        sock.sendall(b"\r\n")
        third = http.client.HTTPResponse(sock, method="GET")
        third.begin()
        assert third.status == 200 and third.read()
    finally:
        conn.close()
