"""The signed token on an exit pass's card, and its check.

The server signs with an ECDSA P-256 key kept in ``var/pass_signing_key.pem`` (made on first use,
like the secret key; ``CORDON_PASS_SIGNING_KEY`` may hold a PEM instead). The public key goes to the
guards' pages, whose script verifies a scanned token with WebCrypto while offline: a forged or altered
token fails there and here alike. A token is ``CDP1.<payload>.<signature>``, both base64url; the
payload is compact JSON: pass id, token version, short code, sealed area code, validity (epoch
seconds) and a photo-free identity hint (masked names and the ID numbers' last four characters).
"""

import base64
import json
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from cordon.core import keys
from cordon.core.keys import installation_key

PREFIX = "CDP1"
_lock = threading.Lock()
_key: ec.EllipticCurvePrivateKey | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def private_key() -> ec.EllipticCurvePrivateKey:
    global _key
    with _lock:
        if _key is None:
            _key = installation_key(
                "CORDON_PASS_SIGNING_KEY",
                "pass_signing_key.pem",
                lambda: ec.generate_private_key(ec.SECP256R1()),
            )
        return _key


def forget() -> None:
    """Read the key again on next use (tests, a restore)."""
    global _key
    with _lock:
        _key = None


keys.on_forget(forget)


def public_jwk() -> dict:
    """The public key as a JWK, for the guards' pages (WebCrypto importKey)."""
    numbers = private_key().public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64(numbers.x.to_bytes(32, "big")),
        "y": _b64(numbers.y.to_bytes(32, "big")),
        "ext": True,
    }


def sign(payload: dict) -> str:
    keys.remember("pass_signing", private_key())  # the database now knows which key its cards carry
    body = _b64(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    der = private_key().sign(f"{PREFIX}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    # IEEE P1363 (r ‖ s), the form WebCrypto verifies.
    return f"{PREFIX}.{body}.{_b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


@dataclass
class Read:
    payload: dict | None  # None: not a token of ours, or altered or forged


def read(token: str) -> Read:
    """The payload of a token whose signature holds, else ``Read(None)``."""
    parts = (token or "").strip().split(".")
    if len(parts) != 3 or parts[0] != PREFIX:
        return Read(None)
    try:
        raw = _unb64(parts[2])
        if len(raw) != 64:
            return Read(None)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        private_key().public_key().verify(der, f"{PREFIX}.{parts[1]}".encode(), ec.ECDSA(hashes.SHA256()))
        payload = json.loads(_unb64(parts[1]))
    except (InvalidSignature, ValueError, json.JSONDecodeError):
        return Read(None)
    return Read(payload if isinstance(payload, dict) else None)
