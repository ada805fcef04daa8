"""Words shared by several pages and answers, in one place.

DISCLAIMER is the English text: exports (phenopacket, CSV) carry it as it is, being data for other
programs. Pages and API answers show `disclaimer()`, the same words in the interface's language.
"""

from flask_babel import gettext


def N_(text: str) -> str:
    """Marks a text for the catalog (`make translations` extracts it) and leaves it as it is: it is
    translated where it is shown, with gettext(text)."""
    return text


DISCLAIMER = N_(
    "Educational use only, not a diagnosis. This checklist does not replace clinical judgement or specialist care."
)


def disclaimer() -> str:
    """The disclaimer in the interface's language."""
    return gettext(DISCLAIMER)


# Small closed sets of values the pages show as words (the values themselves are the API's).
DIFFICULTY = {"easy": N_("easy"), "medium": N_("medium"), "hard": N_("hard")}
STATE = {"present": N_("present"), "absent": N_("absent"), "unknown": N_("not assessed")}


def difficulty_word(value: str) -> str:
    """A case's difficulty in the interface's language."""
    return gettext(DIFFICULTY[value]) if value in DIFFICULTY else value


def state_word(value: str) -> str:
    """A finding's state (present, absent, not assessed) in the interface's language."""
    return gettext(STATE[value]) if value in STATE else value
