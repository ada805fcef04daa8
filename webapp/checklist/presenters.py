"""Assessment -> plain dicts with display text and citations; shared by the HTML pages and the API.

Templates and JSON answers read only these dicts, so the two cannot drift, and no template
decides clinical meaning or builds a citation string.

The rows that depend on the knowledge alone (a clue with its source, a red flag, a gene table for a
lean, a mechanism with its findings, a next check) are built and encoded once per process and shared
by every answer; they are read-only. Nothing a clinician enters is kept: the rows are keyed by the
objects the engine's plan holds, worked out from the knowledge alone, never by answers.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

from flask_babel import gettext
from flask_babel import ngettext

from rules import DISAGREEMENT_SOURCE
from rules import Answers
from rules import Assessment
from rules import Citation
from rules import ClueHit
from rules import GeneMatch
from rules import KnowledgeBase
from rules import MechanismHit
from rules import NextCheck
from rules import Parsed
from rules import RedFlagHit
from rules import WorkupItem
from rules import handouts
from rules import load_differential
from rules import lookalikes

from ..infra.jsonprovider import JsonRow
from ..infra.jsonprovider import JsonRows
from ..infra.language import ui_language
from ..wording import N_
from ..wording import disclaimer
from .differential import DEPARTURES
from .differential import LIRICAL
from .differential import LIRICAL_URL
from .differential import present_differential
from .differential import prior_of
from .differential import rank_genes
from .link import share_query

T = TypeVar("T")

LEAN_WORDS = {
    "recessive": N_("autosomal recessive osteopetrosis"),
    "dominant": N_("autosomal dominant osteopetrosis"),
    "x_linked": N_("X-linked osteopetrosis"),
}
# The source document's other name for the recessive form, added only with the premise (dense bone
# on imaging) entered: without it, "malignant infantile osteopetrosis" would name what was not entered.
MIOP = " (MIOP)"
STRENGTH_WORDS = {"weak": N_("weakly"), "moderate": N_("moderately"), "strong": N_("strongly")}


def source_dict(cite: Citation, kb: KnowledgeBase) -> dict[str, str]:
    """A citation with its bibliography entry and a ready-to-print text."""
    src = kb.sources[cite.source]
    if src.kind == "seed" and cite.passage:
        text = gettext("Source document: \u201c%(passage)s\u201d", passage=cite.passage)
    elif src.kind == "seed":  # an authored case cites the source document by section, not by passage
        text = gettext("Source document (%(locator)s)", locator=cite.locator)
    else:
        text = src.title + (f" ({cite.locator})" if cite.locator else "")
    return {
        "id": src.id,
        "kind": src.kind,
        "title": src.title,
        "url": src.url,
        "passage": cite.passage,
        "locator": cite.locator,
        "text": text,
    }


def cite_ref(cite: Citation) -> dict[str, str]:
    """A citation in an assessment: the source's id (its entry is in the answer's `sources` map
    once) and the passage or locator, whichever it has."""
    ref = {"id": cite.source}
    if cite.passage:
        ref["passage"] = cite.passage
    if cite.locator:
        ref["locator"] = cite.locator
    return ref


def cite_text(ref: Any, kb: KnowledgeBase) -> tuple[str, str]:
    """The ready-to-print text and link of a citation, from a full source dict or a cite_ref."""
    if "text" in ref:
        return ref["text"], ref.get("url", "")
    shown = source_dict(Citation(ref["id"], ref.get("passage", ""), ref.get("locator", "")), kb)
    return shown["text"], shown["url"]


def sources_map(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Every source once, by id: what a cite_ref points at."""
    return {s.id: {"kind": s.kind, "title": s.title, "url": s.url} for s in kb.sources.values()}


def lean_summary(lean: str, strength: str | None, top: str = "", premise: str = "") -> str:
    """The lean in plain words, with the clue that weighs most when one is named."""
    if premise == "contradicted":
        return gettext("No lean: what was entered argues against osteopetrosis, which every lean here assumes.")
    if lean == "indeterminate" or strength is None:
        return gettext("Indeterminate: the findings entered do not lean either way.")
    if lean == "x_linked":
        weighs = gettext("; it rests on %(top)s alone", top=top) if top else ""
    else:
        weighs = gettext("; the clue that weighs most is %(top)s", top=top) if top else ""
    words = gettext(LEAN_WORDS[lean]) + (MIOP if lean == "recessive" and premise == "confirmed" else "")
    return gettext(
        "The picture leans %(strength)s toward %(words)s%(weighs)s.",
        strength=gettext(STRENGTH_WORDS[strength]),
        words=words,
        weighs=weighs,
    )


