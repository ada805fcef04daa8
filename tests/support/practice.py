"""The practice form's differential choices: every entry the ranking covers, the case's own among them by
design, the same for every case. Checks for the key take them out of the page first."""

from __future__ import annotations

import re

CHOICES = re.compile(r'<fieldset class="choices decision" id="q-differential".*?</fieldset>', re.S)


def without_choices(page: str) -> tuple[str, str]:
    """The page without the differential's choices, and those choices (one fieldset per form)."""
    found = CHOICES.findall(page)
    assert len(found) == 1
    return CHOICES.sub("", page), found[0]
