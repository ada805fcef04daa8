"""The dashboard's live panel in parts, so that a poll can carry only the parts that changed.

The panel is drawn part by part (templates/classroom/_panel.html): the status line, one section per
case, the heat map (and in it one column per case) and the students (and among them their rows, in
STUDENT_GROUPS groups by student id). Each part has a digest of its HTML; the panel's `version` is
those digests in order. The page holds the version it shows and sends it with each poll; the answer
is then only the parts whose digest differs (a part inside the heat map or the students only when
the rest of its section did not change, else the whole section), and the new version. A version
that does not fit the panel (none, garbled, another shape) gets the whole panel.

Nothing is kept on the server: the version travels with the client, so any worker of any instance
answers any poll. The CSRF tokens in the reveal forms differ per request but not in meaning, so they
are left out of the digests (an older token of the same session stays valid). Students appear by
nickname, as on the page itself (with their LMS name when the exercise shows the educator names).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import NamedTuple

from flask import get_template_attribute
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

PANEL = "classroom/_panel.html"
VERSION_PREFIX = "1"  # the shape of the version string; another prefix is an unknown version
DIGEST_BYTES = 6  # 48 bits: a changed part whose digest stays the same is not a practical worry
DIGEST_CHARS = 8  # DIGEST_BYTES in URL-safe base64
# Students are digested in this many groups (by id), so the version stays short for a class of any
# size (a group of the 2,000 students an exercise may hold is 125 rows) and an answer resends one group.
STUDENT_GROUPS = 16


class Row(NamedTuple):
    """A student's row: its place in the list, its element id, its HTML, and the id of the row after
    it (where a row the page does not have yet goes; None: at the end)."""

    position: int
    id: str
    html: str
    before: str | None


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of the panel a poll can send alone: elements to replace by id, or student rows."""

    digest: str
    replace: dict[str, str] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Section:
    """A part of the panel; its `members` can be sent alone while the rest of it (`whole`'s
    digest is of the section without them) did not change."""

    whole: Part
    members: list[Part] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Panel:
    """The whole panel as served, and its sections."""

    html: str
    sections: list[Section]

    @property
    def version(self) -> str:
        """The digests of every part, in order: what the page holds and sends back."""
        return VERSION_PREFIX + "".join(p.digest for s in self.sections for p in (s.whole, *s.members))

    def delta(self, held: str | None) -> dict[str, Any] | None:
        """What changed since the version `held`: elements to replace and student rows to put in
        place (in the list's order); None when `held` is no version of a panel of this shape."""
        old = _digests(held, sum(1 + len(s.members) for s in self.sections))
        if old is None:
            return None
        replace: dict[str, str] = {}
        rows: list[Row] = []
        for section in self.sections:
            if next(old) != section.whole.digest:
                replace |= section.whole.replace
                for _ in section.members:
                    next(old)
                continue
            for member in section.members:
                if next(old) != member.digest:
                    replace |= member.replace
                    rows += member.rows
        return {"replace": replace, "rows": [{"id": r.id, "html": r.html, "before": r.before} for r in sorted(rows)]}


def _digests(version: str | None, count: int) -> Iterator[str] | None:
    """The digests of a version string, as an iterator; None unless it holds exactly `count`."""
    if not version or not version.startswith(VERSION_PREFIX) or len(version) != 1 + count * DIGEST_CHARS:
        return None
    return iter([version[i : i + DIGEST_CHARS] for i in range(1, len(version), DIGEST_CHARS)])


def _digest(html: str, token: str) -> str:
    """A part's digest: its HTML without this request's CSRF token."""
    raw = hashlib.blake2b(str.replace(html, token, "").encode(), digest_size=DIGEST_BYTES).digest()
    return base64.urlsafe_b64encode(raw).decode()


def _draw(macro: str, *args: Any) -> Markup:
    """One part drawn by its macro of the panel's template (Markup: safe to pass to another macro)."""
    return Markup(get_template_attribute(PANEL, macro)(*args))


def _students(students: Sequence[dict[str, Any]], total: int, token: str) -> Section:
    """The students section: its frame, and its rows in STUDENT_GROUPS groups by student id. Each
    row carries the id of the row after it in the list (where a new one goes) and its position."""
    row_html = [_draw("student", s, total) for s in students]
    html = str(_draw("students", row_html))
    groups: list[list[Row]] = [[] for _ in range(STUDENT_GROUPS)]
    for i, (s, row) in enumerate(zip(students, row_html, strict=True)):
        following = f"live-st-{students[i + 1]['id']}" if i + 1 < len(students) else None
        groups[s["id"] % STUDENT_GROUPS].append(Row(i, f"live-st-{s['id']}", str(row), following))
    frame = _draw("students", [""] * len(students))
    return Section(
        Part(_digest(frame, token), replace={"live-students": html}),
        [Part(_digest("".join(r.html for r in g), token), rows=g) for g in groups],
    )


def _heatmap(d: dict[str, Any], token: str) -> Section:
    """The heat map section: its frame (labels, legend, size) and one column of cells per case."""
    columns = [_draw("heatmap_cells", d, n) for n in range(1, len(d["cases"]) + 1)]
    html = str(_draw("findings_by_case", d, columns))
    frame = _draw("findings_by_case", d, [""] * len(columns))
    return Section(
        Part(_digest(frame, token), replace={"live-heatmap": html}),
        [Part(_digest(col, token), replace={f"hm-c{n}": str(col)}) for n, col in enumerate(columns, start=1)],
    )


def panel(d: dict[str, Any], students: Sequence[dict[str, Any]], action: Any) -> Panel:
    """The dashboard's live panel for its data `d`, the `students` (id, nickname, answered, url) and
    the CSRF form of its buttons."""
    token = generate_csrf()
    status = str(_draw("status", d, action))
    cases = [str(_draw("case", c, d, action)) for c in d["cases"]]
    heatmap = _heatmap(d, token)
    people = _students(students, len(d["cases"]), token)
    sections = [
        Section(Part(_digest(status, token), replace={"live-status": status})),
        *[
            Section(Part(_digest(html, token), replace={f"live-case-{c['n']}": html}))
            for c, html in zip(d["cases"], cases, strict=True)
        ],
        heatmap,
        people,
    ]
    html = "\n".join([status, *cases, heatmap.whole.replace["live-heatmap"], people.whole.replace["live-students"]])
    return Panel(html, sections)
