"""Preload: with PRELOAD on, create_app loads the knowledge, the HPO data, the differential model, the
practice library and the templates, so a worker's first requests read no file of them; off (tests,
the flask command) they load on first use. gunicorn's config turns it on and loads once in the master."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys

import pytest

from tests.support.servers import ROOT

# A fresh interpreter (the loaders cache for the process): create_app, then record every file the
# first requests of each kind open (an audit hook), and print them.
FIRST_REQUESTS = """
import json, sys
from webapp import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "WTF_CSRF_ENABLED": False, "PRELOAD": %s})
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
client = app.test_client()
answer = {"findings": {"fractures": "present", "HP:0000479": "present"}, "onset": "infancy"}
assert client.post("/api/v1/assess", json=answer).status_code == 200
assert client.post("/assessment", data={"fractures": "present", "onset": "infancy"}).status_code == 200
assert client.post("/import", data={"import_text": "HP:0001873 Thrombocytopenia\\nHP:9999999"}).status_code == 200
from rules import public_case_id
for path in ("/", "/?present=anemia", "/practice", "/practice/" + public_case_id("miop-newborn-twitching"), "/about"):
    assert client.get(path).status_code == 200, path
print(json.dumps(opened))
"""
DATA = (".json", ".toml", ".html", ".yaml", ".yml", ".csv")


def data_files_read_by_first_requests(preload: bool) -> list[str]:
    """The knowledge, data and template files a fresh process's first requests open."""
    out = subprocess.run(
        [sys.executable, "-c", FIRST_REQUESTS % preload], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return sorted({path for path in json.loads(out) if path.endswith(DATA) and path.startswith(str(ROOT))})


@pytest.mark.parametrize("preload", [True, False])
def test_with_preload_the_first_requests_load_nothing(preload):
    read = data_files_read_by_first_requests(preload)
    if preload:
        assert read == []
    else:  # what preload spares them: the knowledge, the HPO data and names, the templates
        assert any(p.endswith("hpo_names.json") for p in read) and any(p.endswith(".html") for p in read)
        assert any("/knowledge/" in p for p in read)


def test_gunicorn_preloads_in_the_master_unless_told_not_to(monkeypatch):
    monkeypatch.delenv("FLASK_PRELOAD", raising=False)
    conf = runpy.run_path(str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"))
    assert conf["preload_app"] is True and conf["raw_env"] == ["FLASK_PRELOAD=true"]
    monkeypatch.setenv("FLASK_PRELOAD", "false")
    conf = runpy.run_path(str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"))
    assert conf["preload_app"] is False and conf["raw_env"] == ["FLASK_PRELOAD=false"]


def test_each_warm_up_request_is_answered(app, client):
    """The warm-up a new worker runs before its first visitor (warm_worker) warms only what it reaches:
    each of its requests must succeed, or the path it was meant to warm stays cold."""
    from webapp.preload import WARM_REQUESTS

    for method, path, body in WARM_REQUESTS:
        assert client.open(path, method=method, json=body).status_code == 200, path


def test_a_gthread_worker_warms_up_in_its_own_thread_pool(monkeypatch):
    """post_worker_init runs the warm-up in the pool the worker's requests run in, and waits for it."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    import webapp.preload

    ran_in: list[str] = []
    monkeypatch.setattr(webapp.preload, "warm_worker", lambda app: ran_in.append(threading.current_thread().name))
    monkeypatch.delenv("FLASK_PRELOAD", raising=False)
    conf = runpy.run_path(str(ROOT / "webapp" / "infra" / "gunicorn_conf.py"))
    with ThreadPoolExecutor(thread_name_prefix="pool") as pool:
        worker = type("Worker", (), {"wsgi": object(), "tpool": pool})()
        conf["post_worker_init"](worker)
        assert len(ran_in) == 1 and ran_in[0].startswith("pool")
