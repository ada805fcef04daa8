"""The checklist's part of the OpenAPI 3.1 description (the /assess body, the full and the compact
answer, the knowledge document, a finding), as plain dicts; the pieces several domains share are in
webapp/api/schemas.py, and webapp/openapi.py assembles the document.
"""

from __future__ import annotations

from typing import Any

from ..api.schemas import ref

STATE = {
    "type": "string",
    "enum": ["present", "absent", "unknown", "not_assessed", "not assessed"],
    "description": "not_assessed is a synonym of unknown; case and surrounding spaces are ignored",
}
SOURCE = {
    "type": "object",
    "properties": {k: {"type": "string"} for k in ("id", "kind", "title", "url", "passage", "locator", "text")},
}
# In an assessment (and in GET /api/v1/knowledge) a citation names its source by id: the `sources` map
# beside it has each source once.
CITE = {
    "type": "object",
    "required": ["id"],
    "properties": {k: {"type": "string"} for k in ("id", "passage", "locator")},
    "description": "the source by its id (its title and link are in `sources`), with the passage quoted "
    "or the place cited (locator)",
}
ASSESS_BODY = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "findings": {
            "oneOf": [
                {
                    "type": "object",
                    "propertyNames": ref("FindingId"),
                    "additionalProperties": STATE,
                    "description": "finding id or HPO id (HP:0000000) -> its state",
                },
                {"type": "array", "items": ref("FindingId"), "description": "ids, all present"},
            ]
        },
        "onset": ref("Onset"),
        "family_history": ref("FamilyHistory"),
    },
}
STRINGS = {"type": "array", "items": {"type": "string"}}
# A gene's note, statement by statement, each with its source (the source document or a located reference).
GENE_STATEMENTS = {
    "type": "array",
    "description": "the note sentence by sentence, each with its own source",
    "items": {
        "type": "object",
        "required": ["text", "source", "beyond_seed"],
        "properties": {
            "text": {"type": "string"},
            "source": CITE,
            "beyond_seed": {"type": "boolean", "description": "it cites a reference, not the source document"},
        },
    },
}
GENE_BEYOND_SEED = {"type": "string", "description": "the statements of the note that go beyond the source document"}
NUMBER = {"type": "number"}
TEXT = {"type": "string"}


def strict(properties: dict[str, Any], description: str = "", **extra: Any) -> dict[str, Any]:
    """An object with exactly these keys, each one there: a compact answer's rows hold ids and numbers
    only, so a text that comes back into them (or a key that goes missing) is a change of contract."""
    return {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
        **({"description": description} if description else {}),
        **extra,
    }


def every(properties: dict[str, Any], description: str = "", **extra: Any) -> dict[str, Any]:
    """An object with every one of these keys (and perhaps more, in a later version)."""
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        **({"description": description} if description else {}),
        **extra,
    }


def by_id(item: dict[str, Any], description: str, **extra: Any) -> dict[str, Any]:
    """A map from an id to an item."""
    return {"type": "object", "additionalProperties": item, "description": description, **extra}


LEAN = {
    "type": "string",
    "enum": ["recessive", "dominant", "x_linked", "indeterminate"],
    "description": "x_linked: an X-linked family pattern was entered (family_history x_linked_pattern); that "
    "lean is at most weak and does not come from the score",
}
STRENGTH = {
    "type": ["string", "null"],
    "enum": ["weak", "moderate", "strong", None],
    "description": "null when the lean is indeterminate",
}
SIDE = {"type": "string", "enum": ["recessive", "dominant", "x_linked"]}
LEVEL = {"type": "string", "enum": ["urgent", "high", "context"]}
CHECK_KIND = {"type": "string", "enum": ["finding", "onset", "family_history"]}
SOURCE_ID = {
    "type": "string",
    "description": "the id of its source (in `sources`); the passage quoted is in GET /api/v1/knowledge",
}
FINDING_IDS = {**STRINGS, "description": "finding ids (GET /api/v1/findings)"}
ENTRY_ID = {
    "type": "string",
    "description": "OMIM:n (https://omim.org/entry/n), ORPHA:n (Orphanet) or DECIPHER:n "
    "(a DECIPHER syndrome), as HPO's annotation file names the disease",
}
ENTRY_IDS = {"type": "array", "items": ENTRY_ID}
PROBABILITY = {"type": "number", "minimum": 0, "maximum": 1}

