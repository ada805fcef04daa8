"""Educators: a private key each (stored only hashed), and the check that a key opens an exercise.
The data side of webapp/classroom/identity.py: no request state here."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask_babel import gettext
from sqlalchemy import select

from ...extensions import db
from ...models import Educator
from ...models import Exercise
from .common import ClassroomError


def hash_key(key: str) -> str:
    """The stored form of an educator key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def educator_for_key(key: str | None) -> Educator | None:
    """The educator holding this key, if any."""
    return educator_for_digest(hash_key(key) if key else None)


def educator_for_digest(digest: str | None) -> Educator | None:
    """The educator whose key has this hash (what a browser's educator cookie holds), if any."""
    if not digest:
        return None
    educator = db.session.execute(select(Educator).where(Educator.key_hash == digest)).scalar_one_or_none()
    if educator is None or not hmac.compare_digest(educator.key_hash, digest):
        return None
    return educator


def new_educator() -> tuple[Educator, str]:
    """A new educator and their private key (returned once, stored only hashed)."""
    key = secrets.token_urlsafe(24)
    educator = Educator(key_hash=hash_key(key))
    db.session.add(educator)
    db.session.flush()
    return educator, key


def authorise(exercise: Exercise, key: str | None) -> None:
    """Raise 401 without a key and 403 with a key that is not this exercise's educator's (a page
    then offers the exercise's claim form; the API answers JSON)."""
    authorise_digest(exercise, hash_key(key) if key else None)


def authorise_digest(exercise: Exercise, digest: str | None) -> None:
    """authorise() for the hash of a key (what a browser's educator cookie holds)."""
    if not digest:
        raise ClassroomError(
            401, "unauthorized", gettext("This page needs the educator key of the exercise."), claim_code=exercise.code
        )
    if not hmac.compare_digest(exercise.educator.key_hash, digest):
        raise ClassroomError(
            403, "forbidden", gettext("This educator key does not open this exercise."), claim_code=exercise.code
        )
