"""HPK's status callbacks as the webhook function receives them: verified, then parsed."""

from proxyhub.adapters.hpk.signing import SIGNATURE_HEADER, verify_hpk_callback
from proxyhub.adapters.hpk.wire import status_callback_from_wire
from proxyhub.proxy.ports import CallbackSignatureError, StatusCallback
from proxyhub.secrets import SecretStore


class HpkCallbackReader:
    def __init__(self, secrets: SecretStore, secret_name: str) -> None:
        self._secrets = secrets
        self._secret_name = secret_name

    @property
    def signature_header(self) -> str:
        return SIGNATURE_HEADER

    def read(self, raw_body: bytes, signature: str | None) -> StatusCallback:
        """Raises CallbackSignatureError for a bad signature, InvalidInputError for a malformed body."""
        if not verify_hpk_callback(self._secrets.read(self._secret_name), raw_body, signature):
            raise CallbackSignatureError(f"Invalid {SIGNATURE_HEADER}")
        return status_callback_from_wire(raw_body)
