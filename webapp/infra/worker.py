"""gunicorn's gthread worker, made to hand a thread only a request that has fully arrived.

gthread gives each new connection to a thread, which then reads the request with blocking reads:
a client that trickles its headers (or its body) holds that thread for as long as it likes, so
`workers x threads` such clients (64 by default) stop the server. Here the worker's event loop
reads every plain-HTTP request itself, without blocking, into a buffer: the head up to its blank
line, and a body of announced length up to its end (a chunked one up to its last chunk). Only then
does a thread get the connection, with the bytes already read put back in front of its parser, so
the thread never waits for the client. A request that has not fully arrived within
HEAD_TIMEOUT_SECONDS of its first byte's wait (a new connection, or a kept-alive one becoming
readable) is dropped. Waiting connections cost a buffer each, not a thread; gunicorn's
`worker_connections` (1,000 per worker) bounds them.

The educator's requests (the dashboard and its poll, the projector, start, advance, reveal, close,
the paired phone's remote, and the API's controls and results) are recognised by their request
line and served by a small pool of their own (PRIORITY_THREADS per worker), so a burst of student
answers that holds every ordinary thread never queues the reveal behind it. A request to those
paths from anyone else is answered there too (without the key, a 401 or 403 at once): the pool
is a lane, not a privilege.

HTTPS served by gunicorn itself (TLS_CERTFILE) goes the same way: the event loop wraps each new
connection in gunicorn's own SSL context (gunicorn.sock.ssl_context: the same certificate, key,
ciphers and `ssl_context` hook) without blocking, drives the handshake on the selector, and then
reads the request as above, all within the same HEAD_TIMEOUT_SECONDS counted from the accept: a
client that stops mid-handshake holds a buffer until then, not a thread. The thread is given the
connection with its SSL socket and parser ready, so gthread never wraps or handshakes it again.
"""

from __future__ import annotations

import errno
import os
import re
import selectors
import ssl
import time
from collections import deque
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn import http as gunicorn_http
from gunicorn import sock as gunicorn_sock
from gunicorn.workers.gthread import TConn
from gunicorn.workers.gthread import ThreadWorker

from .serving import READ_DEADLINE_SECONDS

HEAD_TIMEOUT_SECONDS = READ_DEADLINE_SECONDS  # a whole request (head and body) must arrive within this
READ_CHUNK = 65536
# Past this many bytes without a complete request, the thread takes over (the parser's own limits
# then answer: a request line or header too large, a body over the app's 64 KiB).
BUFFER_MAX = 160 * 1024
_LENGTH = re.compile(rb"\r\ncontent-length[ \t]*:[ \t]*(\d{1,12})[ \t]*(?=\r\n)", re.IGNORECASE)
PRIORITY_THREADS = 4
_EDUCATOR = re.compile(
    rb"^(?:GET|POST|HEAD) /(?:classroom/[2-9A-Za-z]{6}(?:/(?:projector|live\.json|reveal|start|advance|close|reopen"
    rb"|lock|unlock|remote(?:/[^ ?]*)?))?"
    rb"|api/v1/exercises/[2-9A-Za-z]{6}/(?:reveal|start|advance|results|lock|unlock))(?:\?[^ ]*)? HTTP/"
)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding[ \t]*:[^\r\n]*chunked", re.IGNORECASE)


def request_complete(buf: bytes) -> bool:
    """Whether `buf` holds a whole HTTP/1 request (or enough that the parser must judge it)."""
    if len(buf) >= BUFFER_MAX:
        return True
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = buf[: end + 2]
    if _CHUNKED.search(head):
        return buf.endswith(b"0\r\n\r\n") or b"\r\n0\r\n\r\n" in buf[end:]
    length = _LENGTH.search(head)
    return length is None or len(buf) >= end + 4 + int(length.group(1))


