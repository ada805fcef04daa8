"""An LMS played in the tests: its own RSA key, its JWKS, its token endpoint (which checks the
tool's client assertion against the tool's /lti/jwks.json and grants only the scopes in `granted`),
its line items (the container, GET and POST) and their score endpoints, and its course's membership
list (NRPS 2.0, in pages), each taking only a bearer token issued for its scope, on a local port,
recording what they receive. It signs launch tokens and drives the OIDC login and the
launch through a Flask test client."""

from __future__ import annotations

import json
import secrets
import shutil
import threading
import time
from collections.abc import Iterator
from html import escape
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask
from jwt.algorithms import RSAAlgorithm

from tests.support.apps import app_with_schema
from tests.support.apps import base_config
from tests.support.apps import drop_everything
from webapp.lti.keys import write_key_pair

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
MEMBERSHIP_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CLIENT_ID = "miop-tool"
DEPLOYMENT = "deployment-1"
TOOL_HOST = "http://localhost"
TOOL_CONFIG = "https://purl.imsglobal.org/spec/lti-tool-configuration"


_KEYS: list[Any] = []


def platform_key() -> Any:
    """One RSA key for every platform of a test run (making one takes a good fraction of a second)."""
    if not _KEYS:
        _KEYS.append(rsa.generate_private_key(public_exponent=65537, key_size=2048))
    return _KEYS[0]


