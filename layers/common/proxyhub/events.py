"""Domain events for GWMS: the one port every package publishes through (an EventBridge bus in AWS,
`proxyhub.aws.event_bus.EventBridgePublisher`)."""

from typing import Any, Protocol


class DomainEvents(Protocol):
    """Domain events for GWMS (an EventBridge bus in AWS)."""

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None: ...
