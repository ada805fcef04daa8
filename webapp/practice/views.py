"""Practice views: library, commit-then-reveal attempts, weak-spot pick, missed-items export.

Progress lives only in the signed session cookie (see rules/progress.py for its compact form).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import replace

from flask import Blueprint
from flask import Response
from flask import abort
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for

from rules.cases import get_case
from rules.cases import load_cases
from rules.progress import append
from rules.progress import decode
from rules.progress import record_of
from rules.progress import summarize
from rules.progress import weak_spot_case
from rules.scoring import score_attempt
from rules.simulate import MAX_SEED
from rules.simulate import case_id_for
from rules.simulate import offered_entries

from ..knowledge import kb
from ..presenters import source_dict
from .forms import AttemptForm
from .forms import ResetForm
from .forms import UndoForm
from .presenters import present_feedback
from .presenters import present_library
from .presenters import present_progress
from .presenters import present_staged_case

bp = Blueprint("practice", __name__)
SESSION_KEY = "practice"
UNDO_KEY = "practice_undo"  # what the last "clear my progress" removed, until the next attempt
NOTES = {
    "nothing-missed": "Nothing missed yet: do a few cases first, then practise your weak spots.",
    "cleared": "Your progress on this browser was cleared.",
    "restored": "Your progress is back as it was before you cleared it.",
}


PROGRESS_KEYS = (SESSION_KEY,)


def _records():  # type: ignore[no-untyped-def]
    return decode(session.get(SESSION_KEY), kb())


def _case_or_404(case_id: str):  # type: ignore[no-untyped-def]
    case = get_case(case_id)
    if case is None:
        abort(404, f"There is no case {case_id!r}. Pick one from the practice library.")
    return case


@bp.get("/practice")
def index():
    """The library: written cases with difficulty and best score, simulated picks, progress."""
    knowledge = kb()
    records = _records()
    summary = summarize(records, knowledge)
    entries = [{"id": e.id, "name": e.name, "genes": ", ".join(e.genes)} for e in offered_entries()]
    return render_template(
        "practice/index.html",
        cases=present_library(load_cases(), summary.best),
        entries=entries,
        progress=present_progress(summary, knowledge),
        note=NOTES.get(request.args.get("note", "")),
        undo_form=UndoForm() if session.get(UNDO_KEY) else None,
    )


@bp.get("/practice/new")
def new_simulated():
    """A new simulated patient of the chosen entry (or any entry) with a fresh random seed."""
    entries = offered_entries()
    wanted = request.args.get("entry", "any")
    if wanted == "any":
        entry = entries[secrets.randbelow(len(entries))]
    else:
        entry = next((e for e in entries if e.id == wanted), None)
        if entry is None:
            abort(404, f"No simulated patients are offered for {wanted!r}.")
    return redirect(url_for("practice.case", case_id=case_id_for(entry, secrets.randbelow(MAX_SEED + 1))))


@bp.get("/practice/weak")
def weak_spots():
    """Jump to the written case richest in the findings missed most often."""
    case_id = weak_spot_case(_records(), load_cases(), kb())
    if case_id is None:
        return redirect(url_for("practice.index", note="nothing-missed"))
    return redirect(url_for("practice.case", case_id=case_id, via="review"))


@bp.route("/practice/reset", methods=["GET", "POST"])
def reset():
    """GET: ask first (a page with the button). POST: forget the progress kept in this browser,
    keeping a copy that "Undo" puts back until the next attempt."""
    form = ResetForm()
    if request.method == "GET":
        return render_template("practice/reset.html", form=form, attempts=len(_records()))
    if not form.validate_on_submit():
        abort(400, "The form expired. Reload the page and try again.")
    cleared = {key: session.pop(key) for key in PROGRESS_KEYS if key in session}
    if cleared:
        session[UNDO_KEY] = cleared
    return redirect(url_for("practice.index", note="cleared"))


@bp.post("/practice/undo")
def undo():
    """Put back the progress the last clear removed."""
    if not UndoForm().validate_on_submit():
        abort(400, "The form expired. Reload the page and try again.")
    saved = session.pop(UNDO_KEY, None)
    if not isinstance(saved, dict):
        return redirect(url_for("practice.index"))
    for key in PROGRESS_KEYS:
        if key in saved:
            session[key] = saved[key]
    return redirect(url_for("practice.index", note="restored"))


@bp.get("/practice/missed.csv")
def missed_csv():
    """The findings missed so far as flashcards that Anki imports (front, back)."""
    knowledge = kb()
    summary = summarize(_records(), knowledge)
    out = io.StringIO()
    # Anki (2.1.54+) reads these header lines as import options instead of as cards.
    out.write("#separator:comma\n#html:false\n#columns:Front,Back\n")
    writer = csv.writer(out, lineterminator="\n")
    for slug, _ in summary.missed:
        f = knowledge.findings[slug]
        front = f"{f.label} ({f.hpo}). {f.check}"
        back = " ".join(
            f"{m.title}: {m.explanation} {source_dict(m.cite, knowledge)['text']}."
            for m in (knowledge.mechanisms[g] for g in f.groups)
        )
        writer.writerow([front, f"{back} Finding: {source_dict(f.cite, knowledge)['text']}."])
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


@bp.route("/practice/<case_id>", methods=["GET", "POST"])
def case(case_id: str):
    """The case, revealed stage by stage (`?stage=N`), and its attempt form; after a commit, the feedback.

    The form posts to the same URL with the stage it was committed at; a post without one counts
    as committed with the whole case read (older forms and clients).
    """
    knowledge = kb()
    current = _case_or_404(case_id)
    total = len(current.unfolding)
    shown = _stage_arg(total, default=1 if request.method == "GET" else total)
    form = AttemptForm(knowledge=knowledge)
    feedback = None
    status = 200
    via = "review" if request.args.get("via") == "review" else None
    if request.method == "POST":
        if form.validate_on_submit():
            scored = score_attempt(current, replace(form.attempt(), stage=shown), knowledge)
            session[SESSION_KEY] = append(session.get(SESSION_KEY), record_of(scored), knowledge)
            session.pop(UNDO_KEY, None)  # a new attempt: the cleared progress is gone for good
            feedback = present_feedback(scored, knowledge)
            shown = total  # after the commit the whole case is shown
        else:
            status = 400
    return render_template(
        "practice/case.html",
        case=present_staged_case(current, shown),
        form=form,
        feedback=feedback,
        action=url_for("practice.case", case_id=case_id, stage=shown, via=via),
        reveal_url=None
        if shown >= total
        else url_for("practice.case", case_id=case_id, stage=shown + 1, via=via) + f"#stage-{shown + 1}",
        next_case=_next_case(current, via) if feedback else None,
    ), status


def _next_case(current, via: str | None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Where "Next case" leads: the review schedule's next pick, a new simulated patient, or the
    written case after this one in the library's order (round to the first after the last)."""
    if via == "review":
        return {"url": url_for("practice.weak_spots"), "text": "Next case from your review"}
    if current.kind != "written":
        return {"url": url_for("practice.new_simulated", entry="any"), "text": "Next case: a new surprise patient"}
    order = [c["id"] for c in present_library(load_cases(), {})]
    following = load_cases()[order[(order.index(current.id) + 1) % len(order)]]
    return {"url": url_for("practice.case", case_id=following.id), "text": f"Next case: {following.title}"}
