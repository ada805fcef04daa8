"""Practice views: library, commit-then-reveal attempts, weak-spot pick, missed-items export.

Progress lives only in the signed session cookie (see rules/practice/progress.py for its compact form).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import replace
from datetime import UTC
from datetime import datetime

from flask import Blueprint
from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from rules import MAX_SEED
from rules import Case
from rules import Record
from rules import append_record
from rules import case_id_for
from rules import case_in_language
from rules import decode_attempt
from rules import decode_records
from rules import encode_attempt
from rules import get_case
from rules import load_cases
from rules import next_due
from rules import offered_entries
from rules import public_case_id
from rules import record_of
from rules import review_items
from rules import review_pick
from rules import schedule_review
from rules import score_attempt
from rules import summarize
from rules import weak_spot_case

from ..classroom.withheld import withheld
from ..classroom.withheld import withheld_message
from ..infra.knowledge import kb
from ..infra.language import current_language
from ..wording import N_
from .forms import AttemptForm
from .forms import ResetForm
from .forms import UndoForm
from .forms import attempt_form_html
from .presenters import anki_rows
from .presenters import present_calibration_chart
from .presenters import present_certainty_history
from .presenters import present_feedback
from .presenters import present_library
from .presenters import present_progress
from .presenters import present_review
from .presenters import present_staged_case
from .presenters import weak_spot_reason

bp = Blueprint("practice", __name__)
SESSION_KEY = "practice"
UNDO_KEY = "practice_undo"  # what the last "clear my progress" removed, until the next attempt
NOTES = {
    "nothing-missed": N_("Nothing missed yet: do a few cases first, then practise your weak spots."),
    "cleared": N_("Your progress on this browser was cleared."),
    "restored": N_("Your progress is back as it was before you cleared it."),
}


REVIEW_KEY = "practice_review"  # the FSRS schedule of missed findings and cases (rules/practice/review.py)
LAST_KEY = "practice_last"  # the last committed attempt, which the feedback page shows
PROGRESS_KEYS = (SESSION_KEY, REVIEW_KEY, LAST_KEY)


def _records() -> tuple[Record, ...]:
    return decode_records(session.get(SESSION_KEY), kb())


def _library() -> dict[str, Case]:
    """The written cases, in the page's language."""
    return {k: case_in_language(c, current_language()) for k, c in load_cases().items()}


def _case_or_404(case_id: str) -> Case:
    case = get_case(case_id)
    if case is None:
        abort(404, gettext("There is no case %(id)s. Pick one from the practice library.", id=repr(case_id)))
    return case_in_language(case, current_language())


@bp.get("/practice")
def index() -> ResponseReturnValue:
    """The library: written cases with difficulty and best score, simulated picks, progress."""
    knowledge = kb()
    records = _records()
    summary = summarize(records, knowledge)
    entries = [{"id": e.id, "name": e.name, "genes": ", ".join(e.genes)} for e in offered_entries()]
    return render_template(
        "practice/index.html",
        cases=present_library(_library(), summary.best),
        entries=entries,
        progress=present_progress(summary, knowledge),
        review=present_review(session.get(REVIEW_KEY), datetime.now(UTC), knowledge),
        certainty=present_certainty_history(records),
        chart=present_calibration_chart(records),
        note=gettext(NOTES[request.args["note"]]) if request.args.get("note") in NOTES else None,
        undo_form=UndoForm() if session.get(UNDO_KEY) else None,
    )


@bp.get("/practice/new")
def new_simulated() -> ResponseReturnValue:
    """A new simulated patient of the chosen entry (or any entry) with a fresh random seed."""
    entries = offered_entries()
    wanted = request.args.get("entry", "any")
    if wanted == "any":
        entry = entries[secrets.randbelow(len(entries))]
    else:
        found = next((e for e in entries if e.id == wanted), None)
        if found is None:
            abort(404, gettext("No simulated patients are offered for %(entry)s.", entry=repr(wanted)))
        entry = found
    seed = secrets.randbelow(MAX_SEED + 1)
    return redirect(url_for("practice.case", case_id=public_case_id(case_id_for(entry, seed))))


