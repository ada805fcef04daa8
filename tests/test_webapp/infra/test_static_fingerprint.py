"""Static files are named by a fingerprint of their bytes and cached by browsers for a year; the
plain and out-of-date names keep answering (revalidated, never pinned); pages and the API stay
no-store; a fingerprinted name of no file, or one reaching out of the folder, is a 404."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import pytest
from flask import Flask
from flask import url_for

from rules.practice.cases import load_cases
from tests.support.apps import csrf_token
from webapp.infra import static_gzip
from webapp.infra.security import register_security_headers
from webapp.infra.static_fingerprint import FINGERPRINTED
from webapp.infra.static_fingerprint import IMMUTABLE
from webapp.infra.static_fingerprint import register_static_fingerprints

STATIC = Path(__file__).resolve().parents[3] / "webapp" / "static"
CASE = next(iter(load_cases().values()))
STATIC_URL = re.compile(r"/static/[^\"'\s)<>]+")
STALE = "0" * 12  # a well-formed fingerprint that no file has


def pages_with_every_template_that_links_a_static_file(app, client) -> list[str]:
    """The checklist, result, about, practice and classroom pages (educator, projector, student)."""
    token = csrf_token(client, "/classroom/new")
    created = client.post("/classroom/new", data={"csrf_token": token, "title": "Fp", "cases": [CASE.id]})
    code = created.headers["Location"].split("/")[2]
    student = app.test_client()
    student.post("/join", data={"csrf_token": csrf_token(student, "/join"), "code": code, "nickname": "fp"})
    student_page = student.get(f"/join/{code}/1").get_data(as_text=True)
    pages = [
        client.get(path).get_data(as_text=True)
        for path in (
            "/",
            "/assessment?present=hypocalcemia&onset=neonatal",
            "/about",
            "/practice",
            f"/practice/{CASE.id}",
            "/join",
            f"/classroom/{code}",
            f"/classroom/{code}/projector",
            f"/classroom/{code}/claim",
        )
    ]
    return [*pages, student_page]


def test_every_static_url_in_a_rendered_page_is_fingerprinted_and_cached_for_a_year(app, client):
    urls = {
        url
        for html in pages_with_every_template_that_links_a_static_file(app, client)
        for url in STATIC_URL.findall(html)
    }
    served = {}
    for url in sorted(urls):
        name = url.removeprefix("/static/")
        assert FINGERPRINTED.fullmatch(name), f"{url} carries no fingerprint"
        with client.get(url) as answer:
            assert answer.status_code == 200, url
            assert answer.headers["Cache-Control"] == IMMUTABLE, url
            served[FINGERPRINTED.sub(r"\g<stem>\g<suffix>", name)] = answer.data
    assert set(served) == {"style.css", "app.js", "classroom.js", "checklist.js"}  # every file the templates link
    for name, body in served.items():
        assert body == (STATIC / name).read_bytes(), name
        digest = hashlib.sha256(body).hexdigest()[:12]
        assert any(f"{Path(name).stem}.{digest}{Path(name).suffix}" in url for url in urls), name


@pytest.mark.parametrize("path", ["/", "/about", "/practice", "/api/v1/findings", "/api/v1/openapi.json"])
def test_pages_and_api_answers_stay_no_store(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_the_plain_name_still_answers_and_revalidates(client):
    with client.get("/static/style.css") as plain:
        body = plain.data
    assert plain.status_code == 200 and body == (STATIC / "style.css").read_bytes()
    assert plain.headers["Cache-Control"] == "no-cache" and plain.headers["ETag"]
    with client.get("/static/style.css", headers={"If-None-Match": plain.headers["ETag"]}) as again:
        pass
    assert again.status_code == 304


def test_an_out_of_date_fingerprint_gets_the_current_file_unpinned(client):
    with client.get(f"/static/app.{STALE}.js") as stale:
        body = stale.data
    assert stale.status_code == 200 and body == (STATIC / "app.js").read_bytes()
    assert stale.headers["Cache-Control"] == "no-cache"


def test_a_fingerprinted_url_is_compressed_like_the_plain_one_and_odd_urls_grow_no_cache(app, client):
    with app.test_request_context():
        url = url_for("static", filename="style.css")
    with client.get(url, headers={"Accept-Encoding": "gzip"}) as sent:
        pass
    assert sent.headers["Content-Encoding"] == "gzip" and sent.headers["Cache-Control"] == IMMUTABLE
    assert gzip.decompress(sent.data) == (STATIC / "style.css").read_bytes()
    for n in range(40):  # any number of out-of-date names reach the same file: one cached copy
        with client.get(f"/static/style.{n:012x}.css", headers={"Accept-Encoding": "gzip"}) as odd:
            assert odd.status_code == 200 and odd.headers["Content-Encoding"] == "gzip"
    assert len(static_gzip._COMPRESSED) <= len(list(STATIC.iterdir()))


@pytest.mark.parametrize(
    "path",
    [
        "/static/nothing.0123456789ab.css",
        f"/static/style.{STALE}.css/more",
        f"/static/nothing/style.{STALE}.css",
        "/static/nothing.css",
    ],
)
def test_a_static_url_of_no_file_is_a_404(client, path):
    with client.get(path) as answer:
        assert answer.status_code == 404 and answer.headers["Cache-Control"] == "no-store"


# A test app on a temporary static folder: the real files are never touched.


def folder_app(folder: Path, *, debug: bool = False) -> Flask:
    """A bare app serving `folder` as its static files, with the fingerprints and security headers."""
    app = Flask("fingerprint_test", static_folder=str(folder), static_url_path="/static")
    app.debug = debug
    register_static_fingerprints(app)
    register_security_headers(app)
    return app


def static_url(app: Flask, name: str) -> str:
    """The URL the app's templates would emit for a static file."""
    with app.test_request_context():
        return url_for("static", filename=name)


