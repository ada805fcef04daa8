"""Phenopacket and HPO-list import on the checklist page, exports from the result page, and the API."""

from __future__ import annotations

import io
import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import phenopackets
import pytest
from google.protobuf import json_format
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.support.apps import csrf_token

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
EXAMPLE = (EXAMPLES / "phenopacket-optb1-infant.json").read_bytes()
DISCLAIMER = "Educational use only, not a diagnosis"


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _attr(tag: str, name: str) -> str | None:
    match = re.search(rf'\s{name}(?:="([^"]*)")?(?=[\s>/])', tag)
    return None if match is None else (match.group(1) or "")


def form_values(page: str) -> dict[str, str]:
    """What a browser would submit for the checklist: checked radios, selected options, the token."""
    values = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        if _attr(tag, "type") == "radio" and _attr(tag, "checked") is not None:
            values[_attr(tag, "name")] = _attr(tag, "value")
    for name, options in re.findall(r'<select[^>]*name="(\w+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = [
            _attr(o, "value") for o in re.findall(r"<option\b[^>]*>", options) if _attr(o, "selected") is not None
        ]
        values[name] = chosen[0] if chosen else ""
    return values


def checked(page: str, name: str) -> str:
    value = form_values(page).get(name)
    assert value, f"no checked radio for {name}"
    return value


def post_import(client, *, file: tuple[bytes, str] | None = None, paste: str = "", token: str | None = None):
    data: dict[str, object] = {"csrf_token": token or csrf_token(client), "import_text": paste}
    if file:
        data["import_file"] = (io.BytesIO(file[0]), file[1])
    return client.post("/import", data=data, content_type="multipart/form-data")


def submit_prefilled(client, page: str):
    """Submit the pre-filled checklist as the browser would."""
    data = form_values(page)
    data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return client.post("/", data=data)


def test_checklist_page_offers_the_import_near_the_top(client):
    page = text(client.get("/"))
    panel = page.index("Start from a phenopacket or HPO list")
    assert panel < page.index("Onset and family")  # before the checklist itself
    assert 'enctype="multipart/form-data"' in page and 'action="/import"' in page
    assert 'type="file"' in page and "<textarea" in page
    assert page.count('name="csrf_token"') == 2 and 'id="import-csrf-token"' in page


def test_example_phenopacket_upload_prefills_the_checklist_and_lists_unmapped_terms(client):
    response = post_import(client, file=(EXAMPLE, "phenopacket-optb1-infant.json"))
    assert response.status_code == 200
    page = text(response)
    assert "Filled in from a GA4GH phenopacket (schema v2)" in page
    for slug in ("hepatosplenomegaly", "anemia", "thrombocytopenia", "visual_impairment", "hypocalcemia"):
        assert checked(page, slug) == "present"
    assert checked(page, "fractures") == "unknown"
    assert form_values(page)["onset"] == "infancy"
    assert "age at onset set to Infancy (1 to 12 months), read from HP:0003593 Infantile onset" in page
    assert "HP:0002240 Hepatomegaly" in page and "Enlarged liver and spleen" in page
    unmapped = page[page.index("Terms that match no checklist item") :]
    assert "HP:0000256 Macrocephaly" in unmapped and "related to: Frontal bossing" in unmapped
    assert "HP:0011002 Osteopetrosis" not in unmapped  # dense bone on imaging, the premise
    assert "Nothing was stored" in page and DISCLAIMER in page


def test_imported_example_gives_the_expected_result_page(client):
    prefilled = post_import(client, file=(EXAMPLE, "example.json")).get_data(as_text=True)
    result = submit_prefilled(client, prefilled)
    assert result.status_code == 200
    page = text(result)
    assert "leans strongly toward autosomal recessive osteopetrosis (MIOP)" in page
    cards = re.findall(r'<article class="card"> <h3>([^<]+)</h3>', page)
    assert cards == [
        "Abnormal skull remodeling",
        "No room for marrow: blood forms in liver and spleen",
        "Calcium locked into bone",
    ]
    assert "HP:0001433" in page and "TCIRG1" in page


def test_pasted_hpo_list_prefills_present_absent_and_onset(client):
    page = text(post_import(client, paste=(EXAMPLES / "hpo-list.txt").read_text() + "\nNOT HP:0002757\n"))
    assert "Filled in from an HPO term list" in page
    assert checked(page, "hypocalcemia") == "present" and checked(page, "fractures") == "absent"
    assert form_values(page)["onset"] == "infancy"


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"paste": '{"phenotypicFeatures": ['}, "not valid JSON"),
        (
            {"paste": '{"phenotypicFeatures": [{"type": {"id": "HP:0001873"}, "excluded": "no"}]}'},
            "excluded must be true or false",
        ),
        ({"paste": "HP:12345"}, "is not an HPO id"),
        ({"paste": "   "}, "Nothing to import"),
        ({"file": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "scan.png")}, "not UTF-8 text"),
        ({"file": (b"\xff\xfeH\x00P\x00", "list.txt")}, "not UTF-8 text"),
        ({"file": (b"SQLite format 3\x00\x10\x00\x01\x01", "notes.db")}, "control characters"),
        ({"file": (b"HP:0001873", "a.txt"), "paste": "HP:0002901"}, "not both"),
    ],
)
def test_bad_imports_show_a_clear_message_in_the_open_panel(client, kwargs, says):
    response = post_import(client, **kwargs)
    assert response.status_code == 400
    page = text(response)
    assert "Nothing was imported: " in page and says in page
    assert '<details class="import" id="import" open>' in page
    assert checked(page, "hypocalcemia") == "unknown"  # the checklist is there, empty