def _review_pick() -> tuple[str, str] | None:
    """The case "practise my weak spots" leads to, and why: what the FSRS schedule has due, else the
    written case richest in the findings missed most often; never the case just done."""
    knowledge, records = kb(), _records()
    exclude = records[-1].case_id if records else None
    raw = session.get(REVIEW_KEY)
    cases = dict(load_cases())
    for item in review_items(raw):
        if item.kind == "case" and item.target not in cases and (found := get_case(item.target)) is not None:
            cases[item.target] = found
    last_scores = {r.case_id: r.score_pct for r in records}
    now = datetime.now(UTC)
    chosen = review_pick(raw, last_scores, cases, knowledge, now, exclude=exclude)
    if chosen is not None:
        return chosen.case_id, chosen.reason
    others = {k: v for k, v in load_cases().items() if k != exclude}  # not the case just done
    case_id = weak_spot_case(records, others, knowledge)
    if case_id is None:
        return None
    return case_id, weak_spot_reason(records, load_cases()[case_id], next_due(raw), now, knowledge)


@bp.get("/practice/weak")
def weak_spots() -> ResponseReturnValue:
    """Jump to the case the review schedule has due (or the one richest in the findings missed most)."""
    picked = _review_pick()
    if picked is None:
        return redirect(url_for("practice.index", note="nothing-missed"))
    return redirect(url_for("practice.case", case_id=public_case_id(picked[0]), via="review"))


@bp.route("/practice/reset", methods=["GET", "POST"])
def reset() -> ResponseReturnValue:
    """GET: ask first (a page with the button). POST: forget the progress kept in this browser,
    keeping a copy that "Undo" puts back until the next attempt."""
    form = ResetForm()
    if request.method == "GET":
        return render_template("practice/reset.html", form=form, attempts=len(_records()))
    if not form.validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    cleared = {key: session.pop(key) for key in PROGRESS_KEYS if key in session}
    if cleared:
        session[UNDO_KEY] = cleared
    return redirect(url_for("practice.index", note="cleared"))


@bp.post("/practice/undo")
def undo() -> ResponseReturnValue:
    """Put back the progress the last clear removed."""
    if not UndoForm().validate_on_submit():
        abort(400, gettext("The form expired. Reload the page and try again."))
    saved = session.pop(UNDO_KEY, None)
    if not isinstance(saved, dict):
        return redirect(url_for("practice.index"))
    for key in PROGRESS_KEYS:
        if key in saved:
            session[key] = saved[key]
    return redirect(url_for("practice.index", note="restored"))


@bp.get("/practice/missed.csv")
def missed_csv() -> ResponseReturnValue:
    """The findings missed so far as flashcards that Anki imports (docs/practice.md, "The Anki export")."""
    out = io.StringIO()
    # Anki (2.1.54+) reads these header lines as import options instead of as cards.
    out.write("#separator:comma\n#html:false\n#columns:Front,Back,Source,Tags,Deck\n#tags column:4\n#deck column:5\n")
    csv.writer(out, lineterminator="\n").writerows(anki_rows(_records(), kb()))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=miop-missed-findings.csv"},
    )


def _stage_arg(total: int, default: int) -> int:
    """The `stage` query parameter: how many stages are revealed (1..total); 400 for anything else."""
    raw = request.args.get("stage")
    if raw is None:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= total:
        abort(400, f"stage must be a whole number from 1 to {total} for this case.")
    return int(raw)


def _public_case(case_id: str) -> tuple[Case, str | None]:
    """The case of a public or older id, and where a page asked for by an older id now lives
    (None when it was asked for by its public id)."""
    current = _case_or_404(case_id)
    public = public_case_id(current.id)
    if case_id == public:
        return current, None
    query = request.query_string.decode()
    return current, url_for(request.endpoint or "practice.case", case_id=public) + (f"?{query}" if query else "")


