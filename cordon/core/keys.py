"""An installation's private keys (the pass-signing key, the federation key): read from the
environment, else from ``var/``, else made once there (0600) — every process then reads the same."""

import os

from cryptography.hazmat.primitives import serialization
from django.conf import settings


def installation_key(env: str, filename: str, generate):
    """The PEM key in ``$env``, else ``var/<filename>``, else one ``generate()`` makes and keeps there."""
    pem = os.environ.get(env, "").encode()
    path = settings.VAR_DIR / filename
    if not pem and path.exists():
        pem = path.read_bytes()
    if pem:
        return serialization.load_pem_private_key(pem, password=None)
    key = generate()
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago: use theirs
        return serialization.load_pem_private_key(path.read_bytes(), password=None)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
    return key
