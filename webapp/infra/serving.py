"""Serving settings that depend on where and how the app runs: the instance SECRET_KEY, Secure
cookies per request (plain HTTP on a LAN, HTTPS behind TLS or a trusted proxy), HSTS, the hosts
the app answers to, and absolute URLs built from a configured public URL, a trusted host, or this
machine's network address for pages asked for over loopback."""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import os
import secrets
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask import Response
from flask import request
from flask import session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import SecurityError

SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32
HSTS = "max-age=31536000"


def instance_secret_key(instance_path: str) -> str:
    """The key kept in the instance folder (mode 0600), made on first start and reused after.

    Several gunicorn workers start at once: the key is written to a private temporary file and
    linked into place, so every worker reads the same complete key whichever wins.
    """
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_KEY_FILE
    if not path.exists():
        tmp = folder / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker linked its key first: use that one
        finally:
            tmp.unlink()
    return path.read_text().strip()


EMBEDDED_MARK = "lti"  # the session key an LMS launch sets (webapp/classroom/identity.py, LTI_EMBEDDED)


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """SESSION_COOKIE_SECURE None means "Secure when the request came over HTTPS".

    Over plain HTTP on a LAN a Secure cookie would never come back and every form would fail;
    over HTTPS (gunicorn's TLS, or a proxy gunicorn trusts via forwarded_allow_ips) it is Secure.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        setting = app.config["SESSION_COOKIE_SECURE"]
        if setting is None:
            return bool(request) and request.is_secure
        return bool(setting) or self._embedded()

    @staticmethod
    def _embedded() -> bool:
        """A browser launched from an LMS over HTTPS (webapp/lti/: its session holds EMBEDDED_MARK):
        the LMS frames its pages, so its session cookie must be SameSite=None; Secure (partitioned,
        where the browser keeps third-party cookies apart). Plain HTTP keeps Lax: a browser refuses
        SameSite=None without Secure."""
        return bool(request) and request.is_secure and bool(session.get(EMBEDDED_MARK))

    def get_cookie_samesite(self, app: Flask) -> str | None:
        return "None" if self._embedded() else app.config["SESSION_COOKIE_SAMESITE"]

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return self._embedded() or bool(app.config.get("SESSION_COOKIE_PARTITIONED"))


def strict_transport_security(response: Any) -> None:
    """HSTS on HTTPS responses only (browsers ignore it over plain HTTP, RFC 6797 section 8.1)."""
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)


def machine_addresses() -> list[str]:
    """This machine's non-loopback IPv4 addresses, the primary one (default route) first."""
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # UDP connect sends nothing; it picks the outgoing address
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        for *_, addr in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(addr[0]))
    return [a for a in dict.fromkeys(found) if not a.startswith("127.") and a != "0.0.0.0"]


def is_loopback(host: str | None) -> bool:
    """Whether a host name or address reaches this machine only (127.0.0.1, ::1, localhost)."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def lan_address(listen_host: str) -> str | None:
    """The address phones reach this server at: the one it listens on, or (on every interface) this
    machine's primary network address; None when it listens on loopback only or has no address."""
    if is_loopback(listen_host):
        return None
    if listen_host not in ("0.0.0.0", "", "::", "[::]"):
        return f"[{listen_host}]" if ":" in listen_host and not listen_host.startswith("[") else listen_host
    found = machine_addresses()
    return found[0] if found else None


@functools.lru_cache(maxsize=1)
def _machine_names() -> tuple[str, ...]:
    """Loopback, this machine's host name(s) and addresses: looked up once per process (DNS)."""
    name = socket.gethostname()
    return ("localhost", "127.0.0.1", "::1", "[::1]", name, f"{name}.local", socket.getfqdn(name), *machine_addresses())


def default_trusted_hosts(public_url: str | None) -> list[str]:
    """The Host headers the app answers when TRUSTED_HOSTS is not configured: its public URL's
    host, and this machine's own names and addresses (what students type on a LAN)."""
    hosts = list(_machine_names())
    if public_url:
        hosts.insert(0, urlsplit(public_url).hostname or "")
    return [h for h in dict.fromkeys(hosts) if h]


def build_from_public_url(app: Flask, public_url: str) -> None:
    """Make url_for(..., _external=True) build on PUBLIC_URL's scheme and host in every request.

    Only the adapter's build side changes (server_name, url_scheme); matching a request's path is
    untouched, and the Host header still has to be trusted to be served at all.
    """
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"PUBLIC_URL must look like https://host[:port], not {public_url!r}")
    create = app.create_url_adapter

    def create_url_adapter(request: Any) -> Any:
        adapter = create(request)
        if request is not None and adapter is not None:
            adapter.server_name, adapter.url_scheme = parts.netloc, parts.scheme
        return adapter

    app.create_url_adapter = create_url_adapter  # type: ignore[method-assign]


