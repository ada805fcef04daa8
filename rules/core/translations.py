"""The knowledge's own texts in other languages: per-language overlays keyed by id (docs/languages.md).

An overlay is one TOML file per knowledge file, `rules/knowledge/i18n/<lang>/<file>.toml`. Each table
is a row of the English file, named by its id (`[bone_pain]`, `["panel/beyond_seed"]`); each of its
keys a translated field, `label = { text = "...", en_sha = "..." }`, where `en_sha` is the digest
(`digest`) of the exact English text the translation was made from. A translation whose digest no
longer matches the English is stale: the English is given instead, marked so, until a translator
updates it (`python -m rules.translations`). Citations and quoted passages are not in the catalog:
they stay in their original language.

The catalog of what can be translated is read from the English files themselves (`english`), so an
overlay row naming an id or a field the English does not have is refused at load, like any other
knowledge error. Pure: no web library, read once per process.
"""

from __future__ import annotations

import functools
import hashlib
import re
import tomllib
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import replace
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any
from typing import Literal
from typing import NamedTuple

from .errors import KnowledgeError
from .model import Clue
from .model import Finding
from .model import Gene
from .model import GeneStatement
from .model import KnowledgeBase
from .model import Mechanism
from .model import Option
from .model import Panel
from .model import Premise
from .model import RedFlag
from .model import WorkupItem

# The languages the knowledge's texts have an overlay for (English is the knowledge itself).
LANGUAGES = ("en", "es")
DIGEST_LENGTH = 12
# translated: the overlay's text, made from the current English; stale: the English, since the overlay's
# text was made from an older English; english: no overlay row, so the English.
TextStatus = Literal["translated", "stale", "english"]
PLACEHOLDER = re.compile(r"\{[A-Za-z_]*(?::[^}]*)?\}")
# The patient's pronouns of an observation template (rules/practice/observations.py): a language that
# needs none (Spanish drops the subject, its possessive has no gender) may leave them out.
PRONOUNS = frozenset({"{he}", "{him}", "{his}", "{He}", "{His}"})

Catalog = dict[str, dict[str, dict[str, str]]]  # kind (knowledge file's stem) -> id -> field -> English


def digest(english: str) -> str:
    """The digest an overlay row keeps of the English it translates: the first 12 hex digits of the
    SHA-256 of its exact text (UTF-8), so any change to the English, a space or a comma, shows."""
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


class Text(NamedTuple):
    """A text in the language asked for, and what it is."""

    text: str
    status: TextStatus
    lang: str  # the language the text is in: the one asked for when translated, else "en"


class Row(NamedTuple):
    """One translatable text: where it is (kind, id, field), its English and, when one is kept, the
    overlay's text and the digest it was made from."""

    kind: str
    id: str
    field: str
    english: str
    text: str = ""
    en_sha: str = ""


# ---- the catalog: every translatable text of the English knowledge, by kind, id and field


def _knowledge() -> Traversable:
    return resources.files("rules").joinpath("knowledge")


def _read(*parts: str) -> dict[str, Any]:
    return tomllib.loads(_knowledge().joinpath(*parts).read_text(encoding="utf-8"))


def _put(out: dict[str, dict[str, str]], ident: str, raw: Mapping[str, Any], *fields: str) -> None:
    """The given fields of one English row that it has (an optional field left out is not a text)."""
    texts = {f: raw[f] for f in fields if isinstance(raw.get(f), str) and raw[f]}
    if texts:
        out.setdefault(ident, {}).update(texts)


def _by_key(rows: list[dict[str, Any]], key: str, *fields: str, prefix: str = "") -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        _put(out, prefix + row[key], row, *fields)
    return out


def _findings() -> dict[str, dict[str, str]]:
    raw = _read("findings.toml")
    return {
        **_by_key(raw["finding"], "slug", "label", "check"),
        **_by_key(raw.get("panel", []), "id", "title", "explanation", "note", prefix="panel/"),
    }


def _premise() -> dict[str, dict[str, str]]:
    raw = _read("premise.toml")
    out: dict[str, dict[str, str]] = {}
    _put(
        out,
        "premise",
        {**raw["message"], "absent_label": raw.get("absent_label", "")},
        "absent_label",
        "confirmed",
        "unconfirmed",
        "contradicted",
        "no_lean",
    )
    return out


def _options() -> dict[str, dict[str, str]]:
    raw = _read("options.toml")
    return {
        **_by_key(raw["onset"], "slug", "label", prefix="onset/"),
        **_by_key(raw["family_history"], "slug", "label", prefix="family_history/"),
        "words": dict(raw["words"]),
    }


