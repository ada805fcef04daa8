"""The classroom as an LTI 1.3 tool: an LMS (Moodle, Canvas, ...) launches it, adds activities
through deep linking, and receives grades (Assignment and Grade Services). See docs/lti.md.

The blueprint is made here; webapp/lti/views.py imports the modules that attach to it (as the
classroom's package does: the package cannot import them, they import it)."""

from flask import Blueprint

bp = Blueprint("lti", __name__, url_prefix="/lti")
# The LTI pages that belong to an exercise's educator live under /classroom, where the educator's
# cookie goes (the LMS names' button of the dashboard).
classroom_bp = Blueprint("lti_classroom", __name__)
