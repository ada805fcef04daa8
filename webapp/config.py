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
    # None means "Secure unless DEBUG or TESTING" (resolved in create_app); SESSION_COOKIE_SECURE=0
    # turns it off for plain-http serving on a trusted local network, =1 forces it on.
    SESSION_COOKIE_SECURE = {"1": True, "0": False}.get(os.environ.get("SESSION_COOKIE_SECURE", ""))
    # Join-code guessing: at most this many failed join attempts (wrong codes, wrong student tokens)
    # per client IP per window (DB-backed, so the limit holds across gunicorn workers and instances).
    # A code that exists always opens, so a whole class behind one IP is never locked out.
    JOIN_RATE_LIMIT = 30
    JOIN_RATE_WINDOW_SECONDS = 300
    # Requests per client IP per window on the endpoints that write or parse uploads (webapp/ratelimit.py;
    # 0 turns a limit off). Generous: a class of 200 behind one NAT address submits 5 answers each with
    # room to spare. POST /api/v1/assess is not limited: it stores nothing.
    EXERCISE_RATE_LIMIT = 200  # new exercises and authored cases (API and form)
    EXERCISE_RATE_WINDOW_SECONDS = 300
    # Classroom answers (API and form) per STUDENT, not per address: 1,000 students behind one school
    # NAT each have their own budget (20 cases answered 5 times each). Students per exercise are capped
    # (CLASSROOM_MAX_STUDENTS), so an exercise's answers are bounded too.
    SUBMISSION_RATE_LIMIT = 100
    SUBMISSION_RATE_WINDOW_SECONDS = 300
    CLASSROOM_MAX_STUDENTS = int(os.environ.get("CLASSROOM_MAX_STUDENTS", "2000"))  # 0: no cap
    IMPORT_RATE_LIMIT = 600  # phenopacket and HPO-list imports (POST /import, POST /api/v1/phenopacket)
    IMPORT_RATE_WINDOW_SECONDS = 300
    # Reverse proxies in front of the app (FLASK_PROXY_HOPS=1 behind one nginx): that many
    # X-Forwarded-For/-Proto entries are trusted, so rate limits count each client, not the proxy.
    # 0 (the default) ignores those headers, which a client could otherwise forge.
    PROXY_HOPS = 0
    JSON_SORT_KEYS = False


class InsecureConfigError(RuntimeError):
    """Raised when the app would serve real traffic with an unsafe configuration."""


def finalise_config(config: dict[str, object]) -> None:
    """Refuse the dev SECRET_KEY outside DEBUG/TESTING and resolve the cookie's Secure flag."""
    relaxed = bool(config.get("DEBUG") or config.get("TESTING"))
    if not relaxed and config.get("SECRET_KEY") in (None, "", DEV_SECRET_KEY):
        raise InsecureConfigError(
            "Refusing to start: set SECRET_KEY to a long random value (e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`); the default key is for "
            "the debug server (`make run`) only.")
    if config.get("SESSION_COOKIE_SECURE") is None:
        config["SESSION_COOKIE_SECURE"] = not relaxed
