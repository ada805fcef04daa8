"""gunicorn settings for the server-side instruction count of bench/app_speed.py.

The worker counts the Python bytecode instructions it executes, per top-level package (gunicorn,
flask, werkzeug, webapp, rules, ...), from its fork to its exit, and writes the counts to the file
named by BENCH_TRACE_OUT. Only for measuring: tracing makes every instruction many times slower.
"""

from __future__ import annotations

import collections
import json
import os
import sys
from typing import Any

_counts: collections.Counter[str] = collections.Counter()


def counting_tracer(counts: collections.Counter[str]) -> Any:
    """A sys.settrace function that counts every bytecode instruction, per top-level package."""

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        package = frame.f_globals.get("__name__", "?").split(".")[0]

        def local(frame: Any, event: str, arg: Any) -> Any:
            if event == "opcode":
                counts[package] += 1
            return local

        return local

    return tracer


def post_fork(server: Any, worker: Any) -> None:
    """Start counting in the new worker."""
    sys.settrace(counting_tracer(_counts))


def worker_exit(server: Any, worker: Any) -> None:
    """Stop counting and write the counts out."""
    sys.settrace(None)
    with open(os.environ["BENCH_TRACE_OUT"], "w", encoding="utf-8") as out:
        json.dump(_counts, out)
