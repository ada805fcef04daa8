"""Rules benchmark: how often the checklist's lean matches the real inheritance of simulated patients.

For every entry offered for simulation (known inheritance, at least one finding), PATIENTS patients
with seeds 0..PATIENTS-1 are drawn from its HPO annotations (rules/practice/simulate.py) and evaluated with
the rules on their findings, explicit absences and onset (family history unknown). Figures:

- lean_accuracy_<ENTRY>: share where the lean equals the entry's inheritance (strict);
- lean_not_wrong_<ENTRY>: share where the lean equals it or is indeterminate (an indeterminate
  answer on a patient with little information is arguably right);
- lean_indeterminate_<ENTRY>: share that is indeterminate;
- the same three as *_overall over all patients of all entries, each entry weighing the same.

Deterministic: the same data and knowledge give the same figures.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules import load_knowledge  # noqa: E402
from rules.practice.simulate import draw  # noqa: E402
from rules.practice.simulate import engine_lean  # noqa: E402
from rules.practice.simulate import key_of  # noqa: E402
from rules.practice.simulate import offered_entries  # noqa: E402

PATIENTS = 500


def _name(entry_id: str) -> str:
    return entry_id.replace(":", "_")


def run(patients: int = PATIENTS) -> dict[str, float]:
    """name: value figures for the lean accuracy of the rules on simulated patients."""
    kb = load_knowledge()
    out: dict[str, float] = {}
    totals = {"accuracy": 0.0, "not_wrong": 0.0, "indeterminate": 0.0}
    entries = offered_entries()
    for entry in entries:
        right = indeterminate = 0
        for seed in range(patients):
            key = key_of(draw(entry, seed, kb), kb)
            lean, _ = engine_lean(key, kb)
            right += lean == key.lean
            indeterminate += lean == "indeterminate"
        figures = {
            "accuracy": right / patients,
            "not_wrong": (right + indeterminate) / patients,
            "indeterminate": indeterminate / patients,
        }
        for kind, value in figures.items():
            label = "lean_accuracy" if kind == "accuracy" else f"lean_{kind}"
            out[f"{label}_{_name(entry.id)}"] = round(value, 3)
            totals[kind] += value / len(entries)
    out["lean_accuracy_overall"] = round(totals["accuracy"], 3)
    out["lean_not_wrong_overall"] = round(totals["not_wrong"], 3)
    out["lean_indeterminate_overall"] = round(totals["indeterminate"], 3)
    return out


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
