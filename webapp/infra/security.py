"""Security headers on every response: a strict CSP (no inline script or style) and friends."""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import request

from .serving import strict_transport_security

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
MIN_ERROR_STATUS = 400  # an error answer is no static file, whatever URL it came from
# The app uses no device feature; a page it serves (or anything injected into one) gets none.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def register_security_headers(app: Flask) -> None:
    """Add the headers after every request."""

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        strict_transport_security(response)
        # Results, exports and classroom downloads describe a patient or a class: never cached
        # anywhere. Only the static files (the same for everyone) keep their own caching
        # (webapp/infra/static_fingerprint.py); a static URL that finds no file gets no-store too.
        if request.endpoint != "static" or response.status_code >= MIN_ERROR_STATUS:
            response.headers.setdefault("Cache-Control", "no-store")
        return response