# --- What the compact and the full answer share ---------------------------------------------------
PREMISE = every(
    {
        "state": {
            "type": "string",
            "enum": ["confirmed", "unconfirmed", "contradicted"],
            "description": "dense bone on imaging entered; not entered; reduced bone density "
            "(or no dense bone) entered, and then the lean is indeterminate",
        },
        "message": TEXT,
    }
)
THRESHOLDS = every(
    {"weak": NUMBER, "moderate": NUMBER, "strong": NUMBER},
    "the scores (either way) from which the lean is weak, moderate or strong",
)
OUTCOMES = {
    "type": "array",
    "description": "the lean and its strength for each answer to the item",
    "items": every(
        {
            "value": {"type": "string", "description": "present or absent; an onset or family-history answer"},
            "lean": LEAN,
            "strength": STRENGTH,
        }
    ),
}
HPO_TERM_ROWS = {
    "type": "array",
    "items": every(
        {
            "id": {"type": "string", "description": "the HPO id"},
            "label": TEXT,
            "finding": {"type": ["string", "null"], "description": "its checklist finding; null for another HPO term"},
        }
    ),
}
HPO_TERMS = every(
    {"present": HPO_TERM_ROWS, "excluded": HPO_TERM_ROWS},
    "the HPO terms of what was entered, present and excluded (absent): a lab-request list",
)
OTHER_TERMS = {
    "type": "array",
    "description": "HPO terms entered that are not checklist findings",
    "items": every(
        {
            "id": {"type": "string"},
            "label": {"type": "string"},
            "state": {"type": "string", "enum": ["present", "absent"]},
        }
    ),
}
RECOGNIZED = {
    "type": "array",
    "description": "each item entered and the finding it counted as",
    "items": every(
        {
            "input": TEXT,
            "finding": {"type": "string", "description": "a finding id"},
            "state": {"type": "string", "enum": ["present", "absent", "unknown"]},
        }
    ),
}
UNMAPPED = {
    "type": "array",
    "description": "HPO ids entered that are not a checklist finding's own term",
    "items": every(
        {
            "input": TEXT,
            "name": {"type": ["string", "null"], "description": "the HPO term's name (null when HPO has none)"},
            "related": {**FINDING_IDS, "description": "the checklist findings it is related to (finding ids)"},
        }
    ),
}
SHARE_QUERY = {
    "type": "string",
    "description": "the query string of a link to this assessment's result page "
    "(/assessment?...): finding ids, HPO ids and options only",
}
NEXT_CHECKS_NOTE = {"type": "string", "description": "says so when no item could change the lean (else empty)"}
DISAGREEMENT = {
    "oneOf": [{"type": "null"}, every({"message": TEXT, "source": CITE})],
    "description": "the lean and the best entry's inheritance differ: a teaching point",
}
DISAGREEMENT_COMPACT = {
    "oneOf": [{"type": "null"}, every({"message": TEXT, "source": SOURCE_ID})],
    "description": "the lean and the best entry's inheritance differ: a teaching point (its "
    "locator: GET /api/v1/knowledge `method.disagreement_source`)",
}
METHOD_FIGURES = {"hpo_release": {"type": "string", "description": "the HPO release of the annotations"}, "prior": TEXT}
INHERITANCE = {"type": "string", "enum": ["recessive", "dominant", "x_linked", "unknown"]}
GROUP = {
    "type": "string",
    "enum": ["osteopetrosis", "other"],
    "description": "an osteopetrosis, or another disorder HPO annotates with increased bone density",
}
PRIOR = every(
    {
        "per_million": {
            "type": "number",
            "exclusiveMinimum": 0,
            "description": "births per million the entry starts from",
        },
        "basis": {"type": "string", "description": "what the figure is, in words"},
        "source": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["id", "locator"],
                    "properties": {
                        "id": {"type": "string", "description": "a source id (the answer's `sources`)"},
                        "locator": TEXT,
                    },
                },
                {"type": "null", "description": "the stated default: no published figure"},
            ]
        },
    },
    "where the entry starts from before anything entered counts",
)
FIT = every(
    {
        "state": {
            "type": "string",
            "enum": ["fits", "poor"],
            "description": "poor: the best entry is annotated with "
            "fewer than half of the findings entered present, or dense bone is contradicted",
        },
        "explained": {
            "type": ["number", "null"],
            "minimum": 0,
            "maximum": 1,
            "description": "the share of the findings entered present the best entry is annotated with "
            "(null when none was entered present)",
        },
        "message": TEXT,
    },
    "how much of what was entered the best entries explain",
)
SOURCE_KIND = {
    "oneOf": [
        {"const": "seed", "description": "the project's source document"},
        {"const": "reference", "description": "a published reference"},
    ]
}

