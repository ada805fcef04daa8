"""Pairing the educator's own phone as a remote for one exercise (docs/decisions/0024-a-phone-paired-
as-the-remote.md). The projector shows a short code, valid PAIRING_SECONDS and used once; a phone
claims it (and holds a secret of its own, which only it has: the row keeps its hash); the educator
confirms on the laptop; the phone collects the confirmation and is signed in for that exercise.
Nothing is kept in a process: every step is a row of `remote_pairing`, so any worker of any
instance serves any step, and a row expires a minute after its last step.

A confirmation may carry the recovery link's key (the laptop had it still to show): sealed with a
keystream from the app's secret and the phone's hash, kept only until the phone collects it (the
row is then deleted), and never readable from the database alone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any
from typing import cast

from flask_babel import gettext
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Exercise
from ...models import RemotePairing
from ...models import utcnow
from .common import ClassroomError
from .exercises import new_code

# How long a pairing code can be claimed, and each later step (confirm, collect) waits.
PAIRING_SECONDS = 60


def _code_hash(secret: str, exercise: Exercise, code: str) -> str:
    """A keyed hash of a pairing code of an exercise (the table never holds a code)."""
    message = f"{exercise.id}:{code.strip().upper()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def phone_hash(phone_secret: str) -> str:
    """The stored form of the secret a claiming phone holds."""
    return hashlib.sha256(phone_secret.encode()).hexdigest()


def new_phone_secret() -> str:
    """The random secret a phone holds while it is being paired."""
    return secrets.token_urlsafe(32)


def _pad(secret: str, phone: str, length: int) -> bytes:
    return hashlib.shake_256(f"{secret}:{phone}:recovery".encode()).digest(length)


def _seal(key: str, secret: str, phone: str) -> str:
    data = key.encode()
    return bytes(a ^ b for a, b in zip(data, _pad(secret, phone, len(data)), strict=True)).hex()


def _unseal(sealed: str, secret: str, phone: str) -> str:
    data = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(data, _pad(secret, phone, len(data)), strict=True)).decode()


def _drop_stale(exercise: Exercise, now: datetime) -> None:
    """Delete every expired pairing (of any exercise) and this exercise's unconfirmed ones: one code
    at a time per exercise."""
    db.session.execute(delete(RemotePairing).where(RemotePairing.expires_at <= now))
    db.session.execute(
        delete(RemotePairing).where(RemotePairing.exercise_id == exercise.id, RemotePairing.confirmed_at.is_(None))
    )


def new_pairing(exercise: Exercise, secret: str, now: datetime | None = None) -> tuple[int, str]:
    """A new pairing code for the exercise (any earlier unconfirmed one is dropped): its row id and
    the code, which is returned once and stored only as a keyed hash."""
    now = now or utcnow()
    for _ in range(10):
        _drop_stale(exercise, now)
        code = new_code()
        row = RemotePairing(
            exercise_id=exercise.id,
            code_hash=_code_hash(secret, exercise, code),
            expires_at=now + timedelta(seconds=PAIRING_SECONDS),
        )
        db.session.add(row)
        try:
            db.session.commit()
            return row.id, code
        except IntegrityError:  # the same code drawn for this exercise (it still existed): draw another
            db.session.rollback()
    raise ClassroomError(503, "unavailable", gettext("Could not draw a free pairing code; try again."))


def claim_pairing(exercise: Exercise, code: str, phone_secret: str, secret: str, now: datetime | None = None) -> None:
    """A phone claims a pairing code: once, by one phone, within its minute. 403 for a code that is
    wrong, used or expired (the caller counts it as a failed guess)."""
    now = now or utcnow()
    result = db.session.execute(
        update(RemotePairing)
        .where(
            RemotePairing.exercise_id == exercise.id,
            RemotePairing.code_hash == _code_hash(secret, exercise, code),
            RemotePairing.phone_hash.is_(None),
            RemotePairing.expires_at > now,
        )
        .values(phone_hash=phone_hash(phone_secret), expires_at=now + timedelta(seconds=PAIRING_SECONDS))
    )
    claimed = cast(CursorResult[Any], result).rowcount  # one row, or none: the code was not claimable
    db.session.commit()
    if claimed != 1:
        raise ClassroomError(
            403,
            "invalid_pairing_code",
            gettext(
                "This pairing code does not work: it was mistyped, has been used, or its minute has passed. "
                "Ask for a new one on the projector."
            ),
        )


@dataclass(frozen=True, slots=True)
class PairingStatus:
    """Where one pairing stands, as the laptop shows it: "code" (waiting for a phone), "claimed"
    (a phone waits for the educator's confirmation), "confirmed" (the phone is collecting the
    controls) or "gone" (expired, cancelled, or collected); the seconds left of its current step."""

    step: str
    seconds_left: int


def pairing_status(exercise: Exercise, pairing_id: int | None, now: datetime | None = None) -> PairingStatus:
    """Where the laptop's pairing stands now."""
    now = now or utcnow()
    row = db.session.get(RemotePairing, pairing_id) if pairing_id is not None else None
    if row is None or row.exercise_id != exercise.id or row.expires_at <= now:
        return PairingStatus("gone", 0)
    step = "confirmed" if row.confirmed_at else "claimed" if row.phone_hash else "code"
    return PairingStatus(step, max(0, int((row.expires_at - now).total_seconds())))


