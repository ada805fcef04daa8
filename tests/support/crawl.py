"""The language crawl: every page state the in-process tests reach, and the English words left on a
page once what legitimately stays English is taken out.

What stays English, and how it is skipped:
- citations and quoted source passages, HPO's English labels in exports and lab lists, the source
  document's title: inside an element marked `lang="en"` (the cite macro marks every citation);
- code samples (`<code>`, `<pre>`), scripts and styles;
- the knowledge's own clinical texts (findings, mechanisms, clues, red flags, work-up, options, case
  texts, the differential's entry names): every string of the knowledge base, the written cases and
  the differential is taken out of the page's text before the words are counted. These stay English
  until the knowledge has its Spanish overlay; the crawl then sees them translated, or not at all;
- proper names (the app's name, sources, genes) and ids (HPO, OMIM, Orphanet, join codes).
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from rules import load_cases
from rules import load_differential
from rules import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[2] / "rules" / "knowledge"
# Addresses shown as text (a shareable link): ids, not words.
URL = re.compile(r"\S*://\S*|/\S*\?\S*")
# A title cut short for a chart's label ("Fractures and ane…"): a case's own title, not the interface's.
TRUNCATED = re.compile(r"[^:·.;]{1,40}…")
# Words of English that are not words of Spanish: one of them on a Spanish page is English left over.
ENGLISH_WORDS = frozenset(
    """
    the and your you show shows result results finding findings of with to for is are this that these those
    not what which entered enter answer answers case cases class join back next each from be was were has
    have will can all none page see how why when here there only also more than one two score lean leans
    student students educator nickname start new open close submit save delete print copy share change
    link file files download nothing stored educational diagnosis checklist practice about language
    assessed present absent onset family history source document clue clues flag flags work-up step steps
    who where it its in on by or an at as if into out up down yes any every other others most least
    shown hidden free text review reveal answered right wrong not-yet please try again reload
    key keys exercise exercises dashboard projector lobby leave rejoin code codes name names title time
    limit feedback immediate end ended closed pace paced self simulated patient patients written authored
    add remove removed readmit move next-case previous finish finished waiting wait begin started stop
    """.split()
)
# Proper names and marks that are the same in every language.
PROPER = re.compile(
    r"MIOP Checklist|MIOP|Free Spaced Repetition Scheduler|FSRS|Anki"
    r"|GeneReviews|Orphanet|OMIM|ORPHA|HPO|LIRICAL|GA4GH|PubMed|NCBI|CSV|JSON|PNG|SVG|QR"
    r"|HP:\d{7}|OMIM:\d+|ORPHA:\d+|\b[A-Z0-9]{2,}\d[A-Z0-9]*\b"
)
SKIP_TAGS = {"script", "style", "code", "pre", "template"}
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")


class _Text(HTMLParser):
    """The text a reader sees or hears (and the attributes read aloud), outside skipped elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped from here down)

    @property
    def skipping(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        # lang="en" inside the page marks what stays English; the page's own <html lang> does not count
        skip = tag in SKIP_TAGS or (a.get("lang") == "en" and tag != "html") or ("hidden" in a and tag != "button")
        if not self.skipping and not skip:
            self.parts.extend(v for k in READ_ATTRIBUTES if (v := a.get(k)))
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.parts.append(a["value"] or "")
        if tag not in ("br", "img", "input", "meta", "link", "hr", "col", "source", "wbr"):
            self.stack.append((tag, skip))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple | set | frozenset):
        for v in value:
            yield from _strings(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name, None))


@cache
def knowledge_texts() -> tuple[str, ...]:
    """Every text of the knowledge base, the written cases and the differential, longest first (the
    knowledge's own words: translated by its overlays, not by the interface's catalog)."""
    kb = load_knowledge()
    texts = set(_strings(kb)) | set(_strings(list(load_cases().values())))
    for path in KNOWLEDGE.rglob("*.toml"):  # every text of the knowledge files, whatever reads it
        texts |= set(_strings(tomllib.loads(path.read_text(encoding="utf-8"))))
    texts |= {t for e in load_differential(kb).entries for t in (e.name, e.prior_basis) if t}
    # whole texts, and the sentences of the longer ones (a page may show one sentence of a text)
    pieces = set()
    for t in texts:
        pieces.add(t.strip())
        pieces.update(s.strip() for s in re.split(r"(?<=[.;:])\s+", t) if len(s.strip()) > 3)
    # machine values (slugs, ids, option values such as "present") are no text a page shows as such
    texts = (p for p in pieces if len(p) > 2 and not re.fullmatch(r"[a-z0-9_:.-]+|[A-Z]+:?\d*", p))
    return tuple(sorted(texts, key=len, reverse=True))


def readable_text(page: str) -> str:
    """The page's readable text without what stays English (see the module docstring)."""
    parser = _Text()
    parser.feed(page)
    text = " ".join(" ".join(parser.parts).split())
    for known in knowledge_texts():
        if known in text:
            text = re.sub(r"(?<!\w)" + re.escape(known) + r"(?!\w)", " ", text)
    return PROPER.sub(" ", URL.sub(" ", TRUNCATED.sub(" ", text)))


def english_words(page: str) -> list[str]:
    """The English words left on the page (each once, in order of appearance)."""
    words = re.findall(r"[^\W\d_]+(?:['-][^\W\d_]+)*", readable_text(page))
    return list(dict.fromkeys(w for w in words if w.lower() in ENGLISH_WORDS))
