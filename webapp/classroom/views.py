"""The classroom's pages: the `classroom` blueprint with every audience's routes attached.

The blueprint is made in the package (webapp/classroom/__init__.py), each audience's module adds
its routes to it, and importing this module imports them all, so the app registers one blueprint
with every page. (The package cannot import the page modules itself: they import it, and an
import circle is what tests/test_rules/test_layout.py forbids.)
"""

from __future__ import annotations

from . import authoring
from . import bp
from . import educator
from . import remote
from . import student

PAGES = (authoring, educator, remote, student)  # imported for their routes

__all__ = ["bp", "PAGES"]
