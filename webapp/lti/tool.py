"""The tool's registrations with platforms: a JSON file named by LTI_CONFIG in pylti1p3's format.

    {"https://moodle.example.org": [{"default": true, "client_id": "...",
        "auth_login_url": ".../mod/lti/auth.php", "auth_token_url": ".../mod/lti/token.php",
        "key_set_url": ".../mod/lti/certs.php", "key_set": null, "deployment_ids": ["1"],
        "private_key_file": "private.key", "public_key_file": "public.key"}]}

Relative key files are read beside the JSON file (`flask lti-keys` writes them). Without LTI_CONFIG
the /lti routes answer 404 and nothing else changes.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from pylti1p3.tool_config import ToolConfJsonFile


class NotConfigured(RuntimeError):
    """LTI_CONFIG is not set."""


def config_path() -> str | None:
    value = current_app.config.get("LTI_CONFIG")
    return str(value) if value else None


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> tuple[ToolConfJsonFile, dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    return ToolConfJsonFile(path), raw


def tool_config() -> ToolConfJsonFile:
    """The tool configuration (read again when the file changes); NotConfigured without LTI_CONFIG."""
    return _loaded()[0]


def _loaded() -> tuple[ToolConfJsonFile, dict[str, Any]]:
    path = config_path()
    if not path:
        raise NotConfigured("LTI_CONFIG is not set")
    return _load(path, os.stat(path).st_mtime)


def _origin(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def platform_origins() -> list[str]:
    """The origins of the registered platforms (issuer and login URL), where the tool may be framed."""
    if not config_path():
        return []
    try:
        raw = _loaded()[1]
    except (OSError, ValueError):
        return []
    found: list[str] = []
    for issuer, entries in raw.items():
        items = entries if isinstance(entries, list) else [entries]
        for url in [issuer] + [i.get("auth_login_url") for i in items if isinstance(i, dict)]:
            origin = _origin(url)
            if origin and origin not in found:
                found.append(origin)
    return found
