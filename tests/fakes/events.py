"""Domain events recorded instead of published."""

from typing import Any


class RecordingEvents:
    def __init__(self) -> None:
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.fail = False

    def publish(self, detail_type: str, detail: dict[str, Any]) -> None:
        if self.fail:
            raise RuntimeError("event bus throttled")
        self.published.append((detail_type, detail))

    def types(self) -> list[str]:
        return [detail_type for detail_type, _ in self.published]
