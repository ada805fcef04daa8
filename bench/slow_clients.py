"""500 slow connections from one device, over HTTP and over HTTPS: are other clients still answered?

A classroom server on the room's network (`HOST=0.0.0.0 make run`) is open to every student's
device. Here CLIENTS connections from one address hold the server as a slow or hostile client does:
three in four trickle their request's headers (one header line a second, never ending the head), one
in four announces a 60,000-byte body and trickles it (8 bytes a second); each connects again as soon
as the server drops it. Over HTTPS each completes its TLS handshake first, then trickles inside it
(the stalled handshakes themselves are tests/test_webapp/infra/test_serving_tls.py's). Meanwhile a
probe client asks what a clinician's browser asks (the checklist, an assessment, a practice case),
one request after another on a fresh connection, for SECONDS (the clients and the probes are the
attack tests' own: tests/support/slow_clients.py).

The server is the production one (webapp/infra/gunicorn_conf.py: its defaults, 2 workers of 8
threads here) on SQLite; HTTPS with a certificate made for the run (trustme).

Figures, per scheme (`slow_clients_<scheme>_<figure>`): `probes`, `late_probes` (not answered 200
within 2 s: budget 0), `probe_p50_ms`, `probe_max_ms`, `dropped` (slow connections the server cut
off at its read deadline; 0 would mean a slow request is never timed out), `sent_lines`.

Run: `.venv/bin/python bench/slow_clients.py` (or bench/run.py slow_clients).
"""

from __future__ import annotations

import os
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
from tests.support.slow_clients import PROBE_LIMIT_SECONDS  # noqa: E402
from tests.support.slow_clients import PROBES  # noqa: E402
from tests.support.slow_clients import Trickler  # noqa: E402
from tests.support.slow_clients import probe  # noqa: E402

CLIENTS = int(os.environ.get("BENCH_SLOW_CLIENTS", "500"))
SECONDS = 15.0


def attack(port: int, tls: ssl.SSLContext | None) -> dict[str, float | int]:
    stop = threading.Event()
    slow = [Trickler(port, stop, body=i % 4 == 3, every=1.0, tls=tls) for i in range(CLIENTS)]
    for s in slow:
        s.start()
    time.sleep(3)  # every slow client has connected and sent its first bytes
    seen: list[tuple[int, float]] = []
    end = time.monotonic() + SECONDS
    try:
        while time.monotonic() < end:
            for method, path, body in PROBES:
                seen.append(probe(port, method, path, body, tls=tls))
            time.sleep(0.2)
    finally:
        stop.set()
    times = [t for _, t in seen]
    return {
        "probes": len(seen),
        "late_probes": sum(1 for status, t in seen if status != 200 or t > PROBE_LIMIT_SECONDS),
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
