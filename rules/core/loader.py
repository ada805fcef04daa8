"""Load and validate the knowledge base from the TOML files in rules/knowledge."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from collections.abc import Mapping
from importlib import resources
from typing import Any

from .conditions import Vocabulary
from .conditions import check
from .errors import KnowledgeError
from .model import LEVELS
from .model import SIDES
from .model import Citation
from .model import Clue
from .model import Condition
from .model import Finding
from .model import Gene
from .model import KnowledgeBase
from .model import LeanThresholds
from .model import Mechanism
from .model import Option
from .model import Panel
from .model import Premise
from .model import RedFlag
from .model import Source
from .model import WorkupItem

SLUG = re.compile(r"[a-z][a-z0-9_]*")


def _read(name: str) -> dict[str, Any]:
    text = resources.files("rules").joinpath("knowledge", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


def _cite(raw: Mapping[str, Any], where: str, sources: Mapping[str, Source]) -> Citation:
    if not raw or raw.get("source") not in sources:
        raise KnowledgeError(f"{where}: cites unknown source {raw.get('source')!r}")
    if not (raw.get("passage") or raw.get("locator")):
        raise KnowledgeError(f"{where}: a citation needs a passage or a locator")
    return Citation(raw["source"], raw.get("passage", ""), raw.get("locator", ""))


def _check_condition(cond: Condition, where: str, kb_findings: Iterable[str], onsets: Iterable[str],
                     histories: Iterable[str]) -> None:
    """Raise KnowledgeError unless `cond` is a well-formed tree over known ids (rules/conditions.py
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


def read_knowledge() -> KnowledgeBase:
    """Read and validate the knowledge files into a knowledge base (not yet prepared for the engine:
    rules.checklist.load_knowledge does both, once per process)."""
    meta = _read("meta.toml")
    sources = {s["id"]: Source(**s) for s in _read("sources.toml")["source"]}
    opts = _read("options.toml")
    onsets = {o["slug"]: Option(o["slug"], o["label"], tuple(o["hpo"])) for o in opts["onset"]}
    histories = {o["slug"]: Option(o["slug"], o["label"]) for o in opts["family_history"]}

    mechanisms = {
        m["slug"]: Mechanism(m["slug"], m["title"], m["explanation"],
                             _cite(m["cite"], f"mechanism {m['slug']}", sources))
        for m in _read("mechanisms.toml")["mechanism"]
    }
    raw = _read("findings.toml")
    raw_findings = raw["finding"]
    panels = {p["id"]: Panel(p["id"], p["title"], p["explanation"], p.get("note", ""),
                             _cite(p["note_cite"], f"panel {p['id']}", sources) if "note_cite" in p else None)
              for p in raw.get("panel", [])}
    _unique((f["slug"] for f in raw_findings), "finding")
    for slug in [*(f["slug"] for f in raw_findings), *onsets, *histories]:
        if not SLUG.fullmatch(slug):  # slugs travel in URLs (the shareable link) and need no escaping
            raise KnowledgeError(f"slug {slug!r}: use lower-case letters, digits and underscores")
    findings: dict[str, Finding] = {}
    for f in raw_findings:
        where = f"finding {f['slug']}"
        for group in f["groups"]:
            if group not in mechanisms:
                raise KnowledgeError(f"{where}: unknown mechanism {group!r}")
        if f["groups"] and f.get("panel"):
            raise KnowledgeError(f"{where}: give either mechanism groups or a panel, not both")
        if f.get("panel") and f["panel"] not in panels:
            raise KnowledgeError(f"{where}: unknown panel {f['panel']!r}")
        findings[f["slug"]] = Finding(
            f["slug"], f["label"], f["hpo"], tuple(f["groups"]), tuple(f["anchors"]),
            f["check"], _cite(f["cite"], where, sources), f.get("panel", ""),
        )

    def cond(c: Condition, where: str) -> Condition:
        _check_condition(c, where, findings, onsets, histories)
        return c

    inh = _read("inheritance.toml")
    clues = []
    for c in inh["clue"]:
        where = f"clue {c['id']}"
        if c["points_to"] not in SIDES or c["effect"] not in ("for", "against"):
            raise KnowledgeError(f"{where}: points_to must be one of {SIDES}, effect for/against")
        if isinstance(c["weight"], bool) or not (isinstance(c["weight"], (int, float)) and c["weight"] > 0):
            raise KnowledgeError(f"{where}: weight must be a positive number (effect = \"against\" subtracts it)")
        if c.get("finding") is not None and c["finding"] not in findings:
            raise KnowledgeError(f"{where}: unknown finding {c['finding']!r}")
        clues.append(Clue(c["id"], c["points_to"], c["effect"], float(c["weight"]),
                          cond(c["when"], where), c["why"], _cite(c["cite"], where, sources),
                          c.get("finding"), c.get("beyond_seed", ""), c.get("name", c["id"])))
    _unique((c.id for c in clues), "clue")

    red_flags = []
    for r in _read("red_flags.toml")["red_flag"]:
        where = f"red flag {r['id']}"
        if r["level"] not in LEVELS:
            raise KnowledgeError(f"{where}: level must be one of {', '.join(LEVELS)}")
        if not r.get("action") or not r.get("action_cite"):
            raise KnowledgeError(f"{where}: a red flag names an action, with its citation (action, action_cite)")
        red_flags.append(RedFlag(r["id"], r["level"], r["title"], r["why"], cond(r["when"], where),
                                 _cite(r["cite"], where, sources), r.get("beyond_seed", ""),
                                 r["action"], _cite(r["action_cite"], f"{where} action", sources)))
    raw_premise = _read("premise.toml")
    if (raw_premise["finding"] not in findings or findings[raw_premise["finding"]].groups
            or findings[raw_premise["finding"]].panel):
        raise KnowledgeError("premise: its finding must be a checklist finding outside every mechanism group"
                             " and panel")
    for f in findings.values():  # the checklist shows every finding under a mechanism, a panel, or the premise
        if not f.groups and not f.panel and f.slug != raw_premise["finding"]:
            raise KnowledgeError(f"finding {f.slug}: give it mechanism groups or a panel")
    if set(raw_premise["message"]) != {"confirmed", "unconfirmed", "contradicted", "no_lean"}:
        raise KnowledgeError("premise: a message for each of confirmed, unconfirmed, contradicted, and no_lean")
    premise = Premise(raw_premise["finding"], tuple(raw_premise["contradicted_by"]), dict(raw_premise["message"]),
                      _cite(raw_premise["cite"], "premise", sources))
    workup = []
    for w in _read("workup.toml")["workup"]:
        where = f"work-up {w['id']}"
        if not set(w["findings"]) <= set(findings):
            raise KnowledgeError(f"{where}: unknown finding in {w['findings']!r}")
        workup.append(WorkupItem(w["id"], w["label"], w["why"], tuple(w["findings"]), _cite(w["cite"], where, sources)))
    _unique((w.id for w in workup), "work-up item")
    genes = tuple(
        Gene(g["symbol"], g["inheritance"], g["seed_type"], g["omim"], g["code"], g["in_seed"],
             g["note"], _cite(g["cite"], f"gene {g['symbol']}", sources))
        for g in _read("genes.toml")["gene"]
    )
    lean = inh["lean"]
    thresholds = LeanThresholds(float(lean["weak"]), float(lean["moderate"]), float(lean["strong"]),
                                int(lean.get("strong_needs_findings", 2)), lean.get("without_findings", "moderate"),
                                lean.get("onset_alone", "weak"))
    if not {thresholds.without_findings, thresholds.onset_alone} <= {"weak", "moderate", "strong"}:
        raise KnowledgeError("lean caps without_findings and onset_alone: weak, moderate or strong")
    if not 0 < thresholds.weak <= thresholds.moderate <= thresholds.strong:
        raise KnowledgeError("lean thresholds must rise: 0 < weak <= moderate <= strong")
    kb = KnowledgeBase(
        version=f"{meta['version']} (HPO {meta['hpo_release']})",
        sources=sources, findings=findings, mechanisms=mechanisms, clues=tuple(clues),
        red_flags=tuple(red_flags), genes=genes, onsets=onsets, family_histories=histories,
        thresholds=thresholds, premise=premise, workup=tuple(workup), panels=panels,
    )
    return kb