def _and(names: Sequence[str]) -> str:
    """Names in a sentence: "A", "A and b", "A, b and c" (later ones in lower case unless an acronym)."""
    later = [n if n[:2].isupper() else n[:1].lower() + n[1:] for n in names[1:]]
    return names[0] if not later else f"{', '.join([names[0], *later[:-1]])} and {later[-1]}"


def contradicted_message(assessment: Assessment, kb: KnowledgeBase, parsed: Parsed | None) -> str:
    """The premise's contradicted message, naming what was entered against it: each term that
    contradicts it (its HPO name, as entered: "Osteoporosis was entered"), or the premise finding
    entered absent."""
    premise = kb.premise
    assert premise is not None
    labels = {o.id: o.label for o in parsed.other_terms if o.state == "present"} if parsed else {}
    names = [
        labels.get(r.input) or premise.absent_label
        for r in (parsed.recognized if parsed else ())
        if r.finding == premise.finding and r.state == "absent"
    ] or [premise.absent_label]
    names = list(dict.fromkeys(names))
    return premise.messages["contradicted"].format(
        entered=ngettext("%(names)s was entered", "%(names)s were entered", len(names), names=_and(names))
    )


NO_NEXT_CHECK = N_("No item left unassessed could change the lean or its strength.")

# An empty checklist (nothing entered at all) gets no result: the API answers 200 with `entered` false
# and this message, and no red flag, card or work-up; the page shows the form again with it (docs/api.md,
# docs/decisions/0020-an-x-linked-lean.md).
NOTHING_ENTERED = N_(
    "Nothing was entered. Mark at least one finding as present or absent, or give the age at onset "
    "or the family history, to get a result."
)
NO_RESULT = N_("No result: nothing was entered.")


def nothing_entered(answers: Answers, parsed: Parsed | None = None) -> bool:
    """Whether nothing at all was entered: no finding marked present or absent, no HPO term or text
    that was read, onset and family history not known."""
    if answers.onset != "unknown" or answers.family_history != "unknown":
        return False
    if any(state != "unknown" for state in answers.findings.values()):
        return False
    return parsed is None or (
        not parsed.other_terms and not parsed.unmapped and all(r.state == "unknown" for r in parsed.recognized)
    )