# --- The full answer (?detail=full): every text inline -----------------------------------------------
BEHIND = {
    **STRINGS,
    "description": "the entered findings behind it (finding ids): those its condition names, "
    "in the state they were entered in; empty for onset or family history",
}
CLUE = every(
    {
        "id": TEXT,
        "finding": {
            "type": ["string", "null"],
            "description": "the finding it is named for; "
            "null for an onset or a family "
            "history (what was entered: "
            "`findings`)",
        },
        "findings": BEHIND,
        "finding_labels": {**STRINGS, "description": 'their labels, "(entered absent)" after one entered absent'},
        "points_to": SIDE,
        "effect": {"type": "string", "enum": ["for", "against"]},
        "weight": NUMBER,
        "signed_weight": {
            "type": "number",
            "description": "positive toward recessive, negative toward "
            "dominant; 0 for the clue that sets the "
            "X-linked lean",
        },
        "why": TEXT,
        "beyond_seed": {
            "type": "string",
            "description": "what it says beyond the source document (empty when nothing)",
        },
        "source": CITE,
    }
)
ENTERED = {
    "type": "boolean",
    "description": "false when nothing at all was entered (no finding present or absent, "
    "no HPO term, onset and family history not known): the answer is then no "
    "result (inheritance.summary and message say so; no red flag, mechanism "
    "or work-up)",
}
ASSESSMENT = every(
    {
        "knowledge_version": TEXT,
        "entered": ENTERED,
        "inheritance": every(
            {
                "lean": LEAN,
                "strength": STRENGTH,
                "score": NUMBER,
                "summary": {"type": "string", "description": "the lean, its strength and the clue that weighs most"},
                "message": TEXT,
                "thresholds": THRESHOLDS,
                "clues": {"type": "array", "items": CLUE},
                "clues_for": {
                    **STRINGS,
                    "description": "ids of the clues toward the lean (toward recessive when indeterminate)",
                },
                "clues_against": {**STRINGS, "description": "ids of the other clues"},
            }
        ),
        "mechanisms": {
            "type": "array",
            "items": every(
                {
                    "id": TEXT,
                    "title": TEXT,
                    "findings": {**FINDING_IDS, "description": "the present findings that belong to it (finding ids)"},
                    "finding_labels": STRINGS,
                    "explanation": TEXT,
                    "source": CITE,
                }
            ),
        },
        "red_flags": {
            "type": "array",
            "description": "most urgent first",
            "items": every(
                {
                    "id": TEXT,
                    "level": LEVEL,
                    "title": TEXT,
                    "why": TEXT,
                    "beyond_seed": {"type": "string", "description": "what it says beyond the source document"},
                    "source": CITE,
                    "findings": {**STRINGS, "description": "the entered findings (present) that raised it"},
                    "action": {"type": "string", "description": "what to do, in plain words"},
                    "action_source": {"oneOf": [CITE, {"type": "null"}]},
                }
            ),
        },
        "genes": {
            "type": "array",
            "description": "the genes consistent with the lean first",
            "items": every(
                {
                    "symbol": TEXT,
                    "inheritance": SIDE,
                    "type": TEXT,
                    "omim": {"type": "string", "description": "OMIM number"},
                    "omim_url": TEXT,
                    "code": TEXT,
                    "in_seed": {"type": "boolean", "description": "named by the source document"},
                    "consistent": {"type": "boolean", "description": "its inheritance agrees with the lean"},
                    "note": TEXT,
                    "source": CITE,
                    "beyond_seed": GENE_BEYOND_SEED,
                    "statements": GENE_STATEMENTS,
                }
            ),
        },
        "next_checks": {
            "type": "array",
            "description": "unassessed items whose answer could change the lean or its strength",
            "items": every(
                {"kind": CHECK_KIND, "id": TEXT, "label": TEXT, "check": TEXT, "impact": NUMBER, "outcomes": OUTCOMES}
            ),
        },
        "next_checks_note": NEXT_CHECKS_NOTE,
        "premise": PREMISE,
        "workup": {
            "type": "array",
            "description": "the standard evaluations (beyond the source document)",
            "items": every(
                {
                    "id": TEXT,
                    "label": TEXT,
                    "why": TEXT,
                    "findings": {**STRINGS, "description": "the checklist findings it assesses"},
                    "source": CITE,
                }
            ),
        },
        "hpo_terms": HPO_TERMS,
        "other_terms": OTHER_TERMS,
        "answers": every(
            {
                "findings": {
                    "type": "object",
                    "description": "every checklist finding (finding id) and its state, unknown when not entered",
                    "additionalProperties": {"type": "string", "enum": ["present", "absent", "unknown"]},
                },
                "present_labels": STRINGS,
                "absent_labels": STRINGS,
                "onset": TEXT,
                "onset_label": TEXT,
                "family_history": TEXT,
                "family_history_label": TEXT,
            },
            "what the assessment read from the input",
        ),
        "recognized": RECOGNIZED,
        "unmapped": UNMAPPED,
        "share_query": SHARE_QUERY,
        "sources": by_id(
            every({"kind": SOURCE_KIND, "title": TEXT, "url": TEXT}),
            "each source the answer's items can cite, once, by id",
        ),
        "differential": ref("Differential"),
        "differential_notes": ref("DifferentialNotes"),
        "disclaimer": TEXT,
    },
    "The full answer (?detail=full): every text inline, as the result page shows it.",
)
# The differential (docs/decisions/0012-differential-after-lirical.md): every osteopetrosis entry of HPO, best first,
# probabilities summing to 1, each with one likelihood ratio per input item and the annotation it matched
# (rules/differential/).
EVIDENCE = {
    "type": "object",
    "required": ["hpo", "label", "state", "lr", "match", "matched", "source"],
    "properties": {
        "hpo": {"type": ["string", "null"], "description": "the item's HPO term (null for family history)"},
        "label": {"type": "string"},
        "state": {"type": "string", "description": "present or absent; the onset or family-history word"},
        "lr": {"type": "number", "exclusiveMinimum": 0, "description": "three significant digits"},
        "match": {
            "type": "string",
            "enum": ["exact", "below", "above", "group", "ancestor", "none", "not", "onset", "no_onset", "family"],
        },
        "matched": {
            "type": ["string", "null"],
            "description": "the annotated term it matched (with `source`, the "
            "annotation: its frequency is in HPO's phenotype.hpoa)",
        },
        "source": {"type": "string", "description": "that annotation's reference (PMID:, OMIM:, ORPHA:)"},
    },
}
DIFFERENTIAL = {
    "type": "array",
    "description": "every entry, best first: every osteopetrosis and every other disorder HPO annotates with "
    "increased bone density",
    "items": {
        "type": "object",
        "required": ["id", "name", "genes", "inheritance", "group", "prior", "probability"],
        "properties": {
            "id": ENTRY_ID,
            "name": {"type": "string"},
            "genes": {"type": "array", "items": {"type": "string"}},
            "inheritance": INHERITANCE,
            "group": GROUP,
            "prior": PRIOR,
            "probability": PROBABILITY,
            "evidence": {
                "type": "array",
                "items": EVIDENCE,
                "description": "for the first ten entries (every entry's with ?evidence=all)",
            },
        },
    },
}
DIFFERENTIAL_NOTES = every(
    {
        "fit": FIT,
        "confident": {"type": "boolean", "description": "some entry above 0.3"},
        "message": TEXT,
        "disagreement": DISAGREEMENT,
        "by_gene": {
            "type": "array",
            "description": "each gene's share of the probability, largest first",
            "items": every({"gene": TEXT, "probability": NUMBER, "entries": ENTRY_IDS}),
        },
        "separating_checks": {
            "type": "array",
            "description": "the unassessed findings that best tell the top entries apart",
            "items": every(
                {
                    "id": {"type": "string", "description": "a finding id"},
                    "label": TEXT,
                    "check": TEXT,
                    "gain_bits": NUMBER,
                    "favours_if_present": ENTRY_IDS,
                }
            ),
        },
        "method": every(
            {
                "title": TEXT,
                "url": TEXT,
                **METHOD_FIGURES,
                "departures": {"type": "string", "description": "where the ranking departs from LIRICAL"},
            }
        ),
        "entries": {"type": "integer", "minimum": 0, "description": "how many entries the ranking covers"},
        "lookalikes": {
            "type": "array",
            "description": "look-alikes HPO does not model as entries (not ranked), named when the input fits them, "
            "with what separates them",
            "items": every({"id": TEXT, "name": TEXT, "separates": TEXT, "source": CITE}),
        },
    }
)

