"""Nothing a clinician enters is written to a database, a file or a log line."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from tests.support.apps import csrf_token
from webapp.infra.privacy import RedactQueryStrings

MARKERS = ("hypocalcemia", "fractures", "neonatal", "affected_parent", "HP:0031846")


def _snapshot(root: Path) -> dict[str, float]:
    return {str(p): p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


def test_checklist_and_api_write_nothing_and_log_nothing(app, client, caplog, tmp_path):
    instance = Path(app.instance_path)
    before = _snapshot(instance) if instance.exists() else {}
    tmp_before = _snapshot(tmp_path)
    with caplog.at_level(logging.DEBUG):
        token = csrf_token(client)
        client.post(
            "/",
            data={
                "hypocalcemia": "present",
                "fractures": "absent",
                "onset": "neonatal",
                "family_history": "affected_parent",
                "csrf_token": token,
            },
        )
        client.get("/assessment?present=hypocalcemia&absent=fractures&onset=neonatal")
        client.post(
            "/api/v1/assess",
            json={
                "findings": {"HP:0031846": "present", "hypocalcemia": "present"},
                "onset": "neonatal",
                "family_history": "affected_parent",
            },
        )
        client.post("/api/v1/assess", json={"findings": {"hypocalcemia": "bogus"}})  # an error path too
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for marker in MARKERS:
        assert marker not in logged
    after = _snapshot(instance) if instance.exists() else {}
    assert after == before, "the checklist must not write to the instance folder (database)"
    assert _snapshot(tmp_path) == tmp_before
    assert not any(p.suffix == ".db" for p in Path(os.getcwd()).glob("*.db"))


def test_request_log_lines_lose_their_query_strings():
    record = logging.LogRecord(
        "werkzeug",
        logging.INFO,
        __file__,
        1,
        '127.0.0.1 - - "GET /assessment?present=hypocalcemia&onset=neonatal HTTP/1.1" 200 -',
        (),
        None,
    )
    RedactQueryStrings().filter(record)
    assert "hypocalcemia" not in record.getMessage()
    assert "/assessment?[redacted]" in record.getMessage()


def test_result_pages_are_not_cached(client):
    response = client.get("/assessment?present=hypocalcemia")
    assert response.headers["Cache-Control"] == "no-store"
