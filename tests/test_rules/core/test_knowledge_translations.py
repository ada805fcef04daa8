"""The knowledge's texts in other languages (rules/core/translations.py, docs/languages.md): overlays
keyed by id, each row with the digest of the English it was made from; a changed English shows its
translation stale, and none ships stale."""

from __future__ import annotations

import copy
import hashlib
import importlib.util
import re
import tomllib
from pathlib import Path

import pytest

from rules import Answers
from rules import evaluate
from rules import load_knowledge
from rules.checklist import fresh_knowledge
from rules.core import translations
from rules.core.errors import KnowledgeError
from rules.core.translations import coverage
from rules.core.translations import digest
from rules.core.translations import english
from rules.core.translations import missing_rows
from rules.core.translations import overlay_problems
from rules.core.translations import stale_rows
from rules.core.translations import text_in
from rules.kbcheck import check_knowledge

ROW = {"text": "Dolor óseo", "en_sha": digest("Bone pain")}


def test_no_translation_ships_stale():
    stale = [f"{r.kind} [{r.id}] {r.field}" for r in stale_rows("es")]
    assert stale == [], "translated from an English text that has changed since: " + "; ".join(stale)


def test_every_text_of_the_knowledge_is_in_spanish():
    missing = [f"{r.kind} [{r.id}] {r.field}" for r in missing_rows("es")]
    assert missing == [], "no Spanish row (scripts/translations.py missing es): " + "; ".join(missing)


def test_the_digest_is_the_start_of_the_sha256_of_the_exact_english():
    assert digest("Bone pain") == hashlib.sha256(b"Bone pain").hexdigest()[:12]
    assert digest("Bone pain ") != digest("Bone pain")


def test_a_translation_is_given_while_its_english_is_unchanged():
    assert text_in("findings", "bone_pain", "label", "es") == ("Dolor óseo", "translated", "es")
    assert text_in("findings", "bone_pain", "label", "en") == ("Bone pain", "translated", "en")


def test_a_changed_english_text_makes_its_translation_stale():
    catalog = copy.deepcopy(english())
    catalog["findings"]["bone_pain"]["label"] = "Bone or joint pain"
    stale = stale_rows("es", catalog)
    assert [(r.kind, r.id, r.field) for r in stale] == [("findings", "bone_pain", "label")]
    assert coverage("es", catalog)["findings"][1] == 1
    # the page then shows the current English, marked as English and stale, never the old translation
    assert text_in("findings", "bone_pain", "label", "es", "Bone or joint pain") == (
        "Bone or joint pain",
        "stale",
        "en",
    )


def test_a_text_with_no_row_is_given_in_english_marked_so(monkeypatch):
    monkeypatch.setattr(translations, "load_overlay", lambda lang: {})
    assert text_in("findings", "bone_pain", "label", "es") == ("Bone pain", "english", "en")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"no_such_finding": {"label": ROW}}, "no findings row 'no_such_finding'"),
        ({"bone_pain": {"hpo": ROW}}, "unknown field 'hpo'"),
        ({"bone_pain": {"label": "Dolor óseo"}}, "not signed"),
        ({"bone_pain": {"label": {"text": "Dolor óseo"}}}, "give exactly text and en_sha"),
        ({"bone_pain": {"label": {"text": "Dolor óseo", "en_sha": "XYZ"}}}, "en_sha must be 12"),
        ({"bone_pain": {"label": {"text": " ", "en_sha": ROW["en_sha"]}}}, "non-empty"),
    ],
)
def test_an_overlay_row_the_english_does_not_have_is_refused(data, problem):
    found = overlay_problems("i18n/es/findings.toml", data)
    assert len(found) == 1 and problem in found[0], found
    assert found[0].startswith("i18n/es/findings.toml: [")


def test_a_translation_keeps_the_english_placeholders():
    english_text = english()["premise"]["premise"]["contradicted"]
    row = {"text": "Eso va en contra de una osteopetrosis.", "en_sha": digest(english_text)}
    found = overlay_problems("i18n/es/premise.toml", {"premise": {"contradicted": row}})
    assert found and "{entered}" in found[0]


def test_an_overlay_for_no_knowledge_file_is_refused():
    assert "no knowledge file" in overlay_problems("i18n/es/finding.toml", {})[0]


