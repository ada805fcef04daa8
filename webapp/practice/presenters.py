"""Cases, feedback and progress -> plain dicts for the practice pages and the cases API.

`present_case` never includes the answer key, the entry, the genes or the teaching points: it is
all a trainee (or an API client) sees before committing. `present_feedback` reveals them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext
from flask_babel import ngettext

from rules import CERTAINTY_BEST_WHEN
from rules import CERTAINTY_MARKS
from rules import MATCH_WORDS
from rules import MIN_BAND_ATTEMPTS
from rules import RATINGS
from rules import SCORE_RULE
from rules import Case
from rules import Citation
from rules import DrillCard
from rules import Feedback
from rules import KnowledgeBase
from rules import Ranked
from rules import Record
from rules import Summary
from rules import Unfolding
from rules import anki_note
from rules import certainty_mark
from rules import certainty_of
from rules import differential_choices
from rules import get_case
from rules import keyed_choices
from rules import level_of
from rules import load_cases
from rules import next_step_choices
from rules import public_case_id
from rules import review_items
from rules import summarize
from rules import unfolding_of

from ..checklist.differential import expected_rank
from ..checklist.differential import percent_words
from ..checklist.differential import ratio_words
from ..checklist.page import lean_word
from ..checklist.presenters import lean_summary
from ..checklist.presenters import present_assessment
from ..checklist.presenters import source_dict
from ..wording import N_
from ..wording import disclaimer
from .forms import entry_label

PUBLIC_LABELS = {
    "written": N_("Written case"),
    "simulated": N_("Simulated patient from the HPO annotations of an osteopetrosis entry (named after you answer)"),
    "authored": N_("Case written by your educator"),
}
LEAN_LABELS = {"recessive": "recessive", "dominant": "dominant", "indeterminate": "indeterminate"}
SEX_WORDS = {"female": N_("Female"), "male": N_("Male")}


def present_case(case: Case) -> dict[str, Any]:
    """What may be shown before an attempt: the vignette, never its key; the id is the public one,
    which does not name the answer."""
    return {
        "id": public_case_id(case.id),
        "title": case.title,
        "age": case.age,
        "sex": case.sex,
        "sex_label": gettext(SEX_WORDS[case.sex]) if case.sex in SEX_WORDS else case.sex,
        "narrative": case.narrative,
        "difficulty": case.difficulty,
        "kind": case.kind,
        "label": gettext(PUBLIC_LABELS[case.kind]) if case.kind in PUBLIC_LABELS else "",
        "stages": [{"title": st.title, "narrative": st.narrative} for st in case.unfolding],
    }


def present_staged_case(case: Case, shown: int) -> dict[str, Any]:
    """The vignette as far as it has been revealed: the first `shown` stages, and what comes next.

    Only titles and narratives, never what a stage adds to the key.
    """
    stages = case.unfolding
    following = stages[shown] if shown < len(stages) else None
    return {
        **present_case(case),
        "total": len(stages),
        "shown": [
            {"number": i, "title": st.title, "narrative": st.narrative} for i, st in enumerate(stages[:shown], start=1)
        ],
        "next": None if following is None else {"number": shown + 1, "title": following.title},
        "revealed": shown,
    }


def _entry_url(entry: str) -> str:
    prefix, _, number = entry.partition(":")
    if prefix == "OMIM":
        return f"https://omim.org/entry/{number}"
    if prefix == "ORPHA":
        return f"https://www.orpha.net/en/disease/detail/{number}"
    return ""


def reveal_case(case: Case, kb: KnowledgeBase) -> dict[str, Any]:
    """The case after an attempt: what it models and its whole key."""
    key = case.key
    return {
        **present_case(case),
        "label": case.label,
        "entry": case.entry,
        "entry_name": case.entry_name,
        "entry_url": _entry_url(case.entry),
        "genes": list(case.genes),
        "expected_rank": expected_rank(case.entry, case.key.answers(), kb),  # the ranking of types
        "engine_disagrees": case.engine_disagrees,
        "seed_misleads": case.seed_misleads,
        "key": {
            "present": list(key.present),
            "absent": list(key.absent),
            "absent_labels": [kb.findings[s].label for s in key.absent],
            "onset": key.onset,
            "onset_label": kb.onsets[key.onset].label,
            "family_history": key.family_history,
            "family_history_label": kb.family_histories[key.family_history].label,
            "lean": key.lean,
            "mechanisms": list(key.mechanisms),
        },
    }


def _finding(slug: str, kb: KnowledgeBase, absent_in_key: bool = False) -> dict[str, Any]:
    f = kb.findings[slug]
    return {
        "slug": slug,
        "label": f.label,
        "hpo": f.hpo,
        "mechanisms": [{"id": g, "title": kb.mechanisms[g].title} for g in f.groups],
        "source": source_dict(f.cite, kb),
        "absent_in_key": absent_in_key,
    }


def _mechanism(slug: str, kb: KnowledgeBase) -> dict[str, Any]:
    m = kb.mechanisms[slug]
    return {"slug": slug, "title": m.title, "explanation": m.explanation, "source": source_dict(m.cite, kb)}


# rules' SCORE_RULE as it reads today, marked here for the catalog: the page shows it translated while
# rules' text is this one (a test compares them; a changed rule shows in English until translated again).
SCORE_RULE_CATALOG = N_(
    "Score = 0.5 × finding credit + 0.3 × lean + 0.2 × mechanism overlap. Finding credit = 2 × hits ÷ (2 × hits + "
    "misses + over-calls): every finding you miss and every finding you tick that the case does not have lowers it. "
    "Lean = 1 if your lean matches the expected one, else 0. Mechanism overlap = mechanisms in both ÷ mechanisms in "
    "either. Only what the stages you read describe counts: a finding a later stage adds is not shown yet, never a "
    "miss. A perfect answer scores 1. Decisions are optional. Each one you commit to (the differential, the next "
    "step) counts 0.2, and the three parts above share the rest in the same proportions (with both: 0.3, 0.18 and "
    "0.12). Differential: 1 when the case's entry (or an entry its Orphanet group is pooled into) is your first "
    "choice, 0.5 when second, 0.25 when third, else 0. Next step: 1 when it is a step that a red flag (urgent or "
    "high) raised by the findings shown calls for, or nothing urgent when none is raised; else 0. Without "
    "decisions, the score is the three parts alone."
)


def _lean_why(feedback: Feedback) -> str:
    """Why the expected lean is what it is, in words."""
    case, inh = feedback.case, feedback.engine.inheritance
    rules_say = lean_summary(inh.lean, inh.strength)
    lean = lean_word(case.key.lean)
    if case.kind == "simulated":
        basis = gettext(
            "The expected lean is the recorded inheritance of %(entry)s: %(lean)s.", entry=case.entry, lean=lean
        )
    elif case.kind == "authored":  # a classroom case: the educator who wrote it set the key
        basis = gettext("The expected lean is the one the educator who wrote this case gave: %(lean)s.", lean=lean)
    else:
        basis = gettext(
            "The expected lean is the inheritance of the entry this case models (%(entry)s): %(lean)s.",
            entry=case.entry,
            lean=lean,
        )
    if feedback.engine_agrees:
        return gettext(
            "%(basis)s The checklist's rules reach it too, from the case's findings, onset and family history: "
            "%(rules)s",
            basis=basis,
            rules=rules_say,
        )
    return gettext(
        "%(basis)s The checklist's rules, given the same findings, onset and family history, say: %(rules)s "
        "The teaching points explain the difference.",
        basis=basis,
        rules=rules_say,
    )


def _verdict(feedback: Feedback) -> str:
    """The feedback in one sentence, for the top of the page: the lean, then the findings scored."""
    lean = gettext("Your lean is right") if feedback.lean_correct else gettext("Your lean is not right")
    shown = len(feedback.hits) + len(feedback.missed)
    found = (
        gettext("you found %(hits)s of the %(shown)s findings shown", hits=len(feedback.hits), shown=shown)
        if shown
        else gettext("no finding was shown")
    )
    extra = (
        ngettext(", with %(num)s over-call", ", with %(num)s over-calls", len(feedback.extra)) if feedback.extra else ""
    )
    later = (
        gettext("; %(n)s more only later stages describe (not counted)", n=len(feedback.not_shown))
        if feedback.not_shown
        else ""
    )
    d, n = feedback.differential, feedback.next_step
    decided = ""
    if d is not None and d.credit is not None:
        decided += (
            gettext("; the case's entry is your %(place)s choice", place=gettext(ORDINALS[d.place - 1]))
            if d.place
            else gettext("; the case's entry is not in your differential")
        )
    if n is not None:
        decided += gettext("; your next step is right") if n.right else gettext("; your next step is not the key")
    return f"{lean}; {found}{extra}{later}{decided}."


def present_feedback(feedback: Feedback, kb: KnowledgeBase) -> dict[str, Any]:
    """Everything the feedback page and the attempts API show, as plain data."""
    case, attempt = feedback.case, feedback.attempt
    engine = present_assessment(feedback.engine, kb)["inheritance"]
    return {
        "case": reveal_case(case, kb),
        "score": round(feedback.score, 3),
        "score_pct": round(feedback.score * 100),
        "verdict": _verdict(feedback),
        "rule": gettext(SCORE_RULE),
        "parts": {
            "findings": {"weight": feedback.weights["findings"], "credit": round(feedback.finding_credit, 3)},
            "lean": {"weight": feedback.weights["lean"], "credit": 1.0 if feedback.lean_correct else 0.0},
            "mechanisms": {"weight": feedback.weights["mechanisms"], "credit": round(feedback.mechanism_credit, 3)},
        }
        | present_decision_parts(feedback),
        "decisions": {
            "differential": present_differential(feedback, kb),
            "next_step": present_next_step(feedback, kb),
        },
        "findings": {
            "hit": [_finding(s, kb) for s in feedback.hits],
            "missed": [_finding(s, kb) for s in feedback.missed],
            "extra": [_finding(s, kb, s in feedback.extra_absent) for s in feedback.extra],
            "not_shown": [{**_finding(s, kb), "ticked": s in attempt.findings} for s in feedback.not_shown],
        },
        "lean": {
            "correct": feedback.lean_correct,
            "given": attempt.lean,
            "expected": case.key.lean,
            "why": _lean_why(feedback),
            "rules": {
                "lean": engine["lean"],
                "strength": engine["strength"],
                "score": engine["score"],
                "summary": engine["summary"],
                "agrees": feedback.engine_agrees,
                "thresholds": engine["thresholds"],
            },
            "clues": engine["clues"],
        },
        "mechanisms": {
            "hit": [_mechanism(m, kb) for m in feedback.mechanisms_hit],
            "missed": [_mechanism(m, kb) for m in feedback.mechanisms_missed],
            "extra": [_mechanism(m, kb) for m in feedback.mechanisms_extra],
            "not_shown": [_mechanism(m, kb) for m in feedback.mechanisms_not_shown],
        },
        "teaching_points": [
            {"text": p.text, "kind": p.kind, "source": source_dict(p.cite, kb)} for p in case.teaching_points
        ],
        "confidence": attempt.confidence,
        "unfolding": present_unfolding(unfolding_of(feedback), kb),
        "certainty": present_certainty(attempt.confidence, feedback.lean_correct, kb, feedback.decisions_right),
        "disclaimer": disclaimer(),
    }


def _labels(slugs: Sequence[str], kb: KnowledgeBase) -> list[str]:
    return [kb.findings[s].label for s in slugs]


def _timing_words(u: Unfolding, kb: KnowledgeBase) -> str:
    at = gettext("You committed after stage %(n)s of %(total)s", n=u.committed, total=u.total)
    if u.timing == "early":
        later = [r for r in u.stages if not r.seen and r.adds]
        told = "; ".join(
            gettext("%(stage)s would have added %(names)s", stage=r.title, names=", ".join(_labels(r.adds, kb)))
            for r in later
        )
        return gettext(
            "%(at)s, while later stages still held findings of the key (%(told)s). Those are listed apart as "
            "not shown yet: they are no misses and do not count in the score.",
            at=at,
            told=told,
        )
    if u.timing == "late":
        needed = u.stages[u.needed - 1]
        return gettext(
            "%(at)s; every finding of the key was on the page by stage %(n)s (%(stage)s), "
            "and the stages after it added nothing the key needed.",
            at=at,
            n=u.needed,
            stage=needed.title,
        )
    return gettext("%(at)s, the last stage that added a finding of the key.", at=at)


def present_unfolding(u: Unfolding, kb: KnowledgeBase) -> dict[str, Any]:
    """The case's stages after an attempt: what each added and what of that was found, and the timing."""
    return {
        "committed": u.committed,
        "total": u.total,
        "needed": u.needed,
        "timing": u.timing,
        "verdict": gettext({"early": N_("Early"), "on time": N_("On time"), "late": N_("Late")}[u.timing]),
        "message": _timing_words(u, kb),
        "stages": [
            {
                "number": r.number,
                "title": r.title,
                "narrative": r.narrative,
                "seen": r.seen,
                "adds": _labels(r.adds, kb),
                "found": _labels(r.found, kb),
                "missed": _labels(r.missed, kb),
            }
            for r in u.stages
        ],
    }


