"""Search the phenotypic abnormality subtree of the HPO by label, synonym and translated label.

The texts come from committed data (rules/data/): every term of the subtree (hpo_search.json, made
by scripts/build_hpo_languages.py), its English label (hpo_names.json), its synonyms, layperson ones
included (hpo_search.json), and, for a language other than English, its official label in that
language (hpo_labels.json). The index is built from them once per process, on first use.

Matching folds case and accents (NFKD, the Latin combining accents dropped, casefold), so
"macrocefalia", "MACROCEFALIA" and "macrocéfalia" are the same. A query of words matches a text when
each of its words begins a word of the text, in any order; a query holding Chinese or Japanese
characters, written without spaces, matches a text that contains it. Each term is ranked by its best
text: an exact label, an exact synonym, a label that begins with the query, a label with the words,
a synonym that begins with it, a synonym with the words; then the shorter text, then alphabetically.
English labels count as labels in every language, so an English query works everywhere.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import json
import re
import unicodedata
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from .hpo import load_hpo
from .hpo_labels import LANGUAGES
from .hpo_labels import LabelStatus
from .hpo_labels import load_labels

# Chinese and Japanese characters (Han, kana, and the CJK punctuation and full-width forms around them).
CJK_RANGES = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
CJK = re.compile(f"[{CJK_RANGES}]")
# A word: a run of letters and digits other than Chinese or Japanese characters.
WORD = re.compile(f"[^\\W{CJK_RANGES}]+")
LAST = "\U0010ffff"  # after every character: the words beginning with p sort before p + LAST
# The Latin combining accents NFKD separates from their letter (é -> e + U+0301). Only these are
# dropped: a Japanese voicing mark (U+3099) changes the character, not an accent.
ACCENTS = re.compile(r"[\u0300-\u036f]")
# Tiers, best first. A term's rank is its best text's.
EXACT_LABEL, EXACT_SYNONYM, LABEL_PREFIX, LABEL_WORDS, SYNONYM_PREFIX, SYNONYM_WORDS = range(6)


def fold(text: str) -> str:
    """The form compared: compatibility-decomposed, Latin accents dropped, case folded."""
    return ACCENTS.sub("", unicodedata.normalize("NFKD", text)).casefold()


@dataclass(frozen=True, slots=True)
class Hit:
    """One term found: its label in the language asked, what that label is, the text that matched
    (a label or synonym, in any of the languages searched) and the checklist finding it counts as."""

    id: str
    label: str
    label_status: LabelStatus
    matched: str
    finding: str | None


class Texts:
    """One table of searchable texts (the English labels and synonyms, or one language's labels)."""

    __slots__ = ("texts", "folded", "term", "synonym", "alphabetical", "in_order", "words", "starts", "postings")

    def __init__(self, rows: list[tuple[int, str, bool]]) -> None:
        """rows: (term index, text, whether it is a synonym)."""
        self.texts = [text for _, text, _ in rows]
        # Folded all at once (no text holds a newline); a text folding changes nothing stays one string.
        folded = fold("\n".join(self.texts)).split("\n")
        assert len(folded) == len(self.texts)
        self.folded = [text if f == text else f for f, text in zip(folded, self.texts, strict=True)]
        self.term = array("i", (term for term, _, _ in rows))
        self.synonym = bytes(is_synonym for _, _, is_synonym in rows)
        # The texts in alphabetical order of their folded form: those beginning with a query are a run.
        self.in_order = array("i", sorted(range(len(self.folded)), key=self.folded.__getitem__))
        self.alphabetical = [self.folded[i] for i in self.in_order]
        # Every word (Chinese and Japanese are matched inside the text instead) -> the texts having it:
        # the words sorted, and the texts of word k at postings[starts[k]:starts[k + 1]].
        having: dict[str, list[int]] = defaultdict(list)
        for i, f in enumerate(self.folded):
            for word in set(WORD.findall(f)):
                having[word].append(i)
        self.words = sorted(having)
        self.starts = array("i", [0])
        self.postings = array("i")
        for word in self.words:
            self.postings.extend(having[word])
            self.starts.append(len(self.postings))

    def with_prefix(self, prefix: str) -> set[int]:
        """The texts having a word that begins with `prefix`."""
        first = bisect.bisect_left(self.words, prefix)
        end = bisect.bisect_left(self.words, prefix + LAST, first)
        return set(self.postings[self.starts[first] : self.starts[end]])

    def beginning_with(self, query: str) -> array[int]:
        """The texts whose folded form begins with the folded query (it included)."""
        first = bisect.bisect_left(self.alphabetical, query)
        return self.in_order[first : bisect.bisect_left(self.alphabetical, query + LAST, first)]

    def matches(self, query: str) -> list[int]:
        """The texts a folded query matches: by substring if it holds Chinese or Japanese, else by words."""
        if CJK.search(query):
            return [i for i, folded in enumerate(self.folded) if query in folded]
        words = sorted(set(WORD.findall(query)), key=len, reverse=True)  # the longest word narrows most
        if not words:
            return []
        found = self.with_prefix(words[0])
        for word in words[1:]:
            if not found:
                break
            found &= self.with_prefix(word)
        return list(found)


class SearchIndex:
    """The terms searched and one table of texts per language (English's is searched in every language)."""

    def __init__(self, terms: list[str], english: Texts, by_language: dict[str, Texts]) -> None:
        self.terms = terms
        self.english = english
        self.by_language = by_language

    def search(self, query: str, lang: str = "en", limit: int = 10) -> list[Hit]:
        """The best `limit` terms for a query typed in `lang` (ValueError for a language not in LANGUAGES)."""
        if lang not in LANGUAGES:
            raise ValueError(f"no HPO labels in {lang!r}: one of {', '.join(LANGUAGES)}")
        query = fold(query.strip())
        if not query:
            return []
        # term -> (rank key, table, text); the key: tier, then the language's own text before an
        # English one in another language, then the shorter and the alphabetically first text.
        best: dict[int, tuple[tuple[int, int, int, str], Texts, int]] = {}
        tables = [(self.by_language[lang], 0), (self.english, 1)] if lang != "en" else [(self.english, 0)]
        # First the texts beginning with the query (the exact ones among them): when they give enough
        # terms labelled so, no other term can rank before those, and the rest is not looked at.
        for table, foreign in tables:
            self._offer(best, table, foreign, table.beginning_with(query), query)
        if sum(1 for key, _, _ in best.values() if key[0] <= LABEL_PREFIX) < limit:
            for table, foreign in tables:
                self._offer(best, table, foreign, table.matches(query), query)
        ranked = heapq.nsmallest(limit, best.items(), key=lambda item: (item[1][0], self.terms[item[0]]))
        return [self._hit(term, table.texts[i], lang) for term, (_, table, i) in ranked]

    @staticmethod
    def _offer(
        best: dict[int, tuple[tuple[int, int, int, str], Texts, int]],
        table: Texts,
        foreign: int,
        found: Iterable[int],
        query: str,
    ) -> None:
        """Keep, for each term of the texts found, its best-ranked text."""
        folded, synonym, terms = table.folded, table.synonym, table.term
        for i in found:
            text = folded[i]
            if text == query:
                tier = EXACT_SYNONYM if synonym[i] else EXACT_LABEL
            elif text.startswith(query):
                tier = SYNONYM_PREFIX if synonym[i] else LABEL_PREFIX
            else:
                tier = SYNONYM_WORDS if synonym[i] else LABEL_WORDS
            key = (tier, foreign, len(text), text)
            held = best.get(terms[i])
            if held is None or key < held[0]:
                best[terms[i]] = (key, table, i)

    def _hit(self, term_index: int, matched: str, lang: str) -> Hit:
        term = self.terms[term_index]
        shown = load_labels().label(term, lang)
        assert shown is not None  # every term searched is a current term
        findings = load_hpo().findings_for(term)
        return Hit(term, shown[0], shown[1], matched, findings[0] if findings else None)


@functools.cache
def load_search_index() -> SearchIndex:
    """Build the index from the committed data, once per process."""
    data = json.loads(resources.files("rules").joinpath("data", "hpo_search.json").read_text(encoding="utf-8"))
    hpo = load_hpo()
    labels = load_labels()
    terms: list[str] = data["terms"]
    english_rows: list[tuple[int, str, bool]] = []
    for index, term in enumerate(terms):
        name = hpo.name(term)
        assert name is not None, term  # generated from the same release
        english_rows.append((index, name, False))
        for kind in ("layperson", "synonyms"):
            english_rows.extend((index, text, True) for text in data[kind].get(term, ()))
    by_language = {
        lang: Texts(
            [(index, labels.labels[lang][t], False) for index, t in enumerate(terms) if t in labels.labels[lang]]
        )
        for lang in LANGUAGES
        if lang != "en"
    }
    return SearchIndex(terms, Texts(english_rows), by_language)


def search(query: str, lang: str = "en", limit: int = 10) -> list[Hit]:
    """The best `limit` terms of the phenotypic abnormality subtree for a query typed in `lang`."""
    return load_search_index().search(query, lang, limit)
