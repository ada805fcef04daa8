"""Any HPO term on the checklist form without JavaScript: the form posts itself to search, to add a
term as present or absent, to mark or remove it; an added term reaches the result, the lab-request
list, the shareable link and the exports; a term that is a checklist item ticks that item; bad input
is a 400 that changes nothing, and nothing needs (or gets) stored."""

from __future__ import annotations

import re

from tests.support.apps import csrf_token

MACROCEPHALY = "HP:0000256"


def post(client, **data):
    return client.post("/", data={"csrf_token": csrf_token(client, "/"), "onset": "neonatal", **data})


def hidden(page: str, name: str) -> str:
    return re.search(rf'name="{name}" type="hidden" value="([^"]*)"', page).group(1)


def test_a_search_lists_terms_to_add_and_keeps_what_was_ticked(client):
    found = post(client, term_query="macrocephaly", find="Search", hypocalcemia="present")
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "Terms found for “macrocephaly”" in page
    assert f'name="add_present" value="{MACROCEPHALY}"' in page and f'name="add_absent" value="{MACROCEPHALY}"' in page
    assert 'name="hypocalcemia" value="present" checked' in page  # nothing ticked is lost on the way
    plain = post(client, term_query="large head", find="Search").get_data(as_text=True)
    assert f'value="{MACROCEPHALY}"' in plain and "(matched “" in plain  # plain words find the term too
    none = post(client, term_query="zzzzqqq", find="Search").get_data(as_text=True)
    assert "No HPO term found for “zzzzqqq”" in none


def test_an_added_term_is_marked_and_reaches_the_result_the_link_and_the_exports(client):
    added = post(client, add_present=MACROCEPHALY, hypocalcemia="present").get_data(as_text=True)
    assert "Macrocephaly (HP:0000256) added as present." in added
    assert f'name="state:{MACROCEPHALY}" value="present" checked' in added
    assert hidden(added, "other_present") == MACROCEPHALY
    result = post(client, other_present=MACROCEPHALY, hypocalcemia="present").get_data(as_text=True)
    assert f"{MACROCEPHALY} Macrocephaly" in result  # the lab-request list
    link = re.search(r'id="share-link" href="([^"]+)"', result).group(1).replace("&amp;", "&")
    assert MACROCEPHALY in link and f"{MACROCEPHALY} Macrocephaly" in client.get(link).get_data(as_text=True)
    csv = client.get(link.replace("/assessment?", "/assessment/hpo.csv?")).get_data(as_text=True)
    assert f"{MACROCEPHALY},Macrocephaly,present,Other term entered" in csv
    # Its radio says absent: the result excludes it (the radio wins over the hidden field).
    flipped = post(
        client, other_present=MACROCEPHALY, **{f"state:{MACROCEPHALY}": "absent"}, hypocalcemia="present"
    ).get_data(as_text=True)
    assert f"NOT {MACROCEPHALY} Macrocephaly" in flipped
    removed = post(client, other_present=MACROCEPHALY, remove_term=MACROCEPHALY).get_data(as_text=True)
    assert hidden(removed, "other_present") == "" and "Macrocephaly (HP:0000256) removed." in removed


def test_a_term_that_is_a_checklist_item_ticks_that_item(client):
    page = post(client, add_absent="HP:0002901").get_data(as_text=True)  # Hypocalcemia
    assert 'id="hypocalcemia-1" name="hypocalcemia" value="absent" checked' in page
    assert "Low blood calcium: marked absent" in page and hidden(page, "other_absent") == ""


def test_bad_terms_are_refused_and_change_nothing(client):
    for bad in ("HP:9999999", "HP:12", "<script>", ""):
        resp = post(client, add_present=bad, other_present=MACROCEPHALY)
        assert resp.status_code == 400, bad
    assert client.post("/", data={"add_present": MACROCEPHALY, "onset": "neonatal"}).status_code == 400  # no CSRF
    too_long = post(client, term_query="x" * 101, find="Search")
    assert too_long.status_code == 400
