"""A simulated patient written in Spanish (rules/practice/simulate.py with a language): the same
draw, key, stages and findings revealed as in English, told with the Spanish observation templates,
and, as in English, never with a checklist label."""

from __future__ import annotations

import re

from rules import case_in_language
from rules import load_knowledge
from rules.practice.library import get_case
from rules.practice.observations import load_vocabulary
from rules.practice.observations import vocabulary_in
from rules.practice.simulate import offered_entries
from rules.practice.simulate import simulate

KB_ES = load_knowledge("es")


def spanish_label_parts(slug: str) -> set[str]:
    """A finding's Spanish label, and each part of it around a parenthesis."""
    label = KB_ES.findings[slug].label.lower()
    return {label, *(p.strip() for p in re.split(r"[()]", label) if len(p.strip()) > 3)}


def test_a_simulated_patient_in_spanish_is_the_same_patient():
    for entry in offered_entries()[:6]:
        for seed in range(10):
            en, es = simulate(entry, seed), simulate(entry, seed, "es")
            assert es.key == en.key and es.id == en.id and es.difficulty == en.difficulty
            assert [s.adds for s in es.stages] == [s.adds for s in en.stages]
            assert [s.title for s in es.stages] == [
                {"History": "Anamnesis", "Examination": "Exploración", "Investigations": "Pruebas complementarias"}[
                    s.title
                ]
                for s in en.stages
            ]
            assert es.narrative != en.narrative


def test_every_observation_template_is_in_spanish_and_none_contains_a_spanish_label():
    vocab, english = vocabulary_in("es"), load_vocabulary()
    english_texts = {o.text for items in english.present.values() for o in items} | {
        o.text for o in english.absent.values()
    }
    for slug, items in vocab.present.items():
        assert [o.stage for o in items] == [o.stage for o in english.present[slug]]  # the same order
        for o in (*items, vocab.absent[slug]):
            assert o.text not in english_texts
            for other in KB_ES.findings:
                for part in spanish_label_parts(other):
                    assert part not in o.text.lower(), (slug, part, o.text)


def test_the_case_page_s_case_is_written_again_in_the_language():
    case = get_case("sim-259700-42")
    es = case_in_language(case, "es")
    assert es.title.startswith("Paciente simulado: ")  # no seed in the title (it would name the draw)
    assert es.stages[0].narrative.startswith("Se atiende a ")
    assert es.teaching_points[0].cite == case.teaching_points[0].cite
