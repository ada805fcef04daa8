"""The HPO search: its latency in process, and what its index costs to load and hold.

- `hpo_search_p95_ms` (budget < 20) and `hpo_search_median_ms`: GET /api/v1/hpo/search through the
  Flask test client (in process: the view, the search and the JSON, no network), over a realistic mix
  typed as a clinician types into a search box: for 120 terms (the 60 first terms that count as a
  checklist finding and 60 drawn with a fixed seed from the whole phenotypic abnormality subtree), in
  each of the six languages, the term's label in that language cut after 3, 5 and 8 characters and
  whole (Chinese and Japanese: after 1, 2 and 4 characters and whole), and its English layperson
  synonyms whole; about 3,500 queries, each asked once after one warm-up pass.
- `hpo_search_one_letter_p95_ms`: the worst case, each single letter a-z in English, Spanish, French and Portuguese (the
  most texts to rank); printed without a budget.
- `hpo_index_load_ms`, `hpo_index_traced_mb`, `hpo_index_rss_mb`: in a fresh interpreter (median of
  3), after the HPO subset and names are loaded, the time to load the labels in other languages and
  build the search index, the memory Python allocated for them (tracemalloc, measured in a separate
  run: tracing slows the load) and the growth of the resident size.
- `hpo_labels_bytes`, `hpo_search_bytes`: the committed data files on disk.

Run: `.venv/bin/python bench/hpo_search.py`.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT  # noqa: E402

DATA = ROOT / "rules" / "data"
TERMS_PER_KIND = 60
SEED = 20261207
LATIN_CUTS, CJK_CUTS = (3, 5, 8), (1, 2, 4)
RUNS = 3
# One fresh process: what loading the labels and building the index costs (time, or traced memory).
LOAD = """
import json, sys, time, tracemalloc
from rules import load_hpo
load_hpo().name("HP:0000001")
def rss():
    with open("/proc/self/status") as fh:
        return next(int(l.split()[1]) for l in fh if l.startswith("VmRSS:")) / 1024
before = rss()
if sys.argv[1] == "trace":
    tracemalloc.start()
t = time.perf_counter()
from rules import load_hpo_search
load_hpo_search()
took = time.perf_counter() - t
traced = tracemalloc.get_traced_memory()[0] / 1e6 if sys.argv[1] == "trace" else 0.0
print(json.dumps({"ms": took * 1000, "rss_mb": rss() - before, "traced_mb": traced}))
"""


def query_mix() -> list[tuple[str, str]]:
    """(query, language) pairs, as typed into a search box."""
    from rules import HPO_LANGUAGES
    from rules import hpo_label
    from rules import load_hpo

    subset = json.loads((DATA / "hpo_subset.json").read_text(encoding="utf-8"))
    search = json.loads((DATA / "hpo_search.json").read_text(encoding="utf-8"))
    findings = sorted(t for t, v in subset["terms"].items() if v["findings"])[:TERMS_PER_KIND]
    drawn = random.Random(SEED).sample(search["terms"], TERMS_PER_KIND)
    hpo = load_hpo()
    queries: list[tuple[str, str]] = []
    for term in findings + drawn:
        for lang in HPO_LANGUAGES:
            found = hpo_label(hpo.primary(term), lang)
            assert found is not None
            text = found[0]
            cuts = CJK_CUTS if lang in ("ja", "zh") and found[1] != "english" else LATIN_CUTS
            queries += [(text[:n], lang) for n in cuts if n < len(text)] + [(text, lang)]
        queries += [(synonym, "en") for synonym in search["layperson"].get(term, ())]
    return queries


def timings(client: Any, queries: list[tuple[str, str]]) -> list[float]:
    """Milliseconds per query, each asked once."""
    spent = []
    for query, lang in queries:
        start = time.perf_counter()
        resp = client.get("/api/v1/hpo/search", query_string={"q": query[:100], "lang": lang})
        spent.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, resp.get_json()
    return spent


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def load_figures() -> dict[str, float]:
    """Load time and memory of the index, each the median of RUNS fresh interpreters."""
    runs = {
        mode: [
            json.loads(
                subprocess.run(
                    [sys.executable, "-c", LOAD, mode], cwd=ROOT, check=True, capture_output=True, text=True
                ).stdout
            )
            for _ in range(RUNS)
        ]
        for mode in ("time", "trace")
    }
    return {
        "hpo_index_load_ms": round(statistics.median(r["ms"] for r in runs["time"]), 1),
        "hpo_index_rss_mb": round(statistics.median(r["rss_mb"] for r in runs["time"]), 1),
        "hpo_index_traced_mb": round(statistics.median(r["traced_mb"] for r in runs["trace"]), 1),
    }


def run() -> dict[str, Any]:
    from webapp import create_app

    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    client = app.test_client()
    queries = query_mix()
    timings(client, queries)  # warm-up: the index is built, the code paths specialised
    spent = timings(client, queries)
    letters = timings(client, [(chr(c), lang) for lang in ("en", "es", "fr", "pt") for c in range(97, 123)])
    return {
        "hpo_search_queries": len(queries),
        "hpo_search_median_ms": round(statistics.median(spent), 2),
        "hpo_search_p95_ms": round(p95(spent), 2),
        "hpo_search_one_letter_p95_ms": round(p95(letters), 2),
        **load_figures(),
        "hpo_labels_bytes": (DATA / "hpo_labels.json").stat().st_size,
        "hpo_search_bytes": (DATA / "hpo_search.json").stat().st_size,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
