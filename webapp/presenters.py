"""Assessment -> plain dicts with display text and citations; shared by the HTML pages and the API.

Templates and JSON answers read only these dicts, so the two cannot drift, and no template
decides clinical meaning or builds a citation string.

The rows that depend on the knowledge alone (a clue with its source, a red flag, a gene row for a
lean, a mechanism's source) are built once per process and shared by every answer: treat every
dict these functions return as read-only. Nothing a clinician enters is kept: the rows are keyed by
the knowledge base's own objects, never by answers.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlencode

from rules import Assessment
from rules import KnowledgeBase
from rules.engine import gene_tables
from rules.engine import possible_mechanism_hits
from rules.engine import possible_next_checks
from rules.inputs import Parsed
from rules.model import Citation
from rules.model import Clue
from rules.model import ClueHit
from rules.model import Gene
from rules.model import GeneMatch
from rules.model import MechanismHit
from rules.model import NextCheck
from rules.model import RedFlag

from .jsonprovider import JsonRow
from .jsonprovider import JsonRows

DISCLAIMER = ("Educational use only, not a diagnosis. This checklist does not replace clinical "
              "judgement or specialist care.")

LEAN_WORDS = {
    "recessive": "autosomal recessive osteopetrosis (MIOP)",
    "dominant": "autosomal dominant osteopetrosis",
}
STRENGTH_WORDS = {"weak": "weakly", "moderate": "moderately", "strong": "strongly"}
LEVEL_ORDER = {"urgent": 0, "high": 1, "context": 2}
# What urlencode(..., safe=",") leaves as it is, with the = and & that join its pairs.
_PLAIN = re.compile(r"[A-Za-z0-9_.~,=&-]*")


def source_dict(cite: Citation, kb: KnowledgeBase) -> dict[str, str]:
    """A citation with its bibliography entry and a ready-to-print text."""
    src = kb.sources[cite.source]
    if src.kind == "seed" and cite.passage:
        text = f"Source document: \u201c{cite.passage}\u201d"
    elif src.kind == "seed":  # an authored case cites the source document by section, not by passage
        text = f"Source document ({cite.locator})"
    else:
        text = src.title + (f" ({cite.locator})" if cite.locator else "")
    return {"id": src.id, "kind": src.kind, "title": src.title, "url": src.url,
            "passage": cite.passage, "locator": cite.locator, "text": text}


def lean_summary(lean: str, strength: str | None) -> str:
    """The lean in plain words."""
    if lean == "indeterminate" or strength is None:
        return "Indeterminate: the findings entered do not lean either way."
    return f"The picture leans {STRENGTH_WORDS[strength]} toward {LEAN_WORDS[lean]}."


def _clue(clue: Clue, signed: float, kb: KnowledgeBase) -> JsonRow:
    return JsonRow({
        "id": clue.id,
        "finding": clue.finding,
        "points_to": clue.points_to,
        "effect": clue.effect,
        "weight": clue.weight,
        "signed_weight": signed,
        "why": clue.why,
        "beyond_seed": clue.beyond_seed,
        "source": source_dict(clue.cite, kb),
    })


def share_query(present: list[str], absent: list[str], onset: str, family_history: str) -> str:
    """The query string of the shareable link: slugs and options only, never free text."""
    params: list[tuple[str, str]] = [(state, ",".join(sorted(slugs)))
                                     for state, slugs in (("present", present), ("absent", absent)) if slugs]
    if onset != "unknown":
        params.append(("onset", onset))
    if family_history != "unknown":
        params.append(("family_history", family_history))
    text = "&".join([f"{k}={v}" for k, v in params])
    if _PLAIN.fullmatch(text):  # slugs need no escaping: the same text urlencode would give
        return text
    return urlencode(params, safe=",")


class _Rows:
    """Rows built from one knowledge base's own objects, once per process.

    Keyed by the identity of objects the knowledge base holds (alive as long as it is), so a key
    cannot be reused by another object and the rows cannot outgrow the knowledge. An object the
    knowledge base does not hold gets a row built for it, not kept.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        signs = (1.0, -1.0)
        self.clues = {(id(c), s * c.weight): _clue(c, s * c.weight, kb) for c in kb.clues for s in signs}
        self.red_flags = {id(r): _red_flag(r, kb) for r in kb.red_flags}
        self.genes = {(id(g), c): _gene(g, c, kb) for g in kb.genes for c in (True, False)}
        self.terms = {s: JsonRow({"id": f.hpo, "label": f.label, "finding": s}) for s, f in kb.findings.items()}
        self.unknown = {s: "unknown" for s in kb.findings}
        self.position = {s: i for i, s in enumerate(kb.findings)}
        # evaluate() hands out one gene table per lean, the same tuple every time: keyed by its identity.
        self.gene_tables = {id(t): JsonRows([self.gene(m) for m in t]) for t in gene_tables(kb).values()}
        # The engine hands out next checks from a fixed set, worked out once: keyed by identity too.
        self.next_checks = {id(c): _next_check(c) for c in possible_next_checks(kb)}
        self.mechanisms = {id(m): self._mechanism(m) for m in possible_mechanism_hits(kb)}

    def clue(self, hit: ClueHit) -> JsonRow:
        """A clue that fired, with its weight and source."""
        row = self.clues.get((id(hit.clue), hit.signed_weight))
        return row if row is not None else _clue(hit.clue, hit.signed_weight, self.kb)

    def red_flag(self, flag: RedFlag) -> JsonRow:
        """A red flag with its source."""
        row = self.red_flags.get(id(flag))
        return row if row is not None else _red_flag(flag, self.kb)

    def gene(self, match: GeneMatch) -> JsonRow:
        """A gene row, consistent with the lean or not."""
        row = self.genes.get((id(match.gene), match.consistent))
        return row if row is not None else _gene(match.gene, match.consistent, self.kb)

    def gene_list(self, matches: tuple[GeneMatch, ...]) -> JsonRows | list[JsonRow]:
        """The gene table, encoded once per lean when it is one of the engine's."""
        table = self.gene_tables.get(id(matches))
        return table if table is not None else [self.gene(m) for m in matches]

    def next_check(self, check: NextCheck) -> JsonRow:
        """A next check with the lean each answer would give."""
        row = self.next_checks.get(id(check))
        return row if row is not None else _next_check(check)

    def mechanism(self, hit: MechanismHit) -> JsonRow:
        """A mechanism with the present findings that belong to it, and its source."""
        row = self.mechanisms.get(id(hit))
        return row if row is not None else self._mechanism(hit)

    def _mechanism(self, hit: MechanismHit) -> JsonRow:
        m = hit.mechanism
        return JsonRow({"id": m.slug, "title": m.title, "findings": [f.slug for f in hit.findings],
                        "finding_labels": [f.label for f in hit.findings], "explanation": m.explanation,
                        "source": source_dict(m.cite, self.kb)})