class _Rows:
    """Rows for one knowledge base, built once per process.

    The engine hands out the same clue hits, mechanism hits, red flags, next checks and gene tables
    every time (rules.checklist.plan.handouts); they live as long as the knowledge base, so their rows are
    keyed by identity: a key cannot be reused by another object and the rows cannot outgrow the
    knowledge. An object from elsewhere (an assessment made by hand) gets its row built, not kept.
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        handed = handouts(kb)
        self.terms = {s: JsonRow({"id": f.hpo, "label": f.label, "finding": s}) for s, f in kb.findings.items()}
        self.labels = {s: f.label for s, f in kb.findings.items()}
        self.unknown = {s: "unknown" for s in kb.findings}
        self.position = {s: i for i, s in enumerate(kb.findings)}
        self.workup = {id(w): self.workup_item(w) for w in kb.workup}
        # The work-up shown, per set of items (the engine hands out one tuple per set: keyed by the
        # items' ids, a few hundred at most, all from the knowledge).
        self.workups: dict[tuple[str, ...], JsonRows] = {}
        # Every source a row of this knowledge can cite, once (a handful: encoded once, copied into
        # every answer, so an answer spends no work on picking the ones its rows cite).
        cited = (
            {c.cite.source for c in kb.clues}
            | {m.cite.source for m in kb.mechanisms.values()}
            | {r.cite.source for r in kb.red_flags}
            | {w.cite.source for w in kb.workup}
            | {r.action_cite.source for r in kb.red_flags if r.action_cite}
            | {g.cite.source for g in kb.genes}
            | {s.cite.source for g in kb.genes for s in g.statements}
            | {DISAGREEMENT_SOURCE[0]}  # the differential's teaching point
            | {e.prior_cite[0] for e in load_differential(kb).entries if e.prior_cite}  # the cited priors
            | {x.cite[0] for x in lookalikes()}  # the look-alikes the ranking names
        )
        self.cited = JsonRow({sid: self.source(entry) for sid, entry in sources_map(kb).items() if sid in cited})
        premise = kb.premise
        # The contradicted message names what was entered: made per answer (contradicted_message).
        self.premise_rows = (
            {
                state: JsonRow({"state": state, "message": premise.messages[state]})
                for state in ("confirmed", "unconfirmed")
            }
            if premise
            else {}
        )
        self.made: dict[int, JsonRow | JsonRows] = {
            **{id(h): self.clue(h) for h in handed.clue_hits},
            **{id(m): self.mechanism(m) for m in handed.mechanism_hits},
            **{id(r): self.red_flag(r) for r in handed.red_flags},
            **{id(c): self.next_check(c) for c in handed.next_checks},
            **{id(t): JsonRows([self.gene(m) for m in t]) for t in handed.gene_tables},
        }

    def source(self, entry: dict[str, str]) -> dict[str, str]:
        """A source of the answer's `sources` map."""
        return entry

    def ready(self, objects: Sequence[T], build: Callable[[T], JsonRow]) -> list[JsonRow]:
        """The rows of the objects, made once for what the engine hands out, built for any other."""
        made = self.made
        try:
            return list(map(made.__getitem__, map(id, objects)))  # type: ignore[arg-type]  # handed out: has a row
        except KeyError:
            return [made[id(o)] if id(o) in made else build(o) for o in objects]  # type: ignore[misc]

    def workup_list(self, items: tuple[WorkupItem, ...]) -> JsonRows:
        """The work-up rows shown, encoded once per set of items."""
        key = tuple([w.id for w in items])
        rows = self.workups.get(key)
        if rows is None:
            rows = self.workups[key] = JsonRows([self.workup.get(id(w)) or self.workup_item(w) for w in items])
        return rows

    def gene_list(self, matches: tuple[GeneMatch, ...]) -> JsonRows | list[JsonRow]:
        """The gene table, encoded once per lean when it is one of the engine's."""
        table = self.made.get(id(matches))
        return table if isinstance(table, JsonRows) else [self.gene(m) for m in matches]

    def clue(self, hit: ClueHit) -> JsonRow:
        """A clue that fired, with its weight and source."""
        c = hit.clue
        return JsonRow(
            {
                "id": c.id,
                "finding": c.finding,
                "points_to": c.points_to,
                "effect": c.effect,
                "weight": c.weight,
                "signed_weight": hit.signed_weight,
                "why": c.why,
                "beyond_seed": c.beyond_seed,
                "source": cite_ref(c.cite),
                "findings": [f.slug for f in hit.findings],  # the entered findings behind it
                "finding_labels": [
                    f.label if state == "present" else gettext("%(label)s (entered absent)", label=f.label)
                    for f, state in zip(hit.findings, hit.states, strict=True)
                ],
            }
        )

    def mechanism(self, hit: MechanismHit) -> JsonRow:
        """A mechanism with the present findings that belong to it, and its source."""
        m = hit.mechanism
        return JsonRow(
            {
                "id": m.slug,
                "title": m.title,
                "findings": [f.slug for f in hit.findings],
                "finding_labels": [f.label for f in hit.findings],
                "explanation": m.explanation,
                "source": cite_ref(m.cite),
            }
        )

    def red_flag(self, hit: RedFlagHit) -> JsonRow:
        """A red flag with the entered findings that raised it, what to do, and the sources."""
        r = hit.flag
        return JsonRow(
            {
                "id": r.id,
                "level": r.level,
                "title": r.title,
                "why": r.why,
                "beyond_seed": r.beyond_seed,
                "source": cite_ref(r.cite),
                "findings": [f.slug for f in hit.findings],
                "action": r.action,
                "action_source": cite_ref(r.action_cite) if r.action_cite else None,
            }
        )

    def next_check(self, c: NextCheck) -> JsonRow:
        """An unassessed item with the lean and strength each answer to it would give."""
        return JsonRow(
            {
                "kind": c.kind,
                "id": c.key,
                "label": c.label,
                "check": c.check,
                "impact": c.impact,
                "outcomes": [{"value": v, "lean": lean, "strength": strength} for v, lean, strength in c.outcomes],
            }
        )

    def workup_item(self, w: WorkupItem) -> JsonRow:
        """A standard evaluation with the findings it assesses and its source."""
        return JsonRow(
            {"id": w.id, "label": w.label, "why": w.why, "findings": list(w.findings), "source": cite_ref(w.cite)}
        )

    def gene(self, match: GeneMatch) -> JsonRow:
        """A gene row, consistent with the lean or not."""
        g = match.gene
        return JsonRow(
            {
                "symbol": g.symbol,
                "inheritance": g.inheritance,
                "type": g.seed_type,
                "omim": g.omim,
                "omim_url": f"https://omim.org/entry/{g.omim}",
                "code": g.code,
                "in_seed": g.in_seed,
                "consistent": match.consistent,
                "note": g.note,
                "source": cite_ref(g.cite),
                "beyond_seed": g.beyond_seed,  # the statements beyond the source document
                "statements": [
                    {"text": s.text, "source": cite_ref(s.cite), "beyond_seed": s.beyond_seed} for s in g.statements
                ],
            }
        )


