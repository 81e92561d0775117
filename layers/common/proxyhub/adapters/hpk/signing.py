"""HPK's status-callback signature, in our model: hex HMAC-SHA256 over timestamp, nonce and raw body.

`X-HPK-Timestamp` (Unix seconds) must be within ±300 s of our clock and `X-HPK-Nonce` is accepted
once, so a captured callback cannot be replayed; `X-HPK-Signature` signs `"<timestamp>.<nonce>." + body`
with the stack's callback secret, as OneWarehouse's pushes are signed with their app secret.
"""

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from proxyhub.upstream.ports import NonceStore

SIGNATURE_HEADER = "X-HPK-Signature"
TIMESTAMP_HEADER = "X-HPK-Timestamp"
NONCE_HEADER = "X-HPK-Nonce"
SIGNATURE_WINDOW_SECONDS = 300
MAX_NONCE_LENGTH = 128


@dataclass(frozen=True)
class CallbackVerdict:
    accepted: bool
    reason: str = ""


def sign_hpk_callback(secret: str, timestamp: str, nonce: str, raw_body: bytes) -> str:
    message = f"{timestamp}.{nonce}.".encode() + raw_body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_callback_headers(
    secret: str, raw_body: bytes, now: datetime, nonce: str | None = None
) -> dict[str, str]:
    """The headers HPK sends with a callback (our simulator and tests sign with this)."""
    timestamp = str(int(now.timestamp()))
    nonce = nonce or secrets.token_hex(16)
    return {
        TIMESTAMP_HEADER: timestamp,
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign_hpk_callback(secret, timestamp, nonce, raw_body),
    }


def verify_hpk_callback(
    secret: str,
    raw_body: bytes,
    headers: Mapping[str, str],
    now: datetime,
    nonces: NonceStore,
    window_seconds: int = SIGNATURE_WINDOW_SECONDS,
) -> CallbackVerdict:
    """Signature, timestamp window, then the nonce: remembered only for a correctly signed callback, so
    forged requests cannot burn nonces."""
    lookup = {name.lower(): value.strip() for name, value in headers.items()}
    timestamp = lookup.get(TIMESTAMP_HEADER.lower(), "")
    nonce = lookup.get(NONCE_HEADER.lower(), "")
    signature = lookup.get(SIGNATURE_HEADER.lower(), "")
    if not secret:
        return CallbackVerdict(False, "no callback secret is configured")
    missing = [name for name, value in _named(timestamp, nonce, signature) if not value]
    if missing:
        return CallbackVerdict(False, f"missing header(s): {', '.join(missing)}")
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return CallbackVerdict(False, f"{TIMESTAMP_HEADER} is not Unix seconds")
    if len(nonce) > MAX_NONCE_LENGTH:
        return CallbackVerdict(False, f"{NONCE_HEADER} is longer than {MAX_NONCE_LENGTH} characters")
    expected = sign_hpk_callback(secret, timestamp, nonce, raw_body)
    if not hmac.compare_digest(expected.encode(), signature.lower().encode()):
        return CallbackVerdict(False, f"invalid {SIGNATURE_HEADER}")
    skew = abs(now.timestamp() - int(timestamp))
    if skew > window_seconds:
        return CallbackVerdict(
            False, f"timestamp {timestamp} is {skew:.0f} s away (window {window_seconds} s)"
        )
    # After timestamp + window a replay is refused as stale, so the nonce need not be kept longer.
    if not nonces.remember(nonce, datetime.fromtimestamp(int(timestamp) + window_seconds, UTC)):
        return CallbackVerdict(False, f"nonce {nonce!r} was already used")
    return CallbackVerdict(True)


def _named(timestamp: str, nonce: str, signature: str) -> list[tuple[str, str]]:
    return [(TIMESTAMP_HEADER, timestamp), (NONCE_HEADER, nonce), (SIGNATURE_HEADER, signature)]
