"""Load, before the first request, what the first assessment of a process would otherwise load.

The knowledge, the HPO data and names, the differential model, the practice library and the tables
made from them all load on first use (each cached for the process by its loader). Without this, a
worker's first visitor waits for all of it (135-155 ms measured). With PRELOAD on (gunicorn's config
turns it on, webapp/infra/gunicorn_conf.py), create_app calls the public loaders, so whatever a loader
comes to build (precomputed tables of the model, say) is built here too, then makes one assessment of
a fixed example in each shape the app answers, which fills the tables made on first use, and
compiles the templates. Nothing of a request is involved: the example is constant.
"""

from __future__ import annotations

from flask import Flask

from rules import handouts
from rules import load_cases
from rules import load_differential
from rules import load_hpo
from rules import load_knowledge
from rules import load_vocabulary
from rules import lookalikes
from rules import offered_entries

from .checklist.api import assessment_of
from .checklist.api import knowledge_answer
from .checklist.differential import page_view
from .checklist.forms import checklist_form_class
from .checklist.page import result_page

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


def load_everything() -> None:
    """Call every lazy loader of the knowledge and data (each caches what it loads for the process)."""
    knowledge = load_knowledge()
    load_hpo().name(HPO_ROOT)
    load_differential(knowledge)
    handouts(knowledge)
    load_cases()
    load_vocabulary()
    offered_entries()
    lookalikes()
    checklist_form_class(knowledge)
    knowledge_answer(knowledge)


def assess_example() -> None:
    """Make the example's assessment in each shape served (compact, full with every entry's evidence,
    the result page's view), so the tables built on a first assessment are built now."""
    knowledge = load_knowledge()
    assessment_of(EXAMPLE, "compact")
    full = assessment_of(EXAMPLE, "full", "all")
    result_page(full, knowledge)
    page_view(full, knowledge)


def preload(app: Flask) -> None:
    """Load everything, assess the example and compile every template (no database is touched)."""
    with app.app_context():
        load_everything()
        assess_example()
        for name in app.jinja_env.list_templates(extensions=["html"]):
            app.jinja_env.get_template(name)