class _CompactRows(_Rows):
    """Rows of the compact answer (the default of POST /api/v1/assess): what this input gave, each item
    by its id with its source's id. What an item says (its title, why, action, the exact passage or
    locator of its source) is the same in every answer, so it is in GET /api/v1/knowledge once, and in
    the full answer (`?detail=full`)."""

    def source(self, entry: dict[str, str]) -> dict[str, str]:
        # What a reader needs beside each row: whether it is the source document or beyond it. The title
        # and address are texts: GET /api/v1/knowledge gives them once.
        return {"kind": entry["kind"]}

    def clue(self, hit: ClueHit) -> JsonRow:
        c = hit.clue
        # The entered findings behind it; the finding it is named for is in the knowledge document.
        return JsonRow(
            {
                "id": c.id,
                "findings": [f.slug for f in hit.findings],
                "points_to": c.points_to,
                "effect": c.effect,
                "weight": c.weight,
                "source": c.cite.source,
            }
        )

    def mechanism(self, hit: MechanismHit) -> JsonRow:
        m = hit.mechanism
        return JsonRow({"id": m.slug, "findings": [f.slug for f in hit.findings], "source": m.cite.source})

    def red_flag(self, hit: RedFlagHit) -> JsonRow:
        r = hit.flag
        return JsonRow(
            {
                "id": r.id,
                "level": r.level,
                "findings": [f.slug for f in hit.findings],
                "source": r.cite.source,
                "action_source": r.action_cite.source if r.action_cite else None,
            }
        )

    def next_check(self, c: NextCheck) -> JsonRow:
        return JsonRow(
            {
                "kind": c.kind,
                "id": c.key,
                "impact": c.impact,
                "outcomes": [{"value": v, "lean": lean, "strength": strength} for v, lean, strength in c.outcomes],
            }
        )

    def workup_item(self, w: WorkupItem) -> JsonRow:
        return JsonRow({"id": w.id, "source": w.cite.source})

    def gene(self, match: GeneMatch) -> JsonRow:
        g = match.gene
        return JsonRow({"omim": g.omim, "symbol": g.symbol, "consistent": match.consistent, "source": g.cite.source})


# The rows are built once per knowledge base and interface language: some carry the interface's words.
def _rows(kb: KnowledgeBase) -> _Rows:
    return _rows_in(kb, ui_language())


def _compact_rows(kb: KnowledgeBase) -> _Rows:
    return _compact_rows_in(kb, ui_language())


@functools.cache
def _rows_in(kb: KnowledgeBase, language: str) -> _Rows:
    return _Rows(kb)


@functools.cache
def _compact_rows_in(kb: KnowledgeBase, language: str) -> _Rows:
    return _CompactRows(kb)


DETAILS = ("compact", "full")  # the answers of POST /api/v1/assess (`?detail=`); the page reads the full one
EVIDENCE = ("top", "all")  # whose evidence the full answer gives (`?evidence=`): the first entries', or all


