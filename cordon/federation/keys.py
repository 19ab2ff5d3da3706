"""This server's federation key: Ed25519, made by ``cryptography``, kept like the pass-signing key.

The private key lives in ``var/federation_key.pem`` (made on first use, mode 0600), or in
``CORDON_FEDERATION_KEY`` as a PEM. The public key is given to the other servers as 32 raw bytes in
base64 (``public_key_text``); its id (``key_id``) is the first 16 hex digits of the SHA-256 of those
bytes, so a package names the key that signed it without carrying it.
"""

import base64
import hashlib
import threading

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cordon.core import keys
from cordon.core.keys import installation_key

_lock = threading.Lock()
_key: Ed25519PrivateKey | None = None


def private_key() -> Ed25519PrivateKey:
    global _key
    with _lock:
        if _key is None:
            _key = installation_key("CORDON_FEDERATION_KEY", "federation_key.pem", Ed25519PrivateKey.generate)
        return _key


def forget() -> None:
    """Read the key again on next use (tests, a restore)."""
    global _key
    with _lock:
        _key = None


keys.on_forget(forget)


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_text() -> str:
    return base64.b64encode(_raw(private_key().public_key())).decode()


def key_id_of(public_text: str) -> str:
    return hashlib.sha256(base64.b64decode(public_text)).hexdigest()[:16]


def key_id() -> str:
    return key_id_of(public_key_text())


def parse_public(public_text: str) -> Ed25519PublicKey:
    """A peer's public key as given (32 bytes in base64); ValueError when it is not one."""
    try:
        raw = base64.b64decode(public_text.strip(), validate=True)
    except (ValueError, TypeError):
        raise ValueError("not base64") from None
    if len(raw) != 32:
        raise ValueError("not 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(data: bytes) -> str:
    keys.remember("federation", private_key())  # the database now knows the key its peers know
    return base64.b64encode(private_key().sign(data)).decode()


def verify(public_text: str, data: bytes, signature: str) -> bool:
    try:
        parse_public(public_text).verify(base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
