"""The clinician checklist: form, result page, shareable link, about page, and its JSON API (findings,
assess, knowledge)."""
