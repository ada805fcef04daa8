"""The style sheet and scripts travel gzip-compressed to browsers that accept it; pages and API
answers never do (a page carries its CSRF token beside what the user typed: BREACH)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[3] / "webapp" / "static"


@pytest.mark.parametrize("name", ["style.css", "app.js", "classroom.js"])
def test_static_files_are_sent_compressed_and_revalidate(client, name):
    with client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip, deflate, br"}) as sent:
        pass  # a file answer is closed once read, as a server closes it
    assert sent.status_code == 200 and sent.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(sent.data) == (STATIC / name).read_bytes()
    assert int(sent.headers["Content-Length"]) == len(sent.data) < (STATIC / name).stat().st_size
    assert "Accept-Encoding" in sent.headers["Vary"] and sent.headers["ETag"].startswith('W/"')
    revalidate = {"Accept-Encoding": "gzip", "If-None-Match": sent.headers["ETag"]}
    with client.get(f"/static/{name}", headers=revalidate) as again:
        pass
    assert again.status_code == 304 and again.headers["ETag"] == sent.headers["ETag"]


def test_a_client_without_gzip_gets_the_file_as_it_is(client):
    with client.get("/static/style.css") as plain:
        body = plain.data
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert body == (STATIC / "style.css").read_bytes() and "Accept-Encoding" in plain.headers["Vary"]


@pytest.mark.parametrize("path", ["/", "/about", "/api/v1/findings"])
def test_pages_and_api_answers_are_never_compressed(client, path):
    answer = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers


def test_the_assess_answer_is_never_compressed(client):
    answer = client.post("/api/v1/assess", json={"findings": ["hypocalcemia"]}, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
