"""The page language as people expect it: a `?lang=` link first (kept in a cookie after), then the
switch's cookie, then Accept-Language; English when nothing says otherwise. `<html lang>` follows;
the API answers in the language of Accept-Language and says which."""

from __future__ import annotations

import re

import pytest

HTML_LANG = re.compile(r'<html lang="([a-z]+)">')


def html_lang(response) -> str:
    return HTML_LANG.search(response.get_data(as_text=True)).group(1)


@pytest.mark.parametrize(
    "headers, expected",
    [
        ({}, "en"),
        ({"Accept-Language": "es-CR,es;q=0.9,en;q=0.5"}, "es"),
        ({"Accept-Language": "en-US,es;q=0.9"}, "en"),
        ({"Accept-Language": "de,es;q=0.8"}, "es"),
        ({"Accept-Language": "fr"}, "en"),  # French: HPO labels only, the interface stays English
    ],
)
def test_accept_language_chooses_the_page_language(client, headers, expected):
    for path in ("/", "/about", "/practice", "/classroom/join", "/no-such-page"):
        assert html_lang(client.get(path, headers=headers)) == expected, path


def test_a_lang_link_wins_and_is_kept_in_a_cookie(client):
    response = client.get("/about?lang=es", headers={"Accept-Language": "en"})
    assert html_lang(response) == "es"
    assert "lang=es" in response.headers["Set-Cookie"]
    # the next page, without the parameter, stays Spanish whatever the browser asks
    assert html_lang(client.get("/practice", headers={"Accept-Language": "en"})) == "es"
    # and the switch back to English is kept the same way
    assert html_lang(client.get("/?lang=en", headers={"Accept-Language": "es"})) == "en"
    assert html_lang(client.get("/about", headers={"Accept-Language": "es"})) == "en"


def test_an_unknown_lang_changes_nothing(client):
    response = client.get("/about?lang=xx", headers={"Accept-Language": "es"})
    assert response.status_code == 200 and html_lang(response) == "es"
    assert "Set-Cookie" not in response.headers or "lang=" not in response.headers["Set-Cookie"]


def test_the_switch_is_plain_links_to_this_page_in_each_language(client):
    page = client.get("/about?lang=es").get_data(as_text=True)
    switch = page.split('class="lang-switch"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/about?lang=en" lang="en"' in switch
    assert 'href="/about?lang=es" lang="es" hreflang="es" aria-current="true"' in switch
    assert "Español" in switch and "Français" in switch


def test_an_hpo_only_language_says_the_interface_stays_english(client):
    page = client.get("/about?lang=fr").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "HPO labels only; the interface stays in English for now" in page


def test_the_empty_checklist_is_cached_per_language(client):
    english = client.get("/").get_data(as_text=True)
    spanish = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    again = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert html_lang_of(english) == "en" and html_lang_of(spanish) == "es" and html_lang_of(again) == "en"
    assert html_lang_of(client.get("/?lang=es").get_data(as_text=True)) == "es"


def html_lang_of(text: str) -> str:
    return HTML_LANG.search(text).group(1)


def test_pages_vary_on_the_language_inputs(client):
    vary = client.get("/about").headers["Vary"]
    assert "Accept-Language" in vary and "Cookie" in vary


def test_the_api_answers_in_the_language_of_accept_language(client):
    spanish = client.get("/api/v1/findings", headers={"Accept-Language": "es"}).get_json()
    assert spanish["language"] == "es"
    english = client.get("/api/v1/findings").get_json()
    assert english["language"] == "en"
    assert [f["slug"] for f in spanish["findings"]] == [f["slug"] for f in english["findings"]]
    # a cookie set by the page switch does not speak for a program
    client.get("/?lang=es")
    assert client.get("/api/v1/findings").get_json()["language"] == "en"


def test_the_switch_on_a_posted_result_opens_the_same_result_in_the_other_language(client):
    from tests.support.apps import csrf_token

    page = client.post(
        "/assessment",
        data={"csrf_token": csrf_token(client), "hypocalcemia": "present", "anemia": "present", "onset": "neonatal"},
    ).get_data(as_text=True)
    switch = page.split('class="lang-switch"', 1)[1].split("</nav>", 1)[0]
    assert 'href="/assessment?present=anemia,hypocalcemia&amp;onset=neonatal&amp;lang=es"' in switch
    spanish = client.get("/assessment?present=anemia,hypocalcemia&onset=neonatal&lang=es").get_data(as_text=True)
    assert '<html lang="es">' in spanish and "Signos de alarma" in spanish
