"""Differential benchmark: how often the ranking (rules/differential/) puts the right entry and gene on top.

Three sets, each reported as top-1 and top-3 accuracy by entry and by gene (an entry's gene counts when
any of its genes is among the first k distinct genes of the ranking):

- simulated (`dx_sim_*`): PATIENTS patients per entry offered for simulation (rules/practice/simulate.py: the
  entry's own HPO annotations, frequencies respected, with its onset; family history unknown), scored
  by the shipped model. Optimistic: the patients come from the same annotations the model reads.
- leave-annotations-out (`dx_loo_*`): the same patients, each entry's patients scored by a model in
  which that entry's annotations are replaced by a noisy copy (each annotation kept with
  KEEP_ANNOTATION, its frequency multiplied by a random factor in NOISE_RANGE), the others' unchanged:
  an estimate of how the ranking does when the annotations describe the disease imperfectly.
- vignettes (`dx_vignettes_*`): the written cases (rules/knowledge/cases), each with the entry and
  genes it was written for: an independent set, written by hand, on the source document's 23 findings.

Per entry: `dx_sim_top1_<ENTRY>`, `dx_sim_top3_<ENTRY>`. Deterministic (fixed seeds).
Usage: python bench/differential_accuracy.py (or `python bench/run.py differential_accuracy`).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules import load_knowledge  # noqa: E402
from rules.differential import Model  # noqa: E402
from rules.differential import load_model  # noqa: E402
from rules.differential import model_from_data  # noqa: E402
from rules.differential import rank  # noqa: E402
from rules.differential.model import _read  # noqa: E402
from rules.differential.model import reference_onsets  # noqa: E402
from rules.practice.cases import load_cases  # noqa: E402
from rules.practice.simulate import draw  # noqa: E402
from rules.practice.simulate import key_of  # noqa: E402
from rules.practice.simulate import offered_entries  # noqa: E402

PATIENTS = 200
KEEP_ANNOTATION = 0.7
NOISE_RANGE = (0.5, 1.5)


def _hits(ranking: Any, entry_id: str, genes: Iterable[str]) -> tuple[bool, bool, bool, bool]:
    """(entry top 1, entry top 3, gene top 1, gene top 3)."""
    ids = [r.entry.id for r in ranking.entries[:3]]
    ranked_genes: list[str] = []
    for r in ranking.entries:
        ranked_genes += [g for g in r.entry.genes if g not in ranked_genes]
        if len(ranked_genes) >= 3:
            break
    wanted = set(genes)
    return (
        ids[0] == entry_id,
        entry_id in ids,
        bool(wanted & set(ranked_genes[:1])),
        bool(wanted & set(ranked_genes[:3])),
    )


def _noisy(entry_id: str, kb: Any) -> Model:
    """The shipped model with one entry's annotations replaced by a noisy copy (seeded by the entry)."""
    rng = random.Random(f"loo:{entry_id}")
    diseases = []
    for d in _read("osteopetrosis_diseases.json")["diseases"]:
        if d["id"] == entry_id:
            kept = []
            for a in d["annotations"]:
                if rng.random() >= KEEP_ANNOTATION:
                    continue
                factor = rng.uniform(*NOISE_RANGE)
                p = min(1.0, float(a["p"]) * factor)
                kept.append({**a, "p": p, "frequency": "" if not a.get("frequency") else f"{100 * p:.0f}%"})
            d = {**d, "annotations": kept}
        diseases.append(d)
    refs = reference_onsets()
    return model_from_data(_read("differential_hpo.json"), diseases, kb, refs)


def _name(entry_id: str) -> str:
    return entry_id.replace(":", "_")


def run(patients: int = PATIENTS) -> dict[str, float]:  # noqa: C901 (one flat tally per figure family, read top down)
    """name: value figures for the differential's accuracy."""
    kb = load_knowledge()
    shipped = load_model(kb)
    out: dict[str, float] = {}
    entries = offered_entries()
    sums = {"sim": [0.0] * 4, "loo": [0.0] * 4}
    for entry in entries:
        noisy = _noisy(entry.id, kb)
        per = {"sim": [0] * 4, "loo": [0] * 4}
        for seed in range(patients):
            answers = key_of(draw(entry, seed, kb), kb).answers()
            for kind, model in (("sim", shipped), ("loo", noisy)):
                for k, hit in enumerate(_hits(rank(answers, kb, model=model), entry.id, entry.genes)):
                    per[kind][k] += hit
        for kind in ("sim", "loo"):
            shares = [v / patients for v in per[kind]]
            if kind == "sim":
                out[f"dx_sim_top1_{_name(entry.id)}"] = round(shares[0], 3)
                out[f"dx_sim_top3_{_name(entry.id)}"] = round(shares[1], 3)
            else:
                out[f"dx_loo_top3_{_name(entry.id)}"] = round(shares[1], 3)
            sums[kind] = [s + v / len(entries) for s, v in zip(sums[kind], shares, strict=True)]
    for kind in ("sim", "loo"):
        for k, label in enumerate(("entry_top1", "entry_top3", "gene_top1", "gene_top3")):
            out[f"dx_{kind}_{label}_overall"] = round(sums[kind][k], 3)
    cases = [c for c in load_cases().values() if c.entry]
    totals = [0] * 4
    for case in cases:
        for k, hit in enumerate(_hits(rank(case.key.answers(), kb), case.entry, case.genes)):
            totals[k] += hit
    for k, label in enumerate(("entry_top1", "entry_top3", "gene_top1", "gene_top3")):
        out[f"dx_vignettes_{label}"] = round(totals[k] / len(cases), 3)
    out["dx_vignettes_cases"] = len(cases)
    out["dx_sim_entries"] = len(entries)
    return out


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
