"""Each limit is named once (webapp/limits.py, or the rules' own) and every layer says the same:
the form's rendered attributes, the OpenAPI document and the confidence choices."""

from __future__ import annotations

import re

from rules import CONFIDENCE_MAX
from rules import CONFIDENCE_MIN
from webapp.limits import NICKNAME_MAX
from webapp.limits import TIME_LIMIT_MAX
from webapp.limits import TIME_LIMIT_MIN
from webapp.limits import TITLE_MAX
from webapp.openapi import openapi_document


def _attrs(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_the_new_exercise_form_renders_the_named_limits(client):
    html = client.get("/classroom/new").get_data(as_text=True)
    assert f'maxlength="{TITLE_MAX}"' in _attrs(html, "title")
    limit = _attrs(html, "time_limit")
    assert f'min="{TIME_LIMIT_MIN}"' in limit and f'max="{TIME_LIMIT_MAX}"' in limit


def test_the_openapi_document_states_the_same_limits():
    paths = openapi_document("test")["paths"]
    create = paths["/api/v1/exercises"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create["properties"]["title"]["maxLength"] == TITLE_MAX
    time_limit = create["properties"]["time_limit_minutes"]["anyOf"][1]
    assert (time_limit["minimum"], time_limit["maximum"]) == (TIME_LIMIT_MIN, TIME_LIMIT_MAX)
    submit = paths["/api/v1/exercises/{code}/submissions"]["post"]["requestBody"]["content"]["application/json"]
    assert submit["schema"]["properties"]["nickname"]["maxLength"] == NICKNAME_MAX
    attempt = paths["/api/v1/cases/{case_id}/attempts"]["post"]["requestBody"]["content"]["application/json"]
    confidence = attempt["schema"]["properties"]["confidence"]
    assert (confidence["minimum"], confidence["maximum"]) == (CONFIDENCE_MIN, CONFIDENCE_MAX)


def test_the_practice_form_offers_confidence_over_the_whole_range_only():
    from webapp.practice.forms import CONFIDENCE_CHOICES

    values = [c.value for c in CONFIDENCE_CHOICES]
    assert values[0] == CONFIDENCE_MIN and values[-1] == CONFIDENCE_MAX
