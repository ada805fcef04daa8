"""The wheel built from pyproject.toml is a working app on its own: `pip install .` (not editable)
ships every module, the templates, static files, knowledge and data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCAL_ONLY = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "instance",
    "test-artifacts",
    "node_modules",
    ".hypothesis",
    "__pycache__",
)

# Run from outside the checkout with only the unpacked wheel on the path, so nothing can come from
# the working tree: the app must serve its pages from what the wheel holds.
SMOKE = r"""
import sys, webapp, rules
target = sys.argv[1]
assert webapp.__file__.startswith(target), webapp.__file__
assert rules.__file__.startswith(target), rules.__file__
from webapp import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "wheel-test",
                  "SQLALCHEMY_DATABASE_URI": "sqlite:///" + sys.argv[2]})
assert app.jinja_loader.searchpath[0].startswith(target), app.jinja_loader.searchpath
client = app.test_client()
for path, needle in (("/", "csrf_token"), ("/about", "not a diagnosis"), ("/practice", "<h1"),
                     ("/static/style.css", "{"), ("/api/v1/findings", "hypocalcemia")):
    r = client.get(path)
    assert r.status_code == 200, (path, r.status_code)
    assert needle in r.get_data(as_text=True), path
r = client.post("/api/v1/assess", json={"findings": {"hypocalcemia": "present"}, "onset": "neonatal"})
assert r.status_code == 200 and r.get_json()["inheritance"]["lean"] == "recessive", r.get_data()
print("wheel ok")
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel pip builds from the checkout (as `pip install .` would)."""
    # From a copy without build/ or egg-info, which setuptools would otherwise reuse.
    source = tmp_path_factory.mktemp("source") / "checkout"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LOCAL_ONLY))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("miop_checklist-*.whl")
    return built


def test_wheel_ships_every_module_and_file(wheel: Path) -> None:
    """Every Python module, template, static file, knowledge file and data file of the checkout."""
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        p.relative_to(ROOT).as_posix()
        for area in ("webapp", "rules")
        for p in (ROOT / area).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    expected |= {
        "webapp/templates/" + p.relative_to(ROOT / "templates").as_posix() for p in (ROOT / "templates").rglob("*.html")
    }
    missing = sorted(expected - names)
    assert not missing, missing


def test_installed_wheel_serves_the_app(wheel: Path, tmp_path: Path) -> None:
    """Unpacked alone (pip install --target), the wheel serves the checklist, pages, assets and API."""
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FLASK_APP")}
    env["PYTHONPATH"] = str(target)
    done = subprocess.run(
        [sys.executable, "-c", SMOKE, str(target), str(tmp_path / "app.db")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "wheel ok" in done.stdout
