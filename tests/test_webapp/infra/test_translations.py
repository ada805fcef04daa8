"""The interface's gettext catalogs: the committed .mo files are their .po files compiled (the app reads
the .mo; `make translations` writes both), and no Spanish text is left untranslated or fuzzy."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from webapp.infra.language import UI_LANGUAGES

TRANSLATIONS = Path(__file__).resolve().parents[3] / "webapp" / "translations"
CATALOGS = [lang for lang in UI_LANGUAGES if lang != "en"]


def _hashable(value: object) -> object:
    return value if isinstance(value, str) else tuple(value)  # a plural's forms


def _messages(catalog) -> dict[object, object]:
    """Each text by its context and id (one English text may have a translation per context)."""
    return {(m.context, _hashable(m.id)): _hashable(m.string) for m in catalog if m.id and not m.fuzzy}


@pytest.mark.parametrize("lang", CATALOGS)
def test_the_committed_mo_is_the_po_compiled(lang):
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        po = read_po(f, locale=lang)
    with (folder / "messages.mo").open("rb") as f:
        mo = read_mo(f)
    translated = {k: v for k, v in _messages(po).items() if v and (isinstance(v, str) or all(v))}
    assert _messages(mo) == translated, "run `make translations`"


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_text_of_the_interface_is_translated(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = read_po(f, locale=lang)
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        pot = read_po(f)
    translated = {key for key, string in _messages(po).items() if string and (isinstance(string, str) or all(string))}
    missing = sorted(str(m.id) for m in pot if m.id and (m.context, _hashable(m.id)) not in translated)
    assert missing == [], f"{len(missing)} texts without a {lang} translation, e.g. {missing[:5]}"


def test_the_rules_texts_marked_for_the_catalog_are_the_rules_own():
    """Texts rules/ writes in English that the web app shows translated are copied into the catalog by the
    web app; a copy that no longer matches would leave the changed text untranslated."""
    from rules import MATCH_WORDS
    from rules import SCORE_RULE
    from webapp.checklist.differential import MATCH_WORDS_CATALOG
    from webapp.practice.presenters import SCORE_RULE_CATALOG

    assert SCORE_RULE_CATALOG == SCORE_RULE
    assert set(MATCH_WORDS_CATALOG) == set(MATCH_WORDS.values())
