"""An installation's private keys (the pass-signing key, the federation key): read from the
environment, else from ``var/``, else made once there (0600) — every process then reads the same.

``INSTALLATION_KEYS`` names them all: ``cordon backup`` carries each, and the database remembers the
fingerprint of the key that signed its records (``remember``), so a server that comes up with its
records but another key says so (``mismatch``) instead of printing cards nobody can verify.
"""

import hashlib
import os
import threading

from cryptography.hazmat.primitives import serialization
from django.conf import settings

# name -> (environment variable, file in var/)
INSTALLATION_KEYS = {
    "pass_signing": ("CORDON_PASS_SIGNING_KEY", "pass_signing_key.pem"),
    "federation": ("CORDON_FEDERATION_KEY", "federation_key.pem"),
}


def key_path(name: str):
    return settings.VAR_DIR / INSTALLATION_KEYS[name][1]


def stored_pem(name: str) -> bytes | None:
    """The key's PEM from its variable, else its file; None when there is none yet (nothing made)."""
    env, _filename = INSTALLATION_KEYS[name]
    pem = os.environ.get(env, "").strip().encode()
    if pem:
        return pem
    path = key_path(name)
    return path.read_bytes() if path.exists() else None


def from_environment(name: str) -> bool:
    return bool(os.environ.get(INSTALLATION_KEYS[name][0], "").strip())


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


def fingerprint(key) -> str:
    """The first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo, DER)."""
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(public).hexdigest()[:16]


def fingerprint_of_pem(pem: bytes) -> str:
    return fingerprint(serialization.load_pem_private_key(pem, password=None))


_remembered: set[tuple[str, str]] = set()
_remember_lock = threading.Lock()


def remember(name: str, key) -> None:
    """Note in the database, once, the fingerprint of the key that signs this installation's records.

    Called where a key signs (a pass card, a package); a row already there is never replaced — a
    different key then is what ``mismatch`` reports.
    """
    from cordon.core.models import InstallationKey

    entry = (name, fingerprint(key))
    with _remember_lock:
        if entry in _remembered:
            return
    InstallationKey.objects.get_or_create(name=name, defaults={"fingerprint": entry[1]})
    with _remember_lock:
        _remembered.add(entry)


_loaded_forgetters: list = []


def on_forget(forget) -> None:
    """``forget`` drops a module's loaded key; ``forget_loaded`` calls them all (after a restore)."""
    _loaded_forgetters.append(forget)


def forget_loaded() -> None:
    for forget in _loaded_forgetters:
        forget()


def forget_remembered() -> None:
    with _remember_lock:
        _remembered.clear()


def mismatch(name: str) -> str | None:
    """Why this installation's key ``name`` is not the one its records were signed with, or None.

    "missing": the database remembers a key and there is none (no variable, no file);
    "different": the key here has another fingerprint than the one remembered.
    """
    from cordon.core.models import InstallationKey

    row = InstallationKey.objects.filter(name=name).first()
    pem = stored_pem(name)
    if row is None:
        return None
    if pem is None:
        return "missing"
    try:
        here = fingerprint_of_pem(pem)
    except ValueError:
        return "different"
    return None if here == row.fingerprint else "different"


def remembered_fingerprint(name: str) -> str | None:
    from cordon.core.models import InstallationKey

    return InstallationKey.objects.filter(name=name).values_list("fingerprint", flat=True).first()