def present_assessment(
    assessment: Assessment, kb: KnowledgeBase, parsed: Parsed | None = None, detail: str = "full", every: bool = False
) -> dict[str, Any]:
    """Everything a result page or an API answer shows, as plain data: in full (the page, the
    exports, `?detail=full`), or compact (texts by id: GET /api/v1/knowledge has them once)."""
    compact = detail == "compact"
    rows = _compact_rows(kb) if compact else _rows(kb)
    inh = assessment.inheritance
    hits = rows.ready(inh.hits, rows.clue)
    # For a lean: the clues that pushed toward it, and those that pushed away. Indeterminate: the
    # clues toward recessive, then toward dominant.
    toward: list[str] = []
    away: list[str] = []
    dominant = inh.lean == "dominant"
    pattern = inh.lean not in ("recessive", "dominant", "indeterminate")  # a lean a clue sets (x_linked)
    top = None
    for hit in inh.hits:
        if pattern:  # toward it: the clue that sets it; the others stay listed, away from it
            if hit.clue.points_to == inh.lean:
                toward.append(hit.clue.id)
                top = hit
            else:
                away.append(hit.clue.id)
        elif (hit.signed_weight < 0) is dominant:
            toward.append(hit.clue.id)
            if top is None or abs(hit.signed_weight) > abs(top.signed_weight):
                top = hit
        else:
            away.append(hit.clue.id)
    answers = assessment.answers
    others = parsed.other_terms if parsed else ()
    given = answers.findings
    ordered = sorted(given, key=rows.position.__getitem__)  # checklist order, whatever order they came in
    present = [s for s in ordered if given[s] == "present"]
    absent = [s for s in ordered if given[s] == "absent"]
    terms_present: list[JsonRow | dict[str, Any]] = list(map(rows.terms.__getitem__, present))
    terms_absent: list[JsonRow | dict[str, Any]] = list(map(rows.terms.__getitem__, absent))
    link_present, link_absent = present, absent
    if others:  # HPO terms that are not checklist findings: kept in the lab list and the link
        terms_present += _terms(others, "present")
        terms_absent += _terms(others, "absent")
        link_present = [*present, *(o.id for o in others if o.state == "present")]
        link_absent = [*absent, *(o.id for o in others if o.state == "absent")]
    differential, differential_notes = present_differential(
        answers, inh.lean, kb, parsed, compact, assessment.premise, every
    )
    if compact:
        given_answers: dict[str, Any] = {
            "findings": {s: given[s] for s in ordered},
            "onset": answers.onset,
            "family_history": answers.family_history,
        }
    else:
        given_answers = {
            "findings": {**rows.unknown, **given},  # every finding, in checklist order
            "present_labels": list(map(rows.labels.__getitem__, present)),
            "absent_labels": list(map(rows.labels.__getitem__, absent)),
            "onset": answers.onset,
            "onset_label": kb.onsets[answers.onset].label,
            "family_history": answers.family_history,
            "family_history_label": kb.family_histories[answers.family_history].label,
        }
    inheritance: dict[str, Any] = {
        "lean": inh.lean,
        "strength": inh.strength,
        "score": inh.score,
        "summary": lean_summary(
            inh.lean,
            inh.strength,
            "" if top is None else top.clue.name if pattern else f"{top.clue.name} ({top.signed_weight:+g})",
            assessment.premise,
        ),
        "message": inh.message,
        "thresholds": {"weak": kb.thresholds.weak, "moderate": kb.thresholds.moderate, "strong": kb.thresholds.strong},
        "clues": hits,
    }
    if not compact:  # the compact answer's clues say which side each points to
        inheritance |= {"clues_for": toward, "clues_against": away}
    entered = not nothing_entered(answers, parsed)
    if not entered:
        inheritance |= {"summary": gettext(NO_RESULT), "message": gettext(NOTHING_ENTERED)}
    return {
        "knowledge_version": kb.version,
        "entered": entered,  # false: nothing at all was entered, and the answer is no result
        "inheritance": inheritance,
        "mechanisms": rows.ready(assessment.mechanisms, rows.mechanism),
        "red_flags": rows.ready(assessment.red_flags, rows.red_flag),  # as the engine orders them: most urgent first
        "genes": rank_genes(rows.gene_list(assessment.genes), differential_notes),
        "next_checks": rows.ready(assessment.next_checks, rows.next_check),
        "next_checks_note": "" if assessment.next_checks else gettext(NO_NEXT_CHECK),
        "premise": (
            rows.premise_rows.get(assessment.premise)
            if assessment.premise != "contradicted"
            else {"state": "contradicted", "message": contradicted_message(assessment, kb, parsed)}
        ),
        "workup": rows.workup_list(assessment.workup) if entered else [],
        "hpo_terms": {"present": terms_present, "excluded": terms_absent},
        "other_terms": [{"id": o.id, "label": o.label, "state": o.state} for o in others],
        "answers": given_answers,
        "recognized": [
            {"input": r.input, "finding": r.finding, "state": r.state} for r in (parsed.recognized if parsed else ())
        ],
        "unmapped": [
            {"input": u.input, "name": u.name, "related": list(u.related)} for u in (parsed.unmapped if parsed else ())
        ],
        "share_query": share_query(link_present, link_absent, answers.onset, answers.family_history),
        "sources": rows.cited,  # each source the rows can cite, once
        "differential": differential,
        "differential_notes": differential_notes,
        "disclaimer": disclaimer(),
    }


