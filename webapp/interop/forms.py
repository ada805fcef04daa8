"""The import form on the checklist page: a file or pasted text, one of the two."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField
from wtforms import TextAreaField

from rules import InputError

from ..limits import BODY_MAX_WORDS

# What the file chooser offers (the field renders it as its `accept` attribute).
ACCEPT = ".json,.txt,.csv,application/json,text/plain,text/csv"


class ImportForm(FlaskForm):
    """Upload or paste a phenopacket (JSON) or a list of HPO ids.

    Field names carry a prefix: the checklist form on the same page has its own `submit`.
    """

    import_file = FileField(
        _l("Choose a file (phenopacket .json or HPO list .txt, up to %(limit)s)", limit=BODY_MAX_WORDS),
        render_kw={"accept": ACCEPT},
    )
    import_text = TextAreaField(_l("Or paste it here"))
    import_submit = SubmitField(_l("Open the checklist filled in"))

    def payload(self) -> bytes | str:
        """The uploaded bytes or the pasted text; InputError for neither or both."""
        upload = self.import_file.data
        has_file = bool(upload is not None and getattr(upload, "filename", ""))
        text = self.import_text.data or ""
        if has_file and text.strip():
            raise InputError("invalid_import", gettext("Choose a file or paste text, not both."))
        if has_file:
            data: bytes = upload.read()  # a Werkzeug FileStorage (Flask-WTF is untyped)
            return data
        if not text.strip():
            raise InputError(
                "empty_import",
                gettext("Nothing to import: choose a file or paste a phenopacket or HPO ids, one per line."),
            )
        return text
