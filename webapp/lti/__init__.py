"""The classroom as an LTI 1.3 tool: an LMS (Moodle, Canvas, ...) launches it, adds activities
through deep linking, and receives grades (Assignment and Grade Services). See docs/lti.md."""

from flask import Blueprint

bp = Blueprint("lti", __name__, url_prefix="/lti")

from . import embedding  # noqa: E402,F401  (frames for the platforms)
from . import grades  # noqa: E402
from . import views  # noqa: E402,F401  (registers the routes)

grades.install()
