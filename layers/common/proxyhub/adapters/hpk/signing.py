"""HPK's status-callback signature: hex HMAC-SHA256 of the raw body in `X-HPK-Signature`."""

import hashlib
import hmac

SIGNATURE_HEADER = "X-HPK-Signature"


def sign_hpk_callback(secret: str, raw_body: bytes) -> str:
    return hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()


def verify_hpk_callback(secret: str, raw_body: bytes, signature_header: str | None) -> bool:
    """True when the signature is the hex HMAC-SHA256 of the raw body under our callback secret."""
    if not secret or not signature_header:
        return False
    expected = sign_hpk_callback(secret, raw_body).encode()
    return hmac.compare_digest(expected, signature_header.strip().lower().encode())
