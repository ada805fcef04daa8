"""The clinician checklist: form, result page, shareable link, about page."""
