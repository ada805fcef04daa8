"""The declared shape of every knowledge file in rules/knowledge (docs/knowledge-schema.md).

Each file is a `Table`: its keys, which of them are required, and each key's type. A key holding a
table or an array of tables names the `Table` its entries follow, so `cite = {source, passage,
locator}` is checked like a file's own keys. `problems` lists every unknown key, missing required key
and wrong type of a file's data, each naming the file, the entry (its id, or its position when it has
none) and the key; `checked` raises them all at once as one KnowledgeError. The loaders check each
file before they build anything from it, so a misspelt key fails at load instead of being read as absent.

What a value means (a known finding, a cited source, a well-formed condition tree) is the loaders'
business; this module checks only the shape. Condition trees (`when`) are checked by
rules/core/conditions.py and are declared here as plain tables.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from .errors import KnowledgeError

# The value types a key may declare, with the words an error uses for each.
TYPES: dict[str, str] = {
    "str": "a string",
    "int": "a whole number",
    "number": "a number",
    "bool": "true or false",
    "strings": "an array of strings",
    "table": "a table",
    "tables": "an array of tables",
}


@dataclass(frozen=True, slots=True)
class Key:
    """One key of a table: its type, whether it must be given, and the table its value follows."""

    type: str
    required: bool = True
    table: Table | None = None  # for "table" and "tables": the shape of the nested table(s)
    describe: str = ""  # the words an error uses for the type, when the type's own words say too little


@dataclass(frozen=True, slots=True)
class Table:
    """The keys of one kind of entry (a clue, a gene, a file's top level)."""

    kind: str  # how an error names an entry of this kind: "clue", "gene"
    keys: Mapping[str, Key] = field(default_factory=dict)
    id_key: str = ""  # the key that names an entry in errors ("id", "slug"); its position otherwise


def req(type_: str, table: Table | None = None, describe: str = "") -> Key:
    """A required key."""
    return Key(type_, True, table, describe)


def opt(type_: str, table: Table | None = None, describe: str = "") -> Key:
    """An optional key."""
    return Key(type_, False, table, describe)


def _entries(kind: str, id_key: str = "", /, **keys: Key) -> Table:
    return Table(kind, keys, id_key)


CITE = _entries("cite", source=req("str"), passage=opt("str"), locator=opt("str"))

META = _entries("meta", version=req("str"), hpo_release=req("str"))
SOURCES = _entries(
    "sources",
    source=req(
        "tables",
        _entries("source", "id", id=req("str"), kind=req("str"), title=req("str"), url=opt("str"), note=opt("str")),
    ),
)
OPTIONS = _entries(
    "options",
    onset=req("tables", _entries("onset", "slug", slug=req("str"), label=req("str"), hpo=req("strings"))),
    family_history=req("tables", _entries("family history", "slug", slug=req("str"), label=req("str"))),
    words=req(
        "table",
        _entries(
            "words",
            onset_label=req("str"),
            onset_question=req("str"),
            family_history_label=req("str"),
            family_history_question=req("str"),
            too_little_evidence=req("str"),
            too_little_evidence_default=req("str"),
            below_margin=req("str"),
        ),
    ),
)
# `when` and `unless` of a card, a red flag or a work-up item: conditions (rules/core/conditions.py) on what
# was entered; the item is shown when its `when` holds (always, without one) and its `unless` does not.
MECHANISMS = _entries(
    "mechanisms",
    mechanism=req(
        "tables",
        _entries(
            "mechanism",
            "slug",
            slug=req("str"),
            title=req("str"),
            explanation=req("str"),
            cite=req("table", CITE),
            when=opt("table"),
            unless=opt("table"),
        ),
    ),
)
FINDINGS = _entries(
    "findings",
    finding=req(
        "tables",
        _entries(
            "finding",
            "slug",
            slug=req("str"),
            label=req("str"),
            hpo=req("str"),
            groups=req("strings"),
            anchors=req("strings"),
            check=req("str"),
            cite=req("table", CITE),
            panel=opt("str"),
        ),
    ),
    panel=opt(
        "tables",
        _entries(
            "panel",
            "id",
            id=req("str"),
            title=req("str"),
            explanation=req("str"),
            note=opt("str"),
            note_cite=opt("table", CITE),
        ),
    ),
)
INHERITANCE = _entries(
    "inheritance",
    lean=req(
        "table",
        _entries(
            "lean",
            weak=req("number"),
            moderate=req("number"),
            strong=req("number"),
            strong_needs_findings=opt("int"),
            without_findings=opt("str"),
            onset_alone=opt("str"),
            pattern=opt("str"),
        ),
    ),
    clue=req(
        "tables",
        _entries(
            "clue",
            "id",
            id=req("str"),
            name=opt("str"),
            points_to=req("str"),
            effect=req("str"),
            weight=req(
                "number",
                describe='a positive number (effect = "against" subtracts it; 0 for a clue that '
                "sets a lean outside the score)",
            ),
            finding=opt("str"),
            when=req("table"),
            why=req("str"),
            cite=req("table", CITE),
            beyond_seed=opt("str"),
        ),
    ),
)
RED_FLAGS = _entries(
    "red_flags",
    red_flag=req(
        "tables",
        _entries(
            "red flag",
            "id",
            id=req("str"),
            level=req("str"),
            title=req("str"),
            why=req("str"),
            when=req("table"),
            unless=opt("table"),
            cite=req("table", CITE),
            beyond_seed=opt("str"),
            action=req("str"),
            action_cite=req("table", CITE),
        ),
    ),
)
PREMISE = _entries(
    "premise",
    finding=req("str"),
    contradicted_by=req("strings"),
    cite=req("table", CITE),
    compatible=opt("strings"),
    compatible_cite=opt("table", CITE),
    absent_label=opt("str"),
    message=req(
        "table",
        _entries("message", confirmed=req("str"), unconfirmed=req("str"), contradicted=req("str"), no_lean=req("str")),
    ),
)
WORKUP = _entries(
    "workup",
    workup=req(
        "tables",
        _entries(
            "work-up",
            "id",
            id=req("str"),
            label=req("str"),
            why=req("str"),
            findings=req("strings"),
            cite=req("table", CITE),
            when=opt("table"),
            unless=opt("table"),
        ),
    ),
)
GENES = _entries(
    "genes",
    gene=req(
        "tables",
        _entries(
            "gene",
            "symbol",
            symbol=req("str"),
            inheritance=req("str"),
            seed_type=req("str"),
            omim=req("str"),
            code=req("str"),
            in_seed=req("bool"),
            cite=req("table", CITE),
            statement=req("tables", _entries("statement", text=req("str"), cite=req("table", CITE))),
        ),
    ),
)
OBSERVATIONS = _entries(
    "observations",
    stages=req("table", _entries("stages", history=req("str"), examination=req("str"), investigations=req("str"))),
    observation=req(
        "tables",
        _entries(
            "observation",
            finding=req("str"),
            stage=req("str"),
            ages=opt("strings"),
            text=req("str"),
            cite=req("table", CITE),
        ),
    ),
    absent=req(
        "tables", _entries("absent", finding=req("str"), stage=req("str"), text=req("str"), cite=req("table", CITE))
    ),
)
_TEACHING = _entries("teaching", kind=opt("str"), text=req("str"), cite=req("table", CITE))
SIMULATION = _entries(
    "simulation",
    onset=req(
        "tables",
        _entries(
            "onset", "slug", slug=req("str"), age=req("str"), female=req("str"), male=req("str"), opening=req("str")
        ),
    ),
    sentences=req(
        "table",
        _entries(
            "sentences",
            present=req("str"),
            none_present=req("str"),
            absent=req("str"),
            family=req("str"),
            title=req("str"),
        ),
    ),
    teaching=req(
        "table",
        _entries(
            "teaching",
            simulated=req("table", _TEACHING),
            inheritance=req("table", _TEACHING),
            engine_recessive=req("table", _TEACHING),
            engine_dominant=req("table", _TEACHING),
        ),
    ),
)
ENTRIES = _entries(
    "entries",
    entry=req(
        "tables",
        _entries(
            "entry",
            "id",
            id=req("str"),
            group=req("str"),
            note=opt("str"),
            inheritance=opt("str"),
            inheritance_source=opt("str"),
            reference_onset=opt("str"),
            reference_onset_cite=opt("table", CITE),
            prior=opt("table", _entries("prior", per_million=req("number"), basis=req("str"), cite=req("table", CITE))),
            pools_into=opt("strings"),
            pools_cite=opt("table", CITE),
            extra_annotation=opt(
                "tables",
                _entries("extra annotation", "hpo", hpo=req("str"), frequency=opt("str"), cite=req("table", CITE)),
            ),
        ),
    ),
    lookalike=opt(
        "tables",
        _entries(
            "lookalike",
            "id",
            id=req("str"),
            name=req("str"),
            when=req("table"),
            separates=req("str"),
            cite=req("table", CITE),
        ),
    ),
)
CASE = _entries(
    "case",
    id=req("str"),
    title=req("str"),
    age=req("str"),
    sex=req("str"),
    difficulty=req("str"),
    entry=req("str"),
    entry_name=opt("str"),
    label=opt("str"),
    genes=opt("strings"),
    tags=opt("strings"),
    seed_misleads=opt("bool"),
    engine_disagrees=opt("bool"),
    narrative=req("str"),
    stage=opt("tables", _entries("stage", title=req("str"), narrative=req("str"), adds=opt("strings"))),
    key=req(
        "table",
        _entries(
            "key",
            present=opt("strings"),
            absent=opt("strings"),
            onset=opt("str"),
            family_history=opt("str"),
            lean=req("str"),
            mechanisms=opt("strings"),
        ),
    ),
    teaching_point=req("tables", _entries("teaching point", kind=opt("str"), text=req("str"), cite=req("table", CITE))),
    next_step=opt(
        "tables",
        _entries("next step", red_flag=opt("str"), choices=req("strings"), cite=opt("table", CITE)),
    ),
)
NEXT_STEPS = _entries(
    "next_steps",
    choice=req(
        "tables",
        _entries(
            "next-step choice",
            "id",
            id=req("str"),
            label=req("str"),
            red_flags=req("strings"),
            workup=req("strings"),
        ),
    ),
)

# Every file of rules/knowledge and its shape; each file under cases/ follows CASE.
FILES: dict[str, Table] = {
    "meta.toml": META,
    "sources.toml": SOURCES,
    "options.toml": OPTIONS,
    "mechanisms.toml": MECHANISMS,
    "findings.toml": FINDINGS,
    "inheritance.toml": INHERITANCE,
    "red_flags.toml": RED_FLAGS,
    "premise.toml": PREMISE,
    "workup.toml": WORKUP,
    "genes.toml": GENES,
    "observations.toml": OBSERVATIONS,
    "simulation.toml": SIMULATION,
    "entries.toml": ENTRIES,
    "next_steps.toml": NEXT_STEPS,
}


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return {int: "a whole number", float: "a number", str: "a string"}.get(type(value), type(value).__name__)


def _number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)  # TOML's true is no number


