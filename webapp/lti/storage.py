"""LTI launch state where every worker sees it: the database (table lti_record).

pylti1p3 keeps the OIDC login's nonce, the state's check and the launch's claims in a "launch data
storage". Its default is the Flask session, which a launch never receives (the platform's form post
is cross-site: the Lax session cookie stays home), and its cache storage lives in one process's
memory. Here each value is a row with an expiry; expired rows are swept on every write.

A nonce is *consumed* by the launch that checks it (deleted in the same statement), so a token
replayed later finds no nonce and is refused: the library itself only checks that it exists.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import LtiRecord
from ..models import utcnow

NONCE_PREFIX = "lti1p3-nonce-"
KEY_MAX = 200
DEFAULT_SECONDS = 3600


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """Launch data in the database, keyed without a session cookie (every key holds a random uuid)."""

    def get_session_cookie_name(self) -> str | None:
        return None  # no extra cookie: the keys are unguessable (states, nonces, launch ids)

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> Any:
        key = self._prepare_key(key)[:KEY_MAX]
        row = db.session.execute(
            select(LtiRecord.value).where(LtiRecord.key == key, LtiRecord.expires_at > utcnow())
        ).first()
        return None if row is None else row[0]

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        key = self._prepare_key(key)[:KEY_MAX]
        now = utcnow()
        db.session.execute(delete(LtiRecord).where(LtiRecord.expires_at <= now))
        db.session.execute(delete(LtiRecord).where(LtiRecord.key == key))
        db.session.add(LtiRecord(key=key, value=value, expires_at=now + timedelta(seconds=exp or DEFAULT_SECONDS)))
        try:
            db.session.commit()
        except IntegrityError:  # another worker wrote the same key at the same moment: theirs stands
            db.session.rollback()

    def check_value(self, key: str) -> bool:
        key = self._prepare_key(key)[:KEY_MAX]
        if key.startswith(NONCE_PREFIX):  # consumed: exactly one launch may present this nonce
            result = db.session.execute(delete(LtiRecord).where(LtiRecord.key == key, LtiRecord.expires_at > utcnow()))
            db.session.commit()
            return bool(getattr(result, "rowcount", 0) == 1)
        return self.get_value(key) is not None
