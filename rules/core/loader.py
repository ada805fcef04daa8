"""Load and validate the knowledge base from the TOML files in rules/knowledge.

Every file is first checked against its declared shape (rules/core/schema.py): an unknown key, a
missing required key or a wrong type fails here, naming the file, the entry and the key. Only then is
each kind of entry built, one small function per file, each checking what the values mean (known ids,
citations, levels) on data whose shape is already known."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from typing import Any

from .conditions import Vocabulary
from .conditions import check
from .errors import KnowledgeError
from .model import ALWAYS
from .model import LEVELS
from .model import PATTERN_LEANS
from .model import SIDES
from .model import Citation
from .model import Clue
from .model import Condition
from .model import Finding
from .model import Gene
from .model import GeneStatement
from .model import KnowledgeBase
from .model import LeanThresholds
from .model import Mechanism
from .model import Option
from .model import Panel
from .model import Premise
from .model import RedFlag
from .model import Source
from .model import WorkupItem
from .schema import problems

SLUG = re.compile(r"[a-z][a-z0-9_]*")

# The files the knowledge base is read from (the practice and differential files are read by their own
# loaders, through the same schema).
KB_FILES = (
    "meta.toml",
    "sources.toml",
    "options.toml",
    "mechanisms.toml",
    "findings.toml",
    "inheritance.toml",
    "red_flags.toml",
    "premise.toml",
    "workup.toml",
    "genes.toml",
)
PREMISE_STATES = {"confirmed", "unconfirmed", "contradicted", "no_lean"}


def _read(name: str) -> dict[str, Any]:
    text = resources.files("rules").joinpath("knowledge", *name.split("/")).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _cite(raw: Mapping[str, Any], where: str, sources: Mapping[str, Source]) -> Citation:
    if not raw or raw.get("source") not in sources:
        raise KnowledgeError(f"{where}: cites unknown source {raw.get('source')!r}")
    if not (raw.get("passage") or raw.get("locator")):
        raise KnowledgeError(f"{where}: a citation needs a passage or a locator")
    return Citation(raw["source"], raw.get("passage", ""), raw.get("locator", ""))


def _check_condition(
    cond: Condition, where: str, kb_findings: Iterable[str], onsets: Iterable[str], histories: Iterable[str]
) -> None:
    """Raise KnowledgeError unless `cond` is a well-formed tree over known ids (rules/core/conditions.py
    says what is well formed)."""
    problem = check(cond, Vocabulary(frozenset(kb_findings), frozenset(onsets), frozenset(histories)))
    if problem:
        raise KnowledgeError(f"{where}: {problem}")


def _unique(items: Iterable[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise KnowledgeError(f"duplicate {what} {item!r}")
        seen.add(item)


def _read_checked() -> dict[str, dict[str, Any]]:
    """Every knowledge-base file, each checked against its schema before anything is built from it;
    all their problems are reported at once."""
    data = {name: _read(name) for name in KB_FILES}
    found = [problem for name, raw in data.items() for problem in problems(name, raw)]
    if found:
        raise KnowledgeError("\n".join(found))
    return data


def _sources(raw: Mapping[str, Any]) -> dict[str, Source]:
    return {s["id"]: Source(**s) for s in raw["source"]}


def _options(raw: Mapping[str, Any]) -> tuple[dict[str, Option], dict[str, Option]]:
    onsets = {o["slug"]: Option(o["slug"], o["label"], tuple(o["hpo"])) for o in raw["onset"]}
    histories = {o["slug"]: Option(o["slug"], o["label"]) for o in raw["family_history"]}
    return onsets, histories


def _mechanisms(raw: Mapping[str, Any], sources: Mapping[str, Source]) -> dict[str, Mechanism]:
    return {
        m["slug"]: Mechanism(
            m["slug"], m["title"], m["explanation"], _cite(m["cite"], f"mechanism {m['slug']}", sources)
        )
        for m in raw["mechanism"]
    }


def _panels(raw: Mapping[str, Any], sources: Mapping[str, Source]) -> dict[str, Panel]:
    return {
        p["id"]: Panel(
            p["id"],
            p["title"],
            p["explanation"],
            p.get("note", ""),
            _cite(p["note_cite"], f"panel {p['id']}", sources) if "note_cite" in p else None,
        )
        for p in raw.get("panel", [])
    }


def _check_slugs(slugs: Iterable[str]) -> None:
    for slug in slugs:
        if not SLUG.fullmatch(slug):  # slugs travel in URLs (the shareable link) and need no escaping
            raise KnowledgeError(f"slug {slug!r}: use lower-case letters, digits and underscores")


def _finding(
    f: Mapping[str, Any],
    mechanisms: Mapping[str, Mechanism],
    panels: Mapping[str, Panel],
    sources: Mapping[str, Source],
) -> Finding:
    where = f"finding {f['slug']}"
    for group in f["groups"]:
        if group not in mechanisms:
            raise KnowledgeError(f"{where}: unknown mechanism {group!r}")
    if f["groups"] and f.get("panel"):
        raise KnowledgeError(f"{where}: give either mechanism groups or a panel, not both")
    if f.get("panel") and f["panel"] not in panels:
        raise KnowledgeError(f"{where}: unknown panel {f['panel']!r}")
    return Finding(
        f["slug"],
        f["label"],
        f["hpo"],
        tuple(f["groups"]),
        tuple(f["anchors"]),
        f["check"],
        _cite(f["cite"], where, sources),
        f.get("panel", ""),
    )


class _Vocab:
    """The ids a condition tree may name, with the sources a citation may cite."""

    def __init__(
        self,
        findings: Mapping[str, Finding],
        onsets: Iterable[str],
        histories: Iterable[str],
        sources: Mapping[str, Source],
    ) -> None:
        self.findings = findings
        self.onsets = tuple(onsets)
        self.histories = tuple(histories)
        self.sources = sources

    def cond(self, c: Condition, where: str) -> Condition:
        _check_condition(c, where, self.findings, self.onsets, self.histories)
        return c

    def shown(self, raw: Mapping[str, Any], where: str) -> Condition:
        """When an item (a card, a red flag, a work-up item) is shown: its `when` (always, without one)
        and not its `unless`, as one condition tree."""
        when = self.cond(raw["when"], f"{where} when") if "when" in raw else ALWAYS
        if "unless" not in raw:
            return when
        unless = self.cond(raw["unless"], f"{where} unless")
        return {"all": [when, {"not": unless}]} if when is not ALWAYS else {"not": unless}


def _clue(c: Mapping[str, Any], vocab: _Vocab) -> Clue:
    where = f"clue {c['id']}"
    if c["points_to"] not in SIDES + PATTERN_LEANS or c["effect"] not in ("for", "against"):
        raise KnowledgeError(f"{where}: points_to must be one of {SIDES + PATTERN_LEANS}, effect for/against")
    if c["points_to"] in PATTERN_LEANS:
        # It sets its lean when it fires, outside the score (docs/decisions/0020-an-x-linked-lean.md).
        if c["effect"] != "for" or c["weight"] != 0:
            raise KnowledgeError(
                f'{where}: a clue pointing to {c["points_to"]} sets that lean: effect "for", '
                "weight 0 (it adds nothing to the score)"
            )
    elif not c["weight"] > 0:
        raise KnowledgeError(f'{where}: weight must be a positive number (effect = "against" subtracts it)')
    if c.get("finding") is not None and c["finding"] not in vocab.findings:
        raise KnowledgeError(f"{where}: unknown finding {c['finding']!r}")
    return Clue(
        c["id"],
        c["points_to"],
        c["effect"],
        float(c["weight"]),
        vocab.cond(c["when"], where),
        c["why"],
        _cite(c["cite"], where, vocab.sources),
        c.get("finding"),
        c.get("beyond_seed", ""),
        c.get("name", c["id"]),
    )


def _red_flag(r: Mapping[str, Any], vocab: _Vocab) -> RedFlag:
    where = f"red flag {r['id']}"
    if r["level"] not in LEVELS:
        raise KnowledgeError(f"{where}: level must be one of {', '.join(LEVELS)}")
    if not r["action"]:
        raise KnowledgeError(f"{where}: a red flag names an action, with its citation (action, action_cite)")
    return RedFlag(
        r["id"],
        r["level"],
        r["title"],
        r["why"],
        vocab.shown(r, where),
        _cite(r["cite"], where, vocab.sources),
        r.get("beyond_seed", ""),
        r["action"],
        _cite(r["action_cite"], f"{where} action", vocab.sources),
        vocab.cond(r["unless"], f"{where} unless") if "unless" in r else None,
    )


def _premise(raw: Mapping[str, Any], findings: Mapping[str, Finding], sources: Mapping[str, Source]) -> Premise:
    own = findings.get(raw["finding"])
    if own is None or own.groups or own.panel:
        raise KnowledgeError("premise: its finding must be a checklist finding outside every mechanism group and panel")
    for f in findings.values():  # the checklist shows every finding under a mechanism, a panel, or the premise
        if not f.groups and not f.panel and f.slug != raw["finding"]:
            raise KnowledgeError(f"finding {f.slug}: give it mechanism groups or a panel")
    if set(raw["message"]) != PREMISE_STATES:
        raise KnowledgeError("premise: a message for each of confirmed, unconfirmed, contradicted, and no_lean")
    if "{entered}" not in raw["message"]["contradicted"]:
        raise KnowledgeError("premise: the contradicted message names what was entered ({entered})")
    if bool(raw.get("compatible")) != ("compatible_cite" in raw):
        raise KnowledgeError("premise: compatible terms need their citation (compatible_cite), and only they")
    compatible_cite = _cite(raw["compatible_cite"], "premise compatible", sources) if "compatible_cite" in raw else None
    return Premise(
        raw["finding"],
        tuple(raw["contradicted_by"]),
        dict(raw["message"]),
        _cite(raw["cite"], "premise", sources),
        raw.get("absent_label", own.label),
        tuple(raw.get("compatible", ())),
        compatible_cite,
    )


def _workup_item(w: Mapping[str, Any], vocab: _Vocab) -> WorkupItem:
    where = f"work-up {w['id']}"
    if not set(w["findings"]) <= set(vocab.findings):
        raise KnowledgeError(f"{where}: unknown finding in {w['findings']!r}")
    return WorkupItem(
        w["id"],
        w["label"],
        w["why"],
        tuple(w["findings"]),
        _cite(w["cite"], where, vocab.sources),
        vocab.shown(w, where),
    )


def _gene_statement(s: Mapping[str, Any], where: str, sources: Mapping[str, Source]) -> GeneStatement:
    cite = _cite(s["cite"], where, sources)
    beyond = sources[cite.source].kind != "seed"
    if beyond and not cite.locator:  # a reference is cited at a place: section, table, disease id
        raise KnowledgeError(f"{where}: a statement citing {cite.source!r} needs a locator")
    return GeneStatement(s["text"], cite, beyond)


def _gene(g: Mapping[str, Any], sources: Mapping[str, Source]) -> Gene:
    where = f"gene {g['symbol']} ({g['omim']})"
    statements = tuple(_gene_statement(s, f"{where} statement {i}", sources) for i, s in enumerate(g["statement"], 1))
    if not statements:
        raise KnowledgeError(f"{where}: a gene needs at least one statement")
    return Gene(
        g["symbol"],
        g["inheritance"],
        g["seed_type"],
        g["omim"],
        g["code"],
        g["in_seed"],
        " ".join(s.text for s in statements),
        _cite(g["cite"], where, sources),
        statements,
        " ".join(s.text for s in statements if s.beyond_seed),
    )


def _thresholds(lean: Mapping[str, Any]) -> LeanThresholds:
    thresholds = LeanThresholds(
        float(lean["weak"]),
        float(lean["moderate"]),
        float(lean["strong"]),
        int(lean.get("strong_needs_findings", 2)),
        lean.get("without_findings", "moderate"),
        lean.get("onset_alone", "weak"),
        lean.get("pattern", "weak"),
    )
    if not {thresholds.without_findings, thresholds.onset_alone, thresholds.pattern} <= {"weak", "moderate", "strong"}:
        raise KnowledgeError("lean caps without_findings, onset_alone and pattern: weak, moderate or strong")
    if not 0 < thresholds.weak <= thresholds.moderate <= thresholds.strong:
        raise KnowledgeError("lean thresholds must rise: 0 < weak <= moderate <= strong")
    return thresholds


def _findings(
    raw: Mapping[str, Any],
    mechanisms: Mapping[str, Mechanism],
    panels: Mapping[str, Panel],
    sources: Mapping[str, Source],
) -> dict[str, Finding]:
    return {f["slug"]: _finding(f, mechanisms, panels, sources) for f in raw["finding"]}


def read_knowledge() -> KnowledgeBase:
    """Read and validate the knowledge files into a knowledge base (not yet prepared for the engine:
    rules.checklist.load_knowledge does both, once per process)."""
    data = _read_checked()
    meta = data["meta.toml"]
    sources = _sources(data["sources.toml"])
    onsets, histories = _options(data["options.toml"])
    mechanisms = _mechanisms(data["mechanisms.toml"], sources)
    panels = _panels(data["findings.toml"], sources)
    _unique((f["slug"] for f in data["findings.toml"]["finding"]), "finding")
    _check_slugs([*(f["slug"] for f in data["findings.toml"]["finding"]), *onsets, *histories])
    findings = _findings(data["findings.toml"], mechanisms, panels, sources)
    vocab = _Vocab(findings, onsets, histories, sources)
    shown = {m["slug"]: vocab.shown(m, f"mechanism {m['slug']}") for m in data["mechanisms.toml"]["mechanism"]}
    mechanisms = {slug: replace(m, when=shown[slug]) for slug, m in mechanisms.items()}
    clues = tuple(_clue(c, vocab) for c in data["inheritance.toml"]["clue"])
    _unique((c.id for c in clues), "clue")
    red_flags = tuple(_red_flag(r, vocab) for r in data["red_flags.toml"]["red_flag"])
    premise = _premise(data["premise.toml"], findings, sources)
    workup = tuple(_workup_item(w, vocab) for w in data["workup.toml"]["workup"])
    _unique((w.id for w in workup), "work-up item")
    genes = tuple(_gene(g, sources) for g in data["genes.toml"]["gene"])
    return KnowledgeBase(
        version=f"{meta['version']} (HPO {meta['hpo_release']})",
        sources=sources,
        findings=findings,
        mechanisms=mechanisms,
        clues=clues,
        red_flags=red_flags,
        genes=genes,
        onsets=onsets,
        family_histories=histories,
        thresholds=_thresholds(data["inheritance.toml"]["lean"]),
        premise=premise,
        workup=workup,
        panels=panels,
        words=dict(data["options.toml"]["words"]),
    )
