"""Every knowledge file has a declared shape (rules/core/schema.py, docs/knowledge-schema.md): an
unknown key, a missing key or a wrong type fails at load and in `flask kb-check`, naming the file,
the entry and the key."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from rules import load_knowledge
from rules.core import loader
from rules.core.errors import KnowledgeError
from rules.core.schema import checked
from rules.core.schema import problems
from rules.kbcheck import knowledge_files
from rules.kbcheck import shape_problems

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "rules" / "knowledge"


def _read(name: str) -> dict:
    return tomllib.loads((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))


def _first_clue_with_a_note(data: dict) -> dict:
    return next(c for c in data["clue"] if "beyond_seed" in c)


def _misspell(data: dict) -> None:
    clue = _first_clue_with_a_note(data)
    clue["beyond_sed"] = clue.pop("beyond_seed")


def _drop_check(data: dict) -> None:
    del data["finding"][0]["check"]


def _in_seed_as_text(data: dict) -> None:
    data["gene"][0]["in_seed"] = "yes"


# (file, change, the message it must give: file, entry and key)
BROKEN = [
    pytest.param(
        "inheritance.toml",
        _misspell,
        f"inheritance.toml: clue {_first_clue_with_a_note(_read('inheritance.toml'))['id']!r}: "
        "unknown key 'beyond_sed' (allowed: ",
        id="misspelt-key",
    ),
    pytest.param(
        "findings.toml",
        _drop_check,
        f"findings.toml: finding {_read('findings.toml')['finding'][0]['slug']!r}: missing key 'check'",
        id="missing-key",
    ),
    pytest.param(
        "genes.toml",
        _in_seed_as_text,
        f"genes.toml: gene {_read('genes.toml')['gene'][0]['symbol']!r}: in_seed must be true or false, not a string",
        id="wrong-type",
    ),
]


def _patch(monkeypatch, changes):
    """Make the loaders read the knowledge with some files' data changed first."""
    real = loader._read

    def changed(file):
        data = real(file)
        if file in changes:
            changes[file](data)
        return data

    monkeypatch.setattr(loader, "_read", changed)


@pytest.mark.parametrize(("name", "change", "message"), BROKEN)
def test_a_broken_file_fails_at_load_naming_file_entry_and_key(monkeypatch, name, change, message):
    _patch(monkeypatch, {name: change})
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        load_knowledge.__wrapped__()


@pytest.mark.parametrize(("name", "change", "message"), BROKEN)
def test_kb_check_fails_with_the_same_message(app, monkeypatch, name, change, message):
    _patch(monkeypatch, {name: change})
    result = app.test_cli_runner().invoke(args=["kb-check"])
    assert result.exit_code == 1
    assert message in result.output


def test_kb_check_passes_on_the_shipped_knowledge(app):
    result = app.test_cli_runner().invoke(args=["kb-check"])
    assert result.exit_code == 0, result.output
    assert "knowledge OK" in result.output and "25 cases" in result.output


def test_every_problem_of_every_file_is_reported_at_once(monkeypatch):
    _patch(monkeypatch, {"inheritance.toml": _misspell, "findings.toml": _drop_check, "genes.toml": _in_seed_as_text})
    with pytest.raises(KnowledgeError) as err:
        load_knowledge.__wrapped__()
    assert len(str(err.value).splitlines()) == 3
    for param in BROKEN:
        assert param.values[2] in str(err.value)


def test_every_knowledge_file_has_a_schema_and_follows_it():
    on_disk = sorted(str(p.relative_to(KNOWLEDGE_DIR)) for p in KNOWLEDGE_DIR.rglob("*.toml"))
    assert sorted(knowledge_files()) == on_disk
    assert shape_problems() == []


def test_nested_tables_and_entries_without_an_id_are_named():
    data = _read("mechanisms.toml")
    data["mechanism"][0]["cite"]["pasage"] = "x"
    slug = data["mechanism"][0]["slug"]
    assert problems("mechanisms.toml", data) == [
        f"mechanisms.toml: mechanism {slug!r}: cite: unknown key 'pasage' (allowed: source, passage, locator)"
    ]
    data = _read("observations.toml")
    data["observation"][2]["stage"] = 3  # an observation has no id: its position names it
    assert problems("observations.toml", data) == [
        "observations.toml: observation 3: stage must be a string, not a whole number"
    ]
    data["stages"] = []
    assert "observations.toml: stages must be a table, not an array" in problems("observations.toml", data)


def test_the_practice_and_differential_files_read_through_the_same_checks(monkeypatch):
    case = _read("cases/miop-newborn-tetany.toml")
    case["teaching_point"][0]["kinds"] = "general"
    with pytest.raises(
        KnowledgeError, match=re.escape("cases/miop-newborn-tetany.toml: teaching point 1: unknown key 'kinds'")
    ):
        checked("cases/miop-newborn-tetany.toml", case)
    _patch(monkeypatch, {"cases/miop-newborn-tetany.toml": lambda data: data["key"].pop("lean")})
    assert shape_problems() == ["cases/miop-newborn-tetany.toml: key: missing key 'lean'"]
    for name, change, message in (
        ("entries.toml", lambda d: d["entry"][0].update(group=1), "entries.toml: entry "),
        ("simulation.toml", lambda d: d["teaching"]["simulated"].pop("text"), "teaching: simulated: missing key"),
        ("observations.toml", lambda d: d["absent"][0].update(ages=[]), "absent 1: unknown key 'ages'"),
    ):
        data = _read(name)
        change(data)
        with pytest.raises(KnowledgeError, match=re.escape(message)):
            checked(name, data)
