"""Load, before the first request, what the first assessment of a process would otherwise load.

The knowledge, the HPO data and names, the HPO search index (with the labels in other languages),
the differential model, the practice library and the tables made from them all load on first use
(each cached for the process by its loader). Without this, a worker's first visitor waits for all of
it (135-155 ms measured). With PRELOAD on (gunicorn's config
turns it on, webapp/infra/gunicorn_conf.py), create_app calls the public loaders, so whatever a loader
comes to build (precomputed tables of the model, say) is built here too, then makes one assessment of
a fixed example in each shape the app answers, which fills the tables made on first use, and
compiles the templates. Nothing of a request is involved: the example is constant.
"""

from __future__ import annotations

from flask import Flask

from rules import KNOWLEDGE_LANGUAGES
from rules import handouts
from rules import load_cases
from rules import load_differential
from rules import load_hpo
from rules import load_hpo_search
from rules import load_knowledge
from rules import load_vocabulary
from rules import lookalikes
from rules import offered_entries

from .checklist.api import assessment_of
from .checklist.api import knowledge_answer
from .checklist.differential import page_view
from .checklist.forms import checklist_form_class
from .checklist.page import result_page
from .infra.language import DEFAULT

# A fixed example (the neonatal one of the README), never anything a visitor entered: it takes the
# assessment through the clues, the next checks, the gene tables and the differential's evidence.
EXAMPLE = {
    "findings": {
        "hypocalcemia": "present",
        "hepatosplenomegaly": "present",
        "anemia": "present",
        "fractures": "absent",
    },
    "onset": "neonatal",
    "family_history": "unaffected_parents",
}
# The root of the HPO is in no subset: asking its name loads the table of every term's name (what
# an import shows for terms outside the checklist).
HPO_ROOT = "HP:0000001"
# How many times a new worker sends the example through the app before its first visitor. Python 3.11
# specialises a function's bytecode for the types it meets after the function has run a few times
# (8 "warm-up" calls: PEP 659); until then every call takes the slower generic path.
WARM_ROUNDS = 10
# What the warm-up sends: the checklist page, and the example's assessment, compact and full.
WARM_REQUESTS = (
    ("GET", "/", None),
    ("POST", "/api/v1/assess", EXAMPLE),
    ("POST", "/api/v1/assess?detail=full", EXAMPLE),
)


def load_everything() -> None:
    """Call every lazy loader of the knowledge and data (each caches what it loads for the process)."""
    knowledge = load_knowledge()
    load_hpo().name(HPO_ROOT)
    load_hpo_search()  # and the labels in other languages it shows
    load_differential(knowledge)
    handouts(knowledge)
    load_cases()
    load_vocabulary()
    offered_entries()
    lookalikes()
    checklist_form_class(knowledge)
    # The knowledge document in English, the default; another language's (about 10 MiB more per worker)
    # is built on its first request, so a worker that never serves it never pays for it.
    knowledge_answer(knowledge, DEFAULT)
    for lang in KNOWLEDGE_LANGUAGES[1:]:  # the knowledge in each other language: its plan, its tables
        translated = load_knowledge(lang)
        load_differential(translated)
        handouts(translated)
        checklist_form_class(translated)


def assess_example() -> None:
    """Make the example's assessment in each shape served (compact, full with every entry's evidence,
    the result page's view), so the tables built on a first assessment are built now."""
    knowledge = load_knowledge()
    assessment_of(EXAMPLE, "compact")
    full = assessment_of(EXAMPLE, "full", "all")
    result_page(full, knowledge)
    page_view(full, knowledge)


def warm_worker(app: Flask) -> None:
    """In a freshly forked worker, before it takes a request: send the fixed example through the whole
    app once (the checklist page and the assessment, as a visitor's browser and an API client would).

    A forked worker shares the master's memory until it writes to it; the first request of a worker
    writes to thousands of the loaded objects (Python's reference counts), and each page written is
    copied then (about 650 pages, 5-7 ms measured on the first assess of a worker). Done here, that
    copying is the worker's start-up and no visitor's wait. The example is constant and nothing is
    logged: gunicorn writes the access log, and these requests never reach it.
    """
    client = app.test_client()
    for _ in range(WARM_ROUNDS):
        for method, path, body in WARM_REQUESTS:
            client.open(path, method=method, json=body)


def preload(app: Flask) -> None:
    """Load everything, assess the example and compile every template (no database is touched)."""
    with app.app_context():
        load_everything()
        assess_example()
        for name in app.jinja_env.list_templates(extensions=["html"]):
            app.jinja_env.get_template(name)
