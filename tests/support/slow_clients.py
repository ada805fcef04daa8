"""Slow clients of a real server and the probes that check it still answers others: shared by the
attack tests (tests/test_webapp/infra/test_serving_attacks.py, test_serving_tls.py) and
bench/slow_clients.py."""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import threading
import time

from rules import public_case_id

PROBE_LIMIT_SECONDS = 2.0
ASSESS = json.dumps({"findings": {"hypocalcemia": "present"}, "onset": "neonatal"})
# What a user of the checklist does, none of it touching the database except the import's rate limit.
PROBES = [
    ("GET", "/", None),
    ("POST", "/api/v1/assess", ASSESS),
    ("GET", "/assessment?present=hypocalcemia&onset=neonatal", None),
    ("GET", "/assessment/phenopacket.json?present=anemia", None),
    ("POST", "/api/v1/phenopacket", ASSESS),
    ("GET", "/practice", None),
    ("GET", f"/practice/{public_case_id('miop-newborn-tetany')}", None),
]


def probe(
    port: int, method: str, path: str, body: str | None = None, tls: ssl.SSLContext | None = None
) -> tuple[int, float]:
    """One request on a fresh connection (HTTPS with `tls`): (status, seconds); status 0 when it
    failed or timed out."""
    start = time.monotonic()
    timeout = PROBE_LIMIT_SECONDS * 5
    conn = (
        http.client.HTTPSConnection("127.0.0.1", port, context=tls, timeout=timeout)
        if tls
        else http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    )
    try:
        headers = {"Content-Type": "application/json"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - start
    except (TimeoutError, OSError):
        return 0, time.monotonic() - start
    finally:
        conn.close()


class Trickler(threading.Thread):
    """A slow client: sends a request a few bytes at a time, one header every `every` seconds, never
    finishing it (or, with a body, announces 60 000 bytes and sends them one line at a time). When
    the server drops it (its read deadline), it connects again at once, as an attacker would. With
    `tls` it completes the TLS handshake first and trickles inside it."""

    def __init__(
        self, port: int, stop: threading.Event, body: bool, every: float = 2.0, tls: ssl.SSLContext | None = None
    ) -> None:
        super().__init__(daemon=True)
        self.port, self.stop, self.body, self.every, self.tls = port, stop, body, every, tls
        self.sent = 0
        self.dropped = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._one_connection()
            except OSError:  # the server closed the connection
                self.dropped += 1

    def _one_connection(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        with self.tls.wrap_socket(raw, server_hostname="127.0.0.1") if self.tls else raw as sock:
            if self.body:
                sock.sendall(
                    b"POST /api/v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
                )
            else:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while not self.stop.wait(self.every):
                sock.sendall(b" " * 8 if self.body else f"X-Slow-{self.sent}: a\r\n".encode())
                self.sent += 1
