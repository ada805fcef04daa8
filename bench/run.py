"""`make bench`: run every benchmark module and print one `name: value` line per figure."""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

MODULES = ["app_speed", "page_weight", "lean_accuracy", "classroom"]


def main(selected: list[str]) -> int:
    """Run the named modules (all by default) and print their figures."""
    failed = 0
    for name in selected or MODULES:
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
        print(f"# {name} took {time.perf_counter() - start:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
