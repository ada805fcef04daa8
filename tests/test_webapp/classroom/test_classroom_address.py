"""The right address: an exercise created at 127.0.0.1 while the app serves the network gets a join
URL, projector and QR code on the machine's network address (or PUBLIC_URL); served on loopback only,
the created page and the projector lobby say phones cannot reach it and how to fix it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.support.apps import CSRF_INPUT
from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import dispose
from tests.test_webapp.classroom.test_classroom_pages import CASES
from webapp.infra import serving

LAN = "192.168.1.20"
LAPTOP = "http://127.0.0.1:5000"  # the educator's own browser, on the loopback address
WARNING = "Phones cannot reach this address"


@pytest.fixture
def serve(tmp_path: Path, monkeypatch) -> Iterator:
    """An app built with extra settings; this machine's network address is LAN."""
    monkeypatch.setattr(serving, "machine_addresses", lambda: [LAN])
    apps: list[Flask] = []

    def build(**settings: object) -> Flask:
        config = {**base_config(tmp_path), "TRUSTED_HOSTS": ["localhost", "127.0.0.1", LAN], **settings}
        apps.append(app_with_schema(config))
        return apps[-1]

    yield build
    for app in apps:
        dispose(app)


def created(app: Flask, base_url: str = LAPTOP) -> tuple[str, str, str]:
    """Create an exercise in a browser at `base_url`: its code, created page and projector lobby."""
    client = app.test_client()
    resp = client.post(
        "/classroom/new",
        base_url=base_url,
        data={
            "csrf_token": CSRF_INPUT.search(client.get("/classroom/new", base_url=base_url).text).group(1),
            "title": "Address",
            "cases": [CASES[0].id],
            "simulated": "0",
            "feedback": "immediate",
        },
    )
    code = resp.location.split("/")[2]
    page = client.get(f"/classroom/{code}/created", base_url=base_url).get_data(as_text=True)
    lobby = client.get(f"/classroom/{code}/projector", base_url=base_url).get_data(as_text=True)
    return code, page, lobby


def test_created_at_loopback_while_serving_the_network_the_room_gets_the_network_address(serve):
    app = serve(LISTEN_HOST="0.0.0.0")
    code, page, lobby = created(app)
    assert f"http://{LAN}:5000/join" in page and "127.0.0.1" not in page and WARNING not in page
    assert f"http://{LAN}:5000/join" in lobby and WARNING not in lobby
    link = re.search(r'<code id="claim-link">([^<]+)</code>', page).group(1)
    assert link.startswith(f"http://{LAN}:5000/classroom/{code}/claim#")  # the link for another device
    api = app.test_client().post("/api/v1/exercises", base_url=LAPTOP, json={"title": "API", "case_ids": [CASES[0].id]})
    assert api.get_json()["join_url"] == f"http://{LAN}:5000/join?code={api.get_json()['code']}"
    # Reached at its network address already, the page keeps it.
    _, page, _ = created(app, base_url=f"http://{LAN}:5000")
    assert f"http://{LAN}:5000/join" in page


def test_the_qr_code_holds_the_network_address(serve, monkeypatch):
    encoded: list[str] = []
    from webapp.classroom import educator

    monkeypatch.setattr(educator, "qr_svg", lambda url: encoded.append(url) or "<svg></svg>")
    code, _, _ = created(serve(LISTEN_HOST="0.0.0.0"))
    assert encoded == [f"http://{LAN}:5000/join?code={code}"]


def test_listening_on_one_network_address_uses_it(serve):
    _, page, _ = created(serve(LISTEN_HOST="10.0.0.7", TRUSTED_HOSTS=["127.0.0.1", "10.0.0.7"]))
    assert "http://10.0.0.7:5000/join" in page and WARNING not in page


def test_public_url_wins(serve):
    _, page, lobby = created(serve(LISTEN_HOST="0.0.0.0", PUBLIC_URL="https://miop.example.org"))
    assert "https://miop.example.org/join" in page and "https://miop.example.org/join" in lobby
    assert LAN not in page and WARNING not in page


def test_served_on_loopback_only_the_created_page_and_the_lobby_say_how_to_fix_it(serve):
    _, page, lobby = created(serve(LISTEN_HOST="127.0.0.1"))
    assert "http://127.0.0.1:5000/join" in page
    for html in (page, lobby):
        assert WARNING in html and "HOST=0.0.0.0 make run" in html and "PUBLIC_URL" in html


def test_serving_the_network_without_a_network_address_warns_too(serve, monkeypatch):
    monkeypatch.setattr(serving, "machine_addresses", lambda: [])
    _, page, lobby = created(serve(LISTEN_HOST="0.0.0.0"))
    assert "http://127.0.0.1:5000/join" in page and WARNING in page and WARNING in lobby


def test_an_address_outside_the_trusted_hosts_is_never_used(serve):
    # TRUSTED_HOSTS set by the operator without this address: phones could not be served there.
    _, page, _ = created(serve(LISTEN_HOST="0.0.0.0", TRUSTED_HOSTS=["localhost", "127.0.0.1"]))
    assert LAN not in page and WARNING in page


def test_a_forged_host_header_never_reaches_a_join_url(serve):
    app = serve(LISTEN_HOST="0.0.0.0")
    resp = app.test_client().get("/classroom/new", headers={"Host": "evil.example"})
    assert resp.status_code == 400 and "evil.example" not in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True)]
    + [("LocalHost", True), (LAN, False), ("miop.example.org", False), ("", False), (None, False)],
)
def test_what_counts_as_loopback(host, loopback):
    assert serving.is_loopback(host) is loopback
