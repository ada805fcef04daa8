"""The compact answer of POST /api/v1/assess (the default) and GET /api/v1/knowledge.

The compact answer names every item by id with its source's id; the knowledge document says, once,
what each item says. Joined, they give back the full answer (`?detail=full`) for every input of the
assess snapshots (tests/snapshots/assess/: named clinical pictures and 150 varied bodies), every field
but how each evidence row's term met its annotation (`match`, `matched`: input-dependent, in the full
answer only), and each item names its own source. Why: docs/decisions/0010-compact-answer-and-knowledge-document.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules.differential import load_model
from webapp.infra.knowledge import kb

SNAPSHOTS = next(p for p in Path(__file__).resolve().parents if p.name == "tests") / "snapshots" / "assess"
NEONATAL = {
    "findings": {
        "hypocalcemia": "present",
        "hepatosplenomegaly": "present",
        "anemia": "present",
        "visual_impairment": "present",
    },
    "onset": "neonatal",
}


def bodies():
    """The inputs of the assess snapshots, in the order of their file names."""
    return [json.loads(p.read_text(encoding="utf-8"))["input"] for p in sorted(SNAPSHOTS.glob("*.json"))]


def _without(row, *keys):
    return {k: v for k, v in row.items() if k not in keys}


def expand(compact, knowledge):
    """The full answer rebuilt from a compact one and the knowledge document: what an integrator does."""
    k = knowledge
    cited = {sid: {**k["sources"][sid], **entry} for sid, entry in compact["sources"].items()}
    inh = compact["inheritance"]
    lean = inh["lean"]

    def signed(c):  # toward recessive is positive; a clue against a side counts toward the other
        return c["weight"] if (c["points_to"] == "recessive") is (c["effect"] == "for") else -c["weight"]

    toward = [c["id"] for c in inh["clues"] if (signed(c) < 0) is (lean == "dominant")]  # as the full answer
    labels = {s: f["label"] for s, f in k["findings"].items()}
    entered = compact["answers"]["findings"]
    clues = [
        {
            "id": c["id"],
            "finding": k["clues"][c["id"]]["finding"],
            "points_to": c["points_to"],
            "effect": c["effect"],
            "weight": c["weight"],
            "signed_weight": signed(c),
            "why": k["clues"][c["id"]]["why"],
            "beyond_seed": k["clues"][c["id"]]["beyond_seed"],
            "source": k["clues"][c["id"]]["source"],
            "findings": c["findings"],
            "finding_labels": [
                labels[s] + ("" if entered[s] == "present" else " (entered absent)") for s in c["findings"]
            ],
        }
        for c in inh["clues"]
    ]
    mechanisms = [
        {
            "id": m["id"],
            "title": k["mechanisms"][m["id"]]["title"],
            "findings": m["findings"],
            "finding_labels": [labels[s] for s in m["findings"]],
            "explanation": k["mechanisms"][m["id"]]["explanation"],
            "source": k["mechanisms"][m["id"]]["source"],
        }
        for m in compact["mechanisms"]
    ]
    flags = []
    for r in compact["red_flags"]:
        text = k["red_flags"][r["id"]]
        flags.append(
            {
                "id": r["id"],
                "level": r["level"],
                "title": text["title"],
                "why": text["why"],
                "beyond_seed": text["beyond_seed"],
                "source": text["source"],
                "findings": r["findings"],
                "action": text["action"],
                "action_source": text["action_source"],
            }
        )
    genes = [
        {
            "symbol": k["genes"][g["omim"]]["symbol"],
            "inheritance": k["genes"][g["omim"]]["inheritance"],
            "type": k["genes"][g["omim"]]["type"],
            "omim": g["omim"],
            "omim_url": k["genes"][g["omim"]]["omim_url"],
            "code": k["genes"][g["omim"]]["code"],
            "in_seed": k["genes"][g["omim"]]["in_seed"],
            "consistent": g["consistent"],
            "note": k["genes"][g["omim"]]["note"],
            "source": k["genes"][g["omim"]]["source"],
            "beyond_seed": k["genes"][g["omim"]]["beyond_seed"],
            "statements": k["genes"][g["omim"]]["statements"],
        }
        for g in compact["genes"]
    ]
    checks = [
        {
            "kind": c["kind"],
            "id": c["id"],
            "label": k["checks"][c["id"]]["label"],
            "check": k["checks"][c["id"]]["check"],
            "impact": c["impact"],
            "outcomes": c["outcomes"],
        }
        for c in compact["next_checks"]
    ]
    notes = compact["differential_notes"]
    terms = notes["terms"]
    entries = [
        {
            "id": e["id"],
            **_without(k["entries"][e["id"]], "url"),
            "probability": e["probability"],
            "evidence": [
                {**term, "lr": lr, "source": "" if source is None else notes["references"][source]}
                for term, lr, source in zip(terms, e["lr"], e["source"], strict=True)
            ],
        }
        if "lr" in e
        else {
            "id": e["id"],
            **_without(k["entries"][e["id"]], "url"),
            "probability": e["probability"],
        }  # beyond the first ten: no evidence
        for e in compact["differential"]
    ]
    by_entry = {e: [g["gene"] for g in notes["by_gene"] if g["gene"] in k["entries"][e]["genes"]] for e in k["entries"]}
    return {
        "inheritance": {
            **inh,
            "clues": clues,
            "clues_for": toward,
            "clues_against": [c["id"] for c in inh["clues"] if c["id"] not in toward],
        },
        "mechanisms": mechanisms,
        "red_flags": flags,
        "genes": genes,
        "next_checks": checks,
        "workup": [{"id": w["id"], **k["workup"][w["id"]]} for w in compact["workup"]],
        "sources": cited,
        "differential": entries,
        "by_gene": [
            {**g, "entries": sorted(e for e, genes in by_entry.items() if g["gene"] in genes)} for g in notes["by_gene"]
        ],
        "separating_checks": [
            {
                "id": s["id"],
                "label": k["checks"][s["id"]]["label"],
                "check": k["checks"][s["id"]]["check"],
                **_without(s, "id"),
            }
            for s in notes["separating_checks"]
        ],
        "method": {**_without(k["method"], "disagreement_source"), **notes["method"]},
        "disagreement": notes["disagreement"]
        and {**notes["disagreement"], "source": k["method"]["disagreement_source"]},
    }


def _evidence_view(entry):
    """A full entry's evidence as the compact answer can give it back: the input item, ratio, reference."""
    return [{key: row[key] for key in ("hpo", "label", "state", "lr", "source")} for row in entry.get("evidence", [])]


