"""A case by id, written (rules/practice/cases.py) or simulated (rules/practice/simulate.py): the one
place that knows both kinds, so neither module imports the other's caller."""

from __future__ import annotations

from .cases import Case
from .cases import load_cases
from .simulate import simulated_case


def get_case(case_id: str) -> Case | None:
    """A written case by id, or a simulated one from its `sim-…` id; None when there is none."""
    written = load_cases().get(case_id)
    if written is not None:
        return written
    if case_id.startswith("sim-"):
        return simulated_case(case_id)  # the HPO data loads on the first simulated case, not at import
    return None
