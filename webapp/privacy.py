"""Keep what a clinician enters out of every log line.

The shareable result link carries the checklist in its query string, so request logs (the dev
server's and gunicorn's) must never contain query strings. This filter redacts them from the
werkzeug request log; gunicorn's access log format in gunicorn_conf.py leaves them out.
"""

from __future__ import annotations

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


class RedactQueryStrings(logging.Filter):
    """Replace any '?query' in a log record's message with '?[redacted]'."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "?" in message:
            record.msg = _QUERY.sub("?[redacted]", message)
            record.args = ()
        return True


def install_log_redaction() -> None:
    """Attach the filter to the werkzeug request logger (idempotent)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactQueryStrings) for f in logger.filters):
        logger.addFilter(RedactQueryStrings())