@bp.route("/practice/<case_id>", methods=["GET", "POST"])
def case(case_id: str) -> ResponseReturnValue:
    """The case, revealed stage by stage (`?stage=N`), and its attempt form.

    The form posts to the same URL with the stage it was committed at (a post without one counts as
    committed with the whole case read: older forms and clients). A valid commit records one attempt
    and answers 303 to the feedback page (post/redirect/get: reloading or going back never commits
    again). An older id (one that names the answer) answers 308 to the public one.
    """
    knowledge = kb()
    current, moved = _public_case(case_id)
    if moved:
        return redirect(moved, 308)
    total = len(current.unfolding)
    shown = _stage_arg(total, default=1 if request.method == "GET" else total)
    via = "review" if request.args.get("via") == "review" else None
    form = AttemptForm(knowledge=knowledge, decisions=True) if request.method == "POST" else None
    if form is not None and form.validate_on_submit():
        if withheld(current.id):
            abort(409, withheld_message())  # nothing recorded: the key stays hidden until the class's reveal
        scored = score_attempt(current, replace(form.attempt(), stage=shown), knowledge)
        record = record_of(scored)
        session[SESSION_KEY] = append_record(session.get(SESSION_KEY), record, knowledge)
        session[REVIEW_KEY] = schedule_review(
            session.get(REVIEW_KEY),
            current.id,
            scored.shown,
            scored.missed,
            record.score_pct,
            datetime.now(UTC),
        )
        session[LAST_KEY] = encode_attempt(current.id, scored.attempt, knowledge)
        session.pop(UNDO_KEY, None)  # a new attempt: the cleared progress is gone for good
        return redirect(url_for("practice.feedback", case_id=case_id, via=via), 303)
    action = url_for("practice.case", case_id=case_id, stage=shown, via=via)
    return render_template(
        "practice/case.html",
        case=present_staged_case(current, shown),
        attempt_form=attempt_form_html(form, action, decisions=True),
        reveal_url=None
        if shown >= total
        else url_for("practice.case", case_id=case_id, stage=shown + 1, via=via) + f"#stage-{shown + 1}",
        review_reason=_reason_for(current.id) if via else None,
    ), 400 if form is not None else 200


@bp.get("/practice/<case_id>/feedback")
def feedback(case_id: str) -> ResponseReturnValue:
    """The feedback on the last attempt committed at this case, shown again on every visit (it
    records nothing); without one, the case itself."""
    knowledge = kb()
    current, moved = _public_case(case_id)
    if moved:
        return redirect(moved, 308)
    via = "review" if request.args.get("via") == "review" else None
    last = decode_attempt(session.get(LAST_KEY), knowledge)
    if last is None or last[0] != current.id:
        return redirect(url_for("practice.case", case_id=case_id, via=via))
    if withheld(current.id):  # an attempt committed before the exercise began: its key is held too
        abort(409, withheld_message())
    scored = score_attempt(current, last[1], knowledge)
    return render_template(
        "practice/feedback.html",
        case=present_staged_case(current, len(current.unfolding)),
        feedback=present_feedback(scored, knowledge),
        next_case=_next_case(current, via),
    )


def _reason_for(case_id: str) -> str | None:
    """Why the review picked this case (recomputed from the schedule; None if it no longer would)."""
    picked = _review_pick()
    return picked[1] if picked and picked[0] == case_id else None


def _next_case(current: Case, via: str | None) -> dict[str, str]:
    """Where "Next case" leads: the review schedule's next pick, a new simulated patient, or the
    written case after this one in the library's order (round to the first after the last)."""
    if via == "review":
        return {"url": url_for("practice.weak_spots"), "text": gettext("Next case from your review")}
    if current.kind != "written":
        return {
            "url": url_for("practice.new_simulated", entry="any"),
            "text": gettext("Next case: a new surprise patient"),
        }
    rows = present_library(_library(), {})
    ids = [row["id"] for row in rows]
    following = rows[(ids.index(public_case_id(current.id)) + 1) % len(rows)]
    return {
        "url": url_for("practice.case", case_id=following["id"]),
        "text": gettext("Next case: %(title)s", title=following["title"]),
    }