@pytest.fixture
def knowledge(client):
    response = client.get("/api/v1/knowledge")
    assert response.status_code == 200
    return response.get_json()


def test_the_compact_answer_and_the_knowledge_give_back_the_full_answer(app, client, knowledge):
    bodies_ = bodies()
    for body in bodies_:
        compact = client.post("/api/v1/assess", json=body).get_json()
        full = client.post("/api/v1/assess?detail=full", json=body).get_json()
        rebuilt = expand(compact, knowledge)
        for key in ("inheritance", "mechanisms", "red_flags", "genes", "next_checks", "workup", "sources"):
            assert rebuilt[key] == full[key], (key, body)
        # Each compact item names its own source (the join above takes the citations from the knowledge).
        for key, rows in (
            ("clues", lambda a: a["inheritance"]["clues"]),
            ("mechanisms", lambda a: a["mechanisms"]),
            ("red_flags", lambda a: a["red_flags"]),
            ("genes", lambda a: a["genes"]),
            ("workup", lambda a: a["workup"]),
        ):
            assert [r["source"] for r in rows(compact)] == [r["source"]["id"] for r in rows(full)], (key, body)
        assert [r["action_source"] for r in compact["red_flags"]] == [
            r["action_source"]["id"] if r["action_source"] else None for r in full["red_flags"]
        ]
        # The compact answer lists the first ten and, after them, every entry with a probability at all;
        # the full answer lists every entry, those it leaves out at a probability that rounds to 0.
        listed = [e for i, e in enumerate(full["differential"]) if i < 10 or e["probability"] > 0]
        assert all(e["probability"] == 0 for e in full["differential"] if e not in listed)
        assert [_without(e, "evidence") for e in rebuilt["differential"]] == [
            _without(e, "evidence") for e in listed
        ], body
        assert [e.get("evidence", []) for e in rebuilt["differential"]] == [_evidence_view(e) for e in listed]
        notes = {
            **full["differential_notes"],
            "by_gene": [g for g in full["differential_notes"]["by_gene"] if g["probability"] > 0],
        }
        assert rebuilt["separating_checks"] == notes["separating_checks"], body
        assert rebuilt["method"] == notes["method"]
        assert [_without(g, "entries") for g in rebuilt["by_gene"]] == [
            _without(g, "entries") for g in notes["by_gene"]
        ]
        assert [sorted(g["entries"]) for g in rebuilt["by_gene"]] == [sorted(g["entries"]) for g in notes["by_gene"]]
        assert rebuilt["disagreement"] == notes["disagreement"]
        for key in ("fit", "confident", "message", "entries"):
            assert compact["differential_notes"][key] == notes[key]
        for key in (
            "premise",
            "next_checks_note",
            "hpo_terms",
            "other_terms",
            "recognized",
            "unmapped",
            "share_query",
            "knowledge_version",
            "disclaimer",
        ):
            assert compact[key] == full[key], key
        entered = compact["answers"]["findings"]
        assert {s: v for s, v in full["answers"]["findings"].items() if v != "unknown"} == {
            s: v for s, v in entered.items() if v != "unknown"
        }
        assert (compact["answers"]["onset"], compact["answers"]["family_history"]) == (
            full["answers"]["onset"],
            full["answers"]["family_history"],
        )


