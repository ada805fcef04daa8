"""Static style sheets and scripts sent gzip-compressed to browsers that accept it.

Only the static files are compressed: they are the same for everyone and hold no secret. Pages and
API answers are not: a page carries its CSRF token beside text the user typed (the BREACH attack
reads secrets from compressed sizes), and the assess API has a speed budget. Hand-written rather
than Flask-Compress, which imports brotli and zstd (about 85 ms of the 0.5 s start-up budget) to
compress the two files served here.
"""

from __future__ import annotations

import gzip

from flask import Flask
from flask import Response
from flask import request

COMPRESSIBLE = frozenset({"text/css", "text/javascript", "application/javascript"})
# Each file is compressed once per content version and process; there are a handful. The key is
# the file's ETag (its path, modification time and size), not the URL: the plain, fingerprinted and
# out-of-date fingerprinted names of one file (any number of URLs) share one entry.
_COMPRESSED: dict[str, bytes] = {}
MAX_CACHED = 64


def register_static_gzip(app: Flask) -> None:
    """Compress the app's CSS and JavaScript for clients that send Accept-Encoding: gzip."""

    @app.after_request
    def _gzip_static(response: Response) -> Response:
        if request.endpoint != "static" or response.mimetype not in COMPRESSIBLE:
            return response
        response.vary.add("Accept-Encoding")
        if "gzip" not in request.accept_encodings or response.status_code not in (200, 304):
            return response  # a client without gzip, or a range: the file as it is
        etag, _ = response.get_etag()
        if response.status_code == 304:
            if etag:
                response.set_etag(etag, weak=True)  # the ETag the compressed answer carried
            return response
        response.direct_passthrough = False  # read the file to compress it
        opened = response.response  # the open file send_file handed over, replaced and closed here
        body = _COMPRESSED.get(etag) if etag else None
        if body is None:
            body = gzip.compress(response.get_data(), compresslevel=9, mtime=0)
            if etag and len(_COMPRESSED) < MAX_CACHED:
                _COMPRESSED[etag] = body
        response.set_data(body)
        close = getattr(opened, "close", None)
        if close is not None:
            close()
        response.headers["Content-Encoding"] = "gzip"
        response.headers.pop("Accept-Ranges", None)  # ranges are offered for the plain file only
        if etag:
            response.set_etag(etag, weak=True)  # another encoding of the same content, as nginx marks it
        return response