def _genes() -> dict[str, dict[str, str]]:
    return {
        g["symbol"]: {f"statement_{i}": s["text"] for i, s in enumerate(g["statement"], 1)}
        for g in _read("genes.toml")["gene"]
    }


def _observations() -> dict[str, dict[str, str]]:
    raw = _read("observations.toml")
    out: dict[str, dict[str, str]] = {"stages": dict(raw["stages"])}
    seen: dict[str, int] = {}
    for o in raw["observation"]:
        base = f"{o['finding']}/{o['stage']}"
        seen[base] = seen.get(base, 0) + 1
        _put(out, f"{base}/{seen[base]}", o, "text")
    for a in raw["absent"]:
        _put(out, f"absent/{a['finding']}/{a['stage']}", a, "text")
    return out


def _simulation() -> dict[str, dict[str, str]]:
    raw = _read("simulation.toml")
    return {
        **_by_key(raw["onset"], "slug", "age", "female", "male", "opening", prefix="onset/"),
        "sentences": dict(raw["sentences"]),
        **{f"teaching/{name}": {"text": t["text"]} for name, t in raw["teaching"].items()},
    }


def _entries() -> dict[str, dict[str, str]]:
    raw = _read("entries.toml")
    out = _by_key(raw["entry"], "id", "note", "inheritance_source")
    for e in raw["entry"]:
        if "prior" in e:
            _put(out, e["id"], {"prior_basis": e["prior"]["basis"]}, "prior_basis")
    return {**out, **_by_key(raw.get("lookalike", []), "id", "name", "separates", prefix="lookalike/")}


def _cases() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    folder = _knowledge().joinpath("cases")
    for name in sorted(item.name for item in folder.iterdir() if item.name.endswith(".toml")):
        raw = _read("cases", name)
        row: dict[str, str] = {f: raw[f] for f in ("title", "age", "narrative") if f in raw}
        for i, stage in enumerate(raw.get("stage", []), 1):
            row[f"stage_{i}_title"] = stage["title"]
            row[f"stage_{i}_narrative"] = stage["narrative"]
        for i, point in enumerate(raw["teaching_point"], 1):
            row[f"teaching_point_{i}"] = point["text"]
        out[raw["id"]] = row
    return out


# Each kind (the stem of the knowledge file its texts come from) and how its rows are read.
KINDS: dict[str, Callable[[], dict[str, dict[str, str]]]] = {
    "findings": _findings,
    "mechanisms": lambda: _by_key(_read("mechanisms.toml")["mechanism"], "slug", "title", "explanation"),
    "inheritance": lambda: _by_key(_read("inheritance.toml")["clue"], "id", "name", "why", "beyond_seed"),
    "red_flags": lambda: _by_key(_read("red_flags.toml")["red_flag"], "id", "title", "why", "action", "beyond_seed"),
    "workup": lambda: _by_key(_read("workup.toml")["workup"], "id", "label", "why"),
    "premise": _premise,
    "options": _options,
    "next_steps": lambda: _by_key(_read("next_steps.toml")["choice"], "id", "label"),
    "genes": _genes,
    "entries": _entries,
    "observations": _observations,
    "simulation": _simulation,
    "cases": _cases,
}


@functools.cache
def english() -> Catalog:
    """Every translatable English text, by kind, id and field (read once per process)."""
    return {kind: read() for kind, read in KINDS.items()}


# ---- the overlays


def overlay_files(lang: str) -> list[str]:
    """The names of a language's overlay files, as under rules/knowledge ("i18n/es/findings.toml")."""
    folder = _knowledge().joinpath("i18n", lang)
    if not folder.is_dir():
        return []
    return sorted(f"i18n/{lang}/{item.name}" for item in folder.iterdir() if item.name.endswith(".toml"))


def _row_problems(name: str, kind: str, ident: str, fields: object, catalog: Catalog) -> Iterator[str]:
    where = f"{name}: [{ident}]"
    known = catalog.get(kind, {}).get(ident)
    if known is None:
        yield f"{where}: no {kind} row {ident!r} in the English knowledge"
        return
    if not isinstance(fields, dict):
        yield f"{where}: must be a table of translated fields"
        return
    for field, entry in fields.items():
        if field not in known:
            yield f"{where}: unknown field {field!r} (translatable: {', '.join(known)})"
            continue
        if isinstance(entry, str):
            yield f"{where} {field}: not signed (scripts/translations.py sign gives it the English's digest)"
            continue
        if not isinstance(entry, dict) or set(entry) != {"text", "en_sha"}:
            yield f"{where} {field}: give exactly text and en_sha"
            continue
        text, sha = entry["text"], entry["en_sha"]
        if not isinstance(text, str) or not text.strip():
            yield f"{where} {field}: text must be a non-empty string"
        elif not isinstance(sha, str) or not re.fullmatch(f"[0-9a-f]{{{DIGEST_LENGTH}}}", sha):
            yield f"{where} {field}: en_sha must be {DIGEST_LENGTH} lower-case hex digits"
        elif not _same_placeholders(text, known[field]):
            yield f"{where} {field}: keep the English placeholders {sorted(set(PLACEHOLDER.findall(known[field])))}"