def confirm_pairing(
    exercise: Exercise, pairing_id: int | None, recovery_key: str | None, secret: str, now: datetime | None = None
) -> None:
    """The educator confirms, on the laptop, the phone that claimed this pairing; the recovery key,
    when the laptop still has it to show, goes to that phone sealed. 409 when no phone waits on it
    (none started, not claimed yet, expired, or another exercise's)."""
    now = now or utcnow()
    row = db.session.get(RemotePairing, pairing_id) if pairing_id is not None else None
    if row is None or row.exercise_id != exercise.id or row.phone_hash is None or row.expires_at <= now:
        raise ClassroomError(
            409, "pairing_expired", gettext("No phone is waiting for this pairing any more: pair the phone again.")
        )
    row.confirmed_at = now
    row.expires_at = now + timedelta(seconds=PAIRING_SECONDS)
    row.sealed_key = _seal(recovery_key, secret, row.phone_hash) if recovery_key else None
    db.session.commit()


def cancel_pairing(exercise: Exercise, pairing_id: int) -> None:
    """The educator refuses (or abandons) a pairing: its row is deleted."""
    db.session.execute(
        delete(RemotePairing).where(RemotePairing.id == pairing_id, RemotePairing.exercise_id == exercise.id)
    )
    db.session.commit()


def sign_out_remotes(exercise: Exercise) -> None:
    """Sign out every phone paired as this exercise's remote (a lost phone, a lent one): their cookies
    stop counting, and any pairing under way is dropped. The laptop stays signed in."""
    exercise.remote_generation += 1
    db.session.execute(delete(RemotePairing).where(RemotePairing.exercise_id == exercise.id))
    db.session.commit()


@dataclass(frozen=True, slots=True)
class Collected:
    """What a phone being paired finds: "waiting" (for the confirmation), "paired" (with the
    recovery key when the laptop sent it) or "gone" (expired or cancelled: pair again)."""

    step: str
    recovery_key: str | None = None


def collect_pairing(exercise: Exercise, phone_secret: str, secret: str, now: datetime | None = None) -> Collected:
    """The phone asks whether its pairing was confirmed; once it is, the row is deleted (the phone
    is signed in from then on) and the sealed recovery key, if any, is opened for it."""
    now = now or utcnow()
    phone = phone_hash(phone_secret)
    row = db.session.execute(
        select(RemotePairing).where(RemotePairing.exercise_id == exercise.id, RemotePairing.phone_hash == phone)
    ).scalar_one_or_none()
    if row is None or row.expires_at <= now:
        return Collected("gone")
    if row.confirmed_at is None:
        return Collected("waiting")
    key = _unseal(row.sealed_key, secret, phone) if row.sealed_key else None
    db.session.delete(row)
    db.session.commit()
    return Collected("paired", key)
