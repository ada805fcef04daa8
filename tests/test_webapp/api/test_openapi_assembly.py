"""The OpenAPI document is assembled from each API module's own part, and two parts may never
describe one path or name one schema (the later would silently hide the earlier)."""

from __future__ import annotations

import re

import pytest

from webapp.openapi import assemble
from webapp.openapi import openapi_document
from webapp.openapi import parts


def test_two_parts_describing_the_same_path_are_refused():
    with pytest.raises(
        ValueError, match="webapp.interop.api describes the path /api/v1/assess, which webapp.api already does"
    ):
        assemble(
            [
                ("webapp.api", {"/api/v1/assess": {"post": {}}}, {}),
                ("webapp.interop.api", {"/api/v1/assess": {"post": {"summary": "another"}}}, {}),
            ]
        )


def test_two_parts_naming_the_same_schema_are_refused():
    with pytest.raises(ValueError, match="b describes the schema Error, which a already does"):
        assemble([("a", {}, {"Error": {}}), ("b", {"/x": {}}, {"Error": {"type": "object"}})])


def test_the_shipped_parts_assemble_and_every_api_route_is_described(app):
    paths, _ = assemble(parts())  # raises if two of the shipped modules collide
    routes = {
        re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
    }
    assert routes <= set(paths), routes - set(paths)
    assert set(paths) == set(openapi_document("test")["paths"])
