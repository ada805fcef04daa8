"""LTI Dynamic Registration: the LMS opens the tool's registration URL (with its secret), the tool
registers itself with the platform and adds it to LTI_CONFIG's file; a launch then works."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from flask import Flask

from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import dispose
from tests.support.lti_platform import CLAIM
from tests.support.lti_platform import INSTRUCTOR
from tests.support.lti_platform import Platform


@pytest.fixture
def fresh_tool(tmp_path: Path, tool_keys: Path):
    for name in ("private.key", "public.key"):
        shutil.copy2(tool_keys / name, tmp_path / name)
    config = tmp_path / "lti.json"  # not there yet: the first registration writes it
    app = app_with_schema({**base_config(tmp_path), "LTI_CONFIG": str(config), "LTI_REGISTRATION_KEY": "s3cret"})
    yield app, config
    dispose(app)


def _register(app: Flask, platform: Platform, key: str = "s3cret", token: str = "reg-token"):
    return app.test_client().get(
        "/lti/register",
        query_string={
            "key": key,
            "openid_configuration": platform.url + "/.well-known/openid-configuration",
            "registration_token": token,
        },
    )


def test_the_lms_registers_the_tool_with_one_url_and_launches_it(fresh_tool, platform: Platform) -> None:
    app, config = fresh_tool
    response = _register(app, platform)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert "data-lti-registered" in response.get_data(as_text=True)  # app.js tells the LMS it is done
    (sent,) = [r for r in platform.received if r["path"] == "/register"]
    body = json.loads(sent["body"])
    assert body["initiate_login_uri"] == "http://localhost/lti/login"
    assert body["jwks_uri"] == "http://localhost/lti/jwks.json"
    assert body["redirect_uris"] == ["http://localhost/lti/launch"]
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in body["scope"]
    (entry,) = json.loads(config.read_text())[platform.url]
    assert entry["client_id"] == "dyn-client" and entry["deployment_ids"] == ["dyn-deployment"]
    assert entry["key_set_url"] == platform.url + "/jwks"
    # The registered platform launches the tool.
    client = app.test_client()
    platform.client_id = "dyn-client"
    params = platform.login(client)
    claims = platform.claims(params["nonce"], role=INSTRUCTOR)
    claims[CLAIM + "deployment_id"] = "dyn-deployment"
    launched = client.post("/lti/launch", data={"id_token": platform.sign(claims), "state": params["state"]})
    assert launched.status_code == 303 and launched.headers["Location"].startswith("/classroom/")


def test_registration_needs_the_secret_and_the_platforms_token(fresh_tool, platform: Platform) -> None:
    app, config = fresh_tool
    assert _register(app, platform, key="guess").status_code == 403
    assert _register(app, platform, token="wrong").status_code == 502  # the platform refused it
    assert not config.exists()
    assert not [r for r in platform.received if r["path"] == "/register" and r["status"] == 201]


def test_without_a_registration_key_there_is_no_registration(lti_app: Flask, platform: Platform) -> None:
    assert _register(lti_app, platform).status_code == 404