def test_the_fingerprint_is_the_hash_of_the_bytes_and_changes_with_them(tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "site.css"
    sheet.write_bytes(b"body { color: red }")
    first = static_url(folder_app(static), "css/site.css")
    assert first == f"/static/css/site.{hashlib.sha256(b'body { color: red }').hexdigest()[:12]}.css"
    assert static_url(folder_app(static), "css/site.css") == first  # every worker builds the same URL
    sheet.write_bytes(b"body { color: blue}")  # same size, other bytes
    second = static_url(folder_app(static), "css/site.css")
    assert second != first and FINGERPRINTED.fullmatch(second.removeprefix("/static/"))
    with folder_app(static).test_client().get(second) as answer:
        assert answer.status_code == 200 and answer.data == b"body { color: blue}"
        assert answer.headers["Cache-Control"] == IMMUTABLE


def test_a_file_changed_after_start_up_is_never_pinned_under_its_old_name(tmp_path):
    (tmp_path / "site.js").write_bytes(b"let a = 1;")
    app = folder_app(tmp_path)
    url = static_url(app, "site.js")
    (tmp_path / "site.js").write_bytes(b"let a = 22;")
    with app.test_client().get(url) as answer:
        assert answer.status_code == 200 and answer.data == b"let a = 22;"
        assert answer.headers["Cache-Control"] == "no-cache"


def test_a_file_removed_after_start_up_is_a_404(tmp_path):
    (tmp_path / "gone.css").write_bytes(b"p {}")
    app = folder_app(tmp_path)
    url = static_url(app, "gone.css")
    (tmp_path / "gone.css").unlink()
    assert app.test_client().get(url).status_code == 404


def test_in_debug_nothing_is_pinned(tmp_path):
    (tmp_path / "site.css").write_bytes(b"p {}")
    app = folder_app(tmp_path, debug=True)
    with app.test_client().get(static_url(app, "site.css")) as answer:
        assert answer.headers["Cache-Control"] == "no-cache"


def test_a_name_without_an_extension_is_fingerprinted_too(tmp_path):
    (tmp_path / "LICENSE").write_bytes(b"text")
    app = folder_app(tmp_path)
    url = static_url(app, "LICENSE")
    assert url == f"/static/LICENSE.{hashlib.sha256(b'text').hexdigest()[:12]}"
    with app.test_client().get(url) as answer:
        assert answer.headers["Cache-Control"] == IMMUTABLE


def test_a_file_whose_own_name_looks_fingerprinted_answers_by_that_name(tmp_path):
    vendored = f"lib.{'a' * 12}.js"  # a file shipped with a hash in its name, beside lib.js
    (tmp_path / vendored).write_bytes(b"vendored")
    (tmp_path / "lib.js").write_bytes(b"ours")
    (tmp_path / f"solo.{'b' * 12}.js").write_bytes(b"solo")
    client = folder_app(tmp_path).test_client()
    (tmp_path / f"late.{'c' * 12}.js").write_bytes(b"late")  # added after start-up, beside no late.js
    with client.get(f"/static/late.{'c' * 12}.js") as answer:
        assert answer.status_code == 200 and answer.data == b"late"
    with client.get(f"/static/{vendored}") as answer:
        assert answer.status_code == 200 and answer.data == b"vendored"
    with client.get(f"/static/solo.{'b' * 12}.js") as answer:
        assert answer.status_code == 200 and answer.data == b"solo"


def test_a_path_out_of_the_static_folder_is_refused(tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "site.css").write_bytes(b"p {}")
    secret = b"the instance secret"
    (tmp_path / "secret.txt").write_bytes(secret)
    client = folder_app(static).test_client()
    fingerprint = hashlib.sha256(secret).hexdigest()[:12]
    site = hashlib.sha256(b"p {}").hexdigest()[:12]
    for path in (
        f"/static/..%2fsecret.{fingerprint}.txt",
        f"/static/%2e%2e/secret.{fingerprint}.txt",
        f"/static/..%2fsecret.{STALE}.txt",
        "/static/..%2fsecret.txt",
        f"/static/..%2fstatic%2fsite.{site}.css",
    ):
        with client.get(path) as answer:
            assert answer.status_code == 404 and secret not in answer.data, path
