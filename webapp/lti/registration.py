"""LTI Dynamic Registration 1.0: an LMS administrator pastes one URL, the LMS opens it, and the tool
registers itself with the platform and adds the platform to LTI_CONFIG's file.

The URL holds a secret (LTI_REGISTRATION_KEY): `/lti/register?key=<secret>`. Without it set, the
route is a 404; with a wrong key, a 403. (An open registration would let anyone add a platform,
whose origin may then frame the LTI pages, and make the server fetch any URL.)"""

from __future__ import annotations

import hmac
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from pylti1p3.dynamic_registration import DynamicRegistration

from . import bp
from .keys import default_folder
from .tool import config_path

log = logging.getLogger(__name__)

TOOL_CONFIG_CLAIM = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG_CLAIM = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",  # LMS names, when asked
]
TIMEOUT_SECONDS = 10


class ToolRegistration(DynamicRegistration):
    """What the tool tells the platform about itself, and where it keeps what the platform answers."""

    client_name = "MIOP classroom"
    description = "Osteopetrosis teaching cases: a class answers, the educator reveals; grades go back."

    def get_openid_configuration_endpoint(self) -> str:
        return request.args.get("openid_configuration", "")

    def get_registration_token(self) -> str:
        return request.args.get("registration_token", "")

    def get_initiate_login_uri(self) -> str:
        return url_for("lti.login", _external=True)

    def get_jwks_uri(self) -> str:
        return url_for("lti.jwks", _external=True)

    def get_redirect_uris(self) -> list[str]:
        return [url_for("lti.launch", _external=True)]

    def get_target_link_uri(self) -> str:
        return url_for("lti.launch", _external=True)

    def get_domain(self) -> str:
        return urlsplit(request.host_url).netloc

    def get_scopes(self) -> list[str]:
        return SCOPES

    def get_claims(self) -> list[str]:
        return ["iss", "sub"]

    def get_messages(self) -> list[dict[str, str]]:
        return [
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": url_for("lti.launch", _external=True),
                "label": "MIOP classroom activity",
            }
        ]

    def get_logo_uri(self) -> str:
        return url_for("static", filename="app.js", _external=True).rsplit("/static/", 1)[0] + "/"

    def get_request_session(self) -> Any:
        session = super().get_request_session()
        original = session.request
        session.request = lambda method, url, **kw: original(method, url, **{"timeout": TIMEOUT_SECONDS, **kw})
        return session

    def complete_registration(self, openid_configuration: dict[str, Any], openid_registration: dict[str, Any]) -> Any:
        platform = openid_configuration
        tool = openid_registration.get(TOOL_CONFIG_CLAIM) or {}
        issuer = platform["issuer"]
        entry = {
            "default": True,
            "client_id": openid_registration["client_id"],
            "auth_login_url": platform["authorization_endpoint"],
            "auth_token_url": platform["token_endpoint"],
            "key_set_url": platform["jwks_uri"],
            "key_set": None,
            "deployment_ids": [tool["deployment_id"]] if tool.get("deployment_id") else [],
            "private_key_file": "private.key",
            "public_key_file": "public.key",
        }
        add_registration(issuer, entry)
        return entry


def add_registration(issuer: str, entry: dict[str, Any]) -> None:
    """Add (or replace, for the same client id) a platform in LTI_CONFIG's file, written atomically."""
    path = Path(config_path() or default_folder() / "lti.json")
    current: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
    items = current.get(issuer) or []
    items = [items] if isinstance(items, dict) else items
    items = [i for i in items if i.get("client_id") != entry["client_id"]]
    for item in items:
        item["default"] = False
    current[issuer] = [*items, entry]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".lti-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(current, fh, indent=2)
    os.replace(tmp, path)


@bp.get("/register")
def register() -> ResponseReturnValue:
    """Dynamic registration, opened by the LMS with `openid_configuration` and `registration_token`."""
    secret = current_app.config.get("LTI_REGISTRATION_KEY")
    if not secret:
        abort(404)
    if not hmac.compare_digest(str(secret).encode(), request.args.get("key", "").encode()):
        abort(403, gettext("This registration link is not the tool's."))
    if not request.args.get("openid_configuration"):
        abort(400, gettext("The LMS did not send its configuration (openid_configuration)."))
    try:
        entry = ToolRegistration().register()
    except Exception as err:  # noqa: BLE001  (whatever the platform answered: a clear 502, never a 500)
        log.warning("LTI dynamic registration failed: %s", type(err).__name__)
        abort(
            502,
            gettext("The LMS did not accept the registration; try again, or register the tool by hand (docs/lti.md)."),
        )
    return render_template("lti/registered.html", client_id=entry["client_id"])
