"""Where the assess ratio goes: POST /api/v1/assess beside stand-ins that each do part of its work.

`make bench-parts` (about 2 minutes; not part of `make bench`). One gunicorn server, as in
app_speed (2 sync workers, wrk -c8 from the same machine), runs the app plus a bench-only
blueprint, registered by this module's own factory and never by the app's. In alternating rounds
against GET /api/v1/health (its mean before and after each round), median over the rounds, it
measures:

- `parts_body_only`: reads and parses the same JSON body, answers `{"status": "ok"}`: what any
  JSON POST costs this server;
- `parts_work_small_answer`: the whole work of /assess (parse, evaluate, present), a small answer;
- `parts_answer_only`: the full answer of /assess, made once at start, sent without the work;
- `parts_work_twice`: the whole work done twice, then the full answer: the second time the code and
  the data are already in the processor's caches, so this shows what the instructions cost alone;
- `parts_assess`: POST /api/v1/assess itself.
"""

from __future__ import annotations

import statistics

import orjson
from app_speed import ASSESS_BODY
from app_speed import load_round
from common import ROOT
from common import WRK_MISSING
from common import gunicorn
from common import have_wrk
from common import worker_pids
from common import wrk
from flask import Blueprint
from flask import Flask

ROUNDS = 6
PARTS = ("body_only", "work_small_answer", "answer_only", "work_twice")


def create_app() -> Flask:
    """The app with the bench-only stand-ins under /bench/ (gunicorn 'ratio_parts:create_app()')."""
    from webapp import create_app as create_webapp
    from webapp.api.common import json_body
    from webapp.api.common import ok
    from webapp.checklist.api import assessment_of as work  # the assess view's own work
    from webapp.extensions import csrf

    app = create_webapp()
    with app.app_context():
        made_once = work(orjson.loads(ASSESS_BODY))
    bp = Blueprint("bench_parts", __name__)
    csrf.exempt(bp)

    @bp.post("/bench/body_only")
    def body_only():  # type: ignore[no-untyped-def]
        json_body()
        return {"status": "ok"}

    @bp.post("/bench/work_small_answer")
    def work_small_answer():  # type: ignore[no-untyped-def]
        work(json_body())
        return {"status": "ok"}

    @bp.post("/bench/answer_only")
    def answer_only():  # type: ignore[no-untyped-def]
        json_body()
        return ok(made_once)

    @bp.post("/bench/work_twice")
    def work_twice():  # type: ignore[no-untyped-def]
        body = json_body()
        work(body)
        return ok(work(body))

    app.register_blueprint(bp)
    return app


def run() -> dict[str, float | int | str]:
    """Measure and return the figures."""
    if not have_wrk():
        return {"parts_skipped": WRK_MISSING}
    paths = {**{part: f"/bench/{part}" for part in PARTS}, "assess": "/api/v1/assess"}
    ratios: dict[str, list[float]] = {name: [] for name in paths}
    env = {"PYTHONPATH": str(ROOT / "bench")}
    with gunicorn(workers=2, extra_env=env, app="ratio_parts:create_app()") as (base, master):
        workers = worker_pids(master)
        for path in ["/api/v1/health", *paths.values()]:  # warm up both workers on every path
            wrk(base + path, seconds=1, body=None if path == "/api/v1/health" else ASSESS_BODY)
        for _ in range(ROUNDS):
            before = load_round(base + "/api/v1/health", workers)["rps"]
            rps = {name: load_round(base + path, workers, ASSESS_BODY)["rps"] for name, path in paths.items()}
            baseline = (before + load_round(base + "/api/v1/health", workers)["rps"]) / 2  # and after the round
            for name, value in rps.items():
                ratios[name].append(value / baseline)
    return {f"parts_{name}_vs_baseline_ratio": round(statistics.median(r), 3) for name, r in ratios.items()}


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