def _terms(others: Sequence[Any], state: str) -> list[dict[str, Any]]:
    """Other HPO terms entered, as rows of the lab-request list (no checklist finding)."""
    return [{"id": o.id, "label": o.label, "finding": None} for o in others if o.state == state]


def present_vocabulary(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The finding vocabulary for /api/v1/findings and the about page."""
    return [
        {
            "slug": f.slug,
            "label": f.label,
            "hpo": f.hpo,
            "groups": list(f.groups),
            "panel": f.panel or None,
            "anchors": list(f.anchors),
            "source": source_dict(f.cite, kb),
        }
        for f in kb.findings.values()
    ]


def _without(row: JsonRow, *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


class KnowledgeDocument:
    """GET /api/v1/knowledge: what every item a compact answer names says, by id, once per knowledge
    version (the texts of the full answer, without anything an input decides)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        rows = _rows(kb)
        checks: dict[str, dict[str, str]] = {
            f.slug: {"kind": "finding", "label": f.label, "check": f.check} for f in kb.findings.values()
        }
        for c in handouts(kb).next_checks:
            checks.setdefault(c.key, {"kind": c.kind, "label": c.label, "check": c.check})
        self.sections: dict[str, Any] = {
            # The full answer's own rows, less what an input decides (which findings, consistent or not).
            "clues": JsonRow(
                {
                    c.id: {
                        "name": c.name,
                        **_without(rows.clue(ClueHit(c, 0.0)), "id", "signed_weight", "findings", "finding_labels"),
                    }
                    for c in kb.clues
                }
            ),
            "mechanisms": JsonRow(
                {
                    m.slug: _without(rows.mechanism(MechanismHit(m, ())), "id", "findings", "finding_labels")
                    for m in kb.mechanisms.values()
                }
            ),
            "red_flags": JsonRow(
                {r.id: _without(rows.red_flag(RedFlagHit(r, ())), "id", "findings") for r in kb.red_flags}
            ),
            "workup": JsonRow({w.id: _without(rows.workup_item(w), "id") for w in kb.workup}),
            "genes": JsonRow({g.omim: _without(rows.gene(GeneMatch(g, False)), "consistent") for g in kb.genes}),
            "checks": JsonRow(checks),
            "findings": JsonRow({f.slug: {"label": f.label, "hpo": f.hpo} for f in kb.findings.values()}),
            "entries": JsonRow(
                {
                    e.id: {
                        "name": e.name,
                        "genes": list(e.genes),
                        "inheritance": e.inheritance,
                        "url": e.url,
                        "group": e.group,
                        "prior": prior_of(e),
                    }
                    for e in load_differential(kb).entries
                }
            ),
            "onsets": JsonRow({k: o.label for k, o in kb.onsets.items()}),
            "family_histories": JsonRow({k: f.label for k, f in kb.family_histories.items()}),
            "sources": JsonRow(sources_map(kb)),
            "lookalikes": JsonRow(
                {
                    x.id: {"name": x.name, "separates": x.separates, "source": {"id": x.cite[0], "locator": x.cite[1]}}
                    for x in lookalikes(kb.lang)
                }
            ),
            "method": JsonRow(
                {
                    "title": LIRICAL,
                    "url": LIRICAL_URL,
                    "departures": gettext(DEPARTURES),
                    "disagreement_source": {"id": DISAGREEMENT_SOURCE[0], "locator": DISAGREEMENT_SOURCE[1]},
                }
            ),
        }


def knowledge_document(kb: KnowledgeBase) -> KnowledgeDocument:
    """The knowledge document, built once per process and interface language."""
    return _knowledge_document_in(kb, ui_language())


@functools.cache
def _knowledge_document_in(kb: KnowledgeBase, language: str) -> KnowledgeDocument:
    return KnowledgeDocument(kb)
