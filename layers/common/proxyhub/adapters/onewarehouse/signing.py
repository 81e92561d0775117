"""OneWarehouse's signature, in our model: HMAC-SHA256 over timestamp, nonce and raw body, in X-OW-* headers.

Pushes are signed with the app secret, our callbacks with the callback key; a timestamp must be within
the window and a nonce is accepted once.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime

from proxyhub.request_log import REDACTED, redact_headers
from proxyhub.upstream.ports import NonceStore, PushVerification

HEADER_APP_KEY = "X-OW-App-Key"
HEADER_TIMESTAMP = "X-OW-Timestamp"
HEADER_NONCE = "X-OW-Nonce"
HEADER_SIGN = "X-OW-Sign"
SIGNATURE_WINDOW_SECONDS = 300


_SIGNATURE_HEADERS = (HEADER_APP_KEY, HEADER_TIMESTAMP, HEADER_NONCE, HEADER_SIGN)


def sign(secret: str, timestamp: str, nonce: str, raw_body: bytes) -> str:
    message = f"{timestamp}.{nonce}.".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    app_key: str, secret: str, raw_body: bytes, now: datetime, nonce: str | None = None
) -> dict[str, str]:
    timestamp = str(int(now.timestamp()))
    nonce = nonce or secrets.token_hex(16)
    return {
        HEADER_APP_KEY: app_key,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_SIGN: sign(secret, timestamp, nonce, raw_body),
    }


def verify_push(
    headers: Mapping[str, str],
    raw_body: bytes,
    app_key: str,
    app_secret: str,
    now: datetime,
    nonce_store: NonceStore,
    window_seconds: int = SIGNATURE_WINDOW_SECONDS,
) -> PushVerification:
    """Checks key, timestamp window and signature, then remembers the nonce to refuse replays.

    The nonce is remembered only for a correctly signed push, so forged requests cannot burn nonces.
    """
    lookup = {name.lower(): value for name, value in headers.items()}
    presented = {name: lookup.get(name.lower(), "").strip() for name in _SIGNATURE_HEADERS}
    missing = [name for name, value in presented.items() if not value]
    if missing:
        return PushVerification.mismatch(f"missing header(s): {', '.join(missing)}")
    if not hmac.compare_digest(presented[HEADER_APP_KEY].encode(), app_key.encode()):
        return PushVerification.mismatch(f"unknown app key {presented[HEADER_APP_KEY]!r}")
    timestamp = presented[HEADER_TIMESTAMP]
    if not (timestamp.isascii() and timestamp.isdigit()):
        return PushVerification.mismatch(f"{HEADER_TIMESTAMP} is not Unix seconds")
    skew = abs(now.timestamp() - int(timestamp))
    if skew > window_seconds:
        return PushVerification.stale(
            f"timestamp {timestamp} is {skew:.0f} s away (window {window_seconds} s)"
        )
    nonce = presented[HEADER_NONCE]
    expected = sign(app_secret, timestamp, nonce, raw_body)
    if not hmac.compare_digest(expected.encode(), presented[HEADER_SIGN].lower().encode()):
        return PushVerification.mismatch("signature does not match")
    # After timestamp + window a replay is refused as stale, so the nonce need not be kept longer.
    expires_at = datetime.fromtimestamp(int(timestamp) + window_seconds, UTC)
    if not nonce_store.remember(nonce, expires_at):
        return PushVerification.replayed(f"nonce {nonce!r} was already used")
    return PushVerification.accepted()


def redacted_push_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The push's headers for the request log, with the signature and other secrets masked."""
    redacted = redact_headers(dict(headers))
    return {
        name: REDACTED if name.lower() == HEADER_SIGN.lower() else value for name, value in redacted.items()
    }
