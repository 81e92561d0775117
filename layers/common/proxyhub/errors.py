"""Domain errors. They are mapped to HTTP once, by the API resolver's exception handlers."""


class DomainError(Exception):
    """Base of every error the domain raises on purpose; `message` is safe to show to a user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFoundError(DomainError):
    pass


class ConflictError(DomainError):
    pass


class ConcurrentUpdateError(ConflictError):
    """Someone else changed the item since it was read: reading it again and retrying will do."""


class InvalidInputError(DomainError):
    """Input that passed schema validation but breaks a business rule; `field` names the culprit."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class SystemConfigurationError(DomainError):
    """Wrong system type, missing mapping, bad endpoint or credentials (operators' wording)."""

    def __init__(self, cause: str) -> None:
        super().__init__(f"System configuration error: {cause}")
        self.cause = cause


class VendorError(Exception):
    """Base of every error a vendor adapter raises, a proxy warehouse's or an upstream platform's;
    `message` is safe to show to operators."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransientVendorError(VendorError):
    """Worth retrying later: 5xx, rate limits, timeouts, transport errors, malformed replies."""

    def __init__(self, message: str, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class VendorConfigurationError(VendorError):
    """Wrong endpoint, keys or credentials: no retry helps until an operator fixes the connection."""

    def __init__(self, cause: str) -> None:
        super().__init__(f"System configuration error: {cause}")
        self.cause = cause


class VendorThrottledError(TransientVendorError):
    """The vendor asked us to slow down (429), or we held the call back ourselves (our rate limit, an
    open circuit): nothing failed, so a task waits `retry_after_seconds` without counting a failure."""