def test_upload_over_64_kib_gets_a_friendly_413_page(client):
    token = csrf_token(client)
    response = post_import(client, file=(b"HP:0001873\n" * 7000, "big.txt"), token=token)
    assert response.status_code == 413
    page = text(response)
    assert "The file is too large to import" in page and "64 KiB" in page
    assert 'href="/#import"' in page and DISCLAIMER in page


def test_import_needs_the_csrf_token(client):
    response = client.post("/import", data={"import_text": "HP:0001873"}, content_type="multipart/form-data")
    assert response.status_code == 400 and "without its security token" in text(response)


def test_get_import_leads_to_the_panel(client):
    response = client.get("/import")
    assert response.status_code == 302 and response.headers["Location"].endswith("/#import")


def test_result_page_links_the_exports(client):
    query = "present=hypocalcemia&absent=fractures&onset=neonatal"
    page = client.get(f"/assessment?{query}").get_data(as_text=True)
    assert f'href="/assessment/phenopacket.json?{query.replace("&", "&amp;")}"' in page
    assert f'href="/assessment/hpo.csv?{query.replace("&", "&amp;")}"' in page
    assert "One-page printable summary" in page


def test_phenopacket_download_is_an_attachment_the_official_package_parses(client):
    response = client.get("/assessment/phenopacket.json?present=hypocalcemia,HP:0031846&absent=anemia&onset=neonatal")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="miop-checklist-phenopacket.json"'
    assert response.headers["Cache-Control"] == "no-store"
    message = json_format.Parse(response.get_data(as_text=True), phenopackets.Phenopacket())
    features = {(f.type.id, f.excluded, f.onset.ontology_class.id) for f in message.phenotypic_features}
    # The term entered that is not a checklist finding's own (HP:0031846) is kept as entered
    # (docs/decisions/0009-nothing-lost-on-the-way-in-or-out.md).
    assert features == {
        ("HP:0002757", False, "HP:0003623"),
        ("HP:0002901", False, "HP:0003623"),
        ("HP:0001903", True, ""),
        ("HP:0031846", False, "HP:0003623"),
    }
    assert DISCLAIMER in message.meta_data.external_references[0].description


def test_hpo_csv_download(client):
    response = client.get("/assessment/hpo.csv?present=anemia&absent=fractures")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="miop-checklist-hpo-terms.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    lines = response.get_data(as_text=True).splitlines()
    assert DISCLAIMER in lines[0]
    assert lines[2:] == [
        "HP:0001903,Anemia,present,Anemia",
        "HP:0002757,Recurrent fractures,excluded,Frequent or poorly healing fractures",
    ]


def test_downloads_reject_bad_links_like_the_result_page(client):
    assert client.get("/assessment/phenopacket.json?present=nope").status_code == 400
    assert client.get("/assessment/hpo.csv?name=Smith").status_code == 400


def test_exported_file_imports_back_to_the_same_checklist(client):
    exported = client.get("/assessment/phenopacket.json?present=hypocalcemia&absent=fractures&onset=neonatal")
    page = text(post_import(client, file=(exported.data, "miop-checklist-phenopacket.json")))
    assert checked(page, "hypocalcemia") == "present" and checked(page, "fractures") == "absent"
    assert checked(page, "anemia") == "unknown" and form_values(page)["onset"] == "neonatal"


