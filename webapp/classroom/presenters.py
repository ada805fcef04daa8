"""Classroom data -> plain dicts for the dashboard, the projector, the student pages and the CSV."""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext
from markupsafe import Markup
from markupsafe import escape

from rules import Case
from rules import DecisionMarks
from rules import KnowledgeBase
from rules import differential_choices
from rules import mark_decisions
from rules import next_step_choices

from ..models import utcnow
from ..practice.forms import entry_label
from ..wording import DISCLAIMER
from ..wording import N_
from . import charts
from .service import Answer
from .service import ExerciseFacts
from .service import ExerciseSummary
from .service import exercise_case_token
from .stats import DecisionStats
from .stats import ExerciseStats

# The two CSV files of an exercise and what each column means (the data dictionary: the page
# /classroom/csv-columns and docs/classroom.md list the same). A value or name as the file holds it
# is between backticks: the page shows it as code, the same in every language (csv_meaning).
ANSWER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("exercise", N_("The exercise's join code.")),
    ("case_position", N_("The case's place in the exercise (1, 2, ...).")),
    (
        "case_id",
        N_("The case's identifier (a library case, a simulated patient, or `authored-<n>` for a case you wrote)."),
    ),
    ("case_title", N_("The case's title.")),
    ("expected_lean", N_("The inheritance lean of the case's answer key.")),
    ("nickname", N_("The student's nickname (no real names are asked for).")),
    ("answered", N_("`yes` if the student answered this case, `no` if not (the answer columns are then empty).")),
    ("submitted_at_utc", N_("When the answer was last saved, in UTC (YYYY-MM-DD HH:MM:SS).")),
    (
        "late",
        N_(
            "`yes` if the answer came within the grace period after its case closed (kept, and marked late), else `no`."
        ),
    ),
    ("lean", N_("The inheritance lean the student chose.")),
    ("lean_right", N_("`yes` if that lean is the expected one, else `no`.")),
    ("confidence_percent", N_("The confidence the student gave, in percent.")),
    ("score_percent", N_("The answer's score, in percent, as the student's feedback shows it.")),
    ("findings", N_("The findings the student ticked, by label, separated by `; `.")),
    ("findings_hpo", N_("The HPO ids of those findings, in the same order.")),
    ("finding_slugs", N_("The same findings as the app's identifiers, separated by `;`.")),
    ("missed_key_findings", N_("Findings of the answer key the student did not tick (misses), by label.")),
    ("missed_count", N_("How many key findings the student missed.")),
    ("overcalled_findings", N_("Findings the student ticked that are not in the answer key (over-calls), by label.")),
    ("overcalled_count", N_("How many findings the student over-called.")),
    ("mechanisms", N_("The mechanisms the student chose, by title.")),
    ("mechanism_slugs", N_("The same mechanisms as the app's identifiers.")),
    (
        "differential",
        N_(
            "The types or genes the student ranked, best first, separated by `; ` (empty unless the exercise asks "
            "for the differential and the student gave one)."
        ),
    ),
    ("differential_ids", N_("The same entries as the app's identifiers (OMIM or Orphanet), separated by `;`.")),
    (
        "differential_credit_percent",
        N_(
            "The differential's credit, in percent: 100 with the case's entry first, 50 second, 25 third, 0 not "
            "listed (empty when not given, or when the case stands for no entry of the ranking)."
        ),
    ),
    ("next_step", N_("The next step the student chose (empty unless asked and given).")),
    ("next_step_id", N_("The same next step as the app's identifier.")),
    (
        "next_step_keyed",
        N_("`yes` if that next step is one the case's findings call for, `no` if not (empty when not given)."),
    ),
    ("notes", N_("The disclaimer: educational use only, not a diagnosis.")),
)
STUDENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("exercise", N_("The exercise's join code.")),
    ("nickname", N_("The student's nickname.")),
    ("cases", N_("How many cases the exercise has.")),
    ("cases_answered", N_("How many of them the student answered.")),
    ("mean_score_percent", N_("The mean score of the student's answers, in percent (empty when none).")),
    ("lean_right", N_("In how many answered cases the student chose the expected lean.")),
    ("missed_total", N_("Key findings missed, added up over the answered cases.")),
    ("overcalled_total", N_("Findings over-called, added up over the answered cases.")),
    ("notes", N_("The disclaimer: educational use only, not a diagnosis.")),
)


