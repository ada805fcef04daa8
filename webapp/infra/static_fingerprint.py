"""Static files named by their content, so browsers keep them for a year without asking again.

At start-up every file in the static folder is read once and hashed; from then on
`url_for('static', filename='style.css')` builds `/static/style.<fingerprint>.css`. That URL names
one version of the bytes, so it is served `public, max-age=31536000, immutable`: a repeat visit
takes the files from the browser's cache without a single request. A release changes a file's
bytes, hence its name, and the pages (never cached) point at the new name.

The plain name (`/static/style.css`: old bookmarks, outside links) and an out-of-date fingerprint
(a page loaded before a release) still get the current file, but `no-cache` with its ETag, so a
browser revalidates them (a 304 when nothing changed) and never pins bytes their name does not
promise. Anything else under /static/ goes to Flask's own static view: a missing file or a path
out of the folder is a 404.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from pathlib import PurePosixPath
from typing import Any

from flask import Flask
from flask import Response

# 12 hex digits (48 bits) of SHA-256: two versions of one file sharing a name is a one in 2^48
# chance, and the URLs stay short.
FINGERPRINT_DIGITS = 12
# A year, the longest lifetime caches are expected to honour; `immutable` tells the browser not to
# revalidate even on reload, since a new version would have a new name.
IMMUTABLE = "public, max-age=31536000, immutable"
# `name.<fingerprint>.ext` (or `name.<fingerprint>` without an extension), with any fingerprint.
FINGERPRINTED = re.compile(rf"(?P<stem>.+)\.[0-9a-f]{{{FINGERPRINT_DIGITS}}}(?P<suffix>\.[^./]+)?")


@dataclass(frozen=True)
class StaticVersion:
    """One static file as hashed at start-up: its `name` in the folder (POSIX, relative), the
    `fingerprinted` name URLs carry, and its (modification time, size) when it was read."""

    name: str
    fingerprinted: str
    stat: tuple[int, int]


def file_stat(path: Path) -> tuple[int, int]:
    """The modification time (ns) and size that tell whether a file changed since it was hashed."""
    found = path.stat()
    return found.st_mtime_ns, found.st_size


def fingerprinted_name(name: str, data: bytes) -> str:
    """`dir/style.css` with its bytes' fingerprint before the extension: `dir/style.<hex>.css`."""
    digest = hashlib.sha256(data).hexdigest()[:FINGERPRINT_DIGITS]
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def hash_file(folder: Path, path: Path) -> StaticVersion:
    """A file's version; its stat is taken before reading, so a file changed while it was read
    never matches that stat later and never gets the immutable header."""
    stat = file_stat(path)
    name = path.relative_to(folder).as_posix()
    return StaticVersion(name, fingerprinted_name(name, path.read_bytes()), stat)


class StaticFingerprints:
    """The fingerprinted name of every file in one static folder, computed once per process."""

    def __init__(self, folder: Path, versions: list[StaticVersion]) -> None:
        self.folder = folder
        self.by_name = {v.name: v for v in versions}
        self.by_fingerprinted = {v.fingerprinted: v for v in versions}

    @classmethod
    def of_folder(cls, folder: str | os.PathLike[str] | None) -> StaticFingerprints:
        """Hash every file under `folder` (none when the app has no static folder)."""
        if not folder or not Path(folder).is_dir():
            return cls(Path(), [])
        root = Path(folder)
        return cls(root, [hash_file(root, p) for p in sorted(root.rglob("*")) if p.is_file()])

    def url_name(self, name: str) -> str:
        """The name a URL should carry for `name`: fingerprinted when it is a known file."""
        version = self.by_name.get(name)
        return version.fingerprinted if version else name

    def current(self, requested: str) -> StaticVersion | None:
        """The file a request names by its current fingerprint, if it does."""
        return self.by_fingerprinted.get(requested)

    def plain_name(self, requested: str) -> str:
        """A known file's own name for a request carrying an out-of-date fingerprint of it;
        anything else unchanged (Flask's static view then serves it or answers 404)."""
        match = None if requested in self.by_name else FINGERPRINTED.fullmatch(requested)
        if match is None:  # a file's own name (even one that looks fingerprinted), or no fingerprint
            return requested
        plain = match["stem"] + (match["suffix"] or "")
        return plain if plain in self.by_name else requested

    def unchanged(self, version: StaticVersion) -> bool:
        """Whether the file still has the stat it had when hashed (the bytes the name promises)."""
        try:
            return file_stat(self.folder / version.name) == version.stat
        except OSError:
            return False


def register_static_fingerprints(app: Flask) -> StaticFingerprints:
    """Hash the static folder, fingerprint every static URL the app builds, and serve fingerprinted
    names immutable; gives the fingerprints (also in app.extensions["static_fingerprints"])."""
    fingerprints = StaticFingerprints.of_folder(app.static_folder)
    app.extensions["static_fingerprints"] = fingerprints

    @app.url_defaults
    def _fingerprint_static_urls(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprints.url_name(values["filename"])

    def static(filename: str) -> Response:
        version = fingerprints.current(filename)
        if version is None:  # a plain or out-of-date name: Flask's revalidating answer, or a 404
            return app.send_static_file(fingerprints.plain_name(filename))
        response = app.send_static_file(version.name)
        # In debug a developer edits the files without restarting: nothing is pinned then.
        if not app.debug and fingerprints.unchanged(version):
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    if "static" in app.view_functions:
        app.view_functions["static"] = static
    return fingerprints
