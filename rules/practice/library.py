"""A case by id, written (rules/practice/cases.py) or simulated (rules/practice/simulate.py): the one
place that knows both kinds, so neither module imports the other's caller.

Each case has two ids: the one it is written with (`lrp5-jaw-ache`, `sim-259700-42`), used inside
the app and by the classroom, and its public id (rules/practice/ids.py), the only one a trainee sees
in an address, a page, the practice API or the progress cookie. `get_case` takes either.
"""

from __future__ import annotations

import functools

from rules.core.errors import KnowledgeError

from .cases import Case
from .cases import in_language as written_in_language
from .cases import load_cases
from .ids import is_token
from .ids import simulated_parts
from .ids import simulated_token
from .ids import written_token
from .simulate import SIM_ID
from .simulate import simulated_case


@functools.cache
def _written_by_token() -> dict[str, str]:
    table = {written_token(case_id): case_id for case_id in load_cases()}
    if len(table) != len(load_cases()):
        raise KnowledgeError("two written cases share a public id: rename one")
    return table


def public_id(case_id: str) -> str:
    """The id a trainee sees for a case id (a public id, or an id with nothing to hide, comes back as is)."""
    if case_id in load_cases():
        return written_token(case_id)
    match = SIM_ID.match(case_id)
    if match:
        number = match.group(1)
        return simulated_token(number.startswith("ORPHA"), int(number.removeprefix("ORPHA")), int(match.group(2)))
    return case_id


def internal_id(case_id: str) -> str:
    """The id a case is written with, from its public id (any other id comes back as is)."""
    if not is_token(case_id):
        return case_id
    written = _written_by_token().get(case_id)
    if written is not None:
        return written
    parts = simulated_parts(case_id)
    if parts is None:
        return case_id
    orphanet, number, seed = parts
    return f"sim-{'ORPHA' if orphanet else ''}{number}-{seed}"


def get_case(case_id: str) -> Case | None:
    """A case by its public id or the id it is written with; None when there is none."""
    wanted = internal_id(case_id)
    written = load_cases().get(wanted)
    if written is not None:
        return written
    if wanted.startswith("sim-"):
        return simulated_case(wanted)  # the HPO data loads on the first simulated case, not at import
    return None


def in_language(case: Case, lang: str) -> Case:
    """A case with its texts in `lang` (docs/languages.md): a simulated case written again in that
    language from the same draw, a written case from the overlay's rows; the key is the same."""
    if lang != "en" and SIM_ID.match(case.id):
        return simulated_case(case.id, lang) or case
    return written_in_language(case, lang)