class Platform:
    """One platform; `url` is where it listens (its issuer), `received` what its endpoints got."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.key = platform_key()
        self.auth_as: tuple[str, str] = (LEARNER, "user-1")
        self.client_id = CLIENT_ID  # the tool's client id here (dynamic registration gives another)
        self.kid = "platform-key-1"
        self.tool_jwks: dict[str, Any] | None = None  # set by the test from the tool's /lti/jwks.json
        self.tokens: dict[str, set[str]] = {}  # each access token issued, with the scopes it grants
        self.granted = {SCORE_SCOPE, LINEITEM_SCOPE, NRPS_SCOPE}  # what this tool may be given
        self.received: list[dict[str, Any]] = []
        self.fail_scores = False
        self.fail_members = False  # the membership service answers 500
        self.members: list[dict[str, Any]] = []  # the course's members (NRPS 2.0), in pages of members_page
        self.members_page = 2
        self.lineitems: list[dict[str, Any]] = []  # the line items made through the line items service
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.platform = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the platform publishes and checks ----------------------------------------------

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def token(self, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """The client-credentials grant with a JWT client assertion (IMS Security Framework 4.1)."""
        assertion = (form.get("client_assertion") or [""])[0]
        if self.tool_jwks is None or (form.get("grant_type") or [""])[0] != "client_credentials":
            return 400, {"error": "invalid_request"}
        try:
            kid = jwt.get_unverified_header(assertion).get("kid")
            jwk = next(k for k in self.tool_jwks["keys"] if k.get("kid") == kid)
            claims = jwt.decode(
                assertion,
                RSAAlgorithm.from_jwk(json.dumps(jwk)),  # type: ignore[arg-type]
                algorithms=["RS256"],
                audience=self.url + "/token",
            )
        except (jwt.PyJWTError, StopIteration):
            return 401, {"error": "invalid_client"}
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id or not claims.get("jti"):
            return 401, {"error": "invalid_client"}
        asked = set((form.get("scope") or [""])[0].split())
        if not asked or not asked <= self.granted:
            return 400, {"error": "invalid_scope"}
        token = secrets.token_urlsafe(16)
        self.tokens[token] = asked
        return 200, {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": " ".join(sorted(asked)),
        }

    def bearer(self, headers: Any, scope: str) -> bool:
        """Whether the request carries an access token this platform issued for `scope`."""
        auth = headers.get("Authorization", "")
        return auth.startswith("Bearer ") and scope in self.tokens.get(auth[7:], set())

    def openid_configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.url,
            "authorization_endpoint": self.url + "/auth",
            "token_endpoint": self.url + "/token",
            "jwks_uri": self.url + "/jwks",
            "registration_endpoint": self.url + "/register",
            "https://purl.imsglobal.org/spec/lti-platform-configuration": {"product_family_code": "test-platform"},
        }

    def scores(self, lineitem: str = "/lineitems/1") -> list[dict[str, Any]]:
        return [r for r in self.received if r["path"].startswith(lineitem + "/scores")]

    def member(self, sub: str, name: str, role: str = LEARNER, **extra: Any) -> None:
        self.members.append({"user_id": sub, "name": name, "status": "Active", "roles": [role], **extra})

    # --- the tool's registration -----------------------------------------------------------------

    def tool_config(self, folder: Path, private_key: str = "private.key", public_key: str = "public.key") -> Path:
        config = {
            self.url: [
                {
                    "default": True,
                    "client_id": CLIENT_ID,
                    "auth_login_url": self.url + "/auth",
                    "auth_token_url": self.url + "/token",
                    "key_set_url": self.url + "/jwks",
                    "key_set": None,
                    "private_key_file": private_key,
                    "public_key_file": public_key,
                    "deployment_ids": [DEPLOYMENT],
                }
            ]
        }
        path = folder / "lti.json"
        path.write_text(json.dumps(config))
        return path

    # --- launches ---------------------------------------------------------------------------

    def claims(self, nonce: str, role: str = LEARNER, sub: str = "user-1", **extra: Any) -> dict[str, Any]:
        now = int(time.time())
        body: dict[str, Any] = {
            "iss": self.url,
            "aud": self.client_id,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            CLAIM + "message_type": "LtiResourceLinkRequest",
            CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": DEPLOYMENT,
            CLAIM + "target_link_uri": TOOL_HOST + "/lti/launch",
            CLAIM + "resource_link": {"id": "link-1", "title": "Week 3 cases"},
            CLAIM + "roles": [role],
            CLAIM + "context": {"id": "course-7", "title": "Bone biology"},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": [SCORE_SCOPE],
                "lineitem": self.url + "/lineitems/1",
                "lineitems": self.url + "/lineitems",
            },
            NRPS_CLAIM: {"context_memberships_url": self.url + "/memberships", "service_versions": ["2.0"]},
        }
        body.update(extra)
        return {k: v for k, v in body.items() if v is not None}

    def sign(self, claims: dict[str, Any], key: Any = None, kid: str | None = None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def login(self, client: Any) -> dict[str, str]:
        """The OIDC login initiation (third-party initiated login): the tool's redirect's parameters."""
        response = client.get(
            "/lti/login",
            query_string={
                "iss": self.url,
                "login_hint": "hint-1",
                "target_link_uri": TOOL_HOST + "/lti/launch",
                "client_id": self.client_id,
                "lti_message_hint": "msg-1",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        location = urlsplit(response.headers["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == self.url + "/auth"
        return {k: v[0] for k, v in parse_qs(location.query).items()}

    def launch(self, client: Any, role: str = LEARNER, sub: str = "user-1", **extra: Any) -> Any:
        """Login, then the launch's form post with a token signed for the login's nonce."""
        params = self.login(client)
        token = self.sign(self.claims(params["nonce"], role=role, sub=sub, **extra))
        return client.post("/lti/launch", data={"id_token": token, "state": params["state"]})


class Handler(BaseHTTPRequestHandler):
    """The platform's endpoints (the Platform is the server's `platform`)."""

    @property
    def platform(self) -> Platform:
        return self.server.platform  # type: ignore[attr-defined,no-any-return]

    def log_message(self, *args: Any) -> None:
        pass

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _html(self, html: str) -> None:
        data = html.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _members(self, page: int) -> None:
        self.platform.received.append({"path": self.path, "headers": dict(self.headers), "body": ""})
        if self.platform.fail_members:
            self._answer(500, {})
            return
        if not self.platform.bearer(self.headers, NRPS_SCOPE):
            self._answer(401, {"error": "invalid_token"})
            return
        size = self.platform.members_page
        members = self.platform.members[page * size : (page + 1) * size]
        body = {"id": self.platform.url + self.path, "context": {"id": "course-7"}, "members": members}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", MEMBERSHIP_TYPE)
        self.send_header("Content-Length", str(len(data)))
        if (page + 1) * size < len(self.platform.members):
            self.send_header("Link", f'<{self.platform.url}/memberships?page={page + 1}>; rel="next"')
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/jwks":
            self._answer(200, self.platform.jwks())
        elif parts.path == "/.well-known/openid-configuration":  # LTI Dynamic Registration 1.0, 3.4
            self._answer(200, self.platform.openid_configuration())
        elif parts.path == "/memberships":  # NRPS 2.0: the course's members, in pages (a Link header)
            self._members(int(query.get("page", "0")))
        elif parts.path == "/lineitems":  # AGS 2.0 line item service: the container
            self.platform.received.append({"path": self.path, "method": "GET", "headers": dict(self.headers)})
            ok = self.platform.bearer(self.headers, LINEITEM_SCOPE)
            self._answer(200 if ok else 401, self.platform.lineitems if ok else {})
        elif parts.path == "/course":  # the LMS's course page, the tool in its iframe
            self._html(
                f'<h1>Course</h1><iframe title="tool" src="{escape(query["tool"])}" width="1000" height="700"></iframe>'
            )
        elif parts.path == "/auth":  # the authorisation endpoint: answers the launch by form post
            role, sub = self.platform.auth_as
            token = self.platform.sign(self.platform.claims(query["nonce"], role=role, sub=sub))
            self._html(
                f'<form id="f" method="post" action="{escape(query["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{escape(query["state"])}"></form>'
                "<script>document.getElementById('f').submit()</script>"
            )
        else:
            self._answer(404, {})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        record = {"path": self.path, "headers": dict(self.headers), "body": body}
        self.platform.received.append(record)
        if self.path == "/token":
            status, answer = self.platform.token(parse_qs(body))
            record["status"] = status
            self._answer(status, answer)
        elif self.path == "/register":  # LTI Dynamic Registration 1.0, 3.5: the tool registers itself
            ok = self.headers.get("Authorization") == "Bearer reg-token"
            record["status"] = 201 if ok else 401
            answer = {"client_id": "dyn-client", TOOL_CONFIG: {"deployment_id": "dyn-deployment"}}
            self._answer(record["status"], {**json.loads(body), **answer} if ok else {})
        elif self.path == "/lineitems":  # AGS 2.0: the tool makes a line item
            ok = self.platform.bearer(self.headers, LINEITEM_SCOPE)
            ok = ok and self.headers.get("Content-Type") == LINEITEM_TYPE
            record["status"] = 201 if ok else 401
            item = {**json.loads(body), "id": f"{self.platform.url}/lineitems/{len(self.platform.lineitems) + 2}"}
            if ok:
                self.platform.lineitems.append(item)
            self._answer(record["status"], item if ok else {})
        elif self.path.startswith("/lineitems/") and self.path.endswith("/scores"):
            known = self.path == "/lineitems/1/scores" or any(
                self.platform.url + self.path == i["id"] + "/scores" for i in self.platform.lineitems
            )
            ok = self.platform.bearer(self.headers, SCORE_SCOPE) and known
            status = 500 if self.platform.fail_scores else (200 if ok else 401)
            record["status"] = status
            self._answer(status, {})
        else:
            self._answer(404, {})


# --- fixtures (import them into a test module) ------------------------------------------------


@pytest.fixture
def platform() -> Iterator[Platform]:
    """A platform listening on a local port for one test."""
    played = Platform()
    yield played
    played.close()


@pytest.fixture(scope="module")
def tool_keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tool's key pair, made once per module (`flask lti-keys`' function)."""
    folder = tmp_path_factory.mktemp("tool-keys")
    write_key_pair(str(folder))
    return folder


@pytest.fixture
def lti_app(tmp_path: Path, platform: Platform, tool_keys: Path, database_url: str) -> Iterator[Flask]:
    """The app with LTI_CONFIG registering `platform`, on each test backend (SQLite, and PostgreSQL
    where configured: the nonce is consumed by a DELETE's row count); the platform knows the tool's
    /lti/jwks.json."""
    for name in ("private.key", "public.key"):
        shutil.copy2(tool_keys / name, tmp_path / name)
    config = {**base_config(tmp_path, database_url), "LTI_CONFIG": str(platform.tool_config(tmp_path))}
    app = app_with_schema(config)
    platform.tool_jwks = app.test_client().get("/lti/jwks.json").get_json()
    yield app
    drop_everything(app)
