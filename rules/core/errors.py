"""The two errors the rule module raises: bad knowledge (at load) and bad input (per request)."""

from __future__ import annotations


class KnowledgeError(ValueError):
    """The knowledge files are inconsistent; the message names the file, the entry and the key."""


class InputError(ValueError):
    """Input the engine cannot take; `code` is the API error code.

    `message` is a fixed English sentence, with `%(name)s` placeholders when `params` fill in what the
    input held (`InputError("invalid_onset", "invalid onset %(value)s", value="'x'")`): `template` keeps
    the sentence as written and `params` its values, so an interface can show the same sentence in its
    own language (a catalog keyed by the template); `message` is the English one, filled in."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        self.code = code
        self.template = message
        self.params = {name: str(value) for name, value in params.items()}
        self.message = message % self.params if params else message
        super().__init__(self.message)
