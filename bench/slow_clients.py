"""500 slow connections from one device, over HTTP and over HTTPS: are other clients still answered?

A classroom server on the room's network (`HOST=0.0.0.0 make run`) is open to every student's
device. Here CLIENTS connections from one address hold the server as a slow or hostile client does:
three in four trickle their request's headers (one header line a second, never ending the head), one
in four announces a 60,000-byte body and trickles it (8 bytes a second); each connects again as soon
as the server drops it. Over HTTPS each completes its TLS handshake first, then trickles inside it
(the stalled handshakes themselves are tests/test_webapp/infra/test_serving_tls.py's). Meanwhile a
probe client asks what a clinician's browser asks (the checklist, an assessment, a practice case),
one request after another on a fresh connection, for SECONDS.

The server is the production one (webapp/infra/gunicorn_conf.py: its defaults, 2 workers of 8
threads here) on SQLite; HTTPS with a certificate made for the run (trustme).

Figures, per scheme (`slow_clients_<scheme>_<figure>`): `probes`, `late_probes` (not answered 200
within 2 s: budget 0), `probe_p50_ms`, `probe_max_ms`, `dropped` (slow connections the server cut
off at its read deadline; 0 would mean a slow request is never timed out), `sent_lines`.

Run: `.venv/bin/python bench/slow_clients.py` (or bench/run.py slow_clients).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import ssl
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.servers import gunicorn_server  # noqa: E402
from tests.support.servers import migrate_database  # noqa: E402
from tests.support.servers import server_env  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_SLOW_CLIENTS", "500"))
SECONDS = 15.0
PROBE_LIMIT = 2.0
ASSESS = json.dumps({"findings": {"hypocalcemia": "present"}, "onset": "neonatal"})
PROBES = [
    ("GET", "/", None),
    ("POST", "/api/v1/assess", ASSESS),
    ("GET", "/assessment?present=hypocalcemia&onset=neonatal", None),
    ("GET", "/practice", None),
]


class Slow(threading.Thread):
    """One slow client: trickles a request that never ends; connects again when dropped."""

    def __init__(self, port: int, tls: ssl.SSLContext | None, body: bool, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.tls, self.body, self.stop = port, tls, body, stop
        self.sent = self.dropped = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self._one()
            except OSError:  # the server closed it (its read deadline), or refused it for now
                self.dropped += 1
                self.stop.wait(0.2)

    def _one(self) -> None:
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        sock = self.tls.wrap_socket(raw, server_hostname="127.0.0.1") if self.tls else raw
        with sock:
            if self.body:
                sock.sendall(
                    b"POST /api/v1/assess HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    b"Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
                )
            else:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            while not self.stop.wait(1.0):
                sock.sendall(b" " * 8 if self.body else f"X-Slow-{self.sent}: a\r\n".encode())
                self.sent += 1


def probe(port: int, tls: ssl.SSLContext | None, method: str, path: str, body: str | None) -> tuple[int, float]:
    start = time.monotonic()
    conn: http.client.HTTPConnection
    if tls:
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=PROBE_LIMIT * 5, context=tls)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=PROBE_LIMIT * 5)
    try:
        headers = {"Content-Type": "application/json"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, time.monotonic() - start
    except OSError:
        return 0, time.monotonic() - start
    finally:
        conn.close()


def attack(port: int, tls: ssl.SSLContext | None) -> dict[str, float | int]:
    stop = threading.Event()
    slow = [Slow(port, tls, i % 4 == 3, stop) for i in range(CLIENTS)]
    for s in slow:
        s.start()
    time.sleep(3)  # every slow client has connected and sent its first bytes
    seen: list[tuple[int, float]] = []
    end = time.monotonic() + SECONDS
    try:
        while time.monotonic() < end:
            for method, path, body in PROBES:
                seen.append(probe(port, tls, method, path, body))
            time.sleep(0.2)
    finally:
        stop.set()
    times = [t for _, t in seen]
    return {
        "probes": len(seen),
        "late_probes": sum(1 for status, t in seen if status != 200 or t > PROBE_LIMIT),
        "probe_p50_ms": round(statistics.median(times) * 1000, 1),
        "probe_max_ms": round(max(times) * 1000, 1),
        "dropped": sum(s.dropped for s in slow),
        "sent_lines": sum(s.sent for s in slow),
    }


def run() -> dict[str, float | int | str]:
    import trustme

    figures: dict[str, float | int | str] = {}
    with tempfile.TemporaryDirectory() as tmp:
        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        cert.cert_chain_pems[0].write_to_path(f"{tmp}/cert.pem")
        cert.private_key_pem.write_to_path(f"{tmp}/key.pem")
        client = ssl.create_default_context()
        ca.configure_trust(client)
        for scheme, extra, tls in (
            ("http", {}, None),
            ("https", {"TLS_CERTFILE": f"{tmp}/cert.pem", "TLS_KEYFILE": f"{tmp}/key.pem"}, client),
        ):
            env = server_env(f"sqlite:///{tmp}/{scheme}.db", **extra)
            migrate_database(env)
            with gunicorn_server(env, Path(tmp) / f"{scheme}.log") as (base, _):
                port = int(base.rsplit(":", 1)[1])
                figures |= {f"slow_clients_{scheme}_{k}": v for k, v in attack(port, tls).items()}
    figures["slow_clients_connections"] = CLIENTS
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}", flush=True)
