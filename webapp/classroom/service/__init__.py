"""Classroom persistence: exercises, educator keys, students, submissions and the join rate limit.

Views (HTML and JSON) call these functions through this package (`service.create_exercise(...)`);
they hold no request state of their own, so any worker of any instance can serve any request. By
what they store: `educators` (keys), `authored` (the cases educators write), `exercises` (join
codes, order, the join rate limit), `pacing` (who moves the class on: start, advance, reveal,
remove and re-admit students, when answers count, the state every page follows), `remotes`
(pairing the educator's phone as a remote), `students`
(joining, rejoining, answers, what the dashboard counts), and `common` (the error and text
cleaning they share).
"""

from __future__ import annotations

from .authored import AUTHORED_ID
from .authored import AUTHORED_PREFIX
from .authored import DRAFT_ID
from .authored import SQL_INT_MAX
from .authored import authored_case
from .authored import authored_mapping
from .authored import authored_number
from .authored import case_uses
from .authored import changeable_authored_case
from .authored import delete_authored_case
from .authored import educator_cases
from .authored import own_authored_case
from .authored import resolve_case
from .authored import save_authored_case
from .common import ANSWER_HOOKS
from .common import DASHBOARD_NOTES
from .common import STUDENT_NAMES
from .common import ClassroomError
from .common import normalise_code
from .common import one_line
from .common import plural
from .common import serialise
from .educators import authorise
from .educators import authorise_digest
from .educators import educator_for_digest
from .educators import educator_for_key
from .educators import hash_key
from .educators import new_educator
from .exercises import CODE_ALPHABET
from .exercises import CODE_LENGTH
from .exercises import FEEDBACK_MODES
from .exercises import Created
from .exercises import ExerciseFacts
from .exercises import ExerciseSummary
from .exercises import check_failures
from .exercises import class_size
from .exercises import count_failure
from .exercises import create_exercise
from .exercises import duplicate_exercise
from .exercises import educator_exercises
from .exercises import exercise_case_by_token
from .exercises import exercise_case_ids
from .exercises import exercise_case_token
from .exercises import exercise_cases
from .exercises import facts
from .exercises import find_exercise
from .exercises import lookup_exercise
from .exercises import move_case
from .exercises import new_code
from .exercises import revealed_ids
from .exercises import set_joining_locked
from .exercises import set_open
from .exercises import shows_feedback
from .nicknames import nickname_problem
from .nicknames import normal_nickname
from .pacing import GRACE_SECONDS
from .pacing import PACES
from .pacing import READMIT_MINUTES
from .pacing import advance
from .pacing import answer_window
from .pacing import class_state
from .pacing import current_case
from .pacing import limit_end
from .pacing import readmit
from .pacing import remove_student
from .pacing import reveal
from .pacing import start
from .pacing import state_tag
from .remotes import PAIRING_SECONDS
from .remotes import Collected
from .remotes import PairingStatus
from .remotes import cancel_pairing
from .remotes import claim_pairing
from .remotes import collect_pairing
from .remotes import confirm_pairing
from .remotes import new_pairing
from .remotes import new_phone_secret
from .remotes import pairing_status
from .remotes import phone_hash
from .remotes import sign_out_remotes
from .students import DEFAULT_MAX_STUDENTS
from .students import REJOIN_LENGTH
from .students import Activity
from .students import Answer
from .students import ApiStudent
from .students import Joined
from .students import JoinRules
from .students import StudentRow
from .students import Submitted
from .students import activity
from .students import all_submissions
from .students import api_join
from .students import by_nickname
from .students import check_answerable
from .students import check_decisions
from .students import clean_nickname
from .students import exercise_student
from .students import join
from .students import rejoin
from .students import results
from .students import stored_feedback
from .students import student_by_nickname
from .students import student_by_token
from .students import student_count
from .students import student_rows
from .students import student_submissions
from .students import submit
from .students import take_over

__all__ = [
    "check_answerable",
    "check_decisions",
    "exercise_case_by_token",
    "exercise_case_token",
    "JoinRules",
    "serialise",
    "ANSWER_HOOKS",
    "DASHBOARD_NOTES",
    "STUDENT_NAMES",
    "ClassroomError",
    "one_line",
    "normalise_code",
    "plural",
    "hash_key",
    "educator_for_key",
    "educator_for_digest",
    "new_educator",
    "authorise",
    "authorise_digest",
    "AUTHORED_PREFIX",
    "DRAFT_ID",
    "AUTHORED_ID",
    "SQL_INT_MAX",
    "authored_number",
    "authored_case",
    "authored_mapping",
    "resolve_case",
    "educator_cases",
    "own_authored_case",
    "case_uses",
    "changeable_authored_case",
    "delete_authored_case",
    "save_authored_case",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "FEEDBACK_MODES",
    "new_code",
    "Created",
    "create_exercise",
    "find_exercise",
    "set_open",
    "set_joining_locked",
    "class_size",
    "PACES",
    "GRACE_SECONDS",
    "READMIT_MINUTES",
    "current_case",
    "answer_window",
    "start",
    "advance",
    "reveal",
    "remove_student",
    "readmit",
    "class_state",
    "limit_end",
    "state_tag",
    "PAIRING_SECONDS",
    "Collected",
    "PairingStatus",
    "new_pairing",
    "new_phone_secret",
    "phone_hash",
    "sign_out_remotes",
    "claim_pairing",
    "pairing_status",
    "confirm_pairing",
    "cancel_pairing",
    "collect_pairing",
    "revealed_ids",
    "shows_feedback",
    "move_case",
    "duplicate_exercise",
    "ExerciseFacts",
    "facts",
    "ExerciseSummary",
    "educator_exercises",
    "exercise_case_ids",
    "exercise_cases",
    "lookup_exercise",
    "check_failures",
    "count_failure",
    "DEFAULT_MAX_STUDENTS",
    "clean_nickname",
    "nickname_problem",
    "normal_nickname",
    "join",
    "Joined",
    "REJOIN_LENGTH",
    "by_nickname",
    "rejoin",
    "take_over",
    "Submitted",
    "student_count",
    "ApiStudent",
    "api_join",
    "student_by_nickname",
    "student_by_token",
    "submit",
    "Answer",
    "stored_feedback",
    "student_submissions",
    "all_submissions",
    "Activity",
    "activity",
    "StudentRow",
    "student_rows",
    "exercise_student",
    "results",
]
