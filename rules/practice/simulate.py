"""Simulated patients drawn from the HPO annotations of each osteopetrosis entry (pure).

Case ids: ``sim-<number>-<seed>`` for OMIM entries (``sim-259700-42`` is OMIM:259700 with seed 42)
and ``sim-ORPHA<number>-<seed>`` for Orphanet entries (``sim-ORPHA667-7``). The seed is a whole
number from 0 to 999999999; the same id always gives the same patient.

How a patient is drawn, with ``random.Random(<entry id>:<seed>)``:
- onset: one of the entry's onset annotations that maps to a checklist onset (options.toml hpo
  lists), chosen with the annotation's frequency as weight; none maps: "unknown";
- findings: every positive annotation that maps to a finding fires with its probability p; a
  finding is present when any of its annotations fired. Annotations HPO marks NOT (or 0/N) never
  fire, and their findings are shown as looked for and not found. A draw with no finding at all is
  redrawn from the same stream (bounded), so a vignette always has something to read;
- the key: present and absent findings, the onset, family history "unknown" (HPO records none), the
  entry's real inheritance as the lean, and the mechanism groups of the present findings.
Entries with unknown inheritance, or whose annotations map to no finding, are not offered.
"""

from __future__ import annotations

import functools
import json
import random
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from rules.checklist import load_knowledge
from rules.checklist.engine import evaluate
from rules.core.model import Citation
from rules.core.model import KnowledgeBase
from rules.core.schema import checked
from rules.core.translations import english
from rules.core.translations import text_in
from rules.differential.model import reference_onsets as differential_reference_onsets

from .cases import AnswerKey
from .cases import Case
from .cases import Stage
from .cases import TeachingPoint
from .cases import in_kb_order
from .cases import mechanisms_of
from .observations import STAGES
from .observations import drawable
from .observations import pick
from .observations import vocabulary_in

SIM_ID = re.compile(r"^sim-([0-9]{1,7}|ORPHA[0-9]{1,7})-([0-9]{1,9})\Z")
MAX_SEED = 999_999_999
_REDRAWS = 50  # an entry with any finding at p >= 0.1 practically never needs more


@dataclass(frozen=True, slots=True)
class Annotation:
    """One phenotype annotation of an entry that maps to checklist findings."""

    hpo: str
    name: str
    frequency: str
    p: float
    negated: bool
    findings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Entry:
    """An osteopetrosis entry of HPO with its inheritance, onsets and finding annotations."""

    id: str
    name: str
    genes: tuple[str, ...]
    inheritance: str
    inheritance_source: str
    onsets: tuple[tuple[str, float], ...]  # (checklist onset slug, weight)
    annotations: tuple[Annotation, ...]

    @property
    def number(self) -> str:
        """The id part used in case ids: the OMIM number, or ORPHA plus the number."""
        prefix, _, num = self.id.partition(":")
        return num if prefix == "OMIM" else f"{prefix}{num}"

    @property
    def negated(self) -> tuple[str, ...]:
        """Findings HPO records as explicitly absent (NOT, or a frequency of 0)."""
        return tuple(dict.fromkeys(s for a in self.annotations if a.negated or a.p <= 0 for s in a.findings))

    @property
    def possible(self) -> tuple[str, ...]:
        """Findings that can be present in a simulated patient."""
        never = set(self.negated)
        return tuple(
            dict.fromkeys(
                s for a in self.annotations if not a.negated and a.p > 0 for s in a.findings if s not in never
            )
        )


@dataclass(frozen=True, slots=True)
class Draw:
    """One simulated patient before it is written up."""

    entry: Entry
    seed: int
    onset: str
    sex: str
    present: tuple[str, ...]
    absent: tuple[str, ...]


def _json_data(name: str) -> Any:
    return json.loads(resources.files("rules").joinpath("data", name).read_text(encoding="utf-8"))


@functools.cache
def templates() -> dict[str, Any]:
    """The sentence templates of rules/knowledge/simulation.toml, checked against their schema."""
    text = resources.files("rules").joinpath("knowledge", "simulation.toml").read_text(encoding="utf-8")
    return dict(checked("simulation.toml", tomllib.loads(text)))