def closing_when_asked(app: Any) -> Any:
    """The WSGI app, with a response it marks `Connection: close` (a 413: the rest of the body is
    not read) really closing the connection and saying so. gunicorn drops the hop-by-hop headers an
    app sends and would answer `keep-alive`; its response object, whose start_response the app is
    given, is told instead."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if any(k.lower() == "connection" and v.strip().lower() == "close" for k, v in headers):
                force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
                if callable(force_close):
                    force_close()
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped


class RequestFirstWorker(ThreadWorker):
    """gthread whose threads are given only requests that have fully arrived (plain HTTP)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arriving: deque[TConn] = deque()  # connections whose request is still arriving, oldest first
        self.buffers: dict[int, bytearray] = {}
        self.priority_pool: futures.ThreadPoolExecutor | None = None
        self._tls_context: ssl.SSLContext | None = None
        self._tls_files: tuple[float, ...] = ()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        # Flask's middleware slot: the worker's app stays the Flask app (gunicorn_conf.py warms it).
        app: Any = self.wsgi
        if hasattr(app, "wsgi_app") and not getattr(app, "closes_when_asked", False):
            app.wsgi_app = closing_when_asked(app.wsgi_app)
            app.closes_when_asked = True
        else:
            self.wsgi = closing_when_asked(app)

    def init_process(self) -> None:
        self.priority_pool = futures.ThreadPoolExecutor(max_workers=PRIORITY_THREADS)
        super().init_process()

    def run(self) -> None:
        try:
            super().run()
        finally:
            if self.priority_pool is not None:
                self.priority_pool.shutdown(wait=False)

    def _dispatch(self, conn: TConn, head: bytes) -> None:
        """Hand a request that has arrived to a thread: the educator's lane, or the ordinary pool."""
        if self.priority_pool is None or not _EDUCATOR.match(head):
            self.enqueue_req(conn)
            return
        fs = self.priority_pool.submit(self.handle, conn)
        fs.add_done_callback(lambda fut: self.method_queue.defer(self.finish_request, conn, fut))

    def accept(self, listener: Any) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        if not self.cfg.is_ssl:
            conn = TConn(self.cfg, client_sock, client_addr, listener.getsockname())  # non-blocking
            self._wait_for_request(conn)
            return
        try:
            client_sock.setblocking(False)
            tls_sock = self._server_context().wrap_socket(
                client_sock,
                server_side=True,
                suppress_ragged_eofs=self.cfg.suppress_ragged_eofs,
                do_handshake_on_connect=False,
            )
        except OSError as e:  # the client already gone, or the certificate or key unreadable
            self.nr_conns -= 1
            client_sock.close()
            if not isinstance(e, ConnectionError) and e.errno != errno.ENOTCONN:
                self.log.error("TLS: cannot serve a connection: %s", e)
            return
        conn = TConn(self.cfg, tls_sock, client_addr, listener.getsockname())
        conn.timeout = time.monotonic() + HEAD_TIMEOUT_SECONDS  # the handshake and the request, from now
        self.arriving.append(conn)
        self.poller.register(tls_sock, selectors.EVENT_READ, partial(self._on_handshake, conn))
        self._on_handshake(conn, tls_sock)  # the ClientHello may be there already

    def _server_context(self) -> ssl.SSLContext:
        """gunicorn's SSL context for this configuration, made once per worker (gunicorn makes one per
        connection) and again when the certificate or key file changes on disk."""
        files = tuple(_mtime(f) for f in (self.cfg.certfile, self.cfg.keyfile))
        if self._tls_context is None or files != self._tls_files:
            self._tls_context = gunicorn_sock.ssl_context(self.cfg)
            self._tls_files = files
        return self._tls_context

    def _want(self, conn: TConn, events: int, then: Any) -> None:
        """Wait, on the selector, for the socket to be readable or writable, then call `then`."""
        key = self.poller.get_key(conn.sock)
        if key.events != events or getattr(key.data, "func", None) != then:
            self.poller.modify(conn.sock, events, partial(then, conn))

    def _on_handshake(self, conn: TConn, client: Any) -> None:
        tls_sock = conn.sock
        if id(conn) in self.buffers or conn.initialized or not isinstance(tls_sock, ssl.SSLSocket):
            return
        try:
            tls_sock.do_handshake()
        except ssl.SSLWantReadError:
            self._want(conn, selectors.EVENT_READ, self._on_handshake)
            return
        except ssl.SSLWantWriteError:
            self._want(conn, selectors.EVENT_WRITE, self._on_handshake)
            return
        except (OSError, ValueError):  # a failed handshake (ssl.SSLError), the client gone
            self._drop(conn)
            return
        conn.initialized = True  # gthread's TConn.init() must not wrap the socket again
        if gunicorn_sock.is_http2_negotiated(tls_sock):  # only if http_protocols offers h2: gthread's path
            self._stop_waiting(conn)
            conn.is_http2 = True
            conn.sock.setblocking(True)
            conn.parser = gunicorn_http.get_parser(self.cfg, conn.sock, conn.client, http2_connection=True)
            conn.parser.initiate_connection()
            conn.data_ready = True
            self.enqueue_req(conn)
            return
        conn.parser = gunicorn_http.get_parser(self.cfg, conn.sock, conn.client)
        self.buffers[id(conn)] = bytearray()  # still in `arriving`: the deadline counts from the accept
        self._want(conn, selectors.EVENT_READ, self._on_request_bytes)
        self._on_request_bytes(conn, conn.sock)  # the request may have come with the handshake's end

    def finish_request(self, conn: TConn, fs: Any) -> None:
        super().finish_request(conn, fs)
        # A kept-alive TLS connection whose next request is already decrypted in the SSL socket's
        # buffer never makes its file descriptor readable again: read it now.
        try:
            pending = isinstance(conn.sock, ssl.SSLSocket) and conn.sock.pending() > 0
        except (OSError, ValueError):
            pending = False
        if pending and conn in self.keepalived_conns:
            self.on_client_socket_readable(conn, conn.sock)

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        """A kept-alive connection sends its next request: read it here too, not in a thread."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._wait_for_request(conn)

    def _wait_for_request(self, conn: TConn) -> None:
        conn.timeout = time.monotonic() + HEAD_TIMEOUT_SECONDS
        self.buffers[id(conn)] = bytearray()
        self.arriving.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_request_bytes, conn))
        self._on_request_bytes(conn, conn.sock)  # bytes may be there already

    def _on_request_bytes(self, conn: TConn, client: Any) -> None:
        buf = self.buffers.get(id(conn))
        if buf is None:
            return
        # Read until the socket has nothing more: an SSL socket may hold decrypted bytes while its
        # file descriptor is not readable, so a single recv per readable event could strand them.
        while True:
            try:
                data = conn.sock.recv(READ_CHUNK)
            except ssl.SSLWantWriteError:
                self._want(conn, selectors.EVENT_WRITE, self._on_request_bytes)
                return
            except (BlockingIOError, InterruptedError, ssl.SSLWantReadError):
                self._want(conn, selectors.EVENT_READ, self._on_request_bytes)
                return
            except (OSError, ValueError):
                self._drop(conn)
                return
            if not data:  # the client closed
                self._drop(conn)
                return
            buf += data
            if request_complete(bytes(buf)):
                break
        self._stop_waiting(conn)
        conn.init()  # plain HTTP: only makes the parser (blocking socket, for the thread)
        unreader = getattr(conn.parser, "unreader", None)
        if unreader is None:  # HTTP/2 with prior knowledge (not configured here): not served this way
            self.nr_conns -= 1
            conn.close()
            return
        unreader.unread(bytes(buf))
        conn.data_ready = True
        self._dispatch(conn, bytes(buf[:512]))

    def _stop_waiting(self, conn: TConn) -> None:
        self.buffers.pop(id(conn), None)
        try:
            self.arriving.remove(conn)
        except ValueError:
            pass
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _drop(self, conn: TConn) -> None:
        self._stop_waiting(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """Also drop the connections whose request did not arrive in time."""
        super().murder_pending()
        now = time.monotonic()
        while self.arriving and (self.arriving[0].timeout or 0.0) <= now:
            self._drop(self.arriving[0])


def _mtime(path: str | None) -> float:
    try:
        return os.stat(path).st_mtime if path else 0.0
    except OSError:
        return 0.0
