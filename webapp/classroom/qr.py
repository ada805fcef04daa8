"""The projector's QR code of the join URL, drawn server-side as inline SVG.

segno is a well-kept pure-Python QR encoder (ISO/IEC 18004, no network, no image library): the
projector needs no external service and no JavaScript to show it.
"""

from __future__ import annotations

import functools

import segno
from flask_babel import gettext
from markupsafe import Markup
from markupsafe import escape


@functools.lru_cache(maxsize=256)
def _svg(url: str) -> str:
    """The drawing, the same in every language (kept: drawing it takes a while)."""
    code = segno.make(url, error="m")
    return str(
        code.svg_inline(
            scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, dark="#000000", light="#ffffff"
        )
    )


def qr_svg(url: str) -> Markup:
    """An <svg> QR code of `url` that scales with its box, named for screen readers in the page's language."""
    label = escape(gettext("QR code for %(url)s", url=url))
    return Markup(_svg(url).replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))