def sparkline(values: Sequence[int], width: int = 160, height: int = 36) -> dict[str, Any] | None:
    """Points of an inline SVG line for scores in percent (None for fewer than two)."""
    if len(values) < 2:
        return None
    step = width / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - v / 100 * (height - 4):.1f}" for i, v in enumerate(values))
    last_x, last_y = points.split(" ")[-1].split(",")
    return {
        "width": width,
        "height": height,
        "points": points,
        "last_x": last_x,
        "last_y": last_y,
        "label": gettext("Score trend, oldest to newest: %(scores)s", scores=", ".join(f"{v} %" for v in values)),
    }


def present_progress(summary: Summary, kb: KnowledgeBase) -> dict[str, Any]:
    """Progress for the library page: counts, trend, weakest findings, calibration bands."""
    return {
        "attempts": summary.attempts,
        "cases_done": len(summary.cases_done),
        "trend": list(summary.trend),
        "sparkline": sparkline(summary.trend),
        "latest": summary.trend[-1] if summary.trend else None,
        "weakest": [{"slug": s, "label": kb.findings[s].label, "missed": n} for s, n in summary.weakest],
        "min_band": MIN_BAND_ATTEMPTS,
        "calibration": [
            {
                "band": f"{b.low}–{b.high} %",
                "attempts": b.attempts,
                "right": b.right,
                "rate_pct": None if b.rate is None else round(b.rate * 100),
                "judged": b.judged,
                "mean_score_pct": b.mean_score_pct,
            }
            for b in summary.calibration
        ],
    }