def csv_meaning(meaning: str) -> Markup:
    """A column's meaning in the page's language, with the file's own values (between backticks) as code."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(gettext(meaning)))))


def status(exercise: ExerciseFacts, now: datetime | None = None) -> dict[str, Any]:
    """Whether the exercise is open, and the time left or why it is closed."""
    now = now or utcnow()
    deadline = exercise.deadline
    left, seconds_left = None, None
    if exercise.closed_at is not None:
        text, short = gettext("Closed by the educator: answers are no longer accepted."), gettext("closed")
    elif deadline is not None and now >= deadline:
        text, short = gettext("The time limit has passed: answers are no longer accepted."), gettext("time is up")
    elif deadline is not None:
        # Minutes left, rounded up, in no time zone at all: the room's clocks need not agree with UTC.
        minutes = max(1, -int(-(deadline - now).total_seconds() // 60))
        left = gettext("%(minutes)s min left", minutes=minutes)
        seconds_left = int((deadline - now).total_seconds())
        text, short = gettext("Open: %(left)s.", left=left), gettext("open, %(left)s", left=left)
    else:
        text, short = gettext("Open: answers are accepted."), gettext("open")
    return {
        "open": exercise.is_open(now),
        "text": text,
        "short": short,
        "left": left,
        "seconds_left": seconds_left,
        "closed_by_educator": exercise.closed_at is not None,
    }


def case_title(case: Case, position: int, hidden: bool = False) -> str:
    """How a case is named in classroom pages: its position and title; its position only while it
    is `hidden` (an exercise that withholds its answers, before the reveal: a library title, or a
    simulated patient's, would let a student find the case, and so its key, elsewhere)."""
    if hidden:
        return gettext("Case %(n)s", n=position)
    return gettext("Case %(n)s: %(title)s", n=position, title=case.title)


def present_summary(summary: ExerciseSummary) -> dict[str, Any]:
    """One line of the educator's "your exercises" list."""
    e = summary.exercise
    return {
        "code": e.code,
        "title": e.title,
        "status": status(e)["short"],
        "students": summary.students,
        "answers": summary.answers,
        "created": e.created_at.strftime("%Y-%m-%d %H:%M UTC"),
    }


def present_student_cases(cases: Sequence[Case], mine: dict[str, Answer], shown: set[str]) -> list[dict[str, Any]]:
    """A student's list of cases with what they answered; a score only for the cases in `shown`
    (a score follows the key: shown only once the student may see the feedback)."""
    return [
        {
            "n": i + 1,
            "title": case_title(c, i + 1, hidden=c.id not in shown),
            "answered": c.id in mine,
            "score_pct": round(mine[c.id].score * 100) if c.id in mine and c.id in shown else None,
        }
        for i, c in enumerate(cases)
    ]


def _most_ticked(s: Any, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The findings ticked most often, key or not (what the room may see before the reveal)."""
    ranked = sorted((f for f in s.findings if f.count), key=lambda f: -f.count)[:5]
    return [{"label": labels[f.slug], "count": f.count, "pct": charts.pct(f.count / s.answered)} for f in ranked]


def present_pace(pace: str, state: dict[str, Any], cases: Sequence[Case]) -> dict[str, Any] | None:
    """The educator's view of a class they pace (None in self pace): the state, the open case's
    number of stages, and what the next press of "advance" does (None when it does nothing)."""
    if pace != "educator":
        return None
    n, stage = state["case"], state["stage"]
    stages = len(cases[n - 1].unfolding) if n else 0
    if state["state"] != "running":
        advance = None
    elif stage is not None and stage < stages and not state["revealed"]:
        advance = gettext("Show stage %(n)s of %(total)s", n=stage + 1, total=stages)
    elif n < len(cases):
        advance = gettext("Open case %(n)s", n=n + 1)
    else:
        advance = gettext("End the class")
    return {**state, "total": len(cases), "stages": stages, "advance": advance}


# How much text a projector screen holds, in characters, up to which each fitting applies: larger
# type for a short case, then smaller type, then two columns (style.css, `.pj-fit-<n>`).
PROJECTOR_FITS = (600, 1000)


def projector_fit(staged: dict[str, Any] | None, case: dict[str, Any] | None) -> int:
    """How a projector screen fits its text without scrolling (1, 2 or 3: the `.pj-fit-<n>` styles):
    the case's shown stages or narrative, or after the reveal its key findings and teaching points.
    The lobby is 1."""
    if case is None:
        return 1
    if case["revealed"]:
        text = " ".join([*case["key_findings"], *case["teaching"]])
    elif staged is not None:
        text = " ".join(s["title"] + " " + s["narrative"] for s in staged["shown"])
    else:
        text = case["narrative"]
    return 1 + sum(len(text) > limit for limit in PROJECTOR_FITS)


def present_key(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    """A case's answer key as the educator's dashboard shows it (never on the projector)."""
    return {
        "lean": charts.lean_label(case.key.lean),
        "present": [kb.findings[s].label for s in case.key.present],
        "absent": [kb.findings[s].label for s in case.key.absent],
    }


@dataclass(frozen=True, slots=True)
class ClassResults:
    """The class's results, one view model for HTML and JSON alike: the dashboard and the
    projector render page(), GET /api/v1/exercises/<code>/results answers api(). Only the cases in
    `revealed` carry their key on the page (expected lean, misses, over-calls, key-coloured cells);
    the others show what the class answered and nothing that follows the key. `joined`: students
    who joined (answered or not; the statistics count those who answered)."""

    exercise: ExerciseFacts
    stats: ExerciseStats
    cases: Sequence[Case]
    kb: KnowledgeBase
    revealed: frozenset[str]
    joined: int | None = None

    def page(self, with_key: bool = False) -> dict[str, Any]:
        """Everything the dashboard and the projector show (no nicknames here). `with_key`: the
        dashboard's educator-only key of every case."""
        stats, cases, kb, shown, exercise = self.stats, self.cases, self.kb, self.revealed, self.exercise
        labels = {slug: f.label for slug, f in kb.findings.items()}
        hide = not with_key and exercise.feedback == "after_reveal"
        names = [case_title(c, i + 1, hidden=hide and c.id not in shown) for i, c in enumerate(cases)]
        return {
            "code": exercise.code,
            "title": exercise.title,
            "status": status(exercise),
            "feedback": exercise.feedback,
            "students": stats.students,
            "joined": stats.students if self.joined is None else self.joined,
            "joining_locked": exercise.joining_locked,
            "submissions": stats.submissions,
            "all_revealed": all(c.id in shown for c in cases),
            "any_revealed": any(c.id in shown for c in cases),
            "any_hidden": any(c.id not in shown for c in cases),
            "heatmap": charts.heatmap(stats.cases, labels, names, shown),
            "cases": [
                {
                    "n": i + 1,
                    "id": s.case_id,
                    "token": exercise_case_token(exercise.code, s.case_id),  # what forms send: names nothing
                    "name": names[i],
                    "title": cases[i].title,
                    "narrative": cases[i].narrative,
                    "answered": s.answered,
                    "revealed": s.case_id in shown,
                    "key": present_key(cases[i], kb) if with_key else None,  # the educator's eyes only
                    "expected_lean": charts.lean_label(s.expected_lean) if s.case_id in shown else None,
                    "lean_chart": charts.lean_bars(s, s.case_id in shown),
                    "confidence_chart": charts.confidence_bars(s, s.case_id in shown),
                    "most_ticked": _most_ticked(s, labels) if s.answered else [],
                    "misses": [
                        {"label": labels[slug], "count": k, "pct": charts.pct(k / s.answered)}
                        for slug, k in s.top_misses
                    ],
                    "overcalls": [
                        {"label": labels[slug], "count": k, "pct": charts.pct(k / s.answered)}
                        for slug, k in s.top_overcalls
                    ],
                    # Once revealed, what the projector shows beside the class's answers.
                    "key_findings": [labels[f] for f in cases[i].key.present] if s.case_id in shown else [],
                    "teaching": [p.text for p in cases[i].teaching_points] if s.case_id in shown else [],
                    "mean_confidence": charts.pct(s.mean_confidence / 100 if s.mean_confidence is not None else None),
                    "lean_accuracy": charts.pct(s.lean_accuracy),
                    "decisions": _decisions(s.decisions, s.case_id in shown, kb),
                }
                for i, s in enumerate(stats.cases)
            ],
        }

    def api(self, now: datetime | None = None) -> dict[str, Any]:
        """The JSON answer of GET /api/v1/exercises/<code>/results (the educator's: every key)."""
        payload = results_payload(self.stats)
        for case in payload["cases"]:
            case["revealed"] = case["id"] in self.revealed
        exercise = self.exercise
        return {
            "code": exercise.code,
            "title": exercise.title,
            "open": exercise.is_open(now or utcnow()),
            "feedback": exercise.feedback,
            **payload,
        }


def results_payload(stats: ExerciseStats) -> dict[str, Any]:
    """The statistics in the JSON shape of the results answer (slugs and rates, no labels)."""
    return {
        "submissions": stats.submissions,
        "students": stats.students,
        "cases": [
            {
                "id": c.case_id,
                "answered": c.answered,
                "expected_lean": c.expected_lean,
                "lean_counts": c.lean_counts,
                "lean_accuracy": c.lean_accuracy,
                "mean_confidence": c.mean_confidence,
                "mean_score": c.mean_score,
                "top_misses": [{"finding": s, "students": k} for s, k in c.top_misses],
                "top_overcalls": [{"finding": s, "students": k} for s, k in c.top_overcalls],
                **({} if c.decisions is None else {"decisions": _decisions_payload(c.decisions)}),
                "findings": {
                    f.slug: {
                        "hit_rate": f.hit_rate,
                        "miss_rate": f.miss_rate,
                        "overcall_rate": f.overcall_rate,
                    }
                    for f in c.findings
                },
            }
            for c in stats.cases
        ],
    }


def _decisions(d: DecisionStats | None, revealed: bool, kb: KnowledgeBase) -> dict[str, Any] | None:
    """What the class chose as its differential and next step (None unless the exercise asks them):
    the most common first choices and every next step chosen, with counts; once the case is revealed,
    how many put a key entry first and chose a keyed next step, and which choices are keyed."""
    if d is None:
        return None
    names = {c.id: entry_label(c.name, c.genes) for c in differential_choices(kb)}
    steps = {c.id: c.label for c in next_step_choices(kb)}
    return {
        "differentials": d.differentials,
        "first_choices": [
            {"name": names.get(e, e), "count": k, "pct": charts.pct(k / d.differentials)} for e, k in d.first_choices
        ],
        "key_first": d.key_first if revealed else None,
        "key_first_pct": charts.pct(d.key_first / d.differentials) if revealed and d.differentials else None,
        "next_steps": d.next_steps,
        "next_step_counts": [
            {"label": steps.get(c, c), "count": k, "pct": charts.pct(k / d.next_steps)} for c, k in d.next_step_counts
        ],
        "next_step_keyed": d.next_step_keyed if revealed else None,
        "next_step_keyed_pct": charts.pct(d.next_step_keyed / d.next_steps) if revealed and d.next_steps else None,
    }


def _decisions_payload(d: DecisionStats) -> dict[str, Any]:
    """The decisions' statistics in the results answer (ids and counts; the educator's, every key)."""
    return {
        "differentials": d.differentials,
        "key_first": d.key_first,
        "key_listed": d.key_listed,
        "first_choices": [{"entry": e, "students": k} for e, k in d.first_choices],
        "next_steps": d.next_steps,
        "next_step_keyed": d.next_step_keyed,
        "next_step_counts": [{"next_step": c, "students": k} for c, k in d.next_step_counts],
    }


# What a spreadsheet may read as a formula: one of these at the start of a cell, or at the start of
# any part of it that a spreadsheet splitting on semicolons, commas or tabs makes a cell of (after
# the separator and any spaces).
_FORMULA_START = re.compile(r"(^|[;,\t\r\n])([^\S\t\r\n]*)(?=[=+\-@\t\r])")


def _safe_cell(value: str) -> str:
    """A text cell no spreadsheet reads as a formula: a quote mark before every part that starts
    like one ("=HYPERLINK(...)" becomes "'=HYPERLINK(...)", "x;=1+1;" becomes "x;'=1+1;")."""
    return _FORMULA_START.sub(lambda m: f"{m.group(1)}{m.group(2)}'", value)


@dataclass(frozen=True, slots=True)
class _Marked:
    """One answer against its case's key: the lean right or not, the key findings it missed and the
    findings it over-called (ticked, not in the key: as the dashboard counts them)."""

    answer: Answer
    lean_right: bool
    missed: tuple[str, ...]
    overcalled: tuple[str, ...]

    @classmethod
    def of(cls, answer: Answer, case: Case) -> _Marked:
        present = case.key.present
        return cls(
            answer,
            answer.lean == case.key.lean,
            tuple(s for s in present if s not in answer.findings),
            tuple(s for s in answer.findings if s not in present),
        )


LMS_NAME_COLUMN = (
    "lms_name",
    "The student's name in the LMS (only in the files of an LMS activity set to show you the students' "
    "names; empty when the LMS did not give it).",
)


def _with_lms_names(
    columns: Sequence[tuple[str, str]], table: list[list[Any]], names: Sequence[str | None] | None
) -> tuple[Sequence[tuple[str, str]], list[list[Any]]]:
    """The table with the lms_name column after the nickname, when `names` (one per row) is given."""
    if names is None:
        return columns, table
    at = [name for name, _ in columns].index("nickname") + 1
    rows = [[*row[:at], _safe_cell(name or ""), *row[at:]] for row, name in zip(table, names, strict=True)]
    return (*columns[:at], LMS_NAME_COLUMN, *columns[at:]), rows


def _csv(columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]]) -> str:
    """A clean CSV table: the header, then the rows, every field quoted (CRLF line ends), every text
    cell safe from being read as a formula (_safe_cell)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow([name for name, _ in columns])
    writer.writerows([_safe_cell(c) if isinstance(c, str) else c for c in row] for row in rows)
    return out.getvalue()


def _by_student(
    nicknames: Sequence[str], rows: Sequence[tuple[Answer, str]], cases: Sequence[Case]
) -> dict[str, dict[str, _Marked]]:
    """Each student's answers by case id, marked against the keys (a case no longer in the
    exercise is left out)."""
    by_id = {c.id: c for c in cases}
    mine: dict[str, dict[str, _Marked]] = {n: {} for n in nicknames}
    for answer, nickname in rows:
        if answer.case_id in by_id:
            mine.setdefault(nickname, {})[answer.case_id] = _Marked.of(answer, by_id[answer.case_id])
    return mine


def answers_csv(
    exercise: ExerciseFacts,
    nicknames: Sequence[str],
    rows: Sequence[tuple[Answer, str]],
    cases: Sequence[Case],
    kb: KnowledgeBase,
    lms_names: Mapping[str, str] | None = None,
) -> str:
    """One row per student and case, in the order of `nicknames` then of the exercise's `cases`
    (unanswered ones included, marked "no"): labels and HPO ids beside the slugs, misses and
    over-calls, percentages as the pages show them, the case's title and expected lean; the
    disclaimer in the notes column. Columns: ANSWER_COLUMNS (with LMS_NAME_COLUMN after the
    nickname when `lms_names`, by nickname, is given: an LMS activity that shows names)."""

    def labels(slugs: Sequence[str]) -> str:
        return "; ".join(kb.findings[s].label if s in kb.findings else s for s in slugs)

    names = {c.id: entry_label(c.name, c.genes) for c in differential_choices(kb)}
    steps = {c.id: c.label for c in next_step_choices(kb)}

    by_id = {c.id: c for c in cases}

    @functools.cache
    def marks(case_id: str, differential: tuple[str, ...], next_step: str | None) -> DecisionMarks:
        return mark_decisions(by_id[case_id], differential, next_step, kb)  # the same picks, the same marks

    table: list[list[Any]] = []
    row_names: list[str | None] = []
    for nickname, mine in _by_student(nicknames, rows, cases).items():
        row_names += [(lms_names or {}).get(nickname)] * len(cases)
        for position, case in enumerate(cases, start=1):
            about = [exercise.code, position, case.id, _safe_cell(case.title), charts.LEAN_LABEL[case.key.lean]]
            marked = mine.get(case.id)
            if marked is None:
                blank = [""] * (len(ANSWER_COLUMNS) - len(about) - 3)  # all but nickname, answered, notes
                table.append([*about, _safe_cell(nickname), "no", *blank, DISCLAIMER])
                continue
            sub = marked.answer
            decided = marks(case.id, sub.differential, sub.next_step)
            credit, keyed = decided.differential_credit, decided.next_step_keyed
            table.append(
                [
                    *about,
                    _safe_cell(nickname),
                    "yes",
                    sub.submitted_at.strftime("%Y-%m-%d %H:%M:%S"),
                    "yes" if sub.late else "no",
                    charts.LEAN_LABEL.get(sub.lean, sub.lean),
                    "yes" if marked.lean_right else "no",
                    sub.confidence,
                    round(sub.score * 100),
                    labels(sub.findings),
                    "; ".join(kb.findings[s].hpo for s in sub.findings if s in kb.findings),
                    ";".join(sub.findings),
                    labels(marked.missed),
                    len(marked.missed),
                    labels(marked.overcalled),
                    len(marked.overcalled),
                    "; ".join(kb.mechanisms[m].title if m in kb.mechanisms else m for m in sub.mechanisms),
                    ";".join(sub.mechanisms),
                    "; ".join(names.get(e, e) for e in sub.differential),
                    ";".join(sub.differential),
                    "" if credit is None else round(credit * 100),
                    "" if sub.next_step is None else steps.get(sub.next_step, sub.next_step),
                    sub.next_step or "",
                    "" if keyed is None else ("yes" if keyed else "no"),
                    DISCLAIMER,
                ]
            )
    return _csv(*_with_lms_names(ANSWER_COLUMNS, table, None if lms_names is None else row_names))


def students_csv(
    exercise: ExerciseFacts,
    nicknames: Sequence[str],
    rows: Sequence[tuple[Answer, str]],
    cases: Sequence[Case],
    lms_names: Mapping[str, str] | None = None,
) -> str:
    """One row per student, in the order of `nicknames`: cases answered, mean score, right leans,
    misses and over-calls added up; the disclaimer in the notes column. Columns: STUDENT_COLUMNS
    (with LMS_NAME_COLUMN after the nickname when `lms_names`, by nickname, is given)."""
    table: list[list[Any]] = []
    row_names: list[str | None] = []
    for nickname, mine in _by_student(nicknames, rows, cases).items():
        row_names.append((lms_names or {}).get(nickname))
        marked = list(mine.values())
        scores = [m.answer.score for m in marked]
        table.append(
            [
                exercise.code,
                _safe_cell(nickname),
                len(cases),
                len(marked),
                round(100 * sum(scores) / len(scores)) if scores else "",
                sum(m.lean_right for m in marked),
                sum(len(m.missed) for m in marked),
                sum(len(m.overcalled) for m in marked),
                DISCLAIMER,
            ]
        )
    return _csv(*_with_lms_names(STUDENT_COLUMNS, table, None if lms_names is None else row_names))


def present_student_answers(cases: Sequence[Case], mine: dict[str, Answer], kb: KnowledgeBase) -> list[dict[str, Any]]:
    """One student's answers, case by case, beside each case's key (the educator's drill-down)."""
    rows = []
    for i, case in enumerate(cases):
        sub = mine.get(case.id)
        rows.append(
            {
                "name": case_title(case, i + 1),
                "expected": charts.lean_label(case.key.lean),
                "answered": sub is not None,
                "lean": charts.lean_label(sub.lean) if sub else None,
                "lean_right": sub is not None and sub.lean == case.key.lean,
                "confidence": sub.confidence if sub else None,
                "score": charts.pct(sub.score) if sub else None,
                "late": sub is not None and sub.late,
                "hits": [kb.findings[s].label for s in case.key.present if sub and s in sub.findings],
                "missed": [kb.findings[s].label for s in case.key.present if sub and s not in sub.findings],
                "extra": [
                    kb.findings[s].label
                    for s in (sub.findings if sub else [])
                    if s not in case.key.present and s in kb.findings
                ],
            }
        )
    return rows
