"""`make bench`: run every benchmark module and print one `name: value` line per figure.

Each figure that has a budget in docs/product.md ("Budgets") is followed by
`<name>_budget_ok: true|false`, and the run ends with `budgets_failed: N` (figures a module did not
produce count as failed). The exit status is 1 when a module broke, 0 otherwise: a budget missed
is a finding to read, not a crash.
"""

from __future__ import annotations

import importlib
import operator
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODULES = [
    "app_speed",
    "server_cpu",
    "phone",
    "callgrind",
    "answer_size",
    "page_weight",
    "lean_accuracy",
    "differential_accuracy",
    "differential_calibration",
    "classroom",
    "lecture",
    "slow_clients",
    "hpo_search",
]

# figure -> (comparison, limit): docs/product.md "Budgets". 40 KB is read as 40,000 bytes, 10 KB as
# 10,000, 60 KB as 60,000. Server CPU and server time in ms, per request, median (server_cpu.py).
BUDGETS: dict[str, tuple[Callable[[float, float], bool], float]] = {
    "startup_seconds": (operator.lt, 0.5),
    "assess_cpu_ms_checklist": (operator.le, 0.5),
    "assess_cpu_ms_5_terms": (operator.le, 1.0),
    "assess_cpu_ms_20_terms": (operator.le, 2.0),
    "index_server_ms": (operator.le, 1.0),
    "practice_case_server_ms": (operator.le, 1.0),
    "first_assess_ratio": (operator.le, 2.0),  # the first assess of a fresh worker over its tenth
    "assess_errors": (operator.eq, 0),
    "phone_first_visit_seconds": (operator.le, 1.5),
    "phone_repeat_visit_seconds": (operator.le, 1.0),
    "checklist_page_bytes": (operator.le, 40_000),
    "neonatal_answer_bytes": (operator.le, 10_000),
    "compact_answer_bytes_20_terms": (operator.le, 10_000),
    "full_answer_bytes": (operator.le, 60_000),
    "checklist_page_third_party_requests": (operator.eq, 0),
    "result_page_third_party_requests": (operator.eq, 0),
    "about_page_third_party_requests": (operator.eq, 0),
    "hpo_search_p95_ms": (operator.lt, 20),  # GET /api/v1/hpo/search in process, a realistic mix
    **{
        f"classroom_{backend}_{name}": budget
        for backend in ("sqlite", "postgresql")
        for name, budget in {
            "errors": (operator.eq, 0),
            "lost": (operator.eq, 0),
            "duplicates": (operator.eq, 0),
            "p95_ms": (operator.lt, 150),
            "dashboard_seconds": (operator.le, 3),
        }.items()
    },
    **{
        f"lecture_{backend}_{name}": budget
        for backend in ("sqlite", "postgresql")
        for name, budget in {
            "errors": (operator.eq, 0),
            "lost": (operator.eq, 0),
            "duplicates": (operator.eq, 0),
            "reveal_last_seconds": (operator.le, 3),
            "reveal_missed": (operator.eq, 0),
        }.items()
    },
    "lecture_postgresql_answer_p95_ms": (operator.lt, 150),
    "lecture_sqlite_answer_p95_ms": (operator.lt, 300),
    # 500 slow connections from one address (bench/slow_clients.py): every probe within 2 s.
    **{f"slow_clients_{scheme}_late_probes": (operator.eq, 0) for scheme in ("http", "https")},
}
# A budgeted figure's first word -> the module that gives it (a figure missing from a module that
# ran counts as failed).
MODULE_OF = {
    "startup": "app_speed",
    "assess": "server_cpu",
    "index": "server_cpu",
    "practice": "server_cpu",
    "first": "server_cpu",
    "phone": "phone",
    "compact": "answer_size",
    "full": "answer_size",
    "checklist": "page_weight",
    "result": "page_weight",
    "about": "page_weight",
    "classroom": "classroom",
    "lecture": "lecture",
    "slow": "slow_clients",
    "neonatal": "answer_size",
    "hpo": "hpo_search",
}


def budget_ok(name: str, value: object) -> bool | None:
    """Whether a figure is within its budget (None when it has none)."""
    if name not in BUDGETS:
        return None
    compare, limit = BUDGETS[name]
    return isinstance(value, (int, float)) and compare(value, limit)


def main(selected: list[str]) -> int:  # noqa: C901 (the report loop: each branch prints one line)
    """Run the named modules (all by default) and print their figures and budget lines."""
    failed = 0
    modules = selected or MODULES
    seen: set[str] = set()
    missed: list[str] = []
    # Timings are this machine's at this moment: the load says how much else was running.
    print(f"# load average at start: {os.getloadavg()[0]:.2f}", flush=True)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as err:
            if err.name != name:
                raise
            print(f"# {name}: not present", flush=True)
            continue
        start = time.perf_counter()
        try:
            figures = module.run()
        except Exception as err:  # report and go on: one broken bench must not hide the others
            print(f"# {name} failed: {type(err).__name__}: {err}", flush=True)
            failed += 1
            continue
        for key, value in figures.items():
            print(f"{key}: {value}", flush=True)
            ok = budget_ok(key, value)
            if ok is not None:
                seen.add(key)
                print(f"{key}_budget_ok: {str(ok).lower()}", flush=True)
                if not ok:
                    missed.append(key)
        print(f"# {name} took {time.perf_counter() - start:.1f} s", flush=True)
    for key in BUDGETS:
        if key not in seen and MODULE_OF[key.split("_")[0]] in modules:
            print(f"# {key}: no figure\n{key}_budget_ok: false", flush=True)
            missed.append(key)
    if missed:
        print(f"# over budget: {', '.join(missed)}", flush=True)
    print(f"# load average at end: {os.getloadavg()[0]:.2f}", flush=True)
    print(f"budgets_failed: {len(missed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
