"""Practice for trainees: the case library, commit-then-reveal attempts, progress in the session."""
