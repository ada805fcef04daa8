"""Helpers the tests share, imported from the checkout's root (`from tests.support.x import y`; pytest's
`pythonpath` in pyproject.toml puts the root on sys.path): no test edits sys.path."""
