"""Classroom area: exercises, students joining by code, the educator dashboard.

One blueprint, `classroom`, whose pages are split by audience: `authoring` (create exercises, write
cases), `educator` (one exercise's dashboard, projector, reveal, export) and `student` (join and
answer); `views` attaches all three (the app registers `views.bp`). Who the educator or student of
a request is comes from `identity`, the one seam a new way of signing in plugs into. The JSON API
(`api`, blueprint `classroom_api`) uses the same identity and the same `service`.

Endpoint names stay `classroom.<view>` whichever module holds the view: templates, the navigation
and the error pages name them.
"""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext

bp = Blueprint("classroom", __name__)


@bp.context_processor
def _storage_note() -> dict[str, str]:
    # The disclaimer's "nothing you enter is stored" holds for the checklist, not for classroom answers.
    return {
        "storage_note": gettext(
            "Classroom answers are stored under a nickname for the educator who runs the "
            "exercise; no name or e-mail is asked."
        )
    }