def test_a_bad_overlay_fails_at_load_and_in_kb_check(monkeypatch):
    real = translations._read

    def broken(*parts):
        data = real(*parts)
        if parts[-1] == "findings.toml" and "i18n" in parts:
            data["no_such_finding"] = {"label": ROW}
        return data

    monkeypatch.setattr(translations, "_read", broken)
    monkeypatch.setattr("rules.core.loader._read", lambda name: broken(*name.split("/")))
    with pytest.raises(KnowledgeError, match="no_such_finding"):
        translations.read_overlay("es")
    found, summary = check_knowledge()
    assert any("no_such_finding" in p for p in found), found


def english_changed():
    """The knowledge files' reader, with the first finding's English label changed since it was translated."""
    real = translations._read

    def changed(*parts):
        data = real(*parts)
        if parts == ("findings.toml",):
            data["finding"][0]["label"] = "Bone or joint pain"
        return data

    return changed


def test_kb_check_lists_a_stale_row(monkeypatch):
    changed = english_changed()
    monkeypatch.setattr(translations, "_read", changed)
    found, summary = check_knowledge()
    assert found == ["i18n/es/findings.toml: [bone_pain] label: stale, the English changed since it was translated"]
    assert "stale" in summary


def test_english_is_the_knowledge_itself_one_object():
    assert load_knowledge("en") is load_knowledge()


def test_the_spanish_knowledge_gives_the_same_answers_in_spanish():
    en, es = load_knowledge(), load_knowledge("es")
    answers = Answers(
        {"hypocalcemia": "present", "hepatosplenomegaly": "present", "dense_bone": "present"},
        "neonatal",
        "unaffected_parents",
    )
    a, b = evaluate(answers, en), evaluate(answers, es)
    assert (a.inheritance.lean, a.inheritance.strength, a.inheritance.score) == (
        b.inheritance.lean,
        b.inheritance.strength,
        b.inheritance.score,
    )
    assert [r.flag.id for r in a.red_flags] == [r.flag.id for r in b.red_flags]
    assert [w.id for w in a.workup] == [w.id for w in b.workup]
    assert b.red_flags[0].flag.title != a.red_flags[0].flag.title
    assert es.findings["hypocalcemia"].label == "Calcio en sangre bajo"
    assert es.mechanisms["calcium_trapping"].cite == en.mechanisms["calcium_trapping"].cite  # citations stay


def test_a_stale_row_leaves_the_english_in_the_spanish_knowledge(monkeypatch):
    changed = english_changed()
    monkeypatch.setattr("rules.core.loader._read", lambda name: changed(*name.split("/")))
    kb = fresh_knowledge("es")
    assert kb.findings["bone_pain"].label == "Bone or joint pain"
    assert kb.findings["fractures"].label == "Fracturas frecuentes o que consolidan mal"


def test_the_coverage_table_of_the_docs_is_the_overlays():
    text = (Path(__file__).resolve().parents[3] / "docs" / "languages.md").read_text(encoding="utf-8")
    table = text[text.index("## Spanish coverage") :]
    rows = re.findall(r"^\| ([a-z_]+) \| ([\d,]+) \| ([\d,]+) \| ([\d,]+) \|$", table, re.MULTILINE)
    documented = {kind: tuple(int(n.replace(",", "")) for n in counts) for kind, *counts in rows}
    counted = coverage("es")
    totals = tuple(sum(c[i] for c in counted.values()) for i in range(3))
    assert documented == {**counted, "all": totals}


def _script():
    path = Path(__file__).resolve().parents[3] / "scripts" / "translations.py"
    spec = importlib.util.spec_from_file_location("translations_script", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sign_gives_a_new_row_the_digest_of_its_english_and_leaves_a_signed_row_alone(tmp_path, monkeypatch):
    script = _script()
    (tmp_path / "es").mkdir()
    overlay = tmp_path / "es" / "findings.toml"
    old = {"text": "Dolor de huesos", "en_sha": "000000000000"}  # signed (stale): never re-signed by `sign`
    overlay.write_text(
        '[bone_pain]\nlabel = "Dolor óseo"\n\n'
        '[fractures]\nlabel = { text = "Dolor de huesos", en_sha = "000000000000" }\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(script, "I18N", tmp_path)
    assert script.sign("es") == 0
    data = tomllib.loads(overlay.read_text(encoding="utf-8"))
    assert data["bone_pain"]["label"] == {"text": "Dolor óseo", "en_sha": digest("Bone pain")}
    assert data["fractures"]["label"] == old
