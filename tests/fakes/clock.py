"""Time that tests move by hand."""

from datetime import UTC, datetime, timedelta

START = datetime(2026, 6, 4, 8, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, now: datetime = START) -> None:
        self._now = now

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