@functools.cache
def templates_in(lang: str) -> dict[str, Any]:
    """The sentence templates with their texts in `lang` (the overlay's `simulation` rows; a text with
    no current translation stays English)."""
    t = templates()
    if lang == "en":
        return t

    def text(ident: str, field: str, english: str) -> str:
        return text_in("simulation", ident, field, lang, english).text

    fields = ("age", "female", "male", "opening")
    return {
        **t,
        "onset": [{**o, **{f: text(f"onset/{o['slug']}", f, o[f]) for f in fields}} for o in t["onset"]],
        "sentences": {k: text("sentences", k, v) for k, v in t["sentences"].items()},
        "teaching": {
            name: {**raw, "text": text(f"teaching/{name}", "text", raw["text"])} for name, raw in t["teaching"].items()
        },
    }


def _onset_slug(hpo_id: str, kb: KnowledgeBase) -> str | None:
    for onset in kb.onsets.values():
        if hpo_id in onset.hpo:
            return onset.slug
    return None


@functools.cache
def load_entries() -> dict[str, Entry]:
    """Every entry of the committed HPO subset, keyed by id (OMIM:… or ORPHA:…)."""
    kb = load_knowledge()
    entries: dict[str, Entry] = {}
    reference_onsets = differential_reference_onsets()
    # Every entry is osteopetrosis, so the premise (dense bone) is given, not drawn: a simulated
    # patient shows the source document's findings and the panel that tells the types apart.
    drawn = drawable(kb)
    for d in _json_data("osteopetrosis_diseases.json")["diseases"]:
        onsets = []
        for o in d.get("onsets", []):
            slug = _onset_slug(o["hpo"], kb)
            if slug is not None:
                onsets.append((slug, float(o.get("p") or 0.5)))
        if not onsets and d["id"] in reference_onsets:
            onsets.append((reference_onsets[d["id"]], 1.0))  # cited in entries.toml
        annotations = tuple(
            Annotation(
                a["hpo"],
                a["name"],
                a.get("frequency", ""),
                float(a["p"]),
                bool(a.get("negated")),
                tuple(s for s in a["findings"] if s in drawn),
            )
            for a in d.get("annotations", [])
            if set(a.get("findings", ())) & drawn
        )
        entries[d["id"]] = Entry(
            d["id"],
            d["name"],
            tuple(d.get("genes", [])),
            d.get("inheritance", "unknown"),
            d.get("inheritance_source", ""),
            tuple(onsets),
            annotations,
        )
    return entries


def offered_entries() -> tuple[Entry, ...]:
    """Entries that can be simulated: known inheritance and at least one possible finding."""
    return tuple(e for e in load_entries().values() if e.inheritance in ("recessive", "dominant") and e.possible)


def entry_for_number(number: str) -> Entry | None:
    """The offered entry for the number part of a case id (259700 or ORPHA667)."""
    entry_id = f"ORPHA:{number[5:]}" if number.startswith("ORPHA") else f"OMIM:{number}"
    return next((e for e in offered_entries() if e.id == entry_id), None)


def draw_findings(entry: Entry, rng: random.Random) -> tuple[set[str], set[str]]:
    """One draw of (present, explicitly absent) findings; every annotation consumes one number."""
    absent = set(entry.negated)
    present: set[str] = set()
    for a in entry.annotations:
        if a.negated:
            continue
        if rng.random() < a.p:
            present.update(a.findings)
    return present - absent, absent


def draw(entry: Entry, seed: int, kb: KnowledgeBase) -> Draw:
    """The simulated patient of this entry and seed (reproducible)."""
    rng = random.Random(f"{entry.id}:{seed}")
    onset = "unknown"
    if entry.onsets:
        onset = rng.choices([s for s, _ in entry.onsets], weights=[w for _, w in entry.onsets])[0]
    sex = rng.choice(("female", "male"))
    present, absent = draw_findings(entry, rng)
    for _ in range(_REDRAWS):
        if present:
            break
        present, absent = draw_findings(entry, rng)
    return Draw(entry, seed, onset, sex, in_kb_order(present, kb), in_kb_order(absent, kb))


def key_of(d: Draw, kb: KnowledgeBase) -> AnswerKey:
    """The answer key of a draw: the entry's inheritance is the expected lean."""
    return AnswerKey(d.present, d.absent, d.onset, "unknown", d.entry.inheritance, mechanisms_of(d.present, kb))


def engine_lean(key: AnswerKey, kb: KnowledgeBase) -> tuple[str, str | None]:
    """The lean and strength the checklist's rules give for a key (strength earned by findings)."""
    inheritance = evaluate(key.answers(), kb).inheritance
    return inheritance.lean, inheritance.strength


