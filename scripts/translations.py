#!/usr/bin/env python3
"""The knowledge's translations, for translators (docs/languages.md, docs/knowledge-authoring.md).

    translations.py status LANG          coverage per kind, then every stale row (exit 1 if any)
    translations.py stale LANG           the stale rows: kind, id, field, the English now
    translations.py missing LANG [KIND]  the texts with no row yet, as overlay rows to fill in (with the
                                         English as a comment and the digest of that English)
    translations.py digest [TEXT]        the digest of an English text (of stdin without TEXT)
    translations.py sign LANG            give each new row its digest: a field written as a plain string
                                         (`label = "Dolor óseo"`) becomes `{ text, en_sha }` with the digest
                                         of the current English; rows already signed are left as they are
                                         (a stale row is never signed again by this: update it by hand)

Run from the repository root with the project's Python (.venv/bin/python scripts/translations.py ...).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rules.core.translations import coverage  # noqa: E402
from rules.core.translations import digest  # noqa: E402
from rules.core.translations import english  # noqa: E402
from rules.core.translations import missing_rows  # noqa: E402
from rules.core.translations import stale_rows  # noqa: E402

I18N = ROOT / "rules" / "knowledge" / "i18n"
BARE_KEY = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")


def toml_string(text: str) -> str:
    """A TOML basic string (one line: newlines escaped)."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{out}"'


def toml_key(key: str) -> str:
    return key if key and set(key) <= BARE_KEY else toml_string(key)


def overlay_text(data: dict[str, dict[str, Any]], kind: str) -> str:
    """An overlay file's text: rows in the English catalog's order, fields in its order."""
    order = english()[kind]
    lines = [
        f"# The {kind}.toml texts in this language (docs/languages.md). Each field: the translation and the",
        "# digest of the English it was made from (scripts/translations.py).",
    ]
    known = [i for i in order if i in data] + [i for i in data if i not in order]
    for ident in known:
        fields = data[ident]
        names = [f for f in order.get(ident, {}) if f in fields] + [f for f in fields if f not in order.get(ident, {})]
        lines.append("")
        lines.append(f"[{toml_key(ident)}]")
        for name in names:
            text, sha = toml_string(fields[name]["text"]), toml_string(fields[name]["en_sha"])
            lines.append(f"{toml_key(name)} = {{ text = {text}, en_sha = {sha} }}")
    return "\n".join(lines) + "\n"


def sign(lang: str) -> int:
    catalog = english()
    signed = 0
    for path in sorted((I18N / lang).glob("*.toml")):
        kind = path.stem
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for ident, fields in data.items():
            for name, entry in list(fields.items()):
                if isinstance(entry, str):
                    english_text = catalog.get(kind, {}).get(ident, {}).get(name)
                    if english_text is None:
                        print(f"{path.name}: [{ident}] {name}: no such English text", file=sys.stderr)
                        return 1
                    fields[name] = {"text": entry, "en_sha": digest(english_text)}
                    signed += 1
        path.write_text(overlay_text(data, kind), encoding="utf-8")
    print(f"{signed} new row(s) signed")
    return 0


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "digest":
        print(digest(rest[0] if rest else sys.stdin.read()))
        return 0
    if not rest:
        print(__doc__)
        return 2
    lang = rest[0]
    if command == "sign":
        return sign(lang)
    if command in ("status", "stale"):
        return status(lang, table=command == "status")
    if command == "missing":
        missing(lang, rest[1:])
        return 0
    print(__doc__)
    return 2


def status(lang: str, table: bool) -> int:
    """The coverage table (with `table`), then the stale rows; 1 when any row is stale."""
    if table:
        print(f"{'kind':<14}{'translated':>11}{'stale':>7}{'texts':>7}")
        for kind, (done, stale, total) in coverage(lang).items():
            print(f"{kind:<14}{done:>11}{stale:>7}{total:>7}")
    rows = stale_rows(lang)
    for row in rows:
        print(f"stale: {row.kind} [{row.id}] {row.field}: the English is now {row.english!r}")
    return 1 if rows else 0


def missing(lang: str, kinds: list[str]) -> None:
    """The texts with no row yet, as commented overlay rows with their English and its digest."""
    current = ""
    for row in missing_rows(lang):
        if kinds and row.kind not in kinds:
            continue
        if row.kind != current:
            print(f"\n# ---- {row.kind}: rules/knowledge/i18n/{lang}/{row.kind}.toml")
            current = row.kind
        print(f"# [{toml_key(row.id)}] {row.field}: {row.english.strip()}")
        print(f'# {toml_key(row.field)} = {{ text = "", en_sha = "{digest(row.english)}" }}')


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
