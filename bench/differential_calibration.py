"""How right and how sure the type-and-gene ranking is: on simulated patients and on published patients.

Two sets, each scored through the same path as POST /api/v1/assess (parse_request, then the ranking):

- simulated: SIMULATED patients per osteopetrosis entry (rules/practice/simulate.py draws them from the
  entry's own HPO annotations, with its onset). Optimistic: the patients come from the annotations the
  model reads, and every entry gets as many patients as every other, whatever its prior.
- real: the published, gene-confirmed patients of bench/real_cases/cases.toml, coded to HPO from what
  their reports state (bench/real_cases/README.md gives how the set was built and its bias), split into
  `dev` (used to choose the ranking's constants) and `test` (never used to choose them). Reported a second
  time as a scenario: with dense bone entered for the osteopetrosis patients whose record does not code it
  (their papers name osteopetrosis; the records code imaging only where the text describes it).

For each set: gene top-1 and top-3 (the patient's gene among the first k genes of the ranking's gene
shares), the naive baseline (always the most frequent gene of the set), a reliability table (the top
gene's probability in bands against how often it was right), the Brier score (the top gene's
probability against whether it was right), and how often the answers at p >= 0.9 were right. For the
dense-bone mimics (group "other"): how often a non-osteopetrosis entry is among the first three, or the
fit is "poor". Deterministic.
Usage: python bench/differential_calibration.py [--set dev|test|all] [--rows]
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules import load_hpo  # noqa: E402
from rules import load_knowledge  # noqa: E402
from rules import parse_request  # noqa: E402
from rules.differential import Ranking  # noqa: E402
from rules.differential import load_model  # noqa: E402
from rules.differential import rank  # noqa: E402
from rules.practice.simulate import draw  # noqa: E402
from rules.practice.simulate import key_of  # noqa: E402
from rules.practice.simulate import offered_entries  # noqa: E402

REAL_CASES = Path(__file__).resolve().parent / "real_cases" / "cases.toml"
SIMULATED = 12  # patients per osteopetrosis entry
BANDS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))
CONFIDENT = 0.9


@dataclass(frozen=True)
class Scored:
    """One patient's outcome: the true genes, the ranking's genes best first with their shares, and
    whether a non-osteopetrosis entry is among the first three."""

    id: str
    group: str
    truth: frozenset[str]
    genes: tuple[tuple[str, float], ...]
    other_in_top3: bool
    fit: str

    @property
    def top(self) -> tuple[str, float]:
        return self.genes[0] if self.genes else ("", 0.0)

    def hit(self, k: int) -> bool:
        return any(g in self.truth for g, _ in self.genes[:k])


def load_real(split: str = "all") -> list[dict[str, Any]]:
    """The published patients of bench/real_cases/cases.toml (of one split, or all)."""
    if not REAL_CASES.exists():
        return []
    patients = tomllib.loads(REAL_CASES.read_text(encoding="utf-8"))["patient"]
    return [p for p in patients if split == "all" or p.get("split") == split]


# Dense bone on imaging, as the published patients' records code it (the checklist's premise).
DENSE_BONE_TERMS = frozenset(
    {"HP:0011001", "HP:0011002", "HP:0005789", "HP:0005450", "HP:0002694", "HP:0004330", "HP:0005746"}
)
OSTEOPETROSIS_TERM = "HP:0011002"


def body_of(patient: dict[str, Any], kb: Any, premise: bool = False) -> dict[str, Any]:
    """An /assess body from what the report states (HPO ids, onset, family history).

    premise=True: a patient of the osteopetrosis group whose record codes no dense bone gets Osteopetrosis
    (HP:0011002) entered present. Their papers name osteopetrosis as the patient's condition, a radiological
    one, and a clinician at the checklist has the radiograph; the records code dense bone only where the
    text describes the imaging. A scenario reported beside the records as stated, never instead of them."""
    findings = {f["hpo"]: "present" for f in patient.get("present", [])}
    findings.update({f["hpo"]: "absent" for f in patient.get("absent", [])})
    if premise and patient.get("group") == "osteopetrosis" and not DENSE_BONE_TERMS & set(findings):
        findings[OSTEOPETROSIS_TERM] = "present"
    body: dict[str, Any] = {"findings": findings}
    if patient.get("onset", "unknown") in kb.onsets:
        body["onset"] = patient["onset"]
    if patient.get("family_history", "unknown") in kb.family_histories:
        body["family_history"] = patient["family_history"]
    return body


def _fit_state(ranking: Ranking) -> str:
    fit = getattr(ranking, "fit", None)
    return getattr(fit, "state", "fits") if fit is not None else "fits"


def score(ranking: Ranking, ident: str, group: str, truth: Iterable[str]) -> Scored:
    """What one ranking says about one patient."""
    top3 = ranking.entries[:3]
    return Scored(
        ident,
        group,
        frozenset(truth),
        tuple((g.gene, g.probability) for g in ranking.genes),
        any(r.entry.group == "other" for r in top3),
        _fit_state(ranking),
    )


def real_scores(patients: Sequence[dict[str, Any]], premise: bool = False) -> list[Scored]:
    kb, hpo = load_knowledge(), load_hpo()
    model = load_model(kb)
    out = []
    for p in patients:
        parsed = parse_request(body_of(p, kb, premise), kb, hpo)
        typed = [(u.input, u.state) for u in parsed.unmapped]
        out.append(score(rank(parsed.answers, kb, typed, model), p["id"], p["group"], [p["gene"]]))
    return out


def simulated_scores(per_entry: int = SIMULATED) -> list[Scored]:
    kb = load_knowledge()
    model = load_model(kb)
    out = []
    for entry in offered_entries():
        for seed in range(per_entry):
            answers = key_of(draw(entry, seed, kb), kb).answers()
            out.append(score(rank(answers, kb, (), model), f"{entry.id}#{seed}", "osteopetrosis", entry.genes))
    return out


def summary(scores: Sequence[Scored]) -> dict[str, Any]:
    """The figures of one set (osteopetrosis patients for the gene figures, mimics apart)."""
    genetic = [s for s in scores if s.group == "osteopetrosis"]
    mimics = [s for s in scores if s.group != "osteopetrosis"]
    out: dict[str, Any] = {"patients": len(genetic), "mimics": len(mimics)}
    if genetic:
        n = len(genetic)
        commonest = Counter(g for s in genetic for g in s.truth).most_common(1)[0]
        out["gene_top1"] = sum(s.hit(1) for s in genetic) / n
        out["gene_top3"] = sum(s.hit(3) for s in genetic) / n
        out["baseline_top1"] = sum(commonest[0] in s.truth for s in genetic) / n
        out["baseline_gene"] = commonest[0]
        out["brier"] = sum((s.top[1] - s.hit(1)) ** 2 for s in genetic) / n
        sure = [s for s in genetic if s.top[1] >= CONFIDENT]
        out["confident"] = len(sure)
        out["confident_right"] = sum(s.hit(1) for s in sure)
        out["reliability"] = []
        for low, high in BANDS:
            band = [s for s in genetic if low <= s.top[1] < high]
            if band:
                out["reliability"].append(
                    (
                        f"{low:.1f}-{min(high, 1.0):.1f}",
                        len(band),
                        sum(s.top[1] for s in band) / len(band),
                        sum(s.hit(1) for s in band) / len(band),
                    )
                )
    if mimics:
        out["mimics_flagged"] = sum(s.other_in_top3 or s.fit == "poor" for s in mimics) / len(mimics)
    return out


def report(name: str, figures: dict[str, Any]) -> list[str]:
    """The figures as lines of text."""
    lines = [f"{name}: {figures['patients']} osteopetrosis patients, {figures['mimics']} mimics"]
    if figures["patients"]:
        lines.append(
            f"  gene top-1 {figures['gene_top1']:.0%}, top-3 {figures['gene_top3']:.0%} "
            f"(baseline, always {figures['baseline_gene']}: {figures['baseline_top1']:.0%}); "
            f"Brier {figures['brier']:.3f}; at p >= {CONFIDENT}: {figures['confident_right']} right "
            f"of {figures['confident']}"
        )
        lines.append("  band      n  mean p  right")
        lines += [f"  {band:8} {n:2}  {mean:5.2f}  {right:5.2f}" for band, n, mean, right in figures["reliability"]]
    if figures["mimics"]:
        lines.append(
            f"  mimics with another dense-bone disorder in the top 3 or a poor fit: {figures['mimics_flagged']:.0%}"
        )
    return lines


def run() -> dict[str, float]:
    """name: value figures for make bench."""
    out: dict[str, float] = {}
    for name, scores in (
        ("sim", simulated_scores()),
        ("real_dev", real_scores(load_real("dev"))),
        ("real_test", real_scores(load_real("test"))),
        ("real_premise", real_scores(load_real("all"), premise=True)),
    ):
        figures = summary(scores)
        print("\n".join(f"# {line}" for line in report(name, figures)), flush=True)
        for key in (
            "gene_top1",
            "gene_top3",
            "baseline_top1",
            "brier",
            "confident",
            "confident_right",
            "mimics_flagged",
            "patients",
            "mimics",
        ):
            if key in figures:
                out[f"dx_{name}_{key}"] = round(float(figures[key]), 3)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=("dev", "test", "all"), default="all")
    parser.add_argument("--rows", action="store_true", help="one line per real patient")
    args = parser.parse_args(argv)
    print("\n".join(report("simulated", summary(simulated_scores()))))
    real = real_scores(load_real(args.set))
    print("\n".join(report(f"real ({args.set})", summary(real))))
    premised = summary(real_scores(load_real(args.set), premise=True))
    print("\n".join(report(f"real ({args.set}), dense bone entered where the record lacks it", premised)))
    if args.rows:
        for s in real:
            top = ", ".join(f"{g} {p:.2f}" for g, p in s.genes[:3])
            print(
                f"  {'ok ' if s.hit(1) else 'top3' if s.hit(3) else 'MISS'} {s.id:45} {'/'.join(sorted(s.truth)):10} "
                f"-> {top}{'  [other in top 3]' if s.other_in_top3 else ''}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
