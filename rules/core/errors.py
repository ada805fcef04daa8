"""The two errors the rule module raises: bad knowledge (at load) and bad input (per request)."""

from __future__ import annotations


class KnowledgeError(ValueError):
    """The knowledge files are inconsistent; the message names the file, the entry and the key."""


class InputError(ValueError):
    """Input the engine cannot take; `code` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
