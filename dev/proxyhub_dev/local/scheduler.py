"""EventBridge Scheduler emulation: moto stores schedules but never fires them; this fires them.

Emulated: `at(...)` (once, in the schedule's time zone, then deleted with ActionAfterCompletion
DELETE) and `rate(...)` schedules whose target is a Lambda function, with waits compressed by the
time scale. Not emulated: `cron(...)`, StartDate/EndDate, flexible windows, retries and DLQs.
"""

import json
import logging
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import boto3

from proxyhub.clock import Clock, SystemClock
from proxyhub_dev.local.timescale import scaled_wait

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

log = logging.getLogger(__name__)

_AT = re.compile(r"^at\((?P<moment>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$")
_RATE = re.compile(r"^rate\((?P<count>[1-9]\d*)\s+(?P<unit>minute|minutes|hour|hours|day|days)\)$")
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


class AsyncInvoker(Protocol):
    def invoke_async(self, function: str, event: Any) -> Any: ...


@dataclass
class _Tracked:
    """What the emulator knows about one schedule version (an update or re-creation resets it)."""

    version: Any
    target: dict[str, Any]
    deletes_after_completion: bool
    # None: never fires again (a completed at(), or an expression the emulator does not handle).
    next_fire: datetime | None
    period: timedelta | None = None


class SchedulerEmulator:
    def __init__(
        self,
        invoker: AsyncInvoker,
        group_names: list[str],
        time_scale: float = 1.0,
        clock: Clock | None = None,
        client: "EventBridgeSchedulerClient | None" = None,
    ) -> None:
        self._invoker = invoker
        self._group_names = list(group_names)
        self._time_scale = time_scale
        # About a second of scaled time, within bounds that keep moto and the CPU at ease.
        self.poll_seconds = min(1.0, max(0.05, scaled_wait(timedelta(seconds=1), time_scale).total_seconds()))
        self._clock = clock or SystemClock()
        self._client = client or boto3.client("scheduler")
        self._tracked: dict[tuple[str, str], _Tracked] = {}
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scheduler-emulator", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join()

    def tick(self, now: datetime | None = None) -> list[str]:
        """One pass over the groups: fires what is due; returns the fired schedules' "group/name"."""
        now = now or self._clock.now()
        fired = []
        present = set()
        for group in self._group_names:
            for summary in self._schedules_in(group):
                key = (group, summary["Name"])
                present.add(key)
                tracked = self._tracked.get(key)
                if tracked is None or tracked.version != summary.get("LastModificationDate"):
                    tracked = self._track(group, summary["Name"], now)
                    self._tracked[key] = tracked
                if summary.get("State", "ENABLED") == "ENABLED" and _is_due(tracked, now):
                    self._fire(group, summary["Name"], tracked, now)
                    fired.append(f"{group}/{summary['Name']}")
        self._tracked = {key: tracked for key, tracked in self._tracked.items() if key in present}
        return fired

    def _run(self) -> None:
        while not self._stopping.wait(self.poll_seconds):
            try:
                self.tick()
            except Exception:
                log.exception("Scheduler emulation pass failed; retrying")

    def _schedules_in(self, group: str) -> list[Any]:
        paginator = self._client.get_paginator("list_schedules")
        return [summary for page in paginator.paginate(GroupName=group) for summary in page["Schedules"]]

    def _track(self, group: str, name: str, now: datetime) -> _Tracked:
        schedule = self._client.get_schedule(GroupName=group, Name=name)
        tracked = _Tracked(
            version=schedule.get("LastModificationDate"),
            target=dict(schedule["Target"]),
            deletes_after_completion=schedule.get("ActionAfterCompletion") == "DELETE",
            next_fire=None,
        )
        expression = schedule["ScheduleExpression"]
        try:
            self._plan_first_fire(tracked, expression, schedule.get("ScheduleExpressionTimezone"), now)
        except (ValueError, KeyError) as error:
            log.warning("Schedule %s/%s: %s cannot be emulated (%s)", group, name, expression, error)
        return tracked

    def _plan_first_fire(
        self, tracked: _Tracked, expression: str, time_zone: str | None, now: datetime
    ) -> None:
        if at := _AT.match(expression):
            due = datetime.fromisoformat(at["moment"]).replace(tzinfo=ZoneInfo(time_zone or "UTC"))
            tracked.next_fire = now + scaled_wait(due.astimezone(UTC) - now, self._time_scale)
        elif rate := _RATE.match(expression):
            tracked.period = int(rate["count"]) * _UNITS[rate["unit"].rstrip("s")]
            tracked.next_fire = now + scaled_wait(tracked.period, self._time_scale)
        else:
            raise ValueError("only at(yyyy-mm-ddThh:mm:ss) and rate(...) are emulated locally")

    def _fire(self, group: str, name: str, tracked: _Tracked, now: datetime) -> None:
        arn = tracked.target["Arn"]
        if ":lambda:" in arn:
            # Recurring schedules (the sweeper) fire often under a time scale: only one-offs are news.
            log.log(
                logging.DEBUG if tracked.period else logging.INFO, "Schedule %s/%s fires %s", group, name, arn
            )
            try:
                self._invoker.invoke_async(arn, json.loads(tracked.target.get("Input") or "{}"))
            except Exception:
                log.exception("Schedule %s/%s could not invoke %s", group, name, arn)
        else:
            log.warning("Schedule %s/%s: target %s is not emulated locally", group, name, arn)
        if tracked.period is None:
            tracked.next_fire = None
            if tracked.deletes_after_completion:
                self._client.delete_schedule(GroupName=group, Name=name)
        else:
            tracked.next_fire = _next_period(tracked.next_fire or now, tracked.period, now, self._time_scale)


def _is_due(tracked: _Tracked, now: datetime) -> bool:
    return tracked.next_fire is not None and now >= tracked.next_fire


def _next_period(previous: datetime, period: timedelta, now: datetime, time_scale: float) -> datetime:
    """Keeps the rate's rhythm; periods missed while the runner was busy are skipped, not replayed."""
    moment = previous
    while moment <= now:
        moment += scaled_wait(period, time_scale)
    return moment
