"""Case ids a trainee sees: opaque, stable, reversible where they must be (pure, no knowledge loaded).

The ids the library is written with say the answer (`lrp5-jaw-ache`, `sim-259700-42` is OMIM:259700,
the TCIRG1 type). A trainee sees another id instead: 13 letters from an alphabet of 20 consonants
(no vowel, so no word; no digit, so no OMIM or Orphanet number), e.g. `kdtxbqmhrzwcp`.

- A written case: the keyed hash HMAC-SHA256(ID_KEY, "written:" + its id), as 13 letters. A table
  made from the library turns it back (rules/practice/library.py).
- A simulated patient: its entry and seed packed into one 56-bit number (1 bit Orphanet or OMIM, 24
  bits the entry's number, 30 bits the seed) and shuffled by a 4-round Feistel network keyed by
  ID_KEY, as 13 letters. Unshuffling gives the entry and the seed back, so any patient ever drawn
  has one id, with no table. Two patients of the same entry get unrelated ids, so an id learnt from
  one feedback does not name the next patient.

ID_KEY is fixed and committed, not a secret: the aim is that the address does not give the answer
away to a trainee, not to hide it from someone reading the code. Being fixed, an id is the same on
every server and in every release: saved links and progress cookies keep working.
"""

from __future__ import annotations

import hashlib
import hmac

ID_KEY = b"MIOP Checklist practice case ids, v1 (not a secret)"
ALPHABET = "bcdfghjklmnpqrstvwxz"
LENGTH = 13  # 20**13 > 2**56
PATTERN = f"[{ALPHABET}]{{{LENGTH}}}"  # a regular expression for a public id
_HALF = 28
_MASK = (1 << _HALF) - 1
_ROUNDS = 4
_NUMBER_BITS, _SEED_BITS = 24, 30


def _letters(value: int) -> str:
    out = []
    for _ in range(LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        out.append(ALPHABET[digit])
    return "".join(reversed(out))


def _value(token: str) -> int | None:
    if len(token) != LENGTH or any(c not in ALPHABET for c in token):
        return None
    value = 0
    for c in token:
        value = value * len(ALPHABET) + ALPHABET.index(c)
    return value


def is_token(text: str) -> bool:
    """Whether the text has the shape of a public id (13 letters of the alphabet)."""
    return _value(text) is not None


def written_token(case_id: str) -> str:
    """The public id of a written case."""
    digest = hmac.new(ID_KEY, b"written:" + case_id.encode(), hashlib.sha256).digest()
    return _letters(int.from_bytes(digest) % len(ALPHABET) ** LENGTH)


def _round(n: int, half: int) -> int:
    digest = hmac.new(ID_KEY, bytes([n]) + half.to_bytes(4), hashlib.sha256).digest()
    return int.from_bytes(digest[:4]) & _MASK


def simulated_token(orphanet: bool, number: int, seed: int) -> str:
    """The public id of an entry's simulated patient (number below 2**24, seed below 2**30)."""
    if not (0 <= number < 1 << _NUMBER_BITS and 0 <= seed < 1 << _SEED_BITS):
        raise ValueError("number or seed out of range")
    value = (int(orphanet) << (_NUMBER_BITS + _SEED_BITS)) | (number << _SEED_BITS) | seed
    left, right = value >> _HALF, value & _MASK
    for n in range(_ROUNDS):
        left, right = right, left ^ _round(n, right)
    return _letters(left << _HALF | right)


def simulated_parts(token: str) -> tuple[bool, int, int] | None:
    """(Orphanet?, entry number, seed) of a simulated patient's public id; None if it cannot be one."""
    value = _value(token)
    if value is None or value >> (2 * _HALF):
        return None
    left, right = value >> _HALF, value & _MASK
    for n in reversed(range(_ROUNDS)):
        left, right = right ^ _round(n, left), left
    value = left << _HALF | right
    if value >> (_NUMBER_BITS + _SEED_BITS + 1):
        return None
    return (
        bool(value >> (_NUMBER_BITS + _SEED_BITS)),
        value >> _SEED_BITS & ((1 << _NUMBER_BITS) - 1),
        value & ((1 << _SEED_BITS) - 1),
    )
