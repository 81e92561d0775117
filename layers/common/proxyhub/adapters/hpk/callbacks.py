"""HPK's status callbacks as the webhook function receives them: verified, then parsed."""

from collections.abc import Mapping

from proxyhub.adapters.hpk.signing import verify_hpk_callback
from proxyhub.adapters.hpk.wire import status_callback_from_wire
from proxyhub.clock import Clock
from proxyhub.proxy.ports import CallbackSignatureError, StatusCallback
from proxyhub.secrets import SecretStore
from proxyhub.upstream.ports import NonceStore


class HpkCallbackReader:
    def __init__(self, secrets: SecretStore, secret_name: str, clock: Clock, nonces: NonceStore) -> None:
        self._secrets = secrets
        self._secret_name = secret_name
        self._clock = clock
        self._nonces = nonces

    def read(self, raw_body: bytes, headers: Mapping[str, str]) -> StatusCallback:
        """Raises CallbackSignatureError for a bad signature, stale timestamp or replayed nonce, and
        InvalidInputError for a malformed body."""
        secret = self._secrets.read(self._secret_name) if self._secret_name else ""
        verdict = verify_hpk_callback(secret, raw_body, headers, self._clock.now(), self._nonces)
        if not verdict.accepted:
            raise CallbackSignatureError(verdict.reason)
        return status_callback_from_wire(raw_body)