def test_each_source_appears_once_and_every_item_names_its_source_by_id(client):
    full = client.post("/api/v1/assess?detail=full", json=NEONATAL).get_data(as_text=True)
    for source in json.loads(full)["sources"].values():
        assert full.count(json.dumps(source["title"])[1:-1]) == 1, source["title"]
    raw = client.post("/api/v1/assess", json=NEONATAL).get_data(as_text=True)
    body = json.loads(raw)
    assert all(set(source) == {"kind"} for source in body["sources"].values())  # titles: GET /api/v1/knowledge
    items = [*body["inheritance"]["clues"], *body["mechanisms"], *body["red_flags"], *body["genes"], *body["workup"]]
    assert len(items) > 20
    assert all(item["source"] in body["sources"] for item in items)
    assert all(flag["action_source"] in body["sources"] for flag in body["red_flags"])
    # The differential's evidence names the annotation's own reference (an OMIM, Orphanet or PubMed id).
    refs = {
        body["differential_notes"]["references"][r]
        for e in body["differential"]
        for r in e.get("source", [])
        if r is not None
    }
    assert len(refs) == len(body["differential_notes"]["references"])  # each reference once, each one named
    assert refs and all(r == "" or r.split(":")[0] in ("OMIM", "ORPHA", "PMID") for ref in refs for r in ref.split(";"))


def test_every_id_of_a_compact_answer_is_in_the_knowledge_document(app, client, knowledge):
    bodies_ = bodies()
    for body in bodies_[:40]:
        answer = client.post("/api/v1/assess", json=body).get_json()
        assert {c["id"] for c in answer["inheritance"]["clues"]} <= set(knowledge["clues"])
        assert {m["id"] for m in answer["mechanisms"]} <= set(knowledge["mechanisms"])
        assert {r["id"] for r in answer["red_flags"]} <= set(knowledge["red_flags"])
        assert {g["omim"] for g in answer["genes"]} <= set(knowledge["genes"])
        assert {c["id"] for c in answer["next_checks"]} <= set(knowledge["checks"])
        assert {e["id"] for e in answer["differential"]} <= set(knowledge["entries"])  # the first ten and those above 0
        assert set(answer["sources"]) <= set(knowledge["sources"])


