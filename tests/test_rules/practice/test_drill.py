"""Drill cards from the review schedule: the front never names the answer, the choices are built
deterministically from the knowledge, and a rating reschedules the card with FSRS."""

from __future__ import annotations

import re
from datetime import UTC
from datetime import datetime
from datetime import timedelta

from rules import load_knowledge
from rules.practice.cases import load_cases
from rules.practice.drill import CHOICES
from rules.practice.drill import WHY_CHARS
from rules.practice.drill import anki_note
from rules.practice.drill import card_of
from rules.practice.drill import next_card
from rules.practice.observations import drawable
from rules.practice.review import Item
from rules.practice.review import items
from rules.practice.review import rate
from rules.practice.review import review
from rules.practice.simulate import load_entries
from rules.practice.simulate import offered_entries

KB = load_knowledge()
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DUES = [NOW + timedelta(minutes=m) for m in (0, 7, 61, 1440, 10_000, 99_999)]


def front_text(card):
    return " ".join(text for _, text in card.prompt) + " " + card.question


def test_a_finding_card_never_names_its_answer_on_the_front():
    asked = set()
    for slug in sorted(drawable(KB)):
        finding = KB.findings[slug]
        for due in DUES:
            card = card_of(Item(f"f:{slug}", due, None), KB)
            assert card is not None, slug
            asked.add(card.asks)
            answer = card.options[card.answer]
            assert answer == (finding.label if card.asks == "finding" else answer)
            if card.asks == "mechanism":
                assert answer in {KB.mechanisms[g].title for g in finding.groups}
            front = front_text(card).lower()
            assert answer.lower() not in front and finding.label.lower() not in front, (slug, front)
            assert len(card.options) == min(CHOICES, len(card.options)) and len(set(card.options)) == len(card.options)
            assert card.source.source in KB.sources and len(card.why) <= WHY_CHARS + len(finding.label) + 2
    assert asked == {"finding", "mechanism"}  # both questions come up


def test_a_case_card_asks_the_type_without_naming_it():
    for case in load_cases().values():
        card = card_of(Item(f"c:{case.id}", NOW, None), KB)
        assert card is not None and card.asks == "type"
        answer = card.options[card.answer]
        entry = load_entries().get(case.entry)
        name = entry.name if entry else case.entry_name
        assert answer.startswith(name) and len(card.options) == CHOICES
        front = front_text(card)
        # A gene may be on the front only where the case's own narrative gives it (then the question is the mode).
        terms = [name, case.entry_name, case.entry, *(g for g in case.genes if g not in case.narrative)]
        assert not any(t.lower() in front.lower() for t in terms), (case.id, terms)
        assert not re.search(rf"(?<![0-9]){case.entry.split(':')[1]}(?![0-9])", front)
        others = [o for i, o in enumerate(card.options) if i != card.answer]
        mode = entry.inheritance if entry else case.key.lean
        same_disease = [e for e in offered_entries() if set(e.genes) & set(case.genes) and e.inheritance == mode]
        assert not any(o.startswith(e.name) for e in same_disease for o in others)


def test_the_same_card_asks_the_same_until_rated_and_differently_after():
    item = Item("f:hypocalcemia", NOW, None)
    assert card_of(item, KB) == card_of(item, KB)
    cards = {card_of(Item("f:hypocalcemia", due, None), KB) for due in DUES}
    assert len({(c.asks, c.options, c.prompt) for c in cards}) > 1
    assert len({c.token for c in cards}) == len(DUES)
    assert all("hypocalcemia" not in c.token for c in cards)


def test_the_drill_takes_the_card_due_first_and_nothing_before_it_is_due():
    case = load_cases()["miop-blind-toddler"]
    raw = review({}, case.id, case.key.present, case.key.present, 10, NOW)
    assert next_card(raw, NOW, KB) is None  # FSRS's first step is a minute away
    later = NOW + timedelta(minutes=5)
    first = min(items(raw), key=lambda i: (i.due, i.key))
    assert next_card(raw, later, KB).key == first.key


def test_a_rating_reschedules_the_card_with_fsrs():
    case = load_cases()["miop-blind-toddler"]
    raw = review({}, case.id, case.key.present, case.key.present, 10, NOW)
    later = NOW + timedelta(minutes=5)
    due = {i.key: i.due for i in items(raw)}

    def due_after(rating):
        return {i.key: i.due for i in items(rate(raw, "f:anemia", rating, later))}

    again, good, easy = due_after(1), due_after(3), due_after(4)
    assert again["f:anemia"] < good["f:anemia"] < easy["f:anemia"]
    assert easy["f:anemia"] - later >= timedelta(days=1)
    assert {k: v for k, v in good.items() if k != "f:anemia"} == {k: v for k, v in due.items() if k != "f:anemia"}
    assert items(rate(raw, "f:no-such-card", 3, later)) == items(raw)


def test_an_anki_note_is_short_tagged_and_keeps_its_source_apart():
    note = anki_note("hypocalcemia", ["OMIM:259700", "ORPHA:667", "OMIM:259700"], KB)
    assert "Low blood calcium" not in note.front and note.front.startswith("A patient: \u201c")
    assert note.back.startswith("Low blood calcium. Mechanism: Calcium locked into bone. Why: ")
    assert len(note.back.split()) <= 45 and "source document" not in note.back.lower()
    assert note.tags == ("miop", "mechanism::calcium_trapping", "type::OMIM_259700", "type::ORPHA_667")
    assert [c.source for c in note.sources] == ["hpo", "seed"]
    assert anki_note("dense_bone", [], KB) is None  # the premise: no observation describes it
