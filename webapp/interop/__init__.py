"""Interoperability: GA4GH phenopacket and HPO-list import into the checklist, and exports of a result."""