# --- The compact answer (the default): each item by id with its source's id ---------------------------
# What the items say is in GET /api/v1/knowledge (KNOWLEDGE below), under the same ids.
TERM = every(
    {
        "hpo": {"type": ["string", "null"], "description": "the item's HPO term (null for family history)"},
        "label": TEXT,
        "state": {"type": "string", "description": "present or absent; the onset or family-history word"},
    }
)
DIFFERENTIAL_COMPACT = {
    "type": "array",
    "description": "the entries best first: the first ten with `lr` and `source`, then every other entry whose "
    "probability rounds above 0, by id and probability only (`differential_notes.entries` counts every entry "
    "ranked; ?detail=full lists them all); an entry's name, genes, inheritance, group and prior are in "
    "GET /api/v1/knowledge (`entries`)",
    "items": {
        "type": "object",
        "required": ["id", "probability"],
        "additionalProperties": False,
        "properties": {
            "id": ENTRY_ID,
            "probability": PROBABILITY,
            "lr": {
                "type": "array",
                "items": {"type": "number", "exclusiveMinimum": 0},
                "description": "the likelihood ratio of each input item, in the order of `differential_notes.terms` "
                "(three significant digits)",
            },
            "source": {
                "type": "array",
                "items": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "null"}]},
                "description": "the reference of the annotation each input item matched, in the same order, as "
                "its position in `differential_notes.references`; null when it matched none",
            },
        },
    },
}
DIFFERENTIAL_NOTES_COMPACT = strict(
    {
        "fit": FIT,
        "confident": {"type": "boolean", "description": "some entry above 0.3"},
        "message": TEXT,
        "disagreement": DISAGREEMENT_COMPACT,
        "by_gene": {
            "type": "array",
            "description": "each gene's share of the probability, largest first (the "
            "entries of each gene are in GET /api/v1/knowledge `entries`)",
            "items": strict({"gene": TEXT, "probability": NUMBER}),
        },
        "separating_checks": {
            "type": "array",
            "description": "the unassessed findings that best tell the top entries "
            "apart (what to check: GET /api/v1/knowledge `checks`)",
            "items": strict(
                {
                    "id": {"type": "string", "description": "a finding id"},
                    "gain_bits": NUMBER,
                    "favours_if_present": ENTRY_IDS,
                }
            ),
        },
        "method": strict(METHOD_FIGURES, "the reference of the method is in GET /api/v1/knowledge (`method`)"),
        "entries": {"type": "integer", "minimum": 0, "description": "how many entries the ranking covers"},
        "lookalikes": {
            "type": "array",
            "description": "look-alikes the input fits, by id (what they are and what separates them: GET "
            "/api/v1/knowledge `lookalikes`), with their source's id",
            "items": strict({"id": TEXT, "source": TEXT}),
        },
        "terms": {
            "type": "array",
            "items": TERM,
            "description": "the input items the ranking weighed, in the order of each entry's `lr` and `source`",
        },
        "references": {
            **STRINGS,
            "description": "each annotation reference the evidence of `differential` names (PMID:, OMIM:, ORPHA:), "
            "once; an entry's `source` gives positions in this list",
        },
    }
)
ASSESSMENT_COMPACT = every(
    {
        "knowledge_version": {
            "type": "string",
            "description": "the version of GET /api/v1/knowledge that has this answer's texts",
        },
        "entered": ENTERED,
        "inheritance": strict(
            {
                "lean": LEAN,
                "strength": STRENGTH,
                "score": NUMBER,
                "summary": {"type": "string", "description": "the lean, its strength and the clue that weighs most"},
                "message": TEXT,
                "thresholds": THRESHOLDS,
                "clues": {
                    "type": "array",
                    "description": "the clues that applied (why each: GET /api/v1/knowledge `clues`)",
                    "items": strict(
                        {
                            "id": TEXT,
                            "findings": BEHIND,
                            "points_to": {**SIDE, "description": "the inheritance the clue is about"},
                            "effect": {
                                "type": "string",
                                "enum": ["for", "against"],
                                "description": "against: the clue counts against the inheritance it points to",
                            },
                            "weight": NUMBER,
                            "source": SOURCE_ID,
                        }
                    ),
                },
            }
        ),
        "mechanisms": {
            "type": "array",
            "items": strict(
                {
                    "id": TEXT,
                    "findings": {**FINDING_IDS, "description": "the present findings that belong to it (finding ids)"},
                    "source": SOURCE_ID,
                }
            ),
        },
        "red_flags": {
            "type": "array",
            "description": "most urgent first; what each means and what to do: GET /api/v1/knowledge `red_flags`",
            "items": strict(
                {
                    "id": TEXT,
                    "level": LEVEL,
                    "findings": {**STRINGS, "description": "the entered findings (present) that raised it"},
                    "source": SOURCE_ID,
                    "action_source": {"type": ["string", "null"], "description": "the id of the source of what to do"},
                }
            ),
        },
        "genes": {
            "type": "array",
            "description": "the genes consistent with the lean first (each gene's details: "
            "GET /api/v1/knowledge `genes`, by OMIM number)",
            "items": strict(
                {
                    "omim": {"type": "string", "description": "OMIM number"},
                    "symbol": TEXT,
                    "consistent": {"type": "boolean", "description": "its inheritance agrees with the lean"},
                    "source": SOURCE_ID,
                }
            ),
        },
        "next_checks": {
            "type": "array",
            "description": "unassessed items whose answer could change the lean or its "
            "strength (what to check: GET /api/v1/knowledge `checks`)",
            "items": strict({"kind": CHECK_KIND, "id": TEXT, "impact": NUMBER, "outcomes": OUTCOMES}),
        },
        "next_checks_note": NEXT_CHECKS_NOTE,
        "premise": PREMISE,
        "workup": {
            "type": "array",
            "description": "the standard evaluations (beyond the source document; what each "
            "is: GET /api/v1/knowledge `workup`)",
            "items": strict({"id": TEXT, "source": SOURCE_ID}),
        },
        "hpo_terms": HPO_TERMS,
        "other_terms": OTHER_TERMS,
        "answers": strict(
            {
                "findings": {
                    "type": "object",
                    "description": "the findings as read from what was entered (finding "
                    "id: state; `recognized` says which input gave each), in "
                    "checklist order; a finding not here was not assessed",
                    "propertyNames": ref("FindingSlug"),
                    "additionalProperties": {"type": "string", "enum": ["present", "absent"]},
                },
                "onset": ref("OnsetClass"),
                "family_history": ref("FamilyHistoryClass"),
            },
            "what the assessment read from the input",
        ),
        "recognized": RECOGNIZED,
        "unmapped": UNMAPPED,
        "share_query": SHARE_QUERY,
        "sources": by_id(
            strict({"kind": SOURCE_KIND}),
            "each source the answer's items can name, once, by id, with its kind (the source document, or a "
            "reference beyond it); its title and link are in GET /api/v1/knowledge `sources`",
        ),
        "differential": ref("DifferentialCompact"),
        "differential_notes": ref("DifferentialNotesCompact"),
        "disclaimer": TEXT,
    },
    "The compact answer (the default): what this input gave, each item by its id with its source's id. "
    "What the items say (titles, explanations, actions, the passages cited) is the same in every answer: "
    "GET /api/v1/knowledge has it, once per knowledge version.",
)