def test_the_knowledge_document_is_fetched_once_per_version(client, knowledge):
    first = client.get("/api/v1/knowledge")
    etag = first.headers["ETag"]
    assert knowledge["knowledge_version"] in client.get("/api/v1/findings").get_json()["knowledge_version"]
    again = client.get("/api/v1/knowledge", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    weak = client.get("/api/v1/knowledge", headers={"If-None-Match": f"W/{etag}"})  # as a proxy may pass it on
    assert weak.status_code == 304
    other = client.get("/api/v1/knowledge", headers={"If-None-Match": '"not-this-one"'})
    assert other.status_code == 200 and other.get_json() == knowledge
    assert "Educational use only, not a diagnosis" in knowledge["disclaimer"]
    assert first.headers["Cache-Control"] == "no-cache"  # may be kept, asked again before use


def test_the_knowledge_document_s_etag_follows_every_byte_served(app, monkeypatch):
    """A change anywhere in the served document (here, the disclaimer the answer carries) is a new ETag,
    so a client holding the old one gets the new document, not a 304."""
    from webapp.api import common
    from webapp.checklist.api import knowledge_answer

    client = app.test_client()
    knowledge_answer.cache_clear()
    before = client.get("/api/v1/knowledge")
    changed = common.disclaimer() + " Changed."
    monkeypatch.setattr(common, "disclaimer", lambda: changed)
    knowledge_answer.cache_clear()
    try:
        after = client.get("/api/v1/knowledge", headers={"If-None-Match": before.headers["ETag"]})
        assert after.status_code == 200 and after.get_json()["disclaimer"].endswith("Changed.")
        assert after.headers["ETag"] != before.headers["ETag"]
    finally:
        monkeypatch.undo()
        knowledge_answer.cache_clear()


@pytest.mark.parametrize(
    "query",
    ["detail=everything", "detail=", "detail=FULL", "detail=full&detail=compact", "detail=compact&detail=compact"],
)
def test_a_wrong_or_repeated_detail_is_a_clear_400(client, query):
    response = client.post(f"/api/v1/assess?{query}", json=NEONATAL)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_detail"
    assert "compact" in response.get_json()["error"]["message"]


def test_an_imported_phenopacket_gets_the_compact_answer_too(client):
    packet = client.post("/api/v1/phenopacket", json=NEONATAL).get_json()
    compact = client.post("/api/v1/assess", json={"phenopacket": packet}).get_json()
    direct = client.post("/api/v1/assess", json=NEONATAL).get_json()
    assert compact["inheritance"] == direct["inheritance"]
    assert compact["differential"] == direct["differential"]


def test_terms_typed_in_are_never_kept_by_the_compact_answer(app, client):
    """The per-process caches hold the knowledge's own items only: nothing a clinician enters stays."""
    from webapp.checklist.differential import _rows

    with app.app_context():
        knowledge_base = kb()
    model = load_model(knowledge_base)
    finding_terms = {f.hpo for f in knowledge_base.findings.values()} | {
        a for f in knowledge_base.findings.values() for a in f.anchors
    }
    annotated = {a.hpo for e in model.entries for a in e.annotations}
    others = sorted(annotated - finding_terms)[:3]  # annotated, but no checklist finding: typed in
    for term in others:  # warm: every checklist item the bodies use is met once
        for state in ("present", "absent"):
            client.post("/api/v1/assess", json={"findings": {"anemia": "present", term: state}})
    rows = _rows(knowledge_base)
    made, compact = len(rows.made), len(rows.compact)
    for _ in range(20):
        for term in others:
            answer = client.post("/api/v1/assess", json={"findings": {"anemia": "present", term: "absent"}}).get_json()
            assert term in [t["hpo"] for t in answer["differential_notes"]["terms"]]
    assert (len(rows.made), len(rows.compact)) == (made, compact)  # built whole from the knowledge
    assert not [item for item in rows.held if item.hpo in others]
    assert not [row for row in rows.made.values() if row["hpo"] in others]