def present_library(cases: Mapping[str, Case], best: Mapping[str, int]) -> list[dict[str, Any]]:
    """The written cases for the library list, each with the best score so far (None if not tried)."""
    order = {"easy": 0, "medium": 1, "hard": 2}
    rows = [{**present_case(c), "best": best.get(c.id)} for c in cases.values()]
    return sorted(rows, key=lambda r: (order.get(r["difficulty"], 9), r["title"]))


def _when_words(when: datetime, now: datetime) -> str:
    minutes = int((when - now).total_seconds() // 60)
    if minutes <= 0:
        return gettext("now")
    if minutes < 60:
        return gettext("in %(n)s min", n=minutes)
    if minutes < 48 * 60:
        return gettext("in %(n)s h", n=minutes // 60)
    return gettext("in %(n)s days", n=minutes // (24 * 60))


def weak_spot_reason(
    records: Sequence[Record], case: Case, soonest: datetime | None, now: datetime, kb: KnowledgeBase
) -> str:
    """Why the weak-spot pick chose a case when nothing is due for review: the findings it describes
    that were missed most often."""
    counts = Counter(s for r in records for s in r.missed)
    shared = sorted((s for s in case.key.present if counts[s]), key=lambda s: -counts[s])[:3]
    missed = ", ".join(f"{kb.findings[s].label} (missed {counts[s]}×)" for s in shared)
    due = f"the next card falls due {_when_words(soonest, now)}" if soonest else "the schedule is empty"
    return (
        f"Nothing is due for review yet ({due}), so this is the case richest in the findings you miss most: {missed}."
    )


def present_review(raw: Any, now: datetime, kb: KnowledgeBase) -> dict[str, Any]:
    """The review schedule for the library page: what is due now and what comes next."""
    all_items = review_items(raw)
    due = [i for i in all_items if i.due <= now]

    def name(item: Any) -> str:
        if item.kind == "finding":
            return kb.findings[item.target].label
        written = load_cases().get(item.target)
        if written:
            return gettext("case: %(title)s", title=written.title)
        return gettext("case %(id)s", id=public_case_id(item.target))

    return {
        "cards": len(all_items),
        "findings": sum(i.kind == "finding" for i in all_items),
        "cases": sum(i.kind == "case" for i in all_items),
        "due": [name(i) for i in due],
        "upcoming": [{"name": name(i), "when": _when_words(i.due, now)} for i in all_items if i.due > now][:5],
    }


def present_drill_card(card: DrillCard, kb: KnowledgeBase, chosen: int | None = None) -> dict[str, Any]:
    """A drill card: the front (what is seen, the question, the choices); with the choice given,
    the back too (right or not, the answer, the one-line why, the source)."""
    shown = {
        "asks": card.asks,
        "prompt": [{"heading": h, "text": t} for h, t in card.prompt],
        "question": card.question,
        "options": list(card.options),
    }
    if chosen is None:
        return shown
    suggested = "Good" if chosen == card.answer else "Again"
    return {
        **shown,
        "chosen": card.options[chosen],
        "right": chosen == card.answer,
        "answer": card.options[card.answer],
        "why": card.why,
        "source": {**source_dict(card.source, kb), "text": _source_line(card.source, kb)},
        "ratings": [
            {"value": n, "name": name, "means": RATING_MEANS[name], "suggested": name == suggested}
            for n, name in RATINGS.items()
        ],
    }


RATING_MEANS = {
    "Again": "did not know it; back in minutes",
    "Hard": "knew it with effort",
    "Good": "knew it",
    "Easy": "knew it at once; back much later",
}


def _source_line(cite: Citation, kb: KnowledgeBase) -> str:
    """A citation in a few words: the source's title and where in it (the why quotes the passage)."""
    shown = source_dict(cite, kb)
    return shown["title"] + (f" ({shown['locator']})" if shown["locator"] else "")


def present_drill_empty(raw: Any, soonest: datetime | None, now: datetime, kb: KnowledgeBase) -> dict[str, Any]:
    """The drill with nothing due: how many cards there are and when the next one falls due."""
    review = present_review(raw, now, kb)
    return {"cards": review["cards"], "next": _when_words(soonest, now) if soonest else None}


def anki_rows(records: Sequence[Record], kb: KnowledgeBase) -> list[list[str]]:
    """The Anki export's notes, one per finding missed so far (most missed first), tagged with the
    types of the cases where it was missed: Front, Back, Source, Tags, Deck (docs/practice.md)."""
    types: dict[str, list[str]] = {slug: [] for slug, _ in summarize(records, kb).missed}
    for record in records:
        case = get_case(record.case_id)
        if case is not None:
            for slug in record.missed:
                types[slug].append(case.entry)
    rows = []
    for slug, entries in types.items():
        note = anki_note(slug, entries, kb)
        if note is not None:
            source = "; ".join(_source_line(c, kb) for c in note.sources)
            rows.append([note.front, note.back, source, " ".join(note.tags), ANKI_DECK])
    return rows


ANKI_DECK = "MIOP Checklist::Missed findings"


DECISION_NAMES = {"differential": N_("your differential (its first choice)"), "next_step": N_("your next step")}


def present_certainty(
    confidence: int, right: bool, kb: KnowledgeBase, decisions: Sequence[tuple[str, bool]] = ()
) -> dict[str, Any]:
    """The certainty-based mark of one lean and of each decision given with it, with the whole scheme."""
    level = level_of(confidence)
    lean_mark = certainty_mark(confidence, right)
    marked = [
        {"what": gettext(DECISION_NAMES[name]), "right": ok, "mark": certainty_mark(confidence, ok)}
        for name, ok in decisions
    ]
    return {
        "level": level,
        "mark": lean_mark + sum(certainty_mark(confidence, ok) for _, ok in decisions),
        "lean_mark": lean_mark,
        "decisions": marked,
        "right": right,
        "confidence": confidence,
        "scheme": [
            {"level": n, "right": gain, "wrong": loss, "best_when": CERTAINTY_BEST_WHEN[n], "yours": n == level}
            for n, (gain, loss) in CERTAINTY_MARKS.items()
        ],
        "source": source_dict(Citation("ucl-lapt-cbm", locator="CBM mark scheme"), kb),
    }


def present_certainty_history(records: Sequence[Record]) -> dict[str, Any]:
    """Certainty-based marks and the Brier score of the lean over the history."""
    c = certainty_of(records)
    return {
        "attempts": c.attempts,
        "total": c.total,
        "best_possible": c.best_possible,
        "mean": None if c.mean is None else round(c.mean, 2),
        "brier": None if c.brier is None else round(c.brier, 3),
    }


CHART = {"width": 340, "height": 250, "left": 48, "right": 16, "top": 28, "bottom": 44}


def present_calibration_chart(records: Sequence[Record]) -> dict[str, Any] | None:
    """A server-drawn calibration chart: per confidence level, how often the lean was right, against
    the diagonal of perfect calibration. Labels carry the numbers, so it reads without colour."""
    if not records:
        return None
    w, h = CHART["width"], CHART["height"]
    x0, x1 = CHART["left"], w - CHART["right"]
    y0, y1 = h - CHART["bottom"], CHART["top"]

    def x(conf: float) -> float:
        return round(x0 + (conf - 50) / 50 * (x1 - x0), 1)

    def y(pct: float) -> float:
        return round(y0 - pct / 100 * (y0 - y1), 1)

    points, said = [], []
    for level in sorted({r.confidence for r in records}):
        inside = [r for r in records if r.confidence == level]
        right = sum(r.lean_correct for r in inside)
        rate = round(100 * right / len(inside))
        points.append({"x": x(level), "y": y(rate), "label": f"{right}/{len(inside)}", "label_y": y(rate) - 9})
        said.append(
            gettext(
                "at %(level)s %% confidence your lean was right %(right)s of %(n)s times (%(rate)s %%)",
                level=level,
                right=right,
                n=len(inside),
                rate=rate,
            )
        )
    return {
        "width": w,
        "height": h,
        "axis": {"x0": x0, "x1": x1, "y0": y0, "y1": y1},
        "diagonal": {"x1": x(50), "y1": y(50), "x2": x(100), "y2": y(100)},
        "x_ticks": [{"x": x(v), "label": f"{v} %"} for v in (50, 60, 70, 80, 90, 100)],
        "y_ticks": [{"y": y(v), "label": f"{v} %"} for v in (0, 25, 50, 75, 100)],
        "points": points,
        "title": gettext("Calibration of your lean"),
        "desc": gettext(
            "Each point is a confidence level you chose; its height is how often your lean was right at "
            "that level. On the dashed diagonal you would be right exactly as often as you were confident."
        )
        + " "
        + "; ".join(said)
        + ".",
    }


def present_choices(kb: KnowledgeBase) -> dict[str, Any]:
    """The decisions' choices, the same for every case (never its key): the differential's entries (the
    osteopetroses first) and the next steps."""
    return {
        "differential": [
            {"id": c.id, "name": c.name, "genes": list(c.genes), "group": c.group} for c in differential_choices(kb)
        ],
        "next_step": [{"id": c.id, "label": c.label} for c in next_step_choices(kb)],
    }


def present_decision_parts(feedback: Feedback) -> dict[str, Any]:
    """The decisions' parts of the score, when given."""
    parts: dict[str, Any] = {}
    d, n = feedback.differential, feedback.next_step
    if d is not None and d.credit is not None:
        parts["differential"] = {"weight": feedback.weights["differential"], "credit": d.credit}
    if n is not None:
        parts["next_step"] = {"weight": feedback.weights["next_step"], "credit": 1.0 if n.right else 0.0}
    return parts


ORDINALS = (N_("first"), N_("second"), N_("third"))
EVIDENCE_ROWS = 5  # the key entry's strongest ratios shown, for and against


def present_differential(feedback: Feedback, kb: KnowledgeBase) -> dict[str, Any] | None:
    """The differential against the key, and beside the checklist's ranking of what had been shown: its top
    three with their probabilities, where each of the trainee's entries stands in it, and the key entry's
    strongest evidence."""
    d = feedback.differential
    if d is None:
        return None
    names = {c.id: c for c in differential_choices(kb)}
    ranked = d.ranking.entries
    places = {r.entry.id: (i, r) for i, r in enumerate(ranked, start=1)}

    def entry(entry_id: str) -> dict[str, Any]:
        c = names[entry_id]
        at, r = places[entry_id]
        return {
            "id": entry_id,
            "label": entry_label(c.name, c.genes),
            "key": entry_id in d.key,
            "ranking_place": at,
            "percent": percent_words(r.probability),
        }

    given = [{**entry(e), "place": gettext(ORDINALS[i])} for i, e in enumerate(feedback.attempt.differential)]
    key_best = min((places[k] for k in d.key), default=None, key=lambda x: x[0])
    if d.credit is None:
        verdict = gettext("This case models no entry of the ranking, so the differential is not scored.")
    elif d.place is None:
        verdict = gettext("The case's entry is not in your differential: no credit.")
    else:
        verdict = gettext(
            "The case's entry is your %(place)s choice: credit %(credit)s.",
            place=gettext(ORDINALS[d.place - 1]),
            credit=format(d.credit, "g"),
        )
    ranking_first = ranked[0].entry.id
    agree = [g for g in given if g["ranking_place"] <= len(ORDINALS)]
    return {
        "given": given,
        "key": [entry(k) for k in d.key],
        "place": d.place,
        "credit": d.credit,
        "verdict": verdict,
        "ranking": {
            "top": [entry(r.entry.id) | {"yours": r.entry.id in feedback.attempt.differential} for r in ranked[:3]],
            "of": len(ranked),
            "first_agrees": bool(given) and given[0]["id"] == ranking_first,
            "in_top": len(agree),
            "key_place": key_best[0] if key_best else None,
            "key_label": entry(key_best[1].entry.id)["label"] if key_best else "",
            "evidence": _key_evidence(key_best[1]) if key_best else [],
        },
    }


def _key_evidence(ranked: Ranked) -> list[dict[str, Any]]:
    """The key entry's strongest ratios (for or against) on what had been shown, strongest first."""
    rows = sorted(ranked.evidence, key=lambda ev: -abs(math.log(ev.lr)))[:EVIDENCE_ROWS]
    return [
        {
            "label": ev.label,
            "state": ev.state,
            "ratio": ratio_words(ev.lr),
            "match": MATCH_WORDS.get(ev.match, ev.match),
            "source": ev.source,
        }
        for ev in rows
    ]


def present_next_step(feedback: Feedback, kb: KnowledgeBase) -> dict[str, Any] | None:
    """The next step against its key, with why each keyed step is keyed: the red flag the findings shown
    raise, its action and the action's source."""
    n = feedback.next_step
    if n is None:
        return None
    labels = {c.id: c.label for c in next_step_choices(kb)}
    flags = {f.id: f for f in kb.red_flags}
    keyed = [
        {
            "choices": [labels[c] for c in step.choices],
            "red_flag": flags[step.red_flag].title if step.red_flag else "",
            "level": flags[step.red_flag].level if step.red_flag else "",
            "action": flags[step.red_flag].action if step.red_flag else "",
            "findings": [kb.findings[s].label for s in step.findings],
            "source": source_dict(step.cite, kb) if step.cite else None,
        }
        for step in n.keyed
    ]
    return {
        "given": {"id": n.pick, "label": labels[n.pick]},
        "right": n.right,
        "keyed": keyed,
        "keyed_choices": [labels[c] for c in keyed_choices(n.keyed)],
    }
