"""Real server processes for the system tests: gunicorn with the production configuration on a free
port, the environment it runs in, and the migrations `make serve` applies."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production-like server process: a real SECRET_KEY, this database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    return {**env, "SECRET_KEY": "test-" + secrets.token_hex(16), "DATABASE_URL": database_url, **extra}


def migrate_database(env: dict[str, str]) -> None:
    """Create the schema through the migrations, as `make serve` does."""
    subprocess.run(
        [str(BIN / "flask"), "--app", "webapp", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )


@contextlib.contextmanager
def gunicorn_server(env: dict[str, str], log: Path, *args: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """gunicorn with webapp/infra/gunicorn_conf.py on a free port, its output into `log`; yields (URL, process).

    It runs in a process group of its own, so a test can SIGKILL the master and its workers at once.
    """
    port = free_port()
    with log.open("a") as out:
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"),
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                *args,
                "webapp:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    tls = bool(env.get("TLS_CERTFILE"))  # gunicorn serves HTTPS itself (a certificate made by the test)
    base = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    unverified = ssl._create_unverified_context() if tls else None
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/join", timeout=2, context=unverified):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"gunicorn exited: {log.read_text()}") from None
                time.sleep(0.1)
        yield base, proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
