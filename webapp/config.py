"""Configuration defaults; secrets come from the environment (FLASK_* or plain names)."""

from __future__ import annotations

import os

from .limits import BODY_MAX_BYTES

DEV_SECRET_KEY = "dev-only-not-secret"


class Config:
    """Defaults for every environment; production overrides SECRET_KEY and DATABASE_URL."""

    # None: the key kept in the instance folder (made on first start, mode 0600; webapp/infra/serving.py).
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # SQLite in the instance folder unless DATABASE_URL names another database; None here is
    # resolved in create_app once the instance path is known.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Seconds any one wait on PostgreSQL may take (a statement, a ping, a commit) before the request
    # gives up with a 503; the server cancels statements a second earlier (webapp/infra/dbguard.py).
    DATABASE_TIMEOUT = 5
    MAX_CONTENT_LENGTH = BODY_MAX_BYTES  # larger bodies are refused with 413 (webapp/limits.py)
    WTF_CSRF_TIME_LIMIT = None  # a checklist may stay open for a whole clinic session
    # The CSRF token (an HMAC tied to the signed session) and the SameSite=Lax cookie guard every form;
    # Flask-WTF's extra HTTPS check wants a same-origin Referer, which Referrer-Policy: no-referrer
    # (kept so the shareable link's query never travels in a Referer) never lets a browser send.
    WTF_CSRF_SSL_STRICT = False
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    # None means "Secure when the request came over HTTPS" (webapp/infra/serving.py), so forms work over
    # plain HTTP on a LAN; SESSION_COOKIE_SECURE=1 forces it on, =0 off.
    SESSION_COOKIE_SECURE = {"1": True, "0": False}.get(os.environ.get("SESSION_COOKIE_SECURE", ""))
    # An educator stays signed in on a browser this many days after creating an exercise or opening
    # their recovery link (a cookie of its own, Secure like the session's; webapp/classroom/identity.py).
    EDUCATOR_COOKIE_DAYS = 90
    # Absolute URLs (the join link, the API's join_url) come from PUBLIC_URL (https://miop.example.org)
    # when set; the app answers only the Host headers in TRUSTED_HOSTS (comma-separated), by default
    # this machine's names and addresses plus PUBLIC_URL's host.
    PUBLIC_URL = os.environ.get("PUBLIC_URL") or None
    # Where the server listens (HOST, as gunicorn_conf.py binds it). Without PUBLIC_URL, a page asked
    # for at 127.0.0.1 or localhost while the app listens on the network builds the join URL on this
    # machine's network address (webapp/infra/serving.py); on loopback only, it warns.
    LISTEN_HOST = os.environ.get("HOST") or "127.0.0.1"
    TRUSTED_HOSTS = (
        [h.strip() for h in os.environ["TRUSTED_HOSTS"].split(",") if h.strip()]
        if os.environ.get("TRUSTED_HOSTS")
        else None
    )
    # Join-code guessing: at most this many failed join attempts (wrong codes, wrong student tokens)
    # per client IP per window (DB-backed, so the limit holds across gunicorn workers and instances).
    # A code that exists always opens, so a whole class behind one IP is never locked out.
    JOIN_RATE_LIMIT = 30
    JOIN_RATE_WINDOW_SECONDS = 300
    # ... and from every client together in the same window: wrong codes from many addresses cannot
    # walk the codes either (a code that exists still opens; only wrong ones are refused past it).
    JOIN_GLOBAL_RATE_LIMIT = 1000
    # New students per exercise per JOINS_WINDOW_SECONDS, from one client IP and from all together:
    # one device cannot fill an exercise in seconds, while 1,000 students behind one school NAT join
    # within two minutes. Counted under the exercise's lock, so never overshot (nor the cap).
    JOINS_PER_CLIENT = 600
    JOINS_PER_EXERCISE = 1200
    JOINS_WINDOW_SECONDS = 60
    # Wrong rejoin codes per NICKNAME per window (whoever sends them: a class behind one address is
    # never locked out, and nobody can try more than this many codes on one student).
    REJOIN_RATE_LIMIT = 10
    # Wrong pairing codes (pairing a phone as the educator's remote) per client IP per window: a code
    # lasts a minute and needs the educator's confirmation, so a few tries are plenty.
    PAIR_RATE_LIMIT = 10
    # Requests per client IP per window on the endpoints that write or parse uploads (webapp/infra/ratelimit.py;
    # 0 turns a limit off). Generous: a class of 200 behind one NAT address submits 5 answers each with
    # room to spare. POST /api/v1/assess is not limited: it stores nothing.
    EXERCISE_RATE_LIMIT = 200  # new exercises and authored cases (API and form)
    EXERCISE_RATE_WINDOW_SECONDS = 300
    # Classroom answers (API and form) per STUDENT, not per address: 1,000 students behind one school
    # NAT each have their own budget (20 cases answered 5 times each). Students per exercise are capped
    # (CLASSROOM_MAX_STUDENTS), so an exercise's answers are bounded too.
    SUBMISSION_RATE_LIMIT = 100
    SUBMISSION_RATE_WINDOW_SECONDS = 300
    # Seconds a worker answers a class's state polls from the state it computed last (changes made in
    # the worker itself show at once; webapp/classroom/service/state_cache.py). 0: ask every time.
    CLASS_STATE_CACHE_SECONDS = 0.25
    CLASSROOM_MAX_STUDENTS = int(os.environ.get("CLASSROOM_MAX_STUDENTS", "2000"))  # 0: no cap
    IMPORT_RATE_LIMIT = 600  # phenopacket and HPO-list imports (POST /import, POST /api/v1/phenopacket)
    IMPORT_RATE_WINDOW_SECONDS = 300
    # Reverse proxies in front of the app (FLASK_PROXY_HOPS=1 behind one nginx): that many
    # X-Forwarded-For/-Proto entries are trusted, so rate limits count each client, not the proxy.
    # 0 (the default) ignores those headers, which a client could otherwise forge.
    PROXY_HOPS = 0
    # Load the knowledge, the HPO data, the differential model and the practice library in create_app
    # (webapp/preload.py) rather than on the first request that needs them. Off by default, so
    # tests, the flask command and `make bench`'s start-up figure do not pay for it; gunicorn's config
    # turns it on (FLASK_PRELOAD=true) and loads the app once in its master, before forking workers.
    PRELOAD = False
    # The LTI 1.3 tool (docs/lti.md): a JSON file of the platforms registered with it, in pylti1p3's
    # tool-config format (issuer, client id, login, token and key-set URLs, deployment ids, the tool's
    # key files beside it, made by `flask lti-keys`). Unset: no /lti route exists.
    LTI_CONFIG = os.environ.get("LTI_CONFIG") or None
    # LTI Dynamic Registration: the secret in the URL an LMS administrator pastes
    # (/lti/register?key=<it>); unset, there is no dynamic registration.
    LTI_REGISTRATION_KEY = os.environ.get("LTI_REGISTRATION_KEY") or None


class InsecureConfigError(RuntimeError):
    """Raised when the app would serve real traffic with an unsafe configuration."""


def finalise_config(config: dict[str, object], instance_path: str) -> None:
    """Use the instance folder's key when none is given; refuse a weak one outside DEBUG/TESTING."""
    from .infra.serving import MIN_SECRET_KEY_LENGTH
    from .infra.serving import instance_secret_key

    if config.get("SECRET_KEY") is None:
        config["SECRET_KEY"] = instance_secret_key(instance_path)
    relaxed = bool(config.get("DEBUG") or config.get("TESTING"))
    key = str(config.get("SECRET_KEY") or "")
    if not relaxed and (key == DEV_SECRET_KEY or len(key) < MIN_SECRET_KEY_LENGTH):
        raise InsecureConfigError(
            f"Refusing to start: SECRET_KEY is too weak (at least {MIN_SECRET_KEY_LENGTH} random characters, "
            "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`), or unset it and the app "
            "keeps its own in the instance folder."
        )