_IS: dict[str, Callable[[object], bool]] = {
    "str": lambda v: isinstance(v, str),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": _number,
    "bool": lambda v: isinstance(v, bool),
    "strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "table": lambda v: isinstance(v, dict),
    "tables": lambda v: isinstance(v, list) and all(isinstance(x, dict) for x in v),
}
assert set(_IS) == set(TYPES)


def _name(table: Table, data: Mapping[str, Any], position: int | None) -> str:
    """How an error names an entry: its kind and id, or its kind and position."""
    ident = data.get(table.id_key) if table.id_key else None
    if isinstance(ident, str):
        return f"{table.kind} {ident!r}"
    return f"{table.kind} {position}" if position is not None else table.kind


def _problems_in(table: Table, data: Mapping[str, Any], where: str) -> list[str]:
    """Every problem of one table's keys, each prefixed with `where` (file and entry)."""
    found = [f"{where}unknown key {key!r} (allowed: {', '.join(table.keys)})" for key in data if key not in table.keys]
    for key, spec in table.keys.items():
        if key not in data:
            if spec.required:
                found.append(f"{where}missing key {key!r}")
            continue
        found.extend(_problems_of_value(key, spec, data[key], where))
    return found


def _problems_of_value(key: str, spec: Key, value: object, where: str) -> list[str]:
    if not _IS[spec.type](value):
        return [f"{where}{key} must be {spec.describe or TYPES[spec.type]}, not {_type_name(value)}"]
    if spec.table is None:
        return []
    if spec.type == "table":
        assert isinstance(value, dict)
        return _problems_in(spec.table, value, f"{where}{key}: ")
    assert isinstance(value, list)
    return [
        problem
        for i, item in enumerate(value, start=1)
        for problem in _problems_in(spec.table, item, f"{where}{_name(spec.table, item, i)}: ")
    ]


def problems(name: str, data: Mapping[str, Any], table: Table | None = None) -> list[str]:
    """Every shape problem of one knowledge file's data (`name` as under rules/knowledge: "genes.toml",
    "cases/x.toml"), in file order; empty when the data follows its declared shape."""
    shape = table or (CASE if name.startswith("cases/") else FILES[name])
    return _problems_in(shape, data, f"{name}: ")


def checked(name: str, data: Mapping[str, Any], table: Table | None = None) -> Mapping[str, Any]:
    """`data`, once it follows its declared shape; a KnowledgeError listing every problem otherwise."""
    found = problems(name, data, table)
    if found:
        raise KnowledgeError("\n".join(found))
    return data
