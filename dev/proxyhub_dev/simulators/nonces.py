"""Push nonces of one process: enough for a simulator (Lambda shares them in DynamoDB instead)."""

import threading
from datetime import datetime

from proxyhub.clock import Clock, SystemClock


class InMemoryNonceStore:
    """Nonces of one process, for tests and simulators; Lambda needs a shared store (DynamoDB)."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._expiry_by_nonce: dict[str, datetime] = {}

    def remember(self, nonce: str, expires_at: datetime) -> bool:
        now = self._clock.now()
        with self._lock:
            self._forget_expired(now)
            if nonce in self._expiry_by_nonce:
                return False
            self._expiry_by_nonce[nonce] = expires_at
            return True

    def _forget_expired(self, now: datetime) -> None:
        expired = [nonce for nonce, expiry in self._expiry_by_nonce.items() if expiry <= now]
        for nonce in expired:
            del self._expiry_by_nonce[nonce]
