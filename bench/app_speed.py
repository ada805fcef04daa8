"""App start time, and POST /api/v1/assess throughput against the same server's trivial endpoint."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys

from common import ROOT
from common import gunicorn
from common import wrk

STARTUP = ("import time; t = time.perf_counter(); from webapp import create_app; "
           "create_app({'TESTING': True}); print(time.perf_counter() - t)")
ASSESS_BODY = json.dumps({
    "findings": {"hypocalcemia": "present", "hepatosplenomegaly": "present", "anemia": "present",
                 "HP:0031846": "present", "fractures": "absent", "cranial_nerve_compression": "unknown"},
    "onset": "neonatal", "family_history": "unaffected_parents",
})


def startup_seconds(runs: int = 5) -> float:
    """Median wall time of importing the app and calling create_app() in a fresh interpreter."""
    env = {**os.environ, "SECRET_KEY": "bench"}
    times = [float(subprocess.run([sys.executable, "-c", STARTUP], cwd=ROOT, env=env, check=True,
                                  capture_output=True, text=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def run() -> dict[str, float | int]:
    """Measure and return the figures."""
    figures: dict[str, float | int] = {"startup_seconds": round(startup_seconds(), 3)}
    with gunicorn(workers=2) as base:
        wrk(base + "/api/v1/health", seconds=2)  # warm up both workers
        baseline = wrk(base + "/api/v1/health")
        assess = wrk(base + "/api/v1/assess", body=ASSESS_BODY)
        page = wrk(base + "/")
    figures.update({
        "baseline_rps": round(baseline["rps"]),
        "assess_rps": round(assess["rps"]),
        "assess_vs_baseline_ratio": round(assess["rps"] / baseline["rps"], 3),
        "assess_p50_ms": assess["p50_ms"],
        "assess_p95_ms": assess["p95_ms"],
        "assess_errors": assess["errors"],
        "checklist_page_rps": round(page["rps"]),
        "checklist_page_p95_ms": page["p95_ms"],
    })
    return figures


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
