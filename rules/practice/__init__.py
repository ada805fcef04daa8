"""Practice: the case library (written and simulated patients), staged unfolding, scoring and
certainty-based marking, progress records and spaced review."""
