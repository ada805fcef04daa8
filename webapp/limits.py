"""Every limit on what a user may send, named once.

The forms' validators, the API's checks and messages, the OpenAPI document and the database columns
read them from here; the templates get them through the forms' validators (WTForms renders a
Length as maxlength/minlength and a NumberRange as min/max). A trainee's confidence is the rules'
own (rules.CONFIDENCE_MIN, rules.CONFIDENCE_MAX).
"""

from __future__ import annotations

from .wording import N_

BODY_MAX_BYTES = 64 * 1024  # any request body, JSON or form (413 above it; docs/api.md, Conventions)
BODY_MAX_WORDS = "64 KiB"  # the same, as users read it
# Shown through gettext with limit=BODY_MAX_WORDS.
TOO_LARGE = N_("The request body is larger than the %(limit)s limit.")

TITLE_MAX = 120  # an exercise's title, an authored case's title (characters as sent)
NICKNAME_MAX = 30  # a student's pseudonym
# The students an exercise takes, as its educator sets it (the class size); none set: the server's cap
# (CLASSROOM_MAX_STUDENTS, well above a lecture hall), which also bounds what an educator sets.
CLASS_SIZE_MIN, CLASS_SIZE_MAX = 1, 5000
EXERCISE_CASES_MAX = 20  # the cases of one exercise
TIME_LIMIT_MIN, TIME_LIMIT_MAX = 1, 240  # an exercise's time limit, in minutes
TIME_LIMIT_WORDS = f"{TIME_LIMIT_MIN} to {TIME_LIMIT_MAX} minutes."
KEY_MAX = 200  # an educator key or a student token, as pasted
JOIN_CODE_MAX = 20  # a join code as typed (the codes made are shorter)
CASE_AGE_MAX = 40  # an authored case's age ("3 months")
NARRATIVE_MIN, NARRATIVE_MAX = 20, 1500  # an authored case's narrative
TEACHING_POINT_MAX = 600  # one teaching point of an authored case
LOCATOR_MAX = 300  # where in a source a teaching point is found
