"""The LTI tests' fixtures: a platform played on a local port and the app registered with it
(tests/support/lti_platform.py)."""

from tests.support.lti_platform import lti_app  # noqa: F401
from tests.support.lti_platform import platform  # noqa: F401
from tests.support.lti_platform import tool_keys  # noqa: F401
