"""Configuration defaults; secrets come from the environment (FLASK_* or plain names)."""

from __future__ import annotations

import os

DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Defaults for every environment; production overrides SECRET_KEY and DATABASE_URL."""

    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    # SQLite in the instance folder unless DATABASE_URL names another database; None here is
    # resolved in create_app once the instance path is known.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Bodies over 64 KiB are refused with 413 (PRODUCT.md error contract).
    MAX_CONTENT_LENGTH = 64 * 1024
    WTF_CSRF_TIME_LIMIT = None  # a checklist may stay open for a whole clinic session
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    JSON_SORT_KEYS = False
