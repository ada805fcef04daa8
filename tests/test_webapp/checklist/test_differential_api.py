"""The differential in the API answer and on the result page (docs/decisions/0012-differential-after-lirical.md)."""

from __future__ import annotations

import math
import re

import jsonschema_rs  # schemathesis's validator, already a test dependency

from webapp.openapi import openapi_document


def assess(client, body, evidence="top"):
    """The full answer (every text inline): the ranking's evidence rows as the page reads them."""
    response = client.post(f"/api/v1/assess?detail=full&evidence={evidence}", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def test_the_answer_ranks_every_entry_best_first_with_probabilities_summing_to_one(client):
    body = assess(
        client,
        {
            "findings": {
                "renal_tubular_acidosis": "present",
                "HP:0002514": "present",
                "fractures": "absent",
                "HP:0001250": "absent",
            },
            "onset": "childhood",
        },
    )
    dx = body["differential"]
    assert len(dx) == body["differential_notes"]["entries"] > 100 and dx[0]["genes"] == ["CA2"]
    assert {e["group"] for e in dx} == {"osteopetrosis", "other"}
    probs = [e["probability"] for e in dx]
    assert probs == sorted(probs, reverse=True) and math.isclose(sum(probs), 1.0, abs_tol=2e-2)
    assert all("evidence" not in e for e in dx[10:])  # the evidence of the first ten only (?evidence=all: every)
    for e in dx[:10]:
        assert {"id", "name", "genes", "inheritance", "group", "prior", "probability", "evidence"} <= set(e)
        # every input item: the findings in checklist order, then the onset
        assert [(ev["label"], ev["state"]) for ev in e["evidence"]] == [
            ("Frequent or poorly healing fractures", "absent"),
            ("Events mistaken for facial tics or seizures", "absent"),
            ("Renal tubular acidosis", "present"),
            ("Calcification in the brain (on imaging)", "present"),
            ("Onset: Childhood (1 to 5 years)", "childhood"),
        ]
        assert all(ev["lr"] > 0 for ev in e["evidence"])
    top = dx[0]["evidence"][2]
    assert top["matched"] in ("HP:0001947", "HP:0008341") and top["source"]  # the annotation and its reference
    assert body["genes"][0]["symbol"] == "CA2"  # the gene table follows the ranking
    schema = openapi_document("test")["components"]["schemas"]
    jsonschema_rs.validate(schema["Differential"], dx)
    jsonschema_rs.validate(schema["DifferentialNotes"], body["differential_notes"])


def test_other_hpo_terms_entered_count_present_or_excluded(client):
    term = "HP:0001276"  # Hypertonia: no checklist finding, an OPTB5 (OSTM1) annotation, 3/5
    present = assess(client, {"findings": {term: "present"}}, "all")
    assert [u["input"] for u in present["unmapped"]] == [term]
    optb5 = next(e for e in present["differential"] if e["id"] == "OMIM:259720")
    row = optb5["evidence"][0]
    assert (row["hpo"], row["state"], row["match"], row["matched"]) == (term, "present", "exact", term)
    assert "frequency" not in row and "url" not in optb5  # looked up by the page, not repeated in the answer
    page = client.get(f"/assessment?present={term},brain_atrophy,dense_bone&onset=neonatal").get_data(as_text=True)
    assert "annotated with this term: Hypertonia, 3/5" in page  # the matched annotation's frequency, on the page
    assert row["lr"] > 1
    excluded = assess(client, {"findings": {term: "absent"}}, "all")
    optb5 = next(e for e in excluded["differential"] if e["id"] == "OMIM:259720")
    assert optb5["evidence"][0]["state"] == "absent" and optb5["evidence"][0]["lr"] < 1


def test_an_empty_checklist_says_too_little_to_rank(client):
    body = assess(client, {"findings": {}})
    total = sum(e["prior"]["per_million"] for e in body["differential"])  # the priors alone
    assert all(
        math.isclose(e["probability"], e["prior"]["per_million"] / total, abs_tol=1e-4) for e in body["differential"]
    )
    notes = body["differential_notes"]
    assert not notes["confident"] and "Too little" in notes["message"]
    assert notes["method"]["hpo_release"] == "2025-01-16" and "LIRICAL" in notes["method"]["title"]


def test_the_disagreement_of_lean_and_ranking_is_a_teaching_point(client):
    body = {
        "findings": {"renal_tubular_acidosis": "present", "cerebral_calcification": "present", "fractures": "present"},
        "onset": "adulthood",
    }
    answer = assess(client, body)
    assert answer["inheritance"]["lean"] == "dominant" and answer["differential"][0]["inheritance"] == "recessive"
    disagreement = answer["differential_notes"]["disagreement"]
    assert "Neither overrides the other" in disagreement["message"]
    assert answer["sources"][disagreement["source"]["id"]]["url"]  # by id, in the answer's sources map
    schema = openapi_document("test")["components"]["schemas"]
    jsonschema_rs.validate(schema["DifferentialNotes"], answer["differential_notes"])
    agree = assess(client, {"findings": {"renal_tubular_acidosis": "present"}, "onset": "infancy"})
    assert agree["differential_notes"]["disagreement"] is None


def test_separating_checks_name_unassessed_findings(client):
    notes = assess(
        client, {"findings": {"seizure_like_events": "present", "brain_atrophy": "present"}, "onset": "neonatal"}
    )["differential_notes"]
    checks = notes["separating_checks"]
    assert checks and all(c["id"] not in ("seizure_like_events", "brain_atrophy") for c in checks)
    assert all(c["check"] and c["gain_bits"] > 0 for c in checks)


def test_the_result_page_shows_the_ranking_before_the_genes_with_links_and_worded_bars(client):
    page = client.get(
        "/assessment?present=coloboma,microphthalmia,hypopigmentation,renal_tubular_acidosis&absent=fractures"
    ).get_data(as_text=True)
    section = page.index('id="differential"')  # inside the genes section (the result's section order), first
    assert page.index('<section id="genes"') < section
    assert "beyond the source document" in page[section : section + 400]
    assert '<a href="https://omim.org/entry/617306" rel="noopener">Coloboma, osteopetrosis' in page
    assert re.search(r'href="https://www\.orpha\.net/[^"]+Expert=\d+"', page)
    # each bar's meaning is written beside it, not carried by colour alone
    assert re.search(r'class="bar bar-for w\d+"></span></span>\s*<span class="evratio">for, x', page)
    assert re.search(r'class="bar bar-against w\d+"></span></span>\s*<span class="evratio">against, /', page)
    assert "To tell the best-matching types apart" in page or "every entry has the same" not in page
    assert re.search(r"CLCN7 [<>0-9 ]+ % \(OMIM:166600, OMIM:611490, [^)]+\)", page)  # entries sharing a gene, together
    assert section < page.index('<table class="genes"')  # the ranking comes before the gene table
    genes = page[page.index('<table class="genes"') :]
    assert genes.index(">CLCN7") < genes.index(">TCIRG1")  # the gene table follows the ranking


def test_the_result_page_says_when_the_lean_and_the_ranking_disagree(client):
    page = client.get(
        "/assessment?present=renal_tubular_acidosis,cerebral_calcification,fractures&onset=adulthood"
    ).get_data(as_text=True)
    assert "Teaching point: the lean and the ranking disagree" in page


def test_trainee_feedback_says_where_the_ranking_puts_the_expected_type(client):
    answer = {"findings": ["fractures"], "lean": "recessive", "mechanisms": [], "confidence": 60}
    case = client.post("/api/v1/cases/optb7-infections-vision/attempts", json=answer).get_json()["case"]
    expected = case["expected_rank"]
    assert expected["of"] > 100 and 1 <= expected["rank"] <= expected["of"] and expected["percent"].endswith("%")
    before = client.get("/api/v1/cases/optb7-infections-vision").get_json()
    assert "expected_rank" not in str(before)  # nothing of the key before the attempt


def test_the_gene_table_puts_the_lean_s_genes_first_each_group_in_the_ranking_s_order(client):
    # The genes consistent with the lean first (docs/decisions/0007-first-things-first.md) and the table
    # following the ranking (docs/decisions/0012-differential-after-lirical.md), both.
    body = assess(
        client,
        {
            "findings": {
                "hypocalcemia": "present",
                "hepatosplenomegaly": "present",
                "anemia": "present",
                "visual_impairment": "present",
                "brain_atrophy": "present",
            },
            "onset": "neonatal",
        },
    )
    assert body["inheritance"]["lean"] == "recessive"
    share = {g["gene"]: g["probability"] for g in body["differential_notes"]["by_gene"]}
    rows = [(g["consistent"], share.get(g["symbol"], -1.0)) for g in body["genes"]]
    flags = [c for c, _ in rows]
    assert flags == sorted(flags, reverse=True) and flags[0] and not flags[-1]  # consistent ones first
    for group in (True, False):
        shares = [p for c, p in rows if c is group]
        assert shares == sorted(shares, reverse=True), (group, shares)  # each group by the ranking
    recessive = [g["symbol"] for g in body["genes"] if g["consistent"]]
    best = max(recessive, key=lambda s: share.get(s, -1.0))
    assert body["genes"][0]["symbol"] == best  # the best-ranked recessive gene leads


def test_the_first_answers_of_a_threaded_worker_arriving_together_all_succeed():
    """gunicorn's threads answer the first requests together; the ranking's model, read on first use,
    must be one model for all of them (two built at once broke every later answer with a KeyError)."""
    import subprocess
    import sys
    from pathlib import Path

    script = """
import threading
from rules import Answers, evaluate, load_knowledge
from webapp.checklist.presenters import present_assessment
kb = load_knowledge()
answers = Answers({"hypocalcemia": "present", "brain_atrophy": "present"}, "neonatal")
start, errors = threading.Barrier(8), []
def answer():
    start.wait()
    try:
        for _ in range(3):
            present_assessment(evaluate(answers, kb), kb)
    except Exception as err:
        errors.append(repr(err))
threads = [threading.Thread(target=answer) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(errors)
"""
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


CLASSIC = {
    "findings": {
        "hypocalcemia": "present",
        "hepatosplenomegaly": "present",
        "anemia": "present",
        "thrombocytopenia": "present",
        "visual_impairment": "present",
        "dense_bone": "present",
    },
    "onset": "neonatal",
}


def test_the_classic_newborn_ranks_tcirg1_first_and_each_entry_says_where_it_started(client):
    body = assess(client, CLASSIC)
    best = body["differential"][0]
    assert best["genes"] == ["TCIRG1"] and body["differential_notes"]["by_gene"][0]["gene"] == "TCIRG1"
    prior = best["prior"]
    assert prior["per_million"] > 0 and prior["source"]["locator"] and prior["source"]["id"] in body["sources"]
    assert body["differential_notes"]["fit"] == {
        "state": "fits",
        "explained": 1.0,
        "message": body["differential_notes"]["fit"]["message"],
    }
    defaults = [e for e in body["differential"] if e["prior"]["source"] is None]
    assert defaults and all(e["prior"]["basis"] for e in defaults)  # the stated default says so


def test_only_the_first_entries_carry_their_evidence_unless_all_is_asked(client):
    top = assess(client, CLASSIC)["differential"]
    every = assess(client, CLASSIC, "all")["differential"]
    assert [e["id"] for e in top] == [e["id"] for e in every]
    assert sum("evidence" in e for e in top) == 10 and all("evidence" in e for e in every)
    compact = client.post("/api/v1/assess", json=CLASSIC).get_json()["differential"]
    assert all(set(e) == {"id", "probability", "lr", "source"} for e in compact[:10])
    assert all(set(e) == {"id", "probability"} for e in compact[10:])
    for bad in ("?detail=full&evidence=some", "?evidence=all&evidence=top"):
        response = client.post(f"/api/v1/assess{bad}", json=CLASSIC)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_evidence"


def test_a_picture_no_entry_explains_is_a_poor_fit_said_first(client):
    body = {
        "findings": {
            "HP:0001250": "present",
            "HP:0000252": "present",
            "HP:0001263": "present",
            "hearing_impairment": "present",
        }
    }  # seizures, microcephaly, developmental delay
    fit = assess(client, body)["differential_notes"]["fit"]
    if fit["state"] == "poor":
        assert "None of the ranked disorders" in fit["message"]
    page = client.get("/assessment?present=dense_bone").get_data(as_text=True)
    assert "Poor fit." not in page


def test_with_dense_bone_contradicted_no_percentage_is_shown_for_the_ranking(client):
    body = assess(client, {"findings": {"HP:0000939": "present", "fractures": "present"}})  # osteoporosis
    assert body["premise"]["state"] == "contradicted"
    fit = body["differential_notes"]["fit"]
    assert fit["state"] == "poor" and "no probability is shown" in fit["message"]
    page = client.get("/assessment?present=HP:0000939,fractures").get_data(as_text=True)
    section = page[page.index('id="differential"') : page.index('<table class="genes"')]
    assert "%" not in section and 'class="dx"' not in section
    summary = page[page.index('id="summary"') : page.index('id="red-flags"')]
    assert "Best-matching types" in summary and "%" not in summary.split("Best-matching types")[1]


def test_probabilities_are_shown_as_whole_percentages(client):
    page = client.get(
        "/assessment?present=hypocalcemia,hepatosplenomegaly,anemia,thrombocytopenia,"
        "visual_impairment,dense_bone&onset=neonatal"
    ).get_data(as_text=True)
    section = page[page.index('id="differential"') :]
    assert re.search(r"> ?\d{1,2} %|< 1 %|> 99 %", section)
    assert not re.search(r"\d\.\d %", section)  # no false precision


def test_look_alikes_hpo_does_not_model_are_named_with_what_separates_them(client):
    body = assess(client, CLASSIC)  # low calcium and dense bone in a newborn
    named = {x["id"]: x for x in body["differential_notes"]["lookalikes"]}
    assert set(named) == {"transient_infantile_osteopetrosis", "neonatal_hypocalcemia_other_causes"}
    for x in named.values():
        assert x["separates"] and x["source"]["locator"] and x["source"]["id"] in body["sources"]
    adult = assess(client, {"findings": {"hypocalcemia": "present", "dense_bone": "present"}, "onset": "adulthood"})
    assert adult["differential_notes"]["lookalikes"] == []  # neither fits an adult
    compact = client.post("/api/v1/assess", json=CLASSIC).get_json()["differential_notes"]["lookalikes"]
    knowledge = client.get("/api/v1/knowledge").get_json()["lookalikes"]
    assert [x["id"] for x in compact] == list(named) and all(x["id"] in knowledge for x in compact)
    page = client.get("/assessment?present=hypocalcemia,dense_bone&onset=neonatal").get_data(as_text=True)
    assert "Also consider (not in the ranking)" in page and "Transient infantile osteopetrosis" in page


def test_a_dominant_type_2_teenager_gets_no_recessive_gene_at_p_0_9_nor_an_urgent_flag(client):
    # Sandwich vertebrae (typed as its HPO term), hearing loss, dense bone, unaffected parents, onset 5-15 years.
    body = assess(
        client,
        {
            "findings": {"HP:0004618": "present", "hearing_impairment": "present", "dense_bone": "present"},
            "onset": "adolescence",
            "family_history": "unaffected_parents",
        },
    )
    recessive = {e["id"] for e in body["differential"] if e["inheritance"] == "recessive"}
    assert not any(e["probability"] >= 0.9 for e in body["differential"] if e["id"] in recessive)
    genes = body["differential_notes"]["by_gene"]
    assert genes[0]["probability"] < 0.9
    assert all(flag["level"] != "urgent" for flag in body["red_flags"])


def test_the_result_page_lists_twenty_entries_and_links_to_all_of_them(client):
    query = "present=hypocalcemia,anemia,dense_bone&onset=neonatal"
    page = client.get(f"/assessment?{query}").get_data(as_text=True)
    rest = page[page.index('<ol start="6" class="rest">') :]
    rest = rest[: rest.index("</ol>")]
    assert rest.count("<li>") == 15  # the next fifteen by name (the first five are shown with why)
    link = re.search(r'<a href="(/assessment\?[^"]+&amp;entries=all)">Show all (\d+) entries</a>', page)
    assert link
    every = client.get(link[1].replace("&amp;", "&")).get_data(as_text=True)
    listed = every[every.index('<ol start="6" class="rest">') :]
    assert listed[: listed.index("</ol>")].count("<li>") == int(link[2]) - 5
    assert "Show all" not in every
    assert client.get(f"/assessment?{query}&entries=some").status_code == 400
