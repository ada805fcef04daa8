"""Public case ids: opaque (no type, gene, OMIM or Orphanet number), stable, and reversible."""

from __future__ import annotations

import re

import pytest

from rules.practice.cases import load_cases
from rules.practice.ids import PATTERN
from rules.practice.ids import simulated_parts
from rules.practice.ids import simulated_token
from rules.practice.library import get_case
from rules.practice.library import internal_id
from rules.practice.library import public_id
from rules.practice.simulate import MAX_SEED
from rules.practice.simulate import offered_entries


def test_ids_are_fixed_for_good_so_saved_links_and_cookies_keep_working():
    # Written down once: a change of key, alphabet or packing would break every saved link.
    assert public_id("ado2-teen-fractures") == "spprlhxtdwqcz"
    assert public_id("sim-259700-187257355") == "ngthxgxhzjtfh"
    assert public_id("sim-ORPHA667-7") == "pghvljdpqddlc"


@pytest.mark.parametrize("case_id", sorted(load_cases()))
def test_a_written_case_has_a_public_id_that_leads_back_to_it(case_id):
    token = public_id(case_id)
    assert re.fullmatch(PATTERN, token) and not re.search(r"[0-9aeiou]", token)
    assert internal_id(token) == case_id and get_case(token) is get_case(case_id)


def test_every_written_case_has_its_own_public_id():
    assert len({public_id(c) for c in load_cases()}) == len(load_cases())


def test_a_simulated_patient_round_trips_for_every_entry_and_the_extreme_seeds():
    for entry in offered_entries():
        for seed in (0, 1, 42, MAX_SEED):
            legacy = f"sim-{entry.number}-{seed}"
            token = public_id(legacy)
            assert re.fullmatch(PATTERN, token)
            assert internal_id(token) == legacy and get_case(token).id == legacy


def test_patients_of_one_entry_share_no_visible_code():
    """An id learnt from one feedback must not name the next patient of the same entry."""
    tokens = [public_id(f"sim-259700-{seed}") for seed in range(200)]
    assert len(set(tokens)) == 200
    for width in (3, 4):
        commonest = max(sum(t[i : i + width] == tokens[0][i : i + width] for t in tokens) for i in range(13 - width))
        assert commonest < 10  # no fixed stretch: about 200 / 20**width by chance


def test_anything_else_is_no_case():
    assert get_case("bbbbbbbbbbbbb") is None and get_case("sim-0-1") is None and get_case("nope") is None
    assert simulated_parts("short") is None and simulated_parts("a" * 13) is None
    assert simulated_parts(simulated_token(True, 667, 7)) == (True, 667, 7)
    assert public_id("authored-3") == "authored-3"  # nothing to hide: the educator's own case
    with pytest.raises(ValueError):
        simulated_token(False, 1 << 24, 0)