# --- GET /api/v1/knowledge: what every item of a compact answer says, by id --------------------------
KNOWLEDGE = every(
    {
        "clues": by_id(
            every(
                {
                    "name": TEXT,
                    "finding": {
                        "type": ["string", "null"],
                        "description": "its finding id; null for an onset or a family history",
                    },
                    "points_to": SIDE,
                    "effect": {
                        "type": "string",
                        "enum": ["for", "against"],
                        "description": "against: the clue counts against the inheritance it points to",
                    },
                    "weight": NUMBER,
                    "why": TEXT,
                    "beyond_seed": {
                        "type": "string",
                        "description": "what it says beyond the source document (empty when nothing)",
                    },
                    "source": CITE,
                }
            ),
            "the inheritance clues, by id",
        ),
        "mechanisms": by_id(every({"title": TEXT, "explanation": TEXT, "source": CITE}), "the mechanisms, by id"),
        "red_flags": by_id(
            every(
                {
                    "level": LEVEL,
                    "title": TEXT,
                    "why": TEXT,
                    "beyond_seed": {"type": "string", "description": "what it says beyond the source document"},
                    "source": CITE,
                    "action": {"type": "string", "description": "what to do, in plain words"},
                    "action_source": {"oneOf": [CITE, {"type": "null"}]},
                }
            ),
            "the red flags, by id",
        ),
        "workup": by_id(
            every(
                {
                    "label": TEXT,
                    "why": TEXT,
                    "findings": {**STRINGS, "description": "the checklist findings it assesses"},
                    "source": CITE,
                }
            ),
            "the standard evaluations, by id",
        ),
        "genes": by_id(
            every(
                {
                    "symbol": TEXT,
                    "inheritance": SIDE,
                    "type": TEXT,
                    "omim": {"type": "string", "description": "OMIM number"},
                    "omim_url": TEXT,
                    "code": TEXT,
                    "in_seed": {"type": "boolean", "description": "named by the source document"},
                    "note": TEXT,
                    "source": CITE,
                    "beyond_seed": GENE_BEYOND_SEED,
                    "statements": GENE_STATEMENTS,
                }
            ),
            "the genes, by OMIM number (a gene with two types has two)",
            propertyNames={"pattern": "^[0-9]+$"},
        ),
        "checks": by_id(
            every({"kind": CHECK_KIND, "label": TEXT, "check": {"type": "string", "description": "how to assess it"}}),
            "every item that can be checked (each finding, the onset, the family history), by id",
        ),
        "findings": by_id(
            every({"label": TEXT, "hpo": {"type": "string", "description": "its HPO id"}}),
            "the checklist findings, by finding id",
        ),
        "entries": by_id(
            every(
                {
                    "name": TEXT,
                    "genes": STRINGS,
                    "inheritance": INHERITANCE,
                    "url": {"type": "string", "description": "its OMIM or Orphanet page"},
                    "group": GROUP,
                    "prior": PRIOR,
                }
            ),
            "the entries of the differential, by id (OMIM:n or ORPHA:n)",
        ),
        "onsets": by_id(TEXT, "each onset class and its label"),
        "family_histories": by_id(TEXT, "each family-history answer and its label"),
        "sources": by_id(every({"kind": SOURCE_KIND, "title": TEXT, "url": TEXT}), "every source, by id"),
        "lookalikes": by_id(
            every({"name": TEXT, "separates": TEXT, "source": CITE}),
            "look-alikes HPO does not model as entries, by id: what they are and what separates them",
        ),
        "method": every(
            {"title": TEXT, "url": TEXT, "departures": TEXT, "disagreement_source": CITE},
            "the reference of the differential's method, and the source of its teaching point when the "
            "lean and the ranking disagree",
        ),
        "knowledge_version": TEXT,
        "disclaimer": TEXT,
    },
    "What every item of a compact answer says, by the ids the answer uses; the same for every answer of one "
    "knowledge version.",
)


FINDING = {
    "type": "object",
    "required": ["slug", "label", "hpo", "groups", "anchors", "source"],
    "properties": {
        "slug": {"type": "string"},
        "label": {"type": "string"},
        "hpo": {"type": "string"},
        "groups": {"type": "array", "items": {"type": "string"}},
        "anchors": {"type": "array", "items": {"type": "string"}},
        "source": SOURCE,
    },
}
