"""GA4GH phenopackets and plain HPO lists, both ways: checklist answers out (export), checklist answers
in (importing, with the schema's structural checks in structure). Pure and stdlib-only: the web app
builds and reads phenopackets as plain dicts."""

from .export import export_phenopacket
from .export import hpo_csv
from .export import lab_request_lines
from .importing import Imported
from .importing import import_bytes
from .importing import import_hpo_list
from .importing import import_phenopacket
from .importing import import_text

__all__ = [
    "Imported",
    "export_phenopacket",
    "hpo_csv",
    "lab_request_lines",
    "import_bytes",
    "import_hpo_list",
    "import_phenopacket",
    "import_text",
]
