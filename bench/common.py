"""Shared helpers for the benchmarks: the production server on a free loopback port, and what its
worker processes have used (CPU time, memory), read from /proc."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# The production settings (`make run`): gthread workers, 32 threads each, one worker per core.
GUNICORN_CONF = ROOT / "webapp" / "infra" / "gunicorn_conf.py"
# Seconds the server may take to answer its first request (workers import the app on boot).
START_TIMEOUT = 30.0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = START_TIMEOUT) -> None:
    """Poll a URL until it answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not come up at {url}")


def server_env(tmp: str, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a bench server: this one without Flask's and the bytecode switch (a deployed
    server has its bytecode cached), a fresh SECRET_KEY and a throwaway SQLite database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_") and k != "PYTHONDONTWRITEBYTECODE"}
    return env | {
        "SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
        **(extra_env or {}),
    }


@contextlib.contextmanager
def production_server(
    extra_env: dict[str, str] | None = None,
    wrapper: Sequence[str] = (),
    extra_args: Sequence[str] = (),
    start_timeout: float | None = START_TIMEOUT,
    stop_timeout: float = 60.0,
) -> Iterator[tuple[str, int]]:
    """Run the app as `make run` does (gunicorn with webapp/infra/gunicorn_conf.py, its access log on)
    on a free loopback port; yield the base URL and the master's PID; stop it afterwards.

    `wrapper` goes before the Python command (valgrind), `extra_args` after gunicorn's own. Before
    yielding it waits up to `start_timeout` seconds for GET /api/v1/health to answer; with None it
    waits for nothing (the caller's first request then waits for the workers).
    """
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(tmp, {"HOST": "127.0.0.1", "PORT": str(port), **(extra_env or {})})
        flask = [str(BIN / "flask"), "--app", "webapp", "db", "upgrade"]
        migrated = subprocess.run(flask, cwd=ROOT, env=env, capture_output=True, text=True)
        if migrated.returncode:
            raise RuntimeError(f"flask db upgrade failed: {migrated.stderr[-2000:]}")
        command = [*wrapper, sys.executable, "-m", "gunicorn", "--config", str(GUNICORN_CONF), *extra_args]
        with open(f"{tmp}/server.log", "wb") as log:
            proc = subprocess.Popen(
                [*command, "webapp:create_app()"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
            )
        try:
            base = f"http://127.0.0.1:{port}"
            try:
                if start_timeout is not None:
                    wait_for(base + "/api/v1/health", start_timeout)
            except RuntimeError as err:
                tail = Path(f"{tmp}/server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{err}; its log ends:\n{tail}") from None
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=stop_timeout)


def worker_pids(master: int) -> list[int]:
    """The PIDs of a gunicorn master's workers (its child processes, as Linux lists them)."""
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def cpu_ns(pids: Sequence[int]) -> int:
    """Nanoseconds of CPU the processes' threads have run so far (the scheduler's own count,
    /proc/<pid>/task/<tid>/schedstat), every thread of every process: a gthread worker's event loop
    and its request threads alike. /proc/<pid>/stat counts in 10 ms ticks, too coarse for one request."""
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):  # a thread that ended meanwhile
                total += int((task / "schedstat").read_text().split()[0])
    return total


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MB (VmRSS of /proc/<pid>/status; 1 MB = 2**20 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")
