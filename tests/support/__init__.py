"""What the tests share beside their fixtures (those stay in tests/conftest.py): apps and databases
(apps.py), real server processes (servers.py), Chromium (browser.py), the browser tests' page states
(app_states.py) and a database that hangs (hangproxy.py). Imported from the checkout's root, as
`from tests.support.apps import csrf_token`: pytest's `pythonpath` (pyproject.toml) puts the root on
sys.path, so no test edits it and none imports from conftest."""
