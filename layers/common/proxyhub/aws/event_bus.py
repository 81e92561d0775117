"""Domain events for GWMS on the project's EventBridge bus."""

import json
from typing import Any

import boto3

from proxyhub.observability import logger
from proxyhub.settings import Settings

EVENT_SOURCE = "gwms.proxy-hub"


class EventBridgePublisher:
    def __init__(self, settings: Settings) -> None:
        self._bus = settings.event_bus_name
        self._client = boto3.client("events", region_name=settings.aws_region)

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        response = self._client.put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail, default=str),
                    "EventBusName": self._bus,
                }
            ]
        )
        if response.get("FailedEntryCount"):
            # Events inform GWMS; the state they describe is already stored, so a lost one is logged.
            logger.error(
                "Domain event not published", extra={"detail_type": detail_type, "response": response}
            )
