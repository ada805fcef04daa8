"""What each stage of an unfolding case added, and whether the trainee committed early or late (pure).

A case unfolds in stages (history, examination, investigations); the trainee reveals them one by
one and may commit at any stage. The feedback then says, per stage, which of the key's findings
it first described and which of those the trainee found, and compares the stage of the commit
with the last stage that added anything to the key:
- early: committed before a stage that added findings (those could not have been read yet);
- on time: committed at the last stage that added findings;
- late: revealed stages after everything the key needs was already on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from .scoring import Feedback


@dataclass(frozen=True, slots=True)
class StageReport:
    """One stage after the attempt: what it added, and what of that the trainee found."""

    number: int
    title: str
    narrative: str
    adds: tuple[str, ...]
    seen: bool  # revealed before the commit
    found: tuple[str, ...]  # for a stage not read: ticked anyway (not scored)
    missed: tuple[str, ...]  # never for a stage not read: what it adds is "not shown yet", no miss


@dataclass(frozen=True, slots=True)
class Unfolding:
    """The stages of the attempt's case and the timing of the commit."""

    stages: tuple[StageReport, ...]
    committed: int  # stages revealed at the commit
    needed: int  # the last stage that adds a finding of the key (1 when none does)
    timing: str  # "early" | "on time" | "late"
    not_shown: tuple[str, ...]  # findings only stages after the commit describe (not scored)

    @property
    def total(self) -> int:
        """How many stages the case has."""
        return len(self.stages)


def unfolding_of(feedback: Feedback) -> Unfolding:
    """The stage-by-stage account of a scored attempt (the whole case when no stage was given)."""
    stages = feedback.case.unfolding
    committed = feedback.attempt.stage or len(stages)
    given = set(feedback.attempt.findings)
    reports = tuple(
        StageReport(
            i,
            s.title,
            s.narrative,
            s.adds,
            i <= committed,
            tuple(f for f in s.adds if f in given),
            tuple(f for f in s.adds if f not in given) if i <= committed else (),
        )
        for i, s in enumerate(stages, start=1)
    )
    needed = max((r.number for r in reports if r.adds), default=1)
    timing = "early" if committed < needed else "late" if committed > needed else "on time"
    return Unfolding(reports, committed, needed, timing, feedback.not_shown)
