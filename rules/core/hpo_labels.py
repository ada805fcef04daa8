"""HPO labels in the languages of the HPO Internationalization Effort's official translations.

rules/data/hpo_labels.json is generated at build time by scripts/build_hpo_languages.py from the
translation files kept in data/hpo-translations/ (docs/languages.md gives the rules: official rows
only; of several rows for a term, the one translated from its current English label, else the first,
flagged stale). A label is given as the file has it, never altered. Where a language has no official
label for a term, its English label is given, marked so. Loaded once per process, on first use.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

from .hpo import load_hpo

# The languages a label can be asked in: English (the HPO's own labels) first, then those with
# official translations.
LANGUAGES = ("en", "es", "fr", "ja", "zh", "pt")
# official: the language's official label, translated from the current English label; stale: its
# official label, translated from an older English label (shown, and flagged); english: no official
# label in that language, so the English label.
LabelStatus = Literal["official", "stale", "english"]


@dataclass(frozen=True, slots=True)
class HpoLabels:
    """The official labels per language (English aside: it is the HPO's own, rules/core/hpo.py)."""

    release: str
    source: dict[str, str]  # name, url, commit and date of the translations used
    labels: dict[str, dict[str, str]]  # language -> term -> label
    stale: dict[str, dict[str, str]]  # language -> term -> the older English its label was translated from
    coverage: dict[str, dict[str, dict[str, int]]]  # language -> set of terms -> counts (the generator's)

    def label(self, term_id: str, lang: str) -> tuple[str, LabelStatus] | None:
        """The term's label in `lang` and what it is; None for an id not in this HPO release.
        ValueError for a language not in LANGUAGES."""
        if lang not in LANGUAGES:
            raise ValueError(f"no HPO labels in {lang!r}: one of {', '.join(LANGUAGES)}")
        hpo = load_hpo()
        term = hpo.primary(term_id)
        english = hpo.name(term)
        if english is None:
            return None
        if lang == "en":
            return english, "official"
        text = self.labels[lang].get(term)
        if text is None:
            return english, "english"
        return text, "stale" if term in self.stale[lang] else "official"


@functools.cache
def load_labels() -> HpoLabels:
    """Read rules/data/hpo_labels.json once per process. Each language's table takes its term ids
    from one shared set, so the id strings are held once and not once per language."""
    data = json.loads(resources.files("rules").joinpath("data", "hpo_labels.json").read_text(encoding="utf-8"))
    ids: dict[str, str] = {}

    def shared(table: dict[str, str]) -> dict[str, str]:
        return {ids.setdefault(term, term): text for term, text in table.items()}

    return HpoLabels(
        release=data["hpo_release"],
        source=data["source"],
        labels={lang: shared(table) for lang, table in data["labels"].items()},
        stale={lang: shared(table) for lang, table in data["stale"].items()},
        coverage=data["coverage"],
    )


def hpo_label(term_id: str, lang: str) -> tuple[str, LabelStatus] | None:
    """The term's label in `lang` and its status (official, stale or english); None for an unknown id."""
    return load_labels().label(term_id, lang)