def _point(raw: Mapping[str, Any], **values: str) -> TeachingPoint:
    cite = raw["cite"]
    return TeachingPoint(
        raw["text"].format(**values),
        Citation(cite["source"], cite.get("passage", "").format(**values), cite.get("locator", "").format(**values)),
        raw.get("kind", "general"),
    )


def write_stages(d: Draw, opening: str, lang: str = "en") -> tuple[Stage, ...]:
    """The patient as the clinician meets them: history, examination, investigations.

    Each present finding is one observation picked from the templates with a stream of its own
    (`<entry>:<seed>:text`), so the findings drawn, and the benchmark, do not depend on wording.
    A finding HPO records as absent gets its `absent` sentence. Stages with nothing to say are
    left out, except the history, which always opens the case.
    """
    vocab = vocabulary_in(lang)
    rng = random.Random(f"{d.entry.id}:{d.seed}:text")
    said: dict[str, list[str]] = {stage: [] for stage in STAGES}
    adds: dict[str, list[str]] = {stage: [] for stage in STAGES}
    said["history"].append(opening)
    for slug in d.present:
        o = pick(slug, d.onset, rng, vocab)
        said[o.stage].append(o.render(d.sex))
        adds[o.stage].append(slug)
    for slug in d.absent:
        o = vocab.absent[slug]
        said[o.stage].append(o.render(d.sex))
    said["history"].append(templates_in(lang)["sentences"]["family"])
    return tuple(
        Stage(vocab.stage_titles[stage], " ".join(said[stage]), tuple(adds[stage]))
        for stage in STAGES
        if stage == "history" or said[stage]
    )


def _inheritance_source(entry: Entry, lang: str) -> str:
    """Where the entry's inheritance comes from, in `lang` where entries.toml gives it in words."""
    given = entry.inheritance_source or "HPO"
    if lang == "en" or "inheritance_source" not in english()["entries"].get(entry.id, {}):
        return given
    return text_in("entries", entry.id, "inheritance_source", lang, given).text


def write_up(d: Draw, kb: KnowledgeBase, lang: str = "en") -> Case:
    """The draw as a Case: stages of observations (never the findings' labels), key, teaching points;
    its texts in `lang` (the same findings, key and teaching in every language)."""
    t = templates_in(lang)
    onset_t = next(o for o in t["onset"] if o["slug"] == d.onset)
    person = onset_t[d.sex]
    s = t["sentences"]
    stages = write_stages(d, onset_t["opening"].format(person=person), lang)
    key = key_of(d, kb)
    lean, strength = engine_lean(key, kb)
    disagrees = lean != key.lean
    values = {
        "entry": d.entry.id,
        "name": d.entry.name,
        "lean": key.lean,
        "inheritance_source": _inheritance_source(d.entry, lang),
        "engine_lean": lean,
    }
    teaching = t["teaching"]
    points = [_point(teaching["simulated"], **values), _point(teaching["inheritance"], **values)]
    if disagrees:
        points.append(_point(teaching[f"engine_{key.lean}"], **values))
    difficulty = "hard" if disagrees else "medium" if strength == "weak" else "easy"
    return Case(
        id=f"sim-{d.entry.number}-{d.seed}",
        title=s["title"].format(seed=d.seed, person=person),
        age=onset_t["age"],
        sex=d.sex,
        narrative=" ".join(stage.narrative for stage in stages),
        difficulty=difficulty,
        kind="simulated",
        entry=d.entry.id,
        label=f"Simulated from the HPO annotations of {d.entry.id} ({d.entry.name})",
        key=key,
        teaching_points=tuple(points),
        entry_name=d.entry.name,
        genes=d.entry.genes,
        engine_disagrees=disagrees,
        stages=stages,
    )


def simulate(entry: Entry, seed: int, lang: str = "en") -> Case:
    """The simulated case of an entry and a seed, written in `lang`."""
    kb = load_knowledge()
    return write_up(draw(entry, seed, kb), kb, lang)


def simulated_case(case_id: str, lang: str = "en") -> Case | None:
    """The simulated case for a `sim-…` id (written in `lang`), or None for a malformed id or an entry
    not offered."""
    match = SIM_ID.match(case_id)
    if not match:
        return None
    entry = entry_for_number(match.group(1))
    if entry is None:
        return None
    return simulate(entry, int(match.group(2)), lang)


def case_id_for(entry: Entry, seed: int) -> str:
    """The case id of an entry's simulated patient with this seed."""
    return f"sim-{entry.number}-{seed}"
