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


def _messages(catalog) -> dict[object, object]:
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


@pytest.mark.parametrize("lang", CATALOGS)
def test_the_committed_mo_is_the_po_compiled(lang):
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as f:
        po = read_po(f, locale=lang)
    with (folder / "messages.mo").open("rb") as f:
        mo = read_mo(f)
    assert _messages(mo) == {k: v for k, v in _messages(po).items() if v}, "run `make translations`"


@pytest.mark.parametrize("lang", CATALOGS)
def test_every_text_of_the_interface_is_translated(lang):
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        po = read_po(f, locale=lang)
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        pot = read_po(f)
    missing = sorted(str(m.id) for m in pot if m.id and not (po.get(m.id) and po[m.id].string and not po[m.id].fuzzy))
    assert missing == [], f"{len(missing)} texts without a {lang} translation, e.g. {missing[:5]}"