def _same_placeholders(text: str, english_text: str) -> bool:
    """Whether a translation has the English's placeholders: every one (the patient's pronouns may be
    left out) and no other."""
    given, wanted = set(PLACEHOLDER.findall(text)), set(PLACEHOLDER.findall(english_text))
    return given <= wanted and wanted - PRONOUNS <= given


def overlay_problems(name: str, data: Mapping[str, Any], catalog: Catalog | None = None) -> list[str]:
    """Every problem of one overlay file's data: a file for no knowledge file, a row for an id the
    English does not have, an unknown field, a malformed entry, a placeholder lost or added."""
    kind = name.rsplit("/", 1)[-1].removesuffix(".toml")
    catalog = english() if catalog is None else catalog
    if kind not in catalog:
        return [f"{name}: no knowledge file {kind}.toml has translatable texts (kinds: {', '.join(catalog)})"]
    return [problem for ident, fields in data.items() for problem in _row_problems(name, kind, ident, fields, catalog)]


def read_overlay(lang: str, catalog: Catalog | None = None) -> dict[str, dict[str, dict[str, tuple[str, str]]]]:
    """A language's overlays, checked: kind -> id -> field -> (text, en_sha); a KnowledgeError listing
    every problem otherwise."""
    out: dict[str, dict[str, dict[str, tuple[str, str]]]] = {}
    found: list[str] = []
    for name in overlay_files(lang):
        data = _read(*name.split("/"))
        problems = overlay_problems(name, data, catalog)
        found += problems
        if not problems:
            kind = name.rsplit("/", 1)[-1].removesuffix(".toml")
            out[kind] = {ident: {f: (e["text"], e["en_sha"]) for f, e in row.items()} for ident, row in data.items()}
    if found:
        raise KnowledgeError("\n".join(found))
    return out


@functools.cache
def load_overlay(lang: str) -> dict[str, dict[str, dict[str, tuple[str, str]]]]:
    """A language's overlays, read and checked once per process (none for English)."""
    if lang not in LANGUAGES:
        raise ValueError(f"no knowledge texts in {lang!r}: one of {', '.join(LANGUAGES)}")
    return {} if lang == "en" else read_overlay(lang)


def text_in(kind: str, ident: str, field: str, lang: str, english_text: str | None = None) -> Text:
    """One text of the knowledge in `lang`: the overlay's when its digest matches the current English,
    else the English marked stale (an overlay row made from older English), else the English.
    `english_text` defaults to the catalog's (pass the text in hand to check it, not the file's)."""
    base = english()[kind][ident][field] if english_text is None else english_text
    if lang == "en":
        return Text(base, "translated", "en")
    row = load_overlay(lang).get(kind, {}).get(ident, {}).get(field)
    if row is None:
        return Text(base, "english", "en")
    if row[1] != digest(base):
        return Text(base, "stale", "en")
    return Text(row[0], "translated", lang)


def rows(lang: str, catalog: Catalog | None = None) -> list[Row]:
    """Every translatable text with the overlay's row for it, if any, in catalog order."""
    catalog = english() if catalog is None else catalog
    overlay = read_overlay(lang, catalog)
    out: list[Row] = []
    for kind, by_id in catalog.items():
        for ident, fields in by_id.items():
            for field, text in fields.items():
                kept = overlay.get(kind, {}).get(ident, {}).get(field)
                out.append(Row(kind, ident, field, text, *(kept or ("", ""))))
    return out


def stale_rows(lang: str, catalog: Catalog | None = None) -> list[Row]:
    """The overlay's rows translated from an English text that has changed since."""
    return [r for r in rows(lang, catalog) if r.en_sha and r.en_sha != digest(r.english)]


def missing_rows(lang: str, catalog: Catalog | None = None) -> list[Row]:
    """The English texts with no overlay row in `lang`."""
    return [r for r in rows(lang, catalog) if not r.en_sha]


