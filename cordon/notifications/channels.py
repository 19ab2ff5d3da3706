"""The channels, each a small adapter: ``send(message, address) -> None`` or raise ``DeliveryError``.

Nothing here decides who gets what; ``delivery`` calls the adapter of a message's channel. Gateways are
spoken to with the standard library's HTTP client, so no channel adds a dependency.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail

_PHONE_RUN = re.compile(r"1[3-9]\d{9}|\d{17}[\dXx]")


class DeliveryError(Exception):
    """A channel could not deliver. ``permanent`` errors are not retried (a number the gateway refuses)."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(clean(message))
        self.permanent = permanent


def clean(text: str) -> str:
    """An error as it may be stored and shown: without any phone or ID number a gateway echoed back."""
    return _PHONE_RUN.sub("***", str(text))[:300]


def _post_json(url: str, payload: dict, headers: dict | None = None, timeout: float = 10) -> tuple[int, dict]:
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("not an http(s) address", permanent=True)
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 — the scheme is checked above
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — a configured https/http URL
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}", permanent=400 <= exc.code < 500 and exc.code != 429) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(f"unreachable: {getattr(exc, 'reason', exc)}") from None
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        raise DeliveryError(f"HTTP {status}: not JSON") from None


def text_of(message) -> str:
    base = getattr(settings, "CORDON_BASE_URL", "").rstrip("/")
    link = f"\n{base}{message.link}" if message.link else ""
    return f"{message.subject}\n{message.body}{link}"


# --- WeCom group robot -----------------------------------------------------------------------------


def send_wecom(message, webhook_url: str) -> None:
    """A text message to a WeCom group robot. The robot answers ``{"errcode": 0, "errmsg": "ok"}``;
    any other errcode is an error (45009: more than 20 messages a minute, retried later)."""
    _status, answer = _post_json(webhook_url, {"msgtype": "text", "text": {"content": text_of(message)}})
    code = answer.get("errcode")
    if code != 0:
        raise DeliveryError(f"errcode {code}: {answer.get('errmsg', '')}", permanent=code in (93000, 40008))


# --- SMS through a provider-neutral HTTP gateway --------------------------------------------------


def sms_config() -> dict:
    """The gateway's settings (``CORDON_SMS_*`` in the environment; see config/settings.py)."""
    return settings.CORDON_SMS


def _fill(template, values: dict):
    if isinstance(template, dict):
        return {k: _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, values) for v in template]
    if isinstance(template, str):
        for name, value in values.items():
            template = template.replace("{" + name + "}", value)
    return template


def send_sms(message, phone: str) -> None:
    """Post the message to the gateway: the request body is the configured JSON template with
    ``{phone}``, ``{text}``, ``{signature}`` (the SMS signature, e.g. 【堂二里镇】), ``{timestamp}`` and
    ``{nonce}`` filled in; when a secret is set the body is signed (HMAC-SHA256 over timestamp + body,
    hex, in the configured header). Success is the configured answer field holding the configured value.
    """
    config = sms_config()
    if not config.get("url"):
        raise DeliveryError("SMS gateway not configured", permanent=True)
    text = f"{config.get('signature', '')}{message.subject}：{message.body}"
    if message.link:
        text += f" {getattr(settings, 'CORDON_BASE_URL', '').rstrip('/')}{message.link}"
    timestamp = str(int(time.time()))
    payload = _fill(
        json.loads(config["template"]),
        {
            "phone": phone,
            "text": text,
            "signature": config.get("signature", ""),
            "timestamp": timestamp,
            "nonce": secrets.token_hex(8),
        },
    )
    headers = {}
    if config.get("secret"):
        body = json.dumps(payload, ensure_ascii=False)
        digest = hmac.new(config["secret"].encode(), (timestamp + body).encode(), hashlib.sha256).hexdigest()
        headers = {config.get("sign_header", "X-Signature"): digest, "X-Timestamp": timestamp}
    _status, answer = _post_json(config["url"], payload, headers, timeout=float(config.get("timeout", 10)))
    field, expected = config.get("ok_field", "code"), config.get("ok_value", "OK")
    value = answer.get(field)
    if str(value) != str(expected):
        detail = answer.get(config.get("message_field", "message"), "")
        permanent = str(value) in {str(c) for c in config.get("permanent_codes", [])}
        raise DeliveryError(f"{field}={value}: {detail}", permanent=permanent)


# --- E-mail ------------------------------------------------------------------------------------------


def send_email(message, address: str) -> None:
    """Through Django's e-mail backend (SMTP in a deployment)."""
    try:
        send_mail(message.subject, text_of(message), None, [address], fail_silently=False)
    except Exception as exc:
        raise DeliveryError(f"{exc.__class__.__name__}: {exc}") from None
