"""What the educator takes home: the dashboard's counts in words, the answers CSV with a row for every
student and case (unanswered ones marked, over-calls beside misses), the per-student CSV, and the
page that says what each column means."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tests.test_webapp.classroom.test_classroom_pages import CASES
from tests.test_webapp.classroom.test_classroom_pages import answer
from tests.test_webapp.classroom.test_classroom_pages import create
from tests.test_webapp.classroom.test_classroom_pages import join
from tests.test_webapp.classroom.test_classroom_pages import perfect
from webapp.classroom.presenters import ANSWER_COLUMNS
from webapp.classroom.presenters import STUDENT_COLUMNS
from webapp.classroom.presenters import csv_meaning
from webapp.infra.knowledge import kb

DOCS = Path(__file__).resolve().parents[3] / "docs" / "classroom.md"
EXTRA = "headaches"  # ticked by a student, in no key of these cases: an over-call


def table(resp) -> list[dict[str, str]]:
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))


def a_class(db_app, db_client) -> str:
    """ana answers both cases (the second with one key finding missed and one over-call), cy the
    second only with the wrong lean, "=bob" (a formula) joins and answers nothing."""
    assert all(EXTRA not in c.key.present for c in CASES)
    code = create(db_client)
    students = {name: db_app.test_client() for name in ("ana", "=bob", "cy")}
    for name, client in students.items():
        join(client, code, name)
    perfect(students["ana"], code, 1)
    second = CASES[1].key
    answer(students["ana"], code, 2, [*second.present[1:], EXTRA], second.lean, 60)
    wrong = "dominant" if second.lean != "dominant" else "recessive"
    answer(students["cy"], code, 2, list(second.present), wrong, 50)
    return code


def test_the_dashboard_says_how_many_joined_and_how_many_answered(db_app, db_client):
    code = a_class(db_app, db_client)
    page = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    assert "3 joined, 2 answered (3 answers in all)." in page


def test_the_answers_csv_has_every_student_and_case_with_misses_and_over_calls(db_app, db_client):
    code = a_class(db_app, db_client)
    rows = table(db_client.get(f"/classroom/{code}/submissions.csv"))
    assert list(rows[0]) == [name for name, _ in ANSWER_COLUMNS]
    assert [(r["nickname"], r["case_position"], r["answered"]) for r in rows] == [
        ("'=bob", "1", "no"),  # the formula guard, and a student who answered nothing is there
        ("'=bob", "2", "no"),
        ("ana", "1", "yes"),
        ("ana", "2", "yes"),
        ("cy", "1", "no"),
        ("cy", "2", "yes"),
    ]
    unanswered = rows[0]
    assert unanswered["case_id"] == CASES[0].id and unanswered["case_title"] == CASES[0].title
    assert unanswered["score_percent"] == unanswered["lean"] == unanswered["missed_count"] == ""
    assert "not a diagnosis" in unanswered["notes"]
    labels = {s: f.label for s, f in kb().findings.items()}
    ana2 = rows[3]
    assert ana2["missed_key_findings"] == labels[CASES[1].key.present[0]] and ana2["missed_count"] == "1"
    assert ana2["overcalled_findings"] == labels[EXTRA] and ana2["overcalled_count"] == "1"
    assert ana2["lean_right"] == "yes" and ana2["confidence_percent"] == "60"
    assert rows[2]["missed_count"] == rows[2]["overcalled_count"] == "0" and rows[2]["score_percent"] == "100"
    assert rows[5]["lean_right"] == "no" and rows[5]["missed_count"] == "0"


def test_the_students_csv_has_one_row_per_student(db_app, db_client):
    code = a_class(db_app, db_client)
    resp = db_client.get(f"/classroom/{code}/students.csv")
    assert resp.headers["Content-Disposition"] == f"attachment; filename=miop-classroom-{code}-students.csv"
    rows = table(resp)
    assert list(rows[0]) == [name for name, _ in STUDENT_COLUMNS]
    by_name = {r["nickname"]: r for r in rows}
    assert list(by_name) == ["'=bob", "ana", "cy"]
    bob, ana, cy = by_name["'=bob"], by_name["ana"], by_name["cy"]
    assert (bob["cases"], bob["cases_answered"], bob["mean_score_percent"], bob["missed_total"]) == ("2", "0", "", "0")
    assert (ana["cases_answered"], ana["lean_right"], ana["missed_total"], ana["overcalled_total"]) == (
        "2",
        "2",
        "1",
        "1",
    )
    answers = {
        (r["nickname"], r["case_position"]): r for r in table(db_client.get(f"/classroom/{code}/submissions.csv"))
    }
    mean = (int(answers["ana", "1"]["score_percent"]) + int(answers["ana", "2"]["score_percent"])) / 2
    assert abs(int(ana["mean_score_percent"]) - mean) <= 1  # the mean of the stored scores, rounded once
    assert (cy["cases_answered"], cy["lean_right"], cy["exercise"]) == ("1", "0", code)
    assert all("not a diagnosis" in r["notes"] for r in rows)
    assert db_app.test_client().get(f"/classroom/{code}/students.csv").status_code == 401  # the educator's only


def test_the_dashboard_links_both_files_and_what_their_columns_mean(db_app, db_client):
    code = create(db_client)
    page = db_client.get(f"/classroom/{code}").get_data(as_text=True)
    for href in (f"/classroom/{code}/submissions.csv", f"/classroom/{code}/students.csv", "/classroom/csv-columns"):
        assert f'href="{href}"' in page
    columns = db_app.test_client().get("/classroom/csv-columns")  # no class data: anyone may read it
    html = columns.get_data(as_text=True)
    assert columns.status_code == 200 and "not a diagnosis" in html
    for name, meaning in (*ANSWER_COLUMNS, *STUDENT_COLUMNS):
        assert f"<code>{name}</code>" in html and str(csv_meaning(meaning)) in html


def test_the_docs_list_every_column():
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", text, re.M))
    assert {name for name, _ in (*ANSWER_COLUMNS, *STUDENT_COLUMNS)} <= documented


FORMULA_NAMES = ("x;=1+1;", "a, +SUM(1)", "-2;ok", "b,\u00a0=cmd")


def _formula_parts(value: str) -> list[str]:
    """The parts of a cell a spreadsheet splitting on semicolons, commas or tabs would read as a formula."""
    return [p for p in re.split(r"[;,\t]", value) if p.lstrip(" \u00a0")[:1] in ("=", "+", "-", "@")]


def test_both_csv_files_quote_every_field_and_no_part_of_a_cell_reads_as_a_formula(db_app, db_client):
    code = create(db_client)
    for name in FORMULA_NAMES:
        assert join(db_app.test_client(), code, name).status_code == 302
    for path in ("submissions.csv", "students.csv"):
        text = db_client.get(f"/classroom/{code}/{path}").get_data(as_text=True)
        lines = text.split("\r\n")[:-1]
        assert lines and all(re.fullmatch(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*', line) for line in lines), path
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [c for c in cells if _formula_parts(c)], path
        assert "x;'=1+1;" in cells and "a, '+SUM(1)" in cells and "'-2;ok" in cells