def coverage(lang: str, catalog: Catalog | None = None) -> dict[str, tuple[int, int, int]]:
    """Per kind: (translated and current, stale, texts in all)."""
    out: dict[str, list[int]] = {}
    for r in rows(lang, catalog):
        counts = out.setdefault(r.kind, [0, 0, 0])
        counts[2] += 1
        if r.en_sha:
            counts[0 if r.en_sha == digest(r.english) else 1] += 1
    return {kind: (a, b, c) for kind, (a, b, c) in out.items()}


# ---- the knowledge base in a language


def _t(lang: str, kind: str, ident: str, field: str, english_text: str) -> str:
    return text_in(kind, ident, field, lang, english_text).text if english_text else english_text


def _finding(f: Finding, lang: str) -> Finding:
    return replace(
        f, label=_t(lang, "findings", f.slug, "label", f.label), check=_t(lang, "findings", f.slug, "check", f.check)
    )


def _panel(p: Panel, lang: str) -> Panel:
    ident = f"panel/{p.id}"
    return replace(
        p,
        title=_t(lang, "findings", ident, "title", p.title),
        explanation=_t(lang, "findings", ident, "explanation", p.explanation),
        note=_t(lang, "findings", ident, "note", p.note),
    )


def _mechanism(m: Mechanism, lang: str) -> Mechanism:
    return replace(
        m,
        title=_t(lang, "mechanisms", m.slug, "title", m.title),
        explanation=_t(lang, "mechanisms", m.slug, "explanation", m.explanation),
    )


def _clue(c: Clue, lang: str) -> Clue:
    name = _t(lang, "inheritance", c.id, "name", c.name) if c.name != c.id else c.name
    return replace(
        c,
        name=name,
        why=_t(lang, "inheritance", c.id, "why", c.why),
        beyond_seed=_t(lang, "inheritance", c.id, "beyond_seed", c.beyond_seed),
    )


def _red_flag(r: RedFlag, lang: str) -> RedFlag:
    return replace(
        r,
        title=_t(lang, "red_flags", r.id, "title", r.title),
        why=_t(lang, "red_flags", r.id, "why", r.why),
        action=_t(lang, "red_flags", r.id, "action", r.action),
        beyond_seed=_t(lang, "red_flags", r.id, "beyond_seed", r.beyond_seed),
    )


def _workup(w: WorkupItem, lang: str) -> WorkupItem:
    return replace(w, label=_t(lang, "workup", w.id, "label", w.label), why=_t(lang, "workup", w.id, "why", w.why))


def _gene(g: Gene, lang: str) -> Gene:
    statements = tuple(
        GeneStatement(_t(lang, "genes", g.symbol, f"statement_{i}", s.text), s.cite, s.beyond_seed)
        for i, s in enumerate(g.statements, 1)
    )
    return replace(
        g,
        statements=statements,
        note=" ".join(s.text for s in statements),
        beyond_seed=" ".join(s.text for s in statements if s.beyond_seed),
    )


def _premise_in(p: Premise | None, lang: str) -> Premise | None:
    if p is None:
        return None
    messages = {state: _t(lang, "premise", "premise", state, text) for state, text in p.messages.items()}
    return replace(p, messages=messages, absent_label=_t(lang, "premise", "premise", "absent_label", p.absent_label))


def _option(o: Option, prefix: str, lang: str) -> Option:
    return replace(o, label=_t(lang, "options", f"{prefix}/{o.slug}", "label", o.label))


def localize(kb: KnowledgeBase, lang: str) -> KnowledgeBase:
    """The knowledge base with its texts in `lang` (each text as text_in gives it); the same object
    for English. Ids, conditions, weights and citations are unchanged, so the engine's answers are
    the same; the new base must be prepared for the engine like any other (rules.load_knowledge)."""
    if lang == "en":
        return kb
    load_overlay(lang)  # a bad language or overlay fails here, before anything is built
    return replace(
        kb,
        findings={s: _finding(f, lang) for s, f in kb.findings.items()},
        mechanisms={s: _mechanism(m, lang) for s, m in kb.mechanisms.items()},
        clues=tuple(_clue(c, lang) for c in kb.clues),
        red_flags=tuple(_red_flag(r, lang) for r in kb.red_flags),
        genes=tuple(_gene(g, lang) for g in kb.genes),
        onsets={s: _option(o, "onset", lang) for s, o in kb.onsets.items()},
        family_histories={s: _option(o, "family_history", lang) for s, o in kb.family_histories.items()},
        premise=_premise_in(kb.premise, lang),
        workup=tuple(_workup(w, lang) for w in kb.workup),
        panels={i: _panel(p, lang) for i, p in kb.panels.items()},
        words={k: _t(lang, "options", "words", k, v) for k, v in kb.words.items()},
        lang=lang,
        base=kb,
    )
