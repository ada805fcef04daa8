"""Keep what a clinician enters out of every log line.

The shareable result link carries the checklist in its query string, so request logs (the dev
server's and gunicorn's) must never contain query strings. This filter redacts them from the
werkzeug request log and gunicorn's error log; gunicorn's access log format in gunicorn_conf.py
leaves them out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from typing import Any

_QUERY = re.compile(r"\?[^\s\"]*")


class RedactQueryStrings(logging.Filter):
    """Replace any '?query' in a log record's message with '?[redacted]'."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg = _QUERY.sub("?[redacted]", message)
            record.args = ()
        if record.exc_info and not record.exc_text:  # a traceback's messages may quote the URI too
            record.exc_text = _QUERY.sub("?[redacted]", logging.Formatter().formatException(record.exc_info))
        return True


def install_log_redaction() -> None:
    """Attach the filter to the werkzeug request logger (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactQueryStrings) for f in logger.filters):
        logger.addFilter(RedactQueryStrings())


try:
    from gunicorn.config import Config
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - gunicorn is a runtime dependency, but the app runs without it
    _GunicornLogger = object  # type: ignore[assignment,misc]  # a stand-in class where gunicorn cannot import (Windows)


# A class's state, polled by every phone every one to two and a half seconds (600 lines a second
# in a lecture of 1,000): a poll that was answered is not written to the access log; one refused is.
_POLL = re.compile(r"/api/v1/exercises/[^/]+/state")


class RedactingGunicornLogger(_GunicornLogger):
    """gunicorn's logger with query strings redacted from its error log (gunicorn_conf.logger_class),
    and without the lines of answered class-state polls in its access log."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactQueryStrings())

    def access(self, resp: Any, req: Any, environ: MutableMapping[str, Any], request_time: Any) -> None:
        if resp.status_code in (200, 304) and _POLL.fullmatch(environ.get("PATH_INFO", "")):
            return
        super().access(resp, req, environ, request_time)
