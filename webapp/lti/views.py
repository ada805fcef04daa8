"""The `lti` blueprint with its routes (launch.py), its frames for the platforms (embedding.py), and
the grades and the LMS names plugged into the classroom (grades.install, names.install)."""

from __future__ import annotations

from . import bp
from . import classroom_bp
from . import embedding
from . import grades
from . import launch
from . import names
from . import registration

PARTS = (embedding, launch, registration)  # imported for what they attach to the blueprint
grades.install()
names.install()

__all__ = ["PARTS", "bp", "classroom_bp"]