def build_for_the_room(app: Flask) -> None:
    """Without PUBLIC_URL: a page asked for over loopback (the educator's own laptop, at 127.0.0.1 or
    localhost) while the app listens on the network (LISTEN_HOST, the HOST gunicorn binds) builds its
    absolute URLs on this machine's network address and the port the request arrived at, so the join
    URL, the QR code and the recovery link are ones a phone can reach. The address is the machine's
    own and must be a trusted host; no request's Host header is ever put in its place."""
    create = app.create_url_adapter

    def create_url_adapter(request: Any) -> Any:
        adapter = create(request)
        if request is None or adapter is None or not is_loopback(urlsplit("//" + request.host).hostname):
            return adapter
        lan = lan_address(str(app.config["LISTEN_HOST"]))
        if lan is not None and lan.strip("[]") in app.config["TRUSTED_HOSTS"]:
            port = request.environ.get("SERVER_PORT", "")
            default = (request.scheme, port) in (("http", "80"), ("https", "443"))
            adapter.server_name = lan if default or not port else f"{lan}:{port}"
        return adapter

    app.create_url_adapter = create_url_adapter  # type: ignore[method-assign]


def host_port_allowed(host: str, server_port: str | None, public_url: str | None, trusted: list[str]) -> bool:
    """Whether a Host header's port (the host name is trusted already) is one this server answers
    on: none given, the port the request arrived at, PUBLIC_URL's, or one TRUSTED_HOSTS lists with
    the name (`name:port`). Any other port would be put into the absolute URLs the pages build (a
    join URL, a QR code) and point the room elsewhere."""
    if host.startswith("["):  # [IPv6]:port
        name, _, rest = host.partition("]")
        name, port = name + "]", rest[1:] if rest.startswith(":") else ""
    else:
        name, _, port = host.partition(":")
    if not port or port == str(server_port or ""):
        return True
    if public_url:
        parts = urlsplit(public_url)
        if port == str(parts.port or (443 if parts.scheme == "https" else 80)):
            return True
    return f"{name}:{port}".lower() in {t.lower() for t in trusted}


def configure_serving(app: Flask) -> None:
    """Wire the per-request Secure cookie, the trusted hosts and PUBLIC_URL (or, without it, the
    network address for pages asked for over loopback) into the app."""
    app.session_interface = SchemeAwareSessionInterface()
    public_url = app.config.get("PUBLIC_URL")
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = default_trusted_hosts(public_url)
    if public_url:
        build_from_public_url(app, str(public_url))
    else:
        build_for_the_room(app)

    def _host_port() -> None:
        allowed = host_port_allowed(
            request.host, request.environ.get("SERVER_PORT"), public_url, app.config["TRUSTED_HOSTS"]
        )
        if not allowed:
            raise SecurityError("untrusted port in the Host header")

    # First of all the hooks: nothing runs for a request to a port the server does not answer on.
    app.before_request_funcs.setdefault(None, []).insert(0, _host_port)

    @app.errorhandler(SecurityError)
    def _untrusted_host(_err: SecurityError) -> Response:
        # No URL can be built for an untrusted host, so no page template: a plain 400.
        return Response(
            "400 Bad Request: this server does not answer to that host name or port (its operator can "
            "add it to TRUSTED_HOSTS, as name or name:port, or set PUBLIC_URL).\n",
            400,
            mimetype="text/plain",
        )


# How long a whole request (and its TLS handshake) may take to arrive: webapp/infra/worker.py's deadline.
READ_DEADLINE_SECONDS = 10.0


def serving_banner(
    bind: str, tls: bool, workers: int | None = None, threads: int | None = None, connections: int | None = None
) -> str:
    """The lines `make run` prints once gunicorn listens: the URLs to open, on a LAN the ones to type,
    and what the set-up withstands (given its workers, threads and connections per worker)."""
    host, _, port = bind.rpartition(":")
    scheme = "https" if tls else "http"
    suffix = "" if (scheme, port) in (("http", "80"), ("https", "443")) else f":{port}"
    if host in ("0.0.0.0", "", "::", "[::]"):
        lan = machine_addresses()
        lines = [
            f"MIOP Checklist is listening on every interface, port {port} ({scheme}).",
            f"  On this machine:  {scheme}://127.0.0.1{suffix}/",
        ]
        lines += [
            f"  On the network:   {scheme}://{a}{suffix}/   (students join at {scheme}://{a}{suffix}/join)" for a in lan
        ] or ["  (no network address found: is this machine connected?)"]
    else:
        lines = [
            f"MIOP Checklist: {scheme}://{host}{suffix}/   (join page {scheme}://{host}{suffix}/join)",
            "  Only this machine can reach it; HOST=0.0.0.0 make run serves the local network.",
        ]
    if not tls:
        lines.append(
            "  Plain HTTP: fine on a trusted local network; use HTTPS (TLS_CERTFILE/TLS_KEYFILE, "
            "or a proxy) anywhere else."
        )
    if workers and threads and connections:
        # What webapp/infra/worker.py makes true: a thread only ever gets a whole request.
        lines.append(
            f"  Holds: {workers} workers x {threads} threads, each given only a request that has arrived whole"
            f"{' (TLS handshake included)' if tls else ''}; a slow or stalled client waits in a buffer, up to "
            f"{connections} connections per worker, and is dropped after {READ_DEADLINE_SECONDS:g} s."
        )
    return "\n".join(lines)
