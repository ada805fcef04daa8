"""gunicorn settings for `make run` / `make serve`:
`gunicorn --config webapp/infra/gunicorn_conf.py 'webapp:create_app()'`.

Environment: PORT (8000), HOST (127.0.0.1; 0.0.0.0 to listen on every interface and print the LAN
addresses), WEB_CONCURRENCY (worker processes; default the number of cores, at least 2),
WEB_THREADS (threads per worker, 8), TLS_CERTFILE and TLS_KEYFILE (serve HTTPS itself). The app
keeps no state in the process (sessions are signed cookies, classroom data and rate limits live in
the database), so any number of workers and instances can share one PostgreSQL.

Why this worker: a sync worker is held by one client for as long as it takes to send its request,
so two clients that trickle their headers stop a two-worker server; gthread's threads are held the
same way, 64 of them by default. webapp/infra/worker.py does each TLS handshake and reads each request
whole in the worker's event loop before a thread gets it, with a 10 s deadline. See docs/operations.md
"Workers" for the measurements and when a buffering proxy is still needed in front.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import TYPE_CHECKING
from typing import cast

if TYPE_CHECKING:
    from flask import Flask
    from gunicorn.arbiter import Arbiter
    from gunicorn.workers.base import Worker

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or max(2, multiprocessing.cpu_count()))
# gthread whose event loop does the TLS handshake and reads each request whole before a thread gets it
# (webapp/infra/worker.py): a slow client holds a buffer, not a thread. "gthread" and "sync" only
# to measure against.
worker_class = os.environ.get("WEB_WORKER_CLASS") or "webapp.infra.worker.RequestFirstWorker"
# Threads per worker: 8, over plain HTTP and HTTPS alike: a thread only ever gets a request that has
# arrived whole, its TLS handshake done (webapp/infra/worker.py), and the work is the CPU's: more
# threads only share two cores more finely, so every request of a burst finishes late
# (docs/operations.md "Workers": a lecture's answers, p50 0.33 s with 32 threads, 0.11 s with 8,
# medians of three runs).
threads = int(os.environ.get("WEB_THREADS") or 8)
# Deliberate limits on what one client may hold: a kept-alive idle connection for 5 s; a request
# line of 8 KiB (the shareable link with every item fits in 1 KiB), 50 header fields of 8 KiB each;
# a whole request (head and body) must arrive within 10 s of the server's first wait for it
# (webapp/infra/worker.py), or the connection is closed; a worker silent for 30 s is restarted.
keepalive = 5
limit_request_line = 8190
limit_request_fields = 50
limit_request_field_size = 8190
timeout = 30
graceful_timeout = 10

# Load the knowledge, the HPO data, the differential model and the practice library before any
# request (webapp/preload.py), once, in the master: workers are forked with all of it loaded and
# share those memory pages, and none of their first visitors waits for it. FLASK_PRELOAD=false turns
# both off (each worker then loads on first use). The master opens no database connection while
# loading; post_fork drops any a future change would leave to be inherited.
preload_app = os.environ.get("FLASK_PRELOAD", "true").strip().lower() != "false"
raw_env = [f"FLASK_PRELOAD={str(preload_app).lower()}"]  # create_app's PRELOAD (set before the app loads)

# gunicorn 27 otherwise opens a control socket at a fixed path in $HOME, so a second instance on the
# same machine would take over the first one's.
control_socket_disable = True

# Access log to stdout WITHOUT query strings: %(U)s is the path only, where %(r)s would log the
# request line with its query, and the shareable result link carries checklist items in it. The
# referrer (%(f)s) is left out for the same reason. The error log goes through the same redaction
# (a failed request's message names its URI).
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
logger_class = "webapp.infra.privacy.RedactingGunicornLogger"

# HTTPS served by gunicorn itself (a certificate and its key, PEM files).
certfile = os.environ.get("TLS_CERTFILE") or None
keyfile = os.environ.get("TLS_KEYFILE") or None

# A proxy at one of these addresses may say the client used HTTPS (X-Forwarded-Proto: https): the
# session cookie is then Secure and HSTS is sent. Set it to your reverse proxy's address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def when_ready(server: Arbiter) -> None:
    """Say where students and educators can reach the app (the addresses they can type)."""
    from webapp.infra.serving import serving_banner

    cfg = server.cfg
    print(serving_banner(cfg.bind[0], cfg.is_ssl, cfg.workers, cfg.threads, cfg.worker_connections), flush=True)


def pre_fork(server: Arbiter, worker: Worker) -> None:
    """Before each fork: move what the master loaded out of the collector's reach (gc.freeze), so
    a worker's collections never write to those objects and its pages stay shared with the master's."""
    gc.freeze()


def post_fork(server: Arbiter, worker: Worker) -> None:
    """In each new worker: no pooled database connection is shared with the master or a sibling."""
    if preload_app:
        from webapp.extensions import db

        app = cast("Flask", server.app.wsgi())  # the app the master loaded: create_app()'s Flask
        with app.app_context():
            db.engine.dispose(close=False)


def post_worker_init(worker: Worker) -> None:
    """Before the worker takes its first request: the example through the app once (warm_worker), so
    its first visitor pays no more than its tenth. A gthread worker's requests run in its thread pool:
    the example runs there too, so the pool's first thread is started and warmed, and waits idle for
    the first visitor."""
    if preload_app:
        from webapp.preload import warm_worker

        app = cast("Flask", worker.wsgi)
        pool = getattr(worker, "tpool", None)  # the gthread worker's; a sync worker has none
        if pool is None:
            warm_worker(app)
        else:
            pool.submit(warm_worker, app).result()