def test_api_phenopacket_from_an_assess_body(client):
    body = {"findings": {"HP:0003472": "present", "fractures": "absent"}, "onset": "infancy"}
    response = client.post("/api/v1/phenopacket", json=body)
    assert response.status_code == 200
    message = json_format.Parse(response.get_data(as_text=True), phenopackets.Phenopacket())
    # Hypocalcemic tetany (HP:0003472) counts as two findings and is kept as entered too.
    assert {(f.type.id, f.excluded) for f in message.phenotypic_features} == {
        ("HP:0002901", False),
        ("HP:0001281", False),
        ("HP:0002757", True),
        ("HP:0003472", False),
    }


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"findings": {"nope": "present"}}, 400, "unknown_finding"),
        ({"phenopacket": {"phenotypicFeatures": [{"type": {"id": "HP:1"}}]}}, 400, "invalid_hpo_id"),
        ({"phenopacket": "HP:0001873"}, 400, "invalid_phenopacket"),
    ],
)
def test_api_phenopacket_errors_follow_the_contract(client, body, status, code):
    response = client.post("/api/v1/phenopacket", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code and DISCLAIMER in response.get_json()["disclaimer"]


def test_api_phenopacket_over_the_limit_is_413_json(client):
    response = client.post(
        "/api/v1/phenopacket", data=b'{"findings": "' + b"x" * 70_000 + b'"}', content_type="application/json"
    )
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "payload_too_large"


def test_assess_accepts_a_phenopacket_with_family_history(client):
    packet = json.loads(EXAMPLE)
    response = client.post("/api/v1/assess", json={"phenopacket": packet, "family_history": "consanguineous_parents"})
    answer = response.get_json()
    assert response.status_code == 200
    assert (answer["inheritance"]["lean"], answer["inheritance"]["strength"]) == ("recessive", "strong")
    assert [m["id"] for m in answer["mechanisms"]] == ["skull_remodeling", "marrow_failure", "calcium_trapping"]
    hepatomegaly = {"input": "HP:0002240", "finding": "hepatosplenomegaly", "state": "present"}
    assert hepatomegaly in answer["recognized"]
    assert [u["input"] for u in answer["unmapped"]] == ["HP:0000256"]  # HP:0011002: dense bone, the premise
    assert answer["premise"]["state"] == "confirmed"
    assert answer["answers"]["family_history"] == "consanguineous_parents"
    assert DISCLAIMER in answer["disclaimer"]


def test_assess_with_a_phenopacket_and_findings_is_refused(client):
    response = client.post("/api/v1/assess", json={"phenopacket": {}, "onset": "infancy"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_body"


def test_openapi_describes_the_phenopacket_operations(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/phenopacket" in paths
    body = paths["/api/v1/assess"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert any("phenopacket" in option["properties"] for option in body["oneOf"])


def test_import_and_exports_log_nothing_of_what_was_entered(client, caplog):
    with caplog.at_level(logging.DEBUG):
        post_import(client, file=(EXAMPLE, "example.json"))
        post_import(client, paste="HP:12 broken")
        client.get("/assessment/phenopacket.json?present=hypocalcemia&onset=neonatal")
        client.get("/assessment/hpo.csv?present=hypocalcemia")
        client.post("/api/v1/phenopacket", json={"findings": {"hypocalcemia": "present"}})
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for marker in ("HP:0002240", "hypocalcemia", "HP:12", "Hepatomegaly"):
        assert marker not in logged


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=12)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)


@FUZZ
@given(paste=st.text(max_size=300), upload=st.one_of(st.none(), st.binary(max_size=300)))
def test_fuzzing_the_import_form_never_gives_a_server_error(client, paste, upload):
    response = post_import(client, paste=paste, file=(upload, "f.json") if upload is not None else None)
    assert response.status_code in (200, 400)


@FUZZ
@given(packet=VALUES)
def test_fuzzing_the_api_phenopacket_branch_never_gives_a_server_error(client, packet):
    for path in ("/api/v1/assess", "/api/v1/phenopacket"):
        response = client.post(path, json={"phenopacket": packet})
        assert response.status_code in (200, 400), response.get_data(as_text=True)


def test_the_app_exports_and_imports_without_the_phenopackets_package(tmp_path):
    script = f"""
import sys
from webapp import create_app
app = create_app({{"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
                   "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path / "x.db"}"}})
client = app.test_client()
packet = client.get("/assessment/phenopacket.json?present=anemia").get_json()
assert client.post("/api/v1/assess", json={{"phenopacket": packet}}).status_code == 200
assert client.post("/import", data={{"import_text": "HP:0001903"}}).status_code == 200
print(sorted(m for m in sys.modules if m.startswith(("phenopackets", "google.protobuf"))))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


HUGE_AGE = "P" + "9" * 309 + "Y"  # a float cannot hold 309 digits of years
V2_HUGE = {"phenotypicFeatures": [{"type": {"id": "HP:0002757"}, "onset": {"age": {"iso8601duration": HUGE_AGE}}}]}
V1_HUGE = {"phenotypicFeatures": [{"type": {"id": "HP:0002757"}, "ageOfOnset": {"age": HUGE_AGE}}]}


@pytest.mark.parametrize(
    ("path", "packet", "field"),
    [
        ("/api/v1/assess", V2_HUGE, "onset.age.iso8601duration"),
        ("/api/v1/phenopacket", V2_HUGE, "onset.age.iso8601duration"),
        ("/api/v1/assess", V1_HUGE, "ageOfOnset.age"),
    ],
)
def test_an_onset_age_of_hundreds_of_digits_is_a_400_naming_the_field(client, path, packet, field):
    response = client.post(path, json={"phenopacket": packet})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert field in response.get_json()["error"]["message"]


def test_an_onset_age_of_hundreds_of_digits_in_the_import_form_is_a_clear_400(client):
    response = post_import(client, paste=json.dumps(V2_HUGE))
    assert response.status_code == 400 and "Nothing was imported: " in text(response) and "digits" in text(response)
