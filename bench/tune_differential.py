"""Choose the ranking's tempering constants on data, never on one picture: a grid over the temperature, the
weak-annotation exponent, the annotation count that counts as complete and the default prior, scored on
the simulated patients and the development split of the published patients (never the test split).

The score is the mean log loss of the patient's own gene (its share in the ranking's gene shares, floored
at 0.001), averaged over the two sets with equal weight, plus the share of dense-bone mimics that get
neither another dense-bone disorder in the top three nor a poor fit. Lower is better. It prints the grid
best first; the constants in rules/differential/model.py are set from it by hand (and said so there).
Usage: python bench/tune_differential.py
"""

from __future__ import annotations

import itertools
import math
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.differential_calibration import body_of  # noqa: E402
from bench.differential_calibration import load_real  # noqa: E402
from bench.differential_calibration import score  # noqa: E402
from rules import load_hpo  # noqa: E402
from rules import load_knowledge  # noqa: E402
from rules import parse_request  # noqa: E402
from rules.differential import model as differential_model  # noqa: E402
from rules.differential import ranking  # noqa: E402
from rules.differential.model import _read  # noqa: E402
from rules.differential.model import entry_facts  # noqa: E402
from rules.differential.model import model_from_data  # noqa: E402
from rules.differential.model import reference_onsets  # noqa: E402
from rules.practice.simulate import draw  # noqa: E402
from rules.practice.simulate import key_of  # noqa: E402
from rules.practice.simulate import offered_entries  # noqa: E402

GRID = {
    "TEMPERATURE": (1.5, 2.0, 3.0),
    "WEAK_ANNOTATION_EXPONENT": (0.5, 0.75),
    "DEFAULT_PRIOR_PER_MILLION": (0.1, 0.3),
    "MAX_LR": (20.0, 100.0),
    "MIN_COMPLETENESS": (0.0, 0.5),
}
# Whether the Orphanet groups are pooled into their gene entries (model.py, "Orphanet groups"): as
# rules/knowledge/entries.toml lists, or none (each ranked as an entry of its own, as before pooling).
POOLING = ("all", "none")
SIMULATED = 6
FLOOR = 1e-3


def _inputs() -> tuple[list[tuple[object, list[tuple[str, str]], frozenset[str], str]], ...]:
    kb, hpo = load_knowledge(), load_hpo()
    real = []
    for p in load_real("dev"):
        parsed = parse_request(body_of(p, kb), kb, hpo)
        real.append((parsed.answers, [(u.input, u.state) for u in parsed.unmapped], frozenset([p["gene"]]), p["group"]))
    sim = [
        (key_of(draw(e, s, kb), kb).answers(), [], frozenset(e.genes), "osteopetrosis")
        for e in offered_entries()
        for s in range(SIMULATED)
    ]
    return real, sim


def _model(pooling: str = "all") -> object:
    kb = load_knowledge()
    diseases = [*_read("osteopetrosis_diseases.json")["diseases"], *_read("dense_bone_diseases.json")["diseases"]]
    diseases.sort(key=lambda d: d["id"])
    facts = {}
    for ident, fact in entry_facts().items():
        if pooling == "none":
            fact = {k: v for k, v in fact.items() if k != "pools_into"}
        facts[ident] = fact
    return model_from_data(_read("differential_hpo.json"), diseases, kb, reference_onsets(), facts)


def evaluate(inputs: tuple[list, list], pooling: str = "all") -> tuple[float, dict[str, float]]:
    kb = load_knowledge()
    model = _model(pooling)
    losses = []
    figures: dict[str, float] = {}
    mimic_misses = 0
    mimics = 0
    for name, cases in zip(("real", "sim"), inputs, strict=True):
        loss, top1, top3, n = 0.0, 0, 0, 0
        for answers, typed, truth, group in cases:
            r = ranking.rank(answers, kb, typed, model)  # type: ignore[arg-type]
            s = score(r, "", group, truth)
            if group != "osteopetrosis":
                mimics += 1
                mimic_misses += not (s.other_in_top3 or s.fit == "poor")
                continue
            share = sum(p for g, p in s.genes if g in truth)
            loss -= math.log(max(FLOOR, share))
            top1 += s.hit(1)
            top3 += s.hit(3)
            n += 1
        losses.append(loss / max(1, n))
        figures[f"{name}_top1"] = top1 / max(1, n)
        figures[f"{name}_top3"] = top3 / max(1, n)
    miss = mimic_misses / max(1, mimics)
    figures["mimic_miss"] = miss
    return sum(losses) / len(losses) + miss, figures


def main() -> int:
    inputs = _inputs()
    rows = []
    keys = list(GRID)
    for pooling in POOLING:
        for values in itertools.product(*GRID.values()):
            for k, v in zip(keys, values, strict=True):
                setattr(differential_model, k, v)
            ranking.TEMPERATURE = differential_model.TEMPERATURE  # imported by name there
            loss, figures = evaluate(inputs, pooling)
            rows.append((loss, (*values, pooling), figures))
    rows.sort(key=lambda r: r[0])
    print("loss  " + "  ".join([*keys, "pooling"]) + "  real_top1 real_top3 sim_top1 sim_top3 mimic_miss")
    for loss, values, f in rows[:25]:
        print(
            f"{loss:.3f} {values} {f['real_top1']:.2f} {f['real_top3']:.2f} {f['sim_top1']:.2f} "
            f"{f['sim_top3']:.2f} {f['mimic_miss']:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
