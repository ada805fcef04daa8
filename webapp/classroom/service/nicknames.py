"""What a nickname may be: one rule for the join form and the API.

A nickname is shown to the educator and the room, so it must read as what it is. It is kept in
compatibility-composed form (NFKC: an NFD spelling, fullwidth letters and other compatibility forms
become the letters they stand for, so "Ａｎａ" and "Ana" are one nickname) and refused when it
hides or disguises characters: control characters, private-use and unassigned code points (as sent,
before normalising), invisible ones (zero-width spaces and joiners, soft hyphens, fillers,
variation selectors after a letter), the controls that reverse the direction of the text, and words
that mix look-alike alphabets (Latin with Cyrillic or Greek). A name written in one script, whatever
it is (Arabic, Chinese, Cyrillic), is fine; an emoji joined with zero-width joiners is fine.

The messages are English, marked for the catalog: the join form shows them translated.
"""

from __future__ import annotations

import unicodedata

from ...wording import N_
from .common import one_line

ZWJ = "\u200d"
# Explicit direction controls (embeddings, overrides, isolates, marks): text after them can read
# backwards, and a name can pass for another.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that draw nothing but are letters or symbols by category (so the category test misses them).
BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")
# Alphabets whose letters look like one another's: one word may not mix them.
LOOK_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})

INVISIBLE = N_("A nickname cannot contain invisible characters (zero-width spaces or joiners, soft hyphens, fillers).")
BIDI = N_("A nickname cannot contain characters that change the direction of the text.")
MIXED = N_(
    "A nickname cannot mix alphabets in one word (such as Latin letters with Cyrillic or Greek ones that look alike)."
)
EMPTY = N_("Choose a nickname.")
UNDRAWN = N_(
    "A nickname cannot contain control characters or characters with no agreed look (private-use or unassigned)."
)
# Control characters (tabs, line and form feeds too: a typed nickname has none), private-use and
# unassigned code points (each font draws them its own way, or not at all), lone surrogates.
UNDRAWN_CATEGORIES = frozenset({"Cc", "Co", "Cn", "Cs"})


def normal_nickname(raw: str) -> str:
    """A nickname as stored and compared: on one line, compatibility-composed (NFKC)."""
    return unicodedata.normalize("NFKC", one_line(raw))


def _emoji(ch: str) -> bool:
    """Whether `ch` belongs to an emoji: a symbol, a skin tone, or the emoji variation selector."""
    return ch == "\ufe0f" or unicodedata.category(ch) in ("So", "Sk")


def _hidden(text: str, i: int) -> bool:
    """Whether the character at `i` draws nothing where it stands (an emoji's joiner, its variation
    selector and a subdivision flag's tags are part of the emoji and draw it)."""
    ch = text[i]
    before = text[i - 1] if i else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    if ch in BLANKS:
        return True
    if ch == ZWJ:
        return not (before and after and _emoji(before) and _emoji(after))
    if "\U000e0020" <= ch <= "\U000e007f":  # tags: only within a flag (black flag, tags, cancel tag)
        return not (before == "\U0001f3f4" or "\U000e0020" <= before <= "\U000e007f")
    if "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef":  # variation selectors
        return not (before and unicodedata.category(before) in ("So", "Sk"))
    return unicodedata.category(ch) == "Cf"


def _script(ch: str) -> str | None:
    """The alphabet of a letter, from its Unicode name ("CYRILLIC SMALL LETTER A"), if it is one of
    the look-alike ones."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    first = unicodedata.name(ch, "").split(" ", 1)[0]
    return first if first in LOOK_ALIKE_SCRIPTS else None


def sent_problem(raw: str) -> str | None:
    """What is wrong with a nickname as sent, before it is normalised (which drops control
    characters): a catalog message, or None."""
    if any(unicodedata.category(ch) in UNDRAWN_CATEGORIES for ch in raw):
        return UNDRAWN
    return None


def nickname_problem(nickname: str) -> str | None:
    """What is wrong with a nickname already normal (normal_nickname), as a catalog message; None
    when it is fine. Its length and the e-mail rule are the caller's."""
    if not nickname:
        return EMPTY
    if any(ch in BIDI_CONTROLS for ch in nickname):
        return BIDI
    if any(_hidden(nickname, i) for i in range(len(nickname))):
        return INVISIBLE
    if not any(unicodedata.category(ch)[0] in "LNPS" for ch in nickname):
        return INVISIBLE  # marks alone, nothing they sit on
    for word in nickname.split():
        if len({s for s in map(_script, word) if s}) > 1:
            return MIXED
    return None
