"""The `lti` blueprint with its routes (launch.py), its frames for the platforms (embedding.py), and
the grades plugged into the classroom (grades.install)."""

from __future__ import annotations

from . import bp
from . import embedding
from . import grades
from . import launch
from . import registration

PARTS = (embedding, launch, registration)  # imported for what they attach to the blueprint
grades.install()

__all__ = ["bp", "PARTS"]
