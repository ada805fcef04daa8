"""Refusals in the request's language: the classroom's (a ClassroomError, on a page and in the API)
and the rules' input errors (rules/ writes English sentences with their values as parameters; the web
app shows them from the catalog). The API's error `code` stays the same in every language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rules.practice.library import get_case
from tests.support.apps import csrf_token
from tests.test_webapp.practice.test_practice_pages import attempt

ROOT = Path(__file__).resolve().parents[3]
SPANISH = {"Accept-Language": "es-CR,es;q=0.9"}


def test_the_api_refuses_a_join_code_in_the_language_of_accept_language(client):
    spanish = client.get("/api/v1/exercises/ZZZZZZ/state", headers=SPANISH)
    english = client.get("/api/v1/exercises/ZZZZZZ/state")
    assert spanish.status_code == english.status_code == 404
    assert spanish.get_json()["language"] == "es" and english.get_json()["language"] == "en"
    assert spanish.get_json()["error"]["code"] == english.get_json()["error"]["code"] == "unknown_code"
    assert spanish.get_json()["error"]["message"] == (
        "No hay ningún ejercicio con este código de acceso. Compruébelo e inténtelo de nuevo."
    )
    assert english.get_json()["error"]["message"].startswith("There is no exercise with this join code.")


def test_a_refused_join_says_why_in_spanish_on_the_page(client):
    data = {"csrf_token": csrf_token(client, "/join"), "code": "ZZZZZZ", "nickname": "Ana"}
    page = client.post("/join", data=data, headers=SPANISH).get_data(as_text=True)
    assert "No hay ningún ejercicio con este código de acceso." in page and "There is no exercise" not in page


def test_the_rules_refusal_of_an_api_body_is_in_the_language_of_accept_language(client):
    spanish = client.post("/api/v1/assess", json={"onset": "yesterday"}, headers=SPANISH).get_json()
    english = client.post("/api/v1/assess", json={"onset": "yesterday"}).get_json()
    assert spanish["error"]["code"] == english["error"]["code"] == "invalid_onset"
    assert spanish["error"]["message"].startswith("inicio no válido 'yesterday': use uno de ")
    assert english["error"]["message"].startswith("invalid onset 'yesterday': use one of ")


def test_the_rules_refusal_of_a_link_and_of_an_import_is_in_spanish_on_the_page(client):
    page = client.get("/assessment?present=hypocalcemia&onset=yesterday", headers=SPANISH)
    assert page.status_code == 400 and "inicio no válido" in page.get_data(as_text=True)
    data = {"csrf_token": csrf_token(client), "import_text": "HP:0001873\nHP:12"}
    page = client.post("/import", data=data, headers=SPANISH)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Línea 2: &#39;HP:12&#39; no es un identificador HPO" in text


def _rules_sentences() -> list[tuple[str, int, object]]:
    """Every sentence rules/ gives an InputError (its second argument) or the phenopacket's fail() (its
    first): (file, line, the sentence, or the expression when it is not a plain string)."""
    found = []
    for path in sorted((ROOT / "rules").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                index = {"InputError": 1, "fail": 0}.get(node.func.id)
                if index is not None and len(node.args) > index:
                    arg = node.args[index]
                    value = arg.value if isinstance(arg, ast.Constant) else ast.unparse(arg)
                    found.append((path.name, node.lineno, value))
    return found


def test_every_input_error_of_the_rules_is_a_sentence_of_the_catalog():
    """A plain string (values as %(name)s parameters, never an f-string), so `make translations` finds
    it; and in the catalog, so a Spanish request reads it in Spanish."""
    with (ROOT / "webapp" / "translations" / "messages.pot").open("rb") as f:
        catalog = {m.id for m in read_po(f) if m.id}
    # fail() itself hands its sentence on to InputError
    sentences = [s for s in _rules_sentences() if s[0] != "structure.py" or s[2] != "message"]
    assert len(sentences) > 40
    assert [s for s in sentences if s[2] not in catalog] == []


def test_a_form_refused_for_its_security_token_says_why_in_spanish(client):
    client.get("/join")  # a session, then a form without its token
    page = client.post("/join", data={"code": "ZZZZZZ", "nickname": "Ana"}, headers=SPANISH)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "El formulario llegó sin su código de seguridad" in text


# The API's own refusals of a request: (method, path, request keywords, status, code, the Spanish message
# or its start, the English one's start).
API_REFUSALS = [
    (
        "post",
        "/api/v1/exercises",
        {"json": ["a list"]},
        400,
        "invalid_body",
        "El cuerpo debe ser un objeto JSON.",
        "The body must be",
    ),
    (
        "post",
        "/api/v1/exercises",
        {"json": {"pace": "fast"}},
        400,
        "invalid_pace",
        'pace es "self" (el valor por defecto)',
        "pace is",
    ),
    (
        "post",
        "/api/v1/exercises",
        {"json": {}},
        400,
        "invalid_title",
        "title es obligatorio: una cadena de 1 a ",
        "title is required",
    ),
    (
        "post",
        "/api/v1/assess?detail=everything",
        {"json": {}},
        400,
        "invalid_detail",
        "detail debe ser uno de compact, full, no 'everything'.",
        "detail must be",
    ),
    (
        "post",
        "/api/v1/assess",
        {"data": "{", "content_type": "application/json"},
        400,
        "invalid_json",
        "El cuerpo no es JSON válido: ",
        "The body is not valid JSON: ",
    ),
    (
        "post",
        "/api/v1/assess",
        {"data": "{}", "content_type": "text/plain"},
        415,
        "unsupported_media_type",
        "Envíe el cuerpo como JSON",
        "Send the body as JSON",
    ),
    ("get", "/api/v1/hpo/search?q=%20", {}, 400, "invalid_q", "Indique q: el texto que buscar, de 1 a ", "Give q:"),
    (
        "get",
        "/api/v1/hpo/search?q=bone&limit=0",
        {},
        400,
        "invalid_limit",
        "limit debe ser un número entero de 1 a ",
        "limit must be",
    ),
    (
        "get",
        "/api/v1/cases/no-such-case",
        {},
        404,
        "unknown_case",
        "No hay ningún caso 'no-such-case': vea GET /api/v1/cases.",
        "There is no case",
    ),
]


@pytest.mark.parametrize(("method", "path", "kwargs", "status", "code", "spanish", "english"), API_REFUSALS)
def test_the_api_refuses_bad_input_in_the_language_of_accept_language(
    client, method, path, kwargs, status, code, spanish, english
):
    es = getattr(client, method)(path, headers=SPANISH, **kwargs)
    en = getattr(client, method)(path, **kwargs)
    assert es.status_code == en.status_code == status
    assert es.get_json()["language"] == "es" and en.get_json()["language"] == "en"
    assert es.get_json()["error"]["code"] == en.get_json()["error"]["code"] == code
    assert es.get_json()["error"]["message"].startswith(spanish)
    assert en.get_json()["error"]["message"].startswith(english)


def _api_error_messages() -> list[tuple[str, int, str]]:
    """The message of every ApiError the web app raises: (file, line, the expression)."""
    found = []
    for path in sorted((ROOT / "webapp").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ApiError":
                message = (
                    node.args[2] if len(node.args) > 2 else next(k.value for k in node.keywords if k.arg == "message")
                )
                found.append((path.name, node.lineno, message))
    return found


def test_every_api_refusal_is_a_sentence_of_the_catalog():
    """Each message is gettext of a plain sentence of the catalog (values as %(name)s parameters, never an
    f-string), or a function of the web app that returns one, so a Spanish request reads it in Spanish."""
    with (ROOT / "webapp" / "translations" / "messages.pot").open("rb") as f:
        catalog = {m.id for m in read_po(f) if m.id}
    messages = _api_error_messages()
    assert len(messages) > 25
    wrong = [
        (name, line, ast.unparse(message))
        for name, line, message in messages
        if not (
            isinstance(message, ast.Call)
            and isinstance(message.func, ast.Name)
            and (
                message.func.id == "withheld_message"  # gettext inside (webapp/classroom/withheld.py)
                or (
                    message.func.id == "gettext"
                    and isinstance(message.args[0], ast.Constant)
                    and message.args[0].value in catalog
                )
            )
        )
    ]
    assert wrong == []


def test_none_agrees_with_what_is_missing_in_spanish(app, client):
    """The same English "None." reads "Ninguna." for clues (pistas) and "Ninguno." for findings (hallazgos)."""
    from flask import render_template

    with app.test_request_context("/", headers=SPANISH):
        app.preprocess_request()
        clues = render_template("checklist/_clues.html", clues=[])
    assert '<li class="none">Ninguna.</li>' in clues
    client.set_cookie("lang", "es")
    key = get_case("lrp5-jaw-ache").key
    page = attempt(client, "lrp5-jaw-ache", key.present, key.lean, key.mechanisms).get_data(as_text=True)
    assert 'Marcados de más (0)</h4><ul class="fb-list">\n<li class="none">Ninguno.</li>' in page
