"""In-memory fakes of the ports, one of each, shared by unit and integration tests."""

from fakes.clock import START, FakeClock
from fakes.events import RecordingEvents
from fakes.request_logs import ListRequestLogSink
from fakes.schedules import RecordingMappingSchedules
from fakes.tasks import (
    ROUTE,
    EngineKit,
    InMemoryTaskStore,
    RecordingInvoker,
    RecordingScheduler,
    ScriptedExecutor,
    engine_kit,
)

__all__ = [
    "ROUTE",
    "START",
    "EngineKit",
    "FakeClock",
    "InMemoryTaskStore",
    "ListRequestLogSink",
    "RecordingEvents",
    "RecordingInvoker",
    "RecordingMappingSchedules",
    "RecordingScheduler",
    "ScriptedExecutor",
    "engine_kit",
]
