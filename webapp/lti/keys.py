"""The tool's RSA key pair (`flask lti-keys`): it signs deep-linking answers and the client
assertions of grade requests; /lti/jwks.json publishes the public half with its `kid`."""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import current_app

KEY_BITS = 2048


def default_folder() -> Path:
    config = current_app.config.get("LTI_CONFIG")
    return Path(str(config)).parent if config else Path(current_app.instance_path) / "lti"


def write_key_pair(folder: str | None = None, force: bool = False) -> tuple[Path, Path]:
    """Write private.key (0600) and public.key into `folder`; FileExistsError unless `force`."""
    where = Path(folder) if folder else default_folder()
    where.mkdir(parents=True, exist_ok=True)
    private_path, public_path = where / "private.key", where / "public.key"
    if private_path.exists() and not force:
        raise FileExistsError(str(private_path))
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public_path.write_bytes(
        key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    return private_path, public_path