@functools.cache
def _rows(kb: KnowledgeBase) -> _Rows:
    return _Rows(kb)


def present_assessment(assessment: Assessment, kb: KnowledgeBase, parsed: Parsed | None = None,
                       ) -> dict[str, Any]:
    """Everything a result page or an API answer shows, as plain data."""
    rows = _rows(kb)
    inh = assessment.inheritance
    hits: list[JsonRow] = []
    # For a lean: the clues that pushed toward it, and those that pushed away. Indeterminate: the
    # clues toward recessive, then toward dominant.
    toward: list[JsonRow] = []
    away: list[JsonRow] = []
    dominant = inh.lean == "dominant"
    for hit in inh.hits:
        row = rows.clue(hit)
        hits.append(row)
        (toward if (hit.signed_weight < 0) is dominant else away).append(row)
    answers = assessment.answers
    findings = kb.findings
    given = answers.findings
    states: dict[str, str] = {**rows.unknown, **given}  # every finding, in checklist order
    ordered = sorted(given, key=rows.position.__getitem__)  # checklist order, whatever order they came in
    present = [s for s in ordered if given[s] == "present"]
    absent = [s for s in ordered if given[s] == "absent"]
    # Rows ready for what the engine hands out; a method builds any other.
    next_checks, mechanisms, red_flags = rows.next_checks, rows.mechanisms, rows.red_flags
    flags = [red_flags.get(id(r)) or rows.red_flag(r) for r in assessment.red_flags]
    if len(flags) > 1:
        flags.sort(key=lambda r: LEVEL_ORDER.get(r["level"], 9))
    return {
        "knowledge_version": kb.version,
        "inheritance": {
            "lean": inh.lean,
            "strength": inh.strength,
            "score": inh.score,
            "summary": lean_summary(inh.lean, inh.strength),
            "message": inh.message,
            "thresholds": {"weak": kb.thresholds.weak, "moderate": kb.thresholds.moderate,
                           "strong": kb.thresholds.strong},
            "clues": hits,
            "clues_for": toward,
            "clues_against": away,
        },
        "mechanisms": [mechanisms.get(id(m)) or rows.mechanism(m) for m in assessment.mechanisms],
        "red_flags": flags,
        "genes": rows.gene_list(assessment.genes),
        "next_checks": [next_checks.get(id(c)) or rows.next_check(c) for c in assessment.next_checks],
        "hpo_terms": {"present": [rows.terms[s] for s in present], "excluded": [rows.terms[s] for s in absent]},
        "answers": {
            "findings": states,
            "present_labels": [findings[s].label for s in present],
            "absent_labels": [findings[s].label for s in absent],
            "onset": answers.onset,
            "onset_label": kb.onsets[answers.onset].label,
            "family_history": answers.family_history,
            "family_history_label": kb.family_histories[answers.family_history].label,
        },
        "recognized": [{"input": r.input, "finding": r.finding, "state": r.state}
                       for r in (parsed.recognized if parsed else ())],
        "unmapped": [{"input": u.input, "name": u.name, "related": list(u.related)}
                     for u in (parsed.unmapped if parsed else ())],
        "share_query": share_query(present, absent, answers.onset, answers.family_history),
        "disclaimer": DISCLAIMER,
    }


def _next_check(c: NextCheck) -> JsonRow:
    return JsonRow({"kind": c.kind, "id": c.key, "label": c.label, "check": c.check, "impact": c.impact,
                    "outcomes": [{"value": v, "lean": lean} for v, lean in c.outcomes]})


def _red_flag(r: RedFlag, kb: KnowledgeBase) -> JsonRow:
    return JsonRow({"id": r.id, "level": r.level, "title": r.title, "why": r.why, "beyond_seed": r.beyond_seed,
                    "source": source_dict(r.cite, kb)})


def _gene(g: Gene, consistent: bool, kb: KnowledgeBase) -> JsonRow:
    return JsonRow({"symbol": g.symbol, "inheritance": g.inheritance, "type": g.seed_type, "omim": g.omim,
                    "omim_url": f"https://omim.org/entry/{g.omim}", "code": g.code, "in_seed": g.in_seed,
                    "consistent": consistent, "note": g.note, "source": source_dict(g.cite, kb)})


def present_vocabulary(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The finding vocabulary for /api/v1/findings and the about page."""
    return [
        {"slug": f.slug, "label": f.label, "hpo": f.hpo, "groups": list(f.groups),
         "anchors": list(f.anchors), "source": source_dict(f.cite, kb)}
        for f in kb.findings.values()
    ]
