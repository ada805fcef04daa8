"""Where users feel the server's speed: the pages a visitor opens first.

- `*_page_server_ms`: the median server time of GET / (the unfilled checklist), a practice case and
  the prefilled checklist link, in process through the Flask test client (no network, no server), 400
  requests each after 20 to warm up; `health_server_ms` is the trivial endpoint beside them, a gauge
  of the machine's speed.

Run: `.venv/bin/python bench/felt_speed.py` (prints `name: value` lines); `run()` prints nothing. To
measure another checkout the same way: `cd OTHER && PYTHONPATH=. /path/to/.venv/bin/python
/path/to/bench/felt_speed.py`.
"""

from __future__ import annotations

import statistics
import time

REQUESTS = 400  # per page: enough for a steady median on a busy machine
WARM_UP = 20


def page_server_ms() -> dict[str, float]:
    """Median milliseconds of a GET of each page, in process."""
    from rules import load_cases
    from webapp import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    pages = {
        "checklist_page_server_ms": "/",
        "practice_case_page_server_ms": f"/practice/{next(iter(load_cases()))}",
        "prefilled_checklist_page_server_ms": "/?present=anemia",
        "health_server_ms": "/api/v1/health",
    }
    figures = {}
    for name, path in pages.items():
        for _ in range(WARM_UP):
            client.get(path)
        times = []
        for _ in range(REQUESTS):
            start = time.perf_counter()
            client.get(path)
            times.append(time.perf_counter() - start)
        figures[name] = round(statistics.median(times) * 1000, 3)
    return figures


def run() -> dict[str, float]:
    """Every figure of this module."""
    return {**page_server_ms()}


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
