"""Shared helpers for the benchmarks: a gunicorn server on a free loopback port, and wrk."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float = 30.0) -> None:
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


def worker_pids(master: int) -> list[int]:
    """The PIDs of a gunicorn master's workers (its child processes, as Linux lists them)."""
    return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime and stime (fields 14 and 15 of stat)
    return total / ticks


@contextlib.contextmanager
def gunicorn(
    workers: int = 2,
    database_url: str | None = None,
    config: Path | None = None,
    extra_env: dict[str, str] | None = None,
    app: str = "webapp:create_app()",
) -> Iterator[tuple[str, int]]:
    """Run the app under gunicorn on loopback; yield its base URL and master PID; stop it afterwards."""
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "DATABASE_URL": database_url or f"sqlite:///{tmp}/bench.db",
            **(extra_env or {}),
        }
        subprocess.run(
            [str(BIN / "flask"), "--app", "webapp", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
        )
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--no-control-socket",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                f"{tmp}/err.log",
                *(["--config", str(config)] if config else []),
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(base + "/api/v1/health")
            yield base, proc.pid
        finally:
            proc.terminate()
            proc.wait(timeout=15)


WRK_MISSING = "wrk is not installed (apt-get install -y wrk; .ci/run installs it)"


def have_wrk() -> bool:
    """Whether the wrk load generator is on PATH."""
    return shutil.which("wrk") is not None


WRK_LUA = """
{method}
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.3f %.3f %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
"""


def wrk(url: str, seconds: int = 6, connections: int = 8, body: str | None = None) -> dict[str, float]:
    """Load one URL with wrk; return requests/s, p50 and p95 in ms, errors and the request count."""
    if not have_wrk():
        raise RuntimeError(WRK_MISSING)
    method = ""
    if body is not None:
        escaped = body.replace("\\", "\\\\").replace("'", "\\'")
        method = f"wrk.method = 'POST'\nwrk.body = '{escaped}'\nwrk.headers['Content-Type'] = 'application/json'"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_LUA.format(method=method))
    try:
        out = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    match = re.search(r"RESULT (\d+) (\d+) ([\d.]+) ([\d.]+) (\d+)", out)
    if not match:
        raise RuntimeError(f"unexpected wrk output: {out}")
    requests, duration_us, p50, p95, errors = match.groups()
    return {
        "rps": int(requests) / (int(duration_us) / 1e6),
        "p50_ms": float(p50),
        "p95_ms": float(p95),
        "errors": int(errors),
        "requests": int(requests),
    }
